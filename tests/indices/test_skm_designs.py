"""SKM index under complex designs, against R ``survey`` (tests/data/skm_designs.json).

The file was produced once with R: ``svytotal`` of the answers (0 when missing) and of the
answered-indicators, then ``svycontrast(t, quote(25 * (w1*y1/a1 + …)))`` — the delta
method — with a t interval on ``degf(design)``. Domains come from ``subset(design, …)``,
which keeps the full design, so value and SE must match servqual's ``by=`` exactly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

import servqual as sq

DATA = json.loads((Path(__file__).parents[1] / "data" / "skm_designs.json").read_text())

# design name → keyword arguments naming the design columns (the R call is in the file)
DESIGNS: dict[str, dict[str, str]] = {
    "stratified_weighted": {"strata": "stratum", "weights": "w"},
    "stratified_fpc": {"strata": "stratum", "fpc": "N"},
    "clustered_stratified": {"strata": "stratum", "weights": "w", "clusters": "cluster"},
    "clustered_stratified_fpc": {
        "strata": "stratum",
        "weights": "w",
        "clusters": "cluster",
        "fpc": "Nc",
    },
    "clustered_only": {"weights": "w", "clusters": "psu"},
}


def _responses(design: str) -> Any:
    data = DATA["data"]
    scores = [[data[f"U{j}"][i] for j in range(1, 10)] for i in range(len(data["stratum"]))]
    columns = {k: np.asarray(data[k]) for k in ("stratum", "cluster", "w", "N", "Nc")}
    columns["psu"] = np.asarray(
        [f"{s}-{c}" for s, c in zip(data["stratum"], data["cluster"], strict=True)]
    )
    kwargs = {key: columns[col] for key, col in DESIGNS[design].items()}
    return sq.Responses.from_arrays(
        scores,
        sq.instruments.SKM_2017,
        attributes={"gender": np.asarray(data["gender"])},
        **kwargs,
    )


@pytest.mark.parametrize("design", sorted(DESIGNS))
@pytest.mark.parametrize("mode", ["exact", "regulation"])
def test_index_matches_r_survey(design: str, mode: str) -> None:
    ref = DATA["reference"][design][mode]
    result = sq.skm_index(_responses(design), weights=mode)
    est = result.index
    assert est.value == pytest.approx(ref["value"], rel=1e-9)
    assert est.se == pytest.approx(ref["se"], rel=1e-9)
    assert est.df == ref["df"]
    assert est.ci.low == pytest.approx(ref["ci_low"], rel=1e-9)
    assert est.ci.high == pytest.approx(ref["ci_high"], rel=1e-9)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_domains_match_r_subset(design: str) -> None:
    responses = _responses(design)
    full_df = sq.skm_index(responses).index.df
    by = sq.skm_index(responses, by="gender")
    assert sorted(by) == ["L", "P"]
    for group in ("L", "P"):
        ref = DATA["reference"][design][f"domain_{group}"]
        est = by[group].index
        assert est.value == pytest.approx(ref["value"], rel=1e-9)
        assert est.se == pytest.approx(ref["se"], rel=1e-9)
        # Domains keep the full design's degrees of freedom (svyby + confint(df = degf(design))).
        assert est.df == full_df
        q = stats.t.ppf(0.975, full_df)
        assert est.ci.low == pytest.approx(ref["value"] - q * ref["se"], rel=1e-9)
