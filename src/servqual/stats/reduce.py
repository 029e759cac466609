"""The reduce step: rows → small, mergeable per-stratum sums.

Every design-based estimate in servqual is a smooth function of weighted population totals
``T_k = Σ_i w_i u_ik``. Its linearization variance needs only, per stratum, the number of
first-stage units (PSUs), the sum of their totals and the cross-products of their totals.
:func:`reduce` computes those in one vectorized pass; :func:`merge` combines the summaries of
two chunks of rows so that the result equals the summary of all rows at once.

Unclustered designs (every row is its own PSU) keep only per-stratum moments. Clustered
designs keep per-PSU totals keyed by PSU label, because one cluster's rows may be split over
chunks; they are folded to moments in :func:`finalize` (still small: one row per PSU).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servqual.stats._threads import single_threaded_blas

__all__ = ["Moments", "Summary", "finalize", "merge", "reduce"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Moments:
    """Per-stratum moments of PSU totals, ready for the variance formula.

    Attributes
    ----------
    n_psu : (H,) int array
        Number of PSUs sampled in each stratum.
    pop : (H,) float array
        Population number of PSUs in each stratum (``inf`` without fpc).
    sums : (H, k) float array
        Sum over PSUs of the PSU totals.
    cross : (H, k, k) float array
        Sum over PSUs of the outer products of PSU totals.
    n_rows : int
        Number of rows reduced.
    strata : tuple
        Stratum labels, in the order of the arrays.
    """

    n_psu: IntArray
    pop: FloatArray
    sums: FloatArray
    cross: FloatArray
    n_rows: int
    strata: tuple[Hashable, ...]

    @property
    def totals(self) -> FloatArray:
        """Estimated population totals ``T_k`` (k,)."""
        return np.asarray(self.sums.sum(axis=0), dtype=np.float64)

    def project(self, gradient: npt.ArrayLike) -> Moments:
        """Moments of the linear combination ``Σ_k g_k u_k`` (the linearized variable)."""
        g = np.asarray(gradient, dtype=np.float64)
        if g.ndim == 1:
            g = g[:, None]
        sums = self.sums @ g
        cross = np.einsum("hij,ia,jb->hab", self.cross, g, g)
        return Moments(self.n_psu, self.pop, sums, cross, self.n_rows, self.strata)


@dataclass(frozen=True)
class Summary:
    """Mergeable result of :func:`reduce` over some rows of a design.

    ``strata`` are the stratum labels (so chunks can be matched); ``pop`` the population PSU
    counts per stratum (``inf`` when unknown). Unclustered: ``n_psu``, ``sums``, ``cross``
    per stratum. Clustered: ``psu_keys`` (labels), ``psu_stratum`` (index into ``strata``)
    and ``psu_totals`` (P, k); the stratum moments are then left empty until finalize.
    """

    strata: tuple[Hashable, ...]
    pop: FloatArray
    n_psu: IntArray
    sums: FloatArray
    cross: FloatArray
    n_rows: int
    psu_keys: tuple[Hashable, ...] | None = None
    psu_stratum: IntArray | None = None
    psu_totals: FloatArray | None = None


def _group_sums(codes: IntArray, n_groups: int, values: FloatArray) -> FloatArray:
    """Column sums of ``values`` per group code, via one sparse-free bincount per column.

    One group (an unstratified design): plain column sums, no bincount.
    """
    if n_groups == 1:
        return np.asarray(values.sum(axis=0, keepdims=True), dtype=np.float64)
    out = np.empty((n_groups, values.shape[1]), dtype=np.float64)
    for j in range(values.shape[1]):  # loop over columns (few), never over rows
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=n_groups)
    return out


@single_threaded_blas()
def _stratum_cross(
    codes: IntArray, n_groups: int, values: FloatArray, diagonal: bool = False
) -> FloatArray:
    """Σ over rows of outer products, per stratum (only the diagonal when ``diagonal``)."""
    k = values.shape[1]
    if diagonal:
        cross = np.zeros((n_groups, k, k), dtype=np.float64)
        idx = np.arange(k)
        if n_groups == 1:  # Σ v² per column in one fused pass, no n × k temporary
            cross[0, idx, idx] = np.einsum("ij,ij->j", values, values)
        else:
            cross[:, idx, idx] = _group_sums(codes, n_groups, values * values)
        return cross
    cross = np.empty((n_groups, k, k), dtype=np.float64)
    if n_groups == 1:
        cross[0] = values.T @ values
        return cross
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_groups + 1))
    sorted_values = values[order]
    for h in range(n_groups):  # loop over strata (few), never over rows
        block = sorted_values[bounds[h] : bounds[h + 1]]
        cross[h] = block.T @ block
    return cross


def reduce(
    values: npt.ArrayLike,
    *,
    weights: FloatArray,
    stratum_codes: IntArray,
    strata: Sequence[Hashable],
    pop: FloatArray,
    psu_codes: IntArray | None = None,
    psu_keys: Sequence[Hashable] | None = None,
    diagonal: bool = False,
    weighted: bool = False,
    stratum_rows: IntArray | None = None,
) -> Summary:
    """Reduce rows to per-stratum (or per-PSU) weighted sums of ``values``.

    Parameters
    ----------
    values : (n,) or (n, k) array
        Per-row variables ``u``; the weighted totals ``Σ w u`` are what is estimated.
    weights : (n,) float array
        Sampling weights.
    stratum_codes : (n,) int array
        Stratum index of each row, into ``strata``.
    strata : sequence
        Stratum labels.
    pop : (H,) float array
        Population PSU count per stratum, ``inf`` when unknown.
    psu_codes, psu_keys : optional
        PSU index of each row and the PSU labels, for clustered designs.
    diagonal : bool
        Compute only the diagonal of the cross-products (variances of each column, no
        covariances): O(n k) instead of O(n k²).
    weighted : bool
        ``values`` are already the weighted ``w u`` (the caller multiplied them, e.g. to
        reuse the product); ``weights`` are then not applied again.
    stratum_rows : (H,) int array, optional
        Rows per stratum, ``bincount(stratum_codes)``, when the caller has it cached
        (unclustered designs); counted here otherwise.
    """
    u = np.asarray(values, dtype=np.float64)
    if u.ndim == 1:
        u = u[:, None]
    wu = u if weighted else u * weights[:, None]
    n_strata = len(strata)
    n_rows = int(u.shape[0])
    if psu_codes is None:
        sums = _group_sums(stratum_codes, n_strata, wu)
        cross = _stratum_cross(stratum_codes, n_strata, wu, diagonal)
        if stratum_rows is not None:
            n_psu = np.asarray(stratum_rows, dtype=np.intp)
        elif n_strata == 1:
            n_psu = np.array([n_rows], dtype=np.intp)
        else:
            n_psu = np.bincount(stratum_codes, minlength=n_strata).astype(np.intp)
        return Summary(tuple(strata), pop, n_psu, sums, cross, n_rows)
    assert psu_keys is not None  # internal invariant, not user input
    n_psus = len(psu_keys)
    totals = _group_sums(psu_codes, n_psus, wu)
    psu_stratum = np.zeros(n_psus, dtype=np.intp)
    psu_stratum[psu_codes] = stratum_codes
    k = u.shape[1]
    return Summary(
        tuple(strata),
        pop,
        np.zeros(n_strata, dtype=np.intp),
        np.zeros((n_strata, k)),
        np.zeros((n_strata, k, k)),
        n_rows,
        psu_keys=tuple(psu_keys),
        psu_stratum=psu_stratum,
        psu_totals=totals,
    )


def _align(a: Summary, b: Summary) -> tuple[tuple[Hashable, ...], IntArray, IntArray, FloatArray]:
    strata = list(a.strata)
    index = {s: i for i, s in enumerate(strata)}
    for s in b.strata:
        if s not in index:
            index[s] = len(strata)
            strata.append(s)
    map_a = np.array([index[s] for s in a.strata], dtype=np.intp)
    map_b = np.array([index[s] for s in b.strata], dtype=np.intp)
    pop = np.full(len(strata), np.inf)
    pop[map_a] = a.pop
    pop[map_b] = np.where(np.isinf(b.pop), pop[map_b], b.pop)
    return tuple(strata), map_a, map_b, pop


def merge(a: Summary, b: Summary) -> Summary:
    """Combine the summaries of two disjoint sets of rows of the same design."""
    strata, map_a, map_b, pop = _align(a, b)
    h = len(strata)
    k = a.sums.shape[1]
    if (a.psu_keys is None) != (b.psu_keys is None):
        raise ValueError("cannot merge a clustered summary with an unclustered one")
    n_psu = np.zeros(h, dtype=np.intp)
    sums = np.zeros((h, k))
    cross = np.zeros((h, k, k))
    for m, s in ((map_a, a), (map_b, b)):
        np.add.at(n_psu, m, s.n_psu)
        np.add.at(sums, m, s.sums)
        np.add.at(cross, m, s.cross)
    if a.psu_keys is None or b.psu_keys is None:
        return Summary(strata, pop, n_psu, sums, cross, a.n_rows + b.n_rows)
    if a.psu_stratum is None or a.psu_totals is None:
        raise ValueError("clustered summary without PSU totals")
    if b.psu_stratum is None or b.psu_totals is None:
        raise ValueError("clustered summary without PSU totals")
    keys = list(a.psu_keys)
    index = {key: i for i, key in enumerate(keys)}
    for key in b.psu_keys:
        if key not in index:
            index[key] = len(keys)
            keys.append(key)
    pos_b = np.array([index[key] for key in b.psu_keys], dtype=np.intp)
    totals = np.zeros((len(keys), k))
    totals[: len(a.psu_keys)] = a.psu_totals
    np.add.at(totals, pos_b, b.psu_totals)
    psu_stratum = np.zeros(len(keys), dtype=np.intp)
    psu_stratum[: len(a.psu_keys)] = map_a[a.psu_stratum]
    psu_stratum[pos_b] = map_b[b.psu_stratum]
    return Summary(
        strata,
        pop,
        n_psu,
        sums,
        cross,
        a.n_rows + b.n_rows,
        psu_keys=tuple(keys),
        psu_stratum=psu_stratum,
        psu_totals=totals,
    )


def finalize(summary: Summary, *, diagonal: bool = False) -> Moments:
    """Fold a summary into per-stratum moments of PSU totals."""
    if summary.psu_totals is None or summary.psu_stratum is None:
        return Moments(
            summary.n_psu, summary.pop, summary.sums, summary.cross, summary.n_rows, summary.strata
        )
    h = len(summary.strata)
    codes = summary.psu_stratum
    n_psu = np.bincount(codes, minlength=h).astype(np.intp)
    sums = _group_sums(codes, h, summary.psu_totals)
    cross = _stratum_cross(codes, h, summary.psu_totals, diagonal)
    return Moments(n_psu, summary.pop, sums, cross, summary.n_rows, summary.strata)
