"""Confidence intervals from a point estimate and its standard error.

The single place where interval methods live. :func:`recompute_interval` is what
:meth:`servqual.Estimate.at_level` calls; each method registered in ``_FROM_SE`` must be
computable from ``(value, se, df, n, level)`` alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from servqual.errors import ParameterError
from servqual.stats.quantiles import check_level, critical_value

__all__ = ["recompute_interval", "register_interval", "symmetric_interval"]

IntervalFn = Callable[[float, float, "float | None", int, float], tuple[float, float]]


def symmetric_interval(
    value: float, se: float, df: float | None, level: float
) -> tuple[float, float]:
    """``value ± q · se`` with ``q`` the t quantile on ``df`` (normal when ``df`` is None)."""
    q = critical_value(level, df)
    if math.isnan(q) or math.isnan(se):
        return (math.nan, math.nan)
    return (value - q * se, value + q * se)


def _t(value: float, se: float, df: float | None, n: int, level: float) -> tuple[float, float]:
    return symmetric_interval(value, se, df, level)


def _normal(value: float, se: float, df: float | None, n: int, level: float) -> tuple[float, float]:
    return symmetric_interval(value, se, None, level)


_FROM_SE: dict[str, IntervalFn] = {"t": _t, "normal": _normal}


def register_interval(method: str, fn: IntervalFn) -> None:
    """Register an interval method that can be recomputed from ``(value, se, df, n, level)``."""
    _FROM_SE[method] = fn


def recompute_interval(
    method: str, value: float, se: float, df: float | None, n: int, level: float
) -> tuple[float, float]:
    """Recompute the interval of ``method`` at ``level`` without the data.

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
    return fn(value, se, df, n, level)
