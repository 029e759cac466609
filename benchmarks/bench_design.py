"""Time a stratified, weighted mean with its standard error on 10,000,000 rows.

Side by side, on the same data (Likert answers 1–4, 50 strata, unequal weights):

- ``sq.Design(...).mean("y")`` — construction (stratum labels → codes) timed apart from
  the estimate;
- samplics' ``TaylorEstimator("mean")`` (the estimator the survey-statistics community
  used in Python until samplics was archived);
- an explicit pandas ``groupby`` implementation of the same variance formula;
- the *numpy floor*: ``numpy.bincount`` per-stratum sums and sums of squares of the
  linearized values, given integer stratum codes (no validation, no labels).

The estimate is R's ``svymean(~y, svydesign(ids=~1, strata=~s, weights=~w))``: mean
``Σ w y / Σ w`` and variance ``Σ_h n_h/(n_h − 1) Σ_i (z_hi − z̄_h)²`` of the linearized
values ``z = w (y − ȳ) / Σ w``.

Run: ``python benchmarks/bench_design.py [--n N] [--strata H] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import servqual as sq

Array = np.ndarray[Any, Any]


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Minimum wall time of ``repeats`` calls (seconds) and the last result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def make_data(n: int, n_strata: int, seed: int = 3) -> tuple[Array, Array, Array]:
    """Answers 1–4, stratum codes 0..H-1 and weights constant within strata (N_h / n_h)."""
    rng = np.random.default_rng(seed)
    strata = rng.integers(0, n_strata, size=n)
    shift = rng.normal(0.0, 0.4, size=n_strata)[strata]
    y = np.clip(np.rint(3.0 + shift + rng.normal(0.0, 0.8, size=n)), 1, 4)
    weights = rng.uniform(5.0, 50.0, size=n_strata)[strata]
    return y, strata, weights


def numpy_floor(y: Array, strata: Array, w: Array, n_strata: int) -> tuple[float, float]:
    """Mean and SE from bincount sums: the least work any implementation can do."""
    total_w = w.sum()
    mean = float(np.dot(w, y) / total_w)
    z = w * (y - mean) / total_w
    n_h = np.bincount(strata, minlength=n_strata).astype(np.float64)
    s1 = np.bincount(strata, weights=z, minlength=n_strata)
    s2 = np.bincount(strata, weights=z * z, minlength=n_strata)
    var = float(np.sum(n_h / (n_h - 1.0) * (s2 - s1 * s1 / n_h)))
    return mean, var**0.5


def pandas_groupby(y: Array, strata: Array, w: Array) -> tuple[float, float]:
    """The same formula written with a pandas groupby."""
    import pandas as pd

    frame = pd.DataFrame({"y": y, "s": strata, "w": w})
    mean = float((frame.w * frame.y).sum() / frame.w.sum())
    frame["z"] = frame.w * (frame.y - mean) / frame.w.sum()
    g = frame.groupby("s")["z"].agg(["count", "var"])
    return mean, float((g["count"] * g["var"]).sum()) ** 0.5


def samplics_mean(y: Array, strata: Array, w: Array) -> tuple[float, float] | None:
    """samplics' Taylor-linearization mean, or None when samplics is not installed."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # samplics warns that it is archived
            from samplics.estimation import TaylorEstimator
            from samplics.utils.types import PopParam
    except ImportError:
        return None
    est = TaylorEstimator(PopParam.mean)
    est.estimate(y=y, samp_weight=w, stratum=strata, remove_nan=False)
    return float(est.point_est), float(est.stderror)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--strata", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    y, strata, w = make_data(args.n, args.strata)
    data = {"y": y, "s": strata, "w": w}

    t_floor, floor = best_of(lambda: numpy_floor(y, strata, w, args.strata), args.repeats)
    t_build, design = best_of(lambda: sq.Design(data, strata="s", weights="w"), args.repeats)
    t_mean, est = best_of(lambda: design.mean("y"), args.repeats)
    t_pandas, pdres = best_of(lambda: pandas_groupby(y, strata, w), max(1, args.repeats // 2))
    t_samplics, smp = best_of(lambda: samplics_mean(y, strata, w), 1)

    rows = [
        ("numpy floor (bincount sums)", t_floor, floor),
        ("servqual Design.mean (estimate)", t_mean, (est.value, est.se)),
        ("servqual Design(...) construction", t_build, None),
        ("servqual construction + estimate", t_build + t_mean, None),
        ("pandas groupby, same formula", t_pandas, pdres),
        ("samplics TaylorEstimator('mean')", t_samplics if smp else float("nan"), smp),
    ]
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{os.cpu_count()} cores; {args.n:,} rows, {args.strata} strata, weights")
    print(f"min of {args.repeats} runs (pandas: {max(1, args.repeats // 2)}, samplics: 1)")
    print(f"{'implementation':36} {'time':>9} {'x floor':>8}   {'mean':>10} {'se':>12}")
    for name, t, res in rows:
        figures = f"{res[0]:10.6f} {res[1]:12.4e}" if res else ""
        print(f"{name:36} {t * 1e3:7.0f}ms {t / t_floor:7.2f}x   {figures}")
    if smp is None:
        print("samplics is not installed (pip install 'servqual[bench]')")


if __name__ == "__main__":
    main()
