r"""Item statistics of a scale: the validity table an SKM study prints.

For each item ``j``: the corrected item–total correlation ``r_j`` (the item against the
sum of the *other* items, psych's ``r.drop``, computed from the item covariance matrix so
that listwise and pairwise deletion share one formula), its two-sided p-value from
``t = r √(n − 2) / √(1 − r²)`` on ``n − 2`` degrees of freedom, Fisher's z interval
``tanh(atanh r ± z_{1−a/2} / √(n − 3))``, the critical value of ``r`` for the sample
(the "r table": ``r* = t_{1−a/2} / √(n − 2 + t²_{1−a/2})``), ``valid = r > r*``, and
alpha if the item is dropped. ``n`` is the number of rows that answered the item
(listwise: the complete rows).
"""

from __future__ import annotations

import math

import numpy.typing as npt
from pydantic import Field
from scipy import special

from servqual.models._base import FrozenModel
from servqual.models.results import Interval
from servqual.reliability._input import check_missing, matrix, moments
from servqual.responses import Responses
from servqual.stats.alpha import alpha_if_dropped, correlation, r_drop
from servqual.stats.item_covariance import ItemMoments, MissingRule
from servqual.stats.quantiles import check_level

__all__ = ["ItemTotal", "item_rows", "item_total_correlations"]


class ItemTotal(FrozenModel):
    """Item statistics of a scale (one row of the validity table).

    Parameters
    ----------
    id : str
        Item id (``"V1"``, ``"V2"``, … for a plain array, as R names data-frame columns).
    corrected_r : float
        Correlation of the item with the sum of the other items (psych ``r.drop``).
    alpha_if_dropped : float
        Cronbach's alpha of the other items (NaN with only two items).
    std_alpha_if_dropped : float
        Standardized alpha of the other items (NaN with only two items).
    n : int
        Rows that answered the item (listwise: complete rows).
    p_value : float
        Two-sided p-value of "no correlation" (t on ``n − 2`` degrees of freedom).
    ci : Interval
        Fisher z interval of ``corrected_r`` (method ``"fisher_z"``).
    critical_r : float
        The smallest ``r`` significant at ``1 − level`` (two-sided) with ``n`` rows.
    valid : bool
        ``corrected_r > critical_r``.

    Examples
    --------
    Six respondents answered three courtesy items on 1–5:

    >>> import servqual as sq
    >>> rows = [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3], [3, 4, 4]]
    >>> t = sq.item_total_correlations(rows)[2]
    >>> t.id, round(t.corrected_r, 2), round(t.alpha_if_dropped, 3), t.n
    ('V3', 0.72, 0.914, 6)
    >>> round(t.critical_r, 3), t.valid  # r table, n = 6, 5% two-sided
    (0.811, False)
    """

    id: str
    corrected_r: float
    alpha_if_dropped: float
    std_alpha_if_dropped: float = math.nan
    n: int = Field(ge=0)
    p_value: float = math.nan
    ci: Interval | None = None
    critical_r: float = math.nan
    valid: bool = False


def item_total_correlations(
    data: Responses | npt.ArrayLike,
    *,
    level: float = 0.95,
    missing: MissingRule = "listwise",
) -> tuple[ItemTotal, ...]:
    """Corrected item–total correlation, its test and interval, and alpha-if-dropped.

    Parameters
    ----------
    data : Responses or 2-D array-like
        Answers (respondents × items); ``None``/NaN = missing. Reverse-scored items of a
        Responses are flipped first.
    level : float
        Confidence level of the intervals; ``1 − level`` is the significance level of
        the critical r.
    missing : {"listwise", "pairwise"}
        As in :func:`servqual.cronbach_alpha`.

    Returns
    -------
    tuple of ItemTotal
        One per item, in item order.

    Raises
    ------
    servqual.errors.InsufficientDataError
        Fewer than 2 items or 2 usable rows, or a total score without variance.
    servqual.errors.ZeroVarianceError
        An item without variance (named, with its value), as in every reliability
        function: its correlation would be 0/0.

    Notes
    -----
    A negative ``corrected_r`` flags an item that is probably worded the other way round
    and should be reverse-scored (``Item.reverse``). ``valid`` is the usual reading of
    the Indonesian validity table (*r hitung > r tabel*); it says the item moves with the
    rest of the scale in this sample, not that it measures what it should.

    Examples
    --------
    >>> import servqual as sq
    >>> rows = [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3], [3, 4, 4]]
    >>> [(t.id, round(t.corrected_r, 2), round(t.p_value, 3))
    ...  for t in sq.item_total_correlations(rows)]
    [('V1', 0.87, 0.024), ('V2', 0.81, 0.053), ('V3', 0.72, 0.103)]
    """
    level = check_level(level)
    rule = check_missing(missing)
    x, ids = matrix(data)
    return item_rows(moments(x, ids, rule), ids, level)


def item_rows(m: ItemMoments, ids: tuple[str, ...], level: float) -> tuple[ItemTotal, ...]:
    """One :class:`ItemTotal` per item from checked item moments (see item_total_correlations)."""
    r = r_drop(m.cov)
    dropped = alpha_if_dropped(m.cov)
    std_dropped = alpha_if_dropped(correlation(m.cov))
    out = []
    for j, item_id in enumerate(ids):  # k items: a short loop building the result models
        n = int(m.answered[j])
        p, ci, critical = _test(float(r[j]), n, level)
        out.append(
            ItemTotal(
                id=item_id,
                corrected_r=float(r[j]),
                alpha_if_dropped=float(dropped[j]),
                std_alpha_if_dropped=float(std_dropped[j]),
                n=n,
                p_value=p,
                ci=ci,
                critical_r=critical,
                valid=bool(r[j] > critical),
            )
        )
    return tuple(out)


def _test(r: float, n: int, level: float) -> tuple[float, Interval, float]:
    """Two-sided p-value, Fisher z interval and critical r for a correlation from n rows."""
    df = n - 2
    a = 1.0 - level
    if df < 1:
        nan = Interval(low=-1.0, high=1.0, level=level, method="fisher_z")
        return math.nan, nan, math.nan
    t_crit = float(special.stdtrit(df, 1.0 - a / 2.0))
    critical = t_crit / math.sqrt(df + t_crit**2)
    if abs(r) >= 1.0:
        p = 0.0
    else:
        t = r * math.sqrt(df / (1.0 - r * r))
        p = float(2.0 * special.stdtr(df, -abs(t)))
    if n <= 3:
        return p, Interval(low=-1.0, high=1.0, level=level, method="fisher_z"), critical
    half = float(special.ndtri(1.0 - a / 2.0)) / math.sqrt(n - 3)
    z = math.atanh(max(min(r, 1.0 - 1e-16), -1.0 + 1e-16))
    ci = Interval(low=math.tanh(z - half), high=math.tanh(z + half), level=level, method="fisher_z")
    return p, ci, critical
