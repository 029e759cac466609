"""Two-stage designs with a second-stage fpc and PPS without replacement, against R survey.

Reference values: tests/data/rparity.json (script tests/data/rparity.R, survey 4.1.1):
``svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)`` (with and without weights, and
a stratified variant), ``svydesign(id=~id1+id2, fpc=~n1+n2, data=mu284)``, and
``svydesign(id=~1, fpc=~p, data=election_pps, pps="brewer" | "overton" | HR() | HR(psum),
variance="HT" | "YG")``. The SKM index, CSI and NPS run on the same designs through the
same code path as on any other design (R: ``svycontrast`` of ``svymean``s, see the file).
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import servqual as sq
from servqual.errors import DegenerateDataWarning, DesignError, ParameterError, ValidationError

_PATH = Path(__file__).resolve().parents[1] / "data" / "rparity.json"
_FILE = json.loads(_PATH.read_text(encoding="utf-8"))
_IDS = [r["id"] for r in _FILE["records"]]
REL = 1e-9

DesignOf = Callable[[str], sq.Design]
Records = dict[str, dict[str, Any]]


def _estimates(d: sq.Design, r: dict[str, Any]) -> list[sq.Estimate]:
    kind = r["kind"]
    if kind == "mean":
        return [d.mean(r["column"])]
    if kind == "total":
        return [d.total(c, na="domain") for c in r.get("columns") or [r["column"]]]
    if kind == "ratio":
        return [d.ratio(r["column"], r["denominator"])]
    if kind == "proportion":
        return [d.proportion(r["column"], r["value"])]
    return list(d.by(r["by"]).mean(r["column"]).values())


@pytest.mark.parametrize("rid", [i for i in _IDS if i.startswith(("twostage_", "pps_"))])
def test_design_estimates_match_r(rid: str, records: Records, design: DesignOf) -> None:
    r = records[rid]  # R: the record's "call" on the design built in rparity.R
    ests = _estimates(design(r["design"]), r)
    values = np.atleast_1d(r["estimate"])
    ses = np.atleast_1d(r["se"])
    for est, value, se in zip(ests, values, ses, strict=True):
        # the proportion's point value comes from R's svyglm fit (converged to ~1e-10)
        assert est.value == pytest.approx(value, rel=1e-9 if r["kind"] != "proportion" else 1e-8)
        assert est.se == pytest.approx(se, rel=REL)
        assert est.df == r["df"]
    if "ci_low" in r and r["kind"] != "proportion":
        lows, highs = np.atleast_1d(r["ci_low"]), np.atleast_1d(r["ci_high"])
        for est, low, high in zip(ests, lows, highs, strict=True):
            assert est.ci.low == pytest.approx(low, rel=REL)
            assert est.ci.high == pytest.approx(high, rel=REL)
    if r["kind"] == "proportion":
        assert ests[0].ci.low == pytest.approx(r["ci_low"], rel=1e-7)
        assert ests[0].ci.high == pytest.approx(r["ci_high"], rel=1e-7)


def _codes(name: str, cols: list[str], low: int) -> np.ndarray:
    data = _FILE["data"][name]
    return (np.column_stack([data[c] for c in cols]) - low).astype(np.int8)


_INDEX_DESIGNS = {
    "dclus2a": "apiclus2",
    "brewer": "election_pps",
    "overton": "election_pps",
    "hartley_rao": "election_pps",
}


@pytest.mark.parametrize("name", list(_INDEX_DESIGNS))
def test_indices_on_two_stage_and_pps_designs(
    name: str, records: Records, design: DesignOf
) -> None:
    d, data = design(name), _INDEX_DESIGNS[name]
    # SKM: R svycontrast(svymean(~u1+...+u9), quote(25 * (u1 + ... + u9) / 9))
    skm_ref = records[f"skm_{name}"]
    skm = sq.Responses(sq.instruments.SKM_2017, d, _codes(data, [f"u{j}" for j in range(1, 10)], 1))
    res = sq.skm_index(skm)
    assert isinstance(res, sq.SKMResult)
    assert res.index.value == pytest.approx(skm_ref["estimate"], rel=REL)
    assert res.index.se == pytest.approx(skm_ref["se"], rel=REL)
    assert res.index.df == skm_ref["df"]
    # CSI: R svycontrast(svymean(~perf1+...+imp5), quote(100 * sum(imp*perf)/sum(imp)/5))
    five = sq.Instrument(
        id="five",
        name="Five items",
        scale=sq.Scale(min=1, max=5),
        items=tuple(sq.Item(id=f"U{j}", text=f"Item {j}") for j in range(1, 6)),
    )
    perf = sq.Responses(five, d, _codes(data, [f"perf{j}" for j in range(1, 6)], 1))
    imp = sq.Responses(five, d, _codes(data, [f"imp{j}" for j in range(1, 6)], 1))
    csi = sq.csi(perf, imp)
    assert isinstance(csi, sq.CSIResult)
    assert csi.index.value == pytest.approx(records[f"csi_{name}"]["estimate"], rel=REL)
    assert csi.index.se == pytest.approx(records[f"csi_{name}"]["se"], rel=REL)
    # NPS: R svymean(~nps_score) x 100; servqual's Wald SE has the documented textbook
    # divisor, sqrt((n - 1) / n) times R's (see tests/indices/test_indices_r.py)
    nps = sq.nps(sq.Responses(sq.instruments.NPS, d, _codes(data, ["nps"], 0)), method="wald")
    assert isinstance(nps, sq.NPSResult)
    n = d.n_rows
    assert nps.nps.value == pytest.approx(100 * records[f"nps_{name}"]["estimate"], rel=REL)
    factor = math.sqrt((n - 1) / n)
    assert nps.nps.se == pytest.approx(100 * records[f"nps_{name}"]["se"] * factor, rel=REL)


def test_mu284_weights_come_from_both_stages(design: DesignOf) -> None:
    # R: weights(svydesign(id=~id1+id2, fpc=~n1+n2, data=mu284)) = (n1/5) * (n2/m_i)
    d = design("dmu")
    data = _FILE["data"]["mu284"]
    m = np.array([sum(1 for x in data["id1"] if x == v) for v in data["id1"]])
    expected = np.array(data["n1"]) / 5 * np.array(data["n2"]) / m
    np.testing.assert_allclose(d.weights, expected, rtol=1e-15)


def test_second_stage_raises_the_variance_over_the_ultimate_cluster(design: DesignOf) -> None:
    # With fpc at both stages the variance adds the second stage, weighted by f1 (R's
    # multistage); the one-stage design on the same PSUs omits it.
    two = design("dclus2")
    one = sq.Design(dict(two._columns), clusters="dnum", fpc="fpc1")
    assert two.mean("api00").se > one.mean("api00").se


def test_fpc_per_stage_must_match_clusters() -> None:
    data = {"a": [1, 1, 2, 2], "b": [1, 2, 1, 2], "y": [1.0, 2, 3, 4], "N": [10] * 4}
    with pytest.raises(DesignError, match=r"fpc names 1 column\(s\) for 2 stage\(s\)"):
        sq.Design(data, clusters=["a", "b"], fpc=["N"])


def test_pps_needs_probabilities() -> None:
    data = {"y": [1.0, 2, 3], "p": [2.0, 3, 4]}
    with pytest.raises(DesignError, match=r"fpc column 'p' must hold inclusion probabilities"):
        sq.Design(data, fpc="p", pps="brewer")
    with pytest.raises(DesignError, match="a PPS design needs fpc="):
        sq.Design(data, pps="overton")
    with pytest.raises(ParameterError, match=r"pps must be one of \['brewer', 'overton', "):
        sq.Design(data, fpc="p", pps="sampford")  # type: ignore[arg-type]
    with pytest.raises(
        ParameterError, match=r"pps_variance must be one of \['HT', 'YG'\], got 'X'"
    ):
        sq.Design({"y": [1.0, 2], "p": [0.1, 0.2]}, fpc="p", pps="overton", pps_variance="X")  # type: ignore[arg-type]


def test_fpc_must_be_constant_within_a_unit() -> None:
    data = {"a": [1, 1, 2, 2], "b": [1, 1, 1, 2], "M": [5, 6, 4, 4], "N": [10] * 4}
    with pytest.raises(
        DesignError, match=r"fpc column 'M' must be constant within a sampling unit; row \d has"
    ):
        sq.Design(data, clusters=["a", "b"], fpc=["N", "M"])


def test_fpc_smaller_than_sample_names_the_stage() -> None:
    data = {"a": [1, 1, 2, 2], "b": [1, 2, 1, 2], "M": [1, 1, 4, 4], "N": [10] * 4}
    with pytest.raises(
        DesignError, match=r"fpc column 'M' \(stage 2\) implies 1 population units where 2"
    ):
        sq.Design(data, clusters=["a", "b"], fpc=["N", "M"])


def test_lonely_second_stage_unit() -> None:
    # PSU 2 has a single sampled SSU out of 3: no within-PSU variance can be estimated
    data = {"a": [1, 1, 2], "b": [1, 2, 1], "y": [1.0, 2.0, 4.0], "N": [10] * 3, "M": [3] * 3}
    with pytest.raises(DesignError, match=r"stratum 'unit 1' has only one sampled unit at stage 2"):
        sq.Design(data, clusters=["a", "b"], fpc=["N", "M"]).mean("y")
    d = sq.Design(data, clusters=["a", "b"], fpc=["N", "M"], lonely_psu="remove")
    with pytest.warns(DegenerateDataWarning, match="single unit at stage 2"):
        removed = d.mean("y").se
    certain = sq.Design(data, clusters=["a", "b"], fpc=["N", "M"], lonely_psu="certainty")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert certain.mean("y").se == removed


@pytest.mark.parametrize("bad", [5, ["a", 3], ("zz",)])
def test_cluster_names_must_be_columns(bad: Any) -> None:
    with pytest.raises(ValidationError, match=r"clusters column .* is not in the data"):
        sq.Design({"a": [1, 2], "y": [1.0, 2.0]}, clusters=bad)


@pytest.mark.parametrize("name", list(_INDEX_DESIGNS))
def test_index_domains_on_two_stage_and_pps_designs(
    name: str, records: Records, design: DesignOf
) -> None:
    # one domain holding every row: by= goes through the domain kernels and must give R's
    # whole-design values (the same records as above)
    base, data = design(name), _INDEX_DESIGNS[name]
    d = base.with_columns({"all": np.array(["x"] * base.n_rows, dtype=object)})
    skm = sq.Responses(sq.instruments.SKM_2017, d, _codes(data, [f"u{j}" for j in range(1, 10)], 1))
    res = sq.skm_index(skm, by="all")["x"]
    assert res.index.value == pytest.approx(records[f"skm_{name}"]["estimate"], rel=REL)
    assert res.index.se == pytest.approx(records[f"skm_{name}"]["se"], rel=REL)
    five = sq.Instrument(
        id="five",
        name="Five items",
        scale=sq.Scale(min=1, max=5),
        items=tuple(sq.Item(id=f"U{j}", text=f"Item {j}") for j in range(1, 6)),
    )
    perf = sq.Responses(five, d, _codes(data, [f"perf{j}" for j in range(1, 6)], 1))
    imp = sq.Responses(five, d, _codes(data, [f"imp{j}" for j in range(1, 6)], 1))
    csi = sq.csi(perf, imp, by="all")["x"]
    assert csi.index.value == pytest.approx(records[f"csi_{name}"]["estimate"], rel=REL)
    assert csi.index.se == pytest.approx(records[f"csi_{name}"]["se"], rel=REL)
    nps_r = sq.Responses(sq.instruments.NPS, d, _codes(data, ["nps"], 0))
    nps = sq.nps(nps_r, method="wald", by="all")["x"]
    n = d.n_rows
    assert nps.nps.value == pytest.approx(100 * records[f"nps_{name}"]["estimate"], rel=REL)
    factor = math.sqrt((n - 1) / n)
    assert nps.nps.se == pytest.approx(100 * records[f"nps_{name}"]["se"] * factor, rel=REL)
