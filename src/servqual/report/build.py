"""Build a :class:`~servqual.report.Report` straight from survey responses."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

from servqual.errors import DegenerateDataWarning, ServqualTypeError
from servqual.indices.skm import skm_index
from servqual.indices.skm_result import SKMResult, WeightsMode
from servqual.models.results import Estimate, Interval
from servqual.report.ipa_section import ipa_section
from servqual.report.model import IndexSection, Report
from servqual.responses import Responses

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
    report = _with_element_intervals(report, responses, by, level)
    ipa = ipa_section(responses, level=level)  # needs importance columns imp_<item id>
    return report if ipa is None else report.model_copy(update={"ipa": ipa})


def _with_element_intervals(
    report: Report, responses: Responses, by: str | None, level: float
) -> Report:
    """Each element's converted value with its interval: 25 × the design mean of its answers.

    The NRR is the design mean of the element over the respondents who answered it (a
    domain of the full design, as ``skm_index`` computes it), so its interval comes from
    the same design; the HTML report draws it as the element's whisker.
    """
    ids = responses.instrument.item_ids
    values = responses.values()
    cols = {f"_element_{i}": values[:, j] for j, i in enumerate(ids)}
    design = responses.design.with_columns(cols)
    with warnings.catch_warnings():  # a constant element has a zero-width interval: fine here
        warnings.simplefilter("ignore", DegenerateDataWarning)
        overall = design.mean(list(cols), level=level, na="domain")
        per_group = {c: design.by(by).mean(c, level=level, na="domain") for c in cols} if by else {}

    def rows(section: IndexSection, ests: Mapping[str, Estimate]) -> IndexSection:
        new = tuple(
            row.model_copy(update={"ci": _scaled(ests[f"_element_{row.code}"].ci)})
            for row in section.elements
        )
        return section.model_copy(update={"elements": new})

    groups = tuple(
        rows(sec, {c: per_group[c][str(sec.group)] for c in cols}) for sec in report.groups
    )
    return report.model_copy(update={"overall": rows(report.overall, overall), "groups": groups})


def _scaled(ci: Interval) -> Interval:
    """An NRR interval (1–4) on the converted scale (× 25)."""
    return ci.model_copy(update={"low": 25.0 * ci.low, "high": 25.0 * ci.high})
