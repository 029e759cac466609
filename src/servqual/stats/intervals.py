"""Confidence intervals from a point estimate and its standard error.

The single place where interval methods live. :func:`recompute_interval` is what
:meth:`servqual.Estimate.at_level` calls; each method registered in ``_FROM_SE`` must be
computable from ``(value, se, df, n, level)`` alone.

Range. An estimate whose value can only lie in a known range (an SKM index in 25–100, a
mean on a 1–4 scale, a share in 0–1) carries that range as ``Estimate.bounds``, and
:func:`clip_to_bounds` cuts its interval to it. The parameter itself lies in the range,
so cutting off the part outside never removes it: the coverage of the interval is exactly
that of the uncut interval; only its width (and its symmetry) change.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from servqual.errors import ParameterError
from servqual.stats.quantiles import check_level, critical_value

__all__ = [
    "Bounds",
    "clip_columns",
    "clip_to_bounds",
    "recompute_interval",
    "register_interval",
    "symmetric_interval",
]

Bounds = tuple[float, float]
"""The closed range ``(low, high)`` an estimate can take."""

FloatArray = npt.NDArray[np.float64]
IntervalFn = Callable[[float, float, "float | None", int, float], tuple[float, float]]


def symmetric_interval(
    value: float, se: float, df: float | None, level: float
) -> tuple[float, float]:
    """``value ± q · se`` with ``q`` the t quantile on ``df`` (normal when ``df`` is None)."""
    q = critical_value(level, df)
    if math.isnan(q) or math.isnan(se):
        return (math.nan, math.nan)
    return (value - q * se, value + q * se)


def clip_to_bounds(
    low: float, high: float, value: float, bounds: Bounds | None
) -> tuple[float, float]:
    """``[low, high]`` cut to ``bounds`` (widened to hold ``value``); NaN bounds stay NaN.

    Cutting is coverage-neutral: the parameter lies in ``bounds``, so it is in the cut
    interval exactly when it is in the uncut one. ``bounds`` is widened to include
    ``value`` so that the interval always contains its estimate, even when rounding put
    the estimate a hair outside its range.
    """
    if bounds is None or math.isnan(low) or math.isnan(high):
        return low, high
    lo = min(bounds[0], value) if not math.isnan(value) else bounds[0]
    hi = max(bounds[1], value) if not math.isnan(value) else bounds[1]
    return min(max(low, lo), hi), max(min(high, hi), lo)


def clip_columns(
    low: FloatArray, high: FloatArray, value: FloatArray, bounds: Bounds | None
) -> tuple[FloatArray, FloatArray]:
    """:func:`clip_to_bounds` of many intervals at once, with exactly its results.

    Python's ``max(a, b)`` is ``b if b > a else a`` and ``min(a, b)`` is
    ``b if b < a else a``; the same comparisons are written as ``numpy.where`` here, so
    every interval is cut exactly as :func:`clip_to_bounds` cuts it alone (the signs of
    zeros included). A row with a NaN bound is left as it is.
    """
    if bounds is None:
        return low, high
    b_low, b_high = float(bounds[0]), float(bounds[1])
    lo = np.where(value < b_low, value, b_low)  # a NaN value compares False: the bound
    hi = np.where(value > b_high, value, b_high)
    up = np.where(lo > low, lo, low)
    cut_low = np.where(hi < up, hi, up)
    down = np.where(hi < high, hi, high)
    cut_high = np.where(lo > down, lo, down)
    keep = np.isnan(low) | np.isnan(high)
    return np.where(keep, low, cut_low), np.where(keep, high, cut_high)


def _t(value: float, se: float, df: float | None, n: int, level: float) -> tuple[float, float]:
    return symmetric_interval(value, se, df, level)


def _normal(value: float, se: float, df: float | None, n: int, level: float) -> tuple[float, float]:
    return symmetric_interval(value, se, None, level)


_FROM_SE: dict[str, IntervalFn] = {"t": _t, "normal": _normal}


def register_interval(method: str, fn: IntervalFn) -> None:
    """Register an interval method that can be recomputed from ``(value, se, df, n, level)``."""
    _FROM_SE[method] = fn


def recompute_interval(
    method: str,
    value: float,
    se: float,
    df: float | None,
    n: int,
    level: float,
    bounds: Bounds | None = None,
) -> tuple[float, float]:
    """Recompute the interval of ``method`` at ``level`` without the data.

    The interval is cut to ``bounds`` (the range of the estimate), as when it was first
    computed (:func:`clip_to_bounds`).

    Raises
    ------
    servqual.errors.ParameterError
        If ``level`` is outside (0, 1) or ``method`` cannot be recomputed from the
        summary values (for example bootstrap percentile intervals).
    """
    level = check_level(level)
    fn = _FROM_SE.get(method)
    if fn is None:
        raise ParameterError(
            f"an interval of method {method!r} cannot be recomputed without the data; "
            f"methods that can: {sorted(_FROM_SE)}"
        )
    low, high = fn(value, se, df, n, level)
    return clip_to_bounds(low, high, value, bounds)
