"""A post-stratified or raked engine design: the rows stay, the factors come back.

``EngineDesign.poststratify`` and ``EngineDesign.rake`` return a
:class:`CalibratedEngineDesign`: the frame and sampling design of the original and one
weight factor per calibration cell (:mod:`servqual.engines.calibration`). Its means,
totals, ratios and shares (with ``by``) are those of the in-memory calibrated
:class:`~servqual.Design`, standard errors included (R ``postStratify`` and ``rake``),
reduced by the engine (:mod:`servqual.engines._calibrated`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from servqual.design._estimators import IntervalKind, Kind, NaPolicy
from servqual.design.design import Design
from servqual.engines._calibrated import calibrated_linear
from servqual.engines.calibration import EngineCalibration, poststratify_cells, rake_cells
from servqual.engines.design import EngineDesign, EngineDomainEstimator, _check_method
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate
from servqual.stats.svyciprop import SvyProportionMethod

__all__ = ["CalibratedEngineDesign", "poststratify", "rake"]


def poststratify(design: EngineDesign, col: str, population: Mapping[Any, float]) -> Design:
    """The engine design post-stratified on ``col`` (see :meth:`servqual.Design.poststratify`)."""
    _single_calibration(design, "poststratify")
    return CalibratedEngineDesign.of(
        design, poststratify_cells(design.lazy, design.spec, col, population)
    )


def rake(
    design: EngineDesign,
    margins: Mapping[str, Mapping[Any, float]],
    *,
    max_iter: int = 50,
    tol: float = 1e-10,
) -> Design:
    """The engine design raked to ``margins`` (see :meth:`servqual.Design.rake`)."""
    _single_calibration(design, "rake")
    cal = rake_cells(design.lazy, design.spec, margins, max_iter=max_iter, tol=tol)
    return CalibratedEngineDesign.of(design, cal)


def _single_calibration(design: EngineDesign, what: str) -> None:
    if isinstance(design, CalibratedEngineDesign):
        raise design._in_memory(f"{what} of a design that is already calibrated")


class CalibratedEngineDesign(EngineDesign):
    """An :class:`~servqual.engines.design.EngineDesign` with post-stratified or raked weights.

    Built by ``EngineDesign.poststratify`` and ``EngineDesign.rake``; the original design
    is unchanged. ``calibration`` holds the weight factor of every calibration cell.

    Examples
    --------
    A district office sampled 6 applicants per counter, but counter B serves twice as many
    people as counter A:

    >>> import polars as pl
    >>> import servqual as sq
    >>> visits = pl.LazyFrame({"counter": ["A"] * 6 + ["B"] * 6,
    ...                        "score": [3, 4, 3, 3, 4, 4, 2, 3, 2, 3, 3, 2]})
    >>> ps = sq.Design(visits).poststratify("counter", {"A": 1000, "B": 2000})
    >>> type(ps).__name__, round(ps.mean("score").value, 3)  # as in memory
    ('CalibratedEngineDesign', 2.833)
    >>> round(ps.total("score").value)
    8500
    """

    calibration: EngineCalibration

    @classmethod
    def of(cls, design: EngineDesign, calibration: EngineCalibration) -> CalibratedEngineDesign:
        """``design`` (same frame and sampling design) with the calibration's weights."""
        new = object.__new__(cls)
        new.__dict__.update(design.__dict__)
        new.calibration = calibration
        return new

    def __repr__(self) -> str:
        return (
            f"CalibratedEngineDesign(engine={self.engine!r}, columns={len(self._names)}, "
            f"{self.calibration.kind}={list(self.calibration.columns)!r})"
        )

    def _estimate(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: NaPolicy, interval: IntervalKind
    ) -> Estimate:
        return calibrated_linear(
            self.lazy,
            self.spec,
            self.calibration,
            kind,
            cols,
            None,
            level=level,
            na=na,
            interval=interval,
        )[0][0]

    def _proportion(
        self, col: str, value: object, level: float, method: str, na: NaPolicy
    ) -> Estimate:
        _check_method(self, method)
        return calibrated_linear(
            self.lazy,
            self.spec,
            self.calibration,
            "mean",
            (col,),
            None,
            level=level,
            na=na,
            success=value,
            method=method,
        )[0][0]

    def by(self, col: str | Sequence[str]) -> Any:
        """Domain estimators on the calibrated weights (see :class:`CalibratedDomainEstimator`)."""
        return CalibratedDomainEstimator(self, col)


class CalibratedDomainEstimator(EngineDomainEstimator):
    """Domain estimators of a :class:`CalibratedEngineDesign` (as ``Design.by``).

    Examples
    --------
    >>> import polars as pl
    >>> import servqual as sq
    >>> visits = pl.LazyFrame({"counter": list("AABBBB"), "desk": list("XYXYXY"),
    ...                        "score": [3, 4, 2, 3, 3, 2]})
    >>> ps = sq.Design(visits).poststratify("counter", {"A": 100, "B": 100})
    >>> {k: round(v.value, 3) for k, v in ps.by("desk").mean("score").items()}
    {'X': 2.75, 'Y': 3.25}
    >>> in_memory = sq.Design(visits.collect()).poststratify("counter", {"A": 100, "B": 100})
    >>> se = [d.by("desk").mean("score")["X"].se for d in (in_memory, ps)]
    >>> abs(se[0] - se[1]) < 1e-12
    True
    """

    design: CalibratedEngineDesign

    def _run(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: str, interval: IntervalKind
    ) -> DomainResults[Estimate]:
        d = self.design
        ests, cells = calibrated_linear(
            d.lazy,
            d.spec,
            d.calibration,
            kind,
            cols,
            self.by,
            level=level,
            na=na,
            interval=interval,
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
        """Domain shares of ``col == value`` on the calibrated weights (see the base class)."""
        d = self.design
        _check_method(d, method)
        ests, cells = calibrated_linear(
            d.lazy,
            d.spec,
            d.calibration,
            "mean",
            (col,),
            self.by,
            level=level,
            na=na,
            success=value,
            method=method,
            df_rule=df,
        )
        return self._keyed(ests, cells)
