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

from servqual.indices.ipa import IPAResult
from servqual.models._base import FrozenModel
from servqual.models.results import Estimate, Interval
from servqual.report._facts import (
    instrument_name,
    note_tuple,
    stratum_populations,
    total_population,
)
from servqual.report.compliance_section import ComplianceSection
from servqual.report.suppression import (
    DEFAULT_MIN_GROUP_SIZE,
    Suppression,
    check_min_group_size,
    suppress_sections,
)
from servqual.screening.models import Screening

if TYPE_CHECKING:
    from servqual.design.design import Design
    from servqual.indices.skm_result import SKMElement, SKMResult
    from servqual.models.instrument import Instrument

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
    nrr : float or None
        Mean answer (nilai rata-rata) over the respondents who answered the element;
        ``None`` when withheld (see ``suppressed``).
    n : int or None
        Number of respondents who answered it; ``None`` when withheld.
    weight : float
        The element's weight.
    weighted_nrr : float or None
        ``nrr × weight``; ``None`` when withheld.
    converted : float or None
        ``nrr × 25``, on 25–100; ``None`` when withheld.
    grade : str or None
        Grade of ``converted`` (A–D); ``None`` when withheld.
    suppressed : {"small", "complementary"} or None
        Why the figures are withheld: fewer than the report's ``min_group_size``
        respondents answered it (``"small"``, shown as ``n < 5``), or publishing it would
        let such a figure be derived from the totals (``"complementary"``); see
        :mod:`servqual.report.suppression`.
    ci : Interval or None
        Confidence interval of ``converted`` (25 × the design-based interval of the NRR),
        where the report was built from the answers (:func:`~servqual.skm_report`);
        ``None`` otherwise and whenever the figures are withheld.
    """

    code: str
    name: str
    name_en: str | None = None
    nrr: float | None
    n: int | None = Field(ge=0)
    weight: float
    weighted_nrr: float | None
    converted: float | None
    grade: str | None
    suppressed: Suppression | None = None
    ci: Interval | None = None


class IndexSection(FrozenModel):
    """The SKM figures of all respondents or of one group (``by=``).

    Parameters
    ----------
    group : str, optional
        The group's label; ``None`` for all respondents.
    index : Estimate or None
        The converted index (25–100) with its interval; ``None`` when withheld (the whole
        section is withheld, or one of its elements is: the index would reveal it).
    grade, label : str or None
        Grade A–D and its performance label (Indonesian, as the regulation prints it);
        ``None`` with the index.
    crosses_grade_boundary : bool or None
        Whether the interval straddles a grade threshold; ``None`` with the index.
    n : int or None
        Achieved number of respondents; ``None`` when the section is withheld.
    target_n : int, optional
        Planned number of respondents (e.g. from the Krejcie–Morgan table).
    population : int, optional
        Number of people served in the period.
    elements : tuple of ElementRow
        The elements in instrument order.
    weakest : tuple of str
        Codes of the elements with the lowest NRR (lowest first; ties in instrument order),
        among the elements shown.
    suppressed : {"small", "complementary"} or None
        Why the whole section is withheld: fewer than ``min_group_size`` respondents
        (``"small"``), or publishing it would let such a group be derived from the total
        and the other groups (``"complementary"``).
    """

    group: str | None = None
    index: Estimate | None
    grade: str | None
    label: str | None
    crosses_grade_boundary: bool | None
    n: int | None = Field(ge=0)
    target_n: int | None = Field(default=None, ge=1)
    population: int | None = Field(default=None, ge=1)
    elements: tuple[ElementRow, ...]
    weakest: tuple[str, ...]
    suppressed: Suppression | None = None

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
    min_group_size : int
        Fewest respondents a published figure rests on (0: no suppression); see
        :mod:`servqual.report.suppression`. :meth:`Report.from_skm` sets it to the
        threshold it applied; a note built by hand claims no suppression by default.
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
    min_group_size: int = Field(default=0, ge=0)


class Report(FrozenModel):
    """A service-satisfaction report: SKM index, elements, weakest elements, method.

    Build it with :meth:`from_skm` (from results you computed) or
    :func:`servqual.report.skm_report` (from responses): both withhold the figures of
    groups and elements with fewer than ``min_group_size`` respondents (default 5) and
    those that would reveal them (:mod:`servqual.report.suppression`), leaving ``None``
    in their place; render it with
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
    compliance : ComplianceSection, optional
        Compliance with the service standards from the office's service records, per
        service next to its SKM index (see :mod:`servqual.report.compliance_section`).
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
    ['by', 'compliance', 'groups', 'instrument']
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
    compliance: ComplianceSection | None = None
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
        instrument: Instrument | str | None = None,
        groups: Mapping[str, SKMResult] | None = None,
        by: str | None = None,
        design: Design | None = None,
        title: str | None = None,
        unit: str | None = None,
        period: str | None = None,
        target_n: int | None = None,
        population: int | None = None,
        group_populations: Mapping[str, int] | None = None,
        notes: str | Sequence[str] = (),
        min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    ) -> Report:
        """Build a report from an :class:`~servqual.SKMResult` (and its ``by=`` results).

        Parameters
        ----------
        result : SKMResult
            The index over all respondents.
        instrument : Instrument or str, optional
            The instrument answered (or a built-in name), for its name (default: the
            built-in instrument named by ``result.instrument``, else that id).
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
        notes : str or sequence of str
            Free-form notes; one string is one note.
        min_group_size : int
            Fewest respondents a published figure may rest on (default 5): figures of
            smaller groups and elements are withheld (``n < 5``), and so are those that
            would let them be derived from the totals; 0 shows everything and the method
            note says so. See :mod:`servqual.report.suppression`.

        Returns
        -------
        Report

        Raises
        ------
        servqual.errors.ServqualTypeError
            A note that is not a string.
        servqual.errors.ParameterError
            A negative or non-integer ``min_group_size``.
        """
        pops = dict(group_populations or {})
        if design is not None and by is not None and not pops:
            pops = stratum_populations(design, by)
        if population is None and design is not None:
            population = total_population(design)
        m = check_min_group_size(min_group_size)
        sections = tuple(
            section_of(res, group=str(key), population=pops.get(str(key)))
            for key, res in (groups or {}).items()
        )
        whole = section_of(result, group=None, target_n=target_n, population=population)
        shown, sections = suppress_sections(whole, sections, m)
        assert shown is not None  # an overall section in gives one out
        return cls(
            title=title,
            unit=unit,
            period=period,
            instrument=result.instrument,
            instrument_name=instrument_name(result.instrument, instrument),
            overall=shown,
            by=by,
            groups=sections,
            method=_method(result, design).model_copy(update={"min_group_size": m}),
            notes=note_tuple(notes),
        )


def section_of(
    result: SKMResult,
    *,
    group: str | None,
    target_n: int | None = None,
    population: int | None = None,
) -> IndexSection:
    """The section of one result, every figure shown (suppression comes after)."""
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
