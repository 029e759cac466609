"""CES: mean and low-effort share, direction from the instrument; rescaling to 0-100."""

from __future__ import annotations

import numpy as np
import pytest

import servqual as sq
from servqual.errors import ParameterError


def test_ces_2_high_is_easy() -> None:
    answers = [7, 6, 5, 6, 2, 7, 4, 6, 5, 3]
    r = sq.ces(answers)
    assert r.high_is_easy
    assert r.threshold == 5
    assert r.mean.value == pytest.approx(np.mean(answers))
    assert r.low_effort.value == pytest.approx(70.0)
    ref = sq.Design({"y": np.array(answers, float)}).mean("y")  # R: svymean(~y, srs)
    assert r.mean.se == pytest.approx(ref.se, rel=1e-12)
    assert sq.ces(answers, threshold=7).low_effort.value == pytest.approx(20.0)


def test_original_ces_high_is_effort() -> None:
    inst = sq.Instrument(
        id="ces1",
        name="CES 1.0",
        scale=sq.Scale(min=1, max=5),
        items=[sq.Item(id="effort", text="How much effort did you personally have to put forth?")],
        metadata={"direction": "high = effort"},
    )
    r = sq.ces(sq.Responses.from_arrays([[1.0], [2.0], [4.0], [5.0]], inst))
    assert not r.high_is_easy
    assert r.threshold == 2
    assert r.low_effort.value == pytest.approx(50.0)


def test_compare_and_errors() -> None:
    d = sq.ces_compare([7, 6, 5, 6, 2, 7], [4, 3, 5, 2, 3, 4])
    assert d.difference.value == pytest.approx(2.0)
    assert 0 <= d.p_value <= 1
    with pytest.raises(ParameterError, match=r"threshold must be an answer level 1–7, got 9"):
        sq.ces([5, 6], threshold=9)


def test_rescale_0_100() -> None:
    est = sq.ces([7, 6, 5, 6, 2, 7, 4, 6, 5, 3]).mean
    r = sq.rescale_0_100(est, sq.instruments.CES.scale)
    assert r.value == pytest.approx(
        (5.1 - 1) / 6 * 100
    )  # indices.md: (mean - min)/(max - min) x 100
    assert r.se == pytest.approx(est.se * 100 / 6)
    assert r.ci.low == pytest.approx((est.ci.low - 1) * 100 / 6)
    assert r.at_level(0.95).ci.high == pytest.approx(r.ci.high)
    assert sq.rescale_0_100(3, (1, 5)) == 50.0
    share = sq.csat([5, 4, 3, 2]).top_box
    with pytest.raises(ParameterError, match="only a linear interval"):
        sq.rescale_0_100(share, (0, 100))
    with pytest.raises(ParameterError, match="scale max 1 must be above min 5"):
        sq.rescale_0_100(3.0, (5, 1))
