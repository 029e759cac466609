"""Renderers of a :class:`~servqual.report.Report`: plain text, Markdown, HTML and JSON.

Renderers are the only place where servqual rounds numbers: the index, its interval and
converted values to two decimals, NRR to three. Text, Markdown and HTML come in English
(``language="en"``) or Indonesian (``language="id"``, with the decimal comma); JSON is
the unrounded model itself and round-trips through ``Report.model_validate_json``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator
from typing import NamedTuple

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
from servqual.report.ipa_section import ipa_html_lines, ipa_markdown_lines, ipa_text_lines
from servqual.report.model import IndexSection, MethodNote, Report

__all__ = ["method_note", "render_html", "render_json", "render_markdown", "render_text"]

_INSTRUMENT_NAMES = {"skm-2017": "SKM 2017", "ikm-2004": "IKM 2004"}
_REGULATIONS = {"skm-2017": "Permen PANRB 14/2017", "ikm-2004": "Kepmenpan 25/2004"}


def _pct(level: float, language: Language) -> str:
    return fmt_level(level, language)


def _has_interval(section: IndexSection) -> bool:
    ci = section.index.ci
    return math.isfinite(ci.low) and math.isfinite(ci.high)


def _interval(section: IndexSection, language: Language) -> str:
    ci = section.index.ci
    if not _has_interval(section):
        return f"{_pct(ci.level, language)} {word('ci', language)}: {word('no_interval', language)}"
    bounds = f"{fmt(ci.low, 2, language)}–{fmt(ci.high, 2, language)}"
    return f"{_pct(ci.level, language)} {word('ci', language)} {bounds}"


def _element_name(row_name: str, row_name_en: str | None, language: Language) -> str:
    return row_name_en if language == "en" and row_name_en else row_name


def _respondents(section: IndexSection, language: Language) -> str:
    text = f"{word('respondents', language)}: {fmt_int(section.n, language)}"
    extra = []
    if section.target_n is not None:
        extra.append(f"{word('target', language)} {fmt_int(section.target_n, language)}")
    if section.population is not None:
        extra.append(f"{word('population', language)} {fmt_int(section.population, language)}")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _weakest_items(section: IndexSection, language: Language) -> list[str]:
    parts = []
    for code in section.weakest:
        row = section.element(code)
        name = _element_name(row.name, row.name_en, language)
        parts.append(f"{code} {name} ({word('nrr', language)} {fmt(row.nrr, 3, language)})")
    return parts


def _weakest(items: list[str], language: Language) -> str:
    return f"{word('weakest', language)}: " + "; ".join(items)


def _crossing(section: IndexSection, regime: str, language: Language) -> str | None:
    if not section.crosses_grade_boundary:
        return None
    if not _has_interval(section):
        return word("no_interval_note", language)
    ci = section.index.ci
    cut = [t for t in thresholds(_regime(regime)) if ci.low < t <= ci.high]
    where = "; ".join(fmt(t, 2, language) for t in cut)
    return " ".join(word("crosses", language).format(where=where).split())


def _regime(regime: str) -> Regime:
    return "ikm-2004" if regime == "ikm-2004" else "skm-2017"


def method_note(method: MethodNote, *, language: Language = "en") -> str:
    """The one-line method note of a report, in English or Indonesian.

    Examples
    --------
    >>> from servqual.report import MethodNote, method_note
    >>> m = MethodNote(interval="t", df=399.0, level=0.95, weights_mode="exact",
    ...                weight=1 / 9, regime="skm-2017")
    >>> print(method_note(m))
    Linearization (delta method) standard error, t interval with 399 df; exact weights 1/9;
    grades of Permen PANRB 14/2017; missing answers excluded per element.
    >>> print(method_note(m, language="id"))
    Galat baku linearisasi (metode delta), selang t dengan 399 derajat bebas; bobot eksak 1/9;
    mutu menurut Permen PANRB 14/2017; jawaban kosong dikecualikan per unsur.
    """
    language = check_language(language)
    en = language == "en"
    parts = []
    if method.interval == "t" and method.df is not None:
        df = fmt(method.df, 0 if float(method.df).is_integer() else 1, language)
        interval = f"t interval with {df} df" if en else f"selang t dengan {df} derajat bebas"
    elif method.interval == "normal":
        interval = "normal interval" if en else "selang normal"
    else:
        interval = f"{method.interval} interval" if en else f"selang {method.interval}"
    if method.variance == "bootstrap":
        lead = "Bootstrap of respondents, " if en else "Bootstrap responden, "
    else:
        lead = (
            "Linearization (delta method) standard error, "
            if en
            else "Galat baku linearisasi (metode delta), "
        )
    parts.append(lead + interval)
    design = _design_phrase(method, en)
    if design:
        parts.append(design)
    parts.append(_weights_phrase(method, language))
    regulation = _REGULATIONS.get(method.regime, method.regime)
    parts.append(f"grades of {regulation}" if en else f"mutu menurut {regulation}")
    parts.append(
        "missing answers excluded per element" if en else "jawaban kosong dikecualikan per unsur"
    )
    return "; ".join(parts) + "."


def _design_phrase(method: MethodNote, en: bool) -> str:
    bits = []
    if method.strata > 1:
        bits.append(f"{method.strata} strata")
    if method.clustered:
        bits.append("clusters" if en else "klaster")
    if method.fpc:
        bits.append("finite-population correction" if en else "koreksi populasi terhingga")
    if not bits:
        return ""
    return ", ".join(bits)


def _weights_phrase(method: MethodNote, language: Language) -> str:
    en = language == "en"
    if method.weight is None:
        return "instrument weights" if en else "bobot instrumen"
    if method.weights_mode == "exact":
        k = round(1 / method.weight)
        return f"exact weights 1/{k}" if en else f"bobot eksak 1/{k}"
    w = fmt(method.weight, 3, language)
    return f"printed weights {w}" if en else f"bobot tercetak {w}"


def _header_lines(report: Report, language: Language) -> tuple[str, list[str]]:
    title = report.title or word("default_title", language)
    lines = []
    if report.unit:
        lines.append(f"{word('unit', language)}: {report.unit}")
    if report.period:
        lines.append(f"{word('period', language)}: {report.period}")
    k = len(report.overall.elements)
    name = _INSTRUMENT_NAMES.get(report.instrument, report.instrument_name)
    lines.append(f"{word('instrument', language)}: {name} ({k} {word('elements_count', language)})")
    return title, lines


def _section_title(section: IndexSection, report: Report, language: Language) -> str:
    if section.group is None:
        return word("all", language)
    return f"{report.by or word('group', language)}: {section.group}"


def _headline(section: IndexSection, language: Language) -> str:
    return (
        f"{word('index', language)} {fmt(section.index.value, 2, language)} "
        f"({_interval(section, language)}), {word('grade', language)} {section.grade}, "
        f"{label_text(section.label, language)}"
    )


def _table_rows(section: IndexSection, language: Language) -> list[list[str]]:
    return [
        [
            row.code,
            _element_name(row.name, row.name_en, language),
            fmt_int(row.n, language),
            fmt(row.nrr, 3, language),
            fmt(row.converted, 2, language),
            row.grade,
        ]
        for row in section.elements
    ]


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


def _sections(report: Report, language: Language) -> Iterator[_Section]:
    for section in report.sections:
        yield _Section(
            title=_section_title(section, report, language),
            headline=_headline(section, language),
            crossing=_crossing(section, report.method.regime, language),
            respondents=_respondents(section, language),
            header=_table_header(language),
            rows=_table_rows(section, language),
            weakest=_weakest_items(section, language),
        )


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
    language = check_language(language)
    title, header = _header_lines(report, language)
    out = [title, "=" * len(title), *header]
    right = (False, False, True, True, True, False)
    for sec in _sections(report, language):
        out += ["", sec.title, "-" * len(sec.title), sec.headline]
        if sec.crossing:
            out.append(f"  ({sec.crossing})")
        out += [sec.respondents, ""]
        table = [sec.header, *sec.rows]
        widths = [max(len(r[j]) for r in table) for j in range(len(table[0]))]
        for r in table:
            cells = [
                c.rjust(w) if rj else c.ljust(w) for c, w, rj in zip(r, widths, right, strict=True)
            ]
            out.append("  ".join(cells).rstrip())
        out += ["", f"{word('weakest', language)}:"]
        out += [f"  {i}. {item}" for i, item in enumerate(sec.weakest, 1)]
    if report.ipa is not None:
        out += ["", *ipa_text_lines(report.ipa, language=language)]
    out += ["", f"{word('method', language)}: {method_note(report.method, language=language)}"]
    out += [f"{word('notes', language)}: {note}" for note in report.notes]
    return "\n".join(out) + "\n"


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
    language = check_language(language)
    title, header = _header_lines(report, language)
    out = [f"# {title}", "", "  \n".join(header)]
    for sec in _sections(report, language):
        out += ["", f"## {sec.title}", "", f"**{sec.headline}**"]
        if sec.crossing:
            out += ["", f"*{sec.crossing}*"]
        out += ["", sec.respondents, ""]
        out.append("| " + " | ".join(sec.header) + " |")
        out.append("| --- | --- | ---: | ---: | ---: | :---: |")
        out += ["| " + " | ".join(r) + " |" for r in sec.rows]
        out += ["", _weakest(sec.weakest, language)]
    if report.ipa is not None:
        out += ["", *ipa_markdown_lines(report.ipa, language=language)]
    out += ["", f"*{word('method', language)}:* {method_note(report.method, language=language)}"]
    out += [f"\n*{word('notes', language)}:* {note}" for note in report.notes]
    return "\n".join(out) + "\n"


def render_html(report: Report, *, language: Language = "en") -> str:
    """Render a report as a self-contained HTML fragment (``<section class="servqual-report">``).

    Every text is escaped; no scripts, no external resources.

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
    >>> page = sq.render_html(sq.skm_report(sq.data.load_demo(), unit="Dukcapil <Sukamaju>"))
    >>> print(page.splitlines()[2])
    <p>Unit: Dukcapil &lt;Sukamaju&gt;</p>
    """
    language = check_language(language)
    e = html.escape
    title, header = _header_lines(report, language)
    out = [f'<section class="servqual-report" lang="{language}">', f"<h1>{e(title)}</h1>"]
    out += [f"<p>{e(line)}</p>" for line in header]
    for sec in _sections(report, language):
        out.append(f"<h2>{e(sec.title)}</h2>")
        out.append(f"<p><strong>{e(sec.headline)}</strong></p>")
        if sec.crossing:
            out.append(f"<p><em>{e(sec.crossing)}</em></p>")
        out.append(f"<p>{e(sec.respondents)}</p>")
        out.append("<table>")
        out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in sec.header) + "</tr>")
        for r in sec.rows:
            out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
        out.append("</table>")
        out.append(f"<p>{e(_weakest(sec.weakest, language))}</p>")
    if report.ipa is not None:
        out += ipa_html_lines(report.ipa, language=language)
    note = method_note(report.method, language=language)
    out.append(f"<p><em>{e(word('method', language))}:</em> {e(note)}</p>")
    out += [f"<p><em>{e(word('notes', language))}:</em> {e(n)}</p>" for n in report.notes]
    out.append("</section>")
    return "\n".join(out) + "\n"


def render_json(report: Report, *, indent: int | None = 2) -> str:
    """Render a report as JSON: the unrounded model.

    The output reads back with ``Report.model_validate_json``.

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
    return report.model_dump_json(indent=indent) + "\n"
