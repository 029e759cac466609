"""skm_index(by="unit") inside Polars (lazy) and DuckDB vs the engine's own group-bys.

A Parquet file of N respondents × 9 SKM answers (int8, ~2 % missing), survey weights,
4 strata, 48 villages (PSUs) and 1,000 service units is written once. Per engine, three
cases run interleaved in one process (best of a few rounds, wall and CPU time of the
process, so the ratios are measured side by side):

- ``mean``: the engine's own ``group_by(unit).mean()`` of the nine columns (the issue's
  yardstick);
- ``floor``: the engine's own ``group_by(province, village, unit)`` with the sums the
  index needs (per element Σ w·y, Σ w over the answered rows, the answer count): the
  honest floor, written by hand in the engine's own API;
- ``skm``: ``sq.skm_index(sq.Responses.from_frame(scan, SKM_2017, weights, strata,
  clusters), by="unit")`` with the scan a ``pl.scan_parquet`` or a
  ``duckdb.read_parquet`` relation (validation query + one aggregation; only the cell
  sums come back).

Each case then runs once more in a fresh process for its peak resident memory (engine
included when it runs in-process, as Polars and DuckDB do).

Usage: ``python benchmarks/bench_engines.py [N] [--dask]`` (default 10,000,000; needs
polars, duckdb, narwhals and pyarrow; ``--dask`` adds the same index on a LocalCluster of
two worker processes reading the file with ``dd.read_parquet``, at its default
partitioning and with one partition per 1,000,000-row group, with each worker's peak
memory and the client's).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _survey_parquet import answers, write_survey

ITEMS = [f"U{j}" for j in range(1, 10)]
KW = {"weights": "w", "strata": "province", "clusters": "village"}
ENGINES = ("polars", "duckdb")
KINDS = ("mean", "floor", "skm")
REPEATS = 3


def write_parquet(path: Path, n: int, seed: int = 1) -> None:
    """The survey (see ``_survey_parquet``) with the nine SKM answers."""
    write_survey(path, n, seed, lambda rng, m: answers(rng, m, ITEMS))


def _polars_floor(path: str) -> Any:
    import polars as pl

    w, sums = pl.col("w"), []
    for c in ITEMS:
        y = pl.col(c)
        sums += [
            (w * y).sum().alias(f"s{c}"),
            y.count().alias(f"k{c}"),
            pl.when(y.is_not_null()).then(w).sum().alias(f"a{c}"),
        ]
    keys = ("province", "village", "unit")
    return pl.scan_parquet(path).group_by(*keys).agg(pl.len(), *sums).collect()


def _duckdb_floor(path: str) -> Any:
    import duckdb

    sums = ", ".join(
        f"sum(w * {c}), count({c}), sum(case when {c} is not null then w end)" for c in ITEMS
    )
    return duckdb.sql(
        f"select province, village, unit, count(*), {sums} "
        f"from read_parquet('{path}') group by province, village, unit"
    ).fetchall()


def _case(name: str, path: str) -> None:
    """Run one case once."""
    import duckdb
    import polars as pl

    import servqual as sq

    engine, kind = name.split("_")
    if name == "polars_mean":
        pl.scan_parquet(path).group_by("unit").agg(pl.col(ITEMS).mean()).collect()
    elif name == "duckdb_mean":
        means = ", ".join(f"avg({c})" for c in ITEMS)
        duckdb.sql(f"select unit, {means} from read_parquet('{path}') group by unit").fetchall()
    elif kind == "floor":
        (_polars_floor if engine == "polars" else _duckdb_floor)(path)
    else:
        scan = pl.scan_parquet(path) if engine == "polars" else duckdb.read_parquet(path)
        responses = sq.Responses.from_frame(scan, sq.instruments.SKM_2017, **KW)
        sq.skm_index(responses, by="unit")


def peak_mb() -> float:
    """This process's peak resident memory (Linux ``VmHWM``: its own, unlike ``ru_maxrss``,
    which a child started by ``exec`` inherits from its parent)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timing(engine: str, path: str) -> dict[str, dict[str, float]]:
    """The three cases of an engine interleaved, best wall and CPU seconds of each."""
    best = {kind: {"seconds": float("inf"), "cpu": float("inf")} for kind in KINDS}
    for kind in KINDS:  # warm-up: imports, the file in the page cache
        _case(f"{engine}_{kind}", path)
    for _ in range(REPEATS):
        for kind in KINDS:
            c0, t0 = _cpu(), time.perf_counter()
            _case(f"{engine}_{kind}", path)
            wall, cpu = time.perf_counter() - t0, _cpu() - c0
            row = best[kind]
            row["seconds"], row["cpu"] = min(row["seconds"], wall), min(row["cpu"], cpu)
    return best


def dask_case(path: str, split: bool, kind: str = "skm") -> dict[str, float]:
    """skm_index(by="unit") on a LocalCluster of two worker processes; each worker's peak.

    ``split``: one partition per Parquet row group (1,000,000 rows), else Dask's default;
    ``kind="mean"``: Dask's own ``groupby("unit").mean()`` of the nine columns instead
    (the same read, for the workers' floor).
    """
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import servqual as sq

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client:
        t0 = time.perf_counter()
        frame = dd.read_parquet(path, split_row_groups=True) if split else dd.read_parquet(path)
        if kind == "mean":
            frame.groupby("unit")[ITEMS].mean().compute()
        else:
            responses = sq.Responses.from_frame(frame, sq.instruments.SKM_2017, **KW)
            sq.skm_index(responses, by="unit")
        seconds = time.perf_counter() - t0
        workers = client.run(peak_mb)
    return {
        "seconds": seconds,
        "partitions": frame.npartitions,
        "worker_peak_mb": max(workers.values()),
        "peak_mb": peak_mb(),
    }


def _child(name: str, path: str) -> None:
    if name.startswith("dask"):
        split, kind = name.endswith("split"), "mean" if "mean" in name else "skm"
        print(json.dumps({"case": name, **dask_case(path, split, kind)}))
    elif name.startswith("timing_"):
        print(json.dumps(timing(name.removeprefix("timing_"), path)))
    else:
        _case(name, path)
        print(json.dumps({"case": name, "peak_mb": peak_mb()}))


def _run_child(name: str, path: Path) -> Any:
    out = subprocess.run(
        [sys.executable, __file__, "--case", name, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(n: int = 10_000_000) -> dict[str, dict[str, float]]:
    """Write the file, run every case in its own process, print and return the rows."""
    import duckdb
    import polars as pl

    folder = Path(tempfile.mkdtemp())
    path = folder / "survey.parquet"
    t0 = time.perf_counter()
    write_parquet(path, n)
    size_mb = path.stat().st_size / 2**20
    print(
        f"python {platform.python_version()}, polars {pl.__version__}, duckdb "
        f"{duckdb.__version__}, {platform.machine()} ({os.cpu_count()} cores)"
    )
    print(
        f"{n:,} respondents x 9 answers, Parquet {size_mb:.0f} MiB "
        f"(written in {time.perf_counter() - t0:.0f} s); best of {REPEATS}"
    )
    print(f"load average before the run: {os.getloadavg()[0]:.1f}")
    rows: dict[str, dict[str, float]] = {}
    labels = {
        "mean": "group_by(unit).mean() of 9 columns",
        "floor": "own group_by(3 keys), same 27 sums",
        "skm": "skm_index(by='unit'), 1,000 units",
    }
    for engine in ENGINES:
        times = _run_child(f"timing_{engine}", path)
        for kind in KINDS:
            row = rows[f"{engine}_{kind}"] = times[kind]
            row |= _run_child(f"{engine}_{kind}", path)
            vs_mean = row["seconds"] / times["mean"]["seconds"]
            ratio = "" if kind == "mean" else f"   {vs_mean:5.2f}x the mean"
            print(
                f"{engine:7s} {labels[kind]:36s} {row['seconds']:6.2f} s (cpu {row['cpu']:6.2f} s)"
                f"   peak {row['peak_mb']:5.0f} MB{ratio}"
            )
        skm, floor = times["skm"], times["floor"]
        print(
            f"{engine:7s} skm / own floor: wall {skm['seconds'] / floor['seconds']:.2f}x, "
            f"cpu {skm['cpu'] / floor['cpu']:.2f}x"
        )
    if "--dask" in sys.argv:
        for name in ("dask_mean_default", "dask_default", "dask_mean_split", "dask_split"):
            d = rows[name] = _run_child(name, path)
            what = "groupby(unit).mean()  " if "mean" in name else "skm_index(by='unit')"
            print(
                f"dask    {what}, {d['partitions']:3.0f} partition(s) "
                f"{d['seconds']:7.2f} s   worker peak {d['worker_peak_mb']:6.0f} MB   "
                f"client peak {d['peak_mb']:6.0f} MB"
            )
    path.unlink()
    folder.rmdir()
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        _child(sys.argv[2], sys.argv[3])
    else:
        sizes = [a for a in sys.argv[1:] if a.isdigit()]
        run(int(sizes[0]) if sizes else 10_000_000)
