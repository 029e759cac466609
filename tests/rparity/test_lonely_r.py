"""lonely_psu="adjust_zero" reproduces R survey 4.1.1's ``options(survey.lonely.psu="adjust")``.

Reference: tests/data/rparity.json, records ``lonely_adjust_total`` / ``lonely_adjust_mean``
(apistrat with a single school left in stratum H; ``svydesign(id=~1, strata=~stype,
weights=~pw)``). survey 4.1.1 centres the lonely PSU's total at zero; servqual's
``"adjust"`` centres it at the grand mean of the PSU totals (the later R rule), which is
the same for means and smaller for totals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import servqual as sq
from servqual.errors import DegenerateDataWarning

Records = dict[str, dict[str, Any]]


def _design(data_set: Callable[[str], dict[str, np.ndarray]], policy: str) -> sq.Design:
    return sq.Design(data_set("dlone"), strata="stype", weights="pw", lonely_psu=policy)  # type: ignore[arg-type]


def test_adjust_zero_matches_survey_411(
    records: Records, data_set: Callable[[str], dict[str, np.ndarray]]
) -> None:
    d = _design(data_set, "adjust_zero")
    with pytest.warns(DegenerateDataWarning, match="handled by lonely_psu='adjust_zero'"):
        total = d.total("enroll")
    with pytest.warns(DegenerateDataWarning):
        mean = d.mean("api00")
    for est, rid in ((total, "lonely_adjust_total"), (mean, "lonely_adjust_mean")):
        r = records[rid]  # R 4.1.1: options(survey.lonely.psu = "adjust"); svytotal/svymean
        assert est.value == pytest.approx(r["estimate"], rel=1e-9)
        assert est.se == pytest.approx(r["se"], rel=1e-9)
        assert est.df == r["df"]


def test_adjust_conventions_differ_for_totals_only(
    data_set: Callable[[str], dict[str, np.ndarray]],
) -> None:
    zero, grand = _design(data_set, "adjust_zero"), _design(data_set, "adjust")
    with pytest.warns(DegenerateDataWarning):
        assert grand.total("enroll").se < zero.total("enroll").se
    with pytest.warns(DegenerateDataWarning):
        assert grand.mean("api00").se == pytest.approx(zero.mean("api00").se, rel=1e-12)


@pytest.mark.parametrize("policy", ["adjust", "remove", "certainty", "average"])
def test_lonely_second_stage_unit_matches_r(
    policy: str, records: Records, data_set: Callable[[str], dict[str, np.ndarray]]
) -> None:
    # R: options(survey.lonely.psu = policy); svytotal(~y, svydesign(id=~a+b, fpc=~N+M))
    # PSU 2 has one sampled unit at stage 2; under "average" R's variance is NaN (no
    # other stage-2 stratum in that PSU to average over), and so is servqual's SE.
    r = records[f"lonely_stage2_{policy}"]
    d = sq.Design(data_set("lone2"), clusters=["a", "b"], fpc=["N", "M"], lonely_psu=policy)  # type: ignore[arg-type]
    if policy == "certainty":
        est = d.total("y")
    else:
        with pytest.warns(DegenerateDataWarning, match="single unit at stage 2"):
            est = d.total("y")
    assert est.value == pytest.approx(r["estimate"], rel=1e-12)
    if r["se"] is None:
        assert np.isnan(est.se)
    else:
        assert est.se == pytest.approx(r["se"], rel=1e-12)
