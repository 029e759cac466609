"""The estimators, written once for every design kind (private).

Every estimator of a design (mean, total, ratio, share) is a ratio of two weighted
domain totals, ``Σ_{g_i = g} w_i y_i / Σ_{g_i = g} w_i x_i`` (``x = 1`` for a mean, no
denominator for a total), for each domain ``g`` of a partition of the rows. A
:class:`RatioStatistic` holds its per-row variables and the domain code of each row, and
gives the point value from any weights and the influence values ``z`` of each row for its
own domain. How the variance is computed from there is the design's business (a backend
in :mod:`servqual.design._backends`): linearization reduces ``z`` over strata and PSUs,
replicate weights re-evaluate the totals with each replicate's weights. Rows outside
every domain (a missing value with ``na="domain"``) carry the code ``n_groups``: they add
nothing to any total but stay in the design.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from servqual.design._build import MAGNITUDE, missing_mask
from servqual.errors import (
    EstimationError,
    InsufficientDataError,
    ServqualTypeError,
    ValidationError,
)
from servqual.models.results import Estimate, Interval, many_estimates
from servqual.stats.domain_variance import whole_sample
from servqual.stats.intervals import Bounds, clip_to_bounds, symmetric_interval
from servqual.stats.quantiles import check_level, critical_value
from servqual.stats.variance import standard_error

__all__ = [
    "IntervalKind",
    "Kind",
    "NaPolicy",
    "RatioStatistic",
    "check_denominator",
    "complete_values",
    "estimate_from_variance",
    "estimates_from_variances",
    "indicator",
    "numeric_values",
    "point_values",
    "symmetric_columns",
]

FloatArray = npt.NDArray[np.float64]
NaPolicy = Literal["fail", "domain"]
IntervalKind = Literal["t", "normal"]
Kind = Literal["mean", "total", "ratio"]
IntArray = npt.NDArray[np.intp]
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


def symmetric_columns(
    values: FloatArray, variances: npt.ArrayLike, *, df: float | None, level: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Standard errors and interval bounds of many values, as :func:`estimate_from_variance`."""
    se = standard_error(values, variances)
    half = critical_value(check_level(level), df) * se  # NaN where the quantile or se is
    return se, values - half, values + half


def estimates_from_variances(
    values: npt.ArrayLike,
    variances: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    df: float | None,
    level: float,
    bounds: Bounds | None = None,
) -> list[Estimate]:
    """:func:`estimate_from_variance` of many values at once (one model per value).

    The intervals are cut to ``bounds`` as each would be alone (see
    :func:`~servqual.models.results.many_estimates`).
    """
    v = np.asarray(values, dtype=np.float64)
    se, low, high = symmetric_columns(v, variances, df=df, level=level)
    method = "normal" if df is None else "t"
    return many_estimates(v, se, low, high, n, df=df, level=level, method=method, bounds=bounds)


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
    if _within_magnitude(y):  # the common case: no copy, two reductions
        return y, np.ones(y.shape[0], dtype=bool)
    bad = ~np.isfinite(y)
    if not bad.any():
        _check_magnitude(y, raw, name)
        return y, ~bad
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


def complete_values(raw: npt.NDArray[Any], name: str, na: str) -> FloatArray | None:
    """A numeric column as float64 when every value is present, finite and within ±1e100.

    ``None`` otherwise (a missing, infinite or huge value, or a non-numeric column):
    :func:`numeric_values` then decides, raising the error that names the row. Checked
    by the column's least and largest values (a NaN makes both NaN): two reductions.
    """
    check_na(na)
    if raw.dtype.kind not in "biuf" or raw.size == 0:
        return None
    try:
        y = np.asarray(raw, dtype=np.float64)
    except OverflowError:  # an integer beyond float64's range: numeric_values names it
        return None
    return y if _within_magnitude(y) else None


def _within_magnitude(y: FloatArray) -> bool:
    """Whether every value is finite and within ±1e100 (NaN fails both comparisons)."""
    return bool(y.size) and y.min() >= -MAGNITUDE and y.max() <= MAGNITUDE


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


def group_totals(
    groups: IntArray, n_groups: int, values: FloatArray, *, whole: bool = False
) -> FloatArray:
    """``Σ values`` per domain code (the last code, "outside every domain", dropped).

    ``whole``: every row is in the one domain (:func:`whole_sample`), so a plain sum.
    """
    if whole:
        return np.array([values.sum()], dtype=np.float64)
    sums = np.bincount(groups, weights=values, minlength=n_groups + 1)
    return np.asarray(sums[:n_groups], dtype=np.float64)


@dataclass(frozen=True)
class RatioStatistic:
    """Per-domain ``Σ w y / Σ w x`` (``kind="mean"``: ``x = 1``; ``"total"``: ``Σ w y``).

    Attributes
    ----------
    kind : {"mean", "total", "ratio"}
        The estimator.
    y, x : (n,) float arrays
        The numerator variable and, for a ratio, the denominator (``None`` otherwise);
        0 on rows outside every domain.
    groups : (n,) int array
        Domain of each row, ``n_groups`` for a row outside every domain.
    n_groups : int
        Number of domains.
    labels : sequence
        Domain labels for messages (``[None]``: the whole design).
    """

    kind: Kind
    y: FloatArray
    x: FloatArray | None
    groups: IntArray
    n_groups: int
    labels: Sequence[Hashable]

    @cached_property
    def whole(self) -> bool:
        """Every row is in the one domain (the whole design): sums need no bincount."""
        return whole_sample(self.groups, self.n_groups)

    def denominator(self, weights: FloatArray) -> FloatArray:
        """Per-row denominator variable times ``weights`` (the weights for a mean)."""
        if self.x is not None:
            return weights * self.x
        if self.whole:
            return weights
        inside = self.groups < self.n_groups
        return weights if inside.all() else np.where(inside, weights, 0.0)

    def totals(self, weights: FloatArray) -> tuple[FloatArray, FloatArray | None]:
        """Numerator and denominator totals per domain (denominator ``None`` for a total)."""
        ty = group_totals(self.groups, self.n_groups, weights * self.y, whole=self.whole)
        if self.kind == "total":
            return ty, None
        den = self.denominator(weights)
        return ty, group_totals(self.groups, self.n_groups, den, whole=self.whole)

    def check(self, tx: FloatArray | None) -> None:
        """Refuse a domain whose denominator total is zero (no mean, no ratio)."""
        check_denominator(self.kind, tx, self.labels)

    def value(self, ty: FloatArray, tx: FloatArray | None) -> FloatArray:
        """The point value of every domain from its totals (see :func:`point_values`)."""
        return point_values(ty, tx, self.labels)

    def influence(self, value: FloatArray, tx: FloatArray | None) -> FloatArray:
        """Each row's influence value for its own domain (0 outside every domain).

        Total: ``y``; mean: ``(y - ȳ_g) / N_g``; ratio: ``(y - R_g x) / X_g``.
        """
        if tx is not None and self.whole:
            # one domain holding every row: scalar centring, no gathers
            centre = value[0] if self.x is None else value[0] * self.x
            z: FloatArray = np.asarray(self.y - centre, dtype=np.float64)
            z /= tx[0]
            return z
        inside = self.groups < self.n_groups
        if tx is None:
            return np.where(inside, self.y, 0.0)
        everyone = bool(inside.all())  # no row outside: no masking passes
        g = self.groups if everyone else np.where(inside, self.groups, 0)
        centre = value[g] if self.x is None else value[g] * self.x
        z = np.subtract(self.y, centre, out=centre)
        z /= tx[g]
        return z if everyone else np.where(inside, z, 0.0)

    def counts(self) -> IntArray:
        """Rows of each domain."""
        if self.whole:
            return np.array([self.groups.shape[0]], dtype=np.intp)
        return np.bincount(self.groups, minlength=self.n_groups + 1)[: self.n_groups]


def check_denominator(kind: Kind, tx: FloatArray | None, labels: Sequence[Hashable]) -> None:
    """Refuse a domain whose denominator total is zero (no mean, no ratio)."""
    if tx is None:
        return
    zero = np.flatnonzero(tx <= 0) if kind == "mean" else np.flatnonzero(tx == 0)
    if zero.size == 0:
        return
    label = labels[int(zero[0])]
    where = "the design" if label is None else f"domain {label!r}"
    if kind == "ratio":
        raise InsufficientDataError(f"the estimated denominator total is zero in {where}: no ratio")
    raise InsufficientDataError(
        f"{where} has no rows with a value and a positive weight: no mean can be estimated"
    )


def point_values(ty: FloatArray, tx: FloatArray | None, labels: Sequence[Hashable]) -> FloatArray:
    """The point value of every domain from its totals (a total: ``ty`` itself).

    Raises
    ------
    servqual.errors.EstimationError
        If a ratio overflows float64 (a tiny denominator total against its numerator).
    """
    if tx is None:
        return ty
    with np.errstate(over="ignore"):
        value = ty / tx
    huge = np.flatnonzero(~np.isfinite(value) & np.isfinite(ty))
    if huge.size:
        label = labels[int(huge[0])]
        where = "" if label is None else f" in domain {label!r}"
        raise EstimationError(
            f"the ratio{where} overflows float64 (the denominator total {tx[huge[0]]:g} is "
            "tiny against the numerator's): rescale the columns"
        )
    return value
