"""ReplicateDesign against R survey's replicate designs (tests/data/replicates.json).

The JSON holds R's values, the exact R calls (and tests/data/replicates.R, the script that
made them), the data and every replicate weight column, so the tests do not need R.
Designs: JK1 and bootstrap (50 replicates, set.seed(20261128)) from
``as.svrepdesign(svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1))``, and BRR,
Fay (rho 0.3) and JKn on an 8-stratum, 2-PSU-per-stratum design of apistrat rows.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import (
    DegenerateDataWarning,
    DesignError,
    InsufficientDataError,
    ParameterError,
    ServqualTypeError,
    ValidationError,
)

REF = json.loads((Path(__file__).parent / "data" / "replicates.json").read_text())
RECORDS: dict[str, Any] = REF["records"]
REL = 1e-9  # closed forms (README of the reference values)
REL_ITERATIVE = 1e-7  # R's logit interval comes from an iterative glm fit

# R constructor arguments of each record's svrepdesign() call (record["design"]).
DESIGNS: dict[str, dict[str, Any]] = {
    "jk": {"type": "JK1", "scale": RECORDS["jk"]["scale"]},
    "jk_mse": {"type": "JK1", "scale": RECORDS["jk_mse"]["scale"], "mse": True},
    "jk_default": {"type": "JK1"},
    "bs": {"type": "bootstrap", "scale": RECORDS["bs"]["scale"]},
    "bs_default": {"type": "bootstrap"},
    "brr": {"type": "BRR"},
    "fay": {"type": "Fay", "rho": 0.3},
    "jkn": {"type": "JKn", "rscales": RECORDS["jkn"]["rscales"]},
}
CLUSTER = ["jk", "jk_mse", "jk_default", "bs", "bs_default"]


def _design(name: str) -> sq.ReplicateDesign:
    rec = RECORDS[name]
    data = rec.get("data") or REF["bs_data" if name.startswith("bs") else "jk_data"]
    reps = [c for c in data if c.startswith("rw")]
    return sq.ReplicateDesign(data, weights="pw", replicate_weights=reps, **DESIGNS[name])


def _check(est: sq.Estimate, ref: dict[str, Any], j: int | None = None, rel: float = REL) -> None:
    def pick(v: Any) -> float:
        return float(v if j is None else v[j])

    assert est.value == pytest.approx(pick(ref["estimate"]), rel=rel)
    assert est.se == pytest.approx(pick(ref["se"]), rel=rel)
    assert est.df == ref["df"]
    assert est.ci.low == pytest.approx(pick(ref["ci95"]["lower"]), rel=rel)
    assert est.ci.high == pytest.approx(pick(ref["ci95"]["upper"]), rel=rel)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_scales_and_df(name: str) -> None:
    # R: des$scale, des$rscales, degf(des) of the record's svrepdesign() call
    d, rec = _design(name), RECORDS[name]
    assert d.scale == pytest.approx(rec["scale"], rel=1e-12)
    assert d.rscales == pytest.approx(np.broadcast_to(rec["rscales"], (d.n_replicates,)))
    assert d.df == rec["degf"]


@pytest.mark.parametrize("name", list(DESIGNS))
def test_mean_total_ratio(name: str) -> None:
    d, rec = _design(name), RECORDS[name]
    _check(d.mean("api00"), rec["mean_api00"])  # R: svymean(~api00, des)
    _check(d.total("enroll"), rec["total_enroll"])  # R: svytotal(~enroll, des)
    _check(d.ratio("api.stu", "enroll"), rec["ratio"])  # R: svyratio(~api.stu, ~enroll, des)


@pytest.mark.parametrize("name", CLUSTER)
def test_missing_values_as_domain(name: str) -> None:
    # R: svymean(~api99_na, des, na.rm=TRUE); confint(., df=degf(des))
    _check(_design(name).mean("api99_na", na="domain"), RECORDS[name]["mean_api99_na"])


@pytest.mark.parametrize("name", CLUSTER)
@pytest.mark.parametrize("method", ["mean", "xlogit", "asin", "beta", "logit"])
def test_svyciprop(name: str, method: Any) -> None:
    # R: svyciprop(~I(sch.wide=='Yes'), des, method=method)
    ref = RECORDS[name][f"ciprop_{method}"]
    est = _design(name).proportion("sch.wide", "Yes", method=method)
    _check(est, ref, rel=REL_ITERATIVE if method == "logit" else REL)
    assert est.ci.method == ("replicate-logit" if method == "logit" else method)


@pytest.mark.parametrize("name", ["brr", "fay", "jkn"])
def test_svyciprop_mean_small_design(name: str) -> None:
    # R: svyciprop(~I(sch.wide=='Yes'), des, method='mean')
    _check(_design(name).proportion("sch.wide", "Yes", method="mean"), RECORDS[name]["ciprop_mean"])


def _check_by(res: dict[str, sq.Estimate], ref: dict[str, Any], clip: bool = False) -> None:
    assert list(res) == ref["domains"]
    if clip:  # servqual clips proportion bounds to [0, 1] (as Design does); R's are not
        ci = {k: np.clip(v, 0.0, 1.0).tolist() for k, v in ref["ci95"].items()}
        ref = {**ref, "ci95": ci}
    for j, key in enumerate(ref["domains"]):
        _check(res[key], ref, j)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_svyby_mean(name: str) -> None:
    # R: svyby(~api00, ~stype, des, svymean); confint(., df=degf(des))
    _check_by(_design(name).by("stype").mean("api00"), RECORDS[name]["by_mean"])


@pytest.mark.parametrize("name", CLUSTER)
def test_svyby_total_ratio_proportion(name: str) -> None:
    rec, by = RECORDS[name], _design(name).by("stype")
    _check_by(by.total("enroll"), rec["by_total"])  # R: svyby(~enroll, ~stype, des, svytotal)
    # R: svyby(~api.stu, ~stype, des, svyratio, denominator=~enroll)
    _check_by(by.ratio("api.stu", "enroll"), rec["by_ratio"])
    # R: svyby(~I(as.numeric(sch.wide=='Yes')), ~stype, des, svymean); confint(df=degf(des))
    _check_by(by.proportion("sch.wide", "Yes", method="mean"), rec["by_prop"], clip=True)


def test_mse_differs_from_centred() -> None:
    # R: mse=TRUE centres at the full-sample estimate, so its SE is at least the other's
    assert RECORDS["jk_mse"]["mean_api00"]["se"] > RECORDS["jk"]["mean_api00"]["se"]
    assert _design("jk_mse").mean("api00").se > _design("jk").mean("api00").se


def _slow_mean(y: np.ndarray, w: np.ndarray, reps: np.ndarray, scale: float) -> tuple[float, float]:
    """The obvious loop: one weighted mean per replicate, then R's svrVar (mse=FALSE)."""
    thetas = [float(np.sum(reps[:, r] * y) / np.sum(reps[:, r])) for r in range(reps.shape[1])]
    centre = sum(thetas) / len(thetas)
    var = scale * sum((t - centre) ** 2 for t in thetas)
    return float(np.sum(w * y) / np.sum(w)), var**0.5


@st.composite
def _rep_data(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(3, 20))
    n_rep = draw(st.integers(2, 8))
    floats = st.floats(0.5, 10.0)
    y = np.array(draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), dtype=float)
    w = np.array(draw(st.lists(floats, min_size=n, max_size=n)))
    reps = np.array(draw(st.lists(floats, min_size=n * n_rep, max_size=n * n_rep)))
    return y, w, reps.reshape(n, n_rep)


def _make(y: np.ndarray, w: np.ndarray, reps: np.ndarray) -> sq.ReplicateDesign:
    cols = {f"r{j}": reps[:, j] for j in range(reps.shape[1])}
    return sq.ReplicateDesign(
        {"y": y, "x": y + 1.0, "w": w, "ok": y >= 4, **cols},
        weights="w",
        replicate_weights=list(cols),
    )


@settings(max_examples=60, deadline=None)
@given(_rep_data())
def test_matrix_path_equals_loop(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    # Source: the definition of the replicate variance (R survey's svrVar), written as a loop.
    y, w, reps = data
    with warnings.catch_warnings():  # equal replicate columns: df 0, NaN interval
        warnings.simplefilter("ignore", DegenerateDataWarning)
        est = _make(y, w, reps).mean("y")
    value, se = _slow_mean(y, w, reps, 1.0 / (reps.shape[1] - 1))
    assert est.value == pytest.approx(value, rel=1e-12)
    assert est.se == pytest.approx(se, rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(_rep_data(), st.floats(1e-3, 1e3))
def test_scaling_all_weights_changes_no_mean(
    data: tuple[np.ndarray, np.ndarray, np.ndarray], c: float
) -> None:
    y, w, reps = data
    a, b = _make(y, w, reps), _make(y, c * w, c * reps)
    with warnings.catch_warnings():  # degenerate draws (df 0, share 0 or 1) warn; fine here
        warnings.simplefilter("ignore", DegenerateDataWarning)
        pairs = [(a.mean("y"), b.mean("y")), (a.ratio("y", "x"), b.ratio("y", "x"))]
        pa, pb = a.proportion("ok", True, method="mean"), b.proportion("ok", True, method="mean")
    for est_a, est_b in pairs:
        assert est_b.value == pytest.approx(est_a.value, rel=1e-9)
        assert est_b.se == pytest.approx(est_a.se, rel=1e-9, abs=1e-12)
    assert pb.value == pytest.approx(pa.value, rel=1e-9, abs=1e-15)
    assert pb.se == pytest.approx(pa.se, rel=1e-9, abs=1e-12)


# --- validation and degenerate cases ---------------------------------------------------
BASE: dict[str, Any] = {"y": [1.0, 2, 3, 4], "w": [1.0] * 4, "r1": [2.0, 0, 1, 1]}
BASE["r2"] = [0.0, 1, 2, 1]


def _build(**kwargs: Any) -> sq.ReplicateDesign:
    args: dict[str, Any] = {"weights": "w", "replicate_weights": ["r1", "r2"]}
    args.update(kwargs)
    data = args.pop("data", BASE)
    return sq.ReplicateDesign(data, **args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"replicate_weights": ["r1", "rw9"]}, ValidationError, r"column\(s\) \['rw9'\] not in"),
        ({"replicate_weights": ["r1"]}, DesignError, "at least 2 replicate weight columns, got 1"),
        ({"replicate_weights": "r1"}, ServqualTypeError, "must be a list of column names"),
        ({"weights": "pw"}, ValidationError, "weights column 'pw' is not in the data"),
        (
            {"type": "jk1"},
            ParameterError,
            r"\['bootstrap', 'JK1', 'JKn', 'BRR', 'Fay'\], got 'jk1'",
        ),
        ({"type": "Fay"}, ParameterError, "type='Fay' needs rho"),
        ({"type": "Fay", "rho": 1.0}, ParameterError, r"rho must lie in \(0, 1\).*got 1.0"),
        ({"type": "JK1", "rho": 0.5}, ParameterError, "rho is only used with type='Fay'"),
        ({"type": "BRR", "scale": 0.5}, ParameterError, "type='BRR' fixes the scale"),
        ({"type": "JKn"}, ParameterError, "type='JKn' needs rscales"),
        (
            {"rscales": [1.0, 1, 1]},
            ParameterError,
            r"rscales has 3 values, expected 1 or one per replicate \(2\)",
        ),
        ({"scale": -1.0}, ParameterError, "scale must be a positive number, got -1.0"),
    ],
)
def test_invalid_designs(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        _build(**kwargs)


def test_bad_replicate_weight_values_name_column_and_row() -> None:
    negative = {**BASE, "r2": [0.0, -1.0, 2, 1]}
    with pytest.raises(DesignError, match="column 'r2' must be finite and non-negative; row 1"):
        _build(data=negative)
    missing = {**BASE, "r1": [2.0, 0, float("nan"), 1]}
    with pytest.raises(DesignError, match="replicate weight column 'r1' is missing in row 2"):
        _build(data=missing)


def test_na_fail_bad_method_and_interval() -> None:
    d = _design("jk")
    with pytest.raises(ValidationError, match=r"'api99_na' has a missing .* in row 4"):
        d.mean("api99_na")
    with pytest.raises(ParameterError, match=r"method must be one of \['logit', 'xlogit'"):
        d.proportion("sch.wide", "Yes", method="wilson")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"interval must be one of \['t', 'normal'\]"):
        d.mean("api00", interval="z")  # type: ignore[arg-type]


def test_replicate_logit_cannot_be_recomputed_without_data() -> None:
    est = _design("jk").proportion("sch.wide", "Yes")
    with pytest.raises(ParameterError, match="'replicate-logit' cannot be recomputed"):
        est.at_level(0.9)
    assert (
        _design("jk").proportion("sch.wide", "Yes", method="xlogit").at_level(0.9).ci.level == 0.9
    )


def test_zero_denominators_raise() -> None:
    zero = {**BASE, "x": [0.0] * 4, "g": list("aabb"), "w": [1.0, 1, 0, 0]}
    with pytest.raises(InsufficientDataError, match="denominator total is zero in the design"):
        _build(data=zero).ratio("y", "x")
    with pytest.raises(InsufficientDataError, match="domain 'b' has no rows with a value"):
        _build(data=zero).by("g").mean("y")


def test_normal_interval_has_no_df() -> None:
    est = _design("jk").mean("api00", interval="normal")
    assert est.df is None
    assert est.ci.method == "normal"


def test_domain_without_weight_in_a_replicate_is_left_out() -> None:
    # JK1 dropping the only row of domain "b" leaves that replicate undefined (R svrVar
    # drops NA replicates with a warning).
    jk = {f"r{i}": [0.0 if j == i else 4 / 3 for j in range(4)] for i in range(4)}
    d = sq.ReplicateDesign(
        {"y": [1.0, 2, 3, 4], "g": list("aaab"), "w": [1.0] * 4, **jk},
        weights="w",
        replicate_weights=list(jk),
        type="JK1",
    )
    with pytest.warns(DegenerateDataWarning, match="1 replicate"):
        res = d.by("g").mean("y")
    assert res["b"].se == 0.0
    assert res["a"].value == 2.0


def test_rank_deficient_replicates_warn_with_zero_df() -> None:
    d = _build(data={**BASE, "r2": BASE["r1"]})
    assert d.df == 0.0
    with pytest.warns(DegenerateDataWarning, match="0 degrees of freedom"):
        est = d.mean("y")
    assert np.isnan(est.ci.low)


def test_properties_and_repr() -> None:
    d = _design("bs")
    assert d.n_rows == 183
    assert d.n_replicates == 50
    assert d.replicate_weights.shape == (183, 50)
    assert not d.weights.flags.writeable
    assert "api00" in d.columns
    assert repr(d).startswith("ReplicateDesign(n=183, replicates=50, type='bootstrap'")
    assert "domains=['E', 'H', 'M']" in repr(d.by("stype"))
