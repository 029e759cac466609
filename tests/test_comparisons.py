"""Comparisons: Newcombe (1998) Table II, brute-force score limits, Welch t, domain differences."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

import servqual as sq
from servqual.errors import ParameterError

# Newcombe (1998), Stat Med 17:873, Table II, method 10 (score, no continuity correction).
TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), TABLE_II)
def test_newcombe_table_ii(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    c = sq.newcombe_difference(*counts)
    assert c.method == "newcombe"
    assert c.difference.ci.method == "newcombe"
    assert c.difference.ci.low == pytest.approx(expected[0], abs=5e-5)
    assert c.difference.ci.high == pytest.approx(expected[1], abs=5e-5)


def _wilson_brute(x: int, n: int, z: float) -> tuple[float, float]:
    """Score limits: the π with |x/n - π| = z sqrt(π(1-π)/n), found by root search."""
    p = x / n

    def f(pi: float) -> float:
        return (p - pi) ** 2 - z * z * pi * (1 - pi) / n

    # f(p) <= 0 just beside p (inside the interval), f > 0 near 0 and 1 (outside it)
    low = 0.0 if x == 0 else optimize.brentq(f, 1e-300, p - 1e-13, xtol=1e-15)
    high = 1.0 if x == n else optimize.brentq(f, p + 1e-13, 1 - 1e-16, xtol=1e-15)
    return low, high


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 60),
    st.data(),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_newcombe_matches_brute_force(n1: int, n2: int, data: Any, level: float) -> None:
    x1 = data.draw(st.integers(0, n1))
    x2 = data.draw(st.integers(0, n2))
    z = stats.norm.ppf(1 - (1 - level) / 2)
    l1, u1 = _wilson_brute(x1, n1, z)
    l2, u2 = _wilson_brute(x2, n2, z)
    p1, p2 = x1 / n1, x2 / n2
    low = p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    c = sq.newcombe_difference(x1, n1, x2, n2, level=level)
    assert c.difference.ci.low == pytest.approx(low, abs=1e-9)
    assert c.difference.ci.high == pytest.approx(high, abs=1e-9)
    assert 0.0 <= c.p_value <= 1.0
    assert -1.0 <= c.difference.ci.low <= c.difference.value <= c.difference.ci.high <= 1.0


def test_newcombe_p_value_is_pearson_chi_square() -> None:
    # scipy: chi2_contingency without Yates' correction = pooled two-proportion z test
    table = np.array([[56, 14], [48, 32]])
    expected = stats.chi2_contingency(table, correction=False).pvalue
    assert sq.newcombe_difference(56, 70, 48, 80).p_value == pytest.approx(expected, rel=1e-9)


def test_newcombe_bad_counts() -> None:
    with pytest.raises(ParameterError, match="x1 must be between 0 and n1 = 10, got 11"):
        sq.newcombe_difference(11, 10, 3, 10)
    with pytest.raises(ParameterError, match="n2 must be at least 1"):
        sq.newcombe_difference(1, 10, 0, 0)
    with pytest.raises(ParameterError, match="x2 must be an integer count"):
        sq.newcombe_difference(1, 10, 2.5, 10)  # type: ignore[arg-type]


def test_compare_independent_equals_welch() -> None:
    # Two waves as simple random samples: the t test of Welch (scipy ttest_ind equal_var=False)
    a = [4, 4, 3, 3, 4, 3, 4, 4, 2, 3, 4, 4]
    b = [3, 4, 3, 2, 4, 3, 3, 4, 2, 3]
    c = sq.compare(sq.Design({"y": a}).mean("y"), sq.Design({"y": b}).mean("y"))
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert c.method == "independent"
    assert c.difference.value == pytest.approx(np.mean(a) - np.mean(b))
    assert c.difference.df == pytest.approx(welch.df, rel=1e-12)
    assert c.p_value == pytest.approx(welch.pvalue, rel=1e-12)
    ci = welch.confidence_interval(0.90)
    wide = sq.compare(c.first, c.second, level=0.90).difference.ci
    assert (wide.low, wide.high) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_compare_with_normal_estimates() -> None:
    first = sq.Design({"y": [1.0, 2.0, 3.0]}).mean("y", interval="normal")
    second = sq.Design({"y": [2.0, 2.0, 4.0, 5.0]}).mean("y")
    c = sq.compare(first, second)
    z = c.difference.value / c.difference.se
    assert c.difference.df is None
    assert c.difference.ci.method == "normal"
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    st.floats(-5, 5),
    st.floats(0, 3),
    st.floats(-5, 5),
    st.floats(0, 3),
    st.one_of(st.none(), st.floats(1, 500)),
)
def test_compare_p_value_is_a_probability(
    v1: float, s1: float, v2: float, s2: float, df: float | None
) -> None:
    def est(v: float, s: float) -> sq.Estimate:
        return sq.Estimate(
            value=v, se=s, ci=sq.Interval(low=v - s, high=v + s, level=0.95, method="t"), n=5, df=df
        )

    c = sq.compare(est(v1, s1), est(v2, s2))
    assert 0.0 <= c.p_value <= 1.0
    if c.difference.se == 0:  # exact difference: p is 0 or 1
        assert c.p_value == (1.0 if v1 == v2 else 0.0)


def test_domain_difference_without_covariance(reference: Any) -> None:
    # Domains = strata on apistrat: independent, so se² = se_E² + se_H² (R: svyby +
    # svycontrast(..., quote(E - H)) gives the same)
    rec = reference("domains.json")["records"][0]
    design = sq.Design(rec["inputs"]["data"], weights="pw", strata="stype", fpc="fpc")
    c = design.by("stype").difference("api00", "E", "H")
    se_e, se_h = rec["reference"]["se"][0], rec["reference"]["se"][1]
    assert c.method == "linearization"
    assert c.difference.value == pytest.approx(674.43 - 625.82, rel=1e-9)
    assert c.difference.se == pytest.approx(math.hypot(se_e, se_h), rel=1e-9)
    assert c.difference.df == 197
    t = c.difference.value / c.difference.se
    assert c.p_value == pytest.approx(2 * stats.t.sf(abs(t), 197), rel=1e-9)


def test_domain_difference_includes_covariance() -> None:
    # Two desks sharing clusters (days): slow loop over the influence values z_A - z_B
    rng = np.random.default_rng(3)
    n = 60
    day = np.repeat(np.arange(12), 5)
    desk = rng.choice(["A", "B"], n)
    y = rng.integers(1, 5, n) + (day % 3)  # a day effect shared by both desks
    design = sq.Design({"y": y.astype(float), "desk": desk, "day": day}, clusters="day")
    c = design.by("desk").difference("y", "A", "B")
    totals: dict[int, float] = defaultdict(float)
    for label, sign in (("A", 1.0), ("B", -1.0)):
        rows = desk == label
        mean = y[rows].mean()
        for i in np.flatnonzero(rows):
            totals[int(day[i])] += sign * (y[i] - mean) / rows.sum()
    t = np.array(list(totals.values()))
    var = 12 / 11 * ((t - t.mean()) ** 2).sum()
    assert c.difference.se == pytest.approx(math.sqrt(var), rel=1e-10)
    independent = math.hypot(c.first.se, c.second.se)
    assert c.difference.se != pytest.approx(independent, rel=1e-3)
    shares = design.by("desk").difference("y", "A", "B", value=4.0)
    assert shares.first.value == pytest.approx(np.mean(y[desk == "A"] == 4))


def test_comparison_rejects_a_p_value_outside_0_1() -> None:
    est = sq.Estimate(value=1, se=1, ci=sq.Interval(low=0, high=2, level=0.95, method="t"), n=3)
    with pytest.raises(ValueError, match=r"p-value must be in \[0, 1\]"):
        sq.Comparison(difference=est, p_value=1.5, first=est, second=est, method="independent")
