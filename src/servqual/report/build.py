"""Build a :class:`~servqual.report.Report` straight from survey responses."""

from __future__ import annotations

from collections.abc import Sequence

from servqual.errors import ServqualTypeError
from servqual.indices.skm import skm_index
from servqual.indices.skm_result import SKMResult, WeightsMode
from servqual.report.ipa_section import ipa_section
from servqual.report.model import Report
from servqual.responses import Responses
from servqual.screening.models import Screening

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
    notes: Sequence[str] = (),
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
    notes : sequence of str
        Free-form notes printed under the method.
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

    Notes
    -----
    Calls :func:`servqual.skm_index` once over all respondents and once with ``by=``;
    nothing is recomputed or rounded here.

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
    overall = skm_index(responses, level=level, weights=weights)
    assert isinstance(overall, SKMResult)  # by=None gives one result
    groups = None
    if by is not None:
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
    )
    ipa = ipa_section(responses, level=level)  # needs importance columns imp_<item id>
    if ipa is not None:
        report = report.model_copy(update={"ipa": ipa})
    return report if screening is None else report.model_copy(update={"screening": screening})
