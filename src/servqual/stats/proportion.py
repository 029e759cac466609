r"""Two-sided confidence intervals for a binomial proportion ``x / n``, vectorized.

The kernel behind :func:`servqual.proportion_ci`. It takes arrays of successes and trials
(any real ``0 <= x <= n``, ``n > 0``: survey code may pass an effective sample size) and
returns arrays of bounds, clipped to [0, 1]. It does not validate; callers do.

With ``z`` the normal quantile ``1 - (1 - level)/2`` and ``p = x / n``:

- ``wilson`` (score interval, no continuity correction):
  :math:`\frac{x + z^2/2}{n + z^2} \mp \frac{z}{n + z^2}\sqrt{\frac{x(n - x)}{n} + \frac{z^2}{4}}`;
- ``agresti_coull`` (z-adjusted, as statsmodels): :math:`\tilde n = n + z^2`,
  :math:`\tilde p = (x + z^2/2)/\tilde n`,
  :math:`\tilde p \mp z\sqrt{\tilde p(1-\tilde p)/\tilde n}`;
- ``clopper_pearson``: Beta quantiles :math:`B(\alpha/2; x, n - x + 1)` and
  :math:`B(1 - \alpha/2; x + 1, n - x)`, with lower = 0 at ``x = 0`` and upper = 1 at ``x = n``;
- ``jeffreys``: equal-tailed quantiles of :math:`\mathrm{Beta}(x + 1/2, n - x + 1/2)`, with
  lower = 0 at ``x = 0`` and upper = 1 at ``x = n`` (Brown, Cai & DasGupta 2001, sec. 4.1.2);
- ``wald``: :math:`p \mp z\sqrt{p(1 - p)/n}` (zero width at ``x = 0`` and ``x = n``).

References
----------
Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a binomial
proportion. *Statistical Science* 16(2), 101–133.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = ["PROPORTION_METHODS", "ProportionMethod", "proportion_interval"]

FloatArray = npt.NDArray[np.float64]
ProportionMethod = Literal["wilson", "agresti_coull", "clopper_pearson", "jeffreys", "wald"]
PROPORTION_METHODS: tuple[str, ...] = get_args(ProportionMethod)

_Kernel = Callable[[FloatArray, FloatArray, float], tuple[FloatArray, FloatArray]]


def _z(level: float) -> float:
    return float(special.ndtri(1.0 - (1.0 - level) / 2.0))


def _wilson(x: FloatArray, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    z = _z(level)
    z2 = z * z
    p = x / n
    # statsmodels' arrangement of the same formula (keeps agreement at the 1e-16 level).
    denom = 1.0 + z2 / n
    center = (p + z2 / (2.0 * n)) / denom
    dist = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    return center - dist, center + dist


def _agresti_coull(x: FloatArray, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    z = _z(level)
    z2 = z * z
    n_t = n + z2
    p_t = (x + z2 / 2.0) / n_t
    dist = z * np.sqrt(p_t * (1.0 - p_t) / n_t)
    return p_t - dist, p_t + dist


def _beta_bounds(
    a_low: FloatArray, b_low: FloatArray, a_high: FloatArray, b_high: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    tail = (1.0 - level) / 2.0
    # Guard the parameters where the bound is fixed anyway (a or b = 0 is undefined).
    low = _beta_quantile(np.where(a_low > 0, a_low, 1.0), np.where(b_low > 0, b_low, 1.0), tail)
    high = _beta_quantile(
        np.where(a_high > 0, a_high, 1.0), np.where(b_high > 0, b_high, 1.0), 1.0 - tail
    )
    return low, high


def _beta_quantile(a: FloatArray, b: FloatArray, prob: float) -> FloatArray:
    """Beta quantile, with a fallback where scipy's inversion fails.

    For parameters around 1e18 and beyond ``betaincinv`` returns NaN; there the normal
    approximation with the Beta's mean and variance is used, exact far below float64
    resolution (the Beta's skewness is of order ``1/sqrt(a + b)``).
    """
    q = np.asarray(special.betaincinv(a, b, prob), dtype=np.float64)
    failed = np.isnan(q)
    if failed.any():
        s = a + b
        mean = a / s
        sd = np.sqrt(mean * (b / s) / (s + 1.0))
        approx = np.clip(mean + special.ndtri(prob) * sd, 0.0, 1.0)
        q = np.where(failed, approx, q)
    return q


def _clopper_pearson(x: FloatArray, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    return _beta_bounds(x, n - x + 1.0, x + 1.0, n - x, level)


def _jeffreys(x: FloatArray, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    return _beta_bounds(x + 0.5, n - x + 0.5, x + 0.5, n - x + 0.5, level)


def _wald(x: FloatArray, n: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    z = _z(level)
    p = x / n
    dist = z * np.sqrt(p * (1.0 - p) / n)
    return p - dist, p + dist


_KERNELS: dict[str, _Kernel] = {
    "wilson": _wilson,
    "agresti_coull": _agresti_coull,
    "clopper_pearson": _clopper_pearson,
    "jeffreys": _jeffreys,
    "wald": _wald,
}

# Methods whose bound is forced at the boundary: lower = 0 at x = 0, upper = 1 at x = n.
# Wilson's bounds equal these values exactly in exact arithmetic; Wald and Agresti–Coull
# are left as their formulas give (Wald: zero width; Agresti–Coull: clipped).
_FORCE_BOUNDARY = frozenset({"wilson", "clopper_pearson", "jeffreys"})


def proportion_interval(
    successes: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    level: float = 0.95,
    method: str = "wilson",
) -> tuple[FloatArray, FloatArray]:
    """Bounds of the two-sided interval for ``successes / n``, element-wise.

    Parameters
    ----------
    successes, n : array_like
        Broadcastable arrays with ``0 <= successes <= n`` and ``n > 0`` (real numbers are
        allowed, e.g. an effective sample size). Not validated here.
    level : float
        Confidence level in (0, 1) (validated by the caller).
    method : {"wilson", "agresti_coull", "clopper_pearson", "jeffreys", "wald"}
        The interval (formulas in the module docstring).

    Returns
    -------
    low, high : ndarray
        Arrays of the broadcast shape, clipped to [0, 1].

    Examples
    --------
    >>> low, high = proportion_interval([0, 7, 10], [10, 10, 10])
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.0, 0.3968, 0.7225], [0.2775, 0.8922, 1.0])
    """
    x, nn = np.broadcast_arrays(
        np.asarray(successes, dtype=np.float64), np.asarray(n, dtype=np.float64)
    )
    low, high = _KERNELS[method](x, nn, level)
    if method in _FORCE_BOUNDARY:
        low = np.where(x <= 0, 0.0, low)
        high = np.where(x >= nn, 1.0, high)
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
