"""Design estimators against R ``survey`` 4.1.1 (reference files design.json, means_srs.json).

Each test names the R call that produced the numbers it checks; tolerance relative 1e-6
(1e-9 where R's value is a closed form).
"""

from __future__ import annotations

from typing import Any

import pytest

import servqual as sq

REL = 1e-9  # closed forms (svymean, svytotal, svyratio, t/normal intervals)
REL_ITER = 1e-6  # R's logit interval comes from an iterative svyglm fit


def _records(reference: Any, name: str) -> dict[str, Any]:
    return {r["id"]: r for r in reference(name)["records"]}


def _apistrat(record: dict[str, Any]) -> sq.Design:
    # R: svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
    return sq.Design(record["inputs"]["data"], weights="pw", strata="stype", fpc="fpc")


def _check_intervals(est: sq.Estimate, ref: dict[str, Any], index: int | None = None) -> None:
    for key, interval in (("ci_t", "t"), ("ci_normal", "normal")):
        for level_key, bounds in ref[key].items():
            level = float(level_key)
            if interval == "t":
                got = est.at_level(level)
            else:  # normal: the same estimate without degrees of freedom
                got = est.model_copy(update={"df": None}).at_level(level)
            low, high = bounds["lower"], bounds["upper"]
            if index is not None:
                low, high = low[index], high[index]
            assert got.ci.low == pytest.approx(low, rel=REL)
            assert got.ci.high == pytest.approx(high, rel=REL)


def test_apistrat_svymean_api00(reference: Any) -> None:
    rec = _records(reference, "design.json")["apistrat_svymean_api00"]
    ref = rec["reference"]
    # R: svymean(~api00, dstrat, deff=TRUE); confint(est, level, df=degf(dstrat))
    est = _apistrat(rec).mean("api00")
    assert est.value == pytest.approx(ref["mean"], rel=REL)
    assert est.se == pytest.approx(ref["se"], rel=REL)
    assert est.deff == pytest.approx(ref["deff"], rel=REL)
    assert est.df == ref["degf"]
    assert est.n_eff == pytest.approx(200 / ref["deff"], rel=REL)
    _check_intervals(est, ref)


def test_apistrat_mean_normal_interval_option(reference: Any) -> None:
    rec = _records(reference, "design.json")["apistrat_svymean_api00"]
    # R: confint(svymean(~api00, dstrat))  (normal quantile)
    est = _apistrat(rec).mean("api00", interval="normal", level=0.90)
    ref = rec["reference"]["ci_normal"]["0.90"]
    assert est.df is None
    assert est.ci.method == "normal"
    assert est.ci.low == pytest.approx(ref["lower"], rel=REL)
    assert est.ci.high == pytest.approx(ref["upper"], rel=REL)


def test_apistrat_svytotal_enroll(reference: Any) -> None:
    rec = _records(reference, "design.json")["apistrat_svytotal_enroll"]
    ref = rec["reference"]
    # R: svytotal(~enroll, dstrat, deff=TRUE)
    est = _apistrat(rec).total("enroll")
    assert est.value == pytest.approx(ref["total"], rel=REL)
    assert est.se == pytest.approx(ref["se"], rel=REL)
    assert est.deff == pytest.approx(ref["deff"], rel=REL)
    _check_intervals(est, ref)


def test_apistrat_svyratio(reference: Any) -> None:
    rec = _records(reference, "design.json")["apistrat_svyratio_api.stu_enroll"]
    ref = rec["reference"]
    # R: svyratio(~api.stu, ~enroll, dstrat)
    est = _apistrat(rec).ratio("api.stu", "enroll")
    assert est.value == pytest.approx(ref["ratio"], rel=REL)
    assert est.se == pytest.approx(ref["se"], rel=REL)
    assert est.se**2 == pytest.approx(ref["var"], rel=REL)
    _check_intervals(est, ref)


def test_apistrat_svymean_factor(reference: Any) -> None:
    rec = _records(reference, "design.json")["apistrat_svymean_sch.wide_factor"]
    ref = rec["reference"]
    # R: svymean(~sch.wide, dstrat, deff=TRUE)  (a factor: one share per level)
    shares = _apistrat(rec).proportions("sch.wide")
    assert list(shares) == ["No", "Yes"]  # R: names sch.wideNo, sch.wideYes
    for i, est in enumerate(shares.values()):
        assert est.value == pytest.approx(ref["mean"][i], rel=REL)
        assert est.se == pytest.approx(ref["se"][i], rel=REL)
        assert est.deff == pytest.approx(ref["deff"][i], rel=REL)
        _check_intervals(est, ref, index=i)


@pytest.mark.parametrize("method", ["logit", "xlogit", "beta", "mean", "asin"])
@pytest.mark.parametrize("level_key", ["0.90", "0.95"])
def test_apistrat_svyciprop(reference: Any, method: str, level_key: str) -> None:
    rec = _records(reference, "design.json")["apistrat_svyciprop_sch.wide_yes"]
    ref = rec["reference"]["by_method"][method][level_key]
    design = _apistrat(rec)
    # R: svyciprop(~I(sch.wide=="Yes"), dstrat, method=M, level=L)
    est = design.proportion("sch.wide", "Yes", method=method, level=float(level_key))  # type: ignore[arg-type]
    assert est.value == pytest.approx(ref["estimate"], rel=REL_ITER)
    assert est.se == pytest.approx(ref["se"], rel=REL)
    assert est.ci.method == method
    assert est.ci.low == pytest.approx(ref["lower"], rel=REL_ITER)
    assert est.ci.high == pytest.approx(ref["upper"], rel=REL_ITER)
    # the same interval recomputed from (value, se, df, n) at the other level
    other = "0.95" if level_key == "0.90" else "0.90"
    again = est.at_level(float(other))
    ref_other = rec["reference"]["by_method"][method][other]
    assert again.ci.low == pytest.approx(ref_other["lower"], rel=REL_ITER)
    assert again.ci.high == pytest.approx(ref_other["upper"], rel=REL_ITER)


def test_apiclus1_svymean_api00(reference: Any) -> None:
    rec = _records(reference, "design.json")["apiclus1_svymean_api00"]
    ref = rec["reference"]
    # R: svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1); svymean(~api00, d, deff=TRUE)
    design = sq.Design(rec["inputs"]["data"], weights="pw", clusters="dnum", fpc="fpc")
    est = design.mean("api00")
    assert est.value == pytest.approx(ref["mean"], rel=REL)
    assert est.se == pytest.approx(ref["se"], rel=REL)
    assert est.deff == pytest.approx(ref["deff"], rel=REL)
    assert est.df == ref["degf"]
    _check_intervals(est, ref)


def test_means_srs_all_records(reference: Any) -> None:
    for rec in reference("means_srs.json")["records"]:
        inputs, ref = rec["inputs"], rec["reference"]
        data: dict[str, Any] = {"y": inputs["y"]}
        if inputs["N"] is not None:
            data["N"] = [inputs["N"]] * inputs["n"]
        # R: svymean(~y, svydesign(ids=~1, fpc=~N, data=df)) or without fpc
        design = sq.Design(data, fpc="N" if inputs["N"] is not None else None)
        est = design.mean("y")
        assert est.value == pytest.approx(ref["mean"], rel=REL), rec["id"]
        assert est.se == pytest.approx(ref["se"], rel=REL, abs=1e-12), rec["id"]
        assert est.df == ref["degf"], rec["id"]
        for level_key, bounds in ref["ci_t"].items():
            got = est.at_level(float(level_key))
            assert got.ci.low == pytest.approx(bounds["lower"], rel=REL), rec["id"]
            assert got.ci.high == pytest.approx(bounds["upper"], rel=REL), rec["id"]
        for level_key, bounds in ref["ci_normal"].items():
            got = design.mean("y", interval="normal", level=float(level_key))
            assert got.ci.low == pytest.approx(bounds["lower"], rel=REL), rec["id"]
            assert got.ci.high == pytest.approx(bounds["upper"], rel=REL), rec["id"]
