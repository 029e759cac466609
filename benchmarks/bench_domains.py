"""Time domain estimation (``by=``) with many domains, next to polars and the ungrouped call.

Two measurements, each on one data set, side by side in one run:

- ``sq.Design(...).by("g").mean("y")`` — domain means with their design standard errors
  (R ``svyby(~y, ~g, design, svymean)``) — next to polars
  ``group_by("g").agg(mean, var, len)`` on the same columns (the peer a data scientist
  would reach for; it computes the means and the per-group variances, but no design
  variance on the full design);
- ``sq.skm_index(responses, by="unit")`` next to the ungrouped ``sq.skm_index(responses)``
  and to polars ``group_by("unit").agg(pl.all().mean())`` of the nine answer columns (the
  per-unit means alone, no interval), on the same 1,000,000 × 9 answers.

Peak memory is the resident set's high-water mark of a child process that runs one
measurement (``resource.getrusage``), minus that of the same process after building the
data, so it is the memory the call itself adds.

Run: ``python benchmarks/bench_domains.py [--rows N] [--groups G ...] [--repeats R]``
(default: 100,000 and 1,000,000 groups); the harness calls :func:`run`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Array = np.ndarray[Any, Any]


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Minimum wall time of ``repeats`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def design_data(rows: int, groups: int, seed: int = 5) -> dict[str, Array]:
    """Answers 1–5, a domain code per row and unequal weights."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, groups, size=rows)
    y = rng.integers(1, 6, size=rows).astype(np.float64)
    w = rng.uniform(1.0, 3.0, size=rows)
    return {"y": y, "g": g, "w": w}


def skm_data(rows: int, units: int, seed: int = 7) -> tuple[Array, Array]:
    """SKM answer codes 1–4 (about 2 % missing) and a service unit per respondent."""
    rng = np.random.default_rng(seed)
    scores = rng.integers(1, 5, size=(rows, 9)).astype(np.float64)
    scores[rng.random((rows, 9)) < 0.02] = np.nan
    return scores, rng.integers(0, units, size=rows)


def _measure(task: str, args: tuple[int, int, int], queue: Any) -> None:
    """One measurement in a fresh process: (seconds, MiB added at the peak)."""
    import servqual as sq

    rows, groups, repeats = args
    warnings.simplefilter("ignore")
    if task in ("servqual", "polars"):
        data = design_data(rows, groups)
        if task == "servqual":
            design = sq.Design(data, weights="w")
            base = _peak_mib()
            seconds = best_of(lambda: design.by("g").mean("y"), repeats)
        else:
            import polars as pl

            frame = pl.DataFrame(data)
            base = _peak_mib()
            aggs = [pl.col("y").mean(), pl.col("y").var().alias("var"), pl.len()]
            seconds = best_of(lambda: frame.group_by("g").agg(aggs), repeats)
    elif task == "skm_polars":
        import polars as pl

        scores, unit = skm_data(rows, groups)
        codes = {
            f"u{j + 1}": pl.Series(scores[:, j], nan_to_null=True).cast(pl.Int8) for j in range(9)
        }
        frame = pl.DataFrame({**codes, "unit": unit})
        base = _peak_mib()
        seconds = best_of(lambda: frame.group_by("unit").agg(pl.all().mean()), repeats)
    else:
        scores, unit = skm_data(rows, groups)
        responses = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
        responses = sq.Responses(
            responses.instrument, responses.design.with_columns({"unit": unit}), responses.codes
        )
        base = _peak_mib()
        by = "unit" if task == "skm_by" else None
        seconds = best_of(lambda: sq.skm_index(responses, by=by), repeats)
    queue.put((seconds, _peak_mib() - base))


def _interleaved(args: tuple[int, int, int], queue: Any) -> None:
    """The three SKM calls in one process, in turns: the best time of each, in seconds."""
    import polars as pl

    import servqual as sq

    rows, units, repeats = args
    warnings.simplefilter("ignore")
    scores, unit = skm_data(rows, units)
    responses = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
    responses = sq.Responses(
        responses.instrument, responses.design.with_columns({"unit": unit}), responses.codes
    )
    codes = {f"u{j + 1}": pl.Series(scores[:, j], nan_to_null=True).cast(pl.Int8) for j in range(9)}
    frame = pl.DataFrame({**codes, "unit": unit})
    calls = {
        "skm": lambda: sq.skm_index(responses),
        "skm_by": lambda: sq.skm_index(responses, by="unit"),
        "skm_polars": lambda: frame.group_by("unit").agg(pl.all().mean()),
    }
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(repeats):
        for name, call in calls.items():
            best[name] = min(best[name], best_of(call, 2))
    queue.put(best)


def side_by_side(rows: int, units: int, repeats: int) -> dict[str, float]:
    """Best seconds of the ungrouped call, the ``by="unit"`` call and polars, one process."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_interleaved, args=((rows, units, repeats), queue))
    proc.start()
    out: dict[str, float] = queue.get()
    proc.join()
    return out


def measure(task: str, rows: int, groups: int, repeats: int) -> tuple[float, float]:
    """Run one measurement in a child process; returns (seconds, peak MiB added)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(task, (rows, groups, repeats), queue))
    proc.start()
    out = queue.get()
    proc.join()
    return float(out[0]), float(out[1])


def run(
    rows: int = 10_000_000,
    groups: Sequence[int] = (100_000, 1_000_000),
    skm_rows: int = 1_000_000,
    repeats: int = 3,
) -> list[str]:
    """Both comparisons; returns the lines of the result table."""
    lines = []
    for g in groups:
        lines.append(f"Design.by(g).mean(y): {rows:,} rows, {g:,} groups; min of {repeats}")
        sq_s, sq_mb = measure("servqual", rows, g, repeats)
        pl_s, pl_mb = measure("polars", rows, g, repeats)
        lines.append(f"polars group_by.agg(mean, var, len) {pl_s * 1e3:9.1f} ms  +{pl_mb:7.0f} MiB")
        lines.append(
            f"Design.by('g').mean('y')            {sq_s * 1e3:9.1f} ms  +{sq_mb:7.0f} MiB"
            f"  ratio {sq_s / pl_s:5.2f}x"
        )
    units = 20_000
    lines.append(
        f"skm_index: {skm_rows:,} x 9 answers, {units:,} units; times: one process, the three "
        f"calls in turns, best of {2 * repeats}; memory: a process per call"
    )
    one_mb = measure("skm", skm_rows, units, 1)[1]
    by_mb = measure("skm_by", skm_rows, units, 1)[1]
    pl_mb = measure("skm_polars", skm_rows, units, 1)[1]
    times = side_by_side(skm_rows, units, repeats)
    one_s, by_s, pl_s = times["skm"], times["skm_by"], times["skm_polars"]
    lines.append(f"skm_index(responses)                {one_s * 1e3:9.1f} ms  +{one_mb:7.0f} MiB")
    lines.append(f"polars group_by(unit) 9 means       {pl_s * 1e3:9.1f} ms  +{pl_mb:7.0f} MiB")
    lines.append(
        f"skm_index(responses, by='unit')     {by_s * 1e3:9.1f} ms  +{by_mb:7.0f} MiB"
        f"  {by_s / one_s:5.2f}x ungrouped, {by_s / pl_s:5.2f}x polars"
    )
    return lines


def main() -> None:
    """Command line: print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--groups", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--skm-rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skm-only", action="store_true", help="only the skm_index rows")
    a = parser.parse_args()
    print("\n".join(run(a.rows, [] if a.skm_only else a.groups, a.skm_rows, a.repeats)))


if __name__ == "__main__":
    main()
