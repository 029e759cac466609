r"""Variance of many disjoint domain totals from per (stratum, PSU, domain) sums.

A domain estimate's influence values are zero outside the domain, so when every row
belongs to at most one domain the (rows × domains) matrix of influence values is a single
column ``z`` with a domain code per row. Its design variance per domain needs only, for
each (stratum, domain) pair that has rows, the sum ``S_hg`` and the sum of squares
``Q_hg`` of the PSU totals ``t_pg = Σ_{i ∈ p, g_i = g} w_i z_i``:

.. math::

    \hat V_g = \sum_h (1 - f_h) \frac{n_h}{n_h - 1} \left(Q_{hg} - S_{hg}^2 / n_h\right),

where a PSU with no row of the domain has ``t_pg = 0`` and adds nothing to ``S`` or ``Q``
but still counts in ``n_h`` (R ``svyby`` keeps the full design). Both sums come from
``bincount`` over combined (PSU, domain) and (stratum, domain) codes, so memory is
bounded by the rows plus the number of non-empty cells, never rows × domains or
domains × domains. This is the diagonal of :func:`~servqual.stats.covariance` of the
dense matrix, with the same lonely-PSU policies and the same rounding-residue rule; the
covariance of two domains is left to the comparison that needs it (the variance of the
difference of their influence values, one column).

A calibrated design first replaces the influence values by their residuals after the
calibration steps; a residual is non-zero outside its domain, so that path works on
blocks of domains (dense residuals of a few domains at a time): memory stays bounded,
time grows with rows × domains. Multistage and PPS designs (``design.stages``, R
``svyrecvar``'s later stages and ``ppsvar``) take the same blocked path through their
:class:`~servqual.stats.multistage.StagedVariance`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.reduce import FloatArray, IntArray
from servqual.stats.variance import (
    LonelyPSU,
    lonely_strata,
    srs_variance_from_sums,
    stratum_factors,
)

__all__ = [
    "StrataInfo",
    "cell_sums",
    "domain_srs_variances",
    "domain_variances",
    "variances_from_sums",
    "whole_sample",
]

_DENSE_CELLS = 1 << 22
"""Cell counts up to this (or up to twice the rows) are summed by a dense bincount."""
_BLOCK_VALUES = 1 << 22
"""Values in one block of dense calibration residuals (32 MiB of float64)."""


def whole_sample(groups: IntArray, n_groups: int) -> bool:
    """Whether every row is in the one domain (the whole design): sums need no bincount."""
    return n_groups == 1 and not groups.any()


def cell_sums(
    code: npt.NDArray[np.int64], n_cells: int, values: list[FloatArray]
) -> tuple[npt.NDArray[np.int64], list[FloatArray]]:
    """The cells that occur in ``code`` (sorted) and the sums of each of ``values`` there.

    A dense ``bincount`` when ``n_cells`` is small enough (O(rows + cells)); otherwise the
    occurring cells are found by ``numpy.unique`` (a sort, O(rows) memory).
    """
    if n_cells <= max(_DENSE_CELLS, 2 * code.shape[0]):
        present = np.bincount(code, minlength=n_cells) > 0
        keys = np.flatnonzero(present).astype(np.int64)
        return keys, [_sums(code, v, n_cells)[keys] for v in values]
    keys, inverse = np.unique(code, return_inverse=True)
    inverse = inverse.reshape(-1)
    return keys.astype(np.int64), [_sums(inverse, v, keys.shape[0]) for v in values]


def _sums(codes: npt.NDArray[np.integer[Any]], values: FloatArray, length: int) -> FloatArray:
    """``bincount`` with weights, as float64 (the stubs type every bincount as int)."""
    return np.asarray(np.bincount(codes, weights=values, minlength=length), dtype=np.float64)


def _stratum_domain_sums(
    wz: FloatArray, groups: IntArray, n_codes: int, a: DesignArrays
) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
    """(stratum, domain, S, Q) of every non-empty cell; ``n_codes`` = domains + 1."""
    g = groups.astype(np.int64, copy=False)
    if a.psu_codes is None:  # each row is its own PSU: t = w z
        # one stratum: the (stratum, domain) code is the domain code
        code = g if len(a.strata) == 1 else a.stratum_codes.astype(np.int64) * n_codes + g
        keys, (s, q) = cell_sums(code, len(a.strata) * n_codes, [wz, wz * wz])
    else:
        psu_keys, (t,) = cell_sums(
            a.psu_codes.astype(np.int64) * n_codes + g, a.n_psu * n_codes, [wz]
        )
        stratum = a.psu_strata[psu_keys // n_codes].astype(np.int64)
        keys, (s, q) = cell_sums(
            stratum * n_codes + psu_keys % n_codes, len(a.strata) * n_codes, [t, t * t]
        )
    return (keys // n_codes).astype(np.intp), (keys % n_codes).astype(np.intp), s, q


def domain_variances(
    z: FloatArray, groups: IntArray, n_groups: int, design: DesignArrays
) -> FloatArray:
    """Design variance of ``Σ_{g_i = g} w_i z_i`` for each domain ``g`` (R ``svyby``).

    Parameters
    ----------
    z : (n,) float array
        Each row's influence value for its own domain.
    groups : (n,) int array
        Each row's domain in ``0 … n_groups - 1``; ``n_groups`` marks a row outside
        every domain (its ``z`` is ignored, but it stays in its stratum and PSU).
    n_groups : int
        Number of domains ``G``.
    design : DesignArrays
        The full design.

    Returns
    -------
    (G,) float array
        Equal to the diagonal of :func:`~servqual.stats.linearized_covariance` of the
        (n × G) matrix holding ``z_i`` in column ``g_i`` and 0 elsewhere.

    Raises
    ------
    servqual.errors.DesignError
        If a stratum has a single PSU and the design's ``lonely_psu`` is ``"fail"``.
    servqual.errors.EstimationError
        If the weighted influence values are so large that their squared sums overflow.

    Examples
    --------
    >>> import numpy as np
    >>> from servqual.stats import DesignArrays
    >>> d = DesignArrays(np.ones(4), np.zeros(4, dtype=np.intp), (None,), np.array([np.inf]))
    >>> domain_variances(np.array([1.0, -1.0, 2.0, -2.0]), np.array([0, 0, 1, 1]), 2, d)
    array([ 2.66666667, 10.66666667])
    """
    if design.calibration or design.stages is not None:
        return _blocked_variances(z, groups, n_groups, design)
    inside = groups < n_groups
    wz = np.where(inside, z * design.weights, 0.0)
    design.check_magnitude(wz[:, None])
    h, g, s, q = _stratum_domain_sums(wz, groups, n_groups + 1, design)
    keep = g < n_groups
    strata = StrataInfo(design.psu_per_stratum, design.pop, design.strata, design.lonely_psu)
    return variances_from_sums(h[keep], g[keep], s[keep], q[keep], n_groups, strata)


@dataclass(frozen=True)
class StrataInfo:
    """What the variance needs of a design besides the sums: its strata and their PSUs."""

    psu_per_stratum: IntArray
    pop: FloatArray
    strata: tuple[Hashable, ...]
    lonely_psu: LonelyPSU


def variances_from_sums(
    h: IntArray, g: IntArray, s: FloatArray, q: FloatArray, n_groups: int, design: StrataInfo
) -> FloatArray:
    """Domain variances from ``S_hg`` and ``Q_hg`` of the non-empty (stratum, domain) cells.

    The estimate half of :func:`domain_variances`, shared by every way of getting the
    sums: ``bincount`` over rows in memory, or a dataframe engine's own group-by
    (:mod:`servqual.engines`). ``h``, ``g``: stratum and domain of each cell (each pair
    at most once); ``s``, ``q``: the sum and the sum of squares of the PSU totals of the
    weighted influence values there.
    """
    n = design.psu_per_stratum.astype(np.float64)
    f, census, scale = stratum_factors(n, design.pop)
    lonely = lonely_strata(n, census, design.strata, design.lonely_psu)
    n_h = np.maximum(n, 1.0)[h]
    centred = q - s * s / n_h
    # rounding residue of Q - S²/n when every PSU total is equal: exactly 0 (as covariance)
    centred[centred <= 8.0 * np.finfo(np.float64).eps * n_h * q] = 0.0
    var = _sums(g, centred * scale[h], n_groups)
    if lonely.size and design.lonely_psu in ("adjust", "adjust_zero"):
        # the lonely PSU total is centred at the grand mean c_g = Σ t / (number of PSUs),
        # or at zero ("adjust_zero", R survey 4.1.1's "adjust")
        c = _sums(g, s, n_groups) / max(float(n.sum()), 1.0)
        if design.lonely_psu == "adjust_zero":
            c = np.zeros(n_groups)
        keep_f = np.zeros(len(design.strata))
        keep_f[lonely] = 1.0 - f[lonely]
        is_lonely = np.zeros(len(design.strata), dtype=bool)
        is_lonely[lonely] = True
        lone = is_lonely[h]
        # a lonely stratum where the domain has no row contributes (0 - c)² (1 - f)
        absent = float(keep_f.sum()) - _sums(g[lone], keep_f[h[lone]], n_groups)
        missing = lonely.size - np.bincount(g[lone], minlength=n_groups)
        var += np.where(missing > 0, absent, 0.0) * c * c
        var += _sums(g[lone], (s[lone] - c[g[lone]]) ** 2 * keep_f[h[lone]], n_groups)
    elif lonely.size and design.lonely_psu == "average":
        n_strata = int(np.count_nonzero(n > 0))
        n_ok = n_strata - lonely.size
        if n_ok == 0:
            return np.full(n_groups, np.nan)
        var *= n_strata / n_ok
    return np.asarray(var, dtype=np.float64)


def _blocked_variances(
    z: FloatArray, groups: IntArray, n_groups: int, design: DesignArrays
) -> FloatArray:
    """Calibrated, multistage or PPS design: a block of domains at a time (bounded memory).

    Each block is a dense (rows × block) matrix of influence values (calibration residuals
    first), handed to :func:`~servqual.stats.linearized_variance`, which delegates a
    multistage or PPS design to its :class:`~servqual.stats.multistage.StagedVariance`.
    """
    n = z.shape[0]
    block = max(1, min(n_groups, _BLOCK_VALUES // max(n, 1)))
    out = np.empty(n_groups)
    rows = np.arange(n)
    inside = groups < n_groups
    for start in range(0, n_groups, block):  # loop over blocks of domains, never rows
        stop = min(start + block, n_groups)
        dense = np.zeros((n, stop - start))
        mine = inside & (groups >= start) & (groups < stop)
        dense[rows[mine], groups[mine] - start] = z[mine]
        out[start:stop] = linearized_variance(dense, design)
    return out


def domain_srs_variances(
    z: FloatArray, groups: IntArray, n_groups: int, design: DesignArrays
) -> FloatArray:
    """:func:`~servqual.stats.srs_variance` of each domain's influence values (R ``deff``).

    The denominator of each domain's design effect, from four bincounts: rows of non-zero
    weight, ``Σ w``, ``Σ w z`` and ``Σ w z²`` over the domain's rows (``NaN`` where fewer
    than two rows have a non-zero weight).
    """
    w = design.weights
    if whole_sample(groups, n_groups):  # sums, no bincounts
        one = np.array([float(np.count_nonzero(w > 0))])
        sum_wzz = np.einsum("i,i,i->", w, z, z)  # not BLAS: the same bits on any thread count
        with np.errstate(divide="ignore", invalid="ignore"):
            return srs_variance_from_sums(
                one, np.array([w.sum()]), np.array([(w * z).sum()]), np.array([sum_wzz])
            )
    inside = groups < n_groups
    everyone = bool(inside.all())  # no row outside every domain: no masking passes
    g = groups if everyone else np.where(inside, groups, n_groups)
    z_in = z if everyone else np.where(inside, z, 0.0)
    wz = w * z_in
    length = n_groups + 1
    positive = w > 0
    rows = g if positive.all() else g[positive]
    count = np.bincount(rows, minlength=length)[:n_groups].astype(np.float64)
    total = _sums(g, w, length)[:n_groups]
    sum_wz = _sums(g, wz, length)[:n_groups]
    sum_wzz = _sums(g, wz * z_in, length)[:n_groups]
    with np.errstate(divide="ignore", invalid="ignore"):
        return srs_variance_from_sums(count, total, sum_wz, sum_wzz)
