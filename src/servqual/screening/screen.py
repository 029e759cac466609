"""``servqual.screen``: data-quality screening of a service-satisfaction survey."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import ParameterError
from servqual.models.instrument import Instrument
from servqual.responses import Responses
from servqual.screening import patterns
from servqual.screening._input import Survey, column, survey
from servqual.screening._input import row_ids as _ids
from servqual.screening.interviewer import interviewer_effect
from servqual.screening.mode import mode_effect
from servqual.screening.models import InterviewerEffect, Screening, Timing
from servqual.screening.sensitivity import sensitivity
from servqual.screening.timing import seconds, timing_flags
from servqual.stats.quantiles import check_level

__all__ = ["screen"]

Column = str | npt.ArrayLike | None


def screen(
    data: Responses | npt.ArrayLike,
    *,
    interviewer: Column = None,
    mode: Column = None,
    timestamp: Column = None,
    level: float = 0.95,
    instrument: Instrument | None = None,
    respondent_ids: npt.ArrayLike | None = None,
    min_seconds: float | None = None,
    burst_size: int = 5,
    burst_seconds: float = 600.0,
) -> Screening:
    """Screen survey answers for straight-lining, duplicates, interviewer and mode effects.

    Parameters
    ----------
    data : Responses or 2-D array-like
        The survey. A plain array (respondents × items, in the instrument's item order)
        needs ``instrument=`` and is taken unvalidated: answers outside the scale are
        reported (and then treated as missing), repeated ids are reported.
    interviewer, mode, timestamp : str or 1-D array-like, optional
        A respondent attribute of the Responses (by name) or one value per respondent:
        who collected the form, how (``"counter"``, ``"online"``, …), and when it was
        submitted (seconds, ``datetime64`` or ISO 8601 text).
    level : float
        Confidence level of the intervals; every test is run at ``1 − level``,
        family-wise within each check.
    instrument : Instrument, optional
        The instrument of a plain array.
    respondent_ids : 1-D array-like, optional
        Ids of a plain array's rows (default ``0 … n − 1``).
    min_seconds : float, optional
        A form submitted sooner than this after the interviewer's previous one is a
        speeder (default 10 seconds per item).
    burst_size, burst_seconds : int, float
        ``burst_size`` forms by one interviewer within ``burst_seconds`` are a burst.

    Returns
    -------
    Screening
        What was flagged and the respondent ids; nothing is removed.

    Raises
    ------
    servqual.errors.ServqualTypeError
        ``data`` is neither a Responses nor an array with an instrument.
    servqual.errors.DataFormatError
        A column not of one value per respondent, an unreadable timestamp.
    servqual.errors.ParameterError
        A bad level or threshold; a column name with plain answers; an unknown
        attribute name.
    servqual.errors.InsufficientDataError
        An interviewer column with fewer than 2 interviewers, a mode column with fewer
        than 2 modes.

    Notes
    -----
    See ``docs/screening.md`` for each check and how to read it. In short: straight-
    liners and empty forms are listed as they are (with the number expected by chance
    beside them); repeated answer vectors are flagged only beyond a latent-class chance
    model (:mod:`servqual.screening.chance`); interviewers by Welch tests against the
    rest with Holm's correction; modes by design-based differences with Holm's
    correction; the interviewer ICC(1) has its F interval.

    Examples
    --------
    The demo survey: 300 SKM forms collected by six staff members, at the counter or
    online, with submission times (see :func:`servqual.screening.demo_survey`):

    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> r = demo_survey()
    >>> s = sq.screen(r, interviewer="staff", mode="mode", timestamp="submitted")
    >>> len(s.straight_liners), s.duplicates[1], s.interviewer_effect.flagged
    (31, ('F061', 'F293', 'F294'), ('Eko',))
    >>> s.mode_effect.flagged, s.timing.bursts[0][:3]
    (True, ('F265', 'F272', 'F281'))

    Does the grade hold without the flagged forms? Exclude them explicitly:

    >>> s.sensitivity.full_grade, s.sensitivity.kept_grade
    ('B', 'B')
    >>> sq.skm_index(r.drop(s.flagged_ids)).grade
    'B'
    """
    level = check_level(level)
    s = survey(data, instrument, respondent_ids)
    n, k = s.codes.shape
    cols = {
        name: column(value, s.responses, n, name)
        for name, value in (("interviewer", interviewer), ("mode", mode), ("timestamp", timestamp))
    }
    min_s = _thresholds(min_seconds, burst_size, burst_seconds, k)
    chance = patterns.Chance(s)
    missing, empty = patterns.missingness(s)
    straight, straight_rows = patterns.straight_lining(s, chance)
    times = None if cols["timestamp"] is None else seconds(cols["timestamp"])
    record = _record(times, cols["interviewer"])
    groups, dup_stats = patterns.duplicate_groups(s, chance, level, record)
    flagged = empty | straight_rows | s.bad.any(axis=1)
    for g in groups:
        flagged[g[1:]] = True  # the first form of a group is kept
    score = patterns.respondent_scores(s)
    effect: InterviewerEffect | None = None
    if cols["interviewer"] is not None:
        effect, interviewer_rows = interviewer_effect(score, cols["interviewer"], level)
        flagged |= interviewer_rows
    timing: Timing | None = None
    if times is not None:
        speeders, bursts = timing_flags(
            times,
            cols["interviewer"],
            min_seconds=min_s,
            burst_seconds=burst_seconds,
            burst_size=burst_size,
        )
        flagged |= speeders
        for b in bursts:
            flagged[b] = True
        timing = Timing(
            speeders=_ids(s, np.flatnonzero(speeders)),
            bursts=tuple(_ids(s, b) for b in bursts),
            min_seconds=min_s,
            burst_seconds=burst_seconds,
            burst_size=burst_size,
        )
    modes = None if cols["mode"] is None else mode_effect(score, cols["mode"], s.design, level)
    return Screening(
        n=n,
        level=level,
        missingness=missing,
        straight_liners=_ids(s, np.flatnonzero(straight_rows)),
        straight_lining=straight,
        duplicates=tuple(_ids(s, g) for g in groups),
        duplicate_chance=dup_stats,
        out_of_range=patterns.out_of_range(s),
        interviewer_effect=effect,
        mode_effect=modes,
        timing=timing,
        sensitivity=_sensitivity(s, flagged, level),
        flagged_ids=_ids(s, np.flatnonzero(flagged)),
    )


def _thresholds(min_seconds: Any, burst_size: Any, burst_seconds: Any, k: int) -> float:
    if min_seconds is None:
        min_seconds = 10.0 * k
    for name, value in (("min_seconds", min_seconds), ("burst_seconds", burst_seconds)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ParameterError(f"{name} must be a positive number of seconds, got {value!r}")
    if isinstance(burst_size, bool) or not isinstance(burst_size, int) or burst_size < 2:
        raise ParameterError(f"burst_size must be an integer of at least 2, got {burst_size!r}")
    return float(min_seconds)


def _record(
    times: npt.NDArray[np.float64] | None, source: npt.NDArray[Any] | None
) -> npt.NDArray[np.intp] | None:
    """Codes of what, beside the answers, makes two forms one record (time, interviewer)."""
    if times is None:
        return None
    n = times.size
    # a form without a timestamp matches no other: give it a code of its own
    stamp = np.where(np.isnan(times), -1.0 - np.arange(n), times)
    columns = [np.unique(stamp, return_inverse=True)[1].ravel()]
    if source is not None:
        columns.append(np.unique(np.asarray(source).astype(str), return_inverse=True)[1].ravel())
    key = np.unique(np.column_stack(columns), axis=0, return_inverse=True)[1]
    return np.asarray(key.ravel(), dtype=np.intp)


def _sensitivity(s: Survey, flagged: npt.NDArray[np.bool_], level: float) -> Any:
    inst = s.instrument
    if s.responses is None or (inst.scale.min, inst.scale.max) != (1, 4):
        return None
    return sensitivity(s.responses, flagged, level)
