"""From the estimated numbers of every domain to :class:`SKMResult` objects (private).

Shared by :func:`servqual.skm_index` and :class:`servqual.SKMAccumulator`. With ``by=``
there can be tens of thousands of domains, each with nine elements, so everything here
works on whole arrays (one row per domain): the checks, the grades, the warnings'
selection. The models are then built without per-object validation
(:mod:`servqual.models._trusted`) from values of the right types, so they equal validated
ones; the index estimates go through :func:`servqual.models.results.many_estimates`, which
checks their constraints over the arrays first.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._estimators import symmetric_columns
from servqual.errors import DegenerateDataWarning, InsufficientDataError, ItemError, ScaleError
from servqual.indices.grades import GRADE_LABELS, GRADES, Regime, grade_codes, regime_of
from servqual.indices.skm_result import SKMElement, SKMResult, WeightsMode
from servqual.models._trusted import built, paused_gc
from servqual.models.instrument import Instrument
from servqual.models.results import Estimate, many_estimates
from servqual.stats.intervals import Bounds, clip_columns

__all__ = [
    "IndexColumns",
    "ResultParts",
    "SKMColumns",
    "check_answered",
    "check_every_domain",
    "check_skm_scale",
    "finish",
    "prepare",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def check_skm_scale(instrument: Instrument) -> None:
    """The SKM index's elements are answered on 1–4.

    Raises
    ------
    servqual.errors.ScaleError
        Naming the instrument and its scale.
    """
    if (instrument.scale.min, instrument.scale.max) != (1, 4):
        raise ScaleError(
            f"the SKM index needs elements answered on a 1–4 scale; instrument "
            f"{instrument.id!r} uses {instrument.scale.min}–{instrument.scale.max}"
        )


@dataclass(frozen=True)
class ResultParts:
    """What the results need besides the estimated numbers."""

    instrument: Instrument
    omega: FloatArray  # element weights ω_j as used in the index
    regime: Regime
    weights_mode: WeightsMode

    @classmethod
    def of(cls, instrument: Instrument, weights_mode: WeightsMode) -> ResultParts:
        """The parts of ``instrument`` with its element weights exact or as printed."""
        exact = np.asarray(instrument.weight_vector(), dtype=np.float64)
        # The regulation prints each weight to 3 decimals (1/9 → 0.111, 1/14 → 0.071).
        omega = exact if weights_mode == "exact" else np.round(exact, 3)
        return cls(instrument, omega, regime_of(instrument.metadata, instrument.id), weights_mode)

    @property
    def range(self) -> Bounds:
        """The range of the index: 25 · Σω · (scale min, scale max), i.e. 25–100."""
        scale = self.instrument.scale
        total = 25.0 * float(self.omega.sum())
        return (total * scale.min, total * scale.max)


@dataclass(frozen=True)
class IndexColumns:
    """The index of every domain as arrays (one entry per domain), before it is a model.

    ``low`` and ``high`` are already cut to ``bounds`` (the grades of the interval's ends
    are read from them), as the estimates built from them are.
    """

    value: FloatArray
    se: FloatArray
    low: FloatArray
    high: FloatArray
    n: IntArray
    df: float | None
    level: float
    method: str
    bounds: Bounds | None

    @classmethod
    def linearized(
        cls,
        values: FloatArray,
        variances: FloatArray,
        sizes: npt.ArrayLike,
        *,
        df: float | None,
        level: float,
        bounds: Bounds | None,
    ) -> IndexColumns:
        """A symmetric t interval per domain (``df=None``: normal), cut to ``bounds``.

        The same numbers one domain gets from
        :func:`~servqual.design.estimate_from_variance` (see
        :func:`~servqual.stats.intervals.clip_columns`).
        """
        se, low, high = symmetric_columns(values, variances, df=df, level=level)
        low, high = clip_columns(low, high, values, bounds)
        n = np.asarray(sizes).astype(np.int64)
        method = "normal" if df is None else "t"
        return cls(values, se, low, high, n, df, level, method, bounds)

    @classmethod
    def of(cls, estimates: Sequence[Estimate]) -> IndexColumns:
        """The columns of estimates that share ``df``, level and method (bootstrap)."""
        first = estimates[0]
        return cls(
            np.array([e.value for e in estimates]),
            np.array([e.se for e in estimates]),
            np.array([e.ci.low for e in estimates]),
            np.array([e.ci.high for e in estimates]),
            np.array([e.n for e in estimates], dtype=np.int64),
            first.df,
            first.ci.level,
            first.ci.method,
            first.bounds,
        )

    def estimates(self) -> list[Estimate]:
        """One :class:`Estimate` per domain."""
        return many_estimates(
            self.value,
            self.se,
            self.low,
            self.high,
            self.n,
            df=self.df,
            level=self.level,
            method=self.method,
            bounds=self.bounds,
        )


def _where(by: str | None, domain: str | None) -> str:
    return "" if by is None else f" in domain {by}={domain!r}"


def check_answered(
    parts: ResultParts,
    counts: FloatArray,
    answered_tot: FloatArray,
    by: str | None,
    domain: str | None,
) -> None:
    """Refuse an element nobody answered, or answered only with weight 0 (in a domain)."""
    items = parts.instrument.items
    for j in np.flatnonzero(counts == 0):
        item = items[int(j)]
        raise ItemError(
            f"element {item.id!r} ({item.text}) was answered by nobody{_where(by, domain)}: "
            "its NRR, and so the index, cannot be computed"
        )
    for j in np.flatnonzero(answered_tot <= 0):
        item = items[int(j)]
        raise InsufficientDataError(
            f"every respondent who answered element {item.id!r}{_where(by, domain)} has "
            "weight 0: its NRR cannot be computed"
        )


def check_every_domain(
    parts: ResultParts,
    counts: FloatArray,
    answered_tot: FloatArray,
    by: str | None,
    labels: Sequence[str | None],
) -> None:
    """:func:`check_answered` for the (domains × elements) arrays: the first bad domain raises."""
    bad = np.flatnonzero((counts == 0).any(axis=1) | (answered_tot <= 0).any(axis=1))
    if bad.size:
        g = int(bad[0])
        check_answered(parts, counts[g], answered_tot[g], by, labels[g])


def _warn(index: IndexColumns, by: str | None, labels: Sequence[str | None], level: int) -> None:
    """The warnings of the domains without a usable interval, in domain order."""
    single = index.n < 2
    finite = np.isfinite(index.low) & np.isfinite(index.high)
    for g in np.flatnonzero(single | ~finite | (index.se == 0)).tolist():
        where = _where(by, labels[g])
        if single[g]:
            message = (
                f"1 respondent{where}: the SKM index is reported, but no standard error can "
                "be estimated from one respondent, so its interval is NaN"
            )
        elif not finite[g]:
            message = (
                f"the design has {index.df} degrees of freedom{where}: the interval of the "
                "SKM index cannot be computed and is NaN"
            )
        else:
            message = (
                f"the SKM index has standard error 0{where} (every element was answered "
                "identically by all who answered it): its interval has zero width"
            )
        warnings.warn(message, DegenerateDataWarning, stacklevel=level)


def finish(
    parts: ResultParts,
    index: IndexColumns,
    nrr: FloatArray,
    counts: FloatArray,
    labels: Sequence[str | None],
    by: str | None,
    *,
    stacklevel: int,
) -> list[SKMResult]:
    """Results of every domain, built now (see :func:`prepare`)."""
    columns = prepare(parts, index, nrr, counts, labels, by, stacklevel=stacklevel + 1)
    return columns.build(range(len(labels)))


def prepare(
    parts: ResultParts,
    index: IndexColumns,
    nrr: FloatArray,
    counts: FloatArray,
    labels: Sequence[str | None],
    by: str | None,
    *,
    stacklevel: int,
) -> SKMColumns:
    """Every domain's result as columns: degenerate intervals warned about and checked.

    A one-respondent domain keeps its value but gets a NaN standard error and interval.
    ``stacklevel`` is passed to :func:`warnings.warn` (the user's frame). Everything that
    could fail is done here, so building the objects later cannot.
    """
    _warn(index, by, labels, stacklevel)
    single = index.n < 2
    if single.any():
        index = replace(
            index,
            se=np.where(single, np.nan, index.se),
            low=np.where(single, np.nan, index.low),
            high=np.where(single, np.nan, index.high),
        )
    if not _trusted(index):
        index.estimates()  # validates every estimate: the first offending value raises
    return SKMColumns(parts, index, nrr, counts, tuple(labels), by)


def _trusted(index: IndexColumns) -> bool:
    """Whether :func:`many_estimates` builds these estimates without validating them."""
    lo, hi = clip_columns(index.low, index.high, index.value, index.bounds)
    b = index.bounds
    return (
        0.0 < float(index.level) < 1.0
        and (b is None or b[0] <= b[1])
        and not (np.any(lo > hi) or np.any(index.se < 0) or np.any(index.n < 0))
    )


@dataclass(frozen=True)
class SKMColumns:
    """The :class:`SKMResult` of every domain as arrays; builds the objects asked for."""

    parts: ResultParts
    index: IndexColumns
    nrr: FloatArray
    counts: FloatArray
    labels: tuple[str | None, ...]
    by: str | None

    def build(self, positions: Sequence[int]) -> list[SKMResult]:
        """The results of the domains at ``positions``, in that order."""
        at = np.asarray(positions, dtype=np.intp)
        ix = self.index
        index = replace(
            ix, value=ix.value[at], se=ix.se[at], low=ix.low[at], high=ix.high[at], n=ix.n[at]
        )
        labels = [self.labels[p] for p in at.tolist()]
        return _results(self.parts, index, self.nrr[at], self.counts[at], labels, self.by)

    def columns(self) -> dict[str, list[Any]]:
        """The table columns of :data:`~servqual.models.frames.FRAME_COLUMNS`, per domain."""
        ix = self.index
        low, high = clip_columns(ix.low, ix.high, ix.value, ix.bounds)
        size = ix.value.shape[0]
        df = [math.nan] * size if ix.df is None else np.full(size, float(ix.df)).tolist()
        return {
            "estimate": ix.value.tolist(),
            "se": ix.se.tolist(),
            "ci_low": low.tolist(),
            "ci_high": high.tolist(),
            "level": [float(ix.level)] * size,
            "method": [ix.method] * size,
            "n": ix.n.tolist(),
            "df": df,
            "deff": [math.nan] * size,
        }


def _results(
    parts: ResultParts,
    index: IndexColumns,
    nrr: FloatArray,
    counts: FloatArray,
    labels: Sequence[str | None],
    by: str | None,
) -> list[SKMResult]:
    """The result objects of checked columns (:func:`prepare`), built in bulk."""
    estimates = index.estimates()
    with paused_gc():
        elements = _elements(parts, nrr, counts)
        k = nrr.shape[1]
        grades = grade_codes(index.value, parts.regime).tolist()
        low = grade_codes(index.low, parts.regime)
        high = grade_codes(index.high, parts.regime)
        finite = np.isfinite(index.low) & np.isfinite(index.high)
        crosses = (~finite | (low != high)).tolist()
        common: dict[str, Any] = {
            "regime": parts.regime,
            "weights_mode": parts.weights_mode,
            "instrument": parts.instrument.id,
            "by": by,
        }
        rows = (
            {
                "index": est,
                "grade": GRADES[grade],
                "label": GRADE_LABELS[GRADES[grade]],
                "elements": tuple(elements[g * k : (g + 1) * k]),
                "n": est.n,
                "crosses_grade_boundary": cross,
                **common,
                "domain": None if label is None else str(label),
            }
            for g, (est, grade, cross, label) in enumerate(
                zip(estimates, grades, crosses, labels, strict=True)
            )
        )
        return built(SKMResult, rows)


def _elements(parts: ResultParts, nrr: FloatArray, counts: FloatArray) -> list[SKMElement]:
    """Every domain's elements, domain after domain, in the instrument's order."""
    items = parts.instrument.items
    domains = nrr.shape[0]
    converted = 25.0 * nrr
    grades = [GRADES[c] for c in grade_codes(converted, parts.regime).ravel().tolist()]
    columns = zip(
        [item.id for item in items] * domains,
        [item.text for item in items] * domains,
        [item.text_en for item in items] * domains,
        counts.astype(np.int64).ravel().tolist(),
        nrr.ravel().tolist(),
        np.broadcast_to(parts.omega, nrr.shape).ravel().tolist(),
        (nrr * parts.omega).ravel().tolist(),
        converted.ravel().tolist(),
        grades,
        [GRADE_LABELS[grade] for grade in grades],
        strict=True,
    )
    rows = [
        {
            "code": code,
            "name": name,
            "name_en": name_en,
            "n": n,
            "nrr": value,
            "weight": weight,
            "weighted_nrr": weighted,
            "converted": conv,
            "grade": grade,
            "label": label,
        }
        for code, name, name_en, n, value, weight, weighted, conv, grade, label in columns
    ]
    return built(SKMElement, rows)
