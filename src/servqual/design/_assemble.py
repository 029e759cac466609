"""Design columns into :class:`~servqual.stats.DesignArrays`: codes, counts, PSUs (private).

The validation itself (grouping labels, weights, fpc) is in :mod:`servqual.design._build`;
this module puts the checked columns together with as few passes over the rows as it can:
the rows per stratum found while coding the strata are kept (the variance needs them),
and clusters nested in strata (the usual case) get their PSU codes from the cluster codes
instead of coding every (stratum, cluster) pair again.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._build import _population, factorize, grouping, nonnegative
from servqual.errors import InsufficientDataError
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.variance import LonelyPSU

__all__ = ["build_arrays", "psu_codes"]

IntArray = npt.NDArray[np.intp]
_BLOCK = 1 << 16
"""Rows per block when checking that clusters nest in strata (temporaries stay in cache)."""


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
    labels: list[Hashable]
    rows: IntArray | None
    if strata is not None:
        s_codes, labels, rows = grouping(columns[strata], "strata")
    else:
        s_codes, labels, rows = np.zeros(n, dtype=np.intp), [None], np.array([n], dtype=np.intp)
    if rows is None:
        rows = np.bincount(s_codes, minlength=len(labels)).astype(np.intp)
    known: dict[str, Any] = {"stratum_rows": rows}
    p_codes: IntArray | None = None
    p_keys: tuple[Hashable, ...] | None = None
    if clusters is not None:
        c_codes, c_labels, _ = grouping(columns[clusters], "clusters")
        p_codes, p_keys, p_strata = psu_codes(s_codes, labels, c_codes, c_labels)
        n_psu_h = np.bincount(p_strata, minlength=len(labels)).astype(np.intp)
        known.update(psu_strata=p_strata, psu_per_stratum=n_psu_h)
    else:
        n_psu_h = rows
    pop = np.full(len(labels), np.inf)
    if fpc is not None:
        pop = _population(nonnegative(columns[fpc], "fpc"), s_codes, labels, n_psu_h)
    if weights is not None:
        w = nonnegative(columns[weights], "weights")
    elif fpc is not None:
        w = (pop / n_psu_h)[s_codes]
    else:
        w = np.ones(n)
    arrays = DesignArrays(w, s_codes, tuple(labels), pop, p_codes, p_keys, lonely_psu)
    # DesignArrays computes these on first use (functools.cached_property, stored in the
    # instance __dict__); the counts found above are the same numbers, so they are kept.
    arrays.__dict__.update(known)
    return arrays


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
