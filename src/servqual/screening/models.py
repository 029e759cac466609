"""Result models of :func:`servqual.screen`: what was flagged, and why.

Respondent ids are kept as Python ``int`` (integer ids) or ``str`` (anything else), so a
result round-trips through JSON; :meth:`servqual.Responses.drop` accepts them.
"""

from __future__ import annotations

from typing import Literal, Union

from pydantic import Field

from servqual.design.comparisons import Comparison
from servqual.models._base import FrozenModel
from servqual.models.results import Estimate

RespondentId = Union[int, str]  # noqa: UP007  (pydantic reads the alias at runtime)
"""A respondent id as stored in results: ``int`` for integer ids, else ``str``."""

__all__ = [
    "Duplicates",
    "InterviewerEffect",
    "InterviewerRow",
    "Missingness",
    "ModeEffect",
    "OutOfRange",
    "RespondentId",
    "Screening",
    "Sensitivity",
    "StraightLining",
    "Timing",
]


class Missingness(FrozenModel):
    """Missing answers per item and per respondent.

    Parameters
    ----------
    items : dict of str to int
        Respondents who left each item blank, in item order.
    per_respondent : dict of int to int
        How many respondents left 0, 1, 2, … items blank.
    empty : tuple of int or str
        Respondents who answered no item at all (flagged).

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> s.missingness.items["U1"], s.missingness.empty
    (0, ())
    """

    items: dict[str, int]
    per_respondent: dict[int, int]
    empty: tuple[RespondentId, ...] = ()


class StraightLining(FrozenModel):
    """How common straight-lining is, against what chance gives.

    The straight-liners themselves are :attr:`Screening.straight_liners`.

    Parameters
    ----------
    count : int
        Straight-liners: every item answered, all answers equal (at least 3 items).
    longest_run : dict of int to int
        How many respondents have a longest run of ``r`` identical consecutive answers.
    expected : float
        Straight-liners expected by chance under the latent-class model of the answers
        (:mod:`servqual.screening.chance`): honest respondents who simply agree with
        every element. Compare with ``count``.
    p_value : float
        Probability of at least ``count`` straight-liners by chance (Poisson tail).

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> s.straight_lining.count, s.straight_lining.longest_run[9]
    (31, 31)
    """

    count: int = Field(ge=0)
    longest_run: dict[int, int]
    expected: float = Field(ge=0.0)
    p_value: float = Field(ge=0.0, le=1.0)


class Duplicates(FrozenModel):
    """How often answer vectors repeat, against what chance gives.

    The flagged groups are :attr:`Screening.duplicates`.

    Parameters
    ----------
    repeated_share : float
        Share of respondents whose answer vector equals another respondent's.
    expected_share : float
        The same share expected by chance under the latent-class model.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> s.duplicates[0]  # form F011 entered three times
    ('F011', 'F291', 'F292')
    """

    repeated_share: float = Field(ge=0.0, le=1.0)
    expected_share: float = Field(ge=0.0, le=1.0)


class OutOfRange(FrozenModel):
    """Answers outside the instrument's scale (only when data arrives unvalidated).

    Parameters
    ----------
    count : int
        Answers outside the scale (or not whole numbers); treated as missing.
    items : dict of str to int
        Such answers per item.
    ids : tuple of int or str
        Respondents with at least one.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> s.out_of_range.count  # a Responses is validated: nothing out of range
    0
    """

    count: int = Field(ge=0)
    items: dict[str, int]
    ids: tuple[RespondentId, ...]


class InterviewerRow(FrozenModel):
    """One interviewer: how far their respondents' mean score is from everyone else's.

    Parameters
    ----------
    interviewer : str
        The interviewer's label.
    n : int
        Respondents interviewed (with a score).
    mean : float
        Their respondents' mean score (on the answer scale).
    difference : Estimate
        Mean minus the mean of the other interviewers' respondents (Welch t interval).
    p_value, p_adjusted : float
        Two-sided Welch p-value and its Holm adjustment over all interviewers.
    flagged : bool
        ``p_adjusted < 1 − level``.
    suppressed : {"small", "complementary"} or None
        Set in a published report (``sq.skm_report(..., screening=...)``): the row's
        figures rest on fewer than the report's ``min_group_size`` respondents, or would
        give such a row back from the others; ``n`` and every figure are then ``None``.
        Never set by :func:`servqual.screen` itself.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> eko = next(row for row in s.interviewer_effect.rows if row.interviewer == "Eko")
    >>> round(eko.difference.value, 2), eko.flagged
    (0.51, True)
    """

    interviewer: str
    n: int | None = Field(ge=0)
    mean: float | None
    difference: Estimate | None
    p_value: float | None
    p_adjusted: float | None
    flagged: bool | None
    suppressed: Literal["small", "complementary"] | None = None


class InterviewerEffect(FrozenModel):
    """How much of the variation in respondents' scores lies between interviewers.

    Parameters
    ----------
    icc : Estimate
        One-way random-effects intraclass correlation ICC(1) with its F interval
        (method ``"f"``; no standard error: ``se`` is NaN and ``at_level`` refuses).
    f_statistic, p_value : float
        The one-way ANOVA F test of "no interviewer effect".
    rows : tuple of InterviewerRow
        One row per interviewer, in label order.
    flagged : tuple of str
        Interviewers whose mean departs from the rest beyond chance (Holm).

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> e = s.interviewer_effect
    >>> round(e.icc.value, 3), round(e.icc.ci.low, 3), round(e.icc.ci.high, 3), e.flagged
    (0.167, 0.06, 0.567, ('Eko',))
    """

    icc: Estimate
    f_statistic: float
    p_value: float
    rows: tuple[InterviewerRow, ...]
    flagged: tuple[str, ...]


class ModeEffect(FrozenModel):
    """Difference in respondents' mean score between collection modes.

    Parameters
    ----------
    comparisons : tuple of Comparison
        Each pair of modes (first − second), estimated on the survey design.
    pairs : tuple of tuple of str
        The modes of each comparison.
    p_adjusted : tuple of float
        Holm-adjusted p-values.
    flagged : bool
        Whether any adjusted p-value is below ``1 − level``.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> m = s.mode_effect
    >>> m.pairs, round(m.difference.value, 3), m.flagged  # counter − online, answer scale
    ((('counter', 'online'),), 0.154, True)
    """

    comparisons: tuple[Comparison, ...]
    pairs: tuple[tuple[str, str], ...]
    p_adjusted: tuple[float, ...]
    flagged: bool

    @property
    def comparison(self) -> Comparison:
        """The comparison of the first pair (the only one with two modes)."""
        return self.comparisons[0]

    @property
    def difference(self) -> Estimate:
        """The difference of the first pair (the only one with two modes)."""
        return self.comparisons[0].difference


class Timing(FrozenModel):
    """Forms filled implausibly fast, and bursts of forms from one interviewer.

    Parameters
    ----------
    speeders : tuple of int or str
        Forms submitted less than ``min_seconds`` after the interviewer's previous form.
    bursts : tuple of tuple of int or str
        Runs of at least ``burst_size`` forms by one interviewer within
        ``burst_seconds``.
    min_seconds, burst_seconds : float
        The thresholds used.
    burst_size : int
        The threshold used.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> s.timing.bursts  # six forms from Dewi within five minutes
    (('F265', 'F272', 'F281', 'F282', 'F283', 'F297'),)
    """

    speeders: tuple[RespondentId, ...]
    bursts: tuple[tuple[RespondentId, ...], ...]
    min_seconds: float
    burst_seconds: float
    burst_size: int


class Sensitivity(FrozenModel):
    """Whether the SKM index depends on the flagged forms.

    Parameters
    ----------
    full, kept : Estimate
        The index over all respondents, and over the respondents not flagged (a domain
        of the full design).
    difference : Comparison
        ``full − kept`` with its interval (linearization on the full design: the two
        estimates share respondents).
    full_grade, kept_grade : str
        Grades of the two values.
    excluded : int
        Respondents left out.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> t = s.sensitivity
    >>> t.full_grade, t.kept_grade, t.excluded, round(t.difference.difference.value, 2)
    ('B', 'B', 73, 2.58)
    """

    full: Estimate
    kept: Estimate
    difference: Comparison
    full_grade: str
    kept_grade: str
    excluded: int = Field(ge=0)


class Screening(FrozenModel):
    """Data-quality screening of a survey: what was flagged, and the respondent ids.

    Nothing is removed: exclude ``flagged_ids`` explicitly
    (``responses.drop(screening.flagged_ids)``) and re-run the index.

    Parameters
    ----------
    n : int
        Respondents screened.
    level : float
        Confidence level of the intervals; ``1 − level`` is the false-positive rate of
        each test (family-wise, Holm or Bonferroni, within each check).
    missingness : Missingness
    straight_liners : tuple of int or str
        Respondents who gave the same answer to every item (at least 3 items).
    straight_lining : StraightLining
        Their count against the count expected by chance.
    duplicates : tuple of tuple of int or str
        Groups of respondents sharing an id, an identical record (answers, timestamp,
        interviewer), or an answer vector repeated more often than chance allows.
    duplicate_chance : Duplicates
        How often answer vectors repeat, against chance.
    out_of_range : OutOfRange
    interviewer_effect : InterviewerEffect, optional
        With an interviewer column.
    mode_effect : ModeEffect, optional
        With a mode column of at least two modes.
    timing : Timing, optional
        With timestamps.
    sensitivity : Sensitivity, optional
        For a 1–4 (SKM) instrument with flagged respondents.
    flagged_ids : tuple of int or str
        Every flagged respondent, in row order: empty forms, straight-liners, the later
        copies in each duplicate group, forms with out-of-range answers, speeders and
        bursts, and the respondents of flagged interviewers.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    >>> len(s.flagged_ids), s.flagged_ids[:3]
    (73, ('F009', 'F011', 'F012'))
    >>> kept = demo_survey().drop(s.flagged_ids)
    >>> kept.n
    227
    """

    n: int = Field(ge=0)
    level: float = Field(gt=0.0, lt=1.0)
    missingness: Missingness
    straight_liners: tuple[RespondentId, ...]
    straight_lining: StraightLining
    duplicates: tuple[tuple[RespondentId, ...], ...]
    duplicate_chance: Duplicates
    out_of_range: OutOfRange
    interviewer_effect: InterviewerEffect | None = None
    mode_effect: ModeEffect | None = None
    timing: Timing | None = None
    sensitivity: Sensitivity | None = None
    flagged_ids: tuple[RespondentId, ...]
