r"""Confidence intervals for a proportion estimated on a survey design (R ``svyciprop``).

Each interval needs only the estimated proportion ``p``, its design standard error
``se``, the design degrees of freedom ``df`` (``None``: normal quantile), the number of
rows ``n`` and the level, so every method here is registered for
:meth:`servqual.Estimate.at_level`. All functions are vectorized over ``p``/``se``/``n``.

With ``q`` the two-sided t quantile on ``df`` and ``α = 1 - level``:

- ``logit`` (R's default, from ``svyglm(quasibinomial)``) and ``xlogit`` (R's delta-method
  form; the same interval up to R's iterative fit):
  :math:`\operatorname{expit}\big(\operatorname{logit} p \mp q\, se / (p(1-p))\big)`;
- ``asin``: :math:`\sin^2\big(\arcsin\sqrt p \mp q\, se / (2\sqrt{p(1-p)})\big)`;
- ``beta`` (Korn & Graubard 1998): Clopper–Pearson with the effective sample size
  :math:`n^* = \frac{p(1-p)}{se^2}\big(t_{n-1,\alpha/2}/t_{df,\alpha/2}\big)^2`:
  :math:`[B(\alpha/2;\, n^*p,\, n^*(1-p)+1),\ B(1-\alpha/2;\, n^*p+1,\, n^*(1-p))]`;
- ``wilson``: the Wilson score interval with :math:`n^* = p(1-p)/se^2` and ``q`` in place
  of ``z`` (no df adjustment of :math:`n^*`; with ``se² = p(1-p)/n`` and ``df=None`` it is
  the classical Wilson interval);
- ``mean``: :math:`p \mp q\, se` (R ``method="mean"``).

Every interval above is clipped to [0, 1] (``asin`` at the angle: :math:`\arcsin\sqrt p
\mp h` kept in :math:`[0, \pi/2]`). R survey 4.1.1 does not clip ``asin`` and ``mean``;
its numbers are ``asin_unclipped`` (:math:`\sin^2` of the unclipped angles, so a lower
angle below 0 gives a small positive bound, as in R) and ``mean_unclipped`` (a bound may be
negative or above 1). ``likelihood`` is R's profile-likelihood interval
(:mod:`servqual.stats.likelihood_ci`); it needs the data, so it is computed by the design
and not recomputed by ``at_level``.

Boundaries. At ``p = 0`` or ``p = 1`` the design variance is 0 and says nothing about the
uncertainty, so every method returns the Clopper–Pearson interval of 0 (or ``n``)
successes in the ``n`` rows — ``[0, 1 - (α/2)^{1/n}]`` or ``[(α/2)^{1/n}, 1]``, i.e. a design
effect of 1 — with a :class:`~servqual.errors.DegenerateDataWarning`. With ``df <= 0`` (no
design degrees of freedom) the interval is ``NaN`` with a warning. With ``se = 0`` and
``0 < p < 1`` (a census, or a share fixed by calibration) the share is known exactly and
the interval is ``[p, p]``, as for every other estimator.

References
----------
Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for proportions with small
expected number of positive counts estimated from survey data. *Survey Methodology* 24,
193–201.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.stats.intervals import register_interval
from servqual.stats.quantiles import check_level, critical_value

__all__ = ["SVY_PROPORTION_METHODS", "SvyProportionMethod", "svy_proportion_interval"]

FloatArray = npt.NDArray[np.float64]
SvyProportionMethod = Literal[
    "logit",
    "xlogit",
    "asin",
    "beta",
    "wilson",
    "mean",
    "asin_unclipped",
    "mean_unclipped",
    "likelihood",
]
SVY_PROPORTION_METHODS: tuple[str, ...] = get_args(SvyProportionMethod)

_Kernel = Callable[
    [FloatArray, FloatArray, float, FloatArray, float], tuple[FloatArray, FloatArray]
]


def _logit(
    p: FloatArray, se: FloatArray, q: float, n: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    eta = special.logit(p)
    half = q * se / (p * (1.0 - p))
    return special.expit(eta - half), special.expit(eta + half)


def _asin(
    p: FloatArray, se: FloatArray, q: float, n: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    eta = np.arcsin(np.sqrt(p))
    half = q * se / (2.0 * np.sqrt(p * (1.0 - p)))
    low = np.clip(eta - half, 0.0, np.pi / 2.0)
    high = np.clip(eta + half, 0.0, np.pi / 2.0)
    return np.sin(low) ** 2, np.sin(high) ** 2


def _asin_unclipped(
    p: FloatArray, se: FloatArray, q: float, n: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """R's ``asin``: ``sin(asin(sqrt(p)) ∓ h)^2`` with no clipping of the angle."""
    eta = np.arcsin(np.sqrt(p))
    half = q * se / (2.0 * np.sqrt(p * (1.0 - p)))
    low, high = np.sin(eta - half) ** 2, np.sin(eta + half) ** 2
    return np.minimum(low, high), np.maximum(low, high)


def _beta(
    p: FloatArray, se: FloatArray, q: float, n: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    tail = (1.0 - level) / 2.0
    # R: n.eff * (qt(alpha/2, nrow(design) - 1) / qt(alpha/2, degf(design)))^2
    q_rows = np.array([critical_value(level, float(m) - 1.0) for m in np.unique(n)])
    q_n = q_rows[np.searchsorted(np.unique(n), n)]
    n_eff = p * (1.0 - p) / (se * se) * (q_n / q) ** 2
    low = special.betaincinv(n_eff * p, n_eff * (1.0 - p) + 1.0, tail)
    high = special.betaincinv(n_eff * p + 1.0, n_eff * (1.0 - p), 1.0 - tail)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def _wilson(
    p: FloatArray, se: FloatArray, q: float, n: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    n_eff = p * (1.0 - p) / (se * se)
    q2 = q * q
    denom = 1.0 + q2 / n_eff
    center = (p + q2 / (2.0 * n_eff)) / denom
    half = q * np.sqrt(se * se + q2 / (4.0 * n_eff * n_eff)) / denom
    return center - half, center + half


def _mean(
    p: FloatArray, se: FloatArray, q: float, n: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    return p - q * se, p + q * se


_KERNELS: dict[str, _Kernel] = {
    "logit": _logit,
    "xlogit": _logit,
    "asin": _asin,
    "beta": _beta,
    "wilson": _wilson,
    "mean": _mean,
    "asin_unclipped": _asin_unclipped,
    "mean_unclipped": _mean,
}
_UNCLIPPED = ("asin_unclipped", "mean_unclipped")


def _boundary(p: FloatArray, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Clopper–Pearson bounds for 0 or n successes in n rows."""
    tail = (1.0 - level) / 2.0
    safe_n = np.where(n > 0, n, np.nan)
    edge = tail ** (1.0 / safe_n)
    low = np.where(p >= 1.0, edge, 0.0)
    high = np.where(p <= 0.0, 1.0 - edge, 1.0)
    return low, high


def svy_proportion_interval(
    p: npt.ArrayLike,
    se: npt.ArrayLike,
    df: float | None,
    n: npt.ArrayLike,
    level: float,
    method: str = "logit",
) -> tuple[FloatArray, FloatArray]:
    """Bounds of a design-based proportion interval, vectorized over ``p``, ``se``, ``n``.

    Parameters
    ----------
    p, se : array-like
        Estimated proportions in [0, 1] and their design standard errors.
    df : float or None
        Design degrees of freedom (``None``: normal quantile).
    n : array-like
        Number of rows behind each estimate (used by ``beta`` and at the boundaries).
    level : float
        Confidence level in (0, 1).
    method : {"logit", "xlogit", "asin", "beta", "wilson", "mean"}
        See the module notes for the formulas.

    Returns
    -------
    low, high : float arrays
        The bounds; ``NaN`` where no interval exists (with a warning saying why).

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        At ``p`` = 0 or 1, or with ``df <= 0``.

    Examples
    --------
    >>> lo, hi = svy_proportion_interval(0.8279480114, 0.0243447801, 197, 200, 0.95)
    >>> round(float(lo[0]), 6), round(float(hi[0]), 6)  # R: svyciprop(~I(sch.wide=="Yes"), dstrat)
    (0.77454, 0.870815)
    """
    level = check_level(level)
    kernel = _KERNELS.get(method)
    if kernel is None:
        raise ParameterError(
            f"method {method!r} needs the data (a profile likelihood): use "
            "Design.proportion(..., method='likelihood'); methods from an estimate and its "
            f"SE: {sorted(_KERNELS)}"
        )
    pp, ss, nn = np.broadcast_arrays(
        np.atleast_1d(np.asarray(p, dtype=np.float64)),
        np.atleast_1d(np.asarray(se, dtype=np.float64)),
        np.atleast_1d(np.asarray(n, dtype=np.float64)),
    )
    q = critical_value(level, df)
    if math.isnan(q):
        warnings.warn(
            f"the design has {df} degrees of freedom (PSUs minus strata), so no t "
            "quantile exists: the interval is NaN",
            DegenerateDataWarning,
            stacklevel=2,
        )
        nan = np.full(pp.shape, np.nan)
        return nan, nan.copy()
    edge = (pp <= 0.0) | (pp >= 1.0)
    flat = ~edge & (ss == 0.0)
    inner = ~edge & ~flat & np.isfinite(ss)
    low = np.full(pp.shape, np.nan)
    high = np.full(pp.shape, np.nan)
    if inner.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            lo, hi = kernel(pp[inner], ss[inner], q, nn[inner], level)
        unclipped = method in _UNCLIPPED  # R's numbers, which may leave [0, 1]
        low[inner] = lo if unclipped else np.clip(lo, 0.0, 1.0)
        high[inner] = hi if unclipped else np.clip(hi, 0.0, 1.0)
    if edge.any():
        low[edge], high[edge] = _boundary(pp[edge], nn[edge], level)
        warnings.warn(
            "an estimated proportion is 0 or 1, where the design variance is 0 and says "
            "nothing about the uncertainty: the interval is Clopper-Pearson on the "
            f"{nn[edge].astype(int).tolist()[:5]} rows (a design effect of 1)",
            DegenerateDataWarning,
            stacklevel=2,
        )
    if flat.any():  # a census, or a share fixed by calibration: known exactly
        low[flat] = high[flat] = pp[flat]
    return low, high


def _register(method: str) -> None:
    def from_se(
        value: float, se: float, df: float | None, n: int, level: float
    ) -> tuple[float, float]:
        lo, hi = svy_proportion_interval(value, se, df, n, level, method)
        return float(lo[0]), float(hi[0])

    register_interval(method, from_se)


for _method in _KERNELS:  # "likelihood" needs the rows: not recomputable by at_level
    _register(_method)
