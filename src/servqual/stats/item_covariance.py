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

_BLOCK = 1 << 13
"""Rows per block: 8192 × k float64 temporaries stay in cache for k up to ~30."""


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

    One pass over blocks of rows; a block without a missing answer takes the dense path
    (one matrix product), a block with some takes the masked one.

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
    k = x.shape[1]
    shift = _centre(x, missing)
    acc = _Sums(k)
    with np.errstate(invalid="ignore", over="ignore"):  # an infinite answer: caller reports
        for start in range(0, x.shape[0], _BLOCK):  # blocks of rows, not a loop over rows
            block = x[start : start + _BLOCK] - shift
            present = ~np.isnan(block)
            if present.all():
                acc.dense(block)
            elif missing == "listwise":
                acc.dense(block[present.all(axis=1)])
            else:
                acc.masked(block, present)
    return acc.finish(missing)


class _Sums:
    """Running sums of one pass: counts, sums, cross products (see the module docstring)."""

    def __init__(self, k: int) -> None:
        self.rows = 0
        self.pairs = np.zeros((k, k))
        self.sums = np.zeros((k, k))  # sums[a, b] = Σ x_a over rows that answered a and b
        self.cross = np.zeros((k, k))
        self.squares = np.zeros((k, k))  # squares[a, b] = Σ x_a² over rows answering a, b

    def dense(self, block: FloatArray) -> None:
        self.rows += block.shape[0]
        self.pairs += block.shape[0]
        self.sums += block.sum(axis=0)[:, None]
        self.squares += np.einsum("ij,ij->j", block, block)[:, None]
        self.cross += block.T @ block

    def masked(self, block: FloatArray, present: npt.NDArray[np.bool_]) -> None:
        # Sums over "rows that answered a and b" = sums over all rows (0 for a missing
        # answer) minus what the rows missing b contribute; only rows with a gap take part
        # in the correction products, so a few missing answers cost little.
        rows = block.shape[0]
        self.rows += rows
        values = np.where(present, block, 0.0)
        self.cross += values.T @ values
        gaps = ~present.all(axis=1)
        v = values[gaps]
        lost = (~present[gaps]).astype(np.float64)  # 1 where b is missing
        missing_per_item = lost.sum(axis=0)
        self.pairs += rows - missing_per_item[:, None] - missing_per_item[None, :] + lost.T @ lost
        self.sums += values.sum(axis=0)[:, None] - v.T @ lost
        self.squares += np.einsum("ij,ij->j", values, values)[:, None] - np.square(v).T @ lost

    def finish(self, missing: MissingRule) -> ItemMoments:
        p = self.pairs
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = (self.cross - self.sums * self.sums.T / p) / (p - 1.0)
            var_in_pair = (self.squares - self.sums * self.sums / p) / (p - 1.0)
            corr = cov / np.sqrt(var_in_pair * var_in_pair.T)
        cov[p < 2] = np.nan
        corr[p < 2] = np.nan
        rows = int(p[0, 0]) if missing == "listwise" else self.rows
        return ItemMoments(cov, p, np.diagonal(p).copy(), rows, corr)


def _centre(x: FloatArray, missing: MissingRule) -> FloatArray:
    """A rough centre of each column (mean of the first answered rows) for the shift."""
    head = x[: min(x.shape[0], 4096)]
    if missing == "listwise":  # the same centre whatever incomplete rows are added
        head = head[~np.isnan(head).any(axis=1)]
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(head)).sum(axis=0)
        centre = np.where(counts > 0, np.nansum(head, axis=0) / np.maximum(counts, 1), 0.0)
    return np.asarray(np.where(np.isfinite(centre), centre, 0.0), dtype=np.float64)
