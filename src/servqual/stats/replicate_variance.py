r"""Replicate-weight variance: R ``survey``'s ``svrVar``, scales and degrees of freedom.

A replicate design re-evaluates a statistic :math:`\hat\theta` once per replicate weight
column, giving :math:`\hat\theta_1, \dots, \hat\theta_R`, and estimates its variance as

.. math::

    \hat V(\hat\theta) = c \sum_{r=1}^{R} c_r\, (\hat\theta_r - \tilde\theta)^2,

with the overall ``scale`` :math:`c`, the per-replicate ``rscales`` :math:`c_r`, and the
centre :math:`\tilde\theta` the mean of the replicates with :math:`c_r > 0`
(``mse=False``, R's default) or the full-sample estimate :math:`\hat\theta`
(``mse=True``). Pure numpy; no pydantic.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from servqual.errors import (
    DegenerateDataWarning,
    EstimationError,
    InsufficientDataError,
    ParameterError,
)

__all__ = [
    "REPLICATE_TYPES",
    "ReplicateType",
    "replicate_df",
    "replicate_scales",
    "replicate_variance",
]

FloatArray = npt.NDArray[np.float64]
ReplicateType = Literal["bootstrap", "JK1", "JKn", "BRR", "Fay"]
REPLICATE_TYPES: tuple[str, ...] = get_args(ReplicateType)

_RANK_TOL = 1e-5
"""Singular values below this fraction of the largest count as zero (R ``qr(tol=1e-5)``)."""


def _check_positive(value: object, name: str) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]  # any number-like; checked below
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a positive number, got {value!r}") from None
    if not np.isfinite(out) or out <= 0:
        raise ParameterError(f"{name} must be a positive number, got {value!r}")
    return out


def _check_rscales(rscales: npt.ArrayLike, n_rep: int) -> FloatArray:
    try:
        arr = np.atleast_1d(np.asarray(rscales, dtype=np.float64))
    except (TypeError, ValueError):
        raise ParameterError(f"rscales must be numbers, got {rscales!r}") from None
    if arr.ndim != 1 or arr.shape[0] not in (1, n_rep):
        raise ParameterError(
            f"rscales has {arr.size} values, expected 1 or one per replicate ({n_rep})"
        )
    bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
    if bad.size:
        raise ParameterError(
            f"rscales must be finite and non-negative; value {int(bad[0])} is {arr[bad[0]]!r}"
        )
    return np.broadcast_to(arr, (n_rep,)).astype(np.float64)


def replicate_scales(
    kind: str,
    n_rep: int,
    *,
    scale: float | None,
    rscales: npt.ArrayLike | None,
    rho: float | None,
) -> tuple[float, FloatArray]:
    r"""The ``scale`` and ``rscales`` of a replicate design, with R ``svrepdesign``'s defaults.

    ``bootstrap``: :math:`1/(R-1)`; ``JK1``: :math:`(R-1)/R`; ``JKn``: 1, with
    ``rscales`` required (:math:`(n_h-1)/n_h` for the replicates of stratum :math:`h`);
    ``BRR``: :math:`1/R`; ``Fay``: :math:`1/(R(1-\rho)^2)`. ``rscales`` default to 1.

    Raises
    ------
    servqual.errors.ParameterError
        For an unknown type, a ``scale`` given with BRR or Fay (the type fixes it), a
        ``rho`` missing or outside (0, 1) with Fay or given with another type, JKn
        without ``rscales``, or scales that are not positive/finite.

    Examples
    --------
    >>> scale, rscales = replicate_scales("JK1", 4, scale=None, rscales=None, rho=None)
    >>> scale, rscales.tolist()
    (0.75, [1.0, 1.0, 1.0, 1.0])
    """
    if kind not in REPLICATE_TYPES:
        raise ParameterError(f"type must be one of {list(REPLICATE_TYPES)}, got {kind!r}")
    if kind == "Fay":
        if rho is None:
            raise ParameterError("type='Fay' needs rho, the Fay coefficient in (0, 1)")
        if not 0.0 < float(rho) < 1.0:
            raise ParameterError(f"rho must lie in (0, 1) for type='Fay', got {rho!r}")
    elif rho is not None:
        raise ParameterError(f"rho is only used with type='Fay', not with type={kind!r}")
    if kind in ("BRR", "Fay") and scale is not None:
        raise ParameterError(
            f"type={kind!r} fixes the scale (1/R, or 1/(R(1-rho)^2) for Fay); do not pass scale"
        )
    if kind == "JKn" and rscales is None:
        raise ParameterError(
            "type='JKn' needs rscales: (n_h - 1)/n_h for each replicate of stratum h"
        )
    defaults = {
        "bootstrap": 1.0 / (n_rep - 1),
        "JK1": (n_rep - 1) / n_rep,
        "JKn": 1.0,
        "BRR": 1.0 / n_rep,
        "Fay": 1.0 / (n_rep * (1.0 - float(rho or 0.0)) ** 2),
    }
    c = defaults[kind] if scale is None else _check_positive(scale, "scale")
    cr = np.ones(n_rep) if rscales is None else _check_rscales(rscales, n_rep)
    return c, cr


def replicate_df(replicates: FloatArray) -> float:
    """Degrees of freedom: the rank of the replicate weight matrix minus one (R ``degf``).

    The rank counts the singular values above ``1e-5`` times the largest (R uses a
    pivoted QR with tolerance ``1e-5``; both agree on exactly rank-deficient matrices,
    such as BRR with more Hadamard columns than strata). Computed from the R × R Gram
    matrix, so the cost is one pass over the rows.

    Examples
    --------
    >>> w = np.array([[0.0, 2, 2], [2, 0, 2], [2, 2, 0], [2, 2, 0]])
    >>> replicate_df(w)
    2.0
    """
    gram = replicates.T @ replicates
    eig = np.linalg.eigvalsh(gram)
    top = float(eig[-1])
    if top <= 0:
        return -1.0
    return float(np.count_nonzero(eig > top * _RANK_TOL**2) - 1)


def replicate_variance(
    full: FloatArray,
    reps: FloatArray,
    *,
    scale: float,
    rscales: FloatArray,
    mse: bool,
) -> FloatArray:
    """Variance of each statistic from its replicates (R ``svrVar``), vectorized over columns.

    Parameters
    ----------
    full : (m,) float array
        The full-sample estimates.
    reps : (R, m) float array
        The estimates under each replicate weight column.
    scale, rscales, mse
        As in the module notes.

    Returns
    -------
    (m,) float array
        The variances.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If every replicate of a statistic is undefined (NaN).

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        If some replicates of a statistic are undefined (a domain with no weight in that
        replicate): they are left out, as R's ``svrVar`` does with ``na.action``.

    Examples
    --------
    >>> reps = np.array([[1.0], [2.0], [3.0]])
    >>> replicate_variance(np.array([2.5]), reps, scale=0.5, rscales=np.ones(3), mse=False)
    array([1.])
    """
    ok = np.isfinite(reps)
    if not ok.all():
        dropped = (~ok).sum(axis=0)
        if (dropped == reps.shape[0]).any():
            raise InsufficientDataError(
                "every replicate of the statistic is undefined (each replicate gives its "
                "domain no weight): no replicate variance can be estimated"
            )
        warnings.warn(
            f"{int(dropped.max())} replicate(s) gave an undefined estimate (no weight in "
            "the domain) and were left out of the variance, as R's svrVar does",
            DegenerateDataWarning,
            stacklevel=3,
        )
    values = np.where(ok, reps, 0.0)
    _check_magnitude(values, scale * float(np.max(rscales, initial=1.0)))
    if mse:
        centre = full
    else:
        use = ok & (rscales[:, None] > 0)
        count = use.sum(axis=0)
        centre = np.where(count > 0, (values * use).sum(axis=0) / np.maximum(count, 1), full)
    dev = np.where(ok, values - centre[None, :], 0.0)
    return np.asarray(scale * (rscales @ (dev * dev)), dtype=np.float64)


def _check_magnitude(values: FloatArray, factor: float) -> None:
    """Refuse replicate estimates whose sums of squared deviations would overflow float64.

    With ``|value| ≤ top`` every deviation is at most ``2 top``, so the variance is at most
    ``4 R factor top²``; beyond that ``inf − inf`` would give a silent NaN or infinite
    variance (a ratio over a denominator near 0, say).
    """
    if values.size == 0:
        return
    top = float(np.max(np.abs(values)))
    limit = math.sqrt(np.finfo(np.float64).max / (4.0 * values.shape[0] * max(factor, 1.0)))
    if not top <= limit:
        raise EstimationError(
            f"replicate estimates reach {top:g}: their squared deviations overflow float64, "
            "so no replicate variance can be computed; rescale the column or the weights "
            "(a ratio's denominator may be close to 0)"
        )
