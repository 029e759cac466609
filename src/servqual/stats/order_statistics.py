r"""Distribution-free confidence intervals for quantiles from order statistics, vectorized.

For the ``p``-quantile of a continuous distribution and a sample of ``n`` sorted values
:math:`x_{(1)} \le \dots \le x_{(n)}`, the number of values below the quantile is
:math:`B \sim \mathrm{Bin}(n, p)`. With :math:`l = F_B^{-1}(\alpha/2)` and
:math:`u = F_B^{-1}(1 - \alpha/2) + 1` (``F_B^{-1}`` the binomial quantile function),
:math:`[x_{(l)}, x_{(u)}]` covers the quantile with probability at least ``1 - α``
(Conover 1999, sec. 3.2; Hahn & Meeker 1991, sec. 5.2) — the interval scipy's
``quantile_test(...).confidence_interval()`` returns, and R's
``sort(x)[qbinom(c(a/2, 1 - a/2), n, p) + c(0, 1)]``. For ties (whole working days)
coverage stays at least ``1 - α``. When ``l < 1`` the lower bound is the smallest value
possible (``floor``, 0 for durations); when ``u > n`` no order statistic is high enough
and the interval is open-ended: the upper bound is ``+inf`` (scipy returns the same), a
valid interval that says the sample is too small to bound the quantile from above.

The point estimate is the sample quantile of type 7 (numpy's and R's default).

References
----------
Conover, W. J. (1999). *Practical Nonparametric Statistics*, 3rd ed. Wiley.
Hahn, G. J. and Meeker, W. Q. (1991). *Statistical Intervals*. Wiley.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = ["grouped_quantile_ci"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _binom_ppf(q: float, n: IntArray, p: float) -> IntArray:
    """Smallest ``k`` with ``P(B <= k) >= q`` for ``B ~ Bin(n, p)``, elementwise."""
    k = np.floor(np.nan_to_num(special.bdtrik(q, n.astype(np.float64), p), nan=0.0))
    k = np.clip(k, 0, n).astype(np.int64)
    # bdtrik inverts a continuous extension: step to the exact discrete quantile
    for _ in range(3):
        below = (special.bdtr(k, n, p) < q) & (k < n)
        k = k + below
    for _ in range(3):
        above = (k > 0) & (special.bdtr(k - 1, n, p) >= q)
        k = k - above
    return k


def grouped_quantile_ci(
    values: FloatArray,
    starts: IntArray,
    counts: IntArray,
    p: float,
    level: float,
    floor: float = 0.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Quantile and order-statistic interval of each group of a grouped, sorted array.

    Parameters
    ----------
    values : array of float64
        Values sorted within each group; group ``g`` is
        ``values[starts[g] : starts[g] + counts[g]]``.
    starts, counts : array of int64
        Where each group begins and its size (groups of size 0 give NaN).
    p : float
        The quantile, in (0, 1).
    level : float
        Confidence level.
    floor : float
        The lower bound when the sample has no order statistic low enough.

    Returns
    -------
    (estimate, low, high) : arrays of float64, one entry per group
    """
    n = counts.astype(np.int64)
    est = np.full(n.shape, np.nan)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = n > 0
    if not ok.any():
        return est, low, high
    s, m = starts[ok], n[ok]
    h = (m - 1) * p
    j = np.floor(h).astype(np.int64)
    j1 = np.minimum(j + 1, m - 1)
    est[ok] = values[s + j] + (h - j) * (values[s + j1] - values[s + j])
    alpha = 1.0 - level
    lo_rank = _binom_ppf(alpha / 2.0, m, p)  # 1-based rank of the lower bound
    hi_rank = _binom_ppf(1.0 - alpha / 2.0, m, p) + 1
    low[ok] = np.where(lo_rank >= 1, values[s + np.maximum(lo_rank, 1) - 1], floor)
    high[ok] = np.where(hi_rank <= m, values[s + np.minimum(hi_rank, m) - 1], np.inf)
    return est, low, high
