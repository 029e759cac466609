"""NPS: the worked examples of indices.json (R NPS package tests, Rocks 2016 adjusted Wald),
interval coverage by exact enumeration of the trinomial, properties and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

import servqual as sq
from servqual.errors import InsufficientDataError, ParameterError, ScaleError
from servqual.stats.trinomial import adjusted_shares, trinomial_variance

Z95 = float(special.ndtri(0.975))


def _answers(det: int, pas: int, pro: int) -> list[int]:
    return [3] * det + [7] * pas + [9] * pro


def test_reference_example_scores(reference) -> None:
    rec = reference("indices.json")["nps"][0]  # published: R NPS package tests
    r = sq.nps(rec["scores"], method="wald")
    assert r.nps.value == pytest.approx(100 * rec["nps"], rel=1e-12)
    assert r.trinomial_variance == pytest.approx(rec["variance"], rel=1e-12)
    assert r.nps.se == pytest.approx(100 * rec["se"], rel=1e-12)  # divisor n


@pytest.mark.parametrize("i", [1, 2, 3])
def test_reference_variances(reference, i: int) -> None:
    rec = reference("indices.json")["nps"][i]  # published: R NPS package tests
    k = rec["counts"]
    r = sq.nps(_answers(k["detractors"], k["passives"], k["promoters"]), method="wald")
    assert r.trinomial_variance == pytest.approx(rec["variance"], rel=1e-12)
    assert r.nps.se == pytest.approx(100 * rec["se"], rel=1e-12)


def test_reference_wald_and_adjusted_wald(reference) -> None:
    rec = reference("indices.json")["nps"][4]  # computed from the stated formulas (scipy)
    answers = _answers(20, 30, 50)
    wald = sq.nps(answers, method="wald", level=rec["level"])
    assert wald.nps.value == pytest.approx(100 * rec["nps"], rel=1e-12)
    assert wald.trinomial_variance == pytest.approx(rec["variance"], rel=1e-12)
    assert wald.nps.se == pytest.approx(100 * rec["se"], rel=1e-12)
    assert wald.nps.ci.low == pytest.approx(100 * rec["wald"][0], rel=1e-9)
    assert wald.nps.ci.high == pytest.approx(100 * rec["wald"][1], rel=1e-9)
    adj = sq.nps(answers, level=rec["level"])
    ref = rec["adjusted_wald"]
    assert adj.nps.value == pytest.approx(30.0)  # the observed NPS is reported
    assert adj.nps.se == pytest.approx(100 * ref["se"], rel=1e-12)
    assert adj.nps.ci.low == pytest.approx(100 * ref["ci"][0], rel=1e-9)
    assert adj.nps.ci.high == pytest.approx(100 * ref["ci"][1], rel=1e-9)
    assert (adj.nps.ci.low + adj.nps.ci.high) / 2 == pytest.approx(100 * ref["nps"], rel=1e-12)
    assert adj.method == "adjusted_wald"
    assert adj.nps.ci.method == "adjusted_wald"
    # shares: 20 / 30 / 50 %
    assert (adj.detractors, adj.passives, adj.promoters) == pytest.approx((20, 30, 50))


def test_at_level_recomputes_adjusted_wald() -> None:
    r = sq.nps(_answers(20, 30, 50), level=0.90)
    again = r.nps.at_level(0.95)
    direct = sq.nps(_answers(20, 30, 50), level=0.95)
    assert again.ci.low == pytest.approx(direct.nps.ci.low, rel=1e-12)
    assert again.ci.high == pytest.approx(direct.nps.ci.high, rel=1e-12)


def test_intervals_clipped_to_range() -> None:
    r = sq.nps([10, 10, 9, 10], method="wald")  # all promoters: se 0, [100, 100]
    assert (r.nps.ci.low, r.nps.ci.high) == (100.0, 100.0)
    adj = sq.nps([10, 10, 9, 10])  # adjusted Wald gives a real interval, clipped at 100
    assert adj.nps.ci.high <= 100.0
    assert adj.nps.ci.low < 100.0
    assert sq.nps([0, 1, 10], method="wald").nps.ci.low == -100.0


# --- coverage: exact enumeration of the trinomial -------------------------------------------


def _outcomes(n: int) -> tuple[np.ndarray, np.ndarray]:
    pro, det = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
    keep = pro + det <= n
    return pro[keep].astype(float), det[keep].astype(float)


def _log_pmf(pro, det, n, p_pro, p_det):
    pas = n - pro - det
    p_pas = 1.0 - p_pro - p_det
    return (
        special.gammaln(n + 1)
        - special.gammaln(pro + 1)
        - special.gammaln(det + 1)
        - special.gammaln(pas + 1)
        + special.xlogy(pro, p_pro)
        + special.xlogy(det, p_det)
        + special.xlogy(pas, p_pas)
    )


def _intervals(pro, det, n):
    """Vectorized Wald and adjusted-Wald bounds on -1..1 (an independent restatement)."""
    pp, pd = pro / n, det / n
    nps = pp - pd
    se = np.sqrt(((pp + pd) - (pp - pd) ** 2) / n)
    wald = (np.clip(nps - Z95 * se, -1, 1), np.clip(nps + Z95 * se, -1, 1))
    ap, ad = (pro + 0.75) / (n + 3), (det + 0.75) / (n + 3)
    c = ap - ad
    se_a = np.sqrt(((ap + ad) - (ap - ad) ** 2) / (n + 3))
    adj = (np.clip(c - Z95 * se_a, -1, 1), np.clip(c + Z95 * se_a, -1, 1))
    return wald, adj


GRID = [(0.5, 0.2), (0.3, 0.3), (0.7, 0.1), (0.85, 0.05), (0.2, 0.6), (0.1, 0.1), (0.45, 0.45)]


def _coverage(n: int, p_pro: float, p_det: float) -> tuple[float, float]:
    pro, det = _outcomes(n)
    prob = np.exp(_log_pmf(pro, det, n, p_pro, p_det))
    truth = p_pro - p_det
    (wl, wh), (al, ah) = _intervals(pro, det, n)
    return (
        float(prob[(wl <= truth) & (truth <= wh)].sum()),
        float(prob[(al <= truth) & (truth <= ah)].sum()),
    )


def test_enumeration_matches_library() -> None:
    # The vectorized restatement used for coverage equals sq.nps on a few outcomes.
    for det, pas, pro in [(2, 5, 13), (0, 3, 17), (6, 6, 8), (20, 0, 0)]:
        n = det + pas + pro
        (wl, wh), (al, ah) = _intervals(np.array([pro]), np.array([det]), n)
        w = sq.nps(_answers(det, pas, pro), method="wald").nps.ci
        a = sq.nps(_answers(det, pas, pro)).nps.ci
        assert (w.low, w.high) == pytest.approx((100 * wl[0], 100 * wh[0]), abs=1e-9)
        assert (a.low, a.high) == pytest.approx((100 * al[0], 100 * ah[0]), abs=1e-9)


def test_adjusted_wald_coverage_closer_to_nominal() -> None:
    # Rocks (2016): the adjusted Wald's coverage is closer to 95 % than Wald's on average.
    gaps_wald, gaps_adj = [], []
    for n in (10, 20, 40, 80):
        for p_pro, p_det in GRID:
            cw, ca = _coverage(n, p_pro, p_det)
            gaps_wald.append(abs(cw - 0.95))
            gaps_adj.append(abs(ca - 0.95))
    assert np.mean(gaps_adj) <= np.mean(gaps_wald)
    assert np.mean(gaps_adj) < 0.02  # adjusted Wald stays near nominal on this grid
    assert min(1 - g for g in gaps_wald) < min(1 - g for g in gaps_adj)  # Wald's worst is worse


# --- design ---------------------------------------------------------------------------------


def _responses(answers, **design):
    return sq.Responses.from_arrays(
        np.asarray(answers, float)[:, None], sq.instruments.NPS, **design
    )


def test_textbook_divisor_under_a_design() -> None:
    # servqual's NPS se = design se x sqrt((n-1)/n); the design se is R's svymean one.
    rng = np.random.default_rng(4)
    answers = rng.integers(0, 11, 60)
    strata = np.repeat(["a", "b", "c"], 20)
    weights = np.repeat([1.0, 2.5, 4.0], 20)
    r = sq.nps(_responses(answers, weights=weights, strata=strata), method="wald")
    y = np.where(answers >= 9, 100.0, np.where(answers >= 7, 0.0, -100.0))
    d = sq.Design({"y": y, "w": weights, "s": strata}, weights="w", strata="s")
    ref = d.mean("y")  # R: svymean(~y, svydesign(ids=~1, strata=~s, weights=~w))
    assert r.nps.value == pytest.approx(ref.value, rel=1e-12)
    assert r.nps.se == pytest.approx(ref.se * math.sqrt(59 / 60), rel=1e-12)
    adj = sq.nps(_responses(answers, weights=weights, strata=strata))
    pp, pd = adj.promoters / 100, adj.detractors / 100
    a_p, a_d, nt = adjusted_shares(pp, pd, 60)
    deff = r.nps.se**2 / (1e4 * float(trinomial_variance(pp, pd)) / 60)
    assert adj.nps.deff == pytest.approx(deff, rel=1e-12)
    assert adj.nps.se**2 == pytest.approx(1e4 * deff * trinomial_variance(a_p, a_d) / nt)


def test_simple_random_sample_has_deff_one() -> None:
    r = sq.nps(_answers(5, 7, 9), method="wald")
    assert r.nps.deff == pytest.approx(1.0, rel=1e-12)


def test_by_groups_use_their_own_counts() -> None:
    answers = _answers(4, 3, 8) + _answers(6, 2, 2)
    group = ["north"] * 15 + ["south"] * 10
    res = sq.nps(_responses(answers, attributes={"district": group}), by="district", method="wald")
    assert set(res) == {"north", "south"}
    south = res["south"]
    assert south.nps.value == pytest.approx(100 * (2 - 6) / 10)
    # SRS domain: exactly the textbook sqrt(Var / n_domain)
    var = trinomial_variance(0.2, 0.6)
    assert south.nps.se == pytest.approx(100 * math.sqrt(var / 10), rel=1e-12)
    assert south.n == 10


def test_bootstrap_is_seeded() -> None:
    answers = _answers(10, 10, 20)
    a = sq.nps(answers, method="bootstrap", n_resamples=300, seed=1)
    b = sq.nps(answers, method="bootstrap", n_resamples=300, seed=1)
    assert a == b
    assert a.nps.ci.method == "bootstrap_percentile"
    assert a.nps.ci.low < a.nps.value < a.nps.ci.high


# --- comparisons ------------------------------------------------------------------------------


def test_compare_waves_uses_the_textbook_formula() -> None:
    first, second = _answers(20, 30, 50), _answers(30, 30, 40)
    c = sq.nps_compare(first, second)
    # indices.md: SE_diff = sqrt(Var1/n1 + Var2/n2)
    se = 100 * math.sqrt((0.61 + 0.69) / 100)
    assert c.difference.value == pytest.approx(20.0)
    assert c.difference.se == pytest.approx(se, rel=1e-12)
    assert c.p_value == pytest.approx(2 * special.ndtr(-20.0 / se), rel=1e-9)
    assert 0.0 <= c.p_value <= 1.0


def test_compare_groups_by_linearization() -> None:
    answers = _answers(4, 3, 8) + _answers(6, 2, 2)
    group = ["m"] * 15 + ["f"] * 10
    r = _responses(answers, attributes={"gender": group})
    c = sq.nps_compare(r, by="gender", groups=("m", "f"))
    assert c.difference.value == pytest.approx(100 * (8 - 4) / 15 - 100 * (2 - 6) / 10)
    assert c.method == "linearization"
    assert 0.0 <= c.p_value <= 1.0
    with pytest.raises(InsufficientDataError, match="group 'x' of 'gender' has no respondents"):
        sq.nps_compare(r, by="gender", groups=("m", "x"))
    with pytest.raises(ParameterError, match="give either a second wave"):
        sq.nps_compare(r, by="gender")


@settings(max_examples=40, deadline=None)
@given(
    answers=st.lists(st.integers(0, 10), min_size=2, max_size=40),
    method=st.sampled_from(["adjusted_wald", "wald"]),
    level=st.floats(0.5, 0.999),
)
def test_nps_within_range(answers: list[int], method: str, level: float) -> None:
    r = sq.nps(answers, method=method, level=level)
    assert -100.0 <= r.nps.ci.low <= r.nps.value <= r.nps.ci.high <= 100.0 or (
        method == "adjusted_wald" and -100.0 <= r.nps.ci.low <= r.nps.ci.high <= 100.0
    )
    assert -100.0 <= r.nps.value <= 100.0
    assert r.promoters + r.passives + r.detractors == pytest.approx(100.0)


@settings(max_examples=25, deadline=None)
@given(
    a=st.lists(st.integers(0, 10), min_size=2, max_size=30),
    b=st.lists(st.integers(0, 10), min_size=2, max_size=30),
)
def test_compare_p_value_is_a_probability(a: list[int], b: list[int]) -> None:
    p = sq.nps_compare(a, b).p_value
    assert math.isnan(p) or 0.0 <= p <= 1.0


def test_errors() -> None:
    with pytest.raises(ScaleError, match=r"NPS answer in row 2 is 11: outside the scale 0–10"):
        sq.nps([3, 9, 11])
    with pytest.raises(ScaleError, match=r"row 1 is 7.5: not an integer"):
        sq.nps([3, 7.5])
    with pytest.raises(ScaleError, match=r"row 0 is 'ten', not a number"):
        sq.nps(["ten", 9])
    with pytest.raises(
        ParameterError, match=r"method must be one of \['adjusted_wald', 'wald', 'bootstrap'\]"
    ):
        sq.nps([9, 10], method="score")  # type: ignore[arg-type]
    with pytest.raises(InsufficientDataError, match="NPS got no answers"):
        sq.nps([])
    with pytest.raises(InsufficientDataError, match="has no answers in this group"):
        sq.nps([None, None])
    csat = sq.Responses.from_arrays([[4.0], [5.0]], sq.instruments.CSAT)
    with pytest.raises(ScaleError, match=r"NPS needs answers on 0–10; instrument 'CSAT' is on 1–5"):
        sq.nps(csat)


def test_missing_answers_are_skipped() -> None:
    r = sq.nps([9, None, 3, float("nan"), 10])
    assert r.n == 3
    assert r.nps.value == pytest.approx(100 * (2 - 1) / 3)
