"""The report's importance–performance section, built from importance answers in the data.

Survey files such as the bundled demo carry, next to the answers ``U1 … U9``, importance
answers in columns ``imp_U1 … imp_U9`` on the same scale. :func:`importance_responses`
turns those columns into a :class:`~servqual.Responses` sharing the survey's design, and
:func:`ipa_section` runs :func:`servqual.ipa` on performance vs importance. The
``*_lines`` functions render the section; numbers are rounded only here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from servqual._escape import markdown_text, plain_text
from servqual.errors import ScaleError
from servqual.indices.ipa import Crosshair, IPAResult, ipa
from servqual.report._labels import Language, check_language, fmt, phrase
from servqual.responses import MISSING, Responses

__all__ = [
    "importance_responses",
    "ipa_markdown_lines",
    "ipa_section",
    "ipa_text_lines",
]

_WORDS = {
    "title": ("Importance–performance analysis", "Analisis kepentingan–kinerja (IPA)"),
    "item": ("Code", "Kode"),
    "importance": ("Importance", "Kepentingan"),
    "performance": ("Performance", "Kinerja"),
    "conformity": ("Conformity %", "Kesesuaian %"),
    "quadrant": ("Quadrant", "Kuadran"),
    "clear": ("Clear", "Jelas"),
    "yes": ("yes", "ya"),
    "no": ("no", "tidak"),
    "crosshair": (
        "Cross-hair at {where}: importance {i}, performance {p}; "
        "x = performance, y = importance. Clear = neither interval crosses its line.",
        "Garis potong pada {where}: kepentingan {i}, kinerja {p}; "
        "x = kinerja, y = kepentingan. Jelas = tidak ada interval yang memotong garisnya.",
    ),
    "data": ("the mean of the item means", "rata-rata skor unsur"),
    "scale": ("the scale midpoint", "titik tengah skala"),
    "median": ("the median of the item means", "median skor unsur"),
    "priority": ("Concentrate here: {items}", "Prioritas utama: {items}"),
}


def _w(key: str, language: Language) -> str:
    return phrase(_WORDS, key, language)


def importance_responses(responses: Responses, *, prefix: str = "imp_") -> Responses | None:
    """Importance answers stored as design columns ``prefix + item id``, as a Responses.

    Returns ``None`` when any item has no such column. Blank answers are missing.

    Raises
    ------
    servqual.errors.ScaleError
        An importance answer outside the instrument's scale or not an integer.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.report.ipa_section import importance_responses
    >>> imp = importance_responses(sq.data.load_demo())
    >>> imp.n, imp.instrument.item_ids[:2]
    (400, ('U1', 'U2'))
    """
    inst = responses.instrument
    names = [prefix + i for i in inst.item_ids]
    if any(name not in responses.design.columns for name in names):
        return None
    values = np.column_stack([_numeric(responses, name) for name in names])
    present = ~np.isnan(values)
    scale = inst.scale
    bad = present & ((values != np.round(values)) | (values < scale.min) | (values > scale.max))
    if bad.any():
        i, j = (int(k) for k in np.argwhere(bad)[0])
        raise ScaleError(
            f"importance answer {names[j]!r} in row {i} is {values[i, j]:g}, outside the "
            f"scale {scale.min}–{scale.max} or not an integer"
        )
    codes = np.where(present, values - scale.min, MISSING).astype(np.int8)
    return Responses(inst, responses.design, codes, responses.respondent_ids)


def _numeric(responses: Responses, name: str) -> np.ndarray:
    raw = responses.design.column(name)
    if raw.dtype.kind in "fiu":
        return np.asarray(raw, dtype=np.float64)
    text = [str(v).strip() if v is not None else "" for v in raw.tolist()]
    return np.array([float(t) if t not in ("", "nan", "NaN") else np.nan for t in text])


def ipa_section(
    responses: Responses,
    *,
    prefix: str = "imp_",
    crosshair: Crosshair = "data",
    level: float = 0.95,
) -> IPAResult | None:
    r"""IPA of the survey's answers against its importance columns (``None`` without them).

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.report.ipa_section import ipa_section, ipa_text_lines
    >>> section = ipa_section(sq.data.load_demo())
    >>> section.quadrant("I")
    ('U3',)
    >>> print("\n".join(ipa_text_lines(section)[:5]))
    Importance–performance analysis
    -------------------------------
    Code  Importance  Performance  Conformity %  Quadrant                  Clear
    U1         3.346        3.212          96.0  II Keep up the good work  yes
    U2         3.280        3.200          97.6  II Keep up the good work  no
    """
    importance = importance_responses(responses, prefix=prefix)
    if importance is None:
        return None
    result = ipa(responses, importance, crosshair=crosshair, level=level)
    assert isinstance(result, IPAResult)  # by=None gives one result
    return result


def _rows(section: IPAResult, language: Language, esc: Callable[[str], str]) -> list[list[str]]:
    yes, no = _w("yes", language), _w("no", language)
    return [
        [
            esc(item.id),
            fmt(item.importance.value, 3, language),
            fmt(item.performance.value, 3, language),
            fmt(item.conformity, 1, language),
            f"{item.quadrant} {item.quadrant_en if language == 'en' else item.quadrant_id}",
            yes if item.clear else no,
        ]
        for item in section.items
    ]


def _header(language: Language) -> list[str]:
    keys = ("item", "importance", "performance", "conformity", "quadrant", "clear")
    return [_w(k, language) for k in keys]


def _notes(section: IPAResult, language: Language, esc: Callable[[str], str]) -> list[str]:
    i = fmt(section.importance_line, 3, language)
    p = fmt(section.performance_line, 3, language)
    where = _w(section.crosshair, language)
    out = [_w("crosshair", language).format(where=where, i=i, p=p)]
    first = section.quadrant("I")
    if first:
        out.append(_w("priority", language).format(items=", ".join(map(esc, first))))
    return out


def ipa_text_lines(section: IPAResult, *, language: Language = "en") -> list[str]:
    """The IPA section as plain-text lines (a title, an aligned table, notes)."""
    language = check_language(language)
    title = _w("title", language)
    table = [_header(language), *_rows(section, language, plain_text)]
    widths = [max(len(r[c]) for r in table) for c in range(len(table[0]))]
    lines = [title, "-" * len(title)]
    for r in table:
        cells = [r[0].ljust(widths[0])] + [
            r[c].rjust(widths[c]) if c < 4 else r[c].ljust(widths[c]) for c in range(1, len(r))
        ]
        lines.append("  ".join(cells).rstrip())
    return [*lines, "", *_notes(section, language, plain_text)]


def ipa_markdown_lines(section: IPAResult, *, language: Language = "en") -> list[str]:
    """The IPA section as Markdown lines (``##`` title and a GitHub table)."""
    language = check_language(language)
    out = [f"## {_w('title', language)}", ""]
    out.append("| " + " | ".join(_header(language)) + " |")
    out.append("| --- | ---: | ---: | ---: | --- | :---: |")
    out += ["| " + " | ".join(r) + " |" for r in _rows(section, language, markdown_text)]
    return [*out, "", *_notes(section, language, markdown_text)]
