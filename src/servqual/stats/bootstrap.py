r"""Fast bootstrap of functions of column totals, for simple random and stratified samples.

Every index in servqual is a smooth function ``θ = g(T)`` of weighted column totals
``T = Σ_i v_i`` of per-respondent vectors ``v_i`` (answers times weights, answered
indicators times weights, …). :func:`bootstrap_totals` resamples respondents with
replacement, ``n_h`` of them inside each stratum ``h``, recomputes ``g`` on the resampled
totals, and reads a percentile or BCa interval from the replicates. The resampled totals
come from :mod:`servqual.stats.resample`, which draws multinomial counts of the *distinct*
answer vectors (exactly equal in distribution to resampling rows, at a cost that grows
with the number of distinct vectors rather than the number of respondents).

``seed`` is an int (given to ``numpy.random.default_rng``, i.e. PCG64) or a
``numpy.random.Generator``; the same data, seed and numpy version give the same
replicates (the draw order is documented in :mod:`servqual.stats.resample`).
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from servqual.errors import (
    DegenerateDataWarning,
    DesignError,
    ParameterError,
    ServqualTypeError,
    ValidationError,
)
from servqual.stats.bootstrap_ci import (
    Statistic,
    acceleration,
    check_resamples,
    evaluate,
    interval_from_replicates,
)
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.quantiles import check_level
from servqual.stats.resample import patterns_by_stratum, resample_totals

__all__ = [
    "BootstrapMethod",
    "BootstrapResult",
    "bootstrap_design_mean",
    "bootstrap_mean",
    "bootstrap_totals",
    "check_resamples",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Seed = int | np.random.Generator | None
BootstrapMethod = Literal["percentile", "bca"]
_METHODS = get_args(BootstrapMethod)


@dataclass(frozen=True)
class BootstrapResult:
    """A bootstrap estimate: the point value, the replicates and an interval from them.

    Attributes
    ----------
    value : float
        The statistic on the full sample.
    se : float
        Standard deviation of the replicates (``ddof=1``), the bootstrap standard error.
    low, high : float
        The interval bounds (``NaN`` when no interval could be computed, with a warning).
    level : float
        Confidence level of the interval.
    method : {"percentile", "bca"}
        How the interval was read from the replicates.
    replicates : (B,) float array
        The statistic on each resample, in the order drawn.
    """

    value: float
    se: float
    low: float
    high: float
    level: float
    method: BootstrapMethod
    replicates: FloatArray


def _check(
    values: npt.ArrayLike,
    strata: npt.ArrayLike | None,
    counts: npt.ArrayLike | None,
    statistic: object,
    n_resamples: object,
    level: float,
    method: object,
    seed: object,
) -> tuple[FloatArray, IntArray, IntArray | None, int, float, BootstrapMethod, np.random.Generator]:
    """Validate and normalize the arguments of :func:`bootstrap_totals`."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 1:
        v = v[:, None]
    if v.ndim != 2 or v.shape[1] < 1:
        raise ValidationError(f"values must be an (n, m) array, got shape {v.shape}")
    bad = np.flatnonzero(~np.isfinite(v).all(axis=1))
    if bad.size:
        raise ValidationError(f"values must be finite; row {int(bad[0])} is {v[bad[0]].tolist()}")
    freq = None if counts is None else _counts(counts, v.shape[0])
    size = v.shape[0] if freq is None else int(freq.sum())
    if size < 2:
        raise ValidationError(f"the bootstrap needs at least 2 respondents, got {size}")
    if not callable(statistic):
        raise ServqualTypeError(f"statistic must be callable, got {type(statistic).__name__}")
    level = check_level(level)
    b = check_resamples(n_resamples, level)
    if seed is not None and not isinstance(seed, (int, np.integer, np.random.Generator)):
        raise ServqualTypeError(f"seed must be an int or numpy Generator, got {seed!r}")
    if isinstance(seed, (int, np.integer)) and seed < 0:
        raise ParameterError(f"seed must be non-negative, got {seed!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if strata is None:
        codes = np.zeros(v.shape[0], dtype=np.intp)
    else:
        codes = _strata_codes(strata, v.shape[0], freq)
    return v, codes, freq, b, level, _check_method(method), rng


def _counts(counts: npt.ArrayLike, n: int) -> IntArray:
    c = np.asarray(counts)
    if c.shape != (n,) or c.dtype.kind not in "iu":
        raise ValidationError(
            f"counts must be an integer array of shape ({n},), got {c.dtype} {c.shape}"
        )
    bad = np.flatnonzero(c < 0)
    if bad.size:
        raise ValidationError(f"counts must be >= 0; row {int(bad[0])} has {int(c[bad[0]])}")
    return c.astype(np.intp)


def _workers(workers: object) -> int:
    if workers is None:
        return min(4, os.cpu_count() or 1)
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ParameterError(f"workers must be an integer >= 1, got {workers!r}")
    return int(workers)


def _check_method(method: object) -> BootstrapMethod:
    if method == "percentile":
        return "percentile"
    if method == "bca":
        return "bca"
    raise ParameterError(f"method must be one of {list(_METHODS)}, got {method!r}")


def _strata_codes(strata: npt.ArrayLike, n: int, freq: IntArray | None) -> IntArray:
    s = np.asarray(strata)
    if s.shape != (n,) or s.dtype.kind not in "iu":
        raise ValidationError(
            f"strata must be an integer array of shape ({n},), got {s.dtype} {s.shape}"
        )
    labels, codes = np.unique(s, return_inverse=True)
    codes = codes.reshape(-1)
    sizes = np.bincount(codes, weights=freq, minlength=labels.size)
    single = np.flatnonzero(sizes < 2)
    if single.size:
        raise DesignError(
            f"stratum {labels[single[0]].item()!r} has {int(sizes[single[0]])} respondent(s); "
            f"the bootstrap needs at least 2 in every stratum ({single.size} such strata)"
        )
    return codes.astype(np.intp)


def bootstrap_totals(
    values: npt.ArrayLike,
    *,
    strata: npt.ArrayLike | None = None,
    counts: npt.ArrayLike | None = None,
    statistic: Statistic,
    n_resamples: int = 2000,
    level: float = 0.95,
    method: BootstrapMethod = "percentile",
    seed: Seed = None,
    workers: int | None = None,
) -> BootstrapResult:
    r"""Bootstrap a function of column totals, resampling rows within strata.

    Parameters
    ----------
    values : (n, m) array
        Per-respondent variables, already multiplied by the weights; the statistic is a
        function of their column totals ``T = Σ_i values_i``.
    strata : (n,) int array, optional
        Stratum code of each row; rows are resampled within their stratum (``n_h`` draws
        with replacement). Every stratum needs at least 2 respondents.
    counts : (n,) int array, optional
        How many respondents each row stands for, when the data come aggregated (one row
        per answer pattern with its frequency); default 1 each. Equivalent to repeating
        each row ``counts`` times, without building the repeated array.
    statistic : callable
        Vectorized: maps a (r, m) array of totals to (r,) values. Division by zero may
        return NaN (numpy warnings are silenced inside the call).
    n_resamples : int
        Number of bootstrap resamples ``B`` (>= 1).
    level : float
        Confidence level in (0, 1).
    method : {"percentile", "bca"}
        Percentile interval, or bias-corrected and accelerated (BCa, Efron 1987).
    seed : int or numpy.random.Generator, optional
        Source of randomness (see :mod:`servqual.stats.resample` for the draw order).
    workers : int, optional
        Threads drawing blocks of resamples (default: the number of CPUs, at most 4).
        The result does not depend on it.

    Returns
    -------
    BootstrapResult
        ``value``, ``se``, ``low``, ``high``, ``level``, ``method`` and ``replicates``.

    Raises
    ------
    servqual.errors.ValidationError
        If ``values`` is not a finite (n, m) array of at least 2 respondents, or ``strata``
        or ``counts`` is malformed.
    servqual.errors.DesignError
        If a stratum holds fewer than 2 respondents.
    servqual.errors.ParameterError
        If ``n_resamples``, ``level``, ``method`` or ``workers`` is invalid, or
        ``statistic`` returns the wrong shape.
    servqual.errors.ServqualTypeError
        If ``statistic`` is not callable or ``seed`` is of the wrong type.

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        If some replicates are NaN (they are left out of ``se`` and the interval), or the
        BCa correction is undefined.

    Notes
    -----
    Percentile: the ``(1 ± level)/2`` quantiles of the replicates (``numpy.quantile``,
    linear interpolation). BCa: the quantiles at
    ``Φ(z₀ + (z₀ + z_α)/(1 − a (z₀ + z_α)))`` with ``z₀ = Φ⁻¹(share of replicates below
    the estimate, ties counted half)`` and the acceleration ``a`` from the stratified
    jackknife on distinct vectors (Efron 1987, with the influence values combined stratum
    by stratum). Resampling ``n_h`` of ``n_h`` rows ignores any finite-population
    correction and has variance ``(n_h − 1)/n_h`` times the linearization one, negligible
    for large strata.

    References
    ----------
    Efron, B. (1987). Better bootstrap confidence intervals. *Journal of the American
    Statistical Association* 82(397), 171–185.

    Examples
    --------
    Twelve applicants rated the counter service 1–4; the bootstrap interval of the mean
    (total of the answers over the number of answers):

    >>> import numpy as np
    >>> from servqual.stats.bootstrap import bootstrap_totals
    >>> y = np.array([3, 4, 3, 2, 4, 3, 3, 4, 2, 3, 4, 4], dtype=float)
    >>> values = np.column_stack([y, np.ones_like(y)])
    >>> res = bootstrap_totals(values, statistic=lambda t: t[:, 0] / t[:, 1], seed=1)
    >>> round(res.value, 3), res.replicates.shape
    (3.25, (2000,))
    >>> res.low < res.value < res.high
    True
    """
    v, codes, freq, b, level, method, rng = _check(
        values, strata, counts, statistic, n_resamples, level, method, seed
    )
    total = v.sum(axis=0) if freq is None else freq.astype(np.float64) @ v
    value = float(evaluate(statistic, total[None, :])[0])
    parts = patterns_by_stratum(v, codes, freq)
    reps = evaluate(statistic, resample_totals(parts, b, rng, workers=_workers(workers)))
    good = reps[np.isfinite(reps)]
    if good.size < reps.size:
        warnings.warn(
            f"{reps.size - good.size} of {reps.size} bootstrap replicates are not finite "
            "(e.g. a resample without any answer to an element); they are left out",
            DegenerateDataWarning,
            stacklevel=2,
        )
    if good.size == 0 or not math.isfinite(value):
        if not math.isfinite(value):
            warnings.warn(
                f"the statistic is {value!r} on the full sample: no interval",
                DegenerateDataWarning,
                stacklevel=2,
            )
        return BootstrapResult(value, math.nan, math.nan, math.nan, level, method, reps)
    se = float(np.std(good, ddof=1)) if good.size > 1 else math.nan
    accel = acceleration(statistic, parts, total) if method == "bca" else 0.0
    low, high = interval_from_replicates(good, value, level, method, accel)
    return BootstrapResult(value, se, low, high, level, method, reps)


def _ratio(totals: FloatArray) -> FloatArray:
    return np.asarray(totals[:, 0] / totals[:, 1], dtype=np.float64)


def bootstrap_mean(
    y: npt.ArrayLike,
    *,
    strata: npt.ArrayLike | None = None,
    weights: npt.ArrayLike | None = None,
    n_resamples: int = 2000,
    level: float = 0.95,
    method: BootstrapMethod = "percentile",
    seed: Seed = None,
) -> BootstrapResult:
    """Bootstrap the (weighted) mean of one per-respondent value.

    The mean ``Σ w y / Σ w`` is the ratio of the totals of ``w·y`` and ``w``, bootstrapped
    by :func:`bootstrap_totals` (same parameters, same draws).

    Parameters
    ----------
    y : (n,) array
        The values (finite).
    strata : (n,) int array, optional
        Stratum codes; rows are resampled within strata.
    weights : (n,) array, optional
        Sampling weights (finite, non-negative; default 1).
    n_resamples, level, method, seed
        As in :func:`bootstrap_totals`.

    Returns
    -------
    BootstrapResult

    Raises
    ------
    servqual.errors.ValidationError
        If ``y`` or ``weights`` is not a finite 1-D array of one length, or the weights
        are negative.

    Examples
    --------
    >>> from servqual.stats.bootstrap import bootstrap_mean
    >>> res = bootstrap_mean([3, 4, 3, 2, 4, 3, 3, 4, 2, 3], seed=7, n_resamples=500)
    >>> round(res.value, 2), res.low <= 3.1 <= res.high
    (3.1, True)
    """
    yy = np.asarray(y, dtype=np.float64)
    if yy.ndim != 1:
        raise ValidationError(f"y must be 1-D, got shape {yy.shape}")
    answers = _answer_counts(yy) if weights is None and strata is None else None
    if answers is not None:  # the same resamples, drawn from one row per distinct answer
        values, freq = answers
        return bootstrap_totals(
            np.column_stack([values, np.ones_like(values)]),
            counts=freq,
            statistic=_ratio,
            n_resamples=n_resamples,
            level=level,
            method=method,
            seed=seed,
        )
    w = np.ones_like(yy) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != yy.shape:
        raise ValidationError(f"weights have shape {w.shape}, y has shape {yy.shape}")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise ValidationError(
            f"weights must be finite and non-negative; row {int(bad[0])} has {float(w[bad[0]])!r}"
        )
    return bootstrap_totals(
        np.column_stack([w * yy, w]),
        strata=strata,
        statistic=_ratio,
        n_resamples=n_resamples,
        level=level,
        method=method,
        seed=seed,
    )


def _answer_counts(y: FloatArray) -> tuple[FloatArray, IntArray] | None:
    """Distinct values and their counts when ``y`` holds integers of a small range.

    Unweighted, unstratified answers (a Likert item) reduce to a handful of
    (value, count) pairs by one ``bincount``; resampling those pairs with their counts is
    resampling the rows (:func:`bootstrap_totals` with ``counts=``), and the distinct
    rows come out in the same order, so the same seed gives the same replicates.
    ``None`` for anything else (which then takes the general path, and its checks).
    """
    if y.size < 2 or not np.isfinite(y).all():
        return None
    lo, hi = float(y.min()), float(y.max())
    if hi - lo > 4.0 * y.size + 1024.0 or not np.array_equal(y, np.floor(y)):
        return None
    freq = np.bincount((y - lo).astype(np.intp))
    present = np.flatnonzero(freq)
    return (present + lo).astype(np.float64), freq[present].astype(np.intp)


def check_resamplable(design: DesignArrays, *, instead: str) -> None:
    """Refuse designs whose variance a respondent bootstrap would get wrong.

    Resampling respondents within strata is only valid when respondents are the sampling
    units (no clusters) and the weights are the design's own (no calibration: the raked
    or post-stratified weights would have to be re-calibrated in every replicate).

    Raises
    ------
    servqual.errors.DesignError
        If the design is clustered or calibrated; ``instead`` names what to use.
    """
    if design.psu_codes is not None:
        raise DesignError(
            "the bootstrap resamples respondents within strata, but this design samples "
            f"clusters; use {instead}"
        )
    if design.calibration:
        raise DesignError(
            "the bootstrap resamples respondents, but this design's weights are calibrated "
            "(post-stratified or raked) and would need re-calibrating in every resample; "
            f"use {instead}"
        )


def bootstrap_design_mean(
    design: DesignArrays,
    y: npt.ArrayLike,
    *,
    n_resamples: int = 2000,
    level: float = 0.95,
    method: BootstrapMethod = "percentile",
    seed: Seed = None,
) -> BootstrapResult:
    """Bootstrap the mean of ``y`` under a simple random or stratified design.

    Uses the design's weights and strata (``Design.arrays``); any finite-population
    correction is ignored (resampling is with replacement).

    Raises
    ------
    servqual.errors.DesignError
        If the design is clustered (respondents are then not the sampling units) or its
        weights are calibrated.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.stats.bootstrap import bootstrap_design_mean
    >>> d = sq.Design({"score": [3, 4, 3, 2, 4, 3, 3, 4], "office": [1, 1, 1, 1, 2, 2, 2, 2]},
    ...               strata="office")
    >>> res = bootstrap_design_mean(d.arrays, d.numeric("score"), seed=3, n_resamples=400)
    >>> round(res.value, 3)
    3.25
    """
    check_resamplable(design, instead="the linearization estimators")
    strata = design.stratum_codes if len(design.strata) > 1 else None
    return bootstrap_mean(
        y,
        strata=strata,
        weights=design.weights,
        n_resamples=n_resamples,
        level=level,
        method=method,
        seed=seed,
    )
