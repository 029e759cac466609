"""The estimate of the whole design on a linearization design, in few passes (private).

The general front (:func:`~servqual.design._front.linear_estimates`) builds a domain code
per row and goes through the domain kernel; for the whole design with every value
present there is one domain holding every row, so none of that is needed. This path
computes the same numbers (the same operations in the same order, see
:mod:`servqual.stats.whole_sample`) in one float buffer, with no per-row codes. Any
other case (replicate, calibrated, multistage or PPS design, a missing or invalid value)
returns ``None`` and takes the general path, which also raises the errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from servqual.design._backends import Linearization, Variances
from servqual.design._estimators import (
    Kind,
    NaPolicy,
    check_denominator,
    complete_values,
    point_values,
)
from servqual.stats.whole_sample import whole_sample_variance

if TYPE_CHECKING:
    from servqual.design._front import Estimable

__all__ = ["WholeSample", "whole_sample"]

FloatArray = npt.NDArray[np.float64]
_WHOLE = [None]
"""The label of the one domain (messages say "the design")."""


class WholeSample:
    """Point value, variances and row count of a whole-design mean, total or ratio."""

    __slots__ = ("n", "value", "variances")

    def __init__(self, value: FloatArray, variances: Variances, n: int) -> None:
        self.value = value
        self.variances = variances
        self.n = n


def whole_sample(
    design: Estimable, kind: Kind, cols: tuple[str, ...], na: NaPolicy
) -> WholeSample | None:
    """The estimate of the whole design, or ``None`` when the general path must decide."""
    backend = design.backend
    if not isinstance(backend, Linearization):
        return None
    arrays = backend.arrays
    if arrays.stages is not None or arrays.calibration:
        return None
    parsed = [complete_values(design.column(col), col, na) for col in cols]
    y = parsed[0]
    x = parsed[1] if kind == "ratio" else None
    if y is None or (kind == "ratio" and x is None):
        return None
    w = arrays.weights
    buf = np.multiply(w, y)  # the one float buffer: w y, then z, w z and its squares
    ty = np.array([buf.sum()])
    total_w = float(w.sum())
    tx: FloatArray | None = None
    if kind == "mean":
        tx = np.array([total_w])
    elif x is not None:
        tx = np.array([np.multiply(w, x, out=buf).sum()])
    check_denominator(kind, tx, _WHOLE)
    value = point_values(ty, tx, _WHOLE)
    z = _influence(y, x, value, tx, buf)
    var, vsrs = whole_sample_variance(z, total_w, arrays)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(vsrs > 0, var / np.where(vsrs > 0, vsrs, 1.0), np.nan)
    return WholeSample(value, Variances(var, deff), arrays.n)


def _influence(
    y: FloatArray, x: FloatArray | None, value: FloatArray, tx: FloatArray | None, buf: FloatArray
) -> FloatArray:
    """Influence values in ``buf``, as ``RatioStatistic.influence`` computes them."""
    if tx is None:  # a total: y itself
        np.copyto(buf, y)
        return buf
    if x is None:
        np.subtract(y, value[0], out=buf)
    else:
        np.subtract(y, np.multiply(x, value[0], out=buf), out=buf)
    buf /= tx[0]
    return buf
