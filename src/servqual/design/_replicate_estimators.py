"""Replicate-weight estimators over one or several domains at once (private).

Used by :class:`servqual.ReplicateDesign` and its ``by()``. For each domain (a column of
the 0/1 matrix ``d``) the statistic's ingredients are the columns ``d y`` (and ``d`` or
``d x``); one product with the full-sample weights and one with the (n × R) replicate
weights give the full-sample and replicate values of every domain at once.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.design._estimators import (
    IntervalKind,
    NaPolicy,
    estimate_from_variance,
    indicator,
    numeric_values,
)
from servqual.design.domains import DomainLabels, restrict_domains
from servqual.errors import DegenerateDataWarning, InsufficientDataError, ParameterError
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate, Interval
from servqual.stats.quantiles import check_level, critical_value
from servqual.stats.replicate_variance import replicate_variance
from servqual.stats.svyciprop import svy_proportion_interval

if TYPE_CHECKING:
    from servqual.design.replicates import ReplicateDesign

__all__ = [
    "ReplicateDomainEstimator",
    "ReplicateProportionMethod",
    "linear_estimates",
    "proportion_estimates",
]

FloatArray = npt.NDArray[np.float64]
ReplicateProportionMethod = Literal["logit", "xlogit", "asin", "beta", "mean"]
_PROPORTION_METHODS: tuple[str, ...] = get_args(ReplicateProportionMethod)
_LOGIT_LABEL = "replicate-logit"


def _replicated(
    design: ReplicateDesign,
    kind: str,
    ys: list[FloatArray],
    d: FloatArray,
    labels: Sequence[Hashable],
) -> tuple[FloatArray, FloatArray]:
    """Full-sample values (m,) and replicate values (R, m), from one product per weight set."""
    m = d.shape[1]
    if kind == "total":
        block = d * ys[0][:, None]
    else:  # mean: [d y, d]; ratio: [d y, d x]
        den = d if kind == "mean" else d * ys[1][:, None]
        block = np.hstack([d * ys[0][:, None], den])
    full = design.weights @ block
    reps = design.replicate_weights.T @ block
    if kind == "total":
        return full, reps
    zero = np.flatnonzero(full[m:] == 0)
    if zero.size:
        label = labels[int(zero[0])]
        where = "the design" if label is None else f"domain {label!r}"
        if kind == "ratio":
            raise InsufficientDataError(f"the estimated denominator total is zero in {where}")
        raise InsufficientDataError(
            f"{where} has no rows with a value and a positive weight: no mean can be estimated"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        rep_values = np.where(reps[:, m:] != 0, reps[:, :m] / reps[:, m:], np.nan)
    return full[:m] / full[m:], rep_values


def _check_df(df: float | None) -> None:
    if df is not None and df <= 0:
        warnings.warn(
            f"the replicate design has {df:g} degrees of freedom (rank of the replicate "
            "weights minus 1), so no t quantile exists: the interval is NaN",
            DegenerateDataWarning,
            stacklevel=4,
        )


def linear_estimates(
    design: ReplicateDesign,
    kind: Literal["mean", "total", "ratio"],
    cols: tuple[str, ...],
    matrix: FloatArray | None,
    labels: Sequence[Hashable],
    level: float,
    na: NaPolicy,
    interval: IntervalKind,
) -> list[Estimate]:
    """One estimate per domain (column of ``matrix``; ``None``: the whole design)."""
    level = check_level(level)
    if interval not in ("t", "normal"):
        raise ParameterError(f"interval must be one of ['t', 'normal'], got {interval!r}")
    parsed = [numeric_values(design.column(col), col, na) for col in cols]
    d = restrict_domains(matrix, np.logical_and.reduce([ok for _, ok in parsed]))
    value, reps = _replicated(design, kind, [y for y, _ in parsed], d, labels)
    var = replicate_variance(
        value, reps, scale=design.scale, rscales=design.rscales, mse=design.mse
    )
    df = design.df if interval == "t" else None
    _check_df(df)
    n = np.count_nonzero(d, axis=0)
    return [
        estimate_from_variance(float(v), float(s2), n=int(k), df=df, level=level)
        for v, s2, k in zip(value, var, n, strict=True)
    ]


def _logit_bounds(
    design: ReplicateDesign, p: FloatArray, reps: FloatArray, df: float, level: float
) -> tuple[FloatArray, FloatArray]:
    """R's ``svyciprop(method="logit")`` on a replicate design: replicate variance of logit p."""
    with np.errstate(divide="ignore", invalid="ignore"):
        eta, eta_r = special.logit(p), special.logit(reps)
    var = replicate_variance(eta, eta_r, scale=design.scale, rscales=design.rscales, mse=design.mse)
    half = critical_value(level, df) * np.sqrt(var)
    return special.expit(eta - half), special.expit(eta + half)


def proportion_estimates(
    design: ReplicateDesign,
    col: str,
    value: object,
    matrix: FloatArray | None,
    labels: Sequence[Hashable],
    level: float,
    method: str,
    na: NaPolicy,
) -> list[Estimate]:
    """The share of ``col == value`` in each domain, with R ``svyciprop``'s intervals."""
    level = check_level(level)
    if method not in _PROPORTION_METHODS:
        raise ParameterError(f"method must be one of {list(_PROPORTION_METHODS)}, got {method!r}")
    y, present = indicator(design.column(col), col, value, na)
    d = restrict_domains(matrix, present)
    p, reps = _replicated(design, "mean", [y], d, labels)
    var = replicate_variance(p, reps, scale=design.scale, rscales=design.rscales, mse=design.mse)
    se = np.sqrt(np.maximum(var, 0.0))
    n = np.count_nonzero(d, axis=0)
    df = design.df
    inner = (p > 0) & (p < 1) & (se > 0) & (df > 0)
    if method == "logit" and inner.any():
        low, high = np.empty_like(p), np.empty_like(p)
        low[inner], high[inner] = _logit_bounds(design, p[inner], reps[:, inner], df, level)
        rest = ~inner
        if rest.any():
            low[rest], high[rest] = svy_proportion_interval(
                p[rest], se[rest], df, n[rest], level, "mean"
            )
    else:
        low, high = svy_proportion_interval(p, se, df, n, level, method)
    label = _LOGIT_LABEL if method == "logit" else method
    return [
        Estimate(
            value=float(p[j]),
            se=float(se[j]),
            ci=Interval(low=float(low[j]), high=float(high[j]), level=level, method=label),
            n=int(n[j]),
            df=df,
        )
        for j in range(p.shape[0])
    ]


class ReplicateDomainEstimator(DomainLabels):
    """Estimators per domain of a replicate design; each returns ``dict[str, Estimate]``.

    Made by :meth:`ReplicateDesign.by`. A domain's replicates use only its rows (R
    ``svyby`` subsets the design, which keeps the replicate weights of the domain's rows),
    and intervals use the full design's ``df``. Keys are the domain labels as strings, in
    sorted order of the labels.

    Examples
    --------
    >>> import servqual as sq
    >>> jk = {f"r{i}": [0.0 if j == i else 6 / 5 for j in range(6)] for i in range(6)}
    >>> d = sq.ReplicateDesign({"paid": [10.0, 0, 5, 5, 0, 10], "desk": list("AABBBA"),
    ...                         "w": [1.0] * 6, **jk},
    ...                        weights="w", replicate_weights=list(jk), type="JK1")
    >>> {k: v.value for k, v in d.by("desk").total("paid").items()}
    {'A': 20.0, 'B': 10.0}
    """

    def __init__(self, design: ReplicateDesign, col: str) -> None:
        self.design = design
        self._init_domains(design.column(col), col)

    def mean(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> DomainResults[Estimate]:
        """Domain means (R ``svyby(~col, ~by, repdesign, svymean)``)."""
        return self._keyed(
            linear_estimates(
                self.design, "mean", (col,), self._matrix, self._raw_labels, level, na, interval
            )
        )

    def total(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> DomainResults[Estimate]:
        """Domain totals (R ``svyby(~col, ~by, repdesign, svytotal)``)."""
        return self._keyed(
            linear_estimates(
                self.design, "total", (col,), self._matrix, self._raw_labels, level, na, interval
            )
        )

    def ratio(
        self,
        num: str,
        den: str,
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> DomainResults[Estimate]:
        """Domain ratios (R ``svyby(~num, ~by, repdesign, svyratio, denominator=~den)``)."""
        return self._keyed(
            linear_estimates(
                self.design,
                "ratio",
                (num, den),
                self._matrix,
                self._raw_labels,
                level,
                na,
                interval,
            )
        )

    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: ReplicateProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> DomainResults[Estimate]:
        """Domain shares of ``col == value``; methods as :meth:`ReplicateDesign.proportion`."""
        return self._keyed(
            proportion_estimates(
                self.design, col, value, self._matrix, self._raw_labels, level, method, na
            )
        )
