"""The dense domain computation, kept as the slow reference for the domain kernels.

This is how servqual estimated domains before the per (stratum, PSU, domain) kernels: a
0/1 domain matrix ``D`` (rows × domains), influence values ``z`` (rows × domains) with one
column per domain, and the variance of every column by
:func:`servqual.stats.linearized_variance` (calibration residuals included); replicate
designs by the products ``Wᵀ [D y, D]``. Obvious, and rows × domains in memory.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from servqual.stats import DesignArrays, linearized_variance, srs_variance
from servqual.stats.replicate_variance import replicate_variance

FloatArray = npt.NDArray[np.float64]


def domain_matrix(labels: Any, present: Any = None) -> tuple[list[Any], FloatArray]:
    """Sorted domain labels and the (n × G) 0/1 matrix of rows with a value."""
    values = np.asarray(labels)
    uniq = sorted(set(values.tolist()))
    d = (values[:, None] == np.array(uniq, dtype=values.dtype)[None, :]).astype(np.float64)
    if present is not None:
        d *= np.asarray(present, dtype=np.float64)[:, None]
    return uniq, d


def dense_kernel(
    kind: Literal["mean", "total", "ratio"],
    weights: FloatArray,
    d: FloatArray,
    y: FloatArray,
    x: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Domain values and the (n × G) influence values of a mean, total or ratio."""
    ty = (weights * y) @ d
    if kind == "total":
        return ty, d * y[:, None]
    den = np.ones_like(y) if kind == "mean" else x
    assert den is not None
    tx = (weights * den) @ d
    value = ty / tx
    return value, d * (y[:, None] - value[None, :] * den[:, None]) / tx[None, :]


def dense_linearized(
    kind: Literal["mean", "total", "ratio"],
    arrays: DesignArrays,
    d: FloatArray,
    y: FloatArray,
    x: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Values, variances and SRS variances (the design effect's denominator) per domain."""
    value, z = dense_kernel(kind, arrays.weights, d, y, x)
    var = linearized_variance(z, arrays)
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = srs_variance(z, arrays.weights[:, None] * d)
    return value, var, vsrs


def dense_replicate(
    kind: Literal["mean", "total", "ratio"],
    weights: FloatArray,
    replicates: FloatArray,
    d: FloatArray,
    y: FloatArray,
    x: FloatArray | None,
    *,
    scale: float,
    rscales: FloatArray,
    mse: bool,
) -> tuple[FloatArray, FloatArray]:
    """Values and replicate variances per domain, by dense products ``Wᵀ [D y, D x]``."""
    if kind == "total":
        block = d * y[:, None]
        full, reps = weights @ block, replicates.T @ block
    else:
        den = d if kind == "mean" else d * np.asarray(x)[:, None]
        num = d * y[:, None]
        full = (weights @ num) / (weights @ den)
        with np.errstate(divide="ignore", invalid="ignore"):
            reps = (replicates.T @ num) / (replicates.T @ den)
    var = replicate_variance(full, reps, scale=scale, rscales=rscales, mse=mse)
    return full, var
