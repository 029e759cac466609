"""On-time shares of sampled records: the design's variance, checked against R survey.

Reference: tests/data/compliance_design.json, written by tests/data/compliance_design.R
(R ``svyby(~on_time, ~service, subset(des, !is.na(on_time)), svymean)`` on the demo records
read as a stratified sample: strata = service, fpc = records per service). The statuses in
its input file (tests/data/compliance_design_input.csv) are the ones
test_demo_records.py checks against numpy's business-day functions.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import servqual as sq

DATA = Path(__file__).resolve().parents[1] / "data"

# Akta Kelahiran's 8 complaints were all resolved on time: a design share of 1, which the
# design core reports with a DegenerateDataWarning (pinned in test_degenerate_share_warns).
pytestmark = pytest.mark.filterwarnings("ignore:an estimated proportion is 0 or 1")


@pytest.fixture(scope="module")
def r_reference() -> list[dict[str, object]]:
    return list(json.loads((DATA / "compliance_design.json").read_text())["records"])


@pytest.fixture(scope="module")
def sampled() -> sq.ServiceRecords:
    return sq.ServiceRecords.read_csv(
        sq.data.demo_records_path(),
        sq.data.load_demo_catalog(),
        strata="service",
        fpc="population",
    )


def test_statuses_match_the_r_input(sampled: sq.ServiceRecords) -> None:
    with (DATA / "compliance_design_input.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    res = sq.compliance(sampled, sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar())
    for sid, r in res.items():
        mine = [x for x in rows if x["service"] == sid]
        assert r.n_on_time == sum(x["on_time"] == "1" for x in mine)
        assert r.n_late == sum(x["on_time"] == "0" for x in mine)
        assert r.n_pending == sum(x["on_time"] == "NA" for x in mine)


def test_design_share_matches_r_svyby(
    sampled: sq.ServiceRecords, r_reference: list[dict[str, object]]
) -> None:
    cat, cal = sq.data.load_demo_catalog(), sq.data.demo_calendar()
    per_service = sq.compliance(sampled, cat, calendar=cal)
    per_quarter = sq.compliance(sampled, cat, calendar=cal, by="quarter")
    for ref in r_reference:
        key = ref["service"] if ref["quarter"] is None else (ref["service"], ref["quarter"])
        res = (per_service if ref["quarter"] is None else per_quarter)[key]  # type: ignore[index]
        est = res.on_time
        assert est is not None
        assert est.value == pytest.approx(ref["mean"], rel=1e-12)
        assert est.se == pytest.approx(ref["se"], rel=1e-9)
        assert est.df == ref["df"]
        assert est.ci.method == "wilson"


def test_design_shares_are_narrower_than_wilson_without_fpc(sampled: sq.ServiceRecords) -> None:
    cat, cal = sq.data.load_demo_catalog(), sq.data.demo_calendar()
    plain = sq.compliance(sq.data.load_demo_records(), cat, calendar=cal)["KTP-el"].on_time
    design = sq.compliance(sampled, cat, calendar=cal)["KTP-el"].on_time
    assert plain is not None
    assert design is not None
    assert design.value == pytest.approx(plain.value, rel=1e-12)
    assert design.se < plain.se  # the fpc (293 of 4210 records) shrinks the variance


def test_design_compare_is_independent_welch(sampled: sq.ServiceRecords) -> None:
    res = sq.compliance(sampled, sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar())
    c = sq.compliance_compare(res["Akta Kelahiran"], res["KTP-el"])
    a, b = res["Akta Kelahiran"].on_time, res["KTP-el"].on_time
    assert a is not None
    assert b is not None
    assert c.method == "independent"
    assert c.difference.se == pytest.approx((a.se**2 + b.se**2) ** 0.5)


@pytest.mark.filterwarnings("error")
def test_degenerate_share_warns(sampled: sq.ServiceRecords) -> None:
    with pytest.warns(sq.errors.DegenerateDataWarning, match=r"proportion is 0 or 1"):
        res = sq.compliance(sampled, sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar())
    c = res["Akta Kelahiran"].complaints
    assert c is not None
    assert c.on_time is not None
    assert (c.n_on_time, c.n_late, c.on_time.value) == (8, 0, 1.0)
    assert c.on_time.ci.low < 1.0  # Clopper-Pearson on the 8 records, not a zero-width interval
