"""``Design`` over a lazy engine frame: Polars ``LazyFrame``, DuckDB relation, Dask, Spark.

``sq.Design(frame, ...)`` returns an :class:`EngineDesign` when ``frame`` is such a
frame. Its estimators send one aggregation to the engine and get back per (stratum, PSU,
domain) sums; the rows stay where they are. What needs the rows themselves
(calibration, per-row columns) is refused with a message saying to collect first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from servqual.design._estimators import IntervalKind, Kind, NaPolicy
from servqual.design.design import Design
from servqual.engines._linear import EngineBackend, linear
from servqual.engines._native import check_columns, engine_of, narwhals_frame
from servqual.engines._reduce import EngineDesignSpec, reduce_cells
from servqual.engines._validate import Rule, check_rules, missing, not_finite, require_numeric
from servqual.errors import DesignError, ServqualTypeError
from servqual.models.results import Estimate
from servqual.stats.svyciprop import SvyProportionMethod
from servqual.stats.variance import LonelyPSU, check_lonely_psu

__all__ = ["EngineDesign", "EngineDomainEstimator", "design_rules"]


def _weight_message(place: str, value: object, n: int) -> str:
    more = f" ({n} rows in all)" if n > 1 else ""
    return f"weights must be finite and non-negative; {place} has {value!r}{more}"


def _missing_label(field: str) -> Callable[[str, object, int], str]:
    def message(place: str, value: object, n: int) -> str:
        return f"{field} is missing in {place}: {value!r}"

    return message


def design_rules(lazy: Any, spec: EngineDesignSpec) -> list[Rule]:
    """The design columns' rules: finite non-negative weights, no missing labels, fpc > 0."""
    import narwhals as nw

    rules = []
    for field, col in (("weights", spec.weights), ("fpc", spec.fpc)):
        if col is not None:
            require_numeric(lazy, col, DesignError, field)
    if spec.weights is not None:
        bad = not_finite(spec.weights) | (nw.col(spec.weights).cast(nw.Float64) < 0)
        rules.append(Rule(bad, spec.weights, DesignError, _weight_message))
    for field, col in (("strata", spec.strata), ("clusters", spec.clusters)):
        if col is not None:
            rules.append(Rule(missing(lazy, col), col, DesignError, _missing_label(field)))
    if spec.fpc is not None:
        bad = not_finite(spec.fpc) | (nw.col(spec.fpc).cast(nw.Float64) <= 0)
        rules.append(
            Rule(
                bad,
                spec.fpc,
                DesignError,
                lambda p, v, n: f"fpc must be finite and positive; {p} has {v!r}",
            )
        )
    return rules


class EngineDesign(Design):
    """A :class:`~servqual.Design` whose rows stay in their engine.

    Built by ``sq.Design(frame, ...)`` for a lazy engine frame; the estimators
    (``mean``, ``total``, ``ratio``, ``proportion``, ``by``) have the meaning and the
    numbers of the in-memory design (see docs/engines.md).

    Examples
    --------
    >>> import polars as pl
    >>> import servqual as sq
    >>> visits = pl.LazyFrame({"score": [3, 4, 2, 4, 3, 3], "desk": list("AABBBA")})
    >>> d = sq.Design(visits)
    >>> type(d).__name__, round(d.mean("score").value, 4)
    ('EngineDesign', 3.1667)
    >>> {k: round(v.value, 3) for k, v in d.by("desk").mean("score").items()}
    {'A': 3.333, 'B': 3.0}
    """

    def __init__(
        self,
        data: Any,
        *,
        weights: str | None = None,
        strata: str | None = None,
        clusters: str | None = None,
        fpc: str | None = None,
        lonely_psu: LonelyPSU = "fail",
    ) -> None:
        self.engine = engine_of(data)
        self.lazy = narwhals_frame(data)
        roles = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
        self._names = check_columns(self.lazy, roles)
        self.weights_column = weights
        self.strata_column = strata
        self.clusters_column = clusters
        self.fpc_column = fpc
        self.spec = EngineDesignSpec(weights, strata, clusters, fpc, check_lonely_psu(lonely_psu))
        check_rules(self.lazy, design_rules(self.lazy, self.spec))

    def _in_memory(self, what: str) -> ServqualTypeError:
        return ServqualTypeError(
            f"{what} needs the rows in memory; this design's rows stay in {self.engine}: "
            "collect the frame first (e.g. LazyFrame.collect()) and build a Design from it"
        )

    @property
    def columns(self) -> list[str]:
        """Names of the frame's columns."""
        return list(self._names)

    def column(self, name: str) -> Any:
        """Not available: the rows stay in the engine."""
        raise self._in_memory(f"column({name!r})")

    @property
    def backend(self) -> EngineBackend:
        """Linearization on the engine's summary (degrees of freedom from one query)."""
        return EngineBackend(reduce_cells(self.lazy, self.spec, (), {}, []).df)

    @property
    def df(self) -> float:
        """Design degrees of freedom: first-stage units minus strata, counted by the engine."""
        return self.backend.df

    @property
    def arrays(self) -> Any:
        """Not available: the rows stay in the engine."""
        raise self._in_memory("arrays")

    @property
    def n_rows(self) -> int:
        """Number of rows, counted by the engine."""
        import narwhals as nw

        return int(self.lazy.select(nw.len()).collect().item())

    def __repr__(self) -> str:
        return f"EngineDesign(engine={self.engine!r}, columns={len(self._names)})"

    def _estimate(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: NaPolicy, interval: IntervalKind
    ) -> Estimate:
        return linear(
            self.lazy, self.spec, kind, cols, None, level=level, na=na, interval=interval
        )[0][0]

    def _proportion(
        self, col: str, value: object, level: float, method: str, na: NaPolicy
    ) -> Estimate:
        return _share(self, col, value, None, level, method, na)[0]

    def by(self, col: str | Sequence[str]) -> Any:
        """Estimators per domain, reduced by the engine (see :class:`EngineDomainEstimator`)."""
        return EngineDomainEstimator(self, col)

    def proportions(self, col: str, *, level: float = 0.95, na: NaPolicy = "fail") -> Any:
        """Not available on an engine frame yet: use ``proportion`` per category."""
        raise self._in_memory("proportions")

    def poststratify(self, col: str, population: Any) -> Design:
        """Not available: calibration needs the rows."""
        raise self._in_memory("poststratify")

    def rake(self, margins: Any, *, max_iter: int = 50, tol: float = 1e-7) -> Design:
        """Not available: calibration needs the rows."""
        raise self._in_memory("rake")

    def calibrated(self, *args: Any, **kwargs: Any) -> Design:
        """Not available: calibration needs the rows."""
        raise self._in_memory("calibrated")

    def with_columns(self, columns: Any) -> Design:
        """Not available: add the columns in the engine instead."""
        raise self._in_memory("with_columns")


def _share(
    design: EngineDesign, col: str, value: object, by: Any, level: float, method: str, na: str
) -> list[Estimate]:
    from servqual.errors import ParameterError

    if method not in design.proportion_methods:
        raise ParameterError(
            f"method must be one of {list(design.proportion_methods)}, got {method!r}"
        )
    return linear(
        design.lazy,
        design.spec,
        "mean",
        (col,),
        by,
        level=level,
        na=na,
        success=value,
        method=method,
    )[0]


class EngineDomainEstimator:
    """Domain estimators of an :class:`EngineDesign` (as ``Design.by``), keyed alike.

    Examples
    --------
    >>> import polars as pl
    >>> import servqual as sq
    >>> visits = pl.LazyFrame({"score": [3, 4, 2, 4], "desk": list("ABAB")})
    >>> sorted(sq.Design(visits).by("desk").total("score").items())[0][1].value
    5.0
    """

    def __init__(self, design: EngineDesign, by: str | Sequence[str]) -> None:
        self.design = design
        self.by = by

    def _run(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: str, interval: IntervalKind
    ) -> dict[Any, Estimate]:
        d = self.design
        ests, cells = linear(
            d.lazy, d.spec, kind, cols, self.by, level=level, na=na, interval=interval
        )
        assert cells.domains is not None  # internal: a by() always has domains
        return dict(zip(cells.domains.keys, ests, strict=True))

    def mean(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> dict[Any, Estimate]:
        """Domain means (R ``svyby(~col, ~by, design, svymean)``)."""
        return self._run("mean", (col,), level, na, interval)

    def total(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> dict[Any, Estimate]:
        """Domain totals (R ``svyby(~col, ~by, design, svytotal)``)."""
        return self._run("total", (col,), level, na, interval)

    def ratio(
        self,
        num: str,
        den: str,
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> dict[Any, Estimate]:
        """Domain ratios of totals (R ``svyby(~num, ~by, design, svyratio, denominator=~den)``)."""
        return self._run("ratio", (num, den), level, na, interval)

    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> dict[Any, Estimate]:
        """Domain shares of ``col == value`` (R ``svyby(~I(col == value), ~by, d, svyciprop)``)."""
        d = self.design
        if method not in d.proportion_methods:
            from servqual.errors import ParameterError

            raise ParameterError(
                f"method must be one of {list(d.proportion_methods)}, got {method!r}"
            )
        ests, cells = linear(
            d.lazy,
            d.spec,
            "mean",
            (col,),
            self.by,
            level=level,
            na=na,
            success=value,
            method=method,
        )
        assert cells.domains is not None  # internal: a by() always has domains
        return dict(zip(cells.domains.keys, ests, strict=True))
