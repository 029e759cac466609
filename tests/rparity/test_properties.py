"""Invariants of the R-parity estimators and backends (hypothesis).

- quantiles and their intervals do not change when every weight is scaled;
- a contrast with one coefficient 1 is that column's mean (value and SE);
- the t test's difference is the domain difference of ``design.by(...).difference``;
- the Rao–Scott and Wald tests are symmetric in rows and columns;
- a second stage sampled in full (fpc = units sampled) adds no variance;
- Brewer PPS with equal probabilities n/N is simple random sampling without replacement.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import servqual as sq


@st.composite
def _survey(draw: st.DrawFn) -> dict[str, Any]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_psu = draw(st.integers(3, 7))
    per = rng.integers(2, 5, n_psu)
    n = int(per.sum())
    return {
        "psu": np.repeat(np.arange(n_psu), per),
        "ssu": np.concatenate([np.arange(k) for k in per]),
        "y": rng.integers(1, 10, n).astype(float),
        "x": rng.normal(size=n),
        "g": rng.choice(["a", "b"], n).astype(object),
        "h": rng.choice(["u", "v", "w"], n).astype(object),
        "w": rng.uniform(1, 4, n),
        "N": np.full(n, n_psu + 5.0),
        "M": np.repeat(per, per).astype(float),
    }


@settings(max_examples=40, deadline=None)
@given(s=_survey(), scale=st.sampled_from([0.5, 3.0, 100.0]), p=st.sampled_from([0.25, 0.5, 0.8]))
def test_quantile_invariant_to_weight_scale(s: dict[str, Any], scale: float, p: float) -> None:
    a = sq.Design(s, weights="w", clusters="psu")
    b = sq.Design({**s, "w": s["w"] * scale}, weights="w", clusters="psu")
    qa, qb = a.quantile("y", p), b.quantile("y", p)
    assert qa.value == qb.value
    np.testing.assert_allclose([qa.ci.low, qa.ci.high], [qb.ci.low, qb.ci.high], equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(s=_survey())
def test_single_coefficient_contrast_is_the_mean(s: dict[str, Any]) -> None:
    d = sq.Design(s, weights="w", clusters="psu")
    c, m = d.contrast({"x": 1.0}), d.mean("x")
    assert c.value == pytest.approx(m.value, rel=1e-12, abs=1e-14)
    assert c.se == pytest.approx(m.se, rel=1e-9, abs=1e-14)


@settings(max_examples=40, deadline=None)
@given(s=_survey())
def test_ttest_is_the_domain_difference(s: dict[str, Any]) -> None:
    assume(min(np.sum(s["g"] == "a"), np.sum(s["g"] == "b")) >= 2)
    d = sq.Design(s, weights="w", clusters="psu")
    t = d.ttest("x", "g")
    diff = d.by("g").difference("x", "b", "a")
    assert t.difference.value == pytest.approx(diff.difference.value, rel=1e-12, abs=1e-14)
    assert t.difference.se == pytest.approx(diff.difference.se, rel=1e-9, abs=1e-14)


@settings(max_examples=30, deadline=None)
@given(s=_survey(), statistic=st.sampled_from(["F", "Chisq", "Wald", "adjWald"]))
def test_chisq_is_symmetric(s: dict[str, Any], statistic: str) -> None:
    assume(len(set(s["g"].tolist())) == 2 and len(set(s["h"].tolist())) >= 2)
    d = sq.Design(s, weights="w")
    a = d.chisq("g", "h", statistic=statistic)  # type: ignore[arg-type]
    b = d.chisq("h", "g", statistic=statistic)  # type: ignore[arg-type]
    assert a.pearson == pytest.approx(b.pearson, rel=1e-9)
    assert a.statistic == pytest.approx(b.statistic, rel=1e-7)
    assert a.p_value == pytest.approx(b.p_value, rel=1e-6, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(s=_survey())
def test_census_second_stage_adds_nothing(s: dict[str, Any]) -> None:
    one = sq.Design(s, weights="w", clusters="psu", fpc="N")
    two = sq.Design(s, weights="w", clusters=["psu", "ssu"], fpc=["N", "M"])
    assert two.total("y").se == pytest.approx(one.total("y").se, rel=1e-10)
    assert two.mean("x").se == pytest.approx(one.mean("x").se, rel=1e-10, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(s=_survey())
def test_brewer_with_equal_probabilities_is_srswor(s: dict[str, Any]) -> None:
    n = s["y"].shape[0]
    big_n = 3.0 * n
    srs = sq.Design({**s, "N": np.full(n, big_n)}, fpc="N")
    pps = sq.Design({**s, "p": np.full(n, n / big_n)}, fpc="p", pps="brewer")
    for col in ("y", "x"):
        assert pps.total(col).value == pytest.approx(srs.total(col).value, rel=1e-12)
        assert pps.total(col).se == pytest.approx(srs.total(col).se, rel=1e-10)
