"""Post-stratified, raked and bootstrap SKM indices inside Polars (lazy) and DuckDB.

A Parquet file of N respondents × 9 SKM answers (int8, ~2 % missing), survey weights,
4 strata, 48 villages (PSUs), 1,000 service units, a channel (3 categories) and a sex
(2) column is written once. Then, in one process and interleaved (best of ``--repeats``
rounds, so every case sees the same machine load), for each engine:

- the floor: the engine's own ``group_by("unit").mean()`` of the nine columns;
- ``skm_index(by="unit")`` of the design (weights, strata, clusters) as it is;
- the same after ``poststratify("channel", ...)`` and after ``rake`` on channel and sex
  (the calibration's query included: it is part of the call a user makes);
- ``skm_index(method="bootstrap", n_resamples=500)`` of the stratified design without
  weights, next to the in-memory bootstrap of the same answers already loaded (its floor:
  the resampling is the same, only the summary comes from the engine).

Usage: ``python benchmarks/bench_engine_calibration.py [N] [--repeats R]`` (default
2,000,000 rows, 2 rounds; needs polars, duckdb, narwhals and pyarrow).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _survey_parquet import answers, write_survey

ITEMS = [f"U{j}" for j in range(1, 10)]
KW = {"weights": "w", "strata": "province", "clusters": "village"}
CHANNELS = {0: 0.5, 1: 0.3, 2: 0.2}  # shares of the population (scaled to 10 million)
SEXES = {"L": 0.48, "P": 0.52}


def write_parquet(path: Path, n: int, seed: int = 3) -> None:
    """The survey (see ``_survey_parquet``) with a channel, a sex and the nine answers."""

    def more(rng: np.random.Generator, m: int) -> dict[str, Any]:
        cols: dict[str, Any] = {
            "channel": rng.integers(0, 3, m).astype(np.int8),
            "sex": np.array(["L", "P"])[rng.integers(0, 2, m)],
        }
        return cols | answers(rng, m, ITEMS)

    write_survey(path, n, seed, more)


def cases(path: Path) -> dict[str, Callable[[], Any]]:
    """Every timed call, by name (engine first)."""
    import duckdb
    import polars as pl

    import servqual as sq

    skm = sq.instruments.SKM_2017
    channels = {k: 10_000_000 * v for k, v in CHANNELS.items()}
    margins = {"channel": channels, "sex": {k: 10_000_000 * v for k, v in SEXES.items()}}
    loaded = pl.read_parquet(path)
    in_memory = sq.Responses.from_frame(loaded, skm, strata="province")
    scans: dict[str, Callable[[], Any]] = {
        "polars": lambda: pl.scan_parquet(path),
        "duckdb": lambda: duckdb.read_parquet(str(path)),
    }
    out: dict[str, Callable[[], Any]] = {}
    for engine, scan in scans.items():

        def mean(scan: Callable[[], Any] = scan, engine: str = engine) -> Any:
            if engine == "polars":
                return scan().group_by("unit").agg(pl.col(ITEMS).mean()).collect()
            cols = ", ".join(f"avg({c})" for c in ITEMS)
            return duckdb.sql(f"select unit, {cols} from read_parquet('{path}') group by unit").pl()

        def responses(scan: Callable[[], Any] = scan) -> Any:
            return sq.Responses.from_frame(scan(), skm, **KW)

        out[f"{engine} group_by(unit).mean()"] = mean
        out[f"{engine} skm_index(by=unit)"] = lambda r=responses: sq.skm_index(r(), by="unit")
        out[f"{engine} poststratified"] = lambda r=responses: sq.skm_index(
            r().poststratify("channel", channels), by="unit"
        )
        out[f"{engine} raked"] = lambda r=responses: sq.skm_index(r().rake(margins), by="unit")
        out[f"{engine} bootstrap"] = lambda s=scan: sq.skm_index(
            sq.Responses.from_frame(s(), skm, strata="province"),
            method="bootstrap",
            seed=1,
            n_resamples=500,
        )
    out["in memory bootstrap"] = lambda: sq.skm_index(
        in_memory, method="bootstrap", seed=1, n_resamples=500
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=2_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    import duckdb
    import polars as pl

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.parquet"
        write_parquet(path, args.n)
        todo = cases(path)
        # no untimed call: with two or more rounds the first (imports, file cache) is not
        # the best
        best = dict.fromkeys(todo, float("inf"))
        for _ in range(args.repeats):  # interleaved rounds: every case sees the same load
            for name, run in todo.items():
                start = time.perf_counter()
                run()
                best[name] = min(best[name], time.perf_counter() - start)
    load = os.getloadavg()[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"python {platform.python_version()}, polars {pl.__version__}, duckdb "
        f"{duckdb.__version__}, {platform.machine()} ({os.cpu_count()} cores), "
        f"load average {load:.1f}"
    )
    print(f"{args.n:,} respondents x 9 answers; best of {args.repeats} interleaved rounds")
    for engine in ("polars", "duckdb"):
        floor = best[f"{engine} group_by(unit).mean()"]
        plain = best[f"{engine} skm_index(by=unit)"]
        for name in [k for k in best if k.startswith(engine)]:
            t = best[name]
            print(f"{name:36s} {t:7.2f} s   {t / floor:6.1f}x floor   {t / plain:5.2f}x plain")
    boot = best["in memory bootstrap"]
    print(f"{'in memory bootstrap':36s} {boot:7.2f} s")
    print(f"process peak resident memory {peak:,.0f} MB (all cases, data loaded once)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
