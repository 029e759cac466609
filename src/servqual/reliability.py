r"""Reliability of a multi-item scale: Cronbach's alpha and item–total correlations.

For ``k`` items with sample covariance matrix ``C`` (divisor ``n − 1``) over the ``n``
complete rows,

.. math::

    \alpha = \frac{k}{k-1}\Big(1 - \frac{\operatorname{tr} C}{\mathbf 1^\top C \mathbf 1}\Big),

with Feldt's interval (:mod:`servqual.stats.feldt`) and the asymptotic standard error of
Duhachek & Iacobucci (2004), the figures R's ``psych::alpha`` reports. The corrected
item–total correlation of item ``j`` is the Pearson correlation of the item with the sum
of the *other* items (psych's ``r.drop``); alpha-if-dropped is alpha of the other
``k − 1`` items.

Missing answers: **listwise** — rows with any missing answer are left out (the rows used
are reported as ``n``). Reliability is a property of the instrument in the sample, so the
survey design's weights are not used (as in psych and pingouin). Reverse-scored items
of a :class:`~servqual.Responses` are flipped first (``Item.reverse``); a plain array is
used as given.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pydantic import Field

from servqual.errors import InsufficientDataError, ServqualTypeError
from servqual.models._base import FrozenModel
from servqual.models.results import Estimate, Interval
from servqual.responses import Responses
from servqual.stats.feldt import alpha_asymptotic_se, feldt_interval
from servqual.stats.quantiles import check_level

__all__ = ["ItemTotal", "cronbach_alpha", "item_total_correlations"]

FloatArray = npt.NDArray[np.float64]


class ItemTotal(FrozenModel):
    """Item statistics of a scale.

    Parameters
    ----------
    id : str
        Item id (``"V1"``, ``"V2"``, … for a plain array, as R names data-frame columns).
    corrected_r : float
        Correlation of the item with the sum of the other items (psych ``r.drop``).
    alpha_if_dropped : float
        Cronbach's alpha of the other items (NaN with only two items).
    n : int
        Complete rows used.

    Examples
    --------
    Six respondents answered three courtesy items on 1–5:

    >>> import servqual as sq
    >>> rows = [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3], [3, 4, 4]]
    >>> t = sq.item_total_correlations(rows)[2]
    >>> t.id, round(t.corrected_r, 2), round(t.alpha_if_dropped, 3), t.n
    ('V3', 0.72, 0.914, 6)
    """

    id: str
    corrected_r: float
    alpha_if_dropped: float
    n: int = Field(ge=0)


def _matrix(data: Responses | npt.ArrayLike) -> tuple[FloatArray, tuple[str, ...]]:
    """Complete rows (listwise) as float64, and the item ids."""
    if isinstance(data, Responses):
        values, ids = data.values(), data.instrument.item_ids
    else:
        raw = np.asarray(data, dtype=object)
        if raw.ndim != 2:
            raise ServqualTypeError(
                f"data must be a Responses or a 2-D array (respondents × items), got shape "
                f"{raw.shape}"
            )
        blank = np.vectorize(lambda v: v is None, otypes=[bool])(raw)
        try:
            values = np.where(blank, np.nan, raw).astype(np.float64)
        except (TypeError, ValueError):
            raise ServqualTypeError("data must hold numbers (None or NaN for missing)") from None
        ids = tuple(f"V{j + 1}" for j in range(values.shape[1]))
    if values.shape[1] < 2:
        raise InsufficientDataError(f"reliability needs at least 2 items, got {values.shape[1]}")
    complete = values[~np.isnan(values).any(axis=1)]
    if complete.shape[0] < 2:
        raise InsufficientDataError(
            f"reliability needs at least 2 rows without missing answers, got {complete.shape[0]}"
        )
    return complete, ids


def _alpha(x: FloatArray) -> float:
    cov = np.cov(x, rowvar=False, ddof=1)
    total = float(cov.sum())
    if not total > 0:
        raise InsufficientDataError(
            "the total score has zero variance (every respondent has the same total): "
            "alpha is undefined"
        )
    k = x.shape[1]
    return float(k / (k - 1) * (1.0 - float(np.trace(cov)) / total))


def cronbach_alpha(data: Responses | npt.ArrayLike, *, level: float = 0.95) -> Estimate:
    r"""Cronbach's alpha with Feldt's confidence interval.

    Parameters
    ----------
    data : Responses or 2-D array-like
        Answers (respondents × items); ``None``/NaN = missing (such rows are dropped).
    level : float
        Confidence level of the Feldt interval.

    Returns
    -------
    Estimate
        ``value`` = alpha, ``se`` = its asymptotic standard error (psych's ``ase``),
        ``ci`` = Feldt interval (method ``"feldt"``), ``n`` = complete rows and ``df`` =
        ``(n − 1)(k − 1)``, the denominator degrees of freedom of Feldt's F (with ``n``
        this lets :meth:`~servqual.Estimate.at_level` recompute the interval).

    Raises
    ------
    servqual.errors.InsufficientDataError
        Fewer than 2 items or 2 complete rows, or a total score without variance.
    servqual.errors.ServqualTypeError
        ``data`` is neither a Responses nor a 2-D array of numbers.

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
    """
    level = check_level(level)
    x, _ = _matrix(data)
    n, k = x.shape
    alpha = _alpha(x)
    low, high = feldt_interval(alpha, n, k, level)
    se = alpha_asymptotic_se(np.cov(x, rowvar=False, ddof=1), n)
    return Estimate(
        value=alpha,
        se=se,
        ci=Interval(low=low, high=high, level=level, method="feldt"),
        n=n,
        df=float((n - 1) * (k - 1)),
    )


def item_total_correlations(data: Responses | npt.ArrayLike) -> tuple[ItemTotal, ...]:
    """Corrected item–total correlation and alpha-if-dropped of each item, in item order.

    Parameters
    ----------
    data : Responses or 2-D array-like
        Answers (respondents × items); rows with a missing answer are dropped.

    Returns
    -------
    tuple of ItemTotal
        One per item, in item order.

    Raises
    ------
    servqual.errors.InsufficientDataError
        Fewer than 2 items or 2 complete rows.

    Notes
    -----
    ``corrected_r_j = corr(x_j, Σ_{l≠j} x_l)`` (Pearson); a negative value flags an item
    that is probably worded the other way round and should be reverse-scored.
    An item (or rest score) without variance gets NaN.

    Examples
    --------
    >>> import servqual as sq
    >>> rows = [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3], [3, 4, 4]]
    >>> [(t.id, round(t.corrected_r, 2)) for t in sq.item_total_correlations(rows)]
    [('V1', 0.87), ('V2', 0.81), ('V3', 0.72)]
    """
    x, ids = _matrix(data)
    n, k = x.shape
    total = x.sum(axis=1)
    out = []
    for j, item_id in enumerate(ids):
        rest = total - x[:, j]
        if np.ptp(rest) == 0 or np.ptp(x[:, j]) == 0:
            r = float("nan")
        else:
            r = float(np.corrcoef(x[:, j], rest)[0, 1])
        others = np.delete(x, j, axis=1)
        if k > 2:
            try:
                dropped = _alpha(others)
            except InsufficientDataError:
                dropped = float("nan")
        else:
            dropped = float("nan")
        out.append(ItemTotal(id=item_id, corrected_r=r, alpha_if_dropped=dropped, n=n))
    return tuple(out)
