"""The bundled demo catalog and records: reproducible, and consistent with numpy's calendar.

Source of truth: scripts/demo_records.py (called by scripts/make_demo.py), which computes
completion days with numpy's ``busday_offset``. Here the working days each completed record
took are recomputed with numpy's ``busday_count`` — an implementation independent of
servqual's day table — and compared with what servqual derives.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import servqual as sq

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def test_generator_reproduces_the_shipped_files() -> None:
    sys.path.insert(0, str(SCRIPTS))
    try:
        spec = importlib.util.spec_from_file_location("make_demo", SCRIPTS / "make_demo.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for path, data in module.build_files().items():
            assert path.read_bytes() == data, path.name
        import demo_records

        assert tuple(demo_records.HOLIDAYS) == tuple(d.isoformat() for d in sq.data.DEMO_HOLIDAYS)
    finally:
        sys.path.remove(str(SCRIPTS))


def test_working_days_taken_match_numpy_busday_count() -> None:
    with sq.data.demo_records_path().open() as fh:
        rows = list(csv.DictReader(fh))
    hol = [d.isoformat() for d in sq.data.DEMO_HOLIDAYS]
    done = [r for r in rows if r["completed_at"]]
    rec_day = np.array([r["received_at"][:10] for r in done], dtype="datetime64[D]")
    end_day = np.array([r["completed_at"][:10] for r in done], dtype="datetime64[D]")
    base = np.busday_offset(rec_day, 0, roll="backward", holidays=hol)
    taken = np.busday_count(base + 1, end_day + 1, holidays=hol)  # working days in (base, end]
    taken += ~np.is_busday(end_day, holidays=hol)  # a weekend completion counts as the next day
    std = {s.id: s.standard.completion_time.value for s in sq.data.load_demo_catalog().services}  # type: ignore[union-attr]
    res = sq.compliance(
        sq.data.load_demo_records(), sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar()
    )
    for sid, r in res.items():
        mine = np.array([row["service"] == sid for row in done])
        assert r.n_on_time == int((taken[mine] <= std[sid]).sum())
        assert r.median_time is not None
        assert r.median_time.value == float(np.quantile(taken[mine], 0.5))
        assert r.p90_time is not None
        assert r.p90_time.value == pytest.approx(float(np.quantile(taken[mine], 0.9)), rel=1e-14)


def test_demo_story() -> None:
    res = sq.compliance(
        sq.data.load_demo_records(),
        sq.data.load_demo_catalog(),
        calendar=sq.data.demo_calendar(),
        by="quarter",
    )
    q1, q2 = res["KTP-el", "2026-Q1"].on_time, res["KTP-el", "2026-Q2"].on_time
    assert q1 is not None
    assert q2 is not None
    assert q1.value < q2.value  # blank cards ran short in the first quarter
    whole = sq.compliance(
        sq.data.load_demo_records(), sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar()
    )
    assert [r.n for r in whole.values()] == [293, 198, 109]
    assert all(r.n_overcharged > 0 for r in whole.values())
