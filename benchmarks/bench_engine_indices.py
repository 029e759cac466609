"""CSI, IPA and SERVQUAL gaps (by="unit") inside Polars (lazy) and DuckDB vs their own mean.

A Parquet file of N respondents × 9 performance and 9 importance answers (int8, ~2 %
missing), three importance-point columns, survey weights, 4 strata, 48 villages (PSUs)
and 1,000 service units is written once. In one process, interleaved and best of
``REPEATS``, each engine runs its own ``group_by("unit").mean()`` of the 18 answer
columns (the floor) and servqual's ``csi``, ``ipa`` and ``servqual_gaps`` (with the
importance points) by unit on a scan of the file (validation queries plus one
aggregation each; only the cell sums come back).

Usage: ``python benchmarks/bench_engine_indices.py [N]`` (default 2,000,000; needs
polars, duckdb, narwhals and pyarrow).
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _survey_parquet import answers, write_survey

KW = {"weights": "w", "strata": "province", "clusters": "village"}
REPEATS = 3
PERF = [f"P{j}" for j in range(1, 10)]
IMP = [f"I{j}" for j in range(1, 10)]


def write_parquet(path: Path, n: int, seed: int = 1) -> None:
    """The survey (see ``_survey_parquet``) with both forms and 100 importance points."""

    def more(rng: np.random.Generator, m: int) -> dict[str, Any]:
        cols = answers(rng, m, PERF) | answers(rng, m, IMP)
        points = rng.dirichlet([2.0, 2.0, 2.0], m) * 100.0
        points[:, 2] = 100.0 - points[:, 0] - points[:, 1]
        return cols | {name: points[:, d] for d, name in enumerate(("pa", "pb", "pc"))}

    write_survey(path, n, seed, more)


def _instrument() -> Any:
    import servqual as sq

    items = [sq.Item(id=f"Q{j}", text=f"Q{j}", dimension="abc"[j % 3]) for j in range(1, 10)]
    return sq.Instrument(id="b", name="b", scale=sq.Scale(min=1, max=4), items=items)


def _cases(path: Path) -> dict[str, Callable[[], object]]:
    import duckdb
    import polars as pl

    import servqual as sq

    inst = _instrument()
    perf = {f"Q{j}": f"P{j}" for j in range(1, 10)}
    imp = {f"Q{j}": f"I{j}" for j in range(1, 10)}
    points = {"a": "pa", "b": "pb", "c": "pc"}
    answers = PERF + IMP
    means = ", ".join(f"avg({c})" for c in answers)

    def scans() -> dict[str, Callable[[], Any]]:
        return {
            "polars": lambda: pl.scan_parquet(path),
            "duckdb": lambda: duckdb.read_parquet(str(path)),
        }

    def forms(scan: Any) -> tuple[Any, Any]:
        return (
            sq.Responses.from_frame(scan, inst, items=perf, **KW),
            sq.Responses.from_frame(scan, inst, items=imp, **KW),
        )

    out: dict[str, Callable[[], object]] = {}
    for engine, scan in scans().items():
        if engine == "polars":
            out[f"{engine} group_by(unit).mean() of 18 columns"] = lambda scan=scan: (
                scan().group_by("unit").agg(pl.col(answers).mean()).collect()
            )
        else:
            out[f"{engine} group_by(unit).mean() of 18 columns"] = lambda scan=scan: (
                scan().aggregate(f"unit, {means}", "unit").fetchall()
            )
        out[f"{engine} csi(by='unit')"] = lambda scan=scan: sq.csi(*forms(scan()), by="unit")
        out[f"{engine} ipa(by='unit')"] = lambda scan=scan: sq.ipa(*forms(scan()), by="unit")
        out[f"{engine} servqual_gaps(by='unit', points)"] = lambda scan=scan: sq.servqual_gaps(
            *forms(scan()), by="unit", importance_points=points
        )
    return out


def main() -> None:
    import duckdb
    import polars as pl

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.parquet"
        t0 = time.perf_counter()
        write_parquet(path, n)
        size = path.stat().st_size / 2**20
        print(
            f"python {platform.python_version()}, polars {pl.__version__}, "
            f"duckdb {duckdb.__version__}, {platform.machine()}"
        )
        print(
            f"{n:,} respondents x 18 answers, Parquet {size:.0f} MiB "
            f"(written in {time.perf_counter() - t0:.0f} s); best of {REPEATS}, interleaved"
        )
        cases = _cases(path)
        for run in cases.values():  # untimed: imports, first scans
            run()
        best = dict.fromkeys(cases, float("inf"))
        for _ in range(REPEATS):
            for name, run in cases.items():
                t = time.perf_counter()
                run()
                best[name] = min(best[name], time.perf_counter() - t)
        for name, seconds in best.items():
            engine = name.split()[0]
            floor = best[f"{engine} group_by(unit).mean() of 18 columns"]
            print(f"{name:45s} {seconds:7.2f} s   ratio {seconds / floor:6.1f}x")


if __name__ == "__main__":
    main()
