"""Stratified 1% sample of a 10,000,000-row frame with 50 strata, side by side.

Compared (all starting from the same column of integer stratum labels, all returning
the selected row positions):

- servqual: ``sq.sampling.stratified(N, n, strata=labels, seed=...)`` (proportional
  allocation by largest remainder, full ``Sample`` with π and weights);
- numpy floor: stable radix sort of the codes, then ``Generator.choice(N_h, n_h,
  replace=False)`` per stratum, with the same ``n_h`` (no π, no weights, no validation);
- pandas: ``df.groupby("stratum").sample(frac=0.01, random_state=...)``.

Also: a simple random sample of 100,000 of the 10,000,000 rows vs ``Generator.choice``.

Run: ``python benchmarks/bench_sampling.py [--rows 10000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import servqual as sq


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def numpy_floor(labels: np.ndarray, sizes: list[int], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    codes = labels.astype(np.uint8)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(sizes))
    starts = np.concatenate(([0], np.cumsum(counts)))
    parts = [
        order[starts[h] + rng.choice(int(counts[h]), sizes[h], replace=False)]
        for h in range(len(sizes))
    ]
    return np.concatenate(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--strata", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n_rows, n_strata = args.rows, args.strata
    n = n_rows // 100
    labels = np.random.default_rng(0).integers(0, n_strata, size=n_rows)
    counts = np.bincount(labels, minlength=n_strata)
    alloc = sq.sample_size.allocate(dict(enumerate(counts.tolist())), n)
    sizes = list(alloc.counts)

    results: dict[str, float] = {}
    results["servqual stratified"] = best_of(
        lambda: sq.sampling.stratified(n_rows, n, strata=labels, seed=1), args.repeat
    )
    results["numpy floor (per-stratum Generator.choice)"] = best_of(
        lambda: numpy_floor(labels, sizes, 1), args.repeat
    )
    try:
        import pandas as pd

        df = pd.DataFrame({"stratum": labels})
        results["pandas groupby().sample(frac=0.01)"] = best_of(
            lambda: df.groupby("stratum").sample(frac=0.01, random_state=1), args.repeat
        )
    except ImportError:
        pass
    srs = {
        "servqual simple_random (100,000 of N)": best_of(
            lambda: sq.sampling.simple_random(n_rows, n, seed=1), args.repeat
        ),
        "numpy Generator.choice(N, n, replace=False)": best_of(
            lambda: np.random.default_rng(1).choice(n_rows, n, replace=False), args.repeat
        ),
    }

    base = results["servqual stratified"]
    print(f"N = {n_rows:,}, {n_strata} strata, n = {n:,} (best of {args.repeat})\n")
    print("| stratified 1% sample | seconds | servqual / this |")
    print("| --- | ---: | ---: |")
    for name, sec in results.items():
        print(f"| {name} | {sec:.3f} | {base / sec:.2f} |")
    print()
    print("| simple random sample | seconds |")
    print("| --- | ---: |")
    for name, sec in srs.items():
        print(f"| {name} | {sec:.3f} |")


if __name__ == "__main__":
    main()
