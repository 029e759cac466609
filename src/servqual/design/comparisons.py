r"""Comparisons of two estimates: difference, its interval and a two-sided p-value.

Three situations, three functions:

- two domains of **one** survey (``design.by(col).difference(col, a, b)``): linearization
  on the full design, covariance included, t on the design degrees of freedom;
- two **independent** estimates, e.g. two waves of a survey (:func:`compare`):
  :math:`se = \sqrt{se_1^2 + se_2^2}` and Welch–Satterthwaite degrees of freedom
  :math:`\nu = (se_1^2 + se_2^2)^2 / (se_1^4/\nu_1 + se_2^4/\nu_2)` (normal when either
  estimate has ``df=None``);
- two independent **binomial proportions** x₁/n₁ and x₂/n₂ (:func:`newcombe_difference`):
  Newcombe's hybrid score interval (method 10 of Newcombe 1998, no continuity correction),
  with the p-value of the pooled two-proportion z test (Pearson's χ² without continuity
  correction).

References
----------
Newcombe, R. G. (1998). Interval estimation for the difference between independent
proportions: comparison of eleven methods. *Statistics in Medicine* 17, 873–890.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator
from scipy import special

from servqual.errors import InsufficientDataError, ParameterError, ServqualTypeError
from servqual.models._base import FrozenModel
from servqual.models.results import Estimate, Interval
from servqual.stats.design_arrays import linearized_variance
from servqual.stats.intervals import clip_to_bounds, symmetric_interval
from servqual.stats.quantiles import check_level, critical_value

if TYPE_CHECKING:
    from servqual.stats.design_arrays import DesignArrays

__all__ = ["Comparison", "compare", "newcombe_difference"]


class Comparison(FrozenModel):
    """The difference of two estimates, with its interval and a two-sided p-value.

    Parameters
    ----------
    difference : Estimate
        ``first - second``, with its standard error, interval and degrees of freedom.
    p_value : float
        Two-sided p-value of "no difference", in [0, 1]. A standard error of 0 (e.g. two
        censuses) gives 0 for a non-zero difference and 1 for none; ``NaN`` only when the
        standard error or the degrees of freedom are undefined.
    first, second : Estimate
        The two estimates compared.
    method : str
        ``"linearization"`` or ``"replicate"`` (two domains of one design), ``"independent"`` (two
        independent estimates) or ``"newcombe"`` (two independent binomial proportions).

    Examples
    --------
    >>> import servqual as sq
    >>> c = sq.newcombe_difference(56, 70, 48, 80)
    >>> round(c.difference.value, 4), round(c.difference.ci.low, 4), round(c.difference.ci.high, 4)
    (0.2, 0.0524, 0.3339)
    """

    difference: Estimate
    p_value: float = Field(allow_inf_nan=True)
    first: Estimate
    second: Estimate
    method: str

    @field_validator("p_value")
    @classmethod
    def _probability(cls, p: float) -> float:
        if not (math.isnan(p) or 0.0 <= p <= 1.0):
            raise ValueError(f"p-value must be in [0, 1], got {p!r}")
        return p


def _two_sided_p(statistic: float, df: float | None) -> float:
    if math.isnan(statistic):
        return math.nan
    if df is None or math.isinf(df):
        return float(min(1.0, 2.0 * special.ndtr(-abs(statistic))))
    if math.isnan(df) or df <= 0:
        return math.nan
    return float(min(1.0, 2.0 * special.stdtr(df, -abs(statistic))))


def _statistic(value: float, se: float) -> float:
    """``value / se``; with ``se = 0`` the difference is exact: ±inf, or 0 when it is 0."""
    if se > 0 or math.isnan(se):
        return value / se
    return 0.0 if value == 0 else math.copysign(math.inf, value)


def _symmetric(
    pair: list[Estimate] | tuple[Estimate, Estimate],
    se: float,
    df: float | None,
    level: float,
    method: str,
) -> Comparison:
    """``first − second`` with a t interval on ``df`` (normal when ``None``) and its p-value."""
    first, second = pair
    value = first.value - second.value
    bounds = None
    if first.bounds is not None and second.bounds is not None:
        bounds = (first.bounds[0] - second.bounds[1], first.bounds[1] - second.bounds[0])
    low, high = clip_to_bounds(*symmetric_interval(value, se, df, level), value, bounds)
    diff = Estimate(
        value=value,
        se=se,
        ci=Interval(low=low, high=high, level=level, method="normal" if df is None else "t"),
        n=first.n + second.n,
        df=df,
        bounds=bounds,
    )
    return Comparison(
        difference=diff,
        p_value=_two_sided_p(_statistic(value, se), df),
        first=first,
        second=second,
        method=method,
    )


def check_comparable(sizes: tuple[int, int], labels: tuple[object, object], what: str) -> None:
    """Refuse to compare a group of fewer than two rows.

    A group of one respondent has influence values 0 (its mean is its one value), so the
    variance of a difference would be computed as if that value were known exactly: the
    standard error would be 0 and every non-zero difference "significant" (p = 0).

    Raises
    ------
    servqual.errors.InsufficientDataError
        Naming the group, its size and ``what`` was compared.
    """
    for size, label in zip(sizes, labels, strict=True):
        if size < 2:
            raise InsufficientDataError(
                f"group {label!r} has {size} respondent(s) with a value of {what}: a "
                "comparison needs at least 2 in each group (one respondent has no "
                "estimable variance, so the difference would look exact)"
            )


def comparison_from_influence(
    design: DesignArrays,
    pair: list[Estimate],
    z: npt.NDArray[np.float64],
    *,
    level: float,
) -> Comparison:
    """Difference of two estimates of one design whose difference has influence ``z``.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If either estimate rests on fewer than two rows (see :func:`check_comparable`).
    """
    check_comparable((pair[0].n, pair[1].n), ("first", "second"), "the compared figure")
    var = float(linearized_variance(z, design)[0])
    return comparison_from_variance(pair, var, design.df, level=level)


def comparison_from_variance(
    pair: list[Estimate],
    variance: float,
    df: float | None,
    *,
    level: float,
    method: str = "linearization",
) -> Comparison:
    """Difference of two estimates of one design, given the variance of the difference.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If either estimate rests on fewer than two rows (see :func:`check_comparable`).
    """
    level = check_level(level)
    check_comparable((pair[0].n, pair[1].n), ("first", "second"), "the compared figure")
    return _symmetric(pair, math.sqrt(max(variance, 0.0)), df, level, method)


def _welch_df(v1: float, df1: float | None, v2: float, df2: float | None) -> float | None:
    """Welch–Satterthwaite df, computed on shares of the variance (no under/overflow)."""
    if df1 is None or df2 is None:
        return None
    if math.isnan(df1) or math.isnan(df2) or df1 <= 0 or df2 <= 0:
        return math.nan
    total = v1 + v2
    if total == 0:
        return min(df1, df2)
    return 1.0 / ((v1 / total) ** 2 / df1 + (v2 / total) ** 2 / df2)


def compare(first: Estimate, second: Estimate, *, level: float = 0.95) -> Comparison:
    r"""Difference of two **independent** estimates (e.g. two survey waves).

    Parameters
    ----------
    first, second : Estimate
        Estimates from independent samples (for two domains of one survey use
        ``design.by(col).difference(...)``, which accounts for their covariance).
    level : float
        Confidence level of the interval of the difference.

    Returns
    -------
    Comparison
        ``difference`` = first − second with :math:`se = \sqrt{se_1^2 + se_2^2}`, a t
        interval on the Welch–Satterthwaite degrees of freedom (normal if either ``df``
        is ``None``), and the two-sided p-value from the same distribution.

    Notes
    -----
    :math:`\nu = (se_1^2 + se_2^2)^2 / (se_1^4/\nu_1 + se_2^4/\nu_2)`; a term with
    :math:`se_i = 0` drops out.

    Examples
    --------
    The district office's mean score rose from 3.1 (wave 1) to 3.4 (wave 2):

    >>> import servqual as sq
    >>> w1 = sq.Design({"score": [3, 4, 3, 2, 4, 3, 3, 4, 2, 3]}).mean("score")
    >>> w2 = sq.Design({"score": [4, 4, 3, 3, 4, 3, 4, 4, 2, 3]}).mean("score")
    >>> c = sq.compare(w2, w1)
    >>> round(c.difference.value, 2), round(c.difference.df, 1), round(c.p_value, 3)
    (0.3, 17.9, 0.363)
    """
    level = check_level(level)
    for name, est in (("first", first), ("second", second)):
        if not isinstance(est, Estimate):
            raise ServqualTypeError(f"{name} must be an Estimate, got {type(est).__name__}")
    v1, v2 = first.se**2, second.se**2
    df = _welch_df(v1, first.df, v2, second.df)
    return _symmetric((first, second), math.sqrt(v1 + v2), df, level, "independent")


def _wilson(x: float, n: int, z: float) -> tuple[float, float]:
    p = x / n
    denom = 1.0 + z * z / n
    center = (p + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    # exact ends at x = 0 and x = n (rounding would leave ±1e-17 there)
    low = 0.0 if x == 0 else max(0.0, center - half)
    high = 1.0 if x == n else min(1.0, center + half)
    return low, high


def _check_counts(x: int, n: int, which: str) -> None:
    for name, v in ((f"x{which}", x), (f"n{which}", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ParameterError(f"{name} must be an integer count, got {v!r}")
    if n < 1:
        raise ParameterError(f"n{which} must be at least 1, got {n!r}")
    if n > 2**53:
        raise ParameterError(f"n{which} must be at most 2**53 (exact in float64), got {n!r:.40}…")
    if not 0 <= x <= n:
        raise ParameterError(f"x{which} must be between 0 and n{which} = {n}, got {x!r}")


def _proportion(x: int, n: int, z: float, level: float) -> Estimate:
    low, high = _wilson(x, n, z)
    p = x / n
    return Estimate(
        value=p,
        se=math.sqrt(p * (1.0 - p) / n),
        ci=Interval(low=low, high=high, level=level, method="wilson"),
        n=n,
        df=None,
    )


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, *, level: float = 0.95) -> Comparison:
    r"""Newcombe's hybrid score interval for :math:`p_1 - p_2` (independent samples).

    Parameters
    ----------
    x1, n1 : int
        Successes and trials of the first sample.
    x2, n2 : int
        Successes and trials of the second sample.
    level : float
        Confidence level.

    Returns
    -------
    Comparison
        ``difference.value`` = :math:`\hat p_1 - \hat p_2`, ``difference.se`` the
        unpooled Wald SE, ``difference.ci`` Newcombe's interval (method ``"newcombe"``),
        ``p_value`` from the pooled z test, and the two proportions with Wilson intervals.

    Raises
    ------
    servqual.errors.ParameterError
        If a count is not an integer, ``n < 1`` or ``x`` is outside ``[0, n]``.

    Notes
    -----
    With :math:`(l_i, u_i)` the Wilson score limits of :math:`\hat p_i` (no continuity
    correction) and :math:`\hat\delta = \hat p_1 - \hat p_2`:

    .. math::

        L = \hat\delta - \sqrt{(\hat p_1 - l_1)^2 + (u_2 - \hat p_2)^2}, \qquad
        U = \hat\delta + \sqrt{(u_1 - \hat p_1)^2 + (\hat p_2 - l_2)^2}.

    The p-value is :math:`2\Phi(-|\hat\delta| / \sqrt{\bar p(1 - \bar p)(1/n_1 + 1/n_2)})`,
    :math:`\bar p = (x_1 + x_2)/(n_1 + n_2)` (1 when both samples are all 0 or all 1).

    Examples
    --------
    Newcombe (1998), Table II, example (a): 56/70 vs 48/80 → 0.0524 to 0.3339:

    >>> import servqual as sq
    >>> c = sq.newcombe_difference(56, 70, 48, 80)
    >>> round(c.difference.ci.low, 4), round(c.difference.ci.high, 4)
    (0.0524, 0.3339)
    """
    level = check_level(level)
    _check_counts(x1, n1, "1")
    _check_counts(x2, n2, "2")
    z = critical_value(level)
    first = _proportion(x1, n1, z, level)
    second = _proportion(x2, n2, z, level)
    p1, p2 = first.value, second.value
    l1, u1 = first.ci.low, first.ci.high
    l2, u2 = second.ci.low, second.ci.high
    delta = p1 - p2
    low = max(-1.0, delta - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2))
    high = min(1.0, delta + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))
    pooled = (x1 + x2) / (n1 + n2)
    se0 = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    p_value = _two_sided_p(delta / se0, None) if se0 > 0 else 1.0
    diff = Estimate(
        value=delta,
        se=math.sqrt(first.se**2 + second.se**2),
        ci=Interval(low=low, high=high, level=level, method="newcombe"),
        n=n1 + n2,
        df=None,
    )
    return Comparison(
        difference=diff, p_value=p_value, first=first, second=second, method="newcombe"
    )
