"""Sample size per group to detect a difference between two proportions or two means."""

from __future__ import annotations

import math
from typing import Literal

from scipy import special

from servqual.errors import ParameterError
from servqual.sample_size._result import SampleSize
from servqual.sample_size._validate import (
    ceil_guarded,
    check_deff_rate,
    check_fraction,
    check_positive,
    guard_extremes,
)
from servqual.stats.quantiles import check_level

__all__ = ["for_difference"]


def _z_one_sided(prob: float) -> float:
    return float(special.ndtri(prob))


def _n_proportions(p1: float, p2: float, alpha: float, power: float, sides: int) -> float:
    """Fleiss (1981) without continuity correction; R ``power.prop.test``."""
    za = _z_one_sided(1.0 - alpha / sides)
    zb = _z_one_sided(power)
    pbar = (p1 + p2) / 2.0
    root = za * math.sqrt(2.0 * pbar * (1.0 - pbar)) + zb * math.sqrt(
        p1 * (1.0 - p1) + p2 * (1.0 - p2)
    )
    return (root / (p1 - p2)) ** 2


def _power_t(n: float, d: float, alpha: float, sides: int) -> float:
    """Power of the two-sample t test with ``n`` per group (R ``power.t.test``, strict=FALSE)."""
    df = 2.0 * (n - 1.0)
    tcrit = float(special.stdtrit(df, 1.0 - alpha / sides))
    # stats.nct.sf, not 1 - special.nctdtr: nctdtr returns NaN for noncentralities of
    # about 37 to 55 (large standardized differences), which stopped the root search
    from scipy import stats  # lazy: scipy.stats costs ~0.4 s at import

    return float(stats.nct.sf(tcrit, df, math.sqrt(n / 2.0) * d))


#: Smallest ``n`` searched for the t method. Below ``df = 2(n - 1) = 0.2`` the t quantile
#: and the noncentral t lose all accuracy (scipy and R alike: the power computed near
#: ``n = 1`` is not even monotone), so a search started at ``n = 1 + 1e-9`` failed for
#: large standardized differences such as 1.5.
_N_LOW = 1.1


def _n_means(d: float, alpha: float, power: float, sides: int, method: str) -> float:
    za = _z_one_sided(1.0 - alpha / sides)
    zb = _z_one_sided(power)
    n_normal = 2.0 * ((za + zb) / d) ** 2
    if method == "normal":
        return n_normal

    def gap(n: float) -> float:
        return _power_t(n, d, alpha, sides) - power

    if gap(_N_LOW) >= 0.0:  # a difference so large that even 2 per group detect it
        return _N_LOW
    hi = max(4.0, 2.0 * n_normal + 10.0)
    from scipy import optimize  # lazy, as scipy.stats above

    return float(optimize.brentq(gap, _N_LOW, hi, xtol=1e-12))


@guard_extremes
def for_difference(
    first: float,
    second: float,
    *,
    sd: float | None = None,
    level: float = 0.95,
    power: float = 0.8,
    alternative: Literal["two-sided", "one-sided"] = "two-sided",
    method: Literal["normal", "t"] | None = None,
    deff: float = 1.0,
    response_rate: float = 1.0,
) -> SampleSize:
    r"""Sample size per group to detect a difference between two groups or two waves.

    Two proportions (``sd=None``: ``first``, ``second`` are anticipated shares, e.g.
    satisfied last year and this year) or two means (``sd`` given: ``first``,
    ``second`` are anticipated means, ``sd`` their common standard deviation). Groups
    are independent samples of equal size (two offices, or two survey waves drawn
    afresh).

    Parameters
    ----------
    first, second : float
        Anticipated values in the two groups (proportions in (0, 1) when ``sd`` is None).
    sd : float, optional
        Common standard deviation (> 0) for a difference of means.
    level : float
        Confidence level ``1 - alpha`` of the test, in (0, 1).
    power : float
        Probability of detecting the difference, in (0, 1).
    alternative : {"two-sided", "one-sided"}
        Sidedness of the test.
    method : {"normal", "t"}, optional
        For means: ``"t"`` (default) solves the noncentral-t power equation as R's
        ``power.t.test``; ``"normal"`` uses :math:`2 (z_{\alpha} + z_{\beta})^2 S^2/\delta^2`.
        Proportions always use the normal approximation.
    deff, response_rate : float
        Design effect (> 0) and response rate in (0, 1], as in :func:`for_proportion`.

    Returns
    -------
    SampleSize
        ``n`` is per group (``groups = 2``; ``total`` is both groups).

    Raises
    ------
    servqual.errors.ParameterError
        If the two values are equal or an argument is outside its range.

    Notes
    -----
    Proportions (Fleiss 1981, no continuity correction; R ``power.prop.test``):

    .. math:: n = \frac{\left(z_{\alpha} \sqrt{2 \bar p \bar q}
              + z_{\beta} \sqrt{p_1 q_1 + p_2 q_2}\right)^2}{(p_1 - p_2)^2}

    with :math:`\bar p = (p_1 + p_2)/2`, :math:`z_{\alpha}` the ``1 - alpha/2`` (two-sided)
    normal quantile and :math:`z_{\beta}` the ``power`` quantile. Means: the smallest
    real ``n`` with :math:`P(T'_{2n-2,\,\delta \sqrt{n/2}/S} > t_{1-\alpha/2,\,2n-2})`
    equal to ``power`` (searched from ``n = 1.1``; a difference detected with the given
    power already there gives 1.1, i.e. 2 per group). The result is multiplied by
    ``deff``, divided by the response rate and rounded up.

    Examples
    --------
    >>> import servqual as sq
    >>> int(sq.sample_size.for_difference(0.50, 0.75, power=0.9))  # R: power.prop.test
    77
    >>> int(sq.sample_size.for_difference(3.0, 3.2, sd=0.6, power=0.8))
    143
    """
    level = check_level(level)
    power = check_fraction(power, "power")
    deff, rate = check_deff_rate(deff, response_rate)
    if alternative not in ("two-sided", "one-sided"):
        raise ParameterError(
            f"alternative must be one of ('two-sided', 'one-sided'), got {alternative!r}"
        )
    sides = 2 if alternative == "two-sided" else 1
    alpha = 1.0 - level
    if sd is None:
        if method not in (None, "normal"):
            raise ParameterError(
                f"method {method!r} applies to means only; proportions use 'normal'"
            )
        p1, p2 = check_fraction(first, "first"), check_fraction(second, "second")
        if p1 == p2:
            raise ParameterError(f"first and second are equal ({p1!r}): no difference to detect")
        raw = _n_proportions(p1, p2, alpha, power, sides)
        kind, formula = (
            "difference_proportions",
            "Fleiss: (za sqrt(2 pbar qbar) + zb sqrt(p1 q1 + p2 q2))^2 / (p1 - p2)^2",
        )
        inputs: dict[str, float | int | str | None] = {"p1": p1, "p2": p2}
    else:
        s = check_positive(sd, "sd")
        m = "t" if method is None else method
        if m not in ("normal", "t"):
            raise ParameterError(f"method must be one of ('normal', 't'), got {method!r}")
        delta = float(second) - float(first)
        if delta == 0:
            raise ParameterError(f"first and second are equal ({first!r}): no difference to detect")
        raw = _n_means(abs(delta) / s, alpha, power, sides, m)
        kind = "difference_means"
        formula = (
            "2 (za + zb)^2 sd^2 / delta^2" if m == "normal" else "noncentral t (R power.t.test)"
        )
        inputs = {"mean1": float(first), "mean2": float(second), "sd": s, "method": m}
    exact = raw * deff / rate
    inputs.update(
        {
            "level": level,
            "power": power,
            "alternative": alternative,
            "deff": deff,
            "response_rate": rate,
        }
    )
    return SampleSize(
        n=ceil_guarded(exact),
        exact=exact,
        n0=raw,
        method=kind,
        rounding="up",
        formula=formula,
        inputs=inputs,
        groups=2,
    )
