"""Renderers of a :class:`~servqual.report.Report`: plain text, Markdown and JSON.

The HTML renderer, :func:`servqual.report.html.render_html`, builds on the shared section
texts defined here.

Renderers are the only place where servqual rounds numbers: the index, its interval and
converted values to two decimals, NRR to three. Text, Markdown and HTML come in English
(``language="en"``) or Indonesian (``language="id"``, with the decimal comma); JSON is
the unrounded model itself and round-trips through ``Report.model_validate_json``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import NamedTuple

from servqual._escape import json_text, markdown_text, plain_text
from servqual.errors import ServqualTypeError
from servqual.indices.grades import Regime, thresholds
from servqual.report._labels import (
    Language,
    check_language,
    fmt,
    fmt_int,
    fmt_level,
    label_text,
    word,
)
from servqual.report._method_note import method_note
from servqual.report.compliance_section import compliance_markdown_lines, compliance_text_lines
from servqual.report.ipa_section import ipa_markdown_lines, ipa_text_lines
from servqual.report.model import ElementRow, IndexSection, Report
from servqual.report.screening_section import screening_markdown_lines, screening_text_lines

__all__ = ["method_note", "render_json", "render_markdown", "render_text"]

_INSTRUMENT_NAMES = {"skm-2017": "SKM 2017", "ikm-2004": "IKM 2004"}


Escape = Callable[[str], str]
"""Makes a user's label safe for one output format."""


def _has_interval(section: IndexSection) -> bool:
    if section.index is None:
        return False
    ci = section.index.ci
    return math.isfinite(ci.low) and math.isfinite(ci.high)


def _interval(section: IndexSection, language: Language) -> str:
    assert section.index is not None  # only called for a shown index
    ci = section.index.ci
    label = f"{fmt_level(ci.level, language)} {word('ci', language)}"
    if not _has_interval(section):
        return f"{label}: {word('no_interval', language)}"
    bounds = f"{fmt(ci.low, 2, language)}–{fmt(ci.high, 2, language)}"
    return f"{label} {bounds}"


def _element_name(row_name: str, row_name_en: str | None, language: Language) -> str:
    return row_name_en if language == "en" and row_name_en else row_name


def _withheld(why: str | None, m: int, language: Language) -> str:
    """The marker of a withheld figure: ``n < 5``, or ``withheld`` (complementary)."""
    return f"n < {m}" if why == "small" else word("withheld", language)


def _respondents(section: IndexSection, m: int, language: Language) -> str:
    n = _withheld(section.suppressed, m, language) if section.n is None else None
    shown = n if n is not None else fmt_int(section.n or 0, language)
    text = f"{word('respondents', language)}: {shown}"
    extra = []
    if section.target_n is not None:
        extra.append(f"{word('target', language)} {fmt_int(section.target_n, language)}")
    if section.population is not None:
        extra.append(f"{word('population', language)} {fmt_int(section.population, language)}")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _weakest_items(section: IndexSection, language: Language, esc: Escape) -> list[str]:
    parts = []
    for code in section.weakest:
        row = section.element(code)
        name = esc(_element_name(row.name, row.name_en, language))
        nrr = fmt(row.nrr, 3, language)
        parts.append(f"{esc(code)} {name} ({word('nrr', language)} {nrr})")
    return parts


def _weakest(items: list[str], language: Language) -> str:
    return f"{word('weakest', language)}: " + "; ".join(items)


def _crossing(section: IndexSection, regime: str, language: Language) -> str | None:
    if not section.crosses_grade_boundary or section.index is None:
        return None
    if not _has_interval(section):
        return word("no_interval_note", language)
    ci = section.index.ci
    cut = [t for t in thresholds(_regime(regime)) if ci.low < t <= ci.high]
    where = "; ".join(fmt(t, 2, language) for t in cut)
    return " ".join(word("crosses", language).format(where=where).split())


def _regime(regime: str) -> Regime:
    return "ikm-2004" if regime == "ikm-2004" else "skm-2017"


def _header_lines(report: Report, language: Language, esc: Escape) -> tuple[str, list[str]]:
    regime = report.method.regime
    title = esc(report.title) if report.title else word("default_title", language, regime)
    lines = []
    if report.unit:
        lines.append(f"{word('unit', language)}: {esc(report.unit)}")
    if report.period:
        lines.append(f"{word('period', language)}: {esc(report.period)}")
    k = len(report.overall.elements)
    name = esc(_INSTRUMENT_NAMES.get(report.instrument, report.instrument_name))
    lines.append(f"{word('instrument', language)}: {name} ({k} {word('elements_count', language)})")
    return title, lines


def _section_title(section: IndexSection, report: Report, language: Language, esc: Escape) -> str:
    if section.group is None:
        return word("all", language)
    return f"{esc(report.by) if report.by else word('group', language)}: {esc(section.group)}"


def _headline(section: IndexSection, m: int, regime: str, language: Language) -> str:
    if section.suppressed is not None:
        key = "section_small" if section.suppressed == "small" else "section_complementary"
        return word(key, language).format(m=m)
    if section.index is None:
        return word("index_withheld", language, regime)
    return (
        f"{word('index', language, regime)} {fmt(section.index.value, 2, language)} "
        f"({_interval(section, language)}), {word('grade', language)} {section.grade}, "
        f"{label_text(section.label or '', language)}"
    )


def _table_row(row: ElementRow, m: int, language: Language, esc: Escape) -> list[str]:
    name = esc(_element_name(row.name, row.name_en, language))
    if row.suppressed is not None:
        return [esc(row.code), name, _withheld(row.suppressed, m, language), "–", "–", "–"]
    return [
        esc(row.code),
        name,
        fmt_int(row.n or 0, language),
        fmt(row.nrr, 3, language),
        fmt(row.converted, 2, language),
        row.grade or "–",
    ]


def _table_rows(section: IndexSection, m: int, language: Language, esc: Escape) -> list[list[str]]:
    if section.suppressed is not None:
        return []  # nothing of a withheld section is shown
    return [_table_row(row, m, language, esc) for row in section.elements]


def _table_header(language: Language) -> list[str]:
    keys = ("code", "element", "answers", "nrr", "converted", "grade_col")
    return [word(k, language) for k in keys]


class _Section(NamedTuple):
    """The texts of one report section, shared by the text, Markdown and HTML renderers."""

    title: str
    headline: str
    crossing: str | None
    respondents: str
    header: list[str]
    rows: list[list[str]]
    weakest: list[str]


def _sections(report: Report, language: Language, esc: Escape) -> Iterator[_Section]:
    m = report.method.min_group_size
    for section in report.sections:
        yield _Section(
            title=_section_title(section, report, language, esc),
            headline=_headline(section, m, report.method.regime, language),
            crossing=_crossing(section, report.method.regime, language),
            respondents=_respondents(section, m, language),
            header=_table_header(language),
            rows=_table_rows(section, m, language, esc),
            weakest=_weakest_items(section, language, esc),
        )


def check_report(report: object, renderer: str) -> Report:
    """Refuse anything but a :class:`Report` with a named error (not an AttributeError)."""
    if not isinstance(report, Report):
        raise ServqualTypeError(
            f"{renderer} renders a servqual Report (from sq.skm_report or Report.from_skm), "
            f"got {type(report).__name__}"
        )
    return report


def render_text(report: Report, *, language: Language = "en") -> str:
    """Render a report as plain text for a terminal.

    Parameters
    ----------
    report : Report
    language : {"en", "id"}
        English, or Indonesian with the decimal comma.

    Returns
    -------
    str
        The report, ending with a newline.

    Raises
    ------
    servqual.errors.ParameterError
        If ``language`` is not ``"en"`` or ``"id"``.

    Examples
    --------
    >>> import servqual as sq
    >>> report = sq.skm_report(sq.data.load_demo(), title="SKM Dukcapil 2026")
    >>> text = sq.render_text(report)
    >>> print(text[: text.index("Code")].strip())
    SKM Dukcapil 2026
    =================
    Instrument: SKM 2017 (9 elements)
    <BLANKLINE>
    All respondents
    ---------------
    SKM index 78.77 (95% CI 78.01–79.53), grade B, Good (Baik)
    Respondents: 400 (population 8,620)
    >>> print(text.splitlines()[10])
    U1    Requirements                                      395  3.212      80.30  B
    >>> "Indeks SKM 78,77 (95% SK 78,01–79,53), mutu B, Baik" in sq.render_text(
    ...     report, language="id")
    True
    """
    report = check_report(report, "render_text")
    language = check_language(language)
    title, header = _header_lines(report, language, plain_text)
    out = [title, "=" * len(title), *header]
    for sec in _sections(report, language, plain_text):
        out += ["", sec.title, "-" * len(sec.title), sec.headline]
        if sec.crossing:
            out.append(f"  ({sec.crossing})")
        out.append(sec.respondents)
        if sec.rows:
            out += ["", *_text_table([sec.header, *sec.rows])]
        if sec.weakest:
            out += ["", f"{word('weakest', language)}:"]
            out += [f"  {i}. {item}" for i, item in enumerate(sec.weakest, 1)]
    if report.ipa is not None:
        out += ["", *ipa_text_lines(report.ipa, language=language)]
    if report.compliance is not None:
        out += ["", *compliance_text_lines(report.compliance, language=language)]
    if report.screening is not None:
        out += ["", *screening_text_lines(report.screening, language=language)]
    out += ["", f"{word('method', language)}: {method_note(report.method, language=language)}"]
    out += [f"{word('notes', language)}: {plain_text(note)}" for note in report.notes]
    return "\n".join(out) + "\n"


def _text_table(table: list[list[str]]) -> list[str]:
    right = (False, False, True, True, True, False)
    widths = [max(len(r[j]) for r in table) for j in range(len(table[0]))]
    lines = []
    for r in table:
        cells = [
            c.rjust(w) if rj else c.ljust(w) for c, w, rj in zip(r, widths, right, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def render_markdown(report: Report, *, language: Language = "en") -> str:
    """Render a report as Markdown (GitHub tables), e.g. for a published report page.

    Parameters
    ----------
    report : Report
    language : {"en", "id"}

    Returns
    -------
    str

    Raises
    ------
    servqual.errors.ParameterError
        If ``language`` is not ``"en"`` or ``"id"``.

    Examples
    --------
    >>> import servqual as sq
    >>> md = sq.render_markdown(sq.skm_report(sq.data.load_demo()))
    >>> for line in md.splitlines()[10:13]:
    ...     print(line)
    | Code | Element | n | NRR | Converted | Grade |
    | --- | --- | ---: | ---: | ---: | :---: |
    | U1 | Requirements | 395 | 3.212 | 80.30 | B |
    """
    report = check_report(report, "render_markdown")
    language = check_language(language)
    title, header = _header_lines(report, language, markdown_text)
    out = [f"# {title}", "", "  \n".join(header)]
    for sec in _sections(report, language, markdown_text):
        out += ["", f"## {sec.title}", "", f"**{sec.headline}**"]
        if sec.crossing:
            out += ["", f"*{sec.crossing}*"]
        out += ["", sec.respondents]
        if sec.rows:
            out.append("")
            out.append("| " + " | ".join(sec.header) + " |")
            out.append("| --- | --- | ---: | ---: | ---: | :---: |")
            out += ["| " + " | ".join(r) + " |" for r in sec.rows]
        if sec.weakest:
            out += ["", _weakest(sec.weakest, language)]
    if report.ipa is not None:
        out += ["", *ipa_markdown_lines(report.ipa, language=language)]
    if report.compliance is not None:
        out += ["", *compliance_markdown_lines(report.compliance, language=language)]
    if report.screening is not None:
        out += ["", *screening_markdown_lines(report.screening, language=language)]
    out += ["", f"*{word('method', language)}:* {method_note(report.method, language=language)}"]
    out += [f"\n*{word('notes', language)}:* {markdown_text(note)}" for note in report.notes]
    return "\n".join(out) + "\n"


def render_json(report: Report, *, indent: int | None = 2) -> str:
    r"""Render a report as JSON: the unrounded model.

    The output reads back with ``Report.model_validate_json``. ``<``, ``>`` and ``&`` in
    labels are written as ``\u003c``, ``\u003e``, ``\u0026`` (the same characters to
    every JSON reader), so the JSON can sit inside an HTML ``<script>`` block.

    Parameters
    ----------
    report : Report
    indent : int, optional
        Indentation (``None`` for one line).

    Returns
    -------
    str

    Examples
    --------
    >>> import servqual as sq
    >>> report = sq.skm_report(sq.data.load_demo())
    >>> text = sq.render_json(report)
    >>> sq.Report.model_validate_json(text) == report
    True
    >>> sq.Report.model_validate_json(text).overall.index.value  # unrounded
    78.77...
    """
    report = check_report(report, "render_json")
    return json_text(report.model_dump_json(indent=indent)) + "\n"
