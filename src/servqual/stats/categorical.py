r"""Cell shares of a categorical column and their design covariance, without rows × cells arrays.

The share of cell :math:`k` among the rows with a value is :math:`s_k = T_k / W`, with
:math:`T_k = \sum_i w_i [c_i = k]` and :math:`W = \sum_i w_i`; its influence value is
:math:`z_{ik} = ([c_i = k] - s_k)/W`. The covariance of the shares needs, per stratum and
PSU, the totals :math:`\sum w z`, i.e. :math:`(T_{uk} - s_k W_u)/W` for each unit
:math:`u` — one ``bincount`` over (unit, cell) codes. When every row is its own PSU,
:math:`\sum_i (w_i z_i)(w_i z_i)^\top` per stratum is formed from the one-hot structure:
:math:`\sum_i w_i^2 ([c_i]-s)([c_i]-s)^\top = \operatorname{diag}(A) - a s^\top - s a^\top
+ B\, s s^\top` with :math:`A_k = a_k = \sum_{c_i = k} w_i^2` and :math:`B = \sum w_i^2`
(all per stratum). Memory is units × cells at most, never rows × cells.

Designs with calibration steps or a multistage/PPS backend need the row-level influence
values; :func:`share_covariance` returns ``None`` for them and the caller uses
:func:`~servqual.stats.linearized_covariance`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.stats.design_arrays import DesignArrays
from servqual.stats.reduce import Moments, Summary, finalize
from servqual.stats.variance import covariance

__all__ = ["share_covariance"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def share_covariance(
    arrays: DesignArrays, cells: IntArray, present: npt.NDArray[np.bool_], n_cells: int
) -> tuple[FloatArray, FloatArray] | None:
    """Shares (K,) of ``cells`` among the rows of ``present`` and their covariance (K, K).

    ``None`` for calibrated or multistage/PPS designs (use the row-level path).
    """
    if arrays.calibration or arrays.stages is not None:
        return None
    w = np.where(present, arrays.weights, 0.0)
    codes = np.where(present, cells, 0)
    totals = np.bincount(codes, weights=w, minlength=n_cells)
    size = float(w.sum())
    shares = totals / size
    h = arrays.stratum_codes
    n_strata = len(arrays.strata)
    if arrays.psu_codes is None:
        moments = _row_units(arrays, h, n_strata, codes, w, shares, size, n_cells)
    else:
        # unit totals of w z: (T_uk - s_k W_u) / W, one bincount over (PSU, cell) codes
        assert arrays.psu_keys is not None  # internal invariant: clustered design
        n_psu = len(arrays.psu_keys)
        flat = np.bincount(arrays.psu_codes * n_cells + codes, weights=w, minlength=n_psu * n_cells)
        unit_w = np.bincount(arrays.psu_codes, weights=w, minlength=n_psu)
        unit = (flat.reshape(n_psu, n_cells) - np.outer(unit_w, shares)) / size
        psu_stratum = np.zeros(n_psu, dtype=np.intp)
        psu_stratum[arrays.psu_codes] = h
        summary = Summary(
            arrays.strata,
            arrays.pop,
            np.zeros(n_strata, dtype=np.intp),
            np.zeros((n_strata, n_cells)),
            np.zeros((n_strata, n_cells, n_cells)),
            arrays.n,
            psu_keys=arrays.psu_keys,
            psu_stratum=psu_stratum,
            psu_totals=np.asarray(unit, dtype=np.float64),
        )
        moments = finalize(summary)
    return shares, covariance(moments, lonely_psu=arrays.lonely_psu)


def _row_units(
    arrays: DesignArrays,
    h: IntArray,
    n_strata: int,
    codes: IntArray,
    w: FloatArray,
    shares: FloatArray,
    size: float,
    n_cells: int,
) -> Moments:
    """Per-stratum moments when every row is a PSU, from (stratum, cell) sums only."""

    def by_cell(weights: FloatArray) -> FloatArray:
        flat = np.bincount(h * n_cells + codes, weights=weights, minlength=n_strata * n_cells)
        return np.asarray(flat, dtype=np.float64).reshape(n_strata, n_cells)

    t = by_cell(w)  # Σ w [c = k] per stratum
    a = by_cell(w * w)  # Σ w² [c = k]
    wh = np.bincount(h, weights=w, minlength=n_strata)
    b = np.bincount(h, weights=w * w, minlength=n_strata)
    sums = (t - np.outer(wh, shares)) / size
    cross = np.zeros((n_strata, n_cells, n_cells))
    idx = np.arange(n_cells)
    cross[:, idx, idx] = a
    cross -= a[:, :, None] * shares[None, None, :] + shares[None, :, None] * a[:, None, :]
    cross += b[:, None, None] * np.outer(shares, shares)[None, :, :]
    cross /= size * size
    return Moments(arrays.stratum_rows, arrays.pop, sums, cross, arrays.n, arrays.strata)
