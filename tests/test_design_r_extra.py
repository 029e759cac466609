"""Design estimators against extra R ``survey`` values (tests/data/design_extra.json).

Each record names the R call that produced it; the file was made once and the tests do
not need R. Complements tests/data/reference/design.json with the cluster design's total
and ratio, and with every lonely-PSU policy.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

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


POPULATION = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}


def _check_calibrated(
    design: sq.Design, ref: dict[str, Any], *, rel_value: float, rel_se: float
) -> None:
    """Weights, svymean(~api00) and svytotal(~enroll) of a calibrated design against R."""
    assert design.weights.tolist() == pytest.approx(ref["weights"], rel=rel_value)
    mean = design.mean("api00")
    total = design.total("enroll")
    assert mean.value == pytest.approx(ref["mean_api00"], rel=rel_value)
    assert mean.se == pytest.approx(ref["se_mean_api00"], rel=rel_se)
    assert total.value == pytest.approx(ref["total_enroll"], rel=rel_value)
    assert total.se == pytest.approx(ref["se_total_enroll"], rel=rel_se)


def test_poststratify_cluster_design() -> None:
    # R: postStratify(dclus, ~stype, pop.types); svymean(~api00); svytotal(~enroll)
    ref = REF["apiclus1_postStratify_stype"]
    ps = _dclus().poststratify("stype", POPULATION["stype"])
    _check_calibrated(ps, ref, rel_value=1e-12, rel_se=1e-10)


def test_rake_cluster_design() -> None:
    # R: rake(dclus, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
    #         control=list(maxit=100, epsilon=1e-12)); svymean(~api00); svytotal(~enroll)
    ref = REF["apiclus1_rake_stype_schwide"]
    raked = _dclus().rake(POPULATION, max_iter=200, tol=1e-12)
    _check_calibrated(raked, ref, rel_value=1e-8, rel_se=1e-7)


@pytest.mark.parametrize("method", ["logit", "beta", "mean", "xlogit"])
def test_svyciprop_cluster_design(method: str) -> None:
    # R: svyciprop(~I(sch.wide == "Yes"), dclus, method=method, df=degf(dclus))
    ref = REF[f"apiclus1_svyciprop_{method}"]
    est = _dclus().proportion("sch.wide", "Yes", method=method)
    assert est.value == pytest.approx(ref["estimate"], rel=1e-9)
    assert est.se == pytest.approx(ref["se"], rel=1e-9)
    assert est.ci.low == pytest.approx(ref["lower"], rel=1e-8)
    assert est.ci.high == pytest.approx(ref["upper"], rel=1e-8)


def test_domain_means_cluster_design() -> None:
    # R: svyby(~api00, ~stype, dclus, svymean); confint(., df=degf(dclus))
    ref = REF["apiclus1_svyby_api00_stype"]
    by = _dclus().by("stype").mean("api00")
    assert list(by) == ref["domains"]
    for i, key in enumerate(ref["domains"]):
        assert by[key].value == pytest.approx(ref["estimate"][i], rel=1e-12)
        assert by[key].se == pytest.approx(ref["se"][i], rel=1e-10)
        assert by[key].df == ref["df"]
        assert by[key].ci.low == pytest.approx(ref["ci95"]["lower"][i], rel=1e-10)
        assert by[key].ci.high == pytest.approx(ref["ci95"]["upper"][i], rel=1e-10)


def test_domain_totals_stratified_design(reference: Any) -> None:
    # R: svyby(~enroll, ~sch.wide, dstrat, svytotal) — domains cut across the strata.
    ref = REF["apistrat_svyby_total_enroll_schwide"]
    strat = reference("design.json")["records"][0]["inputs"]["data"]  # R's apistrat
    design = sq.Design(strat, weights="pw", strata="stype", fpc="fpc")
    by = design.by("sch.wide").total("enroll")
    for i, key in enumerate(ref["domains"]):
        assert by[key].value == pytest.approx(ref["estimate"][i], rel=1e-12)
        assert by[key].se == pytest.approx(ref["se"][i], rel=1e-10)
