"""Compliance on hand-computed examples: the working-day convention, open records, fees.

Dates: 2026-03-06 is a Friday (2026-01-01 was a Thursday; 31 + 28 + 5 = 64 days later,
64 = 9·7 + 1). The convention under test (docs/standards.md): with a standard of k
working days, a record is on time when completed by the end of the k-th working day after
the day it was received; a weekend or holiday receipt counts from the working day before.
Each expected value below is worked out by counting days in its comment.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest
from tests.standards.helpers import catalog, records

import servqual as sq


def one(
    rows: list[tuple[object, ...]], cat: sq.ServiceCatalog | None = None, **kw: object
) -> sq.ServiceCompliance:
    cat = cat or catalog()
    res = sq.compliance(records(rows, cat), cat, **kw)  # type: ignore[arg-type]
    return res["ktp"]


@pytest.mark.parametrize(
    ("received", "completed", "on_time", "taken"),
    [
        # Fri → Mon 1, Tue 2, Wed 3: due end of Wednesday 03-11
        ("2026-03-06T10:00", "2026-03-11T16:59", True, 3),
        ("2026-03-06T10:00", "2026-03-11T23:59", True, 3),
        ("2026-03-06T10:00", "2026-03-12T08:00", False, 4),  # Thursday: late
        # Saturday counts as Friday: due Wednesday too
        ("2026-03-07T09:00", "2026-03-11T15:00", True, 3),
        ("2026-03-08T09:00", "2026-03-12T09:00", False, 4),  # Sunday → Thursday is late
        # same-day completion: 0 working days taken
        ("2026-03-09T09:00", "2026-03-09T15:00", True, 0),
        # done on Saturday after Wed receipt: Thu 1, Fri 2, Sat counts as Mon 3
        ("2026-03-11T09:00", "2026-03-14T10:00", True, 3),
        # done on Sunday after a Tue receipt: Wed 1, Thu 2, Fri 3, Sun counts as Mon 4
        ("2026-03-10T09:00", "2026-03-15T10:00", False, 4),
    ],
)
def test_working_days_convention(received: str, completed: str, on_time: bool, taken: int) -> None:
    res = one([(received, completed)])
    assert (res.n_on_time, res.n_late, res.n_pending) == ((1, 0, 0) if on_time else (0, 1, 0))
    assert res.median_time is not None
    assert res.median_time.value == taken


def test_holidays_skip_like_weekends() -> None:
    # Tue 03-10 a holiday: Fri → Mon 1, Wed 2, Thu 3: due end of Thursday 03-12
    rows = [("2026-03-06T10:00", "2026-03-12T15:00")]
    assert one(rows).n_late == 1  # no holiday: Thursday is the 4th working day
    holiday = sq.WorkCalendar(holidays=[dt.date(2026, 3, 10)])
    assert one(rows, calendar=holiday).n_on_time == 1
    # received on the holiday itself counts from Monday 03-09: Wed 1, Thu 2, Fri 3
    rows = [("2026-03-10T10:00", "2026-03-13T15:00"), ("2026-03-10T10:00", "2026-03-16T09:00")]
    res = one(rows, calendar=holiday)
    assert (res.n_on_time, res.n_late) == (1, 1)


def test_custom_weekend() -> None:
    # Friday-Saturday weekend: received Thu 03-05 → Sun 1, Mon 2, Tue 3 (due end of Tue 03-10)
    cal = sq.WorkCalendar(weekend=(4, 5))
    rows = [("2026-03-05T10:00", "2026-03-10T15:00"), ("2026-03-05T10:00", "2026-03-11T09:00")]
    res = one(rows, calendar=cal)
    assert (res.n_on_time, res.n_late) == (1, 1)


def test_calendar_days_ignore_weekends_and_holidays() -> None:
    cat = catalog(3, "days")
    cal = sq.WorkCalendar(holidays=[dt.date(2026, 3, 8)])
    # Fri 03-06 + 3 calendar days = Mon 03-09 (on time); Tue 03-10 is late
    rows = [("2026-03-06T10:00", "2026-03-09T23:00"), ("2026-03-06T10:00", "2026-03-10T08:00")]
    res = one(rows, cat, calendar=cal)
    assert (res.n_on_time, res.n_late) == (1, 1)


def test_open_records_past_and_before_deadline() -> None:
    # period ends with 2026-03-11 (end of Wednesday)
    rows = [
        ("2026-03-06T10:00", None),  # due end of Wed 03-11: past at the period's end → late
        ("2026-03-09T10:00", None),  # Mon: due end of Thu 03-12 → pending
        ("2026-03-09T10:00", ""),  # the same, open written as empty text → pending
        ("2026-03-06T10:00", "2026-03-11T12:00"),  # on time
        ("2026-03-02T10:00", "2026-03-12T12:00"),  # completed after the period: open, late
    ]
    res = one(rows, period_end=dt.date(2026, 3, 11))
    assert (res.n_on_time, res.n_late, res.n_pending) == (1, 2, 2)
    assert res.on_time is not None
    assert res.on_time.value == pytest.approx(1 / 3)  # pending records are left out
    assert res.on_time.n == 3
    # one minute before the end of Wednesday, the Friday record is not yet late
    res = one(rows, period_end=dt.datetime(2026, 3, 11, 23, 59))
    assert (res.n_on_time, res.n_late, res.n_pending) == (1, 1, 3)


def test_hour_standard() -> None:
    cat = catalog(2, "hours")
    rows = [
        ("2026-03-06T09:00", "2026-03-06T11:00"),  # exactly 2 h: on time
        ("2026-03-06T09:00", "2026-03-06T11:01"),  # 2 h 1 min: late
        ("2026-03-07T22:00", "2026-03-07T23:30"),  # Saturday counts: hours are clock time
        ("2026-03-06T10:00", None),  # open 1.5 h at 11:30: pending
        ("2026-03-06T09:00", None),  # open 2.5 h at 11:30: late
    ]
    res = one(rows, cat, period_end=dt.datetime(2026, 3, 7, 23, 30))
    assert (res.n_on_time, res.n_late, res.n_pending) == (2, 3, 0)
    res = one(rows[:2] + rows[3:], cat, period_end=dt.datetime(2026, 3, 6, 11, 30))
    assert (res.n_on_time, res.n_late, res.n_pending) == (1, 2, 1)
    # times in hours: 2.0 and 2.0167 → median 2.00833 (type 7: mean of the two)
    assert res.median_time is not None
    assert res.median_time.value == pytest.approx((2 + 2 + 1 / 60) / 2)


def test_minute_standard() -> None:
    cat = catalog(90, "minutes")
    rows = [("2026-03-06T09:00", "2026-03-06T10:30"), ("2026-03-06T09:00", "2026-03-06T10:31")]
    res = one(rows, cat)
    assert (res.n_on_time, res.n_late) == (1, 1)
    assert res.p90_time is not None
    assert res.p90_time.value == pytest.approx(90 + 0.9)  # type 7 between 90 and 91 minutes


def test_fee_exact_over_under() -> None:
    cat = catalog(fee=50_000)
    t = ("2026-03-06T10:00", "2026-03-06T12:00")
    rows = [(*t, 50_000), (*t, 75_000), (*t, 40_000), (*t, 100_000), (*t, None), (*t, "")]
    res = one(rows, cat)
    assert res.fee == 50_000
    assert (res.n_fee, res.n_overcharged, res.n_undercharged) == (4, 2, 1)
    assert res.overcharged_amount == 25_000 + 50_000
    assert res.overcharged == (2, 75_000.0)
    assert res.fee_exact is not None
    assert res.fee_exact.value == 0.25
    ci = sq.proportion_ci(1, 4)  # Wilson, checked against R prop.test in tests/test_intervals.py
    assert (res.fee_exact.ci.low, res.fee_exact.ci.high) == (ci.low, ci.high)


def test_free_service_any_charge_is_overcharge() -> None:
    t = ("2026-03-06T10:00", "2026-03-06T12:00")
    res = one([(*t, 0), (*t, 0), (*t, 25_000)])
    assert (res.n_overcharged, res.overcharged_amount, res.fee_exact.value) == (1, 25_000.0, 2 / 3)  # type: ignore[union-attr]


def test_on_time_is_wilson_with_its_standard_error() -> None:
    rows = [("2026-03-06T10:00", "2026-03-11T12:00")] * 7 + [
        ("2026-03-06T10:00", "2026-03-13T12:00")
    ] * 3
    res = one(rows)
    est = res.on_time
    assert est is not None
    assert (est.value, est.n, est.df) == (0.7, 10, None)
    assert est.se == pytest.approx(math.sqrt(0.7 * 0.3 / 10))
    # R: prop.test(7, 10, correct = FALSE)$conf.int → 0.3967781 0.8922087
    assert est.ci.low == pytest.approx(0.3967781, abs=1e-7)
    assert est.ci.high == pytest.approx(0.8922087, abs=1e-7)
    assert est.at_level(0.90).ci.width < est.ci.width


def test_order_statistic_intervals_of_times() -> None:
    # 20 records taking 1..4 working days (5 each); Fri receipt, done Mon/Tue/Wed/Thu
    done = ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"]
    rows = [("2026-03-06T10:00", f"{d}T12:00") for d in done for _ in range(5)]
    res = one(rows)
    med, p90 = res.median_time, res.p90_time
    assert med is not None
    assert p90 is not None
    assert med.value == 2.5  # type 7: halfway between the 10th (2) and 11th (3) values
    # scipy.stats.quantile_test(x, q=2.5, p=0.5).confidence_interval(0.95) → (2.0, 3.0):
    # ranks qbinom(0.025, 20, 0.5) = 6 and qbinom(0.975, 20, 0.5) + 1 = 15
    assert (med.ci.low, med.ci.high, med.ci.method) == (2.0, 3.0, "order_statistic")
    # p90: qbinom(0.975, 20, 0.9) + 1 = 21 > 20 → no upper order statistic: open-ended
    assert p90.ci.high == math.inf
    assert math.isnan(med.se)


def test_complaint_resolution() -> None:
    cat = catalog(complaint=(5, "working_days"))
    t = ("2026-03-02T10:00", "2026-03-03T12:00")
    extra = {
        "complaint_at": ["2026-03-04T09:00", "2026-03-04T09:00", "", "2026-03-06T09:00"],
        # Wed + 5 working days = Wed 03-11; 03-12 is late; the third has no complaint
        "complaint_resolved_at": ["2026-03-11T17:00", "2026-03-12T08:00", "", ""],
    }
    recs = records([t] * 4, cat, **extra)
    res = sq.compliance(recs, cat, period_end=dt.date(2026, 3, 12))["ktp"]
    assert res.n_complaints == 3
    assert res.complaints is not None
    # the open one (filed Fri 03-06, due Fri 03-13) is pending on 03-12
    c = res.complaints
    assert (c.n_on_time, c.n_late, c.n_pending, c.n_decided) == (1, 1, 1, 2)


def test_by_groups_and_timezone() -> None:
    cat = catalog()
    # 2026-03-06T20:00Z is Saturday 03:00 in Jakarta (UTC+7), Friday in UTC;
    # completion 2026-03-11T20:00Z is Thursday 03:00 in Jakarta, Wednesday in UTC.
    rows = [("2026-03-06T20:00Z", "2026-03-11T20:00Z")]
    recs = records(rows, cat, unit=["A"])
    jakarta = sq.compliance(recs, cat, calendar=sq.WorkCalendar(timezone="Asia/Jakarta"), by="unit")
    utc = sq.compliance(recs, cat, calendar=sq.WorkCalendar(timezone="UTC"), by="unit")
    assert jakarta["ktp", "A"].n_late == 1  # Sat→Fri base, due Wed; done Thursday
    assert utc["ktp", "A"].n_on_time == 1  # Fri, due Wed; done Wednesday
    assert jakarta["ktp", "A"].group == "A"
