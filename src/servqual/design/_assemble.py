"""Design columns into :class:`~servqual.stats.DesignArrays`: codes, counts, PSUs (private).

The validation itself (grouping labels, weights, fpc) is in :mod:`servqual.design._build`;
this module puts the checked columns together with as few passes over the rows as it can:
the rows per stratum found while coding the strata are kept (the variance needs them),
and clusters nested in strata (the usual case) get their PSU codes from the cluster codes
instead of coding every (stratum, cluster) pair again.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from servqual.design._build import factorize, grouping
from servqual.design._checks import _population, nonnegative
from servqual.errors import InsufficientDataError
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.variance import LonelyPSU

__all__ = ["build_arrays", "psu_codes"]

IntArray = npt.NDArray[np.intp]
_BLOCK = 1 << 16
"""Rows per block when checking that clusters nest in strata (temporaries stay in cache)."""


class _Units(NamedTuple):
    """Strata and first-stage units of the rows, with what coding them counted."""

    s_codes: IntArray
    strata: list[Hashable]
    psu_codes: IntArray | None
    psu_keys: tuple[Hashable, ...] | None
    known: dict[str, Any]  # DesignArrays' cached counts, when coding found them


def build_arrays(
    columns: dict[str, npt.NDArray[Any]],
    *,
    weights: str | None,
    strata: str | None,
    clusters: str | None,
    fpc: str | None,
    lonely_psu: LonelyPSU,
) -> DesignArrays:
    """Validate the design columns and turn them into :class:`DesignArrays`."""
    n = len(next(iter(columns.values()))) if columns else 0
    if n == 0:
        raise InsufficientDataError("the design has no rows")
    units = _units(columns, strata, clusters, n)
    labels = units.strata
    n_psu_h = units.known.get("psu_per_stratum")
    if n_psu_h is None:
        n_psu_h = np.bincount(units.s_codes, minlength=len(labels)).astype(np.intp)
    pop = np.full(len(labels), np.inf)
    if fpc is not None:
        pop = _population(nonnegative(columns[fpc], "fpc"), units.s_codes, labels, n_psu_h)
    known = dict(units.known)
    if weights is not None:
        w = nonnegative(columns[weights], "weights")
    elif fpc is not None:
        w = (pop / n_psu_h)[units.s_codes]
    else:
        w = np.ones(n)
        known["all_weights_positive"] = True
    arrays = DesignArrays(
        w, units.s_codes, tuple(labels), pop, units.psu_codes, units.psu_keys, lonely_psu
    )
    # DesignArrays computes these on first use (functools.cached_property, stored in the
    # instance __dict__); the counts found above are the same numbers, so they are kept.
    arrays.__dict__.update(known)
    return arrays


def _units(
    columns: dict[str, npt.NDArray[Any]], strata: str | None, clusters: str | None, n: int
) -> _Units:
    """Stratum and PSU codes of the rows, validated (see :func:`grouping`)."""
    if strata is not None and clusters is not None:
        paired = _integer_units(columns[strata], columns[clusters])
        if paired is not None:
            return paired
    labels: list[Hashable] = [None]
    s_codes, rows = np.zeros(n, dtype=np.intp), np.array([n], dtype=np.intp)
    counted: IntArray | None = rows
    if strata is not None:
        s_codes, labels, counted = grouping(columns[strata], "strata")
        rows = counted if counted is not None else rows
    if clusters is None:
        if counted is None:
            rows = np.bincount(s_codes, minlength=len(labels)).astype(np.intp)
        return _Units(s_codes, labels, None, None, {"stratum_rows": rows, "psu_per_stratum": rows})
    c_codes, c_labels, _ = grouping(columns[clusters], "clusters")
    p_codes, p_keys, p_strata = psu_codes(s_codes, labels, c_codes, c_labels)
    n_psu_h = np.bincount(p_strata, minlength=len(labels)).astype(np.intp)
    known: dict[str, Any] = {"psu_strata": p_strata, "psu_per_stratum": n_psu_h}
    if counted is not None:
        known["stratum_rows"] = rows
    return _Units(s_codes, labels, p_codes, p_keys, known)


def _integer_units(s_raw: npt.NDArray[Any], c_raw: npt.NDArray[Any]) -> _Units | None:
    """Integer strata and clusters coded together by one ``bincount`` of their pairs.

    The occupied (stratum, cluster) cells give the strata, the PSUs (in sorted order, as
    ``numpy.unique`` of the pairs), their strata and counts; a stratum code or PSU code
    per row costs a pass only when the labels are not already ``0 … k-1`` in that order.
    ``None`` when a column is not integer or the cells would be too many to count.
    Integer labels cannot be missing or of mixed types, so there is nothing to refuse.
    """
    if s_raw.dtype.kind not in "iu" or c_raw.dtype.kind not in "iu" or s_raw.size == 0:
        return None
    s_lo, s_hi = int(s_raw.min()), int(s_raw.max())
    c_lo, c_hi = int(c_raw.min()), int(c_raw.max())
    span = c_hi - c_lo + 1
    n_cells = (s_hi - s_lo + 1) * span
    top = np.iinfo(np.intp).max
    if n_cells > 4 * s_raw.size + 1024 or max(s_hi, c_hi) > top or n_cells > top:
        return None
    s_off = _offsets(s_raw, s_lo)
    pair = np.multiply(s_off, span, dtype=np.intp)
    pair += _offsets(c_raw, c_lo)
    cells = np.bincount(pair, minlength=n_cells).reshape(-1, span)
    occupied = cells > 0
    s_has = occupied.any(axis=1)
    psus = np.flatnonzero(occupied)  # PSUs as sorted (stratum, cluster) offsets
    s_rank = np.cumsum(s_has, dtype=np.intp) - 1
    p_strata = s_rank[psus // span]
    s_codes = s_rank[s_off] if not s_has.all() else _kept(s_off, s_raw)
    p_codes = _psu_of_rows(occupied, pair, c_raw, c_lo)
    strata = (np.flatnonzero(s_has) + s_lo).astype(s_raw.dtype).tolist()
    c_labels = (psus % span + c_lo).astype(c_raw.dtype).tolist()
    keys = tuple((strata[h], c) for h, c in zip(p_strata.tolist(), c_labels, strict=True))
    known = {
        "stratum_rows": cells.sum(axis=1)[s_has].astype(np.intp),
        "psu_strata": p_strata,
        "psu_per_stratum": occupied.sum(axis=1)[s_has].astype(np.intp),
    }
    return _Units(s_codes, strata, p_codes, keys, known)


def _psu_of_rows(
    occupied: npt.NDArray[np.bool_], pair: IntArray, c_raw: npt.NDArray[Any], c_lo: int
) -> IntArray:
    """Each row's PSU: its pair's rank among the occupied cells.

    When every cluster label lo … hi occurs, each in one stratum, and the clusters are
    numbered in stratum order, the rank is the cluster's offset: no pass over the rows
    beyond the offsets themselves (none when the labels start at 0).
    """
    per_cluster = occupied.sum(axis=0)
    owner = occupied.argmax(axis=0)
    if (per_cluster == 1).all() and bool(np.all(owner[:-1] <= owner[1:])):
        return _kept(_offsets(c_raw, c_lo), c_raw)
    rank = np.cumsum(occupied.reshape(-1), dtype=np.intp) - 1
    return rank.take(pair)


def _offsets(values: npt.NDArray[Any], lo: int) -> IntArray:
    """``values - lo`` as intp; the column itself when that is the same array (lo = 0)."""
    if lo == 0 and values.dtype == np.intp:
        same: IntArray = values
        return same
    shifted: IntArray = np.subtract(values, lo, dtype=np.intp)
    return shifted


def _kept(codes: IntArray, column: npt.NDArray[Any]) -> IntArray:
    """``codes``, as a read-only view when it is the caller's column (kept, never written)."""
    if codes is not column:
        return codes
    view: IntArray = codes.view()
    view.flags.writeable = False
    return view


def psu_codes(
    s_codes: IntArray, strata: list[Hashable], c_codes: IntArray, clusters: list[Hashable]
) -> tuple[IntArray, tuple[Hashable, ...], IntArray]:
    """PSU code of each row, PSU keys ``(stratum, cluster)`` and the stratum of each PSU.

    PSUs are the distinct (stratum, cluster) pairs in sorted order, as
    ``numpy.unique(s_codes * C + c_codes)`` numbers them. When every cluster lies in one
    stratum (checked on every row), a PSU is a cluster: the cluster codes are reordered
    by stratum (no reordering when the clusters are already in stratum order) instead
    of coding every pair.
    """
    n_c = len(clusters)
    owner = np.zeros(n_c, dtype=np.intp)
    owner[c_codes] = s_codes  # some row's stratum for each cluster
    if len(strata) > 1 and not _nested(owner, c_codes, s_codes):
        pair = s_codes.astype(np.int64) * n_c + c_codes
        codes, uniq = factorize(pair)
        keys = tuple((strata[int(p) // n_c], clusters[int(p) % n_c]) for p in uniq)
        return codes, keys, (uniq // n_c).astype(np.intp)
    order = np.argsort(owner, kind="stable")  # by stratum, then cluster
    if np.all(owner[:-1] <= owner[1:]):
        codes = c_codes  # already in (stratum, cluster) order
    else:
        rank = np.empty(n_c, dtype=np.intp)
        rank[order] = np.arange(n_c, dtype=np.intp)
        codes = rank.take(c_codes)
    p_strata = owner[order]
    keys = tuple(
        (strata[h], clusters[c]) for h, c in zip(p_strata.tolist(), order.tolist(), strict=True)
    )
    return codes, keys, p_strata


def _nested(owner: IntArray, c_codes: IntArray, s_codes: IntArray) -> bool:
    """Whether every row's stratum is its cluster's ``owner`` (clusters nest in strata)."""
    n = c_codes.shape[0]
    for start in range(0, n, _BLOCK):  # blocks of rows: bounded temporaries, early exit
        stop = min(start + _BLOCK, n)
        if not np.array_equal(owner.take(c_codes[start:stop]), s_codes[start:stop]):
            return False
    return True
