"""Design estimators against extra R ``survey`` values (tests/data/design_extra.json).

Each record names the R call that produced it; the file was made once and the tests do
not need R. Complements ../shared/reference/design.json with the cluster design's total
and ratio, and with every lonely-PSU policy.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import servqual as sq
from servqual.errors import DegenerateDataWarning, DesignError

REF = json.loads((Path(__file__).parent / "data" / "design_extra.json").read_text())["records"]


def _dclus() -> sq.Design:
    # R: svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)
    return sq.Design(REF["apiclus1_data"], weights="pw", clusters="dnum", fpc="fpc")


def test_cluster_total() -> None:
    ref = REF["apiclus1_svytotal_enroll"]  # R: svytotal(~enroll, dclus)
    est = _dclus().total("enroll")
    assert est.value == pytest.approx(ref["estimate"], rel=1e-12)
    assert est.se == pytest.approx(ref["se"], rel=1e-12)
    assert est.df == ref["df"]


def test_cluster_ratio() -> None:
    ref = REF["apiclus1_svyratio"]  # R: svyratio(~api.stu, ~enroll, dclus)
    est = _dclus().ratio("api.stu", "enroll")
    assert est.value == pytest.approx(ref["estimate"], rel=1e-12)
    assert est.se == pytest.approx(ref["se"], rel=1e-12)


@pytest.mark.parametrize("policy", ["adjust", "remove", "certainty", "average"])
def test_lonely_psu_policies(policy: str) -> None:
    # R: options(survey.lonely.psu=policy); svymean(~api00, svydesign(id=~1, strata=~stype,
    #    weights=~pw, data=lonely_data)) — stratum "E" holds a single school.
    ref = REF[f"lonely_{policy}"]
    design = sq.Design(REF["lonely_data"], weights="pw", strata="stype", lonely_psu=policy)
    with warnings.catch_warnings():
        # Whether a policy warns is tested with the design itself; here only the numbers.
        warnings.simplefilter("ignore", DegenerateDataWarning)
        est = design.mean("api00")
    assert est.value == pytest.approx(ref["estimate"], rel=1e-12)
    assert est.se == pytest.approx(ref["se"], rel=1e-12)
    assert est.df == ref["df"]


def test_lonely_psu_fails_by_default() -> None:
    design = sq.Design(REF["lonely_data"], weights="pw", strata="stype")
    with pytest.raises(DesignError, match="stratum 'E' has only one PSU"):
        design.mean("api00")
