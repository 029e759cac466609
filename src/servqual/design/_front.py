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
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.design._backends import Backend, Linearization, Replication, Variances
from servqual.design._build import group_codes
from servqual.design._by import Domains
from servqual.design._estimators import (
    IntervalKind,
    Kind,
    NaPolicy,
    RatioStatistic,
    indicator,
    numeric_values,
)
from servqual.design._whole import whole_sample
from servqual.design.ciprop import likelihood_bounds, subset_df
from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.models.results import Estimate, Interval, many_estimates
from servqual.stats.intervals import Bounds
from servqual.stats.quantiles import check_level, critical_value
from servqual.stats.svyciprop import svy_proportion_interval
from servqual.stats.variance import standard_error

__all__ = [
    "DfRule",
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
DfRule = Literal["domain", "design"]


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
    df = design.backend.df if interval == "t" else None
    whole = whole_sample(design, kind, cols, na) if domains is None else None
    if whole is not None:  # the whole design, every value present: no domain codes
        n = np.array([whole.n], dtype=np.intp)
        return domain_estimates(design.backend, whole.value, whole.variances, n, df, level)
    parsed = [numeric_values(design.column(col), col, na) for col in cols]
    stat = statistic(kind, parsed, domains)
    value, _, var = evaluate(design, stat)
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
    df: DfRule = "design",
) -> list[Estimate]:
    """The share of ``col == value`` in every domain, R ``svyciprop``'s intervals.

    ``df="domain"``: under linearization, each domain's interval uses the df of the
    domain's subset design (R ``svyby(..., svyciprop)``, :func:`~servqual.design.ciprop.subset_df`);
    ``"design"``: the backend's df. ``method="likelihood"`` needs each domain's rows
    (:func:`~servqual.design.ciprop.likelihood_bounds`).
    """
    level = check_level(level)
    if method not in methods:
        raise ParameterError(f"method must be one of {list(methods)}, got {method!r}")
    if df not in ("domain", "design"):
        raise ParameterError(f"df must be one of ['domain', 'design'], got {df!r}")
    y, present = indicator(design.column(col), col, value, na)
    stat = statistic("mean", [(y, present)], domains)
    p, _, var = evaluate(design, stat)
    backend = design.backend
    dfs: float | FloatArray = backend.df
    if df == "domain" and domains is not None and isinstance(backend, Linearization):
        dfs = subset_df(backend.arrays, stat.groups, stat.n_groups)
    ests = domain_estimates(backend, p, var, stat.counts(), dfs, level, proportion=method)
    if method != "likelihood":
        return ests
    se = np.array([e.se for e in ests])
    df_all = np.array([e.df for e in ests], dtype=np.float64)
    low, high, inner = likelihood_bounds(y, backend.weights, stat.groups, p, se, df_all, level)
    return [
        e.model_copy(
            update={
                "ci": Interval(low=float(low[j]), high=float(high[j]), level=level, method=method)
            }
        )
        if inner[j]
        else e
        for j, e in enumerate(ests)
    ]


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


def _all_proportion_bounds(
    backend: Backend,
    p: FloatArray,
    se: FloatArray,
    var: Variances,
    n: IntArray,
    df: FloatArray,
    level: float,
    method: str,
) -> tuple[FloatArray, FloatArray]:
    """:func:`_proportion_bounds` of every domain, one call per distinct df (few)."""
    interval = "logit" if method == "likelihood" else method  # likelihood: from the rows
    values = np.unique(df)
    if values.shape[0] == 1:
        return _proportion_bounds(backend, p, se, var, n, float(values[0]), level, interval)
    low, high = np.empty_like(p), np.empty_like(p)
    for u in values.tolist():  # loop over distinct df values, never over rows
        m = df == u
        reps = None if var.replicates is None else var.replicates[:, m]
        sub = Variances(var.var[m], None, reps)
        low[m], high[m] = _proportion_bounds(backend, p[m], se[m], sub, n[m], u, level, interval)
    return low, high


def domain_estimates(
    backend: Backend,
    value: FloatArray,
    var: Variances,
    n: IntArray,
    df: float | FloatArray | None,
    level: float,
    *,
    several: bool = False,
    proportion: str | None = None,
    bounds: Bounds | None = None,
) -> list[Estimate]:
    """One :class:`Estimate` per domain from its value, variance, row count and ``df``.

    ``several``: the values are domains of a ``by()`` (a one-row domain then has no
    standard error under linearization). ``proportion`` names a
    :mod:`servqual.stats.svyciprop` method (``"logit"`` on a replicate design: the
    replicate variance of the logit, ``ci.method="replicate-logit"``); proportions may
    give one ``df`` per domain (R ``svyby(..., svyciprop)``'s subset-design df).
    ``bounds`` is the range of every estimate (a share's is 0–1, set for proportions but
    for R's ``*_unclipped`` methods); intervals are cut to it
    (:func:`~servqual.stats.intervals.clip_to_bounds`).
    """
    if proportion is not None:
        # R's unclipped intervals may leave [0, 1] on purpose: they are not cut
        bounds = None if proportion.endswith("_unclipped") else (0.0, 1.0)
    se = standard_error(value, np.maximum(var.var, 0.0))
    dfs: FloatArray | None = None
    one_df: float | None = None
    if proportion is not None:
        assert df is not None  # internal: proportions always have a df
        dfs = np.broadcast_to(np.asarray(df, dtype=np.float64), value.shape)
        low, high = _all_proportion_bounds(backend, value, se, var, n, dfs, level, proportion)
        replicate_logit = proportion == "logit" and isinstance(backend, Replication)
        method = _LOGIT_LABEL if replicate_logit else proportion
    else:
        assert not isinstance(df, np.ndarray)  # internal: one df for linear estimators
        one_df = df
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
    return many_estimates(
        value,
        se,
        low,
        high,
        n,
        df=dfs if dfs is not None else one_df,
        level=level,
        method=method,
        deff=var.deff,
        bounds=bounds,
    )


def shares(
    design: Estimable,
    raw: npt.NDArray[Any],
    present: npt.NDArray[np.bool_],
    *,
    level: float,
    name: str = "the column",
) -> dict[str, Estimate]:
    """Share of every category of ``raw`` among the rows with a value (R ``svymean``).

    The factor's categories are keyed by their text, with t intervals and design effects.
    Each category is the mean of its indicator over the one domain of present rows: one
    O(rows) pass per category.
    """
    level = check_level(level)
    rows = np.flatnonzero(present)
    _, cats = group_codes(raw[rows], f"column {name!r}", lambda i: f"row {int(rows[i])}")
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
        bounds=(0.0, 1.0),
    )
    return {str(label): e for label, e in zip(cats, ests, strict=True)}
