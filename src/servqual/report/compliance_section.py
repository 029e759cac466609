"""The report's service-standard compliance section, next to the SKM index per service.

:func:`compliance_section` runs :func:`servqual.compliance` on the office's service records
and pairs each service with the SKM index of the survey group of the same name (when the
report has ``by`` groups labelled by service id). The ``*_lines`` functions render it;
numbers are rounded only there.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from servqual._escape import markdown_text, one_line, plain_text
from servqual.models._base import FrozenModel
from servqual.models.results import Estimate
from servqual.models.service import ServiceCatalog
from servqual.report._labels import Language, check_language, fmt, fmt_int, phrase
from servqual.standards.calendar import WorkCalendar
from servqual.standards.compliance import compliance
from servqual.standards.records import ServiceRecords
from servqual.standards.results import ServiceCompliance, TimeCompliance

if TYPE_CHECKING:
    from servqual.report.model import IndexSection

__all__ = [
    "ComplianceRow",
    "ComplianceSection",
    "compliance_html_lines",
    "compliance_html_table",
    "compliance_markdown_lines",
    "compliance_note",
    "compliance_section",
    "compliance_text_lines",
    "compliance_title",
]

_WORDS = {
    "title": ("Service-standard compliance", "Kepatuhan terhadap standar pelayanan"),
    "service": ("Service", "Layanan"),
    "skm": ("SKM", "SKM"),
    "standard": ("Standard", "Standar"),
    "on_time": ("On time %", "Tepat waktu %"),
    "ci": ("{pct}% CI", "SK {pct}%"),
    "late": ("Late", "Terlambat"),
    "pending": ("Pending", "Belum jatuh tempo"),
    "median": ("Median (p90)", "Median (p90)"),
    "fee": ("Exact fee %", "Tarif sesuai %"),
    "over": ("Overcharged", "Kelebihan tarif"),
    "complaints": ("Complaints on time", "Pengaduan tepat waktu"),
    "note": (
        "On time = completed by the end of the k-th working day after receipt; pending = "
        "open, not yet due (left out of the share). Times in the standard's unit. "
        "Records: {n}.",
        "Tepat waktu = selesai paling lambat akhir hari kerja ke-k setelah diterima; belum "
        "jatuh tempo = belum selesai dan belum lewat batas (tidak dihitung). Waktu dalam "
        "satuan standar. Berkas: {n}.",
    ),
    "working_days": ("working days", "hari kerja"),
    "days": ("days", "hari"),
    "hours": ("hours", "jam"),
    "minutes": ("minutes", "menit"),
}


def _w(key: str, language: Language) -> str:
    return phrase(_WORDS, key, language)


class ComplianceRow(FrozenModel):
    """One service: its compliance and, when the survey has that group, its SKM index.

    Parameters
    ----------
    compliance : ServiceCompliance
    skm_index : Estimate, optional
        The SKM index of the survey group labelled with the service id.
    skm_grade : str, optional
    """

    compliance: ServiceCompliance
    skm_index: Estimate | None = None
    skm_grade: str | None = None


class ComplianceSection(FrozenModel):
    """Compliance with the published standards, one row per service.

    Parameters
    ----------
    rows : tuple of ComplianceRow
    n_records : int
        Service records behind the section.
    level : float
        Confidence level of the intervals.

    Examples
    --------
    >>> import servqual as sq
    >>> report = sq.skm_report(sq.data.load_demo(), by="service",
    ...                        records=sq.data.load_demo_records(),
    ...                        catalog=sq.data.load_demo_catalog(),
    ...                        calendar=sq.data.demo_calendar())
    >>> row = report.compliance.rows[0]
    >>> row.compliance.service, row.skm_grade, round(row.compliance.on_time.value, 3)
    ('KTP-el', 'C', 0.744)
    """

    rows: tuple[ComplianceRow, ...]
    n_records: int
    level: float


def compliance_section(
    records: ServiceRecords,
    catalog: ServiceCatalog,
    *,
    skm: Mapping[str, tuple[Estimate, str | None]] | None = None,
    calendar: WorkCalendar | None = None,
    period_end: dt.datetime | dt.date | str | None = None,
    by: str | None = None,
    level: float = 0.95,
) -> ComplianceSection:
    r"""Compliance per service (and ``by`` group), paired with ``skm[service id] = (index, grade)``.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.report.compliance_section import compliance_section, compliance_text_lines
    >>> sec = compliance_section(sq.data.load_demo_records(), sq.data.load_demo_catalog(),
    ...                          calendar=sq.data.demo_calendar())
    >>> compliance_text_lines(sec)[3].split()  # doctest: +NORMALIZE_WHITESPACE
    ['KTP-el', '3', 'working', 'days', '74.4', '69.0–79.1', '73', '8', '3', '(5)', '96.2',
     '11', '(550,000', 'IDR)', '15/16']
    """
    res = compliance(records, catalog, calendar=calendar, period_end=period_end, by=by, level=level)
    pairs = skm or {}
    rows = []
    for r in res.values():
        index, grade = pairs.get(r.service, (None, None)) if r.group is None else (None, None)
        rows.append(ComplianceRow(compliance=r, skm_index=index, skm_grade=grade))
    return ComplianceSection(rows=tuple(rows), n_records=records.n, level=level)


def _time(t: TimeCompliance | None, language: Language) -> list[str]:
    if t is None:
        return ["–"] * 6
    std = f"{t.standard.value:g} {_w(t.standard.unit, language)}"
    est = t.on_time
    share = ci = "–"
    if est is not None:
        share = fmt(100 * est.value, 1, language)
        ci = f"{fmt(100 * est.ci.low, 1, language)}–{fmt(100 * est.ci.high, 1, language)}"
    med, p90 = t.median_time, t.p90_time
    times = "–"
    if med is not None and p90 is not None:
        times = f"{_duration(med.value, language)} ({_duration(p90.value, language)})"
    return [std, share, ci, fmt_int(t.n_late, language), fmt_int(t.n_pending, language), times]


def _duration(value: float, language: Language) -> str:
    """Whole days without decimals, fractional hours or minutes with one."""
    return fmt(value, 1 if value % 1 else 0, language)


def _rows(
    section: ComplianceSection, with_skm: bool, language: Language, esc: Callable[[str], str]
) -> list[list[str]]:
    out = []
    for row in section.rows:
        c = row.compliance
        name = c.service if c.group is None else f"{c.service} / {c.group}"
        cells = [esc(name)]
        if with_skm:
            cells.append(
                "–"
                if row.skm_index is None
                else f"{fmt(row.skm_index.value, 2, language)} {esc(row.skm_grade or '')}".strip()
            )
        cells += _time(c.completion, language)
        cells.append("–" if c.fee_exact is None else fmt(100 * c.fee_exact.value, 1, language))
        cells.append(
            f"{fmt_int(c.n_overcharged, language)} ({fmt(c.overcharged_amount, 0, language)} IDR)"
            if c.n_overcharged
            else "0"
        )
        comp = c.complaints
        cells.append(
            "–"
            if comp is None
            else f"{comp.n_on_time}/{comp.n_on_time + comp.n_late + comp.n_pending}"
        )
        out.append(cells)
    return out


def _values(section: ComplianceSection, with_skm: bool) -> list[list[float | None]]:
    """Unrounded values behind the number cells (None: text or no figure), for HTML."""
    out: list[list[float | None]] = []
    for row in section.rows:
        c, t = row.compliance, row.compliance.completion
        cells: list[float | None] = [None]
        if with_skm:
            cells.append(None if row.skm_index is None else row.skm_index.value)
        if t is None:
            cells += [None] * 6
        else:
            share = None if t.on_time is None else 100 * t.on_time.value
            cells += [None, share, None, float(t.n_late), float(t.n_pending), None]
        cells.append(None if c.fee_exact is None else 100 * c.fee_exact.value)
        cells += [None, None]
        out.append(cells)
    return out


def _header(with_skm: bool, language: Language) -> list[str]:
    keys = [
        "service",
        *(["skm"] if with_skm else []),
        "standard",
        "on_time",
        "ci",
        "late",
        "pending",
        "median",
        "fee",
        "over",
        "complaints",
    ]
    return [_w(k, language) for k in keys]


def _with_skm(section: ComplianceSection) -> bool:
    return any(r.skm_index is not None for r in section.rows)


def _table(
    section: ComplianceSection, language: Language, esc: Callable[[str], str]
) -> list[list[str]]:
    with_skm = _with_skm(section)
    pct = f"{100 * section.level:g}"
    header = [h.format(pct=pct) for h in _header(with_skm, language)]
    return [header, *_rows(section, with_skm, language, esc)]


def compliance_title(language: Language) -> str:
    """The section's heading in ``language``."""
    return _w("title", language)


def compliance_note(section: ComplianceSection, language: Language) -> str:
    """The note under the table: what "on time" and "pending" mean, and the record count."""
    return _w("note", language).format(n=fmt_int(section.n_records, language))


_note = compliance_note


def compliance_text_lines(section: ComplianceSection, *, language: Language = "en") -> list[str]:
    """The section as plain-text lines (a title, an aligned table, a note).

    Service names and group labels are kept on one line, without HTML tags
    (:func:`servqual._escape.plain_text`).
    """
    language = check_language(language)
    title = _w("title", language)
    table = _table(section, language, plain_text)
    widths = [max(len(r[c]) for r in table) for c in range(len(table[0]))]
    lines = [title, "-" * len(title)]
    for r in table:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    return [*lines, "", _note(section, language)]


def compliance_markdown_lines(
    section: ComplianceSection, *, language: Language = "en"
) -> list[str]:
    """The section as Markdown lines (``##`` title and a GitHub table), labels escaped."""
    language = check_language(language)
    table = _table(section, language, markdown_text)
    out = [f"## {_w('title', language)}", "", "| " + " | ".join(table[0]) + " |"]
    out.append("|" + "|".join(" --- " for _ in table[0]) + "|")
    out += ["| " + " | ".join(r) + " |" for r in table[1:]]
    return [*out, "", _note(section, language)]


def compliance_html_lines(section: ComplianceSection, *, language: Language = "en") -> list[str]:
    """The section as an escaped HTML fragment: heading, table with caption and scopes, note.

    The standalone report page (:func:`servqual.render_html`) renders it in its own style
    with :func:`compliance_html_table`.
    """
    language = check_language(language)
    title = _w("title", language)
    out = [f"<h2>{html.escape(title)}</h2>", *compliance_html_table(section, language=language)]
    return [*out, f"<p>{html.escape(_note(section, language))}</p>"]


def compliance_html_table(section: ComplianceSection, *, language: Language = "en") -> list[str]:
    """The table as HTML lines: caption, ``scope="col"`` headers, ``scope="row"`` service.

    Number cells carry their unrounded value in ``data-value``; every text is escaped.
    """
    language = check_language(language)
    e = html.escape
    header, *rows = _table(section, language, one_line)
    values = _values(section, _with_skm(section))
    out = [
        '<table data-table="compliance">',
        f"<caption>{e(_w('title', language))}</caption>",
        "<thead>",
        "<tr>" + "".join(f'<th scope="col">{e(h)}</th>' for h in header) + "</tr>",
        "</thead>",
        "<tbody>",
    ]
    for r, vals in zip(rows, values, strict=True):
        cells = [f'<th scope="row">{e(r[0])}</th>']
        for c, v in zip(r[1:], vals[1:], strict=True):
            if v is None:
                cells.append(f"<td>{e(c)}</td>")
            else:
                cells.append(f'<td class="num" data-value="{v!r}">{e(c)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    return [*out, "</tbody>", "</table>"]


def skm_pairs(groups: Sequence[IndexSection]) -> dict[str, tuple[Estimate, str | None]]:
    """``{group label: (index, grade)}`` of a report's group sections.

    A group whose index the report withholds (small-group suppression) is left out, so the
    compliance table cannot show what the survey sections hide.
    """
    return {
        str(g.group): (g.index, g.grade)
        for g in groups
        if g.group is not None and g.index is not None
    }
