"""Build a :class:`~servqual.report.Report` straight from survey responses."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from servqual.errors import DegenerateDataWarning, ServqualTypeError
from servqual.indices.ipa import IPAResult
from servqual.indices.skm import skm_index
from servqual.indices.skm_result import SKMResult, WeightsMode
from servqual.models.results import Estimate, Interval
from servqual.report._facts import note_tuple
from servqual.report.compliance_section import compliance_section, skm_pairs
from servqual.report.ipa_section import ipa_section
from servqual.report.model import IndexSection, Report
from servqual.report.suppression import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    suppress_screening,
)
from servqual.responses import Responses
from servqual.screening.models import Screening

if TYPE_CHECKING:
    from servqual.models.service import ServiceCatalog
    from servqual.standards.calendar import WorkCalendar
    from servqual.standards.records import ServiceRecords

__all__ = ["skm_report"]


def skm_report(
    responses: Responses,
    *,
    level: float = 0.95,
    by: str | None = None,
    weights: WeightsMode = "exact",
    title: str | None = None,
    unit: str | None = None,
    period: str | None = None,
    target_n: int | None = None,
    population: int | None = None,
    notes: str | Sequence[str] = (),
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    records: ServiceRecords | None = None,
    catalog: ServiceCatalog | None = None,
    calendar: WorkCalendar | None = None,
    period_end: dt.datetime | dt.date | str | None = None,
    screening: Screening | None = None,
) -> Report:
    """Compute the SKM index (overall and, with ``by=``, per group) and wrap it in a report.

    Parameters
    ----------
    responses : Responses
        Answers to an SKM-style instrument and their design.
    level : float
        Confidence level of the intervals, in (0, 1).
    by : str, optional
        A respondent attribute column: one section per value, estimated as a domain of
        the full design (see :func:`servqual.skm_index`).
    weights : {"exact", "regulation"}
        Exact element weights (1/9) or the regulation's printed ones (0.111).
    title, unit, period : str, optional
        Report metadata.
    target_n : int, optional
        Planned number of respondents, shown next to the achieved number.
    population : int, optional
        Number of people served in the period (shown; the finite-population correction
        itself comes from the design's ``fpc``). Defaults to the design's population
        when it has one.
    notes : str or sequence of str
        Free-form notes printed under the method; one string is one note.
    min_group_size : int
        Fewest respondents a published figure may rest on (default 5). A group, or an
        element of a group, with fewer respondents shows ``n < 5`` instead of its
        figures, and further figures are withheld so that none of those can be derived
        from the total and the other groups; 0 turns this off (the method note says so).
        See :mod:`servqual.report.suppression`.
    records, catalog, calendar, period_end : optional
        The office's service records and standards: adds a compliance section (see
        :func:`servqual.compliance`), each service next to the SKM index of the ``by``
        group with its id (not when that group's index is withheld). ``catalog``
        defaults to the records' own.
    screening : Screening, optional
        A :func:`servqual.screen` result of the same responses, shown as the report's
        data-quality section.

    Returns
    -------
    Report

    Raises
    ------
    servqual.errors.ValidationError, servqual.errors.EstimationError
        As :func:`servqual.skm_index` raises them.
    servqual.errors.ParameterError
        A negative or non-integer ``min_group_size``.
    servqual.errors.ServqualTypeError
        ``responses`` is not a :class:`~servqual.Responses`; a note is not a string.

    Notes
    -----
    Calls :func:`servqual.skm_index` once over all respondents and once with ``by=``;
    nothing is recomputed or rounded here; withheld figures are left out of the report
    itself (``None``), so no renderer and no JSON reader can see them. The
    importance–performance section (over all respondents) is left out, with a
    :class:`~servqual.errors.DegenerateDataWarning`, when one of its items rests on fewer
    than ``min_group_size`` answers.

    Examples
    --------
    The bundled demo survey (400 applicants of a civil-registration office, stratified
    by service):

    >>> import servqual as sq
    >>> report = sq.skm_report(sq.data.load_demo(), by="service", target_n=368)
    >>> report.overall.grade, report.overall.n, report.overall.weakest
    ('B', 400, ('U3', 'U8', 'U9'))
    >>> [(s.group, s.grade) for s in report.groups]
    [('Akta Kelahiran', 'A'), ('KTP-el', 'C'), ('Kartu Keluarga', 'B')]
    >>> text = sq.render_text(report)
    >>> print(text[: text.index("Code")].strip())
    Community satisfaction survey (SKM)
    ===================================
    Instrument: SKM 2017 (9 elements)
    <BLANKLINE>
    All respondents
    ---------------
    SKM index 78.77 (95% CI 78.01–79.53), grade B, Good (Baik)
    Respondents: 400 (target 368; population 8,620)
    """
    if not isinstance(responses, Responses):
        raise ServqualTypeError(
            f"skm_report needs a servqual.Responses, got {type(responses).__name__}"
        )
    min_group_size = check_min_group_size(min_group_size)
    notes = note_tuple(notes)
    overall = skm_index(responses, level=level, weights=weights)
    assert isinstance(overall, SKMResult)  # by=None gives one result
    groups = None
    caught: list[warnings.WarningMessage] = []
    if by is not None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            by_result = skm_index(responses, level=level, by=by, weights=weights)
        assert isinstance(by_result, dict)  # by=column gives a mapping
        groups = by_result
    report = Report.from_skm(
        overall,
        groups=groups,
        by=by,
        design=responses.design,
        title=title,
        unit=unit,
        period=period,
        target_n=target_n,
        population=population,
        notes=notes,
        min_group_size=min_group_size,
    )
    _rewarn(caught, report)
    report = _with_element_intervals(report, responses, by, level)
    ipa = ipa_section(responses, level=level)  # needs importance columns imp_<item id>
    if ipa is not None and not _too_small(ipa, min_group_size):
        report = report.model_copy(update={"ipa": ipa})
    if records is not None:
        section = compliance_section(
            records,
            catalog or records.catalog,
            skm=skm_pairs(report.groups),
            calendar=calendar,
            period_end=period_end,
            level=level,
        )
        report = report.model_copy(update={"compliance": section})
    if screening is not None:
        shown = suppress_screening(screening, min_group_size)
        report = report.model_copy(update={"screening": shown})
    return report


def _too_small(ipa: IPAResult, m: int) -> bool:
    """Whether an IPA item rests on fewer than ``m`` answers (it is then left out, warned).

    The IPA table shows each item's mean importance and performance over everyone: a mean
    of fewer than ``m`` answers is what suppression withholds elsewhere in the report.
    """
    for item in ipa.items:
        n = min(item.importance.n, item.performance.n)
        if n < m:
            warnings.warn(
                f"the importance–performance section is left out of the report: item "
                f"{item.id!r} has fewer than {m} answers (min_group_size)",
                DegenerateDataWarning,
                stacklevel=3,
            )
            return True
    return False


def _rewarn(caught: list[warnings.WarningMessage], report: Report) -> None:
    """Pass on the group warnings, except those about withheld groups.

    A note such as "1 respondent in domain desk='C'" would tell what the report withholds.
    """
    hidden = [f"in domain {report.by}={s.group!r}" for s in report.groups if s.suppressed]
    for w in caught:
        if not any(tag in str(w.message) for tag in hidden):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _with_element_intervals(
    report: Report, responses: Responses, by: str | None, level: float
) -> Report:
    """Each element's converted value with its interval: 25 × the design mean of its answers.

    The NRR is the design mean of the element over the respondents who answered it (a
    domain of the full design, as ``skm_index`` computes it), so its interval comes from
    the same design; the HTML report draws it as the element's whisker. A withheld
    element (``suppressed``, also every element of a withheld group) gets no interval:
    its ends would give its NRR back.
    """
    ids = responses.instrument.item_ids
    values = responses.values()
    elements = [f"_element_{i}" for i in ids] if by else []
    design = responses.design.with_columns({c: values[:, j] for j, c in enumerate(elements)})
    with warnings.catch_warnings():  # a constant element has a zero-width interval: fine here
        warnings.simplefilter("ignore", DegenerateDataWarning)
        overall = {
            f"_element_{i}": _answered_mean(responses, values[:, j], level)
            for j, i in enumerate(ids)
        }
        per_group = (
            {}
            if by is None
            else {c: design.by(by).mean(c, level=level, na="domain") for c in elements}
        )

    def rows(section: IndexSection, ests: Mapping[str, Estimate]) -> IndexSection:
        new = tuple(
            row
            if row.suppressed is not None
            else row.model_copy(update={"ci": _scaled(ests[f"_element_{row.code}"].ci)})
            for row in section.elements
        )
        return section.model_copy(update={"elements": new})

    groups = tuple(
        rows(sec, {c: per_group[c][str(sec.group)] for c in elements}) for sec in report.groups
    )
    return report.model_copy(update={"overall": rows(report.overall, overall), "groups": groups})


def _answered_mean(responses: Responses, y: npt.NDArray[np.float64], level: float) -> Estimate:
    """The design mean of ``y`` over the rows that have it (``NaN``: not answered).

    As the ratio Σ w·y·a / Σ w·a (``a`` = answered), whose influence values are the
    subset mean's (R: ``svymean`` on the subset equals ``svyratio``), so the whole-design
    path computes it; two columns at a time, so memory stays at one element's worth.
    """
    answered = ~np.isnan(y)
    cols = {"_answered": answered.astype(float), "_total": np.where(answered, y, 0.0)}
    return responses.design.with_columns(cols).ratio("_total", "_answered", level=level)


def _scaled(ci: Interval) -> Interval:
    """An NRR interval (1–4) on the converted scale (× 25)."""
    return ci.model_copy(update={"low": 25.0 * ci.low, "high": 25.0 * ci.high})
