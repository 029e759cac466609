"""Design-based proportion intervals reported in percent (0–100).

Indices such as CSAT's top-box share report percentages. The bounds are those of
:func:`servqual.stats.svyciprop.svy_proportion_interval` on the share, times 100; each
method is registered as ``"<method>_percent"`` so that
:meth:`servqual.Estimate.at_level` can recompute it from the percent-scale summary.
"""

from __future__ import annotations

from servqual.stats.intervals import register_interval
from servqual.stats.svyciprop import SVY_PROPORTION_METHODS, svy_proportion_interval

__all__ = ["percent_interval"]


def percent_interval(
    value: float, se: float, df: float | None, n: int, level: float, method: str
) -> tuple[float, float]:
    """Bounds in percent of a share ``value`` (percent) with standard error ``se`` (percent).

    Examples
    --------
    >>> low, high = percent_interval(82.79480114, 2.43447801, 197, 200, 0.95, "logit")
    >>> round(low, 4), round(high, 4)  # R: 100 * svyciprop(~I(sch.wide=="Yes"), dstrat)
    (77.454, 87.0815)
    """
    low, high = svy_proportion_interval(value / 100.0, se / 100.0, df, n, level, method)
    return 100.0 * float(low[0]), 100.0 * float(high[0])


def _register(method: str) -> None:
    def from_se(
        value: float, se: float, df: float | None, n: int, level: float
    ) -> tuple[float, float]:
        return percent_interval(value, se, df, n, level, method)

    register_interval(f"{method}_percent", from_se)


for _method in SVY_PROPORTION_METHODS:
    _register(_method)
