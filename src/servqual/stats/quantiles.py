"""Critical values of the normal and t distributions, in one place."""

from __future__ import annotations

import math

from scipy import special

from servqual.errors import ParameterError

__all__ = ["check_level", "critical_value"]


def check_level(level: float, name: str = "level") -> float:
    """Validate a confidence level and return it as a float.

    Raises
    ------
    servqual.errors.ParameterError
        If ``level`` is not a number strictly between 0 and 1.
    """
    if isinstance(level, bool) or not isinstance(level, (int, float)):
        raise ParameterError(f"{name} must be a number in (0, 1), got {level!r}")
    try:
        value = float(level)
    except OverflowError:
        raise ParameterError(f"{name} must be in (0, 1), got {level!r:.40}") from None
    if not 0.0 < value < 1.0:
        raise ParameterError(f"{name} must be in (0, 1), got {level!r}")
    return value


def critical_value(level: float, df: float | None = None) -> float:
    """Two-sided critical value: ``t_{1-(1-level)/2, df}``, or the normal one if ``df`` is None.

    ``df = inf`` gives the normal quantile; ``df <= 0`` or NaN gives NaN (no interval).

    Examples
    --------
    >>> round(critical_value(0.95), 6)
    1.959964
    >>> round(critical_value(0.95, 9), 6)  # R: qt(0.975, 9)
    2.262157
    """
    level = check_level(level)
    q = 1.0 - (1.0 - level) / 2.0
    if df is None or math.isinf(df):
        return float(special.ndtri(q))
    if math.isnan(df) or df <= 0:
        return math.nan
    if level < 1e-6:
        # scipy's stdtrit loses the quantile next to the median (it returns 0 at
        # level 1e-9, df 4); there t = (q − ½)/f(0) + O(level³), f(0) the t density at 0
        log_f0 = special.gammaln((df + 1.0) / 2.0) - special.gammaln(df / 2.0)
        f0 = math.exp(log_f0) / math.sqrt(df * math.pi)
        return (level / 2.0) / f0
    return float(special.stdtrit(df, q))
