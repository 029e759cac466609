r"""The reduce step inside the engine: per (stratum, PSU, domain) sums by its own group-by.

Every estimator here is a smooth function of weighted totals, and its influence values
are linear in a few per-row variables ``v`` (``w·y`` and ``w·x`` for a ratio; ``w·a_j·c_j``
and ``w·a_j`` per element for the SKM index). So the engine only has to return, for each
(stratum, PSU, domain) cell that has rows, the sums of those variables; the PSU total of
the influence values of a cell is then ``b_g · T_cell`` with the domain's coefficients
``b_g``, computed on the client from the small summary.

A design without clusters has one PSU per row; the cells are then (stratum, domain) and
the sum of squares of the PSU totals needs the cross-products ``Σ (w v_a)(w v_b)`` as
well (``Q = bᵀ M b``). Either way the summary has one row per non-empty cell, never one
per respondent. The weights enter as an expression; a sum records its power of the
weights (0, 1 or 2) so a design whose weights come from the fpc (``N_h / n_h``) can be
reduced with unit weights and scaled per stratum afterwards.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._build import _population, category_codes, domain_codes, factorize
from servqual.design._by import Domains, check_by, code_domains
from servqual.errors import DesignError, ValidationError
from servqual.stats.domain_variance import StrataInfo
from servqual.stats.variance import LonelyPSU, design_df

__all__ = ["Cells", "EngineDesignSpec", "Sum", "by_columns", "reduce_cells"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class EngineDesignSpec:
    """The design columns of an engine frame (names), and the lonely-PSU policy."""

    weights: str | None
    strata: str | None
    clusters: str | None
    fpc: str | None
    lonely_psu: LonelyPSU

    def weight_expr(self) -> Any:
        """The weight of each row as an engine expression (1 when the fpc gives them)."""
        import narwhals as nw

        if self.weights is None:
            return nw.lit(1.0)
        return nw.col(self.weights).cast(nw.Float64)


@dataclass(frozen=True)
class Sum:
    """One summed variable: its engine expression and its power of the weights.

    ``count=True``: the cell value is the number of non-null values of ``expr`` (the
    engine's own ``count``, cheaper than summing a 0/1 variable); such a sum has no
    cross-products.
    """

    expr: Any
    power: int
    count: bool = False

    def agg(self) -> Any:
        """The aggregation of the cell (a float sum, or the count of non-null values)."""
        import narwhals as nw

        return self.expr.count() if self.count else self.expr.cast(nw.Float64).sum()


@dataclass(frozen=True)
class Cells:
    """The summary that comes back from the engine, coded on the client.

    Attributes
    ----------
    h : (m,) int array
        Stratum of each cell.
    g : (m,) int array
        Domain of each cell (0 without ``by``).
    psu : (m,) int array or None
        PSU of each cell (``None``: no clusters, the cells are (stratum, domain)).
    rows : (m,) int array
        Rows in each cell.
    sums : dict of str to (m,) float array
        The sums of the requested variables, weights already scaled when they come from
        the fpc.
    domains : Domains or None
        Keys and labels of the domains (``None`` without ``by``).
    strata : StrataInfo
        PSUs and population per stratum, for the variance.
    """

    h: IntArray
    g: IntArray
    psu: IntArray | None
    rows: IntArray
    sums: dict[str, FloatArray]
    domains: Domains | None
    strata: StrataInfo

    @property
    def n_groups(self) -> int:
        """Number of domains."""
        return 1 if self.domains is None else self.domains.n_groups

    @property
    def df(self) -> float:
        """PSUs minus strata (R ``degf``)."""
        n_h = self.strata.psu_per_stratum
        return design_df(int(n_h.sum()), len(self.strata.strata))

    def total(self, name: str) -> FloatArray:
        """Per-domain total of one summed variable."""
        out = np.bincount(self.g, weights=self.sums[name], minlength=self.n_groups)
        return np.asarray(out, dtype=np.float64)

    def domain_rows(self) -> IntArray:
        """Rows per domain."""
        out = np.bincount(self.g, weights=self.rows, minlength=self.n_groups)
        return out.astype(np.intp)


def by_columns(lazy: Any, by: Any) -> tuple[str, ...]:
    """The ``by`` column names (``None``: none), each checked to be in the frame."""
    if by is None:
        return ()
    names = check_by(by)
    present = set(lazy.collect_schema().names())
    for name in names:
        if name not in present:
            raise ValidationError(f"column {name!r} is not in the data; columns: {sorted(present)}")
    return names


def reduce_cells(
    lazy: Any,
    spec: EngineDesignSpec,
    by: tuple[str, ...],
    sums: dict[str, Sum],
    cross: list[str],
    *,
    by_field: str = "by column",
) -> Cells:
    """Group the engine frame by (stratum, PSU, domain) and bring back the cell sums.

    ``cross`` names the summed variables whose pairwise products are needed when the
    design has no clusters (their names are ``"a*b"``); ``by_field`` words the error of
    a missing ``by`` label.
    """
    import narwhals as nw

    # a by column may also be the strata or clusters column: group by each name once
    keys = list(
        dict.fromkeys([c for c in (spec.strata, spec.clusters) if c is not None] + list(by))
    )
    aggs = dict(sums)
    if spec.clusters is None:
        for i, a in enumerate(cross):
            for b in cross[i:]:
                power = sums[a].power + sums[b].power
                aggs[f"{a}*{b}"] = Sum(sums[a].expr * sums[b].expr, power)
    fpc = None if spec.fpc is None else nw.col(spec.fpc).cast(nw.Float64)
    if lazy.implementation == nw.Implementation.DASK:
        # Dask aggregates only plain columns: reduce each partition where it lives
        from servqual.engines._dask import dask_cells

        row = {n: (~s.expr.is_null() if s.count else s.expr) for n, s in aggs.items()}
        out = dask_cells(lazy, keys, row, fpc)
    else:  # the engine fuses the expressions into its aggregation
        exprs = [nw.len().alias("__rows"), *[s.agg().alias(name) for name, s in aggs.items()]]
        if fpc is not None:
            exprs += [fpc.min().alias("__fpc_lo"), fpc.max().alias("__fpc_hi")]
        query = lazy.group_by(*keys).agg(*exprs) if keys else lazy.select(*exprs)
        out = query.collect()
    _check_by_labels(lazy, out, by, by_field)
    return _code_cells(out, spec, by, aggs)


def _check_by_labels(lazy: Any, out: Any, by: tuple[str, ...], field: str) -> None:
    """A missing ``by`` label forms a cell of its own: find its row (a second, small query).

    The error is the in-memory one (:func:`~servqual.design._build.group_codes`): ``field``
    is ``"by column"`` for an index's ``by=``, ``"domain column"`` for ``Design.by``.
    """
    from servqual.design._build import missing_label_message, missing_mask
    from servqual.engines._validate import Rule, check_rules, missing

    for col in by:
        if missing_mask(_column(out, col)).any():
            name = f"{field} {col!r}"

            def message(place: str, value: object, n: int, name: str = name) -> str:
                return missing_label_message(name, place, value, n)

            check_rules(lazy, [Rule(missing(lazy, col), col, DesignError, message)])


def _column(out: Any, name: str) -> npt.NDArray[Any]:
    return np.asarray(out[name].to_numpy())


def _code_cells(
    out: Any, spec: EngineDesignSpec, by: tuple[str, ...], aggs: dict[str, Sum]
) -> Cells:
    """Codes of strata, PSUs and domains of the cells, and the per-stratum design facts."""
    m = len(out)
    labels: list[Hashable]
    if spec.strata is not None:
        h, labels = category_codes(_column(out, spec.strata), "strata")
    else:
        h, labels = np.zeros(m, dtype=np.intp), [None]
    rows = _column(out, "__rows").astype(np.intp)
    psu = None
    if spec.clusters is not None:
        c_codes, c_labels = category_codes(_column(out, spec.clusters), "clusters")
        psu, uniq = factorize(h.astype(np.int64) * len(c_labels) + c_codes)
        n_h = np.bincount(uniq // len(c_labels), minlength=len(labels)).astype(np.intp)
    else:
        n_h = np.bincount(h, weights=rows, minlength=len(labels)).astype(np.intp)
    pop = np.full(len(labels), np.inf)
    sums = {name: np.nan_to_num(_column(out, name).astype(np.float64)) for name in aggs}
    if spec.fpc is not None:
        lo, hi = _column(out, "__fpc_lo"), _column(out, "__fpc_hi")
        both = np.concatenate([lo, hi]).astype(np.float64)
        pop = _population(both, np.concatenate([h, h]), labels, n_h)
        if spec.weights is None:  # R: weights N_h / n_h from the fpc
            unit = (pop / n_h)[h]
            sums = {name: v * unit ** aggs[name].power for name, v in sums.items()}
    domains = None
    if by:
        domains = code_domains(lambda name: _column(out, name), list(by), domain_codes)
    g = np.zeros(m, dtype=np.intp) if domains is None else domains.codes
    strata = StrataInfo(n_h, pop, tuple(labels), spec.lonely_psu)
    return Cells(h, g, psu, rows, sums, domains, strata)
