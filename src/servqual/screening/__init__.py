"""Data-quality screening: straight-lining, duplicates, interviewer, mode and timing effects.

:func:`screen` flags respondents and collection effects and returns a
:class:`Screening`; nothing is removed automatically — exclude ``flagged_ids`` with
:meth:`servqual.Responses.drop` and re-run the index. See ``docs/screening.md``.
"""

from servqual.screening.demo import demo_survey
from servqual.screening.models import (
    Duplicates,
    InterviewerEffect,
    InterviewerRow,
    Missingness,
    ModeEffect,
    OutOfRange,
    Screening,
    Sensitivity,
    StraightLining,
    Timing,
)
from servqual.screening.screen import screen

__all__ = [
    "Duplicates",
    "InterviewerEffect",
    "InterviewerRow",
    "Missingness",
    "ModeEffect",
    "OutOfRange",
    "Screening",
    "Sensitivity",
    "StraightLining",
    "Timing",
    "demo_survey",
    "screen",
]
