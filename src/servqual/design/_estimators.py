"""Linearized estimators over one or several domains at once (private).

Every estimator here takes a domain matrix ``D`` (n × m, 1 where a row belongs to domain
``j`` and its value is present, else 0) and returns, per domain, the point value and the
influence values ``z`` (n × m) whose weighted sums have the estimate's variance. The
whole design is one column of ones. Rows outside a domain get ``z = 0`` but stay in the
design, so the variance is computed on the full design (R ``svyby``, ``na.rm=TRUE``).
One call of :func:`~servqual.stats.linearized_variance` reduces all columns in one pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from servqual.design._build import MAGNITUDE, group_codes, missing_mask
from servqual.errors import (
    DegenerateDataWarning,
    EstimationError,
    InsufficientDataError,
    ServqualTypeError,
    ValidationError,
)
from servqual.models.results import Estimate, Interval
from servqual.stats.design_arrays import DesignArrays, linearized_variance, weighted_moments
from servqual.stats.intervals import Bounds, clip_to_bounds, symmetric_interval
from servqual.stats.quantiles import check_level
from servqual.stats.svyciprop import svy_proportion_interval
from servqual.stats.variance import (
    covariance,
    srs_variance,
    srs_variance_from_sums,
    standard_error,
)

__all__ = [
    "IntervalKind",
    "NaPolicy",
    "domain_totals",
    "estimate_from_variance",
    "estimates",
    "indicator",
    "mean_kernel",
    "numeric_values",
    "ratio_kernel",
    "shares_kernel",
    "total_kernel",
]

FloatArray = npt.NDArray[np.float64]
NaPolicy = Literal["fail", "domain"]
IntervalKind = Literal["t", "normal"]
_NA = ("fail", "domain")
_HINT = " (pass na='domain' to estimate over the rows that have a value)"


def estimate_from_variance(
    value: float,
    variance: float,
    *,
    n: int,
    df: float | None,
    level: float,
    deff: float | None = None,
    bounds: Bounds | None = None,
) -> Estimate:
    """Build an :class:`Estimate` with a symmetric t (or normal) interval.

    Used by every linearization-based estimator; ``df=None`` means a normal quantile.
    ``bounds`` is the range the estimate can take; the interval is cut to it.
    """
    level = check_level(level)
    se = float(standard_error(value, variance)[0])
    low, high = clip_to_bounds(*symmetric_interval(value, se, df, level), value, bounds)
    method = "normal" if df is None else "t"
    return Estimate(
        value=value,
        se=se,
        ci=Interval(low=low, high=high, level=level, method=method),
        n=n,
        df=df,
        deff=deff,
        bounds=bounds,
    )


def _show(v: object) -> object:
    item = getattr(v, "item", None)
    return item() if callable(item) else v


def check_na(na: str) -> NaPolicy:
    """Validate an ``na`` policy name."""
    if na not in _NA:
        raise ValidationError(f"na must be one of {list(_NA)}, got {na!r}")
    return na  # type: ignore[return-value]  # narrowed by the membership test


def numeric_values(
    raw: npt.NDArray[Any], name: str, na: str
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """A numeric column as float64 (missing → 0) and its mask of present values.

    ``na="fail"`` raises on the first missing value, naming the row.
    """
    policy = check_na(na)
    source = np.where(missing_mask(raw), np.nan, raw) if raw.dtype.kind == "O" else raw
    try:
        y = np.asarray(source, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"column {name!r} is not numeric (dtype {raw.dtype})") from None
    except OverflowError:
        raise ValidationError(
            f"column {name!r} holds an integer beyond float64's range (about 1.8e308)"
        ) from None
    bad = ~np.isfinite(y)
    if not bad.any():
        _check_magnitude(y, raw, name)
        return y, ~bad  # the common case: no copy
    infinite = np.flatnonzero(np.isinf(y))
    i = int(infinite[0]) if policy == "domain" and infinite.size else int(np.flatnonzero(bad)[0])
    if policy == "fail" or infinite.size:
        raise ValidationError(
            f"column {name!r} has a missing or non-finite value in row {i}: {_show(raw[i])!r}"
            + (_HINT if np.isnan(y[i]) else "")
        )
    y = np.where(bad, 0.0, y)
    _check_magnitude(y, raw, name)
    return y, ~bad


def _check_magnitude(y: FloatArray, raw: npt.NDArray[Any], name: str) -> None:
    """Refuse values beyond ±1e100: weighted sums and variances would overflow."""
    big = np.flatnonzero(np.abs(y) > MAGNITUDE)
    if big.size:
        i = int(big[0])
        raise ValidationError(
            f"column {name!r} has {_show(raw[i])!r} in row {i}, beyond ±1e100: its "
            "weighted sums and variance would overflow float64; rescale the column"
        )


def indicator(
    raw: npt.NDArray[Any], name: str, value: object, na: str
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """1.0 where ``raw == value``, 0.0 elsewhere, with the mask of present values.

    ``value`` is one category: a sequence or array would be compared element-wise.
    """
    policy = check_na(na)
    if value is not None and (
        isinstance(value, (list, tuple, set, frozenset, dict, np.ndarray))
        or not isinstance(value, Hashable)
    ):
        raise ServqualTypeError(
            f"value must be one category of {name!r} (a label or number), got {value!r}; "
            "for the share of every category use proportions()"
        )
    missing = missing_mask(raw)
    if missing.any() and policy == "fail":
        i = int(np.flatnonzero(missing)[0])
        raise ValidationError(
            f"column {name!r} has a missing value in row {i}: {_show(raw[i])!r}" + _HINT
        )
    hit = np.asarray(raw == value, dtype=bool) & ~missing
    return hit.astype(np.float64), ~missing


def domain_totals(a: DesignArrays, d: FloatArray, x: FloatArray) -> FloatArray:
    """Weighted totals ``Σ w d_j x`` per domain column ``j``."""
    return np.asarray((a.weights * x) @ d, dtype=np.float64)


def _check_sizes(size: FloatArray, labels: Sequence[Hashable], what: str) -> None:
    empty = np.flatnonzero(size <= 0)
    if empty.size:
        label = labels[int(empty[0])]
        where = "the design" if label is None else f"domain {label!r}"
        raise InsufficientDataError(
            f"{where} has no rows with a value and a positive weight: no {what} can be estimated"
        )


def mean_kernel(
    a: DesignArrays, y: FloatArray, d: FloatArray, labels: Sequence[Hashable]
) -> tuple[FloatArray, FloatArray]:
    """Domain means and their influence values ``d (y - ȳ_d) / N_d``."""
    size = np.asarray(a.weights @ d, dtype=np.float64)
    _check_sizes(size, labels, "mean")
    value = domain_totals(a, d, y) / size
    z = np.subtract(y[:, None], value[None, :])  # one n × m allocation, then in place
    z /= size[None, :]
    z *= d
    return value, z


def total_kernel(
    a: DesignArrays, y: FloatArray, d: FloatArray, labels: Sequence[Hashable]
) -> tuple[FloatArray, FloatArray]:
    """Domain totals and their influence values ``d y``."""
    return domain_totals(a, d, y), d * y[:, None]


def ratio_kernel(
    a: DesignArrays, y: FloatArray, x: FloatArray, d: FloatArray, labels: Sequence[Hashable]
) -> tuple[FloatArray, FloatArray]:
    """Domain ratios ``Y_d / X_d`` and their influence values ``d (y - R_d x) / X_d``."""
    tx = domain_totals(a, d, x)
    zero = np.flatnonzero(tx == 0)
    if zero.size:
        label = labels[int(zero[0])]
        where = "" if label is None else f" in domain {label!r}"
        raise InsufficientDataError(f"the estimated denominator total is zero{where}: no ratio")
    with np.errstate(over="ignore"):
        value = domain_totals(a, d, y) / tx
    huge = np.flatnonzero(~np.isfinite(value))
    if huge.size:
        label = labels[int(huge[0])]
        where = "" if label is None else f" in domain {label!r}"
        raise EstimationError(
            f"the ratio{where} overflows float64 (the denominator total {tx[huge[0]]:g} is "
            "tiny against the numerator's): rescale the columns"
        )
    z = np.multiply(x[:, None], -value[None, :])
    z += y[:, None]
    z /= tx[None, :]
    z *= d
    return value, z


def _variances(
    a: DesignArrays, z: FloatArray, d: FloatArray, n: npt.NDArray[np.intp]
) -> tuple[FloatArray, FloatArray]:
    """Design variance of ``Σ w z`` per column and its simple-random-sampling variance.

    Without calibration, ``w z`` is formed once and serves both: the design moments,
    and the sums behind :func:`~servqual.stats.srs_variance` (which needs ``Σ w_d``,
    ``Σ w_d z`` and ``Σ w_d z²`` with ``w_d = w d``; the kernels set ``z = 0`` outside
    each domain, so ``Σ w_d z = Σ w z``, and ``Σ w z`` is the moments' total). ``n``
    counts the rows of each domain; the rows of non-zero ``w_d`` are those rows when
    every weight is positive.
    """
    if a.calibration:
        with np.errstate(divide="ignore", invalid="ignore"):
            return linearized_variance(z, a), srs_variance(z, a.weights[:, None] * d)
    wz = z * a.weights[:, None]
    a.check_magnitude(wz)
    m = weighted_moments(wz, a)
    var = np.diagonal(covariance(m, lonely_psu=a.lonely_psu)).copy()
    total = np.asarray(a.weights @ d, dtype=np.float64)
    if a.all_weights_positive:
        count = n.astype(np.float64)
    else:
        count = np.asarray((a.weights > 0).astype(np.float64) @ d, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = srs_variance_from_sums(count, total, m.totals, np.einsum("ij,ij->j", wz, z))
    return np.asarray(var, dtype=np.float64), vsrs


def estimates(
    a: DesignArrays,
    value: FloatArray,
    z: FloatArray,
    d: FloatArray,
    *,
    level: float,
    interval: str = "t",
    proportion: str | None = None,
    bounds: Bounds | None = None,
) -> list[Estimate]:
    """Variances (one reduce for all columns), design effects and intervals → Estimates.

    ``interval`` is ``"t"`` (design df) or ``"normal"``; ``proportion`` names a
    :mod:`servqual.stats.svyciprop` method and overrides it. ``bounds`` is the range of
    every estimate (a share's is 0–1); intervals are cut to it.
    """
    if proportion is not None:
        bounds = (0.0, 1.0)
    level = check_level(level)
    if interval not in ("t", "normal"):
        raise ValidationError(f"interval must be one of ['t', 'normal'], got {interval!r}")
    n = np.count_nonzero(d, axis=0)
    var, vsrs = _variances(a, z, d, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(vsrs > 0, var / np.where(vsrs > 0, vsrs, 1.0), np.nan)
    se = standard_error(value, np.maximum(var, 0.0))
    df = a.df if interval == "t" else None
    if proportion is not None:
        low, high = svy_proportion_interval(value, se, df, n, level, proportion)
    else:
        if df is not None and df <= 0:
            warnings.warn(
                f"the design has {df:g} degrees of freedom (PSUs minus strata), so no t "
                "quantile exists: the interval is NaN",
                DegenerateDataWarning,
                stacklevel=3,
            )
        single = n < 2
        if single.any() and value.shape[0] > 1:
            # A domain with one row has influence 0 everywhere: its "SE 0" means nothing.
            warnings.warn(
                f"{int(single.sum())} domain(s) rest on a single row: no standard error can "
                "be estimated there, so their standard error and interval are NaN",
                DegenerateDataWarning,
                stacklevel=3,
            )
            se = np.where(single, np.nan, se)
        limits = [
            symmetric_interval(float(v), float(s), df, level)
            for v, s in zip(value, se, strict=True)
        ]
        low = np.array([b[0] for b in limits])
        high = np.array([b[1] for b in limits])
    cut = [
        clip_to_bounds(float(lo), float(hi), float(v), bounds)
        for lo, hi, v in zip(low, high, value, strict=True)
    ]
    method = proportion or ("t" if df is not None else "normal")
    return [
        Estimate(
            value=float(value[j]),
            se=float(se[j]),
            ci=Interval(low=cut[j][0], high=cut[j][1], level=level, method=method),
            n=int(n[j]),
            df=df,
            deff=None if np.isnan(deff[j]) else float(deff[j]),
            bounds=bounds,
        )
        for j in range(value.shape[0])
    ]


def shares_kernel(
    a: DesignArrays, raw: npt.NDArray[Any], present: npt.NDArray[np.bool_], name: str
) -> tuple[list[Hashable], FloatArray, FloatArray, FloatArray]:
    """Shares of every category of ``raw`` (R ``svymean`` of a factor): one column each.

    Returns the labels, the shares, their influence values and the domain matrix.
    """
    rows = np.flatnonzero(present)
    codes, labels = group_codes(raw[rows], f"column {name!r}", lambda i: f"row {int(rows[i])}")
    y = np.zeros((raw.shape[0], len(labels)))
    y[rows, codes.reshape(-1)] = 1.0
    d = np.repeat(present.astype(np.float64)[:, None], len(labels), axis=1)
    size = float(np.dot(a.weights, present))
    _check_sizes(np.array([size]), [None], "share")
    shares = np.asarray((a.weights * present) @ y / size, dtype=np.float64)
    return labels, shares, d * (y - shares[None, :]) / size, d
