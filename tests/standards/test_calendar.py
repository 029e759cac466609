"""WorkCalendar: validation, due dates, and the day table against a day-by-day walk."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import servqual as sq
from servqual.standards.calendar import day_number


def walk_due(cal: sq.WorkCalendar, received: dt.date, k: int) -> dt.date:
    """The slow, obvious rule: back to a working day, then step k working days forward."""
    day = received
    while not cal.is_working_day(day):
        day -= dt.timedelta(days=1)
    while k:
        day += dt.timedelta(days=1)
        k -= cal.is_working_day(day)
    return day


def test_friday_and_saturday_receipts_are_due_wednesday() -> None:
    cal = sq.WorkCalendar()
    assert cal.due_date(dt.date(2026, 3, 6), 3) == dt.date(2026, 3, 11)  # Friday
    assert cal.due_date(dt.date(2026, 3, 7), 3) == dt.date(2026, 3, 11)  # Saturday
    assert cal.due_date(dt.date(2026, 3, 8), 3) == dt.date(2026, 3, 11)  # Sunday
    assert cal.due_date(dt.datetime(2026, 3, 6, 23, 59), 3) == dt.date(2026, 3, 11)
    assert cal.due_date(dt.date(2026, 3, 6), 2.5) == dt.date(2026, 3, 11)  # rounded up
    # demo holidays 19, 20, 23 and 24 March: Wed 18th → Wed 25th (1), Thu 26th (2), Fri 27th (3)
    demo = sq.data.demo_calendar()
    assert demo.due_date(dt.date(2026, 3, 18), 3) == dt.date(2026, 3, 27)


@given(
    received=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    k=st.integers(1, 15),
    weekend=st.sets(st.integers(0, 6), max_size=3),
    holidays=st.lists(st.dates(dt.date(2025, 1, 1), dt.date(2028, 3, 31)), max_size=20),
)
def test_due_date_matches_the_walk(
    received: dt.date, k: int, weekend: set[int], holidays: list[dt.date]
) -> None:
    cal = sq.WorkCalendar(weekend=tuple(weekend), holidays=holidays)
    assert cal.due_date(received, k) == walk_due(cal, received, k)


def test_day_table_matches_numpy_busday() -> None:
    cal = sq.WorkCalendar(weekend=(4, 5), holidays=[dt.date(2026, 3, 10), dt.date(2026, 3, 17)])
    first, last = day_number(dt.date(2026, 2, 20)), day_number(dt.date(2026, 4, 10))
    table = cal.day_table(first, last)
    days = np.arange(np.datetime64("2026-02-20"), np.datetime64("2026-04-11"))
    expected = np.is_busday(days, weekmask=cal.weekmask, holidays=["2026-03-10", "2026-03-17"])
    assert table.working.tolist() == expected.tolist()
    assert cal.weekmask == "1111001"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weekend": (5, 7)}, r"weekend day 7 is not a weekday number"),
        ({"weekend": (5, 5)}, r"weekend day 5 is listed twice"),
        ({"weekend": tuple(range(7))}, r"no working day is left"),
        ({"timezone": "Asia/Sukamaju"}, r"unknown time zone 'Asia/Sukamaju'"),
        ({"holidays": ["17 Agustus"]}, r"holidays"),
    ],
)
def test_bad_calendars(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(sq.errors.ModelValidationError, match=match):
        sq.WorkCalendar(**kwargs)  # type: ignore[arg-type]


def test_calendar_round_trips_json() -> None:
    cal = sq.data.demo_calendar()
    assert sq.WorkCalendar.model_validate_json(cal.model_dump_json()) == cal


@given(
    st.integers(1_640_995_200, 1_830_297_600),
    st.sampled_from(
        [
            "Asia/Jakarta",
            "Asia/Makassar",
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
        ]
    ),
)
def test_local_seconds_match_zoneinfo_one_by_one(utc_seconds: int, zone: str) -> None:
    # the kernel looks the offset up once per distinct hour; zoneinfo converts each instant
    from zoneinfo import ZoneInfo

    from servqual.standards._kernel import local_seconds

    # 2026-10-03T15:45Z: Lord Howe moved from +10:30 to +11:00 at 15:30Z
    lord_howe = int(dt.datetime(2026, 10, 3, 15, 45, tzinfo=dt.timezone.utc).timestamp())
    seconds = np.array(
        [utc_seconds, utc_seconds + 1800, utc_seconds + 7 * 86_400, lord_howe], np.int64
    )
    got = local_seconds(seconds, True, ZoneInfo(zone))
    for s, g in zip(seconds.tolist(), got.tolist(), strict=True):
        local = dt.datetime.fromtimestamp(s, tz=ZoneInfo(zone)).replace(tzinfo=None)
        assert g == int((local - dt.datetime(1970, 1, 1)).total_seconds())
