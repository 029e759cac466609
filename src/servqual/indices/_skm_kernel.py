"""Row passes of the SKM index over compact answer codes (pure numpy).

The answers stay ``int8`` codes (``-1`` = missing). Each pass walks the rows in blocks of
``_BLOCK`` rows, converting one block at a time to float64, so no (n × k) float copy of
the whole matrix is ever made and the working set stays in cache. Every domain of a
``by=`` column is handled in the same pass (each row belongs to exactly one domain), and
the work per block is a matrix product (BLAS); there is no Python loop over respondents.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["element_sums", "influence"]

FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int8]
GroupArray = npt.NDArray[np.intp]

_BLOCK = 8192
"""Rows per block: 8192 × k float64 stays within a core's cache for k up to ~30."""


def element_sums(
    codes: CodeArray, weights: FloatArray, groups: GroupArray | None, n_groups: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-domain, per-element sums over the respondents who answered.

    Parameters
    ----------
    codes : (n, k) int8 array
        Answer codes, ``-1`` for missing.
    weights : (n,) float array
        Sampling weights.
    groups : (n,) int array or None
        Domain index of each row, in ``0 … n_groups − 1``; ``None``: one domain, all rows.
    n_groups : int
        Number of domains ``G`` (1 when ``groups`` is None).

    Returns
    -------
    code_totals : (G, k) float array
        ``Σ_i w_i δ_ig a_ij c_ij`` (``a`` = answered, ``c`` = code).
    answered_totals : (G, k) float array
        ``Σ_i w_i δ_ig a_ij``.
    answered_counts : (G, k) float array
        ``Σ_i δ_ig a_ij``: how many respondents of the domain answered (exact integers).
    """
    if groups is not None:
        return _element_sums_by_group(codes, weights, groups, n_groups)
    n, k = codes.shape
    code_tot = np.zeros((2 * n_groups, k))
    answered_tot = np.zeros((2 * n_groups, k))
    # Left factor of the block products: row 0 holds w, row 1 holds 1 (one domain).
    lhs = np.zeros((2 * n_groups, min(n, _BLOCK)))
    lhs[1] = 1.0
    x = np.empty((min(n, _BLOCK), k))
    answered = np.empty_like(x)
    for start in range(0, n, _BLOCK):  # loop over blocks of rows, not over rows
        stop = min(start + _BLOCK, n)
        rows = stop - start
        block = codes[start:stop]
        lhs[0, :rows] = weights[start:stop]
        np.maximum(block, 0, out=x[:rows])  # a missing answer (-1) contributes 0
        np.greater_equal(block, 0, out=answered[:rows])
        code_tot += lhs[:, :rows] @ x[:rows]
        answered_tot += lhs[:, :rows] @ answered[:rows]
    return code_tot[:n_groups], answered_tot[:n_groups], answered_tot[n_groups:]


def _element_sums_by_group(
    codes: CodeArray, weights: FloatArray, groups: GroupArray, n_groups: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`element_sums` per domain, O(rows + domains).

    Each element's weights are summed per (domain, code) cell by one ``bincount`` (the
    code ``-1``, missing, included); the sums follow from the (elements × domains × codes)
    table. The answered counts are the domain sizes minus the missing answers, which are
    counted from their positions alone (one ``bincount`` over the missing entries).
    """
    n, k = codes.shape
    levels = int(codes.max()) + 2 if n else 1  # codes -1 … max
    base = groups.astype(np.intp) * levels + 1
    size = n_groups * levels
    table = np.empty((k, n_groups, levels))
    for j in range(k):  # loop over elements (few), never over rows
        table[j] = np.bincount(base + codes[:, j], weights=weights, minlength=size).reshape(
            n_groups, levels
        )
    answered = table[:, :, 1:]
    value = np.arange(levels - 1, dtype=np.float64)  # the code of each answered column
    code_tot = np.ascontiguousarray((answered @ value).T)
    answered_tot = np.ascontiguousarray(answered.sum(axis=2).T)
    missing = np.flatnonzero(codes.reshape(-1) < 0)  # positions row * k + element
    cell = groups[missing // k].astype(np.intp) * k + missing % k
    skipped = np.bincount(cell, minlength=n_groups * k).reshape(n_groups, k)
    sizes = np.bincount(groups, minlength=n_groups)
    counts = (sizes[:, None] - skipped).astype(np.float64)
    return code_tot, answered_tot, counts


def influence(
    codes: CodeArray, mean_codes: FloatArray, coef: FloatArray, groups: GroupArray | None
) -> FloatArray:
    """Linearized values ``z_i = Σ_j coef_gj a_ij (c_ij − m_gj)`` with ``g`` the row's domain.

    Parameters
    ----------
    codes : (n, k) int8 array
        Answer codes, ``-1`` for missing.
    mean_codes : (G, k) float array
        Weighted mean code ``m_gj`` of each element among the domain's respondents who
        answered it.
    coef : (G, k) float array
        Gradient coefficient of each element in each domain.
    groups : (n,) int array or None
        Domain index of each row; ``None``: one domain (``G = 1``), all rows.

    Returns
    -------
    (n,) float array
        ``z`` of each row for its own domain (0 for the other domains is implied). A
        missing answer contributes exactly 0: its centred code is set to 0 before the
        product, so constant answers give exactly ``z = 0``.
    """
    n, k = codes.shape
    z = np.empty(n, dtype=np.float64)
    centred = np.empty((min(n, _BLOCK), k))
    for start in range(0, n, _BLOCK):  # loop over blocks of rows, not over rows
        stop = min(start + _BLOCK, n)
        block = codes[start:stop]
        c = centred[: stop - start]
        if groups is None:
            np.subtract(block, mean_codes[0], out=c)
            np.copyto(c, 0.0, where=block < 0)
            np.matmul(c, coef[0], out=z[start:stop])
        else:
            g = groups[start:stop]
            np.subtract(block, mean_codes[g], out=c)
            np.copyto(c, 0.0, where=block < 0)
            # each row with its own domain's coefficients: O(rows × elements), any domains
            z[start:stop] = np.einsum("ij,ij->i", c, coef[g])
    return z
