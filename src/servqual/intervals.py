"""Confidence intervals on plain numbers: a count of successes, or a list of values.

:func:`proportion_ci` puts an interval on ``x`` successes out of ``n`` (five methods;
Wilson by default) and :func:`mean_ci` puts a t interval on the mean of a simple random
sample, with an optional finite-population correction. Both validate their arguments and
then call the numeric core in :mod:`servqual.stats`.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design.design import estimate_from_variance
from servqual.errors import (
    DegenerateDataWarning,
    EstimationError,
    InsufficientDataError,
    ParameterError,
    ServqualTypeError,
    ValidationError,
)
from servqual.models.results import Estimate, Interval
from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.proportion import PROPORTION_METHODS, ProportionMethod, proportion_interval
from servqual.stats.quantiles import check_level

__all__ = ["mean_ci", "proportion_ci"]


def _count(value: Any, name: str) -> int:
    """A non-negative whole number (int, numpy integer, or an integral float)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ServqualTypeError(f"{name} must be a whole number, got {value!r}")
    try:
        as_float = float(value)
    except OverflowError:
        raise ParameterError(f"{name} is beyond float64's range, got {value!r:.40}") from None
    if not math.isfinite(as_float) or as_float != math.floor(as_float):
        raise ParameterError(f"{name} must be a whole number, got {value!r}")
    if as_float < 0:
        raise ParameterError(f"{name} must be >= 0, got {value!r}")
    return int(as_float)


def _check_proportion_args(successes: Any, n: Any, level: Any, method: Any) -> tuple[int, int]:
    x = _count(successes, "successes")
    trials = _count(n, "n")
    if trials == 0:
        raise InsufficientDataError("n is 0: no interval can be computed from zero trials")
    if x > trials:
        raise ParameterError(f"successes ({x}) cannot exceed n ({trials})")
    check_level(level)
    if method not in PROPORTION_METHODS:
        raise ParameterError(f"method must be one of {list(PROPORTION_METHODS)}, got {method!r}")
    return x, trials


def proportion_ci(
    successes: int,
    n: int,
    *,
    level: float = 0.95,
    method: ProportionMethod = "wilson",
) -> Interval:
    r"""Confidence interval for a proportion from ``successes`` out of ``n`` trials.

    Parameters
    ----------
    successes : int
        Number of successes (e.g. respondents answering "satisfied"), ``0 <= successes <= n``.
    n : int
        Number of trials (respondents), at least 1.
    level : float
        Confidence level in (0, 1).
    method : {"wilson", "agresti_coull", "clopper_pearson", "jeffreys", "wald"}
        ``"wilson"`` (default) is the score interval without continuity correction;
        ``"agresti_coull"`` the z-adjusted form (as statsmodels); ``"clopper_pearson"``
        the exact Beta interval; ``"jeffreys"`` the equal-tailed Beta(x + ½, n − x + ½)
        interval; ``"wald"`` the textbook ``p ± z·sqrt(p(1−p)/n)`` (not recommended).

    Returns
    -------
    Interval
        Bounds clipped to [0, 1], with ``level`` and ``method``.

    Raises
    ------
    servqual.errors.ServqualTypeError
        If ``successes`` or ``n`` is not a number.
    servqual.errors.ParameterError
        If a count is negative or not whole, ``successes > n``, ``level`` is outside
        (0, 1), or ``method`` is not one of the five.
    servqual.errors.InsufficientDataError
        If ``n`` is 0.

    Notes
    -----
    With ``p = x/n`` and ``z`` the normal quantile at ``1 − (1 − level)/2``, Wilson's
    interval is

    .. math::

        \frac{x + z^2/2}{n + z^2} \mp
        \frac{z}{n + z^2}\sqrt{\frac{x(n-x)}{n} + \frac{z^2}{4}}.

    Boundary conventions follow Brown, Cai & DasGupta (2001): at ``x = 0`` the lower bound
    is 0 and at ``x = n`` the upper bound is 1 for Wilson, Clopper–Pearson and Jeffreys
    (statsmodels does not force the Jeffreys bounds). Wald's interval has zero width there.
    Formulas for the other methods are in :mod:`servqual.stats.proportion`.

    References
    ----------
    Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
    proportion. *Statistical Science* 16(2), 101–133.

    Examples
    --------
    Of 120 applicants a district office surveyed, 96 were satisfied:

    >>> import servqual as sq
    >>> ci = sq.proportion_ci(96, 120)  # R: prop.test(96, 120, correct = FALSE)$conf.int
    >>> round(ci.low, 4), round(ci.high, 4), ci.method
    (0.7196, 0.8618, 'wilson')
    >>> ci = sq.proportion_ci(0, 25, method="clopper_pearson")  # R: binom.test(0, 25)
    >>> ci.low, round(ci.high, 4)
    (0.0, 0.1372)
    """
    x, trials = _check_proportion_args(successes, n, level, method)
    low, high = proportion_interval(x, trials, level=float(level), method=method)
    if method == "wald" and x in (0, trials):
        warnings.warn(
            f"the Wald interval of {x}/{trials} has zero width (p̂(1 − p̂) = 0): it says "
            "nothing about the uncertainty; use method='wilson' or 'clopper_pearson'",
            DegenerateDataWarning,
            stacklevel=2,
        )
    return Interval(low=float(low), high=float(high), level=float(level), method=method)


def _check_values(values: Any) -> npt.NDArray[np.float64]:
    if isinstance(values, (str, bytes)):
        raise ServqualTypeError(f"values must be a sequence of numbers, got {values!r}")
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError):  # ragged nesting
        raise ValidationError(f"values must be one-dimensional, got {values!r:.60}") from None
    if raw.ndim != 1:
        raise ValidationError(f"values must be one-dimensional, got shape {raw.shape}")
    try:
        y = raw.astype(np.float64)
    except (TypeError, ValueError):
        raise ServqualTypeError(f"values must be numbers (dtype {raw.dtype})") from None
    except OverflowError:
        raise ValidationError("values holds an integer beyond float64's range") from None
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        i = int(bad[0])
        culprit = raw[i].item() if isinstance(raw[i], np.generic) else raw[i]
        raise ValidationError(
            f"values has a missing or non-finite value at position {i}: {culprit!r}"
            + (f" ({bad.size} such values)" if bad.size > 1 else "")
        )
    if y.size < 2:
        raise InsufficientDataError(
            f"a t interval needs at least 2 values, got {y.size}: the standard error of a "
            "mean of one value cannot be estimated"
        )
    return y


def _check_population(population_size: Any, n: int) -> float:
    if population_size is None:
        return math.inf
    size = _count(population_size, "population_size")
    if size < n:
        raise ParameterError(f"population_size ({size}) is smaller than the sample size ({n})")
    return float(size)


def mean_ci(
    values: npt.ArrayLike,
    *,
    level: float = 0.95,
    population_size: int | None = None,
) -> Estimate:
    r"""Mean of a simple random sample with its standard error and t interval.

    Parameters
    ----------
    values : array_like
        One-dimensional numbers (at least two, no missing values).
    level : float
        Confidence level in (0, 1).
    population_size : int, optional
        Size ``N`` of the population the sample was drawn from (without replacement);
        applies the finite-population correction ``1 − n/N``. ``None``: no correction.

    Returns
    -------
    Estimate
        ``value`` (the mean), ``se``, a ``"t"`` interval on ``df = n − 1`` degrees of
        freedom, and ``n``.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If fewer than two values are given.
    servqual.errors.ValidationError
        If a value is missing or not finite (the message names its position), or
        ``values`` is not one-dimensional.
    servqual.errors.ParameterError
        If ``level`` is outside (0, 1) or ``population_size`` is smaller than ``n``.

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        If all values are equal (and the sample is not a census): the standard error is
        0 and the interval has zero width.

    Notes
    -----
    .. math:: \bar y \mp t_{1-(1-\text{level})/2,\;n-1}\sqrt{(1 - n/N)\,s^2/n},

    with :math:`s^2` the sample variance (divisor ``n − 1``); the same numbers as R's
    ``confint(svymean(~y, svydesign(ids = ~1, fpc = ~N, data = d)), df = degf(...))``.
    A census (``n = N``) has standard error 0 and an interval collapsed to the mean.

    Examples
    --------
    Ten applicants rated a counter's service 1–4; the office served 60 people that day:

    >>> import servqual as sq
    >>> est = sq.mean_ci([3, 4, 3, 2, 4, 3, 3, 4, 2, 3], population_size=60)
    >>> round(est.value, 2), round(est.se, 4), est.df
    (3.1, 0.213, 9.0)
    >>> round(est.ci.low, 3), round(est.ci.high, 3)
    (2.618, 3.582)
    """
    check_level(level)
    y = _check_values(values)
    n = int(y.size)
    pop = _check_population(population_size, n)
    if np.all(y == y[0]) and pop > n:
        value = float(y[0])
        warnings.warn(
            f"all {n} values equal {value:g}: the standard error is 0 and the interval has "
            "zero width",
            DegenerateDataWarning,
            stacklevel=2,
        )
    design = DesignArrays(
        weights=np.ones(n),
        stratum_codes=np.zeros(n, dtype=np.intp),
        strata=(None,),
        pop=np.array([pop]),
    )
    # Work on y / 2^k (exact: a power of two only shifts exponents), so that the squares
    # of values up to 1.8e308 neither overflow nor underflow; scale back the se.
    top = float(np.max(np.abs(y)))
    shift = math.ldexp(1.0, min(math.frexp(top)[1], 1023)) if top > 0 else 1.0
    scaled = y / shift
    mean = float(scaled.mean())
    variance = float(linearized_variance((scaled - mean) / n, design)[0])
    se = math.sqrt(max(variance, 0.0)) * shift
    est = estimate_from_variance(mean, variance, n=n, df=float(n - 1), level=level)
    low, high = est.ci.low * shift, est.ci.high * shift
    if not (math.isfinite(se) and math.isfinite(low) and math.isfinite(high)):
        raise EstimationError(
            f"the interval of the mean of values up to {top:g} overflows float64 "
            f"(standard error {se:g}): rescale the values (e.g. to thousands)"
        )
    ci = est.ci.model_copy(update={"low": low, "high": high})
    update = {"value": mean * shift, "se": float(est.se) * shift, "ci": ci}
    return est.model_copy(update=update)
