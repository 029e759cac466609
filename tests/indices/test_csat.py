"""CSAT top-box share and mean: a design proportion (R svyciprop / svymean), properties, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DegenerateDataWarning, ParameterError, ScaleError
from servqual.stats.svyciprop import svy_proportion_interval


def test_top_box_is_a_design_proportion() -> None:
    answers = np.array([5, 4, 4, 3, 5, 2, 4, 4, 5, 3, 4, 1, 5, 3, 2, 4])
    strata = np.repeat(["a", "b"], 8)
    weights = np.repeat([3.0, 1.0], 8)
    r = sq.Responses.from_arrays(
        answers[:, None].astype(float), sq.instruments.CSAT, weights=weights, strata=strata
    )
    res = sq.csat(r, level=0.9)
    top = (answers >= 4).astype(float)
    d = sq.Design(
        {"t": top, "y": answers.astype(float), "w": weights, "s": strata}, weights="w", strata="s"
    )
    ref = d.mean("t", level=0.9)  # R: svymean(~I(y >= 4), design)
    assert res.top_box.value == pytest.approx(100 * ref.value, rel=1e-12)
    assert res.top_box.se == pytest.approx(100 * ref.se, rel=1e-12)
    lo, hi = svy_proportion_interval(ref.value, ref.se, d.df, 16, 0.9, "logit")  # R: svyciprop
    assert res.top_box.ci.low == pytest.approx(100 * lo[0], rel=1e-12)
    assert res.top_box.ci.high == pytest.approx(100 * hi[0], rel=1e-12)
    assert res.top_box.ci.method == "logit_percent"
    again = res.top_box.at_level(0.9)
    assert again.ci.low == pytest.approx(res.top_box.ci.low, rel=1e-12)
    mean = d.mean("y", level=0.9)  # R: svymean(~y, design)
    assert res.mean.value == pytest.approx(mean.value)
    assert res.mean.se == pytest.approx(mean.se)


def test_top_parameter() -> None:
    answers = [5, 4, 4, 3, 5, 2]
    assert sq.csat(answers, top=1).top_box.value == pytest.approx(100 * 2 / 6)
    assert sq.csat(answers, top=3).top_box.value == pytest.approx(100 * 5 / 6)
    with pytest.raises(ParameterError, match=r"top must be an integer from 1 to 4, got 5"):
        sq.csat(answers, top=5)


def test_by_and_compare() -> None:
    answers = [5, 4, 4, 3, 5, 2, 3, 2, 4, 1, 2, 3]
    region = ["urban"] * 6 + ["rural"] * 6
    r = sq.Responses.from_arrays(
        np.array(answers, float)[:, None], sq.instruments.CSAT, attributes={"region": region}
    )
    res = sq.csat(r, by="region")
    assert res["urban"].top_box.value == pytest.approx(100 * 4 / 6)
    assert res["rural"].top_box.value == pytest.approx(100 * 1 / 6)
    c = sq.csat_compare(r, by="region", groups=("urban", "rural"))
    assert c.difference.value == pytest.approx(50.0)
    assert 0.0 <= c.p_value <= 1.0
    w = sq.csat_compare(answers[:6], answers[6:])
    assert w.difference.value == pytest.approx(50.0)
    assert w.method == "independent"


def test_all_top_warns() -> None:
    with pytest.warns(DegenerateDataWarning, match="0 or 1"):
        r = sq.csat([5, 4, 5])
    assert r.top_box.value == 100.0
    assert r.top_box.ci.high == 100.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=3, max_size=40), st.integers(1, 4))
def test_csat_within_0_100(answers: list[int], top: int) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # 0 % / 100 % shares
        r = sq.csat(answers, top=top)
    assert 0.0 <= r.top_box.value <= 100.0
    assert math.isnan(r.top_box.ci.low) or 0.0 <= r.top_box.ci.low <= r.top_box.ci.high <= 100.0


def test_errors() -> None:
    with pytest.raises(ScaleError, match=r"CSAT answer in row 1 is 6: outside the scale 1–5"):
        sq.csat([4, 6])
    with pytest.raises(ParameterError, match=r"method must be one of \['logit'"):
        sq.csat([4, 5, 3], method="exact")  # type: ignore[arg-type]
