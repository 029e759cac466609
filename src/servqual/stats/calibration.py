r"""Calibration in the numeric core: post-stratified and raked weights, and their residuals.

Weights. Post-stratification multiplies every weight in cell ``c`` by ``N_c / Σ_{i∈c} w_i``
so the weighted cell counts equal the population counts ``N_c``. Raking (iterative
proportional fitting) post-stratifies on each margin in turn and repeats the sweep until
every margin is met.

Variance. A calibrated estimator's linearization replaces the weighted influence values
``x_i = w_i z_i`` by their residuals after each calibration step, exactly as R ``survey``'s
``svyrecvar`` does with a design's ``postStrata``:

- a post-stratification step (weights ``w⁰`` before, ``w¹`` after) replaces
  :math:`x_i` by :math:`x_i - w^1_i \bar z_c`, where
  :math:`\bar z_c = \sum_{j∈c} w^0_j x_j / w^1_j \,/\, \sum_{j∈c} w^0_j` is the weighted
  mean of :math:`z` in the row's cell;
- a raking step (the post-stratifications of the last sweep, each with the weights
  ``w^{(k)}`` it produced) repeats, ten times, for each margin ``k``:
  :math:`x_i \leftarrow x_i - w^{(k)}_i \,\mathrm{ave}_{c}(x / w^{(k)})`, with ``ave`` the
  plain (unweighted) mean over the rows of the cell — R's ``rake()`` variance.

The residuals then go through the usual stratified, clustered variance formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import numpy as np
import numpy.typing as npt

from servqual.stats.greg import GregStep, greg_residual

__all__ = [
    "CalibrationStep",
    "PostStratum",
    "Raking",
    "calibration_residuals",
    "cell_totals",
    "poststratified_weights",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

RAKING_SWEEPS = 10  # R survey's svyrecvar iterates the raking projections 10 times


@dataclass(frozen=True)
class PostStratum:
    """One post-stratification, as R's ``postStratify`` records it on a design.

    Attributes
    ----------
    codes : (n,) int array
        Cell (post-stratum) index of each row.
    n_cells : int
        Number of cells.
    old_weights, weights : (n,) float arrays
        The weights before and after this step.
    """

    codes: IntArray
    n_cells: int
    old_weights: FloatArray
    weights: FloatArray


@dataclass(frozen=True)
class Raking:
    """A raking: the post-stratifications of its last sweep, in margin order."""

    margins: tuple[PostStratum, ...]
    sweeps: int = RAKING_SWEEPS


CalibrationStep = Union[PostStratum, Raking, GregStep]  # noqa: UP007  (a runtime alias on 3.10)


def cell_totals(codes: IntArray, n_cells: int, values: FloatArray) -> FloatArray:
    """Per-cell sums of ``values`` (n,) or (n, m) → (n_cells,) or (n_cells, m)."""
    if values.ndim == 1:
        return np.bincount(codes, weights=values, minlength=n_cells).astype(np.float64)
    out = np.empty((n_cells, values.shape[1]), dtype=np.float64)
    for j in range(values.shape[1]):  # loop over columns (few), never over rows
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=n_cells)
    return out


def poststratified_weights(weights: FloatArray, codes: IntArray, targets: FloatArray) -> FloatArray:
    """Weights scaled in each cell so that their sum there equals ``targets[cell]``.

    Every cell must hold a positive sum of weights (checked by the caller).
    """
    sums = cell_totals(codes, targets.shape[0], weights)
    return np.asarray(weights * (targets / sums)[codes], dtype=np.float64)


def _inverse(w: FloatArray) -> FloatArray:
    """``1 / w``, with 0 where ``w`` is 0."""
    return np.where(w > 0, 1.0 / np.where(w > 0, w, 1.0), 0.0)


def _safe_ratio(x: FloatArray, w: FloatArray) -> FloatArray:
    """``x / w`` per row, 0 where ``w`` is 0 (such rows carry no weight)."""
    return x * _inverse(w)[:, None]


def _poststratum_residual(x: FloatArray, step: PostStratum) -> FloatArray:
    z = _safe_ratio(x, step.weights)
    old_sums = cell_totals(step.codes, step.n_cells, step.old_weights)
    means = cell_totals(step.codes, step.n_cells, z * step.old_weights[:, None])
    means /= np.where(old_sums > 0, old_sums, 1.0)[:, None]
    return x - means[step.codes] * step.weights[:, None]


def _raking_residual(x: FloatArray, step: Raking) -> FloatArray:
    """R's iterated raking projection, run on cell-level sums instead of rows.

    Each projection subtracts ``w⁽ᵏ⁾ · a_k[cell]``; so after any number of them
    ``x = x⁰ − Σ_j w⁽ʲ⁾ A_j[cell_j]`` with small per-cell arrays ``A_j``, and the cell means
    of ``x / w⁽ᵏ⁾`` are ``(B_k − Σ_j M_kj A_j) / count_k`` with
    ``B_k = Σ_{cell_k} x⁰ / w⁽ᵏ⁾`` and ``M_kj[c, c'] = Σ_{cell_k = c, cell_j = c'} w⁽ʲ⁾ / w⁽ᵏ⁾``.
    One pass over the rows per pair of margins instead of one per projection.
    """
    margins = step.margins
    inv = [_inverse(mg.weights) for mg in margins]
    counts = [np.bincount(mg.codes, minlength=mg.n_cells).astype(np.float64) for mg in margins]
    b = [cell_totals(mg.codes, mg.n_cells, x * inv[k][:, None]) for k, mg in enumerate(margins)]
    cross = [
        [
            np.bincount(
                mk.codes * mj.n_cells + mj.codes,
                weights=inv[k] * mj.weights,
                minlength=mk.n_cells * mj.n_cells,
            ).reshape(mk.n_cells, mj.n_cells)
            for mj in margins
        ]
        for k, mk in enumerate(margins)
    ]
    acc = [np.zeros((mg.n_cells, x.shape[1])) for mg in margins]
    for _ in range(step.sweeps):
        for k in range(len(margins)):
            sums = b[k].copy()
            for j in range(len(margins)):
                sums -= cross[k][j] @ acc[j]
            acc[k] = acc[k] + sums / np.where(counts[k] > 0, counts[k], 1.0)[:, None]
    out = np.array(x, dtype=np.float64)
    for mg, a in zip(margins, acc, strict=True):
        out -= mg.weights[:, None] * a[mg.codes]
    return out


def calibration_residuals(x: npt.ArrayLike, steps: tuple[CalibrationStep, ...]) -> FloatArray:
    """Residuals of the weighted influence values ``x = w z`` after each calibration step.

    Parameters
    ----------
    x : (n,) or (n, m) array
        Weighted linearized values (final weights times influence values).
    steps : tuple of PostStratum, Raking or GregStep
        The design's calibrations, in the order they were applied.

    Returns
    -------
    (n, m) float array
        What R's ``svyrecvar`` hands to the variance formula after removing the
        post-stratum means (see the module docstring for the formulas).
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    for step in steps:
        if isinstance(step, Raking):
            arr = _raking_residual(arr, step)
        elif isinstance(step, GregStep):  # linear calibration (servqual.stats.greg)
            arr = greg_residual(arr, step)
        else:
            arr = _poststratum_residual(arr, step)
    return arr
