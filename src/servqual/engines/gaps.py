r"""SERVQUAL gaps and SERVPERF of forms whose rows stay in an engine.

Every SERVQUAL figure is a fixed average of item means (an item's gap
``Q_j = Σ w a_j D_j / Σ w a_j`` with ``D = P − E`` on the rows that answered item ``j``
on both forms; a dimension the mean of its items; the overall gap the mean of the
dimensions), so its influence values are the same average of the items'
``w z_j = (w a_j D_j − Q_j · w a_j) / Σ w a_j``. The engine sums, per (stratum, PSU,
domain) cell and item, ``w a D``, ``w a`` and the pair count (``2k`` sums and ``k``
counts), and the rows with any pair; without clusters also the products of the ``2k``
sums, pairwise (the overall gap mixes them all). SERVPERF is the same with the
perceptions ``P`` in place of ``D``.

The weighted SERVQUAL is a design mean of a per-row score,
``S_i = Σ_d (points_id / 100) · mean gap of respondent i on dimension d``, defined on
the rows with a pair in every dimension; the engine computes ``S`` row by row from the
importance-point columns and sums ``w S``, ``w`` and the count over those rows. The
points are checked there too (finite, non-negative, summing to 100), with the in-memory
errors. The results come from the in-memory finishing steps
(:func:`servqual.indices._profile.profiles_from`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.engines._items import (
    add_products,
    answered_any,
    check_uncalibrated,
    combination_variance,
    item_means,
    item_sums,
    scored,
)
from servqual.engines._reduce import Cells, Sum, by_columns, reduce_cells
from servqual.engines._validate import Rule, check_rules, not_finite, require_numeric
from servqual.engines._variance import cell_variances
from servqual.engines.responses import EngineResponses
from servqual.errors import InsufficientDataError, ParameterError, ServqualTypeError
from servqual.indices._common import DomainMeans, plain
from servqual.indices._profile import dimension_columns, profile_values, profile_weights

__all__ = ["EngineProfiles", "engine_profiles"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class EngineProfiles:
    """What the finishing steps need, per domain.

    The (G, k + d + 1) figures, their variances and counts; the weighted SERVQUAL (when
    points were given); the domain keys and the design df.
    """

    keys: list[Any]
    values: FloatArray
    var: FloatArray
    n: FloatArray
    weighted: DomainMeans | None
    df: float


def _point_columns(points: object, dims: list[str], engine: str) -> dict[str, str]:
    """The importance-point column of each dimension (as ``servqual_gaps`` checks a mapping)."""
    if not isinstance(points, Mapping) or not all(isinstance(v, str) for v in points.values()):
        raise ServqualTypeError(
            f"importance_points on a {engine} frame must map each dimension to a column of "
            "the frame ({dimension: column name}): an array cannot be paired with rows that "
            "have no order"
        )
    unknown = [k for k in points if k not in dims]
    missing = [d for d in dims if d not in points]
    if unknown or missing:
        raise ParameterError(
            f"importance_points must have one entry per dimension {dims}; "
            f"unknown: {unknown}, missing: {missing}"
        )
    return {d: str(points[d]) for d in dims}


def _check_points(lazy: Any, cols: dict[str, str]) -> None:
    """Finite, non-negative points summing to 100 on every row (two engine queries)."""
    import narwhals as nw

    names = set(lazy.collect_schema().names())
    rules = []
    for d, col in cols.items():
        if col not in names:
            raise ParameterError(
                f"importance_points names column {col!r} for dimension {d!r}, which is not in "
                f"the frame; columns: {sorted(names)}"
            )
        require_numeric(lazy, col, ParameterError, f"importance points of dimension {d!r}")

        def bad_value(place: str, value: object, n: int, d: str = d) -> str:
            more = f" ({n} rows in all)" if n > 1 else ""
            return (
                f"importance points of dimension {d!r} in {place} must be finite and "
                f"non-negative, got {plain(value)!r}{more}"
            )

        bad = not_finite(col) | (nw.col(col).cast(nw.Float64) < 0)
        rules.append(Rule(bad, col, ParameterError, bad_value))
    check_rules(lazy, rules)
    total = _added([nw.col(col).cast(nw.Float64) for col in cols.values()])

    def bad_sum(place: str, value: object, n: int) -> str:
        more = f" ({n} respondents in all)" if n > 1 else ""
        return f"importance points in {place} sum to {float(value):g}, not 100{more}"  # type: ignore[arg-type]  # a number from the engine

    summed = lazy.with_columns(total.alias("__sq_points"))
    off = (nw.col("__sq_points") - 100.0).abs() > 1e-6
    check_rules(summed, [Rule(off, "__sq_points", ParameterError, bad_sum)])


def _added(exprs: list[Any]) -> Any:
    """The row-wise sum of expressions by ``+`` (Dask refuses ``sum_horizontal`` of them)."""
    out = exprs[0]
    for e in exprs[1:]:
        out = out + e
    return out


def _weighted_score(
    pairs: list[tuple[Any, Any]], dims: dict[str, list[int]], cols: dict[str, str]
) -> tuple[Any, Any]:
    """``S_i`` row by row and whether it is defined (a pair in every dimension)."""
    import narwhals as nw

    score: Any = None
    ok: Any = None
    for d, items in dims.items():
        k = _added([nw.when(pairs[j][1]).then(1.0).otherwise(0.0) for j in items])
        t = _added([nw.when(pairs[j][1]).then(pairs[j][0]).otherwise(0.0) for j in items])
        mean = t / nw.when(k > 0).then(k).otherwise(1.0)
        term = nw.col(cols[d]).cast(nw.Float64) / 100.0 * mean
        score = term if score is None else score + term
        ok = (k > 0) if ok is None else ok & (k > 0)
    return score, ok


def _weighted_means(cells: Cells) -> DomainMeans:
    """The weighted SERVQUAL of every domain (``domain_means`` of the scores, in memory)."""
    size = cells.total("so")
    if np.any(size <= 0):
        raise InsufficientDataError(
            "item 'weighted SERVQUAL' has no answers in this group: no mean"
        )
    mean = cells.total("sw") / size
    var = cell_variances(cells, ["sw", "so"], np.column_stack([1.0 / size, -mean / size]))
    return DomainMeans(mean, var, np.rint(cells.total("sn")).astype(np.intp))


def engine_profiles(
    first: EngineResponses,
    second: EngineResponses | None,
    by: Any,
    points: object = None,
) -> EngineProfiles:
    """Gaps ``first − second`` (SERVQUAL), or ``first`` alone (SERVPERF), per domain.

    The forms are checked by the caller; ``points`` maps each dimension to a column.
    """
    check_uncalibrated(first)
    inst = first.instrument
    dims = dimension_columns(inst)
    k = len(inst.items)
    lazy, spec = first.lazy, first.design.spec
    engine = str(first.design.engine)
    cols = None if points is None else _point_columns(points, list(dims), engine)
    if cols is not None:
        _check_points(lazy, cols)
    pairs = []
    for j in range(k):
        y, a = scored(first, j)
        if second is not None:
            y_e, a_e = scored(second, j)
            y, a = y - y_e, a & a_e
        pairs.append((y, a))
    w = spec.weight_expr()
    sums = item_sums("g", pairs, w)
    sums["n"] = Sum(answered_any([a for _, a in pairs]), 0)
    groups = [[f"g{v}{j}" for v in "ya" for j in range(k)]]
    if cols is not None:
        import narwhals as nw

        score, ok = _weighted_score(pairs, dims, cols)
        sums["sw"] = Sum(w * nw.when(ok).then(score).otherwise(0.0), 1)
        sums["so"] = Sum(w * nw.when(ok).then(1.0).otherwise(0.0), 1)
        sums["sn"] = Sum(nw.when(ok).then(1.0).otherwise(0.0), 0)
        groups.append(["sw", "so"])
    add_products(sums, groups, spec.clusters is not None)
    cells = reduce_cells(lazy, spec, by_columns(lazy, by), sums, [])
    items = item_means(cells, "g", inst.item_ids)
    values, n = profile_values(items.means, items.counts, np.rint(cells.total("n")), dims)
    weights = profile_weights(dims, k)
    g = items.means.shape[0]
    var = np.column_stack(
        [
            combination_variance(cells, [(items, np.broadcast_to(weights[:, m], (g, k)))])
            for m in range(weights.shape[1])
        ]
    )
    keys = ["all"] if cells.domains is None else list(cells.domains.keys)
    weighted = None if cols is None else _weighted_means(cells)
    return EngineProfiles(keys, values, var, n, weighted, cells.df)
