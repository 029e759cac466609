"""The :class:`Report` model: what an SKM report says, before it is rendered.

A report is a frozen, JSON-serialisable value built from :func:`servqual.skm_index`
results plus the facts a published SKM report states (title, unit, period, instrument,
achieved and target n, population, method). Nothing in it is rounded; the renderers in
:mod:`servqual.report.render` round for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import Field

from servqual.errors import ValidationError
from servqual.indices.ipa import IPAResult
from servqual.models._base import FrozenModel
from servqual.models.instrument import Instrument
from servqual.models.results import Estimate
from servqual.screening.models import Screening

if TYPE_CHECKING:
    from servqual.design.design import Design
    from servqual.indices.skm_result import SKMElement, SKMResult

__all__ = ["ElementRow", "IndexSection", "MethodNote", "Report"]

WEAKEST = 3
"""Number of weakest elements a section lists."""


class ElementRow(FrozenModel):
    """One element (unsur) of an SKM section: its NRR, converted value and grade.

    Parameters
    ----------
    code : str
        Element code (``"U3"``).
    name : str
        Official (Indonesian) element name.
    name_en : str, optional
        English name.
    nrr : float
        Mean answer (nilai rata-rata) over the respondents who answered the element.
    n : int
        Number of respondents who answered it.
    weight, weighted_nrr : float
        The element's weight and ``nrr × weight``.
    converted : float
        ``nrr × 25``, on 25–100.
    grade : str
        Grade of ``converted`` (A–D).
    """

    code: str
    name: str
    name_en: str | None = None
    nrr: float
    n: int = Field(ge=0)
    weight: float
    weighted_nrr: float
    converted: float
    grade: str


class IndexSection(FrozenModel):
    """The SKM figures of all respondents or of one group (``by=``).

    Parameters
    ----------
    group : str, optional
        The group's label; ``None`` for all respondents.
    index : Estimate
        The converted index (25–100) with its interval.
    grade, label : str
        Grade A–D and its performance label (Indonesian, as the regulation prints it).
    crosses_grade_boundary : bool
        Whether the interval straddles a grade threshold.
    n : int
        Achieved number of respondents.
    target_n : int, optional
        Planned number of respondents (e.g. from the Krejcie–Morgan table).
    population : int, optional
        Number of people served in the period.
    elements : tuple of ElementRow
        The elements in instrument order.
    weakest : tuple of str
        Codes of the elements with the lowest NRR (lowest first; ties in instrument order).
    """

    group: str | None = None
    index: Estimate
    grade: str
    label: str
    crosses_grade_boundary: bool
    n: int = Field(ge=0)
    target_n: int | None = Field(default=None, ge=1)
    population: int | None = Field(default=None, ge=1)
    elements: tuple[ElementRow, ...]
    weakest: tuple[str, ...]

    def element(self, code: str) -> ElementRow:
        """The element row with this code (``KeyError`` if absent)."""
        for row in self.elements:
            if row.code == code:
                return row
        raise KeyError(code)


class MethodNote(FrozenModel):
    """How the figures were computed, rendered as the report's one-line method note.

    Parameters
    ----------
    variance : str
        ``"linearization"`` (delta method over respondents) or ``"bootstrap"``.
    interval : str
        Interval method of the index (``"t"`` or ``"normal"``).
    df : float, optional
        Degrees of freedom of the t quantile.
    level : float
        Confidence level.
    weights_mode : str
        ``"exact"`` (1/k) or ``"regulation"`` (the printed 0.111 / 0.071).
    weight : float
        The element weight used when all elements weigh the same (``None`` otherwise).
    regime : str
        Grading regime (``"skm-2017"`` or ``"ikm-2004"``).
    fpc : bool
        Whether a finite-population correction was applied.
    strata : int
        Number of strata of the design (1 when unstratified).
    clustered : bool
        Whether respondents were sampled in clusters.
    """

    variance: str = "linearization"
    interval: str
    df: float | None
    level: float = Field(gt=0.0, lt=1.0)
    weights_mode: str
    weight: float | None
    regime: str
    fpc: bool = False
    strata: int = Field(default=1, ge=1)
    clustered: bool = False


class Report(FrozenModel):
    """A service-satisfaction report: SKM index, elements, weakest elements, method.

    Build it with :meth:`from_skm` (from results you computed) or
    :func:`servqual.report.skm_report` (from responses); render it with
    :func:`~servqual.report.render_text`, :func:`~servqual.report.render_markdown`,
    :func:`~servqual.report.render_html` or :func:`~servqual.report.render_json`.

    Parameters
    ----------
    title : str, optional
        Report title (a default title is rendered when ``None``).
    unit, period : str, optional
        The service unit and the survey period.
    instrument : str
        Instrument id (``"skm-2017"``).
    instrument_name : str
        Instrument's human name.
    overall : IndexSection
        The figures over all respondents.
    by : str, optional
        The column that defines ``groups``.
    groups : tuple of IndexSection
        One section per group when ``by`` is given.
    method : MethodNote
        How the figures were computed.
    notes : tuple of str
        Free-form notes printed under the method.
    ipa : IPAResult, optional
        Importance–performance analysis of the elements, when the data carries
        importance answers (see :func:`servqual.report.ipa_section.ipa_section`).
    screening : Screening, optional
        Data-quality screening of the answers (:func:`servqual.screen`), rendered as its
        own section (:mod:`servqual.report.screening_section`).

    Examples
    --------
    >>> import servqual as sq
    >>> responses = sq.data.load_demo()
    >>> report = sq.Report.from_skm(
    ...     sq.skm_index(responses), groups=sq.skm_index(responses, by="service"),
    ...     by="service", design=responses.design, target_n=368)
    >>> report.overall.grade, report.overall.weakest
    ('B', ('U3', 'U8', 'U9'))
    >>> [(s.group, s.grade, s.population) for s in report.groups]
    [('Akta Kelahiran', 'A', 1560), ('KTP-el', 'C', 4210), ('Kartu Keluarga', 'B', 2850)]
    >>> sorted(sq.Report.model_json_schema()["properties"])[:4]
    ['by', 'groups', 'instrument', 'instrument_name']
    """

    title: str | None = None
    unit: str | None = None
    period: str | None = None
    instrument: str
    instrument_name: str
    overall: IndexSection
    by: str | None = None
    groups: tuple[IndexSection, ...] = ()
    method: MethodNote
    notes: tuple[str, ...] = ()
    ipa: IPAResult | None = None
    screening: Screening | None = None

    @property
    def level(self) -> float:
        """Confidence level of the intervals."""
        return self.method.level

    @property
    def sections(self) -> tuple[IndexSection, ...]:
        """The overall section followed by the group sections."""
        return (self.overall, *self.groups)

    @classmethod
    def from_skm(
        cls,
        result: SKMResult,
        *,
        instrument: Instrument | None = None,
        groups: Mapping[str, SKMResult] | None = None,
        by: str | None = None,
        design: Design | None = None,
        title: str | None = None,
        unit: str | None = None,
        period: str | None = None,
        target_n: int | None = None,
        population: int | None = None,
        group_populations: Mapping[str, int] | None = None,
        notes: Sequence[str] = (),
    ) -> Report:
        """Build a report from an :class:`~servqual.SKMResult` (and its ``by=`` results).

        Parameters
        ----------
        result : SKMResult
            The index over all respondents.
        instrument : Instrument, optional
            The instrument answered, for its name (default: the built-in instrument
            named by ``result.instrument``, else that id).
        groups : mapping of str → SKMResult, optional
            ``skm_index(..., by=by)``; one section each, in the mapping's order.
        by : str, optional
            The column the groups come from.
        design : Design, optional
            The survey design, to state strata, clusters and the finite-population
            correction in the method note, and the population per group when ``by`` is
            the stratum column.
        title, unit, period : str, optional
            Report metadata.
        target_n, population : int, optional
            Planned number of respondents and number of people served in the period.
        group_populations : mapping of str → int, optional
            People served per group (overrides what ``design`` implies).
        notes : sequence of str
            Free-form notes.

        Returns
        -------
        Report
        """
        pops = dict(group_populations or {})
        if design is not None and by is not None and not pops:
            pops = _stratum_populations(design, by)
        if population is None and design is not None:
            population = _total_population(design)
        sections = tuple(
            _section(res, group=str(key), population=pops.get(str(key)))
            for key, res in (groups or {}).items()
        )
        return cls(
            title=title,
            unit=unit,
            period=period,
            instrument=result.instrument,
            instrument_name=_instrument_name(result.instrument, instrument),
            overall=_section(result, group=None, target_n=target_n, population=population),
            by=by,
            groups=sections,
            method=_method(result, design),
            notes=tuple(notes),
        )


def _instrument_name(instrument_id: str, instrument: Instrument | None) -> str:
    if instrument is not None:
        return instrument.name
    from servqual import instruments

    try:
        return instruments.get(instrument_id).name
    except ValidationError:
        return instrument_id


def _section(
    result: SKMResult,
    *,
    group: str | None,
    target_n: int | None = None,
    population: int | None = None,
) -> IndexSection:
    k = min(WEAKEST, len(result.elements))
    return IndexSection(
        group=group,
        index=result.index,
        grade=result.grade,
        label=result.label,
        crosses_grade_boundary=result.crosses_grade_boundary,
        n=result.n,
        target_n=target_n,
        population=population,
        elements=tuple(_element(e) for e in result.elements),
        weakest=tuple(e.code for e in result.weakest(k)),
    )


def _element(element: SKMElement) -> ElementRow:
    return ElementRow(
        code=element.code,
        name=element.name,
        name_en=element.name_en,
        nrr=element.nrr,
        n=element.n,
        weight=element.weight,
        weighted_nrr=element.weighted_nrr,
        converted=element.converted,
        grade=element.grade,
    )


def _method(result: SKMResult, design: Design | None) -> MethodNote:
    weights = {e.weight for e in result.elements}
    arrays = None if design is None else design.arrays
    interval = result.index.ci.method
    return MethodNote(
        variance="linearization" if interval in ("t", "normal") else "bootstrap",
        interval=interval,
        df=result.index.df,
        level=result.index.ci.level,
        weights_mode=result.weights_mode,
        weight=weights.pop() if len(weights) == 1 else None,
        regime=result.regime,
        fpc=False if arrays is None else arrays.has_fpc,
        strata=1 if arrays is None else len(arrays.strata),
        clustered=False if arrays is None else arrays.psu_codes is not None,
    )


def _total_population(design: Design) -> int | None:
    """People in the population when the fpc counts people (no clusters) everywhere."""
    pop = design.arrays.pop
    if design.arrays.psu_codes is not None or not all(map(_finite, pop.tolist())):
        return None
    return round(float(sum(pop.tolist())))


def _stratum_populations(design: Design, by: str) -> dict[str, int]:
    """Population per group when the groups are the strata (stratum sizes are known)."""
    arrays = design.arrays
    if design.strata_column != by or not arrays.has_fpc or arrays.psu_codes is not None:
        return {}
    return {
        str(s): round(p)
        for s, p in zip(arrays.strata, arrays.pop.tolist(), strict=True)
        if _finite(p)
    }


def _finite(x: float) -> bool:
    return x == x and x not in (float("inf"), float("-inf"))
