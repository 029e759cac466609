"""The HTML renderer: a complete, standalone, printable report page.

One file that opens in any browser and prints to clean A4 pages: a doctype, UTF-8,
``lang``, a title, an embedded stylesheet with print rules, inline SVG charts (element
bars over the grade bands with the index interval, groups compared, IPA quadrants) and
accessible tables (captions, column and row header scopes). No scripts and no network
resources; every text is escaped and every label kept on one line. Numbers shown are
rounded as the other renderers round them; each number cell and chart mark also carries
its unrounded value in ``data-value``. A figure the report withholds (small-group
suppression: ``None`` in the model) is shown as the other renderers show it (``n < 5``,
"withheld") and appears in no chart and no ``data-`` attribute.
"""

from __future__ import annotations

import html
import math
from typing import Any

from pydantic import BaseModel

from servqual._escape import one_line
from servqual.indices.grades import thresholds
from servqual.report._labels import Language, check_language, fmt, fmt_level, phrase, word
from servqual.report._svg import Bar, IPAText, bar_chart, ipa_chart
from servqual.report.compliance_section import (
    ComplianceSection,
    compliance_html_table,
    compliance_note,
    compliance_title,
)
from servqual.report.ipa_section import _header as _ipa_header
from servqual.report.ipa_section import _notes as _ipa_notes
from servqual.report.ipa_section import _rows as _ipa_rows
from servqual.report.ipa_section import _w as _ipa_w
from servqual.report.model import ElementRow, IndexSection, Report
from servqual.report.render import (
    _element_name,
    _header_lines,
    _regime,
    _Section,
    _sections,
    _weakest,
    _withheld,
    check_report,
    method_note,
)
from servqual.report.screening_section import (
    screening_html_table,
    screening_statements,
    screening_title,
)
from servqual.screening.models import Screening

__all__ = ["render_html"]

e = html.escape  # labels pass through one_line, whole lines are escaped here

_KNOWN = frozenset(
    {"title", "unit", "period", "instrument", "instrument_name", "overall", "by", "groups",
     "method", "notes", "ipa", "compliance", "screening"}
)  # fmt: skip
_WORDS = {
    "elements_chart": ("Converted value per element, over the grade bands", "Nilai konversi per unsur, dengan pita mutu"),  # noqa: E501
    "elements_desc": ("Bars: converted value (25–100) of each element, whiskers: its {ci} interval; last bar: the index with its interval.", "Batang: nilai konversi (25–100) tiap unsur, garis: selang kepercayaan {ci}; batang terakhir: indeks dengan selangnya."),  # noqa: E501
    "groups_title": ("Groups compared", "Perbandingan kelompok"),
    "groups_desc": ("The index of each group with its {ci} interval, over the grade bands.", "Indeks tiap kelompok dengan selang kepercayaan {ci}, dengan pita mutu."),  # noqa: E501
    "ipa_chart": ("Importance against performance", "Kepentingan terhadap kinerja"),
    "ipa_desc": ("Each point is an item; the lines are the crosshair that splits the quadrants.", "Setiap titik adalah satu unsur; garis membagi kuadran."),  # noqa: E501
    "importance": ("Importance", "Kepentingan"),
    "performance": ("Performance", "Kinerja"),
    "table_caption": ("Elements", "Unsur"),
}  # fmt: skip

_CSS = """
:root { --ink: #1d2329; --muted: #56606b; --line: #c9d0d6; --bar: #2f5d8a; --em: #8a3b2f; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, "Segoe UI", "DejaVu Sans", Arial, sans-serif;
       color: var(--ink); margin: 0; background: #fff; }
main { max-width: 760px; margin: 0 auto; padding: 24px 20px 40px; }
h1 { font-size: 1.6em; margin: 0 0 .3em; }
h2 { font-size: 1.2em; margin: 1.6em 0 .4em; border-bottom: 1px solid var(--line); }
p { margin: .35em 0; }
.headline { font-size: 1.05em; }
figure { margin: 1em 0; }
figcaption { color: var(--muted); font-size: .9em; }
svg.chart { max-width: 100%; height: auto; font-size: 12px; }
svg .bar { fill: var(--bar); } svg .bar.emphasis { fill: var(--em); }
svg .whisker line { stroke: var(--ink); stroke-width: 1.6; }
svg .axis, svg .frame { stroke: var(--muted); fill: none; }
svg .crosshair { stroke: var(--em); stroke-dasharray: 4 3; }
svg .point { fill: var(--bar); }
svg .band-label { fill: var(--muted); font-weight: bold; }
svg .quadrant { fill: var(--muted); font-size: 11px; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; font-size: .92em; }
caption { text-align: left; font-weight: bold; padding: .3em 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3em .5em; text-align: left; }
thead th { border-bottom: 2px solid var(--ink); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: .9em; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  figure, table, .index-section > p { break-inside: avoid; }
  section.index-section + section.index-section { break-before: page; }
  svg .band { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""


def _w(key: str, language: Language) -> str:
    return phrase(_WORDS, key, language)


def render_html(report: Report, *, language: Language = "en", standalone: bool = True) -> str:
    """Render a report as a standalone HTML page (or, with ``standalone=False``, a fragment).

    Parameters
    ----------
    report : Report
    language : {"en", "id"}
    standalone : bool
        ``True``: a complete document (``<!DOCTYPE html>``, ``<meta charset="utf-8">``,
        ``lang``, ``<title>``, an embedded stylesheet with A4 print rules). ``False``: only
        the ``<section class="servqual-report">`` element, to embed in a page of your own.

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
    >>> report = sq.skm_report(sq.data.load_demo(), unit="Dukcapil <Sukamaju>")
    >>> page = sq.render_html(report)
    >>> print(*page.splitlines()[:3], sep=chr(10))
    <!DOCTYPE html>
    <html lang="en">
    <head>
    >>> "<p>Unit: Dukcapil &lt;Sukamaju&gt;</p>" in page, page.count("<svg")
    (True, 2)
    >>> sq.render_html(report, standalone=False).startswith('<section class="servqual-report"')
    True
    """
    report = check_report(report, "render_html")
    language = check_language(language)
    title, header = _header_lines(report, language, one_line)
    body = _body(report, language, title, header)
    if not standalone:
        return body
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{language}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="servqual">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    return "\n".join(head) + "\n" + body + "</main>\n</body>\n</html>\n"


def _body(report: Report, language: Language, title: str, header: list[str]) -> str:
    out = [f'<section class="servqual-report" lang="{language}">', f"<h1>{e(title)}</h1>"]
    out += [f"<p>{e(line)}</p>" for line in header]
    sections = list(zip(report.sections, _sections(report, language, one_line), strict=True))
    for k, (model, sec) in enumerate(sections):
        out += _index_section(report, model, sec, language, k)
        if k == 0 and report.groups:
            out += _groups_chart(report, language)
    if report.ipa is not None:
        out += _ipa_section(report, language)
    if report.compliance is not None:
        out += _compliance_section(report.compliance, language)
    if report.screening is not None:
        out += _screening_section(report.screening, language)
    out += _extra_sections(report, language)
    note = method_note(report.method, language=language)
    out.append(f'<p class="note"><em>{e(word("method", language))}:</em> {e(note)}</p>')
    out += [
        f'<p class="note"><em>{e(word("notes", language))}:</em> {e(one_line(n))}</p>'
        for n in report.notes
    ]
    out.append("</section>")
    return "\n".join(out) + "\n"


def _index_section(
    report: Report, model: IndexSection, sec: _Section, language: Language, k: int
) -> list[str]:
    group = "" if model.group is None else f' data-group="{e(one_line(model.group))}"'
    index = model.index
    data = (
        f' data-value="{index.value!r}" data-low="{index.ci.low!r}"'
        f' data-high="{index.ci.high!r}" data-grade="{e(model.grade or "")}"'
        if index is not None
        else ""
    )
    out = [
        f'<section class="index-section" id="section-{k}"{group}>',
        f"<h2>{e(sec.title)}</h2>",
        f'<p class="headline"{data}><strong>{e(sec.headline)}</strong></p>',
    ]
    if sec.crossing:
        out.append(f"<p><em>{e(sec.crossing)}</em></p>")
    out.append(f"<p>{e(sec.respondents)}</p>")
    if sec.rows:  # a section withheld whole shows no table and no chart
        out += _elements(report, model, sec, language, k)
    if sec.weakest:
        out.append(f"<p>{e(_weakest(sec.weakest, language))}</p>")
    out.append("</section>")
    return out


def _elements(
    report: Report, model: IndexSection, sec: _Section, language: Language, k: int
) -> list[str]:
    """The element chart and table of a published section (withheld cells as text)."""
    values = [_row_values(row) for row in model.elements]
    rows = zip(model.elements, sec.rows, strict=True)
    bars = [_element_bar(row, cells, language) for row, cells in rows]
    index = model.index
    if index is not None:
        ci = index.ci
        bars.append(Bar("index", word("index", language), index.value, ci.low, ci.high, True))
    cuts = thresholds(_regime(report.method.regime))
    desc = _w("elements_desc", language).format(ci=fmt_level(report.level, language))
    chart = bar_chart(
        f"elements-{k}", bars, cuts=cuts, title=f"{_w('elements_chart', language)}: {sec.title}",
        desc=desc, kind="elements",
    )  # fmt: skip
    out = [f"<figure>{chart}", f"<figcaption>{e(desc)}</figcaption></figure>"]
    caption = f"{_w('table_caption', language)} — {sec.title}"
    return out + _table(caption, sec.header, sec.rows, values, "elements")


def _element_bar(row: ElementRow, cells: list[str], language: Language) -> Bar:
    """The element's bar; a withheld element gives a bar-less row showing its marker."""
    label = f"{row.code} {_element_name(row.name, row.name_en, language)}"
    if row.suppressed is not None or row.converted is None:
        return Bar(row.code, one_line(label), math.nan, note=cells[2])  # n < 5, withheld
    if not math.isfinite(row.converted):  # nobody answered it
        return Bar(row.code, one_line(label), math.nan, note=cells[4])
    low, high = (row.ci.low, row.ci.high) if row.ci is not None else (math.nan, math.nan)
    return Bar(row.code, one_line(label), row.converted, low, high)


def _row_values(row: ElementRow) -> list[float | None]:
    """Unrounded values behind the element table's cells (None: text, or a withheld value)."""
    if row.suppressed is not None or row.n is None:
        return [None] * 6
    shown = [v if v is not None and math.isfinite(v) else None for v in (row.nrr, row.converted)]
    return [None, None, float(row.n), *shown, None]


def _table(
    caption: str,
    header: list[str],
    rows: list[list[str]],
    values: list[list[float | None]] | None,
    kind: str,
) -> list[str]:
    """An accessible table: caption, ``scope="col"`` headers, first cell ``scope="row"``."""
    out = [f'<table data-table="{kind}">', f"<caption>{e(caption)}</caption>", "<thead>"]
    out.append("<tr>" + "".join(f'<th scope="col">{e(h)}</th>' for h in header) + "</tr>")
    out += ["</thead>", "<tbody>"]
    for i, r in enumerate(rows):
        cells = [f'<th scope="row">{e(r[0])}</th>']
        for j, c in enumerate(r[1:], start=1):
            v = values[i][j] if values is not None else None
            if v is None:
                cells.append(f"<td>{e(c)}</td>")
            else:
                cells.append(f'<td class="num" data-value="{v!r}">{e(c)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _groups_chart(report: Report, language: Language) -> list[str]:
    m = report.method.min_group_size
    bars = [_group_bar(s, _withheld(s.suppressed, m, language)) for s in report.groups]
    desc = _w("groups_desc", language).format(ci=fmt_level(report.level, language))
    title = _w("groups_title", language)
    cuts = thresholds(_regime(report.method.regime))
    chart = bar_chart("groups", bars, cuts=cuts, title=title, desc=desc, kind="groups")
    return [
        '<section class="groups-section">',
        f"<h2>{e(title)}</h2>",
        f"<figure>{chart}",
        f"<figcaption>{e(desc)}</figcaption></figure>",
        "</section>",
    ]


def _group_bar(section: IndexSection, marker: str) -> Bar:
    """A group's index with its interval; a withheld index gives a bar-less row (``marker``)."""
    key = section.group or ""
    if section.index is None:
        return Bar(key, one_line(key), math.nan, note=marker)
    ci = section.index.ci
    return Bar(key, one_line(key), section.index.value, ci.low, ci.high)


def _ipa_section(report: Report, language: Language) -> list[str]:
    ipa = report.ipa
    assert ipa is not None  # checked by the caller
    names = {"I": "I", "II": "II", "III": "III", "IV": "IV"}
    for item in ipa.items:  # the quadrant names the IPA result itself uses
        names[item.quadrant] = (
            f"{item.quadrant} {item.quadrant_en if language == 'en' else item.quadrant_id}"
        )
    text = IPAText(
        _w("ipa_chart", language), _w("ipa_desc", language), _w("performance", language),
        _w("importance", language), (names["I"], names["II"], names["III"], names["IV"]),
    )  # fmt: skip
    chart = ipa_chart("ipa", ipa, text, lambda t: fmt(t, 1, language))
    values: list[list[float | None]] = [
        [None, i.importance.value, i.performance.value, i.conformity, None, None] for i in ipa.items
    ]
    heading = _ipa_w("title", language)
    out = ['<section class="ipa-section">', f"<h2>{e(heading)}</h2>"]
    out += [f"<figure>{chart}", f"<figcaption>{e(text.desc)}</figcaption></figure>"]
    rows = _ipa_rows(ipa, language, one_line)
    out += _table(heading, _ipa_header(language), rows, values, "ipa")
    out += [f"<p>{e(n)}</p>" for n in _ipa_notes(ipa, language, one_line)]
    out.append("</section>")
    return out


def _compliance_section(section: ComplianceSection, language: Language) -> list[str]:
    """Compliance with the service standards: a table in the report's style, and its note."""
    out = ['<section class="compliance-section">', f"<h2>{e(compliance_title(language))}</h2>"]
    out += compliance_html_table(section, language=language)
    out += [f'<p class="note">{e(compliance_note(section, language))}</p>', "</section>"]
    return out


def _screening_section(screening: Screening, language: Language) -> list[str]:
    """Data-quality screening: its statements as a list, the interviewer table, escaped."""
    out = ['<section class="screening-section">', f"<h2>{e(screening_title(language))}</h2>"]
    out += [
        "<ul>",
        *(f"<li>{e(s)}</li>" for s in screening_statements(screening, language=language)),
    ]
    out += ["</ul>", *screening_html_table(screening, language=language), "</section>"]
    return out


def _extra_sections(report: Report, language: Language) -> list[str]:
    """Any other section the report model carries, rendered generically as tables."""
    out: list[str] = []
    for name in type(report).model_fields:
        value = getattr(report, name)
        if name in _KNOWN or value is None or value == () or value == []:
            continue
        title = name.replace("_", " ").capitalize()
        out += [f'<section class="extra-section" data-field="{e(name)}">', f"<h2>{e(title)}</h2>"]
        out += _generic(value, title, language)
        out.append("</section>")
    return out


def _generic(value: Any, title: str, language: Language) -> list[str]:
    if isinstance(value, BaseModel):
        fields = [(k, getattr(value, k)) for k in type(value).model_fields]
        scalars = [(k, v) for k, v in fields if not _nested(v)]
        rows = [[k.replace("_", " "), _cell(v, language)] for k, v in scalars]
        out = _table(title, ["", ""], rows, None, "extra") if rows else []
        for k, v in fields:
            if _nested(v):
                out += [
                    f"<h3>{e(k.replace('_', ' ').capitalize())}</h3>",
                    *_generic(v, k, language),
                ]
        return out
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, BaseModel) for v in value):
        cols = [k for k in type(value[0]).model_fields if not _nested(getattr(value[0], k))]
        rows = [[_cell(getattr(v, c), language) for c in cols] for v in value]
        return _table(title, [c.replace("_", " ") for c in cols], rows, None, "extra")
    return [f"<p>{e(_cell(value, language))}</p>"]


def _nested(value: Any) -> bool:
    if isinstance(value, BaseModel):
        return not _is_estimate(value)
    return isinstance(value, (tuple, list)) and any(isinstance(v, BaseModel) for v in value)


def _is_estimate(value: Any) -> bool:
    return hasattr(value, "ci") and hasattr(value, "se") and hasattr(value, "value")


def _cell(value: Any, language: Language) -> str:
    if _is_estimate(value):
        ci = value.ci
        return f"{fmt(value.value, 2, language)} ({fmt(ci.low, 2, language)}–{fmt(ci.high, 2, language)})"  # noqa: E501
    if isinstance(value, bool) or value is None:
        return "–" if value is None else str(value)
    if isinstance(value, float):
        return fmt(value, 2, language)
    if isinstance(value, int):
        return fmt(value, 0, language)
    if isinstance(value, (tuple, list)):
        return ", ".join(_cell(v, language) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v, language)}" for k, v in value.items())
    return str(value)
