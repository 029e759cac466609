r"""Weighted sample quantiles: the quantile rules of R ``survey``'s ``svyquantile``.

``survey`` 4.1 computes a quantile of weighted data with a *rule* (``qrule=``), applied
both to the estimate and to the bounds of its Woodruff interval. With the values sorted,
``W_k`` the cumulative weight of the first ``k`` and ``W = W_n``:

- ``"math"`` (R's default, Hyndman & Fan type 1): the smallest value whose cumulative
  share ``W_k/W`` reaches ``p``;
- ``"school"`` (type 2): the same, but the midpoint of the two neighbouring values when
  ``W_k/W`` equals ``p`` exactly;
- ``"hf7"``: linear interpolation of the values at the plotting positions
  :math:`(0, W_1, \ldots, W_{n-1}) / W_{n-1}` (R's type-7 generalisation, with R's
  denominator :math:`W_{n-1}`);
- ``"shahvaish"`` (Shah & Vaish 2006): with normalised weights
  :math:`\bar w_k = w_k / \operatorname{mean}(w)` and :math:`S_k = \sum_{j \le k} \bar w_j`,
  the value at the last plotting position
  :math:`p_k = (S_k + 1/2 - \bar w_k / 2)/(n + 1)` not above ``p``. survey 4.1.1 writes
  :math:`w_k/2` instead of :math:`\bar w_k/2` (so its positions depend on the scale of
  the weights and can give an interval that excludes its own estimate); servqual uses the
  published rule.

Rows of zero weight are dropped first, as R does. Cumulative sums are accumulated in
extended precision, as R's ``cumsum`` and ``sum`` are, so that ties of ``W_k/W`` with
``p`` are decided as in R.

R quirk kept for parity: with ``math``/``school``, a ``p`` below the first cumulative
share ``W_1/W`` gives the *second* smallest value (R's ``qs`` falls back to position 1 and
then takes the next value).

References
----------
Hyndman, R. J. and Fan, Y. (1996). Sample quantiles in statistical packages. *The
American Statistician* 50, 361–365.

Shah, B. V. and Vaish, A. K. (2006). Confidence intervals for quantile estimation from
complex survey data. *Proceedings of the Section on Survey Research Methods*, ASA.
"""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from servqual.errors import InsufficientDataError, ParameterError

__all__ = ["QUANTILE_RULES", "QuantileRule", "SortedSample", "weighted_quantile"]

FloatArray = npt.NDArray[np.float64]
QuantileRule = Literal["math", "school", "hf7", "shahvaish"]
QUANTILE_RULES: tuple[str, ...] = get_args(QuantileRule)


def _cumulative(w: FloatArray) -> FloatArray:
    """Cumulative sums accumulated in extended precision, rounded to float64 (R's cumsum)."""
    return np.cumsum(w.astype(np.longdouble)).astype(np.float64)


def weighted_quantile(
    x: npt.ArrayLike, w: npt.ArrayLike, p: npt.ArrayLike, rule: str = "math"
) -> FloatArray:
    """Weighted quantiles of ``x`` at probabilities ``p`` with one of R's quantile rules.

    Parameters
    ----------
    x : (n,) array-like
        Values (finite).
    w : (n,) array-like
        Non-negative weights; rows of zero weight are ignored.
    p : float or array-like
        Probabilities; values outside [0, 1] are clamped by the interpolating rules and
        follow R's position search for the others.
    rule : {"math", "school", "hf7", "shahvaish"}
        See the module notes.

    Returns
    -------
    (m,) float array
        One quantile per probability.

    Raises
    ------
    servqual.errors.ParameterError
        If ``rule`` is not one of the rules.
    servqual.errors.InsufficientDataError
        If no row has a positive weight (or fewer than two for ``hf7``).

    Examples
    --------
    Completion times (days) of eight applications with their weights:

    >>> days = [3, 5, 2, 8, 4, 6, 5, 7]
    >>> wts = [1.0, 2.0, 1.0, 1.0, 2.0, 1.0, 1.0, 1.0]
    >>> weighted_quantile(days, wts, [0.25, 0.5, 0.75]).tolist()
    [4.0, 5.0, 6.0]
    >>> weighted_quantile(days, wts, 0.5, rule="school").tolist()  # R: qrule="school"
    [5.0]
    """
    return SortedSample(x, w).quantile(p, rule)


class SortedSample:
    """Values sorted once (with their weights and cumulative weights) for several quantiles.

    ``SortedSample(x, w).quantile(p, rule)`` is :func:`weighted_quantile`; the Woodruff
    interval asks for three quantiles of the same data and sorts it only once.
    """

    def __init__(self, x: npt.ArrayLike, w: npt.ArrayLike) -> None:
        xs = np.asarray(x, dtype=np.float64).reshape(-1)
        ws = np.asarray(w, dtype=np.float64).reshape(-1)
        keep = ws != 0
        if not keep.all():
            xs, ws = xs[keep], ws[keep]
        order = np.argsort(xs, kind="stable")
        self.x, self.w = xs[order], ws[order]
        self._cum: FloatArray | None = None

    @property
    def cumulative(self) -> FloatArray:
        """Cumulative weights in extended precision (R's ``cumsum``), computed once."""
        if self._cum is None:
            self._cum = _cumulative(self.w)
        return self._cum

    def quantile(self, p: npt.ArrayLike, rule: str = "math") -> FloatArray:
        """Quantiles at ``p`` with ``rule`` (see :func:`weighted_quantile`)."""
        if rule not in QUANTILE_RULES:
            raise ParameterError(f"rule must be one of {list(QUANTILE_RULES)}, got {rule!r}")
        xs, ws = self.x, self.w
        n = xs.shape[0]
        if n == 0 or (rule == "hf7" and n < 2):
            raise InsufficientDataError(
                f"rule {rule!r} needs {'two rows' if rule == 'hf7' else 'a row'} with a "
                f"positive weight; the data has {n}"
            )
        probs = np.atleast_1d(np.asarray(p, dtype=np.float64))
        if rule in ("math", "school"):
            return _step_rule(xs, self.cumulative, probs, midpoint=rule == "school")
        if rule == "hf7":
            cum = self.cumulative
            pk = np.concatenate(([0.0], cum[:-1])) / cum[n - 2]
            return np.asarray(np.interp(probs, pk, xs), dtype=np.float64)
        wbar = ws / float(np.mean(ws.astype(np.longdouble)))
        pk = (_cumulative(wbar) + 0.5 - wbar / 2.0) / (n + 1)
        pos = np.clip(np.searchsorted(pk, probs, side="right") - 1, 0, n - 1)
        return xs[pos]


def _step_rule(xs: FloatArray, cum: FloatArray, probs: FloatArray, *, midpoint: bool) -> FloatArray:
    """R's ``qs``: the last position with ``W_k <= p W``, then ``math`` or ``school``."""
    total = cum[-1]
    n = xs.shape[0]
    # last k (0-based) with cum[k] <= p * total; R's `last` returns 1 when there is none
    pos = np.searchsorted(cum, probs * total, side="right") - 1
    pos = np.maximum(pos, 0)
    nxt = np.minimum(pos + 1, n - 1)
    exact = probs - cum[pos] / total == 0.0
    low = (xs[pos] + xs[nxt]) / 2.0 if midpoint else xs[pos]
    return np.asarray(np.where(exact, low, xs[nxt]), dtype=np.float64)
