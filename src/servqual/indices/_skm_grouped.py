"""Row passes of the SKM index with ``by=``: per (domain, element, code) tables (private).

Each row belongs to one domain ``g``. With ``L`` levels (the code ``-1``, missing, then
``0 … max``), a row's answer to element ``j`` falls in the cell ``g·L + 1 + c_ij`` of that
element's (domain × level) table. The cell number of the row's domain, ``g·L + 1``, is
computed once (:class:`GroupedCodes`); each element then costs one integer add and one
``bincount`` (the sums) or one table lookup (the influence values). Memory is the
domains × levels tables, never rows × domains, and there is no Python loop over rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["GroupedCodes", "grouped_influence", "grouped_sums"]

FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int8]
GroupArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class GroupedCodes:
    """Answer codes with each row's domain, and each row's first cell in the tables."""

    codes: CodeArray  # (n, k), -1 = missing
    groups: GroupArray  # (n,), domain of each row in 0 … n_groups − 1
    n_groups: int
    levels: int  # L: the missing code plus the codes 0 … max
    base: GroupArray  # (n,), g·L + 1: the cell of code 0 of the row's domain

    @classmethod
    def of(cls, codes: CodeArray, groups: GroupArray, n_groups: int) -> GroupedCodes:
        """The cells of ``codes`` per domain (``groups``: the domain of each row)."""
        levels = max(int(codes.max()), -1) + 2 if codes.size else 1
        base = groups.astype(np.intp) * levels + 1
        return cls(codes, groups, n_groups, levels, base)

    def cells(self, j: int, out: GroupArray | None = None) -> GroupArray:
        """The table cell of every row's answer to element ``j`` (into ``out`` if given)."""
        return np.add(self.base, self.codes[:, j], out=out)


def grouped_sums(
    grouped: GroupedCodes, weights: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-domain, per-element sums over those who answered (``element_sums`` with groups).

    Returns ``Σ_i w_i δ_ig a_ij c_ij``, ``Σ_i w_i δ_ig a_ij`` and ``Σ_i δ_ig a_ij``, each
    (domains × elements). With equal weights one unweighted ``bincount`` per element
    gives all three (the weight times exact integer counts); otherwise a weighted one
    per element gives the first two and the counts come from the missing answers alone.
    """
    codes, n_groups, levels = grouped.codes, grouped.n_groups, grouped.levels
    n, k = codes.shape
    size = n_groups * levels
    equal = bool(n) and weights[0] == weights.min() == weights.max()
    table = np.empty((k, n_groups, levels))
    cells = np.empty(n, dtype=np.intp)  # reused: no fresh pages per element
    for j in range(k):  # loop over elements (few), never over rows
        grouped.cells(j, out=cells)
        sums = np.bincount(cells, minlength=size) if equal else None
        if sums is None:
            sums = np.bincount(cells, weights=weights, minlength=size)
        table[j] = sums.reshape(n_groups, levels)
    answered = table[:, :, 1:]  # (k, G, L − 1): the codes 0 … max
    value = np.arange(levels - 1, dtype=np.float64)
    code_tot = np.ascontiguousarray((answered @ value).T)
    answered_tot = np.ascontiguousarray(answered.sum(axis=2).T)
    if equal:
        w = float(weights[0])
        return w * code_tot, w * answered_tot, answered_tot
    return code_tot, answered_tot, _answered_counts(grouped)


def _answered_counts(grouped: GroupedCodes) -> FloatArray:
    """Respondents of each domain who answered each element: size minus the missing."""
    codes, groups, n_groups = grouped.codes, grouped.groups, grouped.n_groups
    k = codes.shape[1]
    missing = np.flatnonzero(codes.reshape(-1) < 0)  # positions row · k + element
    cell = groups[missing // k].astype(np.intp) * k + missing % k
    skipped = np.bincount(cell, minlength=n_groups * k).reshape(n_groups, k)
    sizes = np.bincount(groups, minlength=n_groups)
    return (sizes[:, None] - skipped).astype(np.float64)


def grouped_influence(
    grouped: GroupedCodes, mean_codes: FloatArray, coef: FloatArray
) -> FloatArray:
    """``z_i = Σ_j coef_gj a_ij (c_ij − m_gj)``, ``g`` the row's domain, by table lookups.

    Per element, the term of every (domain, code) pair is computed once into a
    (domain × level) table (0 for a missing answer) and each row picks its cell; the
    terms are the same products as a row-by-row computation, added in element order.
    """
    codes, levels = grouped.codes, grouped.levels
    n, k = codes.shape
    z = np.zeros(n)
    cells = np.empty(n, dtype=np.intp)  # reused buffers: no fresh pages per element
    picked = np.empty(n)
    code_values = np.arange(-1, levels - 1, dtype=np.float64)
    for j in range(k):  # loop over elements (few), never over rows
        terms = coef[:, j, None] * (code_values - mean_codes[:, j, None])  # (G, L)
        terms[:, 0] = 0.0  # a missing answer contributes exactly 0
        # every cell is in range; "clip" only lets take write into ``out`` unbuffered
        np.take(terms.ravel(), grouped.cells(j, out=cells), out=picked, mode="clip")
        z += picked
    return z
