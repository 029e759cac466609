"""CSI and NPS under a stratified weighted design, against R ``survey``.

Values in tests/data/indices_design.json were produced once with R (the calls are in the
file): CSI as a smooth function of weighted totals via ``svycontrast`` (delta method), NPS
as ``svymean`` of the per-respondent +1/0/−1 score. The tests do not need R.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import servqual as sq

DATA = json.loads((Path(__file__).parents[1] / "data" / "indices_design.json").read_text())
COLS = DATA["data"]
REF = DATA["reference"]

FIVE = sq.Instrument(
    id="five",
    name="Five counter items",
    scale=sq.Scale(min=1, max=5),
    items=tuple(sq.Item(id=f"Q{j}", text=f"Item {j}") for j in range(1, 6)),
)


def _answers(prefix: str) -> sq.Responses:
    scores = np.column_stack([COLS[f"{prefix}{j}"] for j in range(1, 6)])
    return sq.Responses.from_arrays(
        scores, FIVE, weights=np.asarray(COLS["w"]), strata=np.asarray(COLS["stratum"])
    )


def test_csi_matches_svycontrast() -> None:
    # R: svycontrast(svytotal(~p1+..+p5+i1+..+i5+one, des),
    #                quote(100*(i1*p1+...+i5*p5)/((i1+...+i5)*one*5)))
    ref = REF["csi"]
    result = sq.csi(_answers("p"), _answers("i"))
    assert result.index.value == pytest.approx(ref["estimate"], rel=1e-10)
    assert result.index.se == pytest.approx(ref["se"], rel=1e-9)
    assert result.index.df == ref["df"]


def test_nps_se_on_the_design() -> None:
    # R: svymean(~nps_score, des), nps_score = +1 (9–10), 0 (7–8), −1 (0–6). servqual
    # reports NPS on −100…100 and uses the textbook n divisor, so its SE is R's × √((n−1)/n).
    ref = REF["nps_stratified"]
    scores = np.asarray(COLS["nps"])[:, None]
    responses = sq.Responses.from_arrays(
        scores,
        sq.instruments.NPS,
        weights=np.asarray(COLS["w"]),
        strata=np.asarray(COLS["stratum"]),
    )
    result = sq.nps(responses, method="wald")
    n = len(scores)
    assert result.nps.value == pytest.approx(100 * ref["estimate"], rel=1e-10)
    assert result.nps.se == pytest.approx(100 * ref["se"] * np.sqrt((n - 1) / n), rel=1e-9)


def test_nps_srs_divisor() -> None:
    # R: svymean(~nps_score, svydesign(ids=~1, data=d)) uses n − 1; the NPS package and
    # servqual use n: SE_servqual = SE_R × √((n − 1)/n).
    ref = REF["nps_srs"]
    scores = np.asarray(COLS["nps"])
    result = sq.nps(scores, method="wald")
    n = len(scores)
    assert result.nps.value == pytest.approx(100 * ref["estimate"], rel=1e-10)
    assert result.nps.se == pytest.approx(100 * ref["se"] * np.sqrt((n - 1) / n), rel=1e-9)
