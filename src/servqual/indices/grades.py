"""Grade tables of the Indonesian satisfaction index (SKM 2017 and IKM 2004).

Both regulations grade the *converted* value (NRR × 25, on 25–100) into four bands. Their
printed tables leave gaps between bands (76.60 → 76.61); servqual closes them with
half-open thresholds on the unrounded converted value: a value ``v`` gets the first grade
whose threshold ``t`` satisfies ``v >= t``.

============  ==========  ==========  ==========  =========
regime        A           B           C           D
============  ==========  ==========  ==========  =========
skm-2017      ≥ 88.31     ≥ 76.61     ≥ 65.00     < 65.00
ikm-2004      ≥ 81.26     ≥ 62.51     ≥ 43.76     < 43.76
============  ==========  ==========  ==========  =========
"""

from __future__ import annotations

from typing import Final, Literal, get_args

import numpy as np
import numpy.typing as npt

from servqual.errors import ValidationError

__all__ = [
    "GRADES",
    "GRADE_LABELS",
    "THRESHOLDS",
    "Grade",
    "Regime",
    "grade_codes",
    "grade_of",
    "label_of",
    "regime_of",
    "thresholds",
]

Regime = Literal["skm-2017", "ikm-2004"]
"""Grading regime: Permen PANRB 14/2017 or Kepmenpan 25/2004."""

Grade = Literal["A", "B", "C", "D"]
"""Service-quality grade (mutu pelayanan)."""

_REGIMES: Final = get_args(Regime)

GRADES: Final[tuple[Grade, ...]] = ("A", "B", "C", "D")
"""The grades, best first (the positions :func:`grade_codes` returns)."""

THRESHOLDS: Final[dict[str, tuple[tuple[float, Grade], ...]]] = {
    # Permen PANRB 14/2017, table of the converted value: A 88.31–100, B 76.61–88.30,
    # C 65.00–76.60, D 25.00–64.99.
    "skm-2017": ((88.31, "A"), (76.61, "B"), (65.00, "C")),
    # Kepmenpan 25/2004: A 81.26–100, B 62.51–81.25, C 43.76–62.50, D 25.00–43.75.
    "ikm-2004": ((81.26, "A"), (62.51, "B"), (43.76, "C")),
}
"""Lower thresholds of grades A, B and C on the converted value, per regime."""

GRADE_LABELS: Final[dict[str, str]] = {
    "A": "Sangat baik",
    "B": "Baik",
    "C": "Kurang baik",
    "D": "Tidak baik",
}
"""Performance label (kinerja unit pelayanan) of each grade, as the regulations print it."""


def regime_of(metadata: dict[str, str], instrument_id: str) -> Regime:
    """The grading regime named by an instrument's ``metadata["grading"]``.

    Instruments without the key are graded as SKM 2017.

    Raises
    ------
    servqual.errors.ValidationError
        If the metadata names an unknown regime.
    """
    value = metadata.get("grading", "skm-2017")
    if value == "skm-2017":
        return "skm-2017"
    if value == "ikm-2004":
        return "ikm-2004"
    raise ValidationError(
        f"instrument {instrument_id!r} has metadata grading={value!r}; "
        f"known grading regimes: {list(_REGIMES)}"
    )


def thresholds(regime: Regime) -> tuple[float, ...]:
    """The three thresholds (A, B, C) of a regime, highest first."""
    return tuple(t for t, _ in THRESHOLDS[regime])


def grade_of(converted: float, regime: Regime) -> Grade:
    """Grade of a converted value (25–100) by half-open thresholds, unrounded.

    Examples
    --------
    >>> grade_of(88.31, "skm-2017"), grade_of(88.3099, "skm-2017"), grade_of(76.605, "skm-2017")
    ('A', 'B', 'C')
    >>> grade_of(82.5, "ikm-2004"), grade_of(82.5, "skm-2017")
    ('A', 'B')
    """
    for threshold, grade in THRESHOLDS[regime]:
        if converted >= threshold:
            return grade
    return "D"


def grade_codes(converted: npt.ArrayLike, regime: Regime) -> npt.NDArray[np.intp]:
    """:func:`grade_of` of many values at once, as positions in :data:`GRADES`.

    The same half-open thresholds; a NaN value gets D, as in :func:`grade_of`.

    Examples
    --------
    >>> grade_codes([88.31, 88.3099, 76.605, float("nan")], "skm-2017").tolist()
    [0, 1, 2, 3]
    """
    v = np.asarray(converted, dtype=np.float64)
    codes = np.full(v.shape, len(GRADES) - 1, dtype=np.intp)
    table = THRESHOLDS[regime]
    for position in range(len(table) - 1, -1, -1):  # lowest threshold first, best grade wins
        codes[v >= table[position][0]] = GRADES.index(table[position][1])
    return codes


def label_of(grade: Grade) -> str:
    """Performance label of a grade (``"B"`` → ``"Baik"``)."""
    return GRADE_LABELS[grade]
