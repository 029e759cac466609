"""SKM/IKM index: R survey reference cases, an independent t interval, domain formulas,
grade boundaries, invariants (hypothesis) and error messages."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import servqual as sq
from servqual.errors import (
    DegenerateDataWarning,
    DesignError,
    InsufficientDataError,
    ItemError,
    ParameterError,
    ScaleError,
    ServqualTypeError,
    ValidationError,
)
from servqual.indices.grades import grade_of, label_of
from servqual.instruments import IKM_2004, SKM_2017

REL = 1e-9
INSTRUMENTS = {"SKM_2017": SKM_2017, "IKM_2004": IKM_2004}
DESIGN_ARGS = ("weights", "strata", "clusters", "fpc")


def make_responses(
    scores: Sequence[Sequence[int | None]],
    instrument: sq.Instrument = SKM_2017,
    columns: dict[str, Any] | None = None,
    **design: str,
) -> sq.Responses:
    """Answers (1–4, None = missing) → Responses over a Design of ``columns``."""
    arr = np.array([[-1 if s is None else s - 1 for s in row] for row in scores], dtype=np.int8)
    data = {"row": np.arange(len(scores))} if columns is None else columns
    return sq.Responses(instrument, sq.Design(data, **design), arr)


def quiet_skm(responses: sq.Responses, **kwargs: Any) -> Any:
    """skm_index ignoring the zero-variance warning (hypothesis draws constant data)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        return sq.skm_index(responses, **kwargs)


# --- R survey reference cases --------------------------------------------------------------


def _cases(reference: Any) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = reference("skm_examples.json")["cases"]
    return cases


@pytest.mark.parametrize("mode", ["exact", "regulation"])
@pytest.mark.parametrize("case_no", range(6))
def test_matches_r_survey(reference: Any, case_no: int, mode: str) -> None:
    # Source: skm_examples.json (R survey 4.1.1: svytotal + svycontrast, confint df = degf).
    case = _cases(reference)[case_no]
    design = case["design"] or {}
    columns = {k: np.asarray(v) for k, v in design.items()} or None
    kwargs = {k: k for k in DESIGN_ARGS if k in design}
    responses = make_responses(case["scores"], INSTRUMENTS[case["instrument"]], columns, **kwargs)
    exp = case["expected"]
    with warnings.catch_warnings():
        if exp[mode]["se"] == 0:  # the all-4 case: legal, but warned about
            warnings.simplefilter("ignore", DegenerateDataWarning)
        res = sq.skm_index(responses, level=case["level"], weights=mode)
    ref = exp[mode]
    idx = res.index
    assert res.n == exp["n"] == idx.n
    assert idx.value == pytest.approx(ref["value"], rel=REL)
    assert idx.se == pytest.approx(ref["se"], rel=REL, abs=1e-12)
    assert idx.df == ref["df"]
    assert idx.ci.low == pytest.approx(ref["ci_low"], rel=REL)
    assert idx.ci.high == pytest.approx(ref["ci_high"], rel=REL)
    assert idx.ci.level == case["level"]
    assert idx.ci.method == "t"
    assert res.grade == ref["grade"]
    assert res.label == label_of(ref["grade"])
    assert [e.code for e in res.elements] == list(exp["nrr"])
    for element in res.elements:
        assert element.nrr == pytest.approx(exp["nrr"][element.code], rel=REL)
        assert element.converted == pytest.approx(25 * exp["nrr"][element.code], rel=REL)


def test_all_four_warns_zero_width(reference: Any) -> None:
    # skm_examples.json case "two respondents, all answers 4": se 0 in R too.
    responses = make_responses(_cases(reference)[0]["scores"])
    with pytest.warns(DegenerateDataWarning, match="standard error 0.*zero width"):
        res = sq.skm_index(responses)
    assert res.index.se == 0.0
    assert res.index.ci.width == 0.0
    assert res.index.value == pytest.approx(100.0, rel=1e-12)


def test_missing_answer_counts(reference: Any) -> None:
    # skm_examples.json case "12 respondents, 7 missing answers": per-element denominators.
    scores = _cases(reference)[3]["scores"]
    res = sq.skm_index(make_responses(scores))
    answered = [sum(row[j] is not None for row in scores) for j in range(9)]
    assert [e.n for e in res.elements] == answered == [12, 12, 10, 12, 12, 11, 11, 10, 11]
    assert res.n == 12


def test_regulation_weights_are_the_printed_ones() -> None:
    # skm.md: the regulation prints 0.111 (9 elements) and 0.071 (14 elements).
    res9 = sq.skm_index(make_responses([[4] * 9, [3] * 9]), weights="regulation")
    res14 = sq.skm_index(make_responses([[4] * 14, [3] * 14], IKM_2004), weights="regulation")
    assert {e.weight for e in res9.elements} == {0.111}
    assert {e.weight for e in res14.elements} == {0.071}
    # ... and agree with the weight the built-in instruments record as printed.
    assert float(SKM_2017.metadata["regulation_weight"]) == 0.111
    assert float(IKM_2004.metadata["regulation_weight"]) == 0.071
    exact = sq.skm_index(make_responses([[4] * 9, [3] * 9]))
    assert {e.weight for e in exact.elements} == {1 / 9}
    # Closed form: 25 × 0.111 × Σ NRR = 25 × 0.111 × 9 × 3.5 (skm.md, Formula).
    assert res9.index.value == pytest.approx(25 * 0.111 * 9 * 3.5, rel=1e-12)
    assert exact.weights_mode == "exact"
    assert res9.weights_mode == "regulation"


# --- independent computations --------------------------------------------------------------


@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99])
def test_no_missing_equals_t_interval_of_mean_score(level: float) -> None:
    # Explicit formula: with every element answered, SKM = mean over respondents of
    # 25 · (mean of the 9 answers); its linearization interval is the t interval of that
    # per-respondent score with n − 1 df (scipy.stats.t).
    rng = np.random.default_rng(7)
    scores = rng.integers(1, 5, size=(37, 9))
    res = sq.skm_index(make_responses(scores.tolist()), level=level)
    per_respondent = 25 * scores.mean(axis=1)
    n = per_respondent.size
    mean = per_respondent.mean()
    se = per_respondent.std(ddof=1) / np.sqrt(n)
    low, high = stats.t.interval(level, n - 1, loc=mean, scale=se)
    assert res.index.value == pytest.approx(mean, rel=1e-12)
    assert res.index.se == pytest.approx(se, rel=1e-12)
    assert res.index.ci.low == pytest.approx(low, rel=1e-12)
    assert res.index.ci.high == pytest.approx(high, rel=1e-12)
    assert res.index.df == n - 1


def test_weighted_nrr_is_ratio_of_weighted_sums() -> None:
    # Explicit formula: NRR_j = Σ w y a / Σ w a over those who answered element j.
    rng = np.random.default_rng(3)
    scores = rng.integers(1, 5, size=(25, 9)).astype(object)
    scores[rng.random((25, 9)) < 0.2] = None
    scores[0, :] = 4  # every element answered at least once
    w = rng.uniform(0.5, 3.0, size=25)
    res = sq.skm_index(make_responses(scores.tolist(), columns={"w": w}, weights="w"))
    for j, element in enumerate(res.elements):
        ans = np.array([s is not None for s in scores[:, j]])
        y = np.array([s if s is not None else 0 for s in scores[:, j]], dtype=float)
        assert element.nrr == pytest.approx((w * y)[ans].sum() / w[ans].sum(), rel=1e-12)
        assert element.n == ans.sum()
    assert res.index.value == pytest.approx(25 * np.mean([e.nrr for e in res.elements]), rel=1e-12)


def test_reverse_item_equals_flipped_answers() -> None:
    # Scoring rule of Item.reverse: a reverse-scored answer y counts as min + max − y.
    items = [sq.Item(id=f"U{j}", text=f"E{j}") for j in range(1, 4)]
    plain = sq.Instrument(id="plain", name="p", scale=sq.Scale(min=1, max=4), items=items)
    rev_items = [*items[:2], items[2].model_copy(update={"reverse": True})]
    rev = sq.Instrument(id="rev", name="r", scale=sq.Scale(min=1, max=4), items=rev_items)
    scores = [[4, 3, 1], [3, 3, 2], [2, 4, None], [4, 4, 1], [3, 2, 3]]
    flipped = [[a, b, None if c is None else 5 - c] for a, b, c in scores]
    got = sq.skm_index(make_responses(scores, rev)).index
    want = sq.skm_index(make_responses(flipped, plain)).index
    assert got.value == pytest.approx(want.value, rel=1e-12)
    assert got.se == pytest.approx(want.se, rel=1e-12)


# --- domains (by=) -------------------------------------------------------------------------


def test_domains_equal_strata_match_within_stratum_estimates() -> None:
    # domains.json note: "Domains coincide with the design strata: each domain estimate
    # equals the within-stratum estimate" (svyby keeps the full design; df = degf(design)).
    # Within stratum h (SRS of n_h from N_h, no missing answers) the explicit formula is
    # the mean of s_i = 25·mean_j y_ij with se² = (1 − n_h/N_h) var(s)/n_h.
    rng = np.random.default_rng(11)
    sizes = {"kecamatan": 14, "kelurahan": 9, "puskesmas": 21}
    pop = {"kecamatan": 120, "kelurahan": 40, "puskesmas": 500}
    stratum = np.repeat(list(sizes), list(sizes.values()))
    scores = rng.integers(1, 5, size=(stratum.size, 9))
    columns = {"unit": stratum, "N": np.array([pop[s] for s in stratum])}
    responses = make_responses(scores.tolist(), columns=columns, strata="unit", fpc="N")
    out = sq.skm_index(responses, by="unit")
    assert list(out) == sorted(sizes)
    for unit, n_h in sizes.items():
        s = 25 * scores[stratum == unit].mean(axis=1)
        se = np.sqrt((1 - n_h / pop[unit]) * s.var(ddof=1) / n_h)
        res = out[unit]
        assert res.index.value == pytest.approx(s.mean(), rel=1e-12)
        assert res.index.se == pytest.approx(se, rel=1e-10)
        assert res.index.df == stratum.size - len(sizes)  # full-design df, as R's degf
        assert res.n == n_h
        assert (res.by, res.domain) == ("unit", unit)


def test_domain_of_srs_uses_full_sample() -> None:
    # Explicit domain formula under SRS (Lumley 2010, §2.3; R svyby): z_i = δ_i (s_i − s̄_d)/n_d
    # over ALL n rows (zeros outside), V = n/(n − 1) Σ (z_i − z̄)², df = n − 1.
    rng = np.random.default_rng(5)
    n = 30
    scores = rng.integers(1, 5, size=(n, 9))
    service = np.array(["KTP", "KK"] * 15)
    out = sq.skm_index(make_responses(scores.tolist(), columns={"service": service}), by="service")
    s = 25 * scores.mean(axis=1)
    for name in ("KTP", "KK"):
        d = service == name
        z = np.where(d, (s - s[d].mean()) / d.sum(), 0.0)
        se = np.sqrt(n / (n - 1) * ((z - z.mean()) ** 2).sum())
        assert out[name].index.value == pytest.approx(s[d].mean(), rel=1e-12)
        assert out[name].index.se == pytest.approx(se, rel=1e-10)
        assert out[name].index.df == n - 1
        # Differs from the subset-only SE (which treats n_d as fixed):
        subset_se = s[d].std(ddof=1) / np.sqrt(d.sum())
        assert out[name].index.se != pytest.approx(subset_se, rel=1e-6)


def test_by_keys_are_strings() -> None:
    scores = [[3] * 9, [4] * 9, [2] * 9, [3] * 9, [4] * 9, [3] * 9]
    cols = {"age_band": np.array([1, 2, 1, 2, 1, 2])}
    out = quiet_skm(make_responses(scores, columns=cols), by="age_band")
    assert list(out) == ["1", "2"]
    assert out["1"].to_dict()["age_band"] == "1"


# --- grades --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "regime", "grade"),
    [
        # skm.md, Grades (2017): half-open thresholds on the unrounded converted value.
        (88.31, "skm-2017", "A"),
        (88.3099, "skm-2017", "B"),
        (76.61, "skm-2017", "B"),
        (76.605, "skm-2017", "C"),
        (65.0, "skm-2017", "C"),
        (64.99, "skm-2017", "D"),
        (100.0, "skm-2017", "A"),
        (25.0, "skm-2017", "D"),
        # skm.md, IKM 2004 table.
        (81.26, "ikm-2004", "A"),
        (81.2599, "ikm-2004", "B"),
        (62.51, "ikm-2004", "B"),
        (62.50, "ikm-2004", "C"),
        (43.76, "ikm-2004", "C"),
        (43.75, "ikm-2004", "D"),
        (82.5, "ikm-2004", "A"),  # skm.md: 82.5 is A in 2004 and B in 2017
        (82.5, "skm-2017", "B"),
    ],
)
def test_grade_thresholds(value: float, regime: Any, grade: str) -> None:
    assert grade_of(value, regime) == grade


def test_labels() -> None:
    # skm.md: 4 Sangat baik, 3 Baik, 2 Kurang baik, 1 Tidak baik.
    assert [label_of(g) for g in "ABCD"] == ["Sangat baik", "Baik", "Kurang baik", "Tidak baik"]


def test_regime_follows_instrument() -> None:
    scores = [[4, 3] * 7, [3, 3] * 7, [4, 4] * 7]
    res = sq.skm_index(make_responses(scores, IKM_2004))
    assert res.regime == "ikm-2004"
    # NRRs 3.667 and 3.333 → converted 91.67 and 83.33: 83.33 is A under 2004, B under 2017.
    assert res.element("U2").grade == "A"
    assert res.element("U2").converted == pytest.approx(250 / 3, rel=1e-12)
    assert grade_of(res.element("U2").converted, "skm-2017") == "B"


def test_narrow_interval_does_not_cross() -> None:
    # 50 all-4 and 2 all-3 respondents: index 99.04, interval well above 88.31.
    res = sq.skm_index(make_responses([[4] * 9] * 50 + [[3] * 9] * 2))
    assert res.grade == "A"
    assert res.index.ci.low > 88.31
    assert not res.crosses_grade_boundary


def test_crosses_boundary_on_reference_case(reference: Any) -> None:
    # skm_examples.json case 1: interval 69.86–80.70 (exact) straddles B's threshold 76.61.
    res = sq.skm_index(make_responses(_cases(reference)[1]["scores"]))
    assert res.crosses_grade_boundary


# --- result helpers ------------------------------------------------------------------------


def test_result_helpers_and_json_round_trip(reference: Any) -> None:
    res = sq.skm_index(make_responses(_cases(reference)[3]["scores"]))
    row = res.to_dict()
    assert list(row)[:8] == ["estimate", "se", "ci_low", "ci_high", "level", "method", "n", "df"]
    assert row["grade"] == "C"
    assert row["estimate"] == res.index.value
    weakest = res.weakest(3)
    # skm_examples.json case 3 NRRs: U9 2.636, U8 2.8, then U1 and U2 tie at 2.9167 (U1 first).
    assert [e.code for e in weakest] == ["U9", "U8", "U1"]
    table = res.element_table()
    assert table[0]["code"] == "U1"
    assert set(table[0]) >= {"code", "name", "n", "nrr", "weight", "weighted_nrr", "converted"}
    assert type(res).model_validate_json(res.model_dump_json()) == res
    assert isinstance(res, sq.SKMResult)
    assert isinstance(res.elements[0], sq.SKMElement)


def test_result_helper_errors() -> None:
    res = sq.skm_index(make_responses([[4] * 9, [3] * 9]))
    with pytest.raises(ParameterError, match="k must be a positive integer, got 0"):
        res.weakest(0)
    with pytest.raises(ItemError, match="no element 'U10'"):
        res.element("U10")


# --- properties ----------------------------------------------------------------------------

answer = st.one_of(st.none(), st.integers(1, 4), st.integers(1, 4), st.integers(1, 4))


@st.composite
def survey(draw: st.DrawFn) -> list[list[int | None]]:
    n = draw(st.integers(2, 25))
    rows = draw(st.lists(st.lists(answer, min_size=9, max_size=9), min_size=n, max_size=n))
    rows[0] = [draw(st.integers(1, 4)) for _ in range(9)]  # every element answered once
    return rows


@settings(max_examples=60, deadline=None)
@given(survey(), st.sampled_from(["exact", "regulation"]), st.floats(0.5, 0.99))
def test_index_in_range_and_interval_contains_it(
    scores: list[list[int | None]], mode: str, level: float
) -> None:
    res = quiet_skm(make_responses(scores), weights=mode, level=level)
    # the regulation's weights 0.111 sum to 0.999: its index runs over 24.975-99.9
    scale = 0.999 if mode == "regulation" else 1.0
    assert 25 * scale - 1e-9 <= res.index.value <= 100 * scale + 1e-9
    assert res.index.ci.low <= res.index.value <= res.index.ci.high
    for element in res.elements:
        assert 1 <= element.nrr <= 4


@settings(max_examples=40, deadline=None)
@given(survey(), st.floats(0.5, 0.9), st.floats(0.01, 0.09))
def test_higher_level_gives_wider_interval(
    scores: list[list[int | None]], level: float, extra: float
) -> None:
    low = quiet_skm(make_responses(scores), level=level).index
    high = quiet_skm(make_responses(scores), level=level + extra).index
    assert high.ci.width >= low.ci.width
    if low.se > 0:
        assert high.ci.width > low.ci.width


@settings(max_examples=40, deadline=None)
@given(survey(), st.randoms(use_true_random=False))
def test_permuting_respondents_changes_nothing(scores: list[list[int | None]], rnd: Any) -> None:
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    a = quiet_skm(make_responses(scores))
    b = quiet_skm(make_responses(shuffled))
    assert b.index.value == pytest.approx(a.index.value, rel=1e-12)
    assert b.index.se == pytest.approx(a.index.se, rel=1e-9, abs=1e-12)
    assert b.grade == a.grade
    assert [e.nrr for e in b.elements] == pytest.approx([e.nrr for e in a.elements], rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(survey())
def test_by_single_group_equals_overall(scores: list[list[int | None]]) -> None:
    cols = {"office": np.array(["Dukcapil"] * len(scores))}
    overall = quiet_skm(make_responses(scores, columns=cols))
    by = quiet_skm(make_responses(scores, columns=cols), by="office")
    assert list(by) == ["Dukcapil"]
    one = by["Dukcapil"]
    assert one.index.value == pytest.approx(overall.index.value, rel=1e-12)
    assert one.index.se == pytest.approx(overall.index.se, rel=1e-9, abs=1e-12)
    assert one.index.df == overall.index.df
    assert one.elements == overall.elements


# --- errors --------------------------------------------------------------------------------


def test_element_nobody_answered() -> None:
    scores = [[4, 3, None, 4, 3, 3, 4, 3, 3], [3, 3, None, 4, 2, 3, 4, 3, 3]]
    with pytest.raises(ItemError, match=r"element 'U3' \(Waktu penyelesaian\) was answered by"):
        sq.skm_index(make_responses(scores))


def test_one_respondent() -> None:
    with pytest.raises(InsufficientDataError, match="no interval can be computed with one"):
        sq.skm_index(make_responses([[4] * 9]))


def test_domain_errors() -> None:
    scores = [[4] * 9, [3] * 9, [4, 3, None, 4, 3, 3, 4, 3, 3], [3] * 9, [4] * 9]
    cols = {"service": np.array(["KTP", "KTP", "SIM", "KK", "KK"])}
    # One respondent in a domain: the index is reported, its interval is NaN, and the grade
    # is flagged as not statistically clear.
    complete = [*scores[:2], [4, 3, 2, 4, 3, 3, 4, 3, 3], *scores[3:]]
    with pytest.warns(DegenerateDataWarning, match=r"1 respondent in domain service='SIM'"):
        single = sq.skm_index(make_responses(complete, columns=cols), by="service")["SIM"]
    assert single.index.value == pytest.approx(25 * (4 + 3 + 2 + 4 + 3 + 3 + 4 + 3 + 3) / 9)
    assert math.isnan(single.index.se)
    assert math.isnan(single.index.ci.low)
    assert single.crosses_grade_boundary
    cols = {"service": np.array(["KTP", "KTP", "SIM", "SIM", "KTP"])}
    both_missing = [*scores[:3], [4, 3, None, 4, 3, 3, 4, 3, 3], scores[4]]
    with pytest.raises(ItemError, match=r"'U3'.*answered by nobody in domain service='SIM'"):
        quiet_skm(make_responses(both_missing, columns=cols), by="service")
    with pytest.raises(ValidationError, match="column 'layanan' is not in the data"):
        sq.skm_index(make_responses(scores), by="layanan")
    cols_missing = {"service": np.array(["KTP", None, "SIM", "KK", "KK"], dtype=object)}
    with pytest.raises(ValidationError, match="by column 'service' is missing in row 1"):
        sq.skm_index(make_responses(scores, columns=cols_missing), by="service")


def test_zero_weight_domain() -> None:
    scores = [[4] * 9, [3] * 9, [2] * 9, [3] * 9]
    cols = {"w": np.array([1.0, 1.0, 0.0, 0.0]), "g": np.array(["a", "a", "b", "b"])}
    with pytest.raises(InsufficientDataError, match="domain g='b' has weight 0"):
        sq.skm_index(make_responses(scores, columns=cols, weights="w"), by="g")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"weights": "printed"},
            r"weights must be one of \['exact', 'regulation'\], got 'printed'",
        ),
        ({"method": "jackknife"}, r"method must be one of \['linearization', 'bootstrap', "),
        ({"level": 95}, r"level must be in \(0, 1\), got 95"),
        ({"n_resamples": 0, "method": "bootstrap"}, "n_resamples is 0, but a 0.95 interval"),
        ({"seed": "2017"}, "seed must be an int, a numpy Generator or None, got '2017'"),
    ],
)
def test_bad_parameters(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        sq.skm_index(make_responses([[4] * 9, [3] * 9]), **kwargs)


def test_wrong_scale_and_type() -> None:
    five = sq.Instrument(
        id="lima",
        name="five-point",
        scale=sq.Scale(min=1, max=5),
        items=[sq.Item(id="Q", text="q")],
    )
    with pytest.raises(ScaleError, match="1–4 scale; instrument 'lima' uses 1–5"):
        sq.skm_index(make_responses([[5], [4]], five))
    with pytest.raises(ServqualTypeError, match=r"needs a servqual\.Responses, got list"):
        sq.skm_index([[4] * 9, [3] * 9])  # type: ignore[call-overload]
    odd = SKM_2017.model_copy(update={"metadata": {"grading": "ikm-2099"}})
    with pytest.raises(ValidationError, match="grading='ikm-2099'"):
        sq.skm_index(make_responses([[4] * 9, [3] * 9], odd))


# --- other designs: one element is a ratio of totals ---------------------------------------


def test_one_element_equals_design_ratio_on_clustered_weighted_design() -> None:
    # With one element, SKM = 25 · Σ w y a / Σ w a: R's svyratio(~ya, ~a) on the same design
    # (servqual.Design.ratio is checked against R on apistrat/apiclus1 in its own tests).
    rng = np.random.default_rng(17)
    n = 60
    inst = sq.Instrument(
        id="one",
        name="one element",
        scale=sq.Scale(min=1, max=4),
        items=[sq.Item(id="U1", text="x")],
    )
    y = rng.integers(1, 5, size=n).astype(float)
    answered = rng.random(n) > 0.15
    cols = {
        "stratum": np.repeat(["urban", "rural"], n // 2),
        "village": np.repeat(np.arange(12), n // 12),
        "w": rng.uniform(5, 20, size=n),
        "ya": np.where(answered, y, 0.0),
        "a": answered.astype(float),
    }
    scores = [[int(v) if ok else None] for v, ok in zip(y, answered, strict=True)]
    design = {"weights": "w", "strata": "stratum", "clusters": "village"}
    res = sq.skm_index(make_responses(scores, inst, cols, **design), level=0.9)
    ratio = sq.Design(cols, **design).ratio("ya", "a", level=0.9)
    assert res.index.value == pytest.approx(25 * ratio.value, rel=1e-12)
    assert res.index.se == pytest.approx(25 * ratio.se, rel=1e-10)
    assert res.index.df == ratio.df == 12 - 2
    assert res.index.ci.low == pytest.approx(25 * ratio.ci.low, rel=1e-10)


# --- the blocked kernel against an obvious implementation ----------------------------------


def _slow_sums(codes: np.ndarray, w: np.ndarray, groups: np.ndarray, n_groups: int) -> Any:
    k = codes.shape[1]
    code_tot = np.zeros((n_groups, k))
    ans_tot = np.zeros((n_groups, k))
    counts = np.zeros((n_groups, k))
    for i in range(codes.shape[0]):
        for j in range(k):
            if codes[i, j] >= 0:
                g = groups[i]
                code_tot[g, j] += w[i] * codes[i, j]
                ans_tot[g, j] += w[i]
                counts[g, j] += 1
    return code_tot, ans_tot, counts


def _slow_influence(codes: np.ndarray, m: np.ndarray, coef: np.ndarray, groups: np.ndarray) -> Any:
    z = np.zeros(codes.shape[0])
    for i in range(codes.shape[0]):
        g = groups[i]
        for j in range(codes.shape[1]):
            if codes[i, j] >= 0:
                z[i] += coef[g, j] * (codes[i, j] - m[g, j])
    return z


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(1, 5),
    st.integers(1, 3),
    st.integers(1, 9),
    st.integers(0, 2**32 - 1),
)
def test_kernel_matches_slow_loops(n: int, k: int, n_groups: int, block: int, seed: int) -> None:
    from servqual.indices import _skm_kernel as kernel

    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, 4, size=(n, k)).astype(np.int8)
    w = rng.uniform(0.1, 5, size=n)
    groups = rng.integers(0, n_groups, size=n).astype(np.intp)
    m = rng.uniform(0, 3, size=(n_groups, k))
    coef = rng.normal(size=(n_groups, k))
    original = kernel._BLOCK
    kernel._BLOCK = block  # several blocks, and a short last one
    try:
        fast = kernel.element_sums(codes, w, groups, n_groups)
        whole = kernel.element_sums(codes, w, None, 1)
        z = kernel.influence(codes, m, coef, groups)
        z1 = kernel.influence(codes, m[:1], coef[:1], None)
    finally:
        kernel._BLOCK = original
    for got, want in zip(fast, _slow_sums(codes, w, groups, n_groups), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    zeros = np.zeros(n, dtype=np.intp)
    for got, want in zip(whole, _slow_sums(codes, w, zeros, 1), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z, _slow_influence(codes, m, coef, groups), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(z1, _slow_influence(codes, m, coef, zeros), rtol=1e-12, atol=1e-12)


# --- bootstrap -----------------------------------------------------------------------------


def _survey_200() -> sq.Responses:
    rng = np.random.default_rng(23)
    scores = rng.choice(4, size=(200, 9), p=[0.05, 0.2, 0.5, 0.25]) + 1
    return sq.Responses.from_arrays(
        scores, SKM_2017, attributes={"service": np.repeat(["KTP", "KK"], 100)}
    )


def test_bootstrap_agrees_with_linearization() -> None:
    # The with-replacement bootstrap of n rows has variance (n − 1)/n times the
    # linearization one (Davison & Hinkley 1997, §2.3); with B = 4000 the Monte Carlo
    # error of the bootstrap se is about 1/√(2B) ≈ 1.1 %.
    responses = _survey_200()
    lin = sq.skm_index(responses).index
    boot = sq.skm_index(responses, method="bootstrap", n_resamples=4000, seed=11).index
    assert boot.value == lin.value
    assert boot.se == pytest.approx(lin.se * np.sqrt(199 / 200), rel=0.05)
    assert boot.ci.method == "bootstrap_percentile"
    assert boot.df is None
    assert boot.ci.low < boot.value < boot.ci.high
    assert boot.ci.low == pytest.approx(lin.ci.low, abs=3 * lin.se / np.sqrt(40))
    bca = sq.skm_index(responses, method="bootstrap_bca", n_resamples=500, seed=11).index
    assert bca.ci.method == "bootstrap_bca"


def test_bootstrap_is_reproducible_and_domains_differ() -> None:
    responses = _survey_200()
    a = sq.skm_index(responses, method="bootstrap", n_resamples=300, seed=5)
    b = sq.skm_index(responses, method="bootstrap", n_resamples=300, seed=5)
    assert a == b
    by = sq.skm_index(responses, method="bootstrap", n_resamples=300, seed=5, by="service")
    again = sq.skm_index(responses, method="bootstrap", n_resamples=300, seed=5, by="service")
    assert by == again
    lin = sq.skm_index(responses, by="service")
    for key in ("KTP", "KK"):
        assert by[key].index.value == lin[key].index.value
        assert by[key].index.se == pytest.approx(lin[key].index.se, rel=0.25)


def test_bootstrap_refuses_clusters() -> None:
    cols = {"village": np.array([1, 1, 2, 2, 3, 3])}
    scores = [[4] * 9, [3] * 9, [2] * 9, [3] * 9, [4] * 9, [3] * 9]
    responses = make_responses(scores, columns=cols, clusters="village")
    with pytest.raises(DesignError, match="resamples respondents within strata, but this design"):
        sq.skm_index(responses, method="bootstrap", seed=1)


def test_bootstrap_refuses_calibrated_weights() -> None:
    # Resampling with raked or post-stratified weights, without re-calibrating each
    # replicate, would ignore what calibration does to the variance.
    scores = [[4] * 9, [3] * 9, [2] * 9, [3] * 9, [4] * 9, [3] * 9]
    responses = make_responses(scores, columns={"sex": np.array(list("LLLPPP"))})
    calibrated = sq.Responses(
        responses.instrument,
        responses.design.poststratify("sex", {"L": 60, "P": 40}),
        responses.codes,
    )
    with pytest.raises(DesignError, match="weights are calibrated"):
        sq.skm_index(calibrated, method="bootstrap", seed=1)
    assert sq.skm_index(calibrated).index.se > 0  # linearization handles calibration


def test_domain_key_does_not_clobber_columns() -> None:
    scores = [[4] * 9, [3] * 9, [2] * 9, [3] * 9]
    out = quiet_skm(make_responses(scores, columns={"n": np.array([1, 1, 2, 2])}), by="n")
    row = out["1"].to_dict()
    assert (row["domain"], row["n"]) == ("1", 2)
    assert out["2"].element_table()[0]["domain"] == "2"
