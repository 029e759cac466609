"""``Design`` over a lazy engine frame: Polars ``LazyFrame``, DuckDB relation, Dask, Spark.

``sq.Design(frame, ...)`` returns an :class:`EngineDesign` when ``frame`` is such a
frame. Its estimators send one aggregation to the engine and get back per (stratum, PSU,
domain) sums; the rows stay where they are. What needs the rows themselves
(calibration, per-row columns) is refused with a message saying to collect first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from servqual.design._build import missing_label_message
from servqual.design._estimators import IntervalKind, Kind, NaPolicy
from servqual.design.design import Design
from servqual.design.domains import LinearDomainMethods
from servqual.design.multistage import PPSMethod, PPSVariance
from servqual.engines._linear import EngineBackend, linear
from servqual.engines._native import check_columns, engine_of, narwhals_frame
from servqual.engines._reduce import Cells, EngineDesignSpec, reduce_cells
from servqual.engines._validate import (
    Rule,
    check_rules,
    missing,
    no_missing_screen,
    not_finite,
    range_screen,
    require_numeric,
)
from servqual.errors import DesignError, ParameterError, ServqualTypeError
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate
from servqual.stats.svyciprop import SVY_PROPORTION_METHODS, SvyProportionMethod
from servqual.stats.variance import LonelyPSU, check_lonely_psu

__all__ = ["EngineDesign", "EngineDomainEstimator", "design_rules"]


def _weight_message(place: str, value: object, n: int) -> str:
    more = f" ({n} rows in all)" if n > 1 else ""
    return f"weights must be finite and non-negative; {place} has {value!r}{more}"


def _missing_label(field: str) -> Callable[[str, object, int], str]:
    def message(place: str, value: object, n: int) -> str:
        return missing_label_message(field, place, value, n)

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
        screen = range_screen(lazy, spec.weights, low=0.0, finite=True)
        rules.append(Rule(bad, spec.weights, DesignError, _weight_message, screen))
    for field, col in (("strata", spec.strata), ("clusters", spec.clusters)):
        if col is not None:
            rules.append(
                Rule(
                    missing(lazy, col),
                    col,
                    DesignError,
                    _missing_label(field),
                    no_missing_screen(lazy, col),
                )
            )
    if spec.fpc is not None:
        bad = not_finite(spec.fpc) | (nw.col(spec.fpc).cast(nw.Float64) <= 0)
        rules.append(
            Rule(
                bad,
                spec.fpc,
                DesignError,
                lambda p, v, n: f"fpc must be finite and positive; {p} has {v!r}",
                range_screen(lazy, spec.fpc, low=0.0, low_open=True, finite=True),
            )
        )
    return rules


def _check_single_stage(engine: str | None, roles: dict[str, Any], pps: object) -> None:
    """Design arguments an engine frame takes: one column name each, one stage, no PPS.

    Arrays of one value per row, a list of columns per stage and ``pps=`` are the
    in-memory :class:`~servqual.Design`'s; here they are refused with what to do instead.
    """
    for field, given in roles.items():
        if given is None or isinstance(given, str):
            continue
        if isinstance(given, list | tuple) and field in ("clusters", "fpc"):
            raise ServqualTypeError(
                f"{field}={list(given)!r} describes a multistage design, which needs the rows "
                f"in memory; this frame stays in {engine}: collect it first, or give one "
                f"{field} column"
            )
        raise ServqualTypeError(
            f"{field} must name a column of the {engine} frame, got {type(given).__name__}; "
            "add the values to the frame as a column and pass its name"
        )
    if roles["strata"] is not None and roles["strata"] == roles["clusters"]:
        raise DesignError(
            f"strata and clusters both name column {roles['strata']!r}: every stratum would "
            "hold one cluster and no variance could be estimated; name the cluster column"
        )
    if pps is not None:
        raise ServqualTypeError(
            f"pps={pps!r} needs the rows in memory; this frame stays in {engine}: "
            "collect it first (e.g. LazyFrame.collect()) and build a Design from it"
        )


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

    proportion_methods: tuple[str, ...] = tuple(
        m for m in SVY_PROPORTION_METHODS if m != "likelihood"
    )
    """The interval methods of :meth:`proportion` (``"likelihood"`` needs the rows)."""

    def __init__(
        self,
        data: Any,
        *,
        weights: Any = None,
        strata: Any = None,
        clusters: Any = None,
        fpc: Any = None,
        lonely_psu: LonelyPSU = "fail",
        pps: PPSMethod | None = None,
        pps_variance: PPSVariance = "HT",
        pps_p2bar: float | None = None,
        check: bool = True,
    ) -> None:
        self.engine = engine_of(data)
        roles = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
        _check_single_stage(self.engine, roles, pps)
        self.lazy = narwhals_frame(data)
        self._names = check_columns(self.lazy, roles)
        self.weights_column = weights
        self.strata_column = strata
        self.clusters_column = clusters
        self.fpc_column = fpc
        self.spec = EngineDesignSpec(weights, strata, clusters, fpc, check_lonely_psu(lonely_psu))
        if check:  # EngineResponses checks the design and the answers in one query
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

    def _linear(
        self, kind: Kind, cols: tuple[str, ...], by: Any, **options: Any
    ) -> tuple[list[Estimate], Cells]:
        """The engine's estimates of every domain (one without ``by``) and its cells.

        The one place the estimators reach the engine: a calibrated design overrides it.
        """
        return linear(self.lazy, self.spec, kind, cols, by, **options)

    def _estimate(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: NaPolicy, interval: IntervalKind
    ) -> Estimate:
        return self._linear(kind, cols, None, level=level, na=na, interval=interval)[0][0]

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
        """Post-stratified on ``col`` from the engine's weighted cell counts.

        See :mod:`servqual.engines.calibrated`; the numbers are the in-memory
        :meth:`servqual.Design.poststratify`'s.
        """
        from servqual.engines.calibrated import poststratify

        return poststratify(self, col, population)

    def rake(self, margins: Any, *, max_iter: int = 50, tol: float = 1e-10) -> Design:
        """Raked to ``margins`` on the engine's table of joint weighted counts.

        See :mod:`servqual.engines.calibrated`; the numbers are the in-memory
        :meth:`servqual.Design.rake`'s.
        """
        from servqual.engines.calibrated import rake

        return rake(self, margins, max_iter=max_iter, tol=tol)

    def calibrated(self, *args: Any, **kwargs: Any) -> Design:
        """Not available: weights given row by row need the rows (use ``poststratify``/``rake``)."""
        raise self._in_memory("calibrated")

    def with_columns(self, columns: Any) -> Design:
        """Not available: add the columns in the engine instead."""
        raise self._in_memory("with_columns")


def _check_method(design: EngineDesign, method: str) -> None:
    if method not in design.proportion_methods:
        hint = " ('likelihood' needs the rows in memory)" if method == "likelihood" else ""
        raise ParameterError(
            f"method must be one of {list(design.proportion_methods)}, got {method!r}{hint}"
        )


def _share(
    design: EngineDesign, col: str, value: object, by: Any, level: float, method: str, na: str
) -> list[Estimate]:
    _check_method(design, method)
    return design._linear("mean", (col,), by, level=level, na=na, success=value, method=method)[0]


class EngineDomainEstimator(LinearDomainMethods):
    """Domain estimators of an :class:`EngineDesign` (as ``Design.by``), keyed alike.

    Each returns a :class:`~servqual.DomainResults`, as the in-memory
    :class:`~servqual.design.DomainEstimator` does.

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

    def _keyed(self, ests: list[Estimate], cells: Cells) -> DomainResults[Estimate]:
        assert cells.domains is not None  # internal: a by() always has domains
        by = cells.domains.by
        keys = cells.domains.keys
        return DomainResults(zip(keys, ests, strict=True), by=by[0] if len(by) == 1 else by)

    def _linear(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: str, interval: IntervalKind
    ) -> DomainResults[Estimate]:
        ests, cells = self.design._linear(
            kind, cols, self.by, level=level, na=na, interval=interval
        )
        return self._keyed(ests, cells)

    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
        df: Literal["domain", "design"] = "domain",
    ) -> DomainResults[Estimate]:
        """Domain shares of ``col == value`` (R ``svyby(~I(col == value), ~by, d, svyciprop)``).

        ``df`` as in :meth:`servqual.design.DomainEstimator.proportion`: by default each
        domain's interval uses the df of its subset design, counted from the engine's cells.
        """
        _check_method(self.design, method)
        ests, cells = self.design._linear(
            "mean", (col,), self.by, level=level, na=na, success=value, method=method, df_rule=df
        )
        return self._keyed(ests, cells)
