r"""Cronbach's alpha with Feldt's or a bootstrap interval.

For ``k`` items with sample covariance matrix ``C`` (divisor ``n − 1``),

.. math::

    \alpha = \frac{k}{k-1}\Big(1 - \frac{\operatorname{tr} C}{\mathbf 1^\top C \mathbf 1}\Big),

with Feldt's interval (:mod:`servqual.stats.feldt`) and the asymptotic standard error of
Duhachek & Iacobucci (2004), the figures R's ``psych::alpha`` reports.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt

from servqual.errors import ParameterError
from servqual.models.results import Estimate, Interval
from servqual.reliability._input import check_missing, matrix, moments
from servqual.responses import Responses
from servqual.stats.alpha import alpha_from_cov
from servqual.stats.feldt import alpha_asymptotic_se, feldt_interval
from servqual.stats.item_covariance import ItemMoments, MissingRule, item_moments
from servqual.stats.quantiles import check_level

__all__ = ["AlphaMethod", "cronbach_alpha", "feldt_alpha"]

AlphaMethod = Literal["feldt", "bootstrap"]
FloatArray = npt.NDArray[np.float64]


def cronbach_alpha(
    data: Responses | npt.ArrayLike,
    *,
    level: float = 0.95,
    missing: MissingRule = "listwise",
    method: AlphaMethod = "feldt",
    n_resamples: int = 2000,
    seed: int | np.random.Generator | None = None,
) -> Estimate:
    r"""Cronbach's alpha with Feldt's (or a bootstrap) confidence interval.

    Parameters
    ----------
    data : Responses or 2-D array-like
        Answers (respondents × items); ``None``/NaN = missing. Reverse-scored items of a
        :class:`~servqual.Responses` (``Item.reverse``) are flipped first; a plain array
        is used as given. A numeric numpy array is read without conversion (fast path).
    level : float
        Confidence level of the interval.
    missing : {"listwise", "pairwise"}
        ``"listwise"``: only rows that answered every item. ``"pairwise"``: each
        covariance from the rows that answered both items — psych's default
        (``cov(x, use = "pairwise")``), which keeps partial answers.
    method : {"feldt", "bootstrap"}
        Feldt's F interval, or the percentile interval of ``n_resamples`` bootstrap
        resamples of respondents (with ``missing`` applied in every resample).
    n_resamples : int
        Bootstrap resamples (``method="bootstrap"`` only).
    seed : int or numpy.random.Generator, optional
        Randomness of the bootstrap.

    Returns
    -------
    Estimate
        ``value`` = alpha, ``se`` = its asymptotic standard error (psych's ``ase``; the
        standard deviation of the resampled alphas with the bootstrap), ``ci`` = the
        interval (method ``"feldt"`` or ``"bootstrap"``), ``n`` = rows used (listwise:
        complete rows; pairwise: every row, as psych counts them), and ``df`` =
        ``(n − 1)(k − 1)``, the denominator degrees of freedom of Feldt's F (with ``n``
        this lets :meth:`~servqual.Estimate.at_level` recompute a Feldt interval).

    Raises
    ------
    servqual.errors.InsufficientDataError
        Fewer than 2 items or 2 complete rows (listwise), a pair of items answered
        together by fewer than 2 rows (pairwise), or a total score without variance.
    servqual.errors.ZeroVarianceError
        An item without variance (named, with its value) — the same rule in every
        reliability function.
    servqual.errors.ParameterError
        An unknown ``missing`` or ``method``, a bad level, ``n_resamples`` or ``seed``.
    servqual.errors.ServqualTypeError
        ``data`` is neither a Responses nor a 2-D array of finite numbers.

    Notes
    -----
    ``α = k/(k−1) (1 − tr C / 1ᵀC1)``; Feldt:
    ``[1 − (1 − α) F⁻¹(1 − a/2), 1 − (1 − α) F⁻¹(a/2)]`` on ``n − 1`` and
    ``(n − 1)(k − 1)`` degrees of freedom, ``a = 1 − level``.

    Examples
    --------
    Six clients answered three courtesy items (1–5):

    >>> import servqual as sq
    >>> a = sq.cronbach_alpha([[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3], [3, 4, 4]])
    >>> round(a.value, 3), a.ci.method  # R: psych::alpha(X)$total$raw_alpha
    (0.896, 'feldt')
    >>> round(a.ci.low, 3), round(a.ci.high, 3)
    (0.559, 0.984)

    Two more clients skipped an item; pairwise deletion keeps their other answers:

    >>> rows = [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3], [3, 4, 4],
    ...         [None, 2, 3], [2, None, 2]]
    >>> round(sq.cronbach_alpha(rows, missing="pairwise").value, 3)  # R: psych::alpha(X)
    0.874
    >>> b = sq.cronbach_alpha(rows, method="bootstrap", seed=1, n_resamples=500)
    >>> b.ci.method, b.ci.low < b.value < b.ci.high
    ('bootstrap', True)
    """
    level = check_level(level)
    rule = check_missing(missing)
    if method not in ("feldt", "bootstrap"):
        raise ParameterError(f"method must be one of ['feldt', 'bootstrap'], got {method!r}")
    x, ids = matrix(data)
    m = moments(x, ids, rule)
    if method == "feldt":
        return feldt_alpha(m, level)
    n, k = m.n_rows, x.shape[1]
    alpha = alpha_from_cov(m.cov)
    df = float((n - 1) * (k - 1))
    low, high, se = _bootstrap(x, rule, level, n_resamples, seed)
    ci = Interval(low=low, high=high, level=level, method="bootstrap")
    return Estimate(value=alpha, se=se, ci=ci, n=n, df=df)


def feldt_alpha(m: ItemMoments, level: float) -> Estimate:
    """Alpha with Feldt's interval from checked item moments (see :func:`cronbach_alpha`)."""
    n, k = m.n_rows, m.cov.shape[0]
    alpha = alpha_from_cov(m.cov)
    df = float((n - 1) * (k - 1))
    low, high = feldt_interval(alpha, n, k, level)
    se = alpha_asymptotic_se(m.cov, n)
    ci = Interval(low=low, high=high, level=level, method="feldt")
    return Estimate(value=alpha, se=se, ci=ci, n=n, df=df)


def _bootstrap(
    x: FloatArray,
    rule: MissingRule,
    level: float,
    n_resamples: object,
    seed: object,
) -> tuple[float, float, float]:
    """Percentile interval and standard deviation of alpha over resampled respondents."""
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int) or n_resamples < 2:
        raise ParameterError(f"n_resamples must be an integer of at least 2, got {n_resamples!r}")
    if not (seed is None or isinstance(seed, np.random.Generator)) and (
        isinstance(seed, bool) or not isinstance(seed, int)
    ):
        raise ParameterError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if rule == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
    n = x.shape[0]
    alphas = np.empty(n_resamples)
    with np.errstate(divide="ignore", invalid="ignore"):
        for b in range(n_resamples):  # a loop over resamples; each one is vectorized
            cov = item_moments(x[rng.integers(0, n, size=n)], rule).cov
            alphas[b] = alpha_from_cov(cov)
    alphas = alphas[np.isfinite(alphas)]  # a resample with a constant item has no alpha
    a = 1.0 - level
    low, high = np.quantile(alphas, [a / 2.0, 1.0 - a / 2.0])
    return float(low), float(high), float(np.std(alphas, ddof=1)) if alphas.size > 1 else math.nan
