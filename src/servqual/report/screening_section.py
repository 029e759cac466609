"""The report's data-quality screening section, rendered as text, Markdown or HTML.

One list of statements (what was screened, what was flagged, whether the grade depends
on the flagged forms) and one table (interviewers) serve every format; numbers are
rounded only here. :func:`render_screening` renders a :class:`~servqual.Screening` on its
own (the ``servqual screen`` command); the SKM report renders the same lines when it
carries a screening.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Literal

from servqual._escape import json_text, markdown_text, one_line, plain_text
from servqual.models.results import Interval
from servqual.report._labels import Language, check_language, fmt, phrase
from servqual.screening.models import Screening

__all__ = [
    "render_screening",
    "screening_html_lines",
    "screening_html_table",
    "screening_markdown_lines",
    "screening_statements",
    "screening_text_lines",
    "screening_title",
]

Format = Literal["text", "markdown", "html", "json"]
Label = Callable[[str], str]

_WORDS = {
    "title": ("Data-quality screening", "Pemeriksaan kualitas data"),
    "screened": (
        "Forms screened: {n}; flagged: {f} ({pct}%). Nothing was removed.",
        "Kuesioner diperiksa: {n}; ditandai: {f} ({pct}%). Tidak ada yang dihapus.",
    ),
    "empty": ("Empty forms: {n}.", "Kuesioner kosong: {n}."),
    "straight": (
        "Straight-lining: {n} form(s) with the same answer to every element "
        "(about {e} expected from respondents who simply agree).",
        "Jawaban seragam: {n} kuesioner dengan jawaban sama untuk semua unsur "
        "(sekitar {e} diharapkan dari responden yang memang setuju).",
    ),
    "dups": (
        "Duplicates: {g} group(s) of forms; {r}% of forms share their answers with another "
        "({e}% expected by chance).",
        "Duplikat: {g} kelompok kuesioner; {r}% kuesioner memiliki jawaban sama dengan "
        "kuesioner lain ({e}% diharapkan secara kebetulan).",
    ),
    "range": (
        "Answers outside the scale: {n} (treated as missing).",
        "Jawaban di luar skala: {n} (dianggap tidak dijawab).",
    ),
    "icc": (
        "Interviewer effect: ICC {icc} ({ci}), F test p {p}; departing from the rest: {who}.",
        "Pengaruh petugas: ICC {icc} ({ci}), uji F p {p}; berbeda dari yang lain: {who}.",
    ),
    "none": ("none", "tidak ada"),
    "mode": (
        "Mode effect, {a} − {b}: {d} on the answer scale ({ci}), Holm p {p}{flag}.",
        "Pengaruh cara pengumpulan, {a} − {b}: {d} pada skala jawaban ({ci}), p Holm {p}{flag}.",
    ),
    "flag": (" — flagged", " — ditandai"),
    "timing": (
        "Timing: {s} speeder(s) (under {m} s after the previous form), {b} burst(s) "
        "({k} forms within {w} s).",
        "Waktu: {s} kuesioner terlalu cepat (kurang dari {m} detik dari kuesioner "
        "sebelumnya), {b} rentetan ({k} kuesioner dalam {w} detik).",
    ),
    "sens": (
        "Without the {x} flagged form(s) the SKM index is {kept} (grade {kg}) against {full} "
        "(grade {fg}); difference {d} ({ci}). {verdict}",
        "Tanpa {x} kuesioner yang ditandai, IKM {kept} (mutu {kg}) dibanding {full} "
        "(mutu {fg}); selisih {d} ({ci}). {verdict}",
    ),
    "same": (
        "The grade does not depend on the flagged forms.",
        "Mutu pelayanan tidak bergantung pada kuesioner yang ditandai.",
    ),
    "differs": (
        "The grade depends on the flagged forms: look at them before publishing.",
        "Mutu pelayanan bergantung pada kuesioner yang ditandai: periksa sebelum dipublikasikan.",
    ),
    "caution": (
        "A flag asks for a look at the forms; it is not proof of misconduct.",
        "Tanda berarti kuesioner perlu diperiksa, bukan bukti kecurangan.",
    ),
    "header": (
        ("Interviewer", "n", "Mean", "Difference", "CI", "Holm p", "Flagged"),
        ("Petugas", "n", "Rata-rata", "Selisih", "SK", "p Holm", "Ditandai"),
    ),
    "caption": ("Interviewers compared with the rest", "Perbandingan antarpetugas"),
    "yes": ("yes", "ya"),
    "no": ("no", "tidak"),
    "withheld": ("withheld", "disembunyikan"),
    "rows_withheld": (
        "Interviewer rows withheld: {k} (too few respondents, or they would reveal such a row).",
        "Baris petugas disembunyikan: {k} (responden terlalu sedikit, atau akan mengungkap "
        "baris semacam itu).",
    ),
    "ci": ("{pct}% CI {lo}–{hi}", "SK {pct}% {lo}–{hi}"),
}


def _w(key: str, language: Language) -> str:
    return phrase(_WORDS, key, language)


def _ci(ci: Interval, digits: int, language: Language) -> str:
    pct = fmt(100 * ci.level, 0, language)
    lo, hi = fmt(ci.low, digits, language), fmt(ci.high, digits, language)
    return _w("ci", language).format(pct=pct, lo=lo, hi=hi)


def _p(p: float, language: Language) -> str:
    return "< " + fmt(0.001, 3, language) if p < 0.001 else "= " + fmt(p, 3, language)


def _statements(s: Screening, language: Language, label: Label) -> list[str]:
    lines = [
        _w("screened", language).format(
            n=s.n,
            f=len(s.flagged_ids),
            pct=fmt(100 * len(s.flagged_ids) / max(s.n, 1), 1, language),
        )
    ]
    if s.missingness.empty:
        lines.append(_w("empty", language).format(n=len(s.missingness.empty)))
    lines.append(
        _w("straight", language).format(
            n=s.straight_lining.count, e=fmt(s.straight_lining.expected, 1, language)
        )
    )
    lines.append(
        _w("dups", language).format(
            g=len(s.duplicates),
            r=fmt(100 * s.duplicate_chance.repeated_share, 1, language),
            e=fmt(100 * s.duplicate_chance.expected_share, 1, language),
        )
    )
    if s.out_of_range.count:
        lines.append(_w("range", language).format(n=s.out_of_range.count))
    lines += _effects(s, language, label)
    if s.sensitivity is not None:
        t = s.sensitivity
        diff = t.difference.difference
        lines.append(
            _w("sens", language).format(
                x=t.excluded,
                kept=fmt(t.kept.value, 2, language),
                kg=t.kept_grade,
                full=fmt(t.full.value, 2, language),
                fg=t.full_grade,
                d=fmt(diff.value, 2, language),
                ci=_ci(diff.ci, 2, language),
                verdict=_w("same" if t.kept_grade == t.full_grade else "differs", language),
            )
        )
    lines.append(_w("caution", language))
    return lines


def _effects(s: Screening, language: Language, label: Label) -> list[str]:
    lines = []
    if s.interviewer_effect is not None:
        e = s.interviewer_effect
        lines.append(
            _w("icc", language).format(
                icc=fmt(e.icc.value, 3, language),
                ci=_ci(e.icc.ci, 3, language),
                p=_p(e.p_value, language),
                who=", ".join(label(w) for w in e.flagged) if e.flagged else _w("none", language),
            )
        )
        withheld = sum(r.suppressed is not None for r in e.rows)
        if withheld:
            lines.append(_w("rows_withheld", language).format(k=withheld))
    if s.mode_effect is not None:
        m = s.mode_effect
        for (a, b), c, p in zip(m.pairs, m.comparisons, m.p_adjusted, strict=True):
            lines.append(
                _w("mode", language).format(
                    a=label(a),
                    b=label(b),
                    d=fmt(c.difference.value, 3, language),
                    ci=_ci(c.difference.ci, 3, language),
                    p=_p(p, language),
                    flag=_w("flag", language) if p < 1 - s.level else "",
                )
            )
    if s.timing is not None:
        t = s.timing
        lines.append(
            _w("timing", language).format(
                s=len(t.speeders),
                m=fmt(t.min_seconds, 0, language),
                b=len(t.bursts),
                k=t.burst_size,
                w=fmt(t.burst_seconds, 0, language),
            )
        )
    return lines


def _table(s: Screening, language: Language, label: Label) -> list[list[str]]:
    if s.interviewer_effect is None:
        return []
    en, id_ = _WORDS["header"]
    header = list(en if language == "en" else id_)
    rows = [header]
    for r in s.interviewer_effect.rows:
        if r.difference is None or r.mean is None or r.p_adjusted is None:
            rows.append([label(r.interviewer), *["—"] * 5, _w("withheld", language)])
            continue
        rows.append(
            [
                label(r.interviewer),
                str(r.n),
                fmt(r.mean, 2, language),
                fmt(r.difference.value, 2, language),
                f"{fmt(r.difference.ci.low, 2, language)}–{fmt(r.difference.ci.high, 2, language)}",
                _p(r.p_adjusted, language).removeprefix("= "),
                _w("yes" if r.flagged else "no", language),
            ]
        )
    return rows


def _values(s: Screening) -> list[list[float | None]]:
    """The unrounded numbers behind the table's cells (``None`` for text cells)."""
    if s.interviewer_effect is None:
        return []
    return [
        [None, *([None] * 6)]
        if r.difference is None or r.n is None
        else [None, float(r.n), r.mean, r.difference.value, None, r.p_adjusted, None]
        for r in s.interviewer_effect.rows
    ]


def screening_title(language: Language = "en") -> str:
    """The section's heading in ``language``."""
    return _w("title", check_language(language))


def screening_statements(s: Screening, *, language: Language = "en") -> list[str]:
    """The section's statements as unescaped one-line text (labels via ``one_line``).

    For a renderer that escapes whole lines itself (the HTML report page).
    """
    return _statements(s, check_language(language), one_line)


def screening_text_lines(s: Screening, *, language: Language = "en") -> list[str]:
    """The section as plain-text lines (title underlined, aligned table).

    Interviewer and mode labels are kept on one line, without HTML tags
    (:func:`servqual._escape.plain_text`).
    """
    language = check_language(language)
    title = _w("title", language)
    out = [title, "-" * len(title), *_statements(s, language, plain_text)]
    table = _table(s, language, plain_text)
    if table:
        widths = [max(len(r[j]) for r in table) for j in range(len(table[0]))]
        out.append("")
        out += [
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table
        ]
    return out


def screening_markdown_lines(s: Screening, *, language: Language = "en") -> list[str]:
    """The section as Markdown lines (a level-2 heading, a list, a table).

    Interviewer and mode labels are escaped with :func:`servqual._escape.markdown_text`.
    """
    language = check_language(language)
    out = [f"## {_w('title', language)}", ""]
    out += [f"- {line}" for line in _statements(s, language, markdown_text)]
    table = _table(s, language, markdown_text)
    if table:
        out += ["", "| " + " | ".join(table[0]) + " |"]
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | :---: |")
        out += ["| " + " | ".join(r) + " |" for r in table[1:]]
    return out


def screening_html_lines(s: Screening, *, language: Language = "en") -> list[str]:
    """The section as an escaped HTML fragment: heading, list, table with caption and scopes.

    The standalone report page (:func:`servqual.render_html`) renders it in its own style
    with :func:`screening_statements` and :func:`screening_html_table`.
    """
    language = check_language(language)
    e = html.escape
    out = [f"<h2>{e(_w('title', language))}</h2>", "<ul>"]
    out += [f"<li>{e(line)}</li>" for line in _statements(s, language, one_line)]
    out.append("</ul>")
    return out + screening_html_table(s, language=language)


def screening_html_table(s: Screening, *, language: Language = "en") -> list[str]:
    """The interviewer table as HTML lines: caption, ``scope="col"`` headers, row headers.

    Each interviewer is a ``scope="row"`` header; number cells carry their unrounded value
    in ``data-value``; every text is escaped. Empty without an interviewer effect.
    """
    language = check_language(language)
    e = html.escape
    table = _table(s, language, one_line)
    if not table:
        return []
    header, *rows = table
    out = [
        '<table data-table="screening">',
        f"<caption>{e(_w('caption', language))}</caption>",
        "<thead>",
        "<tr>" + "".join(f'<th scope="col">{e(h)}</th>' for h in header) + "</tr>",
        "</thead>",
        "<tbody>",
    ]
    for r, vals in zip(rows, _values(s), strict=True):
        cells = [f'<th scope="row">{e(r[0])}</th>']
        for c, v in zip(r[1:], vals[1:], strict=True):
            if v is None:
                cells.append(f"<td>{e(c)}</td>")
            else:
                cells.append(f'<td class="num" data-value="{v!r}">{e(c)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    return [*out, "</tbody>", "</table>"]


def render_screening(s: Screening, *, format: Format = "text", language: Language = "en") -> str:
    """Render a screening on its own: ``"text"``, ``"markdown"``, ``"html"`` or ``"json"``.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.report.screening_section import render_screening
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> print(render_screening(s).splitlines()[2])
    Forms screened: 300; flagged: 73 (24.3%). Nothing was removed.
    >>> print(render_screening(s, language="id").splitlines()[0])
    Pemeriksaan kualitas data
    """
    if format == "json":
        return json_text(s.model_dump_json(indent=2)) + "\n"
    if format == "markdown":
        return "\n".join(screening_markdown_lines(s, language=language)) + "\n"
    if format == "html":
        body = "\n".join(screening_html_lines(s, language=language))
        lang = check_language(language)
        return f'<section class="servqual-screening" lang="{lang}">\n{body}\n</section>\n'
    if format == "text":
        return "\n".join(screening_text_lines(s, language=language)) + "\n"
    from servqual.errors import ParameterError

    raise ParameterError(
        f"format must be one of ['text', 'markdown', 'html', 'json'], got {format!r}"
    )
