"""The row-touching step of compliance: status and time taken of each record, vectorized.

Each record gets a status code (on time, late, pending, no standard) and the time it took
in its standard's unit. Day standards use two look-ups in a :class:`DayTable` over the
range of days the records span (memory: days, not rows × days); hour and minute
standards compare elapsed seconds. No Python loop runs over records.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import ParameterError
from servqual.models.service import CompletionTime
from servqual.standards._timestamps import Stamps
from servqual.standards.calendar import WorkCalendar

__all__ = ["LATE", "NO_STANDARD", "ON_TIME", "PENDING", "Clock", "time_status"]

ON_TIME, LATE, PENDING, NO_STANDARD = 0, 1, 2, 3
DAY = 86_400
_SECONDS = {"minutes": 60.0, "hours": 3600.0}

Int64Array = npt.NDArray[np.int64]


def local_seconds(seconds: Int64Array, aware: bool, zone: zoneinfo.ZoneInfo | None) -> Int64Array:
    """Wall-clock seconds of the office: UTC seconds plus the zone's offset when aware."""
    if not aware:
        return seconds
    if zone is None:
        raise ParameterError(
            "the records' timestamps carry UTC offsets: give the office's time zone, "
            "WorkCalendar(timezone='Asia/Jakarta') for example, to tell on which local day "
            "each falls"
        )
    # offsets change only at quarter hours of UTC (Lord Howe: 15:30): one look-up per
    # distinct quarter hour, not per record
    quarters, inverse = np.unique(seconds // 900, return_inverse=True)
    offsets = np.array(
        [_offset(int(q) * 900, zone) for q in quarters.tolist()],
        dtype=np.int64,
    )
    return seconds + offsets[inverse.reshape(-1)]


def _offset(utc_seconds: int, zone: zoneinfo.ZoneInfo) -> int:
    offset = dt.datetime.fromtimestamp(utc_seconds, tz=zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds())


class Clock:
    """Local and absolute seconds of the period's end, and the calendar's zone."""

    def __init__(self, calendar: WorkCalendar, aware: bool, end_abs: int) -> None:
        self.calendar = calendar
        self.aware = aware
        self.zone = calendar.zone()
        self.end_abs = end_abs
        self.end_local = int(local_seconds(np.array([end_abs], np.int64), aware, self.zone)[0])

    def local(self, seconds: Int64Array) -> Int64Array:
        return local_seconds(seconds, self.aware, self.zone)


def _per_row(codes: npt.NDArray[np.intp], per_service: list[float]) -> npt.NDArray[np.float64]:
    return np.asarray(per_service, dtype=np.float64)[codes]


def time_status(
    start: Stamps,
    done: Stamps,
    codes: npt.NDArray[np.intp],
    standards: list[CompletionTime | None],
    clock: Clock,
    active: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
    """Status and time taken (NaN unless completed) of each record against its standard.

    ``active`` marks the rows that count (a complaint was filed); others get NO_STANDARD.
    A completion after the period's end counts as still open at the end (censored).
    """
    n = codes.shape[0]
    status = np.full(n, NO_STANDARD, dtype=np.int8)
    taken = np.full(n, np.nan)
    closed = ~done.missing & (done.seconds <= clock.end_abs)
    if active is None:
        active = np.ones(n, dtype=bool)
    kinds = ("working_days", "days", "hours", "minutes")
    # kind of each service's standard (-1: none), looked up per record
    kind_of = np.array([-1 if s is None else kinds.index(s.unit) for s in standards], np.int8)
    row_kind = kind_of[codes]
    for k_index, kind in enumerate(kinds):
        if k_index not in kind_of:
            continue
        mask = active & (row_kind == k_index)
        # every record of one kind (the usual case): a slice, no gather of every column
        rows: Any = slice(None) if mask.all() else np.flatnonzero(mask)
        limit = _per_row(
            codes[rows],
            [
                math.ceil(s.value)
                if s and kind in ("working_days", "days")
                else (s.value if s else 0.0)
                for s in standards
            ],
        )
        fn = _day_status if kind in ("working_days", "days") else _clock_status
        status[rows], taken[rows] = fn(kind, rows, start, done, closed, limit, clock)
    return status, taken


def _day_status(
    kind: str,
    rows: Any,
    start: Stamps,
    done: Stamps,
    closed: npt.NDArray[np.bool_],
    limit: npt.NDArray[np.float64],
    clock: Clock,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
    r_day = clock.local(start.seconds[rows]) // DAY
    fin = closed[rows]
    d_day = np.where(fin, clock.local(done.seconds[rows]) // DAY, r_day)
    end_day = clock.end_local // DAY
    if kind == "working_days":
        first = int(min(r_day.min(), end_day - 1))
        table = clock.calendar.day_table(first, int(max(d_day.max(), end_day)))
        taken = table.taken(r_day, d_day).astype(np.float64)
        elapsed = table.elapsed_before(r_day, end_day - 1)
    else:
        taken = (d_day - r_day).astype(np.float64)
        elapsed = np.maximum(end_day - 1 - r_day, 0)
    status = np.where(
        fin,
        np.where(taken <= limit, ON_TIME, LATE),
        np.where(elapsed >= limit, LATE, PENDING),
    ).astype(np.int8)
    return status, np.where(fin, taken, np.nan)


def _clock_status(
    kind: str,
    rows: Any,
    start: Stamps,
    done: Stamps,
    closed: npt.NDArray[np.bool_],
    limit: npt.NDArray[np.float64],
    clock: Clock,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
    unit = _SECONDS[kind]
    fin = closed[rows]
    took = (done.seconds[rows] - start.seconds[rows]) / unit
    waited = (clock.end_abs - start.seconds[rows]) / unit
    status = np.where(
        fin,
        np.where(took <= limit, ON_TIME, LATE),
        np.where(waited > limit, LATE, PENDING),
    ).astype(np.int8)
    return status, np.where(fin, took, np.nan)
