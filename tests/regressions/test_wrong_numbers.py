"""Regression tests for wrong numbers found by fuzzing (issue 9, item 2).

Each test names the defect it pins. Sources: the defining formulas (a mean lies within the
scale, so its interval is cut there), R ``survey`` for the unchanged ordinary intervals
(tests/data/reference, checked elsewhere), and exact arithmetic for the overflow cases.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import (
    DesignError,
    EstimationError,
    InsufficientDataError,
    ParameterError,
    ScaleError,
    ServqualTypeError,
    ValidationError,
)

SKM = sq.instruments.SKM_2017


def _two_groups_of_one() -> sq.Design:
    return sq.Design({"y": [1.0, 4.0, 2.0, 3.0], "g": ["a", "b", "c", "c"]})


def test_domain_difference_of_two_single_respondents_is_refused() -> None:
    # before: se = 0 and p = 0 (the one respondent's influence value is 0)
    with pytest.raises(InsufficientDataError, match=r"group 'a' has 1 respondent"):
        _two_groups_of_one().by("g").difference("y", "a", "b")


def test_domain_difference_with_two_each_still_works() -> None:
    d = sq.Design({"y": [1.0, 2.0, 4.0, 3.0], "g": ["a", "a", "b", "b"]})
    c = d.by("g").difference("y", "a", "b")
    assert c.difference.value == pytest.approx(-2.0)
    assert c.difference.se > 0
    assert 0 < c.p_value < 1


def test_csat_compare_of_single_respondent_groups_is_refused() -> None:
    r = sq.Responses.from_frame(
        {"satisfaction": [1, 5, 2, 3], "desk": ["a", "b", "c", "c"]}, sq.instruments.CSAT
    )
    with pytest.raises(InsufficientDataError, match=r"group 'a' has 1 respondent"):
        sq.csat_compare(r, by="desk", groups=("a", "b"))


def test_ces_compare_of_single_respondent_groups_is_refused() -> None:
    r = sq.Responses.from_frame(
        {"effort": [1, 7, 2, 3], "desk": ["a", "b", "c", "c"]}, sq.instruments.CES
    )
    with pytest.raises(InsufficientDataError, match=r"group 'a' has 1 respondent"):
        sq.ces_compare(r, by="desk", groups=("a", "b"))


def test_nps_compare_of_single_respondent_groups_is_refused() -> None:
    r = sq.Responses.from_frame(
        {"recommend": [0, 10, 5, 9], "desk": ["a", "b", "c", "c"]}, sq.instruments.NPS
    )
    with pytest.raises(InsufficientDataError, match=r"group 'a' has 1 respondent"):
        sq.nps_compare(r, by="desk", groups=("a", "b"))


@pytest.mark.parametrize("n_resamples", [1, 2, 39])
def test_bootstrap_refuses_fewer_resamples_than_an_interval_needs(n_resamples: int) -> None:
    # before: n_resamples=1 gave se NaN and a point interval that excluded the estimate
    codes = np.random.default_rng(1).integers(1, 5, (20, 9))
    r = sq.Responses.from_arrays(codes, SKM)
    with pytest.raises(ParameterError, match=rf"n_resamples is {n_resamples}, .* at least 40"):
        sq.skm_index(r, method="bootstrap", n_resamples=n_resamples, seed=1)
    with pytest.raises(ParameterError, match=rf"n_resamples is {n_resamples}, .* at least 40"):
        sq.nps(list(range(11)) * 3, method="bootstrap", n_resamples=n_resamples, seed=1)


def test_bootstrap_minimum_follows_the_level() -> None:
    from servqual.stats.bootstrap_ci import min_resamples

    assert [min_resamples(x) for x in (0.5, 0.9, 0.95, 0.99)] == [4, 20, 40, 200]


def test_responses_constructor_checks_codes_against_the_scale() -> None:
    # before: an SKM index of 504 from codes 9 on a 1–4 scale
    codes = np.full((3, 9), 9, dtype=np.int8)
    with pytest.raises(ScaleError, match=r"code 9 for item 'U1' in row 0 is outside 0–3"):
        sq.Responses(SKM, sq.Design({"id": [1, 2, 3]}), codes)
    codes = np.zeros((3, 9), dtype=np.int8)
    codes[2, 4] = -2
    with pytest.raises(ScaleError, match=r"code -2 for item 'U5' in row 2"):
        sq.Responses(SKM, sq.Design({"id": [1, 2, 3]}), codes)


def test_responses_constructor_checks_argument_types() -> None:
    with pytest.raises(ServqualTypeError, match=r"instrument must be a servqual\.Instrument"):
        sq.Responses("SKM", sq.Design({"id": [1]}), np.zeros((1, 9), np.int8))  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match=r"design must be a servqual\.Design"):
        sq.Responses(SKM, {"id": [1]}, np.zeros((1, 9), np.int8))  # type: ignore[arg-type]


def test_proportion_of_a_list_value_is_refused() -> None:
    # before: the column was compared element-wise with the list and the share was 1.0
    d = sq.Design({"y": [1, 2, 1, 2]})
    with pytest.raises(ServqualTypeError, match=r"value must be one category of 'y'.*\[1, 2\]"):
        d.proportion("y", [1, 2])
    with pytest.raises(ServqualTypeError, match="value must be one category"):
        d.by("y").proportion("y", np.array([1, 2]))


def test_mean_ci_of_huge_values_is_exact() -> None:
    # before: se 0. Scaling by a power of two is exact, so se = |b - a| / 2 exactly.
    est = sq.mean_ci([0, 1e160])
    assert est.value == 5e159
    assert est.se == pytest.approx(5e159, rel=1e-15)
    assert est.ci.low < 0 < est.value < est.ci.high


def test_mean_ci_is_unchanged_by_power_of_two_scaling() -> None:
    y = [3.0, 4.0, 2.0, 4.0, 1.0]
    small, big = sq.mean_ci(y), sq.mean_ci([v * 2.0**400 for v in y])
    assert big.se == small.se * 2.0**400
    assert big.ci.low == small.ci.low * 2.0**400


def test_mean_ci_overflowing_interval_is_a_named_error() -> None:
    with pytest.raises(EstimationError, match="overflows float64"):
        sq.mean_ci([1e308, -1e308])


def test_design_with_overflowing_values_is_a_named_error() -> None:
    with pytest.raises(EstimationError, match=r"weighted values reach .*overflow float64"):
        sq.Design({"y": [0.0, 1e99, 3e98], "w": [1e99] * 3}, weights="w").total("y")


def test_weights_of_1e308_are_refused() -> None:
    # before: equal weights of 1e308 gave a NaN index graded "D"
    with pytest.raises(DesignError, match="weights must be 0 or between 1e-100 and 1e100"):
        sq.Responses.from_arrays([[1] * 9, [4] * 9, [3] * 9], SKM, weights=[1e308] * 3)


@pytest.mark.parametrize("x", [0, 1, 5, 5 * 10**17, 10**18 - 1, 10**18])
def test_clopper_pearson_at_a_huge_n_is_finite_and_holds_the_estimate(x: int) -> None:
    ci = sq.proportion_ci(x, 10**18, method="clopper_pearson")
    assert math.isfinite(ci.low)
    assert math.isfinite(ci.high)
    assert ci.low <= x / 10**18 <= ci.high


@pytest.mark.parametrize("bad", [math.nan, -1.0, 100.5])
def test_csi_band_refuses_a_value_that_is_not_a_csi(bad: float) -> None:
    # before: csi_band(nan) was "not satisfied"
    with pytest.raises(ParameterError, match="percent must be a CSI in 0–100"):
        sq.csi_band(bad)
    with pytest.raises(ServqualTypeError, match="percent must be a number"):
        sq.csi_band("80")  # type: ignore[arg-type]


def test_skm_interval_of_two_respondents_stays_in_25_to_100() -> None:
    # before: 2 respondents gave an interval of -414 to 539 (t on 1 df)
    r = sq.Responses.from_arrays([[1] * 9, [4] * 9], SKM)
    index = sq.skm_index(r).index
    assert index.bounds == (25.0, 100.0)
    assert (index.ci.low, index.ci.high) == (25.0, 100.0)
    again = index.at_level(0.99)
    assert 25.0 <= again.ci.low <= again.value <= again.ci.high <= 100.0


def test_skm_interval_of_an_ordinary_sample_is_not_cut() -> None:
    codes = np.random.default_rng(3).integers(2, 5, (200, 9))
    index = sq.skm_index(sq.Responses.from_arrays(codes, SKM)).index
    half = index.ci.high - index.value
    assert index.value - index.ci.low == pytest.approx(half)  # still symmetric
    assert index.ci.low > 25
    assert index.ci.high < 100


def test_regulation_weights_give_the_index_its_own_range() -> None:
    r = sq.Responses.from_arrays([[1] * 9, [1] * 9, [2] * 9], SKM)
    index = sq.skm_index(r, weights="regulation").index
    assert index.bounds == pytest.approx((25 * 0.999, 100 * 0.999))
    assert index.ci.low >= index.bounds[0]  # type: ignore[index]


def test_scale_means_are_cut_to_the_scale() -> None:
    est = sq.csat([1, 5]).mean  # 1–5 scale, t on 1 df
    assert (est.ci.low, est.ci.high) == (1.0, 5.0)
    assert est.at_level(0.5).ci.low >= 1.0


def test_shares_of_a_design_stay_in_0_1() -> None:
    d = sq.Design({"ok": ["y", "n", "n"]})
    for est in d.proportions("ok").values():
        assert 0.0 <= est.ci.low <= est.value <= est.ci.high <= 1.0
    est = d.proportion("ok", "y", method="mean")
    assert 0.0 <= est.ci.low <= est.value <= est.ci.high <= 1.0


def test_bounds_round_trip_through_json() -> None:
    r = sq.Responses.from_arrays([[1] * 9, [4] * 9, [2] * 9], SKM)
    index = sq.skm_index(r).index
    assert sq.Estimate.model_validate_json(index.model_dump_json()) == index


def test_domain_comparison_interval_stays_in_the_difference_range() -> None:
    r = sq.Responses.from_frame(
        {"satisfaction": [1, 5, 1, 5, 5, 5], "g": list("aabbbb")}, sq.instruments.CSAT
    )
    c = sq.csat_compare(r, by="g", groups=("a", "b"))
    assert c.difference.bounds is not None
    lo, hi = c.difference.bounds
    assert lo <= c.difference.ci.low <= c.difference.ci.high <= hi


def test_estimate_refuses_reversed_bounds() -> None:
    ci = sq.Interval(low=0.0, high=1.0, level=0.95, method="t")
    with pytest.raises(ValueError, match="bounds must be"):
        sq.Estimate(value=0.5, se=0.1, ci=ci, n=3, bounds=(1.0, 0.0))


@pytest.mark.parametrize("render", [sq.render_text, sq.render_markdown, sq.render_html])
def test_reports_print_a_level_with_all_its_digits(render: object) -> None:
    # before: a level of 0.9999999 was printed as "100.0%"
    codes = np.random.default_rng(5).integers(2, 5, (30, 9))
    report = sq.skm_report(sq.Responses.from_arrays(codes, SKM), level=0.9999999)
    text = render(report)  # type: ignore[operator]
    assert "99.99999%" in text
    assert "100.0%" not in text


@pytest.mark.parametrize("method", ["clopper_pearson", "jeffreys"])
def test_beta_intervals_at_10_to_the_19_are_finite(method: str) -> None:
    # found by the fuzz suite: scipy's betaincinv returns NaN for parameters ~1e18
    ci = sq.proportion_ci(10**18, 10**19, method=method)  # type: ignore[arg-type]
    wilson = sq.proportion_ci(10**18, 10**19)  # all methods agree at this n
    assert ci.low == pytest.approx(wilson.low, rel=1e-9)
    assert ci.high == pytest.approx(wilson.high, rel=1e-9)


def test_weights_and_values_beyond_1e100_are_refused() -> None:
    # found by the fuzz suite: a weight of 1e308 overflowed in the variance (numpy warning)
    with pytest.raises(DesignError, match=r"weights must be 0 or between 1e-100 and 1e100"):
        sq.Design({"y": [1.0], "w": [1e308]}, weights="w")
    with pytest.raises(DesignError, match=r"row 1 has 2\.2250738585072e-309"):
        sq.Design({"y": [1.0, 1.0], "w": [1.0, 2.2250738585072e-309]}, weights="w")
    with pytest.raises(ValidationError, match=r"column 'y' has 1e\+160 in row 1, beyond"):
        sq.Design({"y": [0.0, 1e160]}).mean("y")


def test_alpha_standard_error_of_an_exactly_zero_variance_is_zero() -> None:
    # found by the fuzz suite: Duhachek's Q is 0 in exact arithmetic here
    # (C = [[1/3, 1], [1, 3]]: T (tr C² + (tr C)²) = 2 tr C jᵀC²j = 3200/27), and rounding
    # made it negative, so se was a silent NaN
    est = sq.cronbach_alpha([[1, 1], [1, 1], [2, 4]])
    assert est.se == 0.0
    assert est.value == pytest.approx(0.75)


def test_nps_adjusted_wald_interval_reaches_the_observed_nps() -> None:
    # found by the fuzz suite: two detractors give NPS -100, but the adjusted interval is
    # centred on -100·2/5 = -40 and excluded it
    est = sq.nps([0, 0]).nps
    assert est.value == -100.0
    assert est.ci.low == -100.0
    tiny = sq.nps([0, 0], level=1e-9).nps
    assert tiny.ci.low <= tiny.value <= tiny.ci.high
    # an ordinary sample is unchanged (indices.json: NPS 20/30/50 → 14.0511 to 44.2013)
    from servqual.stats.trinomial import adjusted_wald_interval

    low, high = adjusted_wald_interval(30.0, 7.691510421814757, None, 100, 0.95)
    assert (round(low, 4), round(high, 4)) == (14.0511, 44.2013)


def test_t_quantile_at_a_tiny_level_is_not_zero() -> None:
    # found by the fuzz suite: scipy's stdtrit(4, 0.5 + 5e-10) is 0, so the beta
    # (Korn–Graubard) interval divided 0 by 0 and was a silent NaN.
    # t_df(½ + ε) = ε / f_df(0) + O(ε³); f_4(0) = 3/8, so t = 5e-10 · 8/3.
    from servqual.stats.quantiles import critical_value

    assert critical_value(1e-9, 4.0) == pytest.approx(1e-9 / 2 * 8 / 3, rel=1e-12)
    est = sq.ces([1, 1, 1, 1, 5], level=1e-9, method="beta").low_effort
    assert math.isfinite(est.ci.low)
    assert est.ci.low <= est.value <= est.ci.high


def test_a_ratio_that_overflows_is_a_named_error() -> None:
    # found by the fuzz suite: 1.8e8 / 1e-300 overflowed with a numpy warning
    with pytest.raises(EstimationError, match="the ratio overflows float64"):
        sq.Design({"y": [179769314.0], "x": [1e-300]}).ratio("y", "x")


@given(codes=st.lists(st.lists(st.integers(-3, 6), min_size=2, max_size=2), min_size=1, max_size=6))
@settings(max_examples=80, deadline=None)
def test_code_check_matches_a_slow_loop(codes: list[list[int]]) -> None:
    from servqual._response_checks import check_codes

    inst = sq.Instrument(
        id="t",
        name="t",
        scale=sq.Scale(min=1, max=4),
        items=[sq.Item(id="A", text="a"), sq.Item(id="B", text="b")],
    )
    first_bad = next(
        ((i, j) for i, row in enumerate(codes) for j, c in enumerate(row) if not -1 <= c <= 3),
        None,
    )
    arr = np.array(codes, dtype=np.int8)
    if first_bad is None:
        check_codes(arr, inst)
    else:
        i, j = first_bad
        item = "AB"[j]
        with pytest.raises(ScaleError, match=rf"code {codes[i][j]} for item '{item}' in row {i}"):
            check_codes(arr, inst)


def test_replicate_ratio_over_a_vanishing_denominator_is_a_named_error() -> None:
    # Found by the fuzz suite: Σ x = 2.2e-308 makes the replicate ratios 1.3e308, and the
    # variance overflowed with numpy's own warning (an infinite or NaN SE).
    data = {"y": [1.0, 1.0, 1.0], "x": [0.0, 0.0, 2.2250738585072014e-308]}
    data |= {"w": [0.0, 0.0, 1.0], "r0": [1.0] * 3, "r1": [1.0] * 3}
    d = sq.ReplicateDesign(data, weights="w", replicate_weights=["r0", "r1"], type="bootstrap")
    with pytest.raises(EstimationError, match=r"replicate estimates reach 1\.34827e\+308"):
        d.ratio("y", "x")
    big = dict(data, y=[1.0, 1.0, 10.0])  # 10 / 2.2e-308 is beyond float64 itself
    d = sq.ReplicateDesign(big, weights="w", replicate_weights=["r0", "r1"], type="bootstrap")
    with pytest.raises(EstimationError, match=r"overflow|beyond"):
        d.ratio("y", "x")


def test_negative_horvitz_thompson_variance_is_nan_with_a_warning_as_in_r() -> None:
    # Overton's approximate joint inclusion probabilities can make the HT variance
    # negative; it was clipped to a standard error 0 (a zero-width interval claiming
    # perfect precision). R survey 4.1.1 on the same data:
    #   d <- svydesign(id=~id, fpc=~p, pps="overton", data=data.frame(
    #          y=c(3.71, 0.07, 87.29), id=1:3, p=c(0.189, 0.583, 0.958)))
    #   svytotal(~y, d)  # total 110.8666, vcov -105.5934, SE NaN
    data = {"y": [3.71, 0.07, 87.29], "id": [1, 2, 3], "p": [0.189, 0.583, 0.958]}
    d = sq.Design(data, clusters="id", fpc="p", pps="overton")
    with pytest.warns(sq.errors.DegenerateDataWarning, match=r"negative \(-105\.593\)"):
        est = d.total("y")
    assert est.value == pytest.approx(110.8666, abs=5e-5)
    assert math.isnan(est.se)
    assert math.isnan(est.ci.low)
    assert math.isnan(est.ci.high)
    # within rounding of 0 it stays a zero variance: a constant column
    flat = sq.Design(dict(data, y=[2.0, 2.0, 2.0]), clusters="id", fpc="p", pps="overton")
    assert flat.mean("y").se == 0.0  # and no warning (the suite turns warnings into errors)
