"""Words and number formats of the report renderers, in English and Indonesian.

The only place where the report's numbers are turned into text: rounding happens here
(and nowhere in the library's computations). Indonesian output uses the decimal comma and
the thousands dot (``78,79``; ``8.620``), as Indonesian reports print them.
"""

from __future__ import annotations

import math
from typing import Literal

from servqual.errors import ParameterError

__all__ = ["LANGUAGES", "Language", "check_language", "fmt", "fmt_int", "label_text", "word"]

Language = Literal["en", "id"]
LANGUAGES: tuple[Language, ...] = ("en", "id")

_WORDS: dict[str, tuple[str, str]] = {
    # key: (English, Indonesian)
    "default_title": ("Community satisfaction survey (SKM)", "Survei Kepuasan Masyarakat (SKM)"),
    "unit": ("Unit", "Unit pelayanan"),
    "period": ("Period", "Periode"),
    "instrument": ("Instrument", "Instrumen"),
    "elements_count": ("elements", "unsur"),
    "all": ("All respondents", "Seluruh responden"),
    "group": ("Group", "Kelompok"),
    "index": ("SKM index", "Indeks SKM"),
    "ci": ("CI", "SK"),  # selang kepercayaan
    "grade": ("grade", "mutu"),
    "respondents": ("Respondents", "Responden"),
    "target": ("target", "target"),
    "population": ("population", "populasi"),
    "code": ("Code", "Kode"),
    "element": ("Element", "Unsur"),
    "nrr": ("NRR", "NRR"),
    "answers": ("n", "n"),
    "converted": ("Converted", "Konversi"),
    "grade_col": ("Grade", "Mutu"),
    "weakest": ("Weakest elements", "Unsur terlemah"),
    "method": ("Method", "Metode"),
    "notes": ("Notes", "Catatan"),
    "crosses": (
        "the interval crosses the grade boundary {where}: the grade is not statistically clear",
        "selang kepercayaan melewati batas mutu {where}: mutu belum pasti secara statistik",
    ),
    "no_interval": ("no interval", "tanpa selang"),
    "no_interval_note": (
        "no interval can be computed (too few respondents): the grade is not statistically clear",
        "selang kepercayaan tidak dapat dihitung (responden terlalu sedikit): mutu belum "
        "pasti secara statistik",
    ),
}

_LABELS_EN = {
    "Sangat baik": "Very good",
    "Baik": "Good",
    "Kurang baik": "Poor",
    "Tidak baik": "Very poor",
}


def check_language(language: str) -> Language:
    """Validate a renderer's ``language`` argument."""
    if language not in LANGUAGES:
        raise ParameterError(f"language must be one of {list(LANGUAGES)}, got {language!r}")
    return language


def word(key: str, language: Language) -> str:
    """A fixed phrase of the report in ``language``."""
    en, id_ = _WORDS[key]
    return en if language == "en" else id_


def label_text(label: str, language: Language) -> str:
    """The performance label in ``language``.

    Indonesian as the regulation prints it; English translated, with the official term in
    parentheses.
    """
    if language == "id":
        return label
    english = _LABELS_EN.get(label)
    return label if english is None else f"{english} ({label})"


def fmt(value: float | None, digits: int, language: Language) -> str:
    """``value`` rounded to ``digits`` decimals, with the decimal comma in Indonesian."""
    if value is None or math.isnan(value):
        return "–"
    text = f"{value:,.{digits}f}"
    if language == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_level(level: float, language: Language) -> str:
    """A confidence level in percent with as many decimals as it has (``95%``, ``99.99999%``).

    Never rounds a level to a different one: 0.9999999 is ``99.99999%``, not ``100.0%``.
    """
    pct = level * 100
    digits = next((d for d in range(13) if abs(pct - round(pct, d)) < 1e-9), 13)
    return fmt(pct, digits, language) + "%"


def fmt_int(value: int, language: Language) -> str:
    """An integer with thousands separators (``8,620``; Indonesian ``8.620``)."""
    return fmt(float(value), 0, language)
