"""Time a bootstrap interval of the SKM index: servqual next to ``scipy.stats.bootstrap``.

Data: 1,000,000 respondents × 9 SKM elements on 1–4, from a latent-satisfaction model (a
respondent's overall satisfaction moves all nine answers, as in real surveys), once with
every element answered and once with 5 % of the answers missing at random. Both tools
compute the same statistic, ``25 · mean_j NRR_j`` (NRR over the answers given), with
2,000 resamples of respondents and a percentile interval:

- servqual: ``sq.skm_index(responses, method="bootstrap", n_resamples=2000, seed=1)``,
  end to end (building the per-respondent values, finding the distinct answer vectors,
  multinomial resampling, the interval); the BCa variant is timed too, and the core
  ``servqual.stats.bootstrap.bootstrap_totals`` alone on prebuilt (n, 18) values;
- scipy: ``scipy.stats.bootstrap`` with ``paired=True`` (respondents resampled as whole
  rows), ``vectorized=True`` and batches of resamples, on the nine answer columns.

scipy needs minutes at 1,000,000 rows, so by default it is timed twice and extrapolated
linearly: with all 2,000 resamples on the first 100,000 respondents (× 10), and on all
respondents with 50 resamples (× 40). ``--scipy-full`` times it for real.

Run: ``python benchmarks/bench_bootstrap.py [--n N] [--resamples B] [--scipy-full]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
from scipy import stats

import servqual as sq
from servqual.stats.bootstrap import bootstrap_totals
from servqual.stats.resample import distinct_rows

Array = np.ndarray[Any, Any]


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Minimum wall time of ``repeats`` calls (seconds) and the last result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def make_answers(n: int, missing: float, seed: int = 2017) -> Array:
    """(n, 9) answers 1–4 (NaN = missing) driven by one latent satisfaction per respondent."""
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    answers = np.clip(np.rint(3.1 + 0.55 * latent + 0.45 * rng.normal(size=(n, 9))), 1, 4)
    answers[rng.random((n, 9)) < missing] = np.nan
    return answers


def skm_statistic(*columns: Array, axis: int = -1) -> Array:
    """25 · mean over elements of the mean of the answers given (scipy's vectorized form)."""
    nrr = [np.nanmean(c, axis=axis) for c in columns]
    return np.asarray(25.0 * np.mean(nrr, axis=0))


def skm_statistic_complete(*columns: Array, axis: int = -1) -> Array:
    """The same without missing answers (plain means: faster, fairer to scipy)."""
    return np.asarray(25.0 * np.mean([c.mean(axis=axis) for c in columns], axis=0))


def time_scipy(answers: Array, n_resamples: int) -> tuple[float, Any]:
    """One timed ``scipy.stats.bootstrap`` run; batches hold about 2,000,000 resampled rows."""
    columns = [answers[:, j] for j in range(answers.shape[1])]
    statistic = skm_statistic if np.isnan(answers).any() else skm_statistic_complete
    batch = max(1, 2_000_000 // answers.shape[0])
    start = time.perf_counter()
    res = stats.bootstrap(
        columns,
        statistic,
        paired=True,
        vectorized=True,
        n_resamples=n_resamples,
        batch=batch,
        method="percentile",
        rng=1,
    )
    return time.perf_counter() - start, res


def skm_of_totals(totals: Array) -> Array:
    """The index from (B, 18) totals: answers then answered-indicators per element."""
    return np.asarray(25.0 * np.mean(totals[:, :9] / totals[:, 9:], axis=1))


def distinct_vectors(answers: Array) -> int:
    """Number of distinct per-respondent vectors the bootstrap resamples."""
    answered = ~np.isnan(answers)
    return int(distinct_rows(np.hstack([np.nan_to_num(answers), answered]))[1].size)


def run(name: str, answers: Array, args: argparse.Namespace) -> list[tuple[str, float, str]]:
    b = args.resamples
    responses = sq.Responses.from_arrays(answers, sq.instruments.SKM_2017)
    lin = sq.skm_index(responses).index
    t_ours, ours = best_of(
        lambda: sq.skm_index(responses, method="bootstrap", n_resamples=b, seed=1), args.repeats
    )
    t_bca, bca = best_of(
        lambda: sq.skm_index(responses, method="bootstrap_bca", n_resamples=b, seed=1),
        args.repeats,
    )
    values = np.hstack([np.nan_to_num(answers), ~np.isnan(answers)]).astype(np.float64)
    t_core, core = best_of(
        lambda: bootstrap_totals(values, statistic=skm_of_totals, n_resamples=b, seed=1),
        args.repeats,
    )
    n = answers.shape[0]
    rows = [
        (f"servqual skm_index percentile ({n:,})", t_ours, _ci(ours.index)),
        (f"servqual skm_index BCa ({n:,})", t_bca, _ci(bca.index)),
        (f"servqual core bootstrap_totals ({n:,})", t_core, f"[{core.low:.4f}, {core.high:.4f}]"),
    ]
    if args.scipy_full:
        t_sc, sc = time_scipy(answers, b)
        rows.append((f"scipy percentile ({n:,})", t_sc, _ci_scipy(sc)))
    else:
        small = min(n, args.scipy_n)
        t_small, sc = time_scipy(answers[:small], b)
        rows.append((f"scipy ({small:,}, {b} res.) x {n / small:g}", t_small * n / small, ""))
        few = min(b, 50)
        t_few, _ = time_scipy(answers, few)
        rows.append((f"scipy ({n:,}, {few} res.) x {b / few:g}", t_few * b / few, ""))
    print(f"\n{name}: {distinct_vectors(answers):,} distinct answer vectors")
    print(f"  linearization: {_ci(lin)}")
    return rows


def _ci(est: Any) -> str:
    return f"{est.value:.4f} [{est.ci.low:.4f}, {est.ci.high:.4f}] se {est.se:.5f}"


def _ci_scipy(res: Any) -> str:
    ci = res.confidence_interval
    return f"[{ci.low:.4f}, {ci.high:.4f}] se {res.standard_error:.5f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scipy-n", type=int, default=100_000)
    parser.add_argument("--scipy-full", action="store_true")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}")
    print(f"{platform.machine()}, {os.cpu_count()} cores; servqual: min of {args.repeats} runs")
    table = []
    for name, missing in (("no missing answers", 0.0), ("5% missing answers", 0.05)):
        rows = run(name, make_answers(args.n, missing), args)
        base = rows[0][1]
        table += [(name, label, t, t / base, ci) for label, t, ci in rows]
    print(f"\n{'data':20} {'implementation':40} {'time':>9} {'x servqual':>10}   interval")
    for name, label, t, ratio, ci in table:
        print(f"{name:20} {label:40} {t:8.2f}s {ratio:9.1f}x   {ci}")


if __name__ == "__main__":
    main()
