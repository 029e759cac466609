"""Means, totals, ratios and shares of an engine frame, per domain (private).

The rows never leave the engine: it sums a handful of weighted variables per
(stratum, PSU, domain) cell (:mod:`servqual.engines._reduce`); the point values, the
variances (:mod:`servqual.engines._variance`) and the :class:`~servqual.Estimate` objects
(:func:`servqual.design._front.domain_estimates`) are computed from that summary by the
same functions as in memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._backends import Linearization, Variances
from servqual.design._estimators import IntervalKind, Kind, RatioStatistic, check_na
from servqual.design._front import domain_estimates
from servqual.engines._reduce import Cells, EngineDesignSpec, Sum, by_columns, reduce_cells
from servqual.engines._validate import (
    Rule,
    check_rules,
    missing,
    no_missing_screen,
    not_finite,
    range_screen,
    require_numeric,
)
from servqual.engines._variance import cell_variances
from servqual.errors import ParameterError, ValidationError
from servqual.models.results import Estimate
from servqual.stats.quantiles import check_level
from servqual.stats.variance import srs_variance_from_sums

__all__ = ["EngineBackend", "linear", "subset_df"]

FloatArray = npt.NDArray[np.float64]
_HINT = " (pass na='domain' to estimate over the rows that have a value)"


class EngineBackend(Linearization):
    """Linearization whose degrees of freedom come from the engine's summary."""

    def __init__(self, df: float) -> None:
        self._df = df

    @property
    def df(self) -> float:
        """PSUs minus strata, counted by the engine (R ``degf``)."""
        return self._df


def _value_rules(lazy: Any, cols: tuple[str, ...], na: str, numeric: bool) -> list[Rule]:
    """Missing values (``na="fail"``) and infinite values are errors naming the row."""
    import narwhals as nw

    rules = []
    for col in cols:
        if na == "fail":
            bad = not_finite(col) if numeric else missing(lazy, col)
            screen = (
                range_screen(lazy, col, finite=True) if numeric else no_missing_screen(lazy, col)
            )
            hint = _HINT
        elif numeric:
            bad = nw.col(col).cast(nw.Float64).abs() == float("inf")
            screen = range_screen(lazy, col, nulls=True, finite=True)
            hint = ""
        else:
            continue

        def message(place: str, value: object, n: int, col: str = col, hint: str = hint) -> str:
            return f"column {col!r} has a missing or non-finite value in {place}: {value!r}" + (
                hint if value is None or value != value else ""
            )

        rules.append(Rule(bad, col, ValidationError, message, screen))
    return rules


def row_values(lazy: Any, kind: Kind, cols: tuple[str, ...], success: object) -> tuple[Any, ...]:
    """Per-row ``y``, ``x`` and the presence flag ``p`` (0 where a column is missing)."""
    import narwhals as nw

    present = ~missing(lazy, cols[0])
    for col in cols[1:]:
        present = present & ~missing(lazy, col)
    if success is not None:
        y = nw.when(present & (nw.col(cols[0]) == success)).then(1.0).otherwise(0.0)
    else:
        y = nw.when(present).then(nw.col(cols[0]).cast(nw.Float64)).otherwise(0.0)
    p = nw.when(present).then(1.0).otherwise(0.0)
    x = (
        nw.when(present).then(nw.col(cols[1]).cast(nw.Float64)).otherwise(0.0)
        if kind == "ratio"
        else p
    )
    return y, x, p, present


def variables(
    lazy: Any, kind: Kind, cols: tuple[str, ...], success: object, w: Any
) -> dict[str, Sum]:
    """The per-row sums of the estimator: ``w y``, ``w x`` and the srs (design effect) sums."""
    import narwhals as nw

    y, x, p, present = row_values(lazy, kind, cols, success)
    return {
        "wy": Sum(w * y, 1),
        "wx": Sum(w * x, 1),
        "w": Sum(w * p, 1),
        "pos": Sum(nw.when(present & (w > 0)).then(1.0).otherwise(0.0), 0),
        "rows": Sum(p, 0),
        "wyy": Sum(w * y * y, 1),
        "wxy": Sum(w * x * y, 1),
        "wxx": Sum(w * x * x, 1),
    }


def check_arguments(
    lazy: Any,
    cols: tuple[str, ...],
    level: float,
    na: str,
    interval: str,
    df_rule: str,
    success: object,
) -> float:
    """The argument and value checks of :func:`linear`, in its order; the level."""
    level = check_level(level)
    check_na(na)
    if interval not in ("t", "normal"):
        raise ParameterError(f"interval must be one of ['t', 'normal'], got {interval!r}")
    if df_rule not in ("domain", "design"):
        raise ParameterError(f"df must be one of ['domain', 'design'], got {df_rule!r}")
    names = set(lazy.collect_schema().names())
    for col in cols:
        if col not in names:
            raise ValidationError(f"column {col!r} is not in the data; columns: {sorted(names)}")
    if success is None:
        for col in cols:
            require_numeric(lazy, col, ValidationError, f"column {col!r}")
    check_rules(lazy, _value_rules(lazy, cols, na, numeric=success is None))
    return level


def linear(
    lazy: Any,
    spec: EngineDesignSpec,
    kind: Kind,
    cols: tuple[str, ...],
    by: Any,
    *,
    level: float,
    na: str,
    interval: IntervalKind = "t",
    success: object = None,
    method: str | None = None,
    df_rule: str = "design",
) -> tuple[list[Estimate], Cells]:
    """Estimates of every domain (``by=None``: one) of a mean, total, ratio or share.

    ``df_rule="domain"``: a share's interval uses each domain's subset-design df, as
    :func:`servqual.design._front.proportion_estimates` does.
    """
    level = check_arguments(lazy, cols, level, na, interval, df_rule, success)
    by_cols = by_columns(lazy, by)
    sums = variables(lazy, kind, cols, success, spec.weight_expr())
    cells = reduce_cells(lazy, spec, by_cols, sums, ["wy", "wx"], by_field="domain column")
    ty, tx = cells.total("wy"), cells.total("wx")
    labels = [None] if cells.domains is None else cells.domains.labels
    none = np.zeros(0)
    stat = RatioStatistic(kind, none, None, np.zeros(0, dtype=np.intp), cells.n_groups, labels)
    if kind == "total":
        coef, value = np.column_stack([np.ones_like(ty), np.zeros_like(ty)]), ty
    else:
        stat.check(tx)
        value = ty / tx
        coef = np.column_stack([1.0 / tx, -value / tx])
    var = cell_variances(cells, ["wy", "wx"], coef)
    sum_wz = coef[:, 0] * ty + coef[:, 1] * tx
    sum_wzz = (
        coef[:, 0] ** 2 * cells.total("wyy")
        + 2.0 * coef[:, 0] * coef[:, 1] * cells.total("wxy")
        + coef[:, 1] ** 2 * cells.total("wxx")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = srs_variance_from_sums(cells.total("pos"), cells.total("w"), sum_wz, sum_wzz)
        deff = np.where(vsrs > 0, var / np.where(vsrs > 0, vsrs, 1.0), np.nan)
    counts = np.rint(cells.total("rows")).astype(np.intp)
    backend = EngineBackend(cells.df)
    df: float | FloatArray | None = cells.df if (interval == "t" or method is not None) else None
    if method is not None and cells.domains is not None and df_rule == "domain":
        df = subset_df(cells)
    ests = domain_estimates(
        backend,
        value,
        Variances(var, deff),
        counts,
        df,
        level,
        several=cells.domains is not None and method is None,
        proportion=method,
    )
    return ests, cells


def subset_df(cells: Cells) -> FloatArray:
    """R's ``degf`` of each domain's subset design, from the cells' counts.

    First-stage units with a row of the domain (a value, positive weight) minus the
    strata with such a row; a domain holding every row keeps the design's df (as
    :func:`servqual.design.ciprop.subset_df` does with the rows).
    """
    pos = cells.sums["pos"]
    inset = pos > 0
    g, n_groups = cells.g[inset], cells.n_groups
    rows = np.bincount(g, weights=pos[inset], minlength=n_groups)
    # with clusters a cell is one (stratum, PSU, domain); without, each row is a unit
    units = rows if cells.psu is None else np.bincount(g, minlength=n_groups)
    pairs = np.unique(cells.h[inset].astype(np.int64) * n_groups + g)
    strata = np.bincount(pairs % n_groups, minlength=n_groups)
    out = np.where(rows == cells.rows.sum(), cells.df, units - strata)
    return np.asarray(out, dtype=np.float64)
