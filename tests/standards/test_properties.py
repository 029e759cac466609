"""Properties of compliance, and the vectorized kernel against a slow record-by-record rule.

The reference rule (``slow_status``) is the convention written out with dates and a loop:
step back from the day of receipt to a working day, step forward k working days, compare
the completion date (or, for an open record, the period's end) with that day.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.standards.helpers import catalog

import servqual as sq

START = dt.datetime(2026, 3, 1)

# A scenario whose records are all pending warns (pinned in test_all_pending_warns).
pytestmark = pytest.mark.filterwarnings("ignore:.*every record is pending")
UNITS = ("working_days", "days", "hours")


def slow_status(
    cal: sq.WorkCalendar,
    unit: str,
    k: float,
    rec: dt.datetime,
    done: dt.datetime | None,
    end: dt.datetime,
) -> str:
    if done is not None and done > end:
        done = None  # completed after the period: open at its end
    if unit == "hours":
        limit = dt.timedelta(hours=k)
        if done is not None:
            return "on_time" if done - rec <= limit else "late"
        return "late" if end - rec > limit else "pending"
    if unit == "days":
        due = rec.date() + dt.timedelta(days=math.ceil(k))
    else:
        due = rec.date()
        while not cal.is_working_day(due):
            due -= dt.timedelta(days=1)
        left = math.ceil(k)
        while left:
            due += dt.timedelta(days=1)
            left -= cal.is_working_day(due)
    if done is not None:
        return "on_time" if done.date() <= due else "late"
    return "late" if end.date() > due else "pending"


@st.composite
def scenario(draw: Any) -> tuple[Any, ...]:
    unit = draw(st.sampled_from(UNITS))
    k = draw(st.integers(1, 6)) if unit != "hours" else draw(st.sampled_from([1.0, 2.5, 8.0]))
    n = draw(st.integers(1, 25))
    rec = [START + dt.timedelta(minutes=draw(st.integers(0, 30 * 1440))) for _ in range(n)]
    done: list[dt.datetime | None] = []
    for r in rec:
        if draw(st.booleans()) and draw(st.booleans()):
            done.append(None)
        else:
            done.append(r + dt.timedelta(minutes=draw(st.integers(0, 12 * 1440))))
    holidays = draw(st.lists(st.dates(dt.date(2026, 3, 1), dt.date(2026, 4, 30)), max_size=6))
    weekend = draw(st.sampled_from([(5, 6), (4, 5), (6,), ()]))
    end = max(list(rec) + [d for d in done if d is not None])
    end += dt.timedelta(minutes=draw(st.integers(0, 5 * 1440)))
    return unit, k, rec, done, sq.WorkCalendar(holidays=holidays, weekend=weekend), end


def run(
    unit: str,
    k: float,
    rec: list[dt.datetime],
    done: list[dt.datetime | None],
    cal: sq.WorkCalendar,
    end: dt.datetime | None,
    order: list[int] | None = None,
) -> dict[Any, sq.ServiceCompliance]:
    cat = catalog(k, unit)
    idx = order if order is not None else list(range(len(rec)))
    recs = sq.ServiceRecords.from_records(
        [
            {
                "record_id": i,
                "service": "ktp",
                "received_at": rec[i],
                "completed_at": done[i],
                "fee": 0,
            }
            for i in idx
        ],
        cat,
    )
    return sq.compliance(recs, cat, calendar=cal, period_end=end)


def dump(res: dict[Any, sq.ServiceCompliance]) -> dict[Any, str]:
    """Results as JSON text (order-statistic estimates have se = NaN, and NaN != NaN)."""
    return {k: v.model_dump_json() for k, v in res.items()}


@given(scenario())
def test_kernel_matches_the_slow_rule(case: tuple[Any, ...]) -> None:
    unit, k, rec, done, cal, end = case
    expected = [slow_status(cal, unit, k, r, d, end) for r, d in zip(rec, done, strict=True)]
    res = run(unit, k, rec, done, cal, end)["ktp"]
    got = (res.n_on_time, res.n_late, res.n_pending)
    assert got == tuple(expected.count(s) for s in ("on_time", "late", "pending"))
    if res.on_time is not None:
        assert 0.0 <= res.on_time.value <= 1.0
        assert 0.0 <= res.on_time.ci.low <= res.on_time.value <= res.on_time.ci.high <= 1.0


@given(scenario(), st.dates(dt.date(2026, 3, 1), dt.date(2026, 4, 15)))
def test_a_holiday_never_lowers_working_day_compliance(
    case: tuple[Any, ...], extra: dt.date
) -> None:
    _, k, rec, done, cal, end = case
    more = cal.model_copy(update={"holidays": (*cal.holidays, extra)})
    more = sq.WorkCalendar(**more.model_dump())
    before = run("working_days", k, rec, done, cal, end)["ktp"]
    after = run("working_days", k, rec, done, more, end)["ktp"]
    assert after.n_on_time >= before.n_on_time
    assert after.n_late <= before.n_late
    if before.on_time is not None and after.on_time is not None:
        assert after.on_time.value >= before.on_time.value


@settings(max_examples=40)
@given(scenario(), st.randoms(use_true_random=False))
def test_shuffling_and_chunking_change_nothing(case: tuple[Any, ...], rnd: Any) -> None:
    unit, k, rec, done, cal, end = case
    whole = run(unit, k, rec, done, cal, end)
    order = list(range(len(rec)))
    rnd.shuffle(order)
    assert dump(run(unit, k, rec, done, cal, end, order)) == dump(whole)
    cat = catalog(k, unit)
    recs = sq.ServiceRecords.from_records(
        [
            {
                "record_id": i,
                "service": "ktp",
                "received_at": rec[i],
                "completed_at": done[i],
                "fee": 0,
            }
            for i in order
        ],
        cat,
    )
    cut = rnd.randint(0, len(rec))
    parts = [recs.subset(np.arange(0, cut)), recs.subset(np.arange(cut, len(rec)))]
    merged = sq.ServiceRecords.concat([p for p in parts if p.n])
    assert dump(sq.compliance(merged, cat, calendar=cal, period_end=end)) == dump(whole)


def test_results_round_trip_json() -> None:
    res = sq.compliance(
        sq.data.load_demo_records(), sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar()
    )
    for r in res.values():
        text = r.model_dump_json()
        assert sq.ServiceCompliance.model_validate_json(text).model_dump_json() == text


@pytest.mark.filterwarnings("error")
def test_all_pending_warns() -> None:
    rec, done = [dt.datetime(2026, 3, 2, 9)], [None]
    with pytest.warns(sq.errors.DegenerateDataWarning, match=r"ktp: every record is pending"):
        res = run("working_days", 3, rec, done, sq.WorkCalendar(), dt.datetime(2026, 3, 3, 9))
    assert res["ktp"].on_time is None
    assert res["ktp"].n_pending == 1


def slow_taken(cal: sq.WorkCalendar, unit: str, rec: dt.datetime, done: dt.datetime) -> float:
    """Time taken in the standard's unit, the obvious way (working days: smallest k on time)."""
    if unit == "hours":
        return (done - rec).total_seconds() / 3600
    if unit == "days":
        return float((done.date() - rec.date()).days)
    k = 0
    while True:
        due = rec.date()
        while not cal.is_working_day(due):
            due -= dt.timedelta(days=1)
        left = k
        while left:
            due += dt.timedelta(days=1)
            left -= cal.is_working_day(due)
        if done.date() <= due:
            return float(k)
        k += 1


@given(scenario())
def test_median_time_matches_the_slow_rule(case: tuple[Any, ...]) -> None:
    unit, k, rec, done, cal, end = case
    times = [
        slow_taken(cal, unit, r, d)
        for r, d in zip(rec, done, strict=True)
        if d is not None and d <= end
    ]
    res = run(unit, k, rec, done, cal, end)["ktp"]
    if not times:
        assert res.median_time is None
        return
    assert res.median_time is not None
    assert res.median_time.value == pytest.approx(float(np.quantile(times, 0.5)), abs=1e-9)
    assert res.median_time.n == len(times)


@given(
    st.lists(
        st.one_of(st.none(), st.integers(0, 4).map(lambda i: 25_000 * i)), min_size=1, max_size=30
    )
)
def test_fee_tally_matches_a_loop(fees: list[int | None]) -> None:
    cat = catalog(fee=50_000)
    t = ("2026-03-06T10:00", "2026-03-06T12:00")
    recs = sq.ServiceRecords.from_records(
        [
            {"record_id": i, "service": "ktp", "received_at": t[0], "completed_at": t[1], "fee": f}
            for i, f in enumerate(fees)
        ],
        cat,
    )
    res = sq.compliance(recs, cat)["ktp"]
    known = [f for f in fees if f is not None]
    assert res.n_fee == len(known)
    assert res.n_overcharged == sum(f > 50_000 for f in known)
    assert res.n_undercharged == sum(f < 50_000 for f in known)
    assert res.overcharged_amount == sum(f - 50_000 for f in known if f > 50_000)
    if known:
        assert res.fee_exact is not None
        assert res.fee_exact.value == sum(f == 50_000 for f in known) / len(known)
    else:
        assert res.fee_exact is None
