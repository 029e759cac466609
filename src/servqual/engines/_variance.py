r"""From the engine's cell sums to domain variances, through the in-memory estimate step.

The influence values of every estimator here are linear in a vector of per-row
variables ``v`` with per-domain coefficients ``b_g``: ``w z = b_g · (w v)``. With clusters
the cells are (stratum, PSU, domain) and the PSU total of a cell is ``t = b_g · T_cell``;
``S_hg`` and ``Q_hg`` are the sum and sum of squares of ``t`` over the PSUs of the
stratum. Without clusters each row is a PSU: ``S_hg = b_g · T_cell`` and
``Q_hg = b_gᵀ M_cell b_g`` with ``M`` the cell's cross-products. Both end in
:func:`servqual.stats.domain_variance.variances_from_sums`, the function that finishes
the in-memory computation too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.engines._reduce import Cells
from servqual.stats.domain_variance import cell_sums, variances_from_sums

__all__ = ["cell_variances"]

FloatArray = npt.NDArray[np.float64]


def cell_variances(cells: Cells, names: list[str], coef: FloatArray) -> FloatArray:
    """Design variance of ``Σ w z`` per domain, ``w z = coef[g] · (w v)``.

    ``v`` are the summed variables named by ``names``.

    ``coef`` is (G, len(names)). Without clusters the sums ``"a*b"`` of the pairwise
    products must be in ``cells.sums`` (see :func:`~servqual.engines._reduce.reduce_cells`).
    """
    b = coef[cells.g]  # (cells, m)
    t_vec = np.column_stack([cells.sums[name] for name in names])
    t = np.einsum("cm,cm->c", b, t_vec)
    n_codes = cells.n_groups
    if cells.psu is not None:
        keys, (s, q) = cell_sums(
            cells.h.astype(np.int64) * n_codes + cells.g,
            len(cells.strata.strata) * n_codes,
            [t, t * t],
        )
        h, g = keys // n_codes, keys % n_codes
    else:
        q = np.zeros_like(t)
        size = np.zeros_like(t)  # Σ |terms| of bᵀ M b: the scale of its rounding
        for i, a in enumerate(names):
            for j in range(i, len(names)):
                pair = f"{a}*{names[j]}"
                both = cells.sums[pair if pair in cells.sums else f"{names[j]}*{a}"]
                term = (1.0 if i == j else 2.0) * b[:, i] * b[:, j] * both
                q += term
                size += np.abs(term)
        h, g, s = cells.h.astype(np.int64), cells.g.astype(np.int64), t
        q = _snap_flat(q, s, size, cells.strata.psu_per_stratum[h])
    return variances_from_sums(h.astype(np.intp), g.astype(np.intp), s, q, n_codes, cells.strata)


def _snap_flat(q: FloatArray, s: FloatArray, size: FloatArray, n: npt.NDArray[Any]) -> FloatArray:
    """``Q = S²/n`` where ``Q − S²/n`` is within the rounding of ``bᵀ M b``.

    Without clusters ``Q`` is a sum of cross-product terms that cancel when every row's
    influence value is the same (a one-respondent domain, identical answers); their
    residue (about ``eps · Σ |terms|``) would show as a small positive variance where
    the rows in memory give exactly 0.
    """
    n_h = np.maximum(n.astype(np.float64), 1.0)
    flat = s * s / n_h
    return np.where(np.abs(q - flat) <= 64.0 * np.finfo(np.float64).eps * size, flat, q)
