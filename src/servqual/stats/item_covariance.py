r"""Item covariance matrices for reliability, in one blocked pass over the answers.

Two missing-data rules, as R's ``cov(x, use=...)`` has them:

- ``"listwise"`` (R ``"complete.obs"``): only rows that answered every item;
- ``"pairwise"`` (R ``"pairwise.complete.obs"``, psych's default): the covariance of items
  ``a`` and ``b`` uses every row that answered both, with the means of those rows:

.. math::

    C_{ab} = \frac{\sum_{i \in P_{ab}} x_{ia} x_{ib}
                   - \frac{1}{N_{ab}} \sum_{i \in P_{ab}} x_{ia} \sum_{i \in P_{ab}} x_{ib}}
                  {N_{ab} - 1}.

Every sum is a matrix product over a block of rows (BLAS), so there is no Python loop over
respondents and the working memory is a block, not a copy of the data. The columns are
shifted by a rough centre first so the products do not lose digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

__all__ = ["ItemMoments", "MissingRule", "item_moments"]

FloatArray = npt.NDArray[np.float64]
MissingRule = Literal["listwise", "pairwise"]

_BLOCK = 1 << 15
"""Rows per block: 32768 × k float64 keeps the temporaries small for any k."""


@dataclass(frozen=True)
class ItemMoments:
    """Covariance matrix of the items and how many rows each entry used.

    Attributes
    ----------
    cov : (k, k) float array
        Sample covariances (divisor ``N_ab − 1``).
    pairs : (k, k) float array
        ``N_ab``: rows that answered both items (the complete rows, listwise).
    answered : (k,) float array
        Rows that answered each item (listwise: the complete rows).
    n_rows : int
        Rows offered (listwise: the complete rows).
    corr : (k, k) float array
        Correlations, each from the rows of its pair with those rows' standard deviations
        (R ``cor(x, use = "pairwise")``; listwise the usual correlation matrix).
    """

    cov: FloatArray
    pairs: FloatArray
    answered: FloatArray
    n_rows: int
    corr: FloatArray


def item_moments(x: FloatArray, missing: MissingRule) -> ItemMoments:
    """Covariances of the columns of ``x`` (NaN = missing) under a missing-data rule.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [2.0, np.nan], [3.0, 5.0], [4.0, 4.0]])
    >>> m = item_moments(x, "pairwise")
    >>> m.pairs.tolist(), round(float(m.cov[0, 0]), 4)  # R: var(x[, 1])
    ([[4.0, 3.0], [3.0, 3.0]], 1.6667)
    >>> round(float(item_moments(x, "listwise").cov[0, 0]), 4)  # complete rows 1, 3, 4
    2.3333
    """
    missing_any = bool(np.isnan(x).any())
    if missing == "listwise" and missing_any:
        x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    shift = _centre(x)
    if missing == "listwise" or not missing_any:
        cross = np.zeros((k, k))
        sums = np.zeros(k)
        for start in range(0, n, _BLOCK):  # blocks of rows, not a loop over rows
            block = x[start : start + _BLOCK] - shift
            cross += block.T @ block
            sums += block.sum(axis=0)
        cov = (cross - np.outer(sums, sums) / n) / (n - 1) if n > 1 else np.full((k, k), np.nan)
        full = np.full((k, k), float(n))
        sd = np.sqrt(np.diagonal(cov))
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = cov / np.outer(sd, sd)
        return ItemMoments(cov, full, np.full(k, float(n)), n, corr)
    return _pairwise(x, shift)


def _pairwise(x: FloatArray, shift: FloatArray) -> ItemMoments:
    n, k = x.shape
    pairs = np.zeros((k, k))
    sums = np.zeros((k, k))  # sums[a, b] = Σ x_a over rows that answered a and b
    cross = np.zeros((k, k))
    squares = np.zeros((k, k))  # squares[a, b] = Σ x_a² over rows that answered a and b
    for start in range(0, n, _BLOCK):
        block = x[start : start + _BLOCK] - shift
        present = ~np.isnan(block)
        mask = present.astype(np.float64)
        values = np.where(present, block, 0.0)
        pairs += mask.T @ mask
        sums += values.T @ mask
        cross += values.T @ values
        squares += (values * values).T @ mask
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (cross - sums * sums.T / pairs) / (pairs - 1.0)
        var_in_pair = (squares - sums * sums / pairs) / (pairs - 1.0)  # var of a, rows of (a, b)
        corr = cov / np.sqrt(var_in_pair * var_in_pair.T)
    cov[pairs < 2] = np.nan
    corr[pairs < 2] = np.nan
    return ItemMoments(cov, pairs, np.diagonal(pairs).copy(), n, corr)


def _centre(x: FloatArray) -> FloatArray:
    """A rough centre of each column (mean of the first answered rows) for the shift."""
    head = x[: min(x.shape[0], 4096)]
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(head)).sum(axis=0)
        centre = np.where(counts > 0, np.nansum(head, axis=0) / np.maximum(counts, 1), 0.0)
    return np.asarray(centre, dtype=np.float64)
