"""Working-time arithmetic: which days count, and when a standard's deadline falls.

Convention (documented in ``docs/standards.md`` and pinned by the tests): for a standard of
``k`` working days (or calendar days), a record is on time when it is completed no later
than the **end of the k-th working (calendar) day after the day it was received**. The day
of receipt never counts, whatever the hour; a record received on a weekend or holiday is
treated as received on the last working day before it, so a record received on Friday or
on Saturday with "3 working days" is due at the end of Wednesday. Holidays skip like
weekends. Fractional day counts are rounded up (1.5 working days: end of the 2nd).

Vectorized work goes through :meth:`WorkCalendar.day_table`: for a range of day numbers
(days since 1970-01-01) it returns which days are working days and their running count,
so "working days taken" and "is the deadline past" become two table look-ups per record.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from collections import Counter

import numpy as np
import numpy.typing as npt
from pydantic import field_validator

from servqual.models._base import FrozenModel

__all__ = ["DayTable", "WorkCalendar"]

_EPOCH = dt.date(1970, 1, 1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the day numbers the tables are indexed by)."""
    return (day - _EPOCH).days


class DayTable:
    """Working days over a contiguous range of day numbers ``first … first + len - 1``.

    ``working[i]`` says whether day ``first + i`` is a working day; ``cum[i]`` counts the
    working days in ``first … first + i`` (inclusive).
    """

    def __init__(self, first: int, working: npt.NDArray[np.bool_]) -> None:
        self.first = first
        self.working = working
        self.cum = np.cumsum(working, dtype=np.int64)

    def taken(
        self, received: npt.NDArray[np.int64], done: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.int64]:
        """Smallest whole ``k`` such that day ``done`` is within ``k`` working days of ``received``.

        The number of working days in ``(received, done]``, plus one when ``done`` is not
        a working day (work finished on a Sunday counts as the Monday after): then a
        record is on time for ``k`` working days exactly when ``taken <= k``.
        """
        r = received - self.first
        d = done - self.first
        return self.cum[d] - self.cum[r] + (~self.working[d]).astype(np.int64)

    def elapsed_before(self, received: npt.NDArray[np.int64], day: int) -> npt.NDArray[np.int64]:
        """Working days in ``(received, day]`` (0 when ``day <= received``)."""
        r = received - self.first
        out: npt.NDArray[np.int64] = np.maximum(self.cum[day - self.first] - self.cum[r], 0)
        return out


class WorkCalendar(FrozenModel):
    """The office's working days: weekend days, holidays and local time zone.

    Parameters
    ----------
    holidays : tuple of datetime.date
        Days off besides the weekend (national holidays, *cuti bersama*). Supplied by the
        user: nothing is looked up.
    weekend : tuple of int
        Weekday numbers that are not working days (Monday = 0 … Sunday = 6); default
        Saturday and Sunday. At least one weekday must remain.
    timezone : str, optional
        IANA name of the office's time zone (``"Asia/Jakarta"``). Needed when record
        timestamps carry a UTC offset, to decide on which local day they fall; naive
        timestamps are read as local time.

    Examples
    --------
    A district office works Monday to Friday; 17 August 2026 (a Monday) is a holiday:

    >>> import datetime as dt
    >>> import servqual as sq
    >>> cal = sq.WorkCalendar(holidays=[dt.date(2026, 8, 17)], timezone="Asia/Jakarta")
    >>> cal.due_date(dt.date(2026, 8, 14), 3)  # Friday + 3 working days, Monday off
    datetime.date(2026, 8, 20)
    >>> cal.due_date(dt.date(2026, 8, 15), 3)  # Saturday: as if received on Friday
    datetime.date(2026, 8, 20)
    >>> cal.due_date(dt.date(2026, 8, 14), 3, working=False)  # 3 calendar days
    datetime.date(2026, 8, 17)
    """

    holidays: tuple[dt.date, ...] = ()
    weekend: tuple[int, ...] = (5, 6)
    timezone: str | None = None

    @field_validator("holidays")
    @classmethod
    def _sorted_holidays(cls, value: tuple[dt.date, ...]) -> tuple[dt.date, ...]:
        return tuple(sorted(set(value)))

    @field_validator("weekend")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        bad = [d for d in value if not 0 <= d <= 6]
        if bad:
            raise ValueError(f"weekend day {bad[0]!r} is not a weekday number 0 (Mon) … 6 (Sun)")
        dup = [d for d, c in Counter(value).items() if c > 1]
        if dup:
            raise ValueError(f"weekend day {dup[0]!r} is listed twice")
        if len(value) >= 7:
            raise ValueError("weekend covers all seven days: no working day is left")
        return tuple(sorted(value))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {value!r} (an IANA name such as 'Asia/Jakarta')"
                ) from None
        return value

    @property
    def weekmask(self) -> str:
        """Numpy's busday weekmask, Monday first (``"1111100"`` for a Sat–Sun weekend)."""
        return "".join("0" if d in self.weekend else "1" for d in range(7))

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is neither a weekend day nor a holiday."""
        return day.weekday() not in self.weekend and day not in self.holidays

    def due_date(self, received: dt.date, days: float, *, working: bool = True) -> dt.date:
        """The last day on which a record received on ``received`` is still on time.

        Parameters
        ----------
        received : datetime.date or datetime.datetime
            Day (or moment, local time) of receipt.
        days : float
            The standard, > 0; rounded up to a whole number of days.
        working : bool
            Count working days (default) or calendar days.
        """
        if isinstance(received, dt.datetime):
            received = received.date()
        k = math.ceil(days)
        if not working:
            return received + dt.timedelta(days=k)
        start = day_number(received)
        table = self.day_table(start, start + 7 * (k + len(self.holidays) + 1) + 7)
        due = int(np.searchsorted(table.cum, table.cum[0] + k)) + table.first
        return _EPOCH + dt.timedelta(days=due)

    def day_table(self, first: int, last: int) -> DayTable:
        """Working days from day number ``first`` to ``last`` inclusive (days since 1970)."""
        days = np.arange(first, last + 1, dtype=np.int64)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (weekday 3)
        working = ~np.isin(weekday, np.array(self.weekend, dtype=np.int64))
        if self.holidays:
            hol = np.array([day_number(h) for h in self.holidays], dtype=np.int64)
            working &= ~np.isin(days, hol)
        return DayTable(first, working)

    def zone(self) -> zoneinfo.ZoneInfo | None:
        """The :class:`zoneinfo.ZoneInfo` of ``timezone`` (``None`` without one)."""
        return None if self.timezone is None else zoneinfo.ZoneInfo(self.timezone)
