"""skm_index(by="unit") inside Polars (lazy) and DuckDB vs the engine's own group-by mean.

A Parquet file of N respondents × 9 SKM answers (int8, ~2 % missing), survey weights,
4 strata, 48 villages (PSUs) and 1,000 service units is written once; then each case
runs in a fresh process (so its peak memory is its own) and reports the best of a few
repeats and the process's peak resident memory:

- polars / duckdb ``group_by(unit).mean()`` of the nine columns (the floor);
- ``sq.skm_index(sq.Responses.from_frame(scan, SKM_2017, weights, strata, clusters),
  by="unit")`` with the scan a ``pl.scan_parquet`` or a ``duckdb.read_parquet`` relation
  (validation query + one aggregation; only the cell sums come back).

Usage: ``python benchmarks/bench_engines.py [N] [--dask]`` (default 10,000,000; needs
polars, duckdb, narwhals and pyarrow; ``--dask`` adds the same index on a LocalCluster of
two worker processes reading the file with ``dd.read_parquet``, with each worker's peak
memory).
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

import numpy as np

ITEMS = [f"U{j}" for j in range(1, 10)]
KW = {"weights": "w", "strata": "province", "clusters": "village"}
CASES = ("polars_mean", "polars_skm", "duckdb_mean", "duckdb_skm")
REPEATS = 3


def write_parquet(path: Path, n: int, seed: int = 1) -> None:
    """The survey, written 1,000,000 rows (one row group) at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, n, 1_000_000):
        m = min(1_000_000, n - start)
        province = rng.integers(0, 4, m).astype(np.int8)
        cols: dict[str, Any] = {
            "province": province,
            "village": (province * 12 + rng.integers(0, 12, m)).astype(np.int16),
            "unit": rng.integers(0, 1000, m).astype(np.int32),
            "w": rng.uniform(5.0, 40.0, m),
        }
        base = rng.normal(3.0, 0.6, m)[:, None]
        answers = np.clip(np.rint(base + rng.normal(0.0, 0.7, (m, 9))), 1, 4).astype(np.int8)
        skipped = rng.random((m, 9)) < 0.02
        for j, item in enumerate(ITEMS):
            cols[item] = pa.array(answers[:, j], mask=skipped[:, j])
        table = pa.table(cols)
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def _case(name: str, path: str) -> float:
    """One timed run of a case (seconds)."""
    import duckdb
    import polars as pl

    import servqual as sq

    t0 = time.perf_counter()
    if name == "polars_mean":
        pl.scan_parquet(path).group_by("unit").agg(pl.col(ITEMS).mean()).collect()
    elif name == "duckdb_mean":
        means = ", ".join(f"avg({c})" for c in ITEMS)
        duckdb.sql(f"select unit, {means} from read_parquet('{path}') group by unit").fetchall()
    else:
        scan = pl.scan_parquet(path) if name == "polars_skm" else duckdb.read_parquet(path)
        responses = sq.Responses.from_frame(scan, sq.instruments.SKM_2017, **KW)
        sq.skm_index(responses, by="unit")
    return time.perf_counter() - t0


def dask_case(path: str) -> dict[str, float]:
    """skm_index(by="unit") on a LocalCluster of two worker processes; each worker's peak."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import servqual as sq

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client:
        t0 = time.perf_counter()
        frame = dd.read_parquet(path, split_row_groups=True)  # a partition per row group
        responses = sq.Responses.from_frame(frame, sq.instruments.SKM_2017, **KW)
        sq.skm_index(responses, by="unit")
        seconds = time.perf_counter() - t0
        workers = client.run(peak_mb)
    return {"seconds": seconds, "worker_peak_mb": max(workers.values()), "peak_mb": peak_mb()}


def _child(name: str, path: str) -> None:
    if name == "dask":
        print(json.dumps({"case": name, **dask_case(path)}))
        return
    best = min(_case(name, path) for _ in range(REPEATS))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": name, "seconds": best, "peak_mb": peak_mb}))


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
    rows: dict[str, dict[str, float]] = {}
    for name in CASES:
        out = subprocess.run(
            [sys.executable, __file__, "--case", name, str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows[name] = json.loads(out.stdout.strip().splitlines()[-1])
    for engine in ("polars", "duckdb"):
        floor, skm = rows[f"{engine}_mean"], rows[f"{engine}_skm"]
        print(
            f"{engine:7s} group_by(unit).mean() of 9 columns  {floor['seconds']:7.2f} s"
            f"   peak {floor['peak_mb']:6.0f} MB"
        )
        print(
            f"{engine:7s} skm_index(by='unit'), 1,000 units {skm['seconds']:7.2f} s"
            f"   peak {skm['peak_mb']:6.0f} MB   ratio {skm['seconds'] / floor['seconds']:.2f}x"
        )
    if "--dask" in sys.argv:
        out = subprocess.run(
            [sys.executable, __file__, "--case", "dask", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        d = rows["dask"] = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"dask    skm_index(by='unit'), 2 worker processes {d['seconds']:7.2f} s"
            f"   worker peak {d['worker_peak_mb']:6.0f} MB   client peak {d['peak_mb']:6.0f} MB"
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
