"""SERVQUAL gaps and SERVPERF: the tutorial example of indices.json (unweighted gap -0.858),
reverse scoring from the instrument, weighted SERVQUAL by an explicit loop, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import ItemError, ParameterError, RespondentError

P_FORM, E_FORM = sq.instruments.SERVQUAL_22, sq.instruments.SERVQUAL_22_E
REVERSED = np.array([item.reverse for item in P_FORM.items])


def _raw(scored: np.ndarray) -> np.ndarray:
    """Answers as printed, from scored values (reverse-worded items flipped back: 8 − x)."""
    return np.where(REVERSED, 8 - scored, scored)


def _forms(gap_per_dimension: dict[str, float], n: int = 100):
    """Perception/expectation answers whose scored gap averages to the given values."""
    dims = [item.dimension for item in P_FORM.items]
    e = np.full((n, 22), 6.0)
    p = np.full((n, 22), 6.0)
    for j, d in enumerate(dims):
        g = gap_per_dimension[d]  # in (-2, 0]: mix gaps of -1 and -2 (or 0 and -1)
        if g >= -1:
            k = round(-g * n)
            p[:k, j] = 5.0
        else:
            k = round((-g - 1) * n)
            p[:, j] = 5.0
            p[:k, j] = 4.0
    return sq.Responses.from_arrays(_raw(p), P_FORM), sq.Responses.from_arrays(_raw(e), E_FORM)


def test_reference_unweighted_gap(reference) -> None:
    rec = reference("indices.json")["servqual"][0]  # published tutorial example
    p, e = _forms(rec["dimension_gaps"])
    r = sq.servqual_gaps(p, e)
    for d, gap in rec["dimension_gaps"].items():
        assert r.dimensions[d].value == pytest.approx(gap, rel=1e-12)
    assert r.overall.value == pytest.approx(rec["unweighted"], rel=1e-12)  # printed -0.86
    assert list(r.dimensions) == [
        "tangibles",
        "reliability",
        "responsiveness",
        "assurance",
        "empathy",
    ]
    assert r.weighted is None
    assert r.n == 100


def test_reverse_scored_items_flip_the_gap() -> None:
    # S1 is worded negatively: agreeing more on the perception form is a *worse* perception.
    raw_p = np.full((2, 22), 4.0)
    raw_e = np.full((2, 22), 4.0)
    j = P_FORM.index("S1")
    raw_p[:, j] = 6.0
    r = sq.servqual_gaps(
        sq.Responses.from_arrays(raw_p, P_FORM), sq.Responses.from_arrays(raw_e, E_FORM)
    )
    assert r.items["S1"].value == pytest.approx(-2.0)
    assert r.items["T1"].value == pytest.approx(0.0)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(1, 7), min_size=22, max_size=22), min_size=1, max_size=6))
def test_reverse_scoring_twice_is_identity(rows) -> None:
    raw = np.array(rows, float)
    r = sq.Responses.from_arrays(raw, P_FORM)
    once = r.values()
    twice = sq.Responses.from_arrays(once, P_FORM).values()
    np.testing.assert_array_equal(twice, raw)
    np.testing.assert_array_equal(r.values(reverse=False), raw)


def test_weighted_servqual_by_explicit_loop() -> None:
    rng = np.random.default_rng(7)
    n = 30
    p = sq.Responses.from_arrays(rng.integers(1, 8, (n, 22)).astype(float), P_FORM)
    e = sq.Responses.from_arrays(rng.integers(1, 8, (n, 22)).astype(float), E_FORM)
    raw_points = rng.dirichlet(np.ones(5), n) * 100
    points = raw_points / raw_points.sum(axis=1, keepdims=True) * 100
    r = sq.servqual_gaps(p, e, importance_points=points)
    gaps = p.values() - e.values()
    dims = list(dict.fromkeys(item.dimension for item in P_FORM.items))
    scores = []
    for i in range(n):  # indices.md: Σ weight × dimension gap per respondent, then averaged
        s = 0.0
        for d_pos, d in enumerate(dims):
            cols = [j for j, item in enumerate(P_FORM.items) if item.dimension == d]
            s += points[i, d_pos] / 100 * np.mean(gaps[i, cols])
        scores.append(s)
    assert r.weighted is not None
    assert r.weighted.value == pytest.approx(np.mean(scores), rel=1e-12)
    ref = sq.Design({"s": np.array(scores)}).mean("s")  # R: svymean(~s, srs design)
    assert r.weighted.se == pytest.approx(ref.se, rel=1e-12)
    mapping = {d: points[:, k] for k, d in enumerate(dims)}
    assert sq.servqual_gaps(p, e, importance_points=mapping).weighted == r.weighted


def test_servperf_means() -> None:
    rng = np.random.default_rng(8)
    raw = rng.integers(1, 8, (25, 22)).astype(float)
    raw[3, 4] = np.nan
    p = sq.Responses.from_arrays(raw, P_FORM)
    r = sq.servperf(p)
    scored = p.values()
    tang = [np.nanmean(scored[:, j]) for j in range(4)]
    assert r.dimensions["tangibles"].value == pytest.approx(np.mean(tang))
    assert r.items["R1"].value == pytest.approx(np.nanmean(scored[:, 4]))
    assert r.overall.value == pytest.approx(np.mean([d.value for d in r.dimensions.values()]))
    assert r.items["R1"].n == 24


def test_by_and_compare() -> None:
    rng = np.random.default_rng(9)
    n = 40
    attrs = {"gender": np.repeat(["f", "m"], n // 2)}
    p = sq.Responses.from_arrays(
        rng.integers(1, 8, (n, 22)).astype(float), P_FORM, attributes=attrs
    )
    e = sq.Responses.from_arrays(
        rng.integers(1, 8, (n, 22)).astype(float), E_FORM, attributes=attrs
    )
    res = sq.servqual_gaps(p, e, by="gender")
    c = sq.servqual_compare(p, e, by="gender", groups=("f", "m"))
    assert c.difference.value == pytest.approx(res["f"].overall.value - res["m"].overall.value)
    assert 0 <= c.p_value <= 1
    c2 = sq.servperf_compare(p, by="gender", groups=("f", "m"))
    perf = sq.servperf(p, by="gender")
    assert c2.difference.value == pytest.approx(perf["f"].overall.value - perf["m"].overall.value)
    waves = sq.servqual_compare(p, e, (p, e))
    assert waves.difference.value == pytest.approx(0.0)


def test_errors() -> None:
    rows = np.full((4, 22), 4.0)
    p = sq.Responses.from_arrays(rows, P_FORM)
    e = sq.Responses.from_arrays(rows, E_FORM)
    bad = np.full((4, 5), 20.0)
    bad[3] = [20, 20, 20, 20, 10]
    with pytest.raises(ParameterError, match=r"respondent 3 \(row 3\) sum to 90, not 100"):
        sq.servqual_gaps(p, e, importance_points=bad)
    with pytest.raises(ParameterError, match=r"must be \(respondents × dimensions\) = \(4, 5\)"):
        sq.servqual_gaps(p, e, importance_points=np.full((4, 4), 25.0))
    with pytest.raises(ParameterError, match=r"missing: \['reliability', 'responsiveness'"):
        sq.servqual_gaps(p, e, importance_points={"tangibles": [100] * 4})
    with pytest.raises(
        RespondentError, match="perceptions has 4 respondents but expectations has 3"
    ):
        sq.servqual_gaps(p, sq.Responses.from_arrays(rows[:3], E_FORM))
    other_ids = sq.Responses.from_arrays(rows, E_FORM, respondent_ids=[0, 1, 7, 3])
    with pytest.raises(
        RespondentError, match="row 2 is respondent 2 in perceptions but 7 in expectations"
    ):
        sq.servqual_gaps(p, other_ids)
    short = sq.Instrument(id="s", name="s", scale=sq.Scale(min=1, max=7), items=P_FORM.items[:21])
    with pytest.raises(ItemError, match=r"only in perceptions: \['E5'\]"):
        sq.servqual_gaps(p, sq.Responses.from_arrays(rows[:, :21], short))
