"""Service-quality indices against R ``survey``, with weights, strata, clusters and gaps.

Reference values in tests/data/indices_r.json were computed once with R (script
tests/data/indices_r.R; R and survey versions and the exact calls are in the file) on a
synthetic survey of 48 respondents under two designs:

- ``strat``: ``svydesign(ids=~1, strata=~stratum, weights=~w, fpc=~fpc)``;
- ``clus``: ``svydesign(ids=~psu, strata=~stratum, weights=~w)`` (12 PSUs in 3 strata);
- ``clusfpc``: the same with ``fpc=~npsu`` (population PSUs per stratum);
- ``post``: ``clus`` post-stratified on the group column (``postStratify``), so every
  variance is that of the calibration residuals.

Missing answers are domains of the full design: an item mean is the ratio of the
``svytotal`` of the answers (0 when missing) to that of the answered indicator, which is
``svymean(~x, des, na.rm=TRUE)``; dimension and overall figures and the CSI are
``svycontrast`` expressions of those totals (delta method); group comparisons are the
difference of two domains on the full design (``svycontrast`` on domain totals, or
``svyby(..., covmat=TRUE)`` + ``svycontrast``). Intervals are t on ``degf(des)``.
The tests do not need R.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import servqual as sq

DATA = json.loads((Path(__file__).parents[1] / "data" / "indices_r.json").read_text())
COLS: dict[str, list[Any]] = DATA["data"]
REF: dict[str, dict[str, Any]] = DATA["reference"]
DESIGNS = ("strat", "clus", "clusfpc", "post")
REL = 1e-9  # closed-form linearization
REL_ITER = 1e-7  # svyciprop's logit interval (an iteratively fitted svyglm)
N_ROWS = len(COLS["w"])

SQ_INST = sq.Instrument(
    id="sq6",
    name="Six-item SERVQUAL",
    scale=sq.Scale(min=1, max=7),
    items=tuple(
        sq.Item(id=f"Q{j}", text=f"Item {j}", dimension=dim, reverse=(j == 6))
        for j, dim in enumerate(("tang", "tang", "reli", "reli", "resp", "resp"), start=1)
    ),
)
FIVE = sq.Instrument(
    id="five",
    name="Five counter items",
    scale=sq.Scale(min=1, max=5),
    items=tuple(sq.Item(id=f"U{j}", text=f"Item {j}") for j in range(1, 6)),
)


def _col(name: str) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in COLS[name]], dtype=np.float64)


def _responses(design: str, instrument: sq.Instrument, names: list[str]) -> sq.Responses:
    scores = np.column_stack([_col(c) for c in names])
    kwargs: dict[str, Any] = {
        "weights": np.asarray(COLS["w"]),
        "strata": np.asarray(COLS["stratum"]),
    }
    if design == "strat":
        kwargs["fpc"] = np.asarray(COLS["fpc"], dtype=np.float64)
    else:
        kwargs["clusters"] = np.asarray(COLS["psu"])
    if design == "clusfpc":
        kwargs["fpc"] = np.asarray(COLS["npsu"], dtype=np.float64)
    responses = sq.Responses.from_arrays(
        scores, instrument, attributes={"grp": np.asarray(COLS["grp"])}, **kwargs
    )
    if design == "post":
        # R: postStratify(des, ~grp, data.frame(grp=c("A", "B"), Freq=c(420, 380)))
        calibrated = responses.design.poststratify("grp", {"A": 420.0, "B": 380.0})
        return sq.Responses(instrument, calibrated, responses.codes)
    return responses


def _servqual_forms(design: str) -> tuple[sq.Responses, sq.Responses]:
    p = _responses(design, SQ_INST, [f"P{j}" for j in range(1, 7)])
    e = _responses(design, SQ_INST, [f"E{j}" for j in range(1, 7)])
    return p, e


def _csi_forms(design: str) -> tuple[sq.Responses, sq.Responses]:
    perf = _responses(design, FIVE, [f"perf{j}" for j in range(1, 6)])
    imp = _responses(design, FIVE, [f"imp{j}" for j in range(1, 6)])
    return perf, imp


def _points() -> np.ndarray:
    return np.column_stack([np.asarray(COLS[f"pts{d}"], dtype=np.float64) for d in (1, 2, 3)])


def _at(ref: dict[str, Any], key: str, i: int) -> float:
    return float(np.atleast_1d(ref[key])[i])


def _check(est: sq.Estimate, ref: dict[str, Any], i: int = 0, *, scale: float = 1.0) -> None:
    """Value, SE, t interval and df of ``est`` equal R's (times ``scale``)."""
    assert est.value == pytest.approx(scale * _at(ref, "estimate", i), rel=REL, abs=1e-12)
    assert est.se == pytest.approx(scale * _at(ref, "se", i), rel=REL)
    assert est.ci.low == pytest.approx(scale * _at(ref, "ci_low", i), rel=REL, abs=1e-12)
    assert est.ci.high == pytest.approx(scale * _at(ref, "ci_high", i), rel=REL, abs=1e-12)
    assert est.df == ref["df"]


def _check_comparison(comp: Any, ref: dict[str, Any], *, scale: float = 1.0) -> None:
    """A group difference ``A − B`` on the full design equals R's svycontrast."""
    assert comp.method == "linearization"
    _check(comp.difference, ref, scale=scale)
    assert comp.p_value == pytest.approx(float(ref["p_value"]), rel=REL)
    if "svyby" in ref:  # R: svyby(..., covmat=TRUE) + svycontrast gives the same numbers
        assert comp.difference.value == pytest.approx(scale * ref["svyby"]["estimate"], rel=REL)
        assert comp.difference.se == pytest.approx(scale * ref["svyby"]["se"], rel=REL)


# --- SERVQUAL and SERVPERF -------------------------------------------------------------


@pytest.mark.parametrize("design", DESIGNS)
def test_servqual_item_gaps(design: str) -> None:
    # R: svycontrast(svytotal(~y_g1+a_g1+..., des), y_gj/a_gj), gap over the respondents
    # who answered both forms; item 6 reverse-scored (8 − x) on both forms.
    ref = REF[design]
    result = sq.servqual_gaps(*_servqual_forms(design))
    assert isinstance(result, sq.ServqualResult)
    for j, item in enumerate(result.items.values()):
        _check(item, ref["servqual_items"], j)
        # R: svymean(~gap, update(des, gap=G[, j]), na.rm=TRUE) — the same figure
        alt = ref["servqual_items_svymean"][j]
        assert item.value == pytest.approx(alt["estimate"], rel=REL)
        assert item.se == pytest.approx(alt["se"], rel=REL)


@pytest.mark.parametrize("design", DESIGNS)
def test_servqual_dimensions_overall_and_weighted(design: str) -> None:
    # R: svycontrast of the item ratios: dimension = mean of its item gaps, overall =
    # mean of the dimension gaps; weighted: svymean(~S, des, na.rm=TRUE) with
    # S = Σ_d pts_d/100 × the respondent's mean gap on d (respondent 20 has no pair on
    # one dimension, so no S).
    ref = REF[design]
    result = sq.servqual_gaps(*_servqual_forms(design), importance_points=_points())
    assert isinstance(result, sq.ServqualResult)
    assert list(result.dimensions) == ["tang", "reli", "resp"]
    for d, est in enumerate(result.dimensions.values()):
        _check(est, ref["servqual_dimensions"], d)
    _check(result.overall, ref["servqual_overall"])
    assert result.weighted is not None
    _check(result.weighted, ref["servqual_weighted"])
    assert result.weighted.n == N_ROWS - 1


@pytest.mark.parametrize("design", DESIGNS)
def test_servqual_group_comparison(design: str) -> None:
    # R: svycontrast(svytotal(~y_gj_A+a_gj_A+...+y_gj_B+a_gj_B, des), overall_A − overall_B)
    ref = REF[design]["servqual_compare"]
    forms = _servqual_forms(design)
    comp = sq.servqual_compare(*forms, by="grp", groups=("A", "B"))
    _check_comparison(comp, ref)
    _check(comp.first, ref["first"])
    _check(comp.second, ref["second"])
    by = sq.servqual_gaps(*forms, by="grp")  # domains of the full design, as svyby
    assert isinstance(by, dict)
    _check(by["A"].overall, ref["first"])
    _check(by["B"].overall, ref["second"])


@pytest.mark.parametrize("design", DESIGNS)
def test_servperf_dimensions_overall_and_groups(design: str) -> None:
    # R: svycontrast of the perception item ratios (item 6 as 8 − x); groups as above
    ref = REF[design]
    p, _ = _servqual_forms(design)
    result = sq.servperf(p)
    assert isinstance(result, sq.ServperfResult)
    for d, est in enumerate(result.dimensions.values()):
        _check(est, ref["servperf_dimensions"], d)
    _check(result.overall, ref["servperf_overall"])
    comp = sq.servperf_compare(p, by="grp", groups=("A", "B"))
    _check_comparison(comp, ref["servperf_compare"])
    _check(comp.first, ref["servperf_compare"]["first"])
    by = sq.servperf(p, by="grp")
    assert isinstance(by, dict)
    _check(by["B"].overall, ref["servperf_compare"]["second"])


# --- CSI and IPA -----------------------------------------------------------------------


@pytest.mark.parametrize("design", DESIGNS)
def test_csi_with_missing_answers(design: str) -> None:
    # R: svycontrast(svytotal(~y_perfj+a_perfj+y_impj+a_impj, des),
    #                100 Σ MIS_j MSS_j / Σ MIS_j / 5), MIS_j = y_impj/a_impj, ...
    ref = REF[design]
    result = sq.csi(*_csi_forms(design))
    assert isinstance(result, sq.CSIResult)
    _check(result.index, ref["csi"])
    for j, item in enumerate(result.items):
        _check(item.mss, ref["ipa_performance"][j])
        _check(item.mis, ref["ipa_importance"][j])


@pytest.mark.parametrize("design", DESIGNS)
def test_csi_group_comparison(design: str) -> None:
    # R: svycontrast on the domain totals of both groups: CSI_A − CSI_B
    ref = REF[design]["csi_compare"]
    forms = _csi_forms(design)
    comp = sq.csi_compare(*forms, by="grp", groups=("A", "B"))
    _check_comparison(comp, ref)
    _check(comp.first, ref["first"])
    _check(comp.second, ref["second"])
    by = sq.csi(*forms, by="grp")
    assert isinstance(by, dict)
    _check(by["A"].index, ref["first"])
    _check(by["B"].index, ref["second"])


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("crosshair", ["data", "scale", "median"])
def test_ipa_means_intervals_and_quadrants(design: str, crosshair: str) -> None:
    # R: confint(svymean(~perfj, des, na.rm=TRUE), df=degf(des)) and the same for imp;
    # quadrants and clarity recomputed here by hand from R's means and intervals.
    ref = REF[design]
    result = sq.ipa(*_csi_forms(design), crosshair=crosshair)  # type: ignore[arg-type]
    assert isinstance(result, sq.IPAResult)
    perf = [r["estimate"] for r in ref["ipa_performance"]]
    imp = [r["estimate"] for r in ref["ipa_importance"]]
    lines = {
        "data": (float(np.mean(imp)), float(np.mean(perf))),
        "scale": (3.0, 3.0),
        "median": (float(np.median(imp)), float(np.median(perf))),
    }[crosshair]
    assert result.importance_line == pytest.approx(lines[0], rel=REL)
    assert result.performance_line == pytest.approx(lines[1], rel=REL)
    names = {(True, False): "I", (True, True): "II", (False, False): "III", (False, True): "IV"}
    for j, item in enumerate(result.items):
        ri, rp = ref["ipa_importance"][j], ref["ipa_performance"][j]
        _check(item.performance, rp)
        _check(item.importance, ri)
        assert item.quadrant == names[(imp[j] >= lines[0], perf[j] >= lines[1])]
        contains_i = ri["ci_low"] <= lines[0] <= ri["ci_high"]
        contains_p = rp["ci_low"] <= lines[1] <= rp["ci_high"]
        assert item.clear is not (contains_i or contains_p)
        assert item.conformity == pytest.approx(100 * perf[j] / imp[j], rel=REL)
    assert result.conformity == pytest.approx(100 * sum(perf) / sum(imp), rel=REL)


# --- CSAT and CES ----------------------------------------------------------------------


def _single(design: str, instrument: sq.Instrument, name: str) -> sq.Responses:
    return _responses(design, instrument, [name])


@pytest.mark.parametrize("design", DESIGNS)
def test_csat_top_box_and_mean(design: str) -> None:
    # R: svyciprop(~I(csat >= 4), subset(des, !is.na(csat)), method="logit"/"mean",
    #              df=degf(des)); mean: svymean(~csat, des, na.rm=TRUE). servqual: percent.
    ref = REF[design]
    responses = _single(design, sq.instruments.CSAT, "csat")
    result = sq.csat(responses)
    assert isinstance(result, sq.CSATResult)
    logit = ref["csat_logit"]
    assert result.top_box.value == pytest.approx(100 * logit["estimate"], rel=REL)
    assert result.top_box.se == pytest.approx(100 * logit["se"], rel=REL)
    assert result.top_box.ci.low == pytest.approx(100 * logit["ci_low"], rel=REL_ITER)
    assert result.top_box.ci.high == pytest.approx(100 * logit["ci_high"], rel=REL_ITER)
    assert result.top_box.df == logit["df"]
    mean_method = sq.csat(responses, method="mean")
    assert isinstance(mean_method, sq.CSATResult)
    _check(mean_method.top_box, ref["csat_mean_method"], scale=100.0)
    _check(result.mean, ref["csat_answer_mean"])


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("method", ["asin", "xlogit", "beta"])
def test_csat_other_share_intervals(design: str, method: str) -> None:
    # R: svyciprop(~I(csat >= 4), subset(des, !is.na(csat)), method=<method>, df=degf(des))
    ref = REF[design]
    result = sq.csat(_single(design, sq.instruments.CSAT, "csat"), method=method)  # type: ignore[arg-type]
    assert isinstance(result, sq.CSATResult)
    r = ref[f"csat_{method}"]
    assert result.top_box.value == pytest.approx(100 * r["estimate"], rel=REL)
    assert result.top_box.se == pytest.approx(100 * r["se"], rel=REL)
    if method == "beta":
        # svyciprop's beta ignores df= and takes nrow() and degf() of the subset design
        # (degf 43, not 45, on "strat" where two rows are missing; nrow 48 on "post",
        # whose subset keeps the zero-weight rows); servqual uses the answered count and
        # the full design's df, as for every other interval: R's beta formula with those.
        r = ref["csat_beta_full_df"]
        r_default = ref["csat_beta"]
        if (r_default["degf_subset"], r_default["rows"]) == (ref["df"], r["rows"]):
            assert r_default["ci_low"] == pytest.approx(r["ci_low"], rel=REL)
            assert r_default["ci_high"] == pytest.approx(r["ci_high"], rel=REL)
    assert result.top_box.ci.low == pytest.approx(100 * r["ci_low"], rel=REL)
    assert result.top_box.ci.high == pytest.approx(100 * r["ci_high"], rel=REL)


@pytest.mark.parametrize("design", DESIGNS)
def test_csat_group_comparison(design: str) -> None:
    # R: svycontrast(svyby(~top2, ~grp, subset(des, !is.na(top2)), svymean, covmat=TRUE),
    #                c(A=1, B=-1)); servqual in percentage points
    ref = REF[design]["csat_compare"]
    responses = _single(design, sq.instruments.CSAT, "csat")
    comp = sq.csat_compare(responses, by="grp", groups=("A", "B"))
    _check_comparison(comp, ref, scale=100.0)
    by = sq.csat(responses, by="grp")
    assert isinstance(by, dict)
    groups = ref["groups"]
    for est, top_box, value, se in zip(
        (comp.first, comp.second),
        (by["A"].top_box, by["B"].top_box),
        groups["estimate"],
        groups["se"],
        strict=True,
    ):
        for e in (est, top_box):
            assert e.value == pytest.approx(100 * value, rel=REL)
            assert e.se == pytest.approx(100 * se, rel=REL)


@pytest.mark.parametrize("design", DESIGNS)
def test_ces_mean_low_effort_and_groups(design: str) -> None:
    # R: svymean(~ces, des, na.rm=TRUE); svyciprop(~I(ces >= 5), subset(des, !is.na(ces)),
    # method="logit", df=degf(des)); groups: svyby + svycontrast on the mean.
    ref = REF[design]
    responses = _single(design, sq.instruments.CES, "ces")
    result = sq.ces(responses)
    assert isinstance(result, sq.CESResult)
    _check(result.mean, ref["ces_mean"])
    low = ref["ces_low_effort"]
    assert result.low_effort.value == pytest.approx(100 * low["estimate"], rel=REL)
    assert result.low_effort.se == pytest.approx(100 * low["se"], rel=REL)
    assert result.low_effort.ci.low == pytest.approx(100 * low["ci_low"], rel=REL_ITER)
    assert result.low_effort.ci.high == pytest.approx(100 * low["ci_high"], rel=REL_ITER)
    comp = sq.ces_compare(responses, by="grp", groups=("A", "B"))
    _check_comparison(comp, ref["ces_compare"])
    for est, value, se in zip(
        (comp.first, comp.second),
        ref["ces_compare"]["groups"]["estimate"],
        ref["ces_compare"]["groups"]["se"],
        strict=True,
    ):
        assert est.value == pytest.approx(value, rel=REL)
        assert est.se == pytest.approx(se, rel=REL)


# --- NPS -------------------------------------------------------------------------------


@pytest.mark.parametrize("design", DESIGNS)
def test_nps_under_design_documented_divisor(design: str) -> None:
    # R: svymean(~nps_score, des, na.rm=TRUE). servqual (documented in nps.py): NPS on
    # −100…100, design variance × (N − 1)/N with N the design's rows (textbook divisor).
    ref = REF[design]
    responses = _single(design, sq.instruments.NPS, "nps")
    wald = sq.nps(responses, method="wald")
    assert isinstance(wald, sq.NPSResult)
    factor = math.sqrt((N_ROWS - 1) / N_ROWS)
    assert wald.nps.value == pytest.approx(100 * ref["nps"]["estimate"], rel=REL)
    assert wald.nps.se == pytest.approx(100 * ref["nps"]["se"] * factor, rel=REL)
    # R: svymean(~pro + det, subset(des, !is.na(nps))): weighted shares
    p_pro, p_det = ref["nps_shares"]["estimate"]
    assert wald.promoters == pytest.approx(100 * p_pro, rel=REL)
    assert wald.detractors == pytest.approx(100 * p_det, rel=REL)
    var1 = (p_pro + p_det) - (p_pro - p_det) ** 2
    assert wald.trinomial_variance == pytest.approx(var1, rel=REL)
    # adjusted Wald (documented): deff = design var / (Var/n); se = 100 √(deff Var(p̃)/(n+3))
    n = wald.n
    deff = (wald.nps.se / 100) ** 2 / (var1 / n)
    pa, da = (n * p_pro + 0.75) / (n + 3), (n * p_det + 0.75) / (n + 3)
    adjusted = sq.nps(responses)
    assert isinstance(adjusted, sq.NPSResult)
    var_adj = (pa + da) - (pa - da) ** 2
    assert adjusted.nps.se == pytest.approx(100 * math.sqrt(deff * var_adj / (n + 3)), rel=REL)
    assert adjusted.nps.value == wald.nps.value


@pytest.mark.parametrize("design", DESIGNS)
def test_nps_group_comparison(design: str) -> None:
    # R: svycontrast(svyby(~nps_score, ~grp, subset(des, !is.na(nps_score)), svymean,
    # covmat=TRUE), c(A=1, B=-1)): the difference uses R's design variance (documented);
    # each group's own SE carries the textbook factor √((N − 1)/N).
    ref = REF[design]["nps_compare"]
    responses = _single(design, sq.instruments.NPS, "nps")
    comp = sq.nps_compare(responses, by="grp", groups=("A", "B"))
    _check_comparison(comp, ref, scale=100.0)
    by = sq.nps(responses, by="grp", method="wald")
    assert isinstance(by, dict)
    factor = math.sqrt((N_ROWS - 1) / N_ROWS)
    for est, res, value, se in zip(
        (comp.first, comp.second),
        (by["A"], by["B"]),
        ref["groups"]["estimate"],
        ref["groups"]["se"],
        strict=True,
    ):
        for e in (est, res.nps):
            assert e.value == pytest.approx(100 * value, rel=REL)
            assert e.se == pytest.approx(100 * se * factor, rel=REL)
