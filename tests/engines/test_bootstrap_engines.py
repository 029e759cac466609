"""The bootstrap SKM index of an engine frame equals the in-memory one, replicates included.

Independent fact: ``sq.skm_index(method="bootstrap" | "bootstrap_bca", seed=...)`` in
memory (tests/indices/ check its intervals against scipy and the row-by-row jackknife).
The engine returns its distinct (stratum, domain, weight, answers) patterns with their
counts; resampling those is resampling the rows, draw for draw, so the same seed gives
the same standard error and interval (the point value to rounding, rel 1e-9).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

import servqual as sq
from servqual.errors import ServqualError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

SKM = sq.instruments.SKM_2017
DESIGNS: dict[str, dict[str, Any]] = {
    "stratified weighted": {"weights": "w", "strata": "province"},
    "simple random": {},
    "stratified, weights from the fpc": {"strata": "province", "fpc": "N"},
}


@pytest.fixture(scope="module")
def frame(make_survey: Callable[..., Any]) -> Any:
    survey = make_survey(1200, 9)
    return survey.with_columns(N=pl.when(pl.col("province") == "Aceh").then(900.0).otherwise(600.0))


def _same(a: sq.Estimate, b: sq.Estimate) -> None:
    assert (b.se, b.n, b.df, b.ci.method, b.ci.level) == (a.se, a.n, a.df, a.ci.method, a.ci.level)
    assert [b.value, b.ci.low, b.ci.high] == pytest.approx([a.value, a.ci.low, a.ci.high], rel=1e-9)


@pytest.mark.parametrize("method", ["bootstrap", "bootstrap_bca"])
@pytest.mark.parametrize("design", DESIGNS)
def test_same_seed_same_bootstrap(frame: Any, design: str, method: str) -> None:
    kw = {"method": method, "seed": 5, "n_resamples": 400}
    want = sq.skm_index(sq.Responses.from_frame(frame, SKM, **DESIGNS[design]), **kw)
    for native in (frame.lazy(), duckdb.from_arrow(frame.to_arrow())):
        got = sq.skm_index(sq.Responses.from_frame(native, SKM, **DESIGNS[design]), **kw)
        _same(want.index, got.index)
        assert got.crosses_grade_boundary == want.crosses_grade_boundary


def test_domains_draw_from_one_generator(frame: Any) -> None:
    kw = {"method": "bootstrap", "seed": 11, "n_resamples": 300, "by": "channel"}
    design = DESIGNS["stratified weighted"]
    want = sq.skm_index(sq.Responses.from_frame(frame, SKM, **design), **kw)
    got = sq.skm_index(sq.Responses.from_frame(frame.lazy(), SKM, **design), **kw)
    assert list(got) == list(want)
    for key in want:
        _same(want[key].index, got[key].index)


ERRORS: dict[str, tuple[dict[str, Any], Callable[[Any], Any]]] = {
    "clustered design": (
        {"weights": "w", "strata": "province", "clusters": "village"},
        lambda r: sq.skm_index(r, method="bootstrap", seed=1),
    ),
    "calibrated design": (
        {"weights": "w"},
        lambda r: sq.skm_index(
            r.poststratify("channel", {"desk": 5, "web": 3, "phone": 2}), method="bootstrap"
        ),
    ),
    "too few resamples": ({}, lambda r: sq.skm_index(r, method="bootstrap", n_resamples=0)),
    "bad seed": ({}, lambda r: sq.skm_index(r, method="bootstrap_bca", seed=-1)),
}


@pytest.mark.parametrize("case", ERRORS)
def test_errors_are_the_in_memory_errors(frame: Any, case: str) -> None:
    design, call = ERRORS[case]
    with pytest.raises(ServqualError) as memory:
        call(sq.Responses.from_frame(frame, SKM, **design))
    with pytest.raises(type(memory.value), match=re.escape(str(memory.value))):
        call(sq.Responses.from_frame(frame.lazy(), SKM, **design))


@pytest.mark.parametrize("design", DESIGNS)
def test_nps_bootstrap(frame: Any, design: str) -> None:
    nps_frame = frame.rename({"nps": sq.instruments.NPS.item_ids[0]})
    kw = {"method": "bootstrap", "seed": 3, "n_resamples": 300, "by": "channel"}
    memory = sq.Responses.from_frame(nps_frame, sq.instruments.NPS, **DESIGNS[design])
    want = sq.nps(memory, **kw)
    for native in (nps_frame.lazy(), duckdb.from_arrow(nps_frame.to_arrow())):
        engine = sq.Responses.from_frame(native, sq.instruments.NPS, **DESIGNS[design])
        got = sq.nps(engine, **kw)
        assert list(got) == list(want)
        for key in want:
            _same(want[key].nps, got[key].nps)
    clustered = {"weights": "w", "strata": "province", "clusters": "village"}
    with pytest.raises(ServqualError) as error:
        sq.nps(sq.Responses.from_frame(nps_frame, sq.instruments.NPS, **clustered), **kw)
    with pytest.raises(type(error.value), match=re.escape(str(error.value))):
        sq.nps(sq.Responses.from_frame(nps_frame.lazy(), sq.instruments.NPS, **clustered), **kw)
