"""Words and number formats of the report renderers, in English and Indonesian.

The only place where the report's numbers are turned into text: rounding happens here
(and nowhere in the library's computations). Indonesian output uses the decimal comma and
the thousands dot (``78,79``; ``8.620``), as Indonesian reports print them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from servqual.errors import ParameterError

__all__ = [
    "LANGUAGES",
    "Language",
    "check_language",
    "fmt",
    "fmt_int",
    "fmt_level",
    "label_text",
    "phrase",
    "word",
]

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
    "withheld": ("withheld", "disembunyikan"),
    "section_small": (
        "Figures withheld: fewer than {m} respondents (n < {m})",
        "Angka disembunyikan: kurang dari {m} responden (n < {m})",
    ),
    "section_complementary": (
        "Figures withheld so that a smaller group's figures cannot be derived from the total",
        "Angka disembunyikan agar angka kelompok yang lebih kecil tidak dapat dihitung dari total",
    ),
    "index_withheld": (
        "SKM index withheld: it would reveal a withheld element",
        "Indeks SKM disembunyikan: indeks akan mengungkap unsur yang disembunyikan",
    ),
    "suppression": (
        "figures of fewer than {m} respondents withheld (n < {m}), with complementary suppression",
        "angka dari kurang dari {m} responden disembunyikan (n < {m}), dengan penyembunyian "
        "komplementer",
    ),
    "no_suppression": (
        "small-group suppression off (min_group_size = 0): figures of groups of any size shown",
        "penyembunyian kelompok kecil dimatikan (min_group_size = 0): angka kelompok sekecil "
        "apa pun ditampilkan",
    ),
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


# Kepmenpan 25/2004 names the figure IKM (Indeks Kepuasan Masyarakat), not SKM.
_IKM_WORDS: dict[str, tuple[str, str]] = {
    "default_title": ("Community satisfaction index (IKM)", "Indeks Kepuasan Masyarakat (IKM)"),
    "index": ("IKM index", "Indeks IKM"),
    "index_withheld": (
        "IKM index withheld: it would reveal a withheld element",
        "Indeks IKM disembunyikan: indeks akan mengungkap unsur yang disembunyikan",
    ),
}


def word(key: str, language: Language, regime: str | None = None) -> str:
    """A fixed phrase of the report in ``language`` (IKM wording for the 2004 regime)."""
    words = _IKM_WORDS if regime == "ikm-2004" and key in _IKM_WORDS else _WORDS
    return phrase(words, key, language)


def phrase(words: Mapping[str, tuple[object, object]], key: str, language: Language) -> str:
    """The (English, Indonesian) pair ``words[key]`` in ``language``, as text."""
    en, id_ = words[key]
    return str(en if language == "en" else id_)


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


def fmt_int(value: int, language: Language) -> str:
    """An integer with thousands separators (``8,620``; Indonesian ``8.620``)."""
    return fmt(float(value), 0, language)


def fmt_level(level: float, language: Language) -> str:
    """A confidence level as a percentage with the digits it needs: 95%, 97.5%, 99.99999%.

    Never rounded up to 100% (nor down to 0%): a level strictly inside (0, 1) reads so.

    Examples
    --------
    >>> from servqual.report._labels import fmt_level
    >>> fmt_level(0.95, "en"), fmt_level(0.975, "id"), fmt_level(0.9999999, "en")
    ('95%', '97,5%', '99.99999%')
    """
    pct = level * 100
    for digits in range(18):  # the fewest decimals that give the level back
        text = f"{pct:.{digits}f}"
        if abs(float(text) - pct) <= 1e-9 * abs(pct) and float(text) not in (0.0, 100.0):
            break
    return (text.replace(".", ",") if language == "id" else text) + "%"
