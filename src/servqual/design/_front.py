"""The estimator front shared by :class:`~servqual.Design` and :class:`~servqual.ReplicateDesign`.

Each estimator is written once: parse the columns, build the
:class:`~servqual.design._estimators.RatioStatistic` over the domains (the whole design is
one domain), take its point value from the full-sample weights, and ask the design's
backend (:mod:`servqual.design._backends`) for the variances. :func:`domain_estimates`,
the one place that turns per-domain arrays into :class:`~servqual.Estimate` objects, is
kept apart from the rest so that a change of interval or of degrees of freedom happens
in one function.
"""

from __future__ import annotations

import warnings
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.design._backends import Backend, Replication, Variances
from servqual.design._by import Domains
from servqual.design._estimators import (
    IntervalKind,
    Kind,
    NaPolicy,
    RatioStatistic,
    indicator,
    numeric_values,
)
from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.models.results import Estimate, many_estimates
from servqual.stats.quantiles import check_level, critical_value
from servqual.stats.svyciprop import svy_proportion_interval
from servqual.stats.variance import standard_error

__all__ = [
    "Estimable",
    "domain_estimates",
    "evaluate",
    "linear_estimates",
    "proportion_estimates",
    "shares",
    "statistic",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_LOGIT_LABEL = "replicate-logit"


class Estimable(Protocol):
    """A design as the front sees it: data columns, a variance backend, its share methods."""

    proportion_methods: tuple[str, ...]

    @property
    def backend(self) -> Backend:
        """The variance backend."""

    def column(self, name: str) -> npt.NDArray[Any]:
        """One data column."""


def _groups(domains: Domains | None, present: npt.NDArray[np.bool_]) -> tuple[IntArray, int]:
    """Domain code per row; rows without a value get the "outside" code ``n_groups``."""
    if domains is None:
        return np.where(present, 0, 1).astype(np.intp), 1
    g = domains.n_groups
    codes = domains.codes if present.all() else np.where(present, domains.codes, g)
    return codes.astype(np.intp, copy=False), g


def statistic(
    kind: Kind,
    ys: list[tuple[FloatArray, npt.NDArray[np.bool_]]],
    domains: Domains | None,
) -> RatioStatistic:
    """The estimator over the domains; ``ys`` holds (values, present) per column used."""
    present = np.logical_and.reduce([ok for _, ok in ys])
    groups, n_groups = _groups(domains, present)
    labels = [None] if domains is None else domains.labels
    x = ys[1][0] if kind == "ratio" else None
    return RatioStatistic(kind, ys[0][0], x, groups, n_groups, labels)


def evaluate(
    design: Estimable, stat: RatioStatistic
) -> tuple[FloatArray, FloatArray | None, Variances]:
    """Point values (full-sample weights), denominator totals and the backend's variances."""
    ty, tx = stat.totals(design.backend.weights)
    stat.check(tx)
    value = stat.value(ty, tx)
    return value, tx, design.backend.variances(stat, value, tx)


def linear_estimates(
    design: Estimable,
    kind: Kind,
    cols: tuple[str, ...],
    domains: Domains | None,
    *,
    level: float,
    na: NaPolicy,
    interval: IntervalKind,
) -> list[Estimate]:
    """Mean, total or ratio (``cols = (num, den)``) of every domain (``None``: the design)."""
    level = check_level(level)
    if interval not in ("t", "normal"):
        raise ParameterError(f"interval must be one of ['t', 'normal'], got {interval!r}")
    parsed = [numeric_values(design.column(col), col, na) for col in cols]
    stat = statistic(kind, parsed, domains)
    value, _, var = evaluate(design, stat)
    df = design.backend.df if interval == "t" else None
    return domain_estimates(
        design.backend, value, var, stat.counts(), df, level, several=domains is not None
    )


def proportion_estimates(
    design: Estimable,
    col: str,
    value: object,
    domains: Domains | None,
    *,
    level: float,
    method: str,
    methods: tuple[str, ...],
    na: NaPolicy,
) -> list[Estimate]:
    """The share of ``col == value`` in every domain, R ``svyciprop``'s intervals."""
    level = check_level(level)
    if method not in methods:
        raise ParameterError(f"method must be one of {list(methods)}, got {method!r}")
    stat = statistic("mean", [indicator(design.column(col), col, value, na)], domains)
    p, _, var = evaluate(design, stat)
    return domain_estimates(
        design.backend, p, var, stat.counts(), design.backend.df, level, proportion=method
    )


def _logit_bounds(
    backend: Replication, p: FloatArray, reps: FloatArray, df: float, level: float
) -> tuple[FloatArray, FloatArray]:
    """R's ``svyciprop(method="logit")`` on a replicate design: replicate variance of logit p."""
    with np.errstate(divide="ignore", invalid="ignore"):
        eta, eta_r = special.logit(p), special.logit(reps)
    var = backend._variance(eta, eta_r)
    half = critical_value(level, df) * np.sqrt(var)
    return special.expit(eta - half), special.expit(eta + half)


def _proportion_bounds(
    backend: Backend,
    p: FloatArray,
    se: FloatArray,
    var: Variances,
    n: IntArray,
    df: float,
    level: float,
    method: str,
) -> tuple[FloatArray, FloatArray]:
    if not (method == "logit" and isinstance(backend, Replication)):
        return svy_proportion_interval(p, se, df, n, level, method)
    low, high = np.empty_like(p), np.empty_like(p)
    inner = (p > 0) & (p < 1) & (se > 0) & (df > 0)
    if inner.any() and var.replicates is not None:
        low[inner], high[inner] = _logit_bounds(
            backend, p[inner], var.replicates[:, inner], df, level
        )
    rest = ~inner
    if rest.any():
        low[rest], high[rest] = svy_proportion_interval(
            p[rest], se[rest], df, n[rest], level, "mean"
        )
    return low, high


def _symmetric_bounds(
    value: FloatArray, se: FloatArray, df: float | None, level: float
) -> tuple[FloatArray, FloatArray]:
    """:func:`~servqual.stats.symmetric_interval` of every domain: one quantile for all."""
    q = critical_value(level, df)
    half = np.where(np.isnan(se), np.nan, q * se)
    return value - half, value + half


def domain_estimates(
    backend: Backend,
    value: FloatArray,
    var: Variances,
    n: IntArray,
    df: float | None,
    level: float,
    *,
    several: bool = False,
    proportion: str | None = None,
) -> list[Estimate]:
    """One :class:`Estimate` per domain from its value, variance, row count and ``df``.

    ``several``: the values are domains of a ``by()`` (a one-row domain then has no
    standard error under linearization). ``proportion`` names a
    :mod:`servqual.stats.svyciprop` method (``"logit"`` on a replicate design: the
    replicate variance of the logit, ``ci.method="replicate-logit"``).
    """
    se = standard_error(value, np.maximum(var.var, 0.0))
    if proportion is not None:
        assert df is not None  # internal: proportions always use the design df
        low, high = _proportion_bounds(backend, value, se, var, n, df, level, proportion)
        replicate_logit = proportion == "logit" and isinstance(backend, Replication)
        method = _LOGIT_LABEL if replicate_logit else proportion
    else:
        if df is not None and df <= 0:
            warnings.warn(
                backend.df_message().format(df=df)
                + ", so no t quantile exists: the interval is NaN",
                DegenerateDataWarning,
                stacklevel=4,
            )
        single = n < 2
        if several and backend.undefined_single_row and single.any() and value.shape[0] > 1:
            warnings.warn(
                f"{int(single.sum())} domain(s) rest on a single row: no standard error can "
                "be estimated there, so their standard error and interval are NaN",
                DegenerateDataWarning,
                stacklevel=4,
            )
            se = np.where(single, np.nan, se)
        low, high = _symmetric_bounds(value, se, df, level)
        method = "t" if df is not None else "normal"
    return many_estimates(value, se, low, high, n, df=df, level=level, method=method, deff=var.deff)


def shares(
    design: Estimable, raw: npt.NDArray[Any], present: npt.NDArray[np.bool_], *, level: float
) -> dict[str, Estimate]:
    """Share of every category of ``raw`` among the rows with a value (R ``svymean``).

    The factor's categories are keyed by their text, with t intervals and design effects.
    Each category is the mean of its indicator over the one domain of present rows: one
    O(rows) pass per category.
    """
    level = check_level(level)
    cats = np.unique(raw[present])
    groups = np.where(present, 0, 1).astype(np.intp)
    values, variances, deffs = [], [], []
    for cat in cats:  # loop over categories (few), never over rows
        hit = np.asarray(raw == cat, dtype=bool) & present
        stat = RatioStatistic("mean", hit.astype(np.float64), None, groups, 1, [None])
        value, _, var = evaluate(design, stat)
        values.append(value[0])
        variances.append(var.var[0])
        deffs.append(np.nan if var.deff is None else var.deff[0])
    n = np.full(len(cats), int(present.sum()), dtype=np.intp)
    var_all = Variances(np.array(variances), np.array(deffs))
    ests = domain_estimates(
        design.backend,
        np.array(values),
        var_all,
        n,
        design.backend.df,
        level,
        several=len(cats) > 1,
    )
    labels = [c.item() if hasattr(c, "item") else c for c in cats]
    return {str(label): e for label, e in zip(labels, ests, strict=True)}
