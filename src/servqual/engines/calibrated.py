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
from typing import Any

from servqual.design._estimators import Kind
from servqual.design.design import Design
from servqual.engines._calibrated import calibrated_linear
from servqual.engines._reduce import Cells
from servqual.engines.calibration import EngineCalibration, poststratify_cells, rake_cells
from servqual.engines.design import EngineDesign, EngineDomainEstimator
from servqual.models.results import Estimate

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

    def _linear(
        self, kind: Kind, cols: tuple[str, ...], by: Any, **options: Any
    ) -> tuple[list[Estimate], Cells]:
        """As :meth:`EngineDesign._linear`, on the calibrated weights."""
        return calibrated_linear(self.lazy, self.spec, self.calibration, kind, cols, by, **options)

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
