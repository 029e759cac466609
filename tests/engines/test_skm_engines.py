"""``skm_index`` of answers reduced by an engine equals the in-memory index (rel 1e-9).

Independent fact: the in-memory :func:`servqual.skm_index` (checked against R ``survey``
``svycontrast`` in tests/indices/); the engine path sums the answers per (stratum, PSU,
domain) cell in Polars or DuckDB and finishes with the same functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import servqual as sq
from servqual.engines.responses import EngineResponses
from servqual.errors import DataFormatError, ScaleError, ServqualTypeError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

DESIGNS = {
    "stratified clustered weighted": {"weights": "w", "strata": "province", "clusters": "village"},
    "stratified weighted": {"weights": "w", "strata": "province"},
    "simple random": {},
}
SKM = sq.instruments.SKM_2017


@pytest.fixture(scope="module")
def frame(make_survey: Callable[..., Any]) -> Any:
    return make_survey()


def _engines(frame: Any) -> dict[str, Any]:
    return {"polars lazy": frame.lazy(), "duckdb": duckdb.from_arrow(frame.to_arrow())}


def _same(a: sq.SKMResult, b: sq.SKMResult) -> None:
    ia, ib = a.index, b.index
    assert [ib.value, ib.se, ib.ci.low, ib.ci.high] == pytest.approx(
        [ia.value, ia.se, ia.ci.low, ia.ci.high], rel=1e-9
    )
    assert (ib.n, ib.df, b.grade, b.crosses_grade_boundary) == (
        ia.n,
        ia.df,
        a.grade,
        a.crosses_grade_boundary,
    )
    assert [e.nrr for e in b.elements] == pytest.approx([e.nrr for e in a.elements], rel=1e-12)
    assert [e.n for e in b.elements] == [e.n for e in a.elements]
    assert (b.by, b.domain) == (a.by, a.domain)


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("weights", ["exact", "regulation"])
def test_index_with_interval_equals_in_memory(frame: Any, design: str, weights: str) -> None:
    memory = sq.skm_index(
        sq.Responses.from_frame(frame, SKM, **DESIGNS[design]), weights=weights, level=0.9
    )
    for native in _engines(frame).values():
        responses = sq.Responses.from_frame(native, SKM, **DESIGNS[design])
        assert isinstance(responses, EngineResponses)
        _same(memory, sq.skm_index(responses, weights=weights, level=0.9))


@pytest.mark.parametrize("design", DESIGNS)
def test_fifty_unit_breakdown_equals_in_memory(frame: Any, design: str) -> None:
    memory = sq.skm_index(sq.Responses.from_frame(frame, SKM, **DESIGNS[design]), by="unit")
    assert len(memory) == 50
    for native in _engines(frame).values():
        got = sq.skm_index(sq.Responses.from_frame(native, SKM, **DESIGNS[design]), by="unit")
        assert list(got) == list(memory)
        for key in memory:
            _same(memory[key], got[key])


def test_several_by_columns(frame: Any) -> None:
    kw = DESIGNS["stratified clustered weighted"]
    memory = sq.skm_index(sq.Responses.from_frame(frame, SKM, **kw), by=["province", "channel"])
    got = sq.skm_index(sq.Responses.from_frame(frame.lazy(), SKM, **kw), by=["province", "channel"])
    assert list(got) == list(memory)
    for key in memory:
        _same(memory[key], got[key])


def test_items_mapped_to_other_columns(frame: Any) -> None:
    renamed = frame.rename({"U1": "q1"})
    memory = sq.skm_index(sq.Responses.from_frame(renamed, SKM, items={"U1": "q1"}))
    got = sq.skm_index(sq.Responses.from_frame(renamed.lazy(), SKM, items={"U1": "q1"}))
    _same(memory, got)


def test_out_of_scale_answer_names_item_and_row(frame: Any) -> None:
    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 42).then(6).otherwise(pl.col("U3")).alias("U3")
    )
    with pytest.raises(
        ScaleError, match=r"answer to item 'U3' in row 42 is 6, outside the scale 1–4"
    ):
        sq.Responses.from_frame(bad.lazy(), SKM)
    with pytest.raises(
        ScaleError, match=r"item 'U3' in a row \(a duckdb frame has no row numbers\) is 6"
    ):
        sq.Responses.from_frame(duckdb.from_arrow(bad.to_arrow()), SKM)
    half = frame.with_columns(pl.col("U5").cast(pl.Float64).fill_null(2.5))
    with pytest.raises(
        ScaleError, match=r"answer to item 'U5' in row \d+ is 2\.5, not an integer \(\d+ bad"
    ):
        sq.Responses.from_frame(half.lazy(), SKM)


def test_missing_item_column(frame: Any) -> None:
    with pytest.raises(DataFormatError, match=r"the frame has no column 'U9' for item 'U9'"):
        sq.Responses.from_frame(frame.drop("U9").lazy(), SKM)


def test_codes_are_refused(frame: Any) -> None:
    # method="bootstrap" runs from the engine's answer patterns: test_bootstrap_engines.py
    responses = sq.Responses.from_frame(frame.lazy(), SKM)
    with pytest.raises(ServqualTypeError, match=r"answer codes need the rows in memory"):
        _ = responses.codes
    assert responses.n == len(responses) == 4000


NPS_ITEM = sq.instruments.NPS.item_ids[0]


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("method", ["adjusted_wald", "wald"])
def test_nps_equals_in_memory(frame: Any, design: str, method: str) -> None:
    nps_frame = frame.select("province", "village", "unit", "w", pl.col("nps").alias(NPS_ITEM))
    memory_responses = sq.Responses.from_frame(nps_frame, sq.instruments.NPS, **DESIGNS[design])
    for native in _engines(nps_frame).values():
        responses = sq.Responses.from_frame(native, sq.instruments.NPS, **DESIGNS[design])
        for by in (None, "unit"):
            memory = sq.nps(memory_responses, method=method, by=by)
            got = sq.nps(responses, method=method, by=by)
            pairs = [(memory, got)] if by is None else [(memory[k], got[k]) for k in memory]
            assert by is None or list(got) == list(memory)
            for a, b in pairs:
                assert [b.nps.value, b.nps.se, b.nps.ci.low, b.nps.ci.high, b.promoters] == (
                    pytest.approx(
                        [a.nps.value, a.nps.se, a.nps.ci.low, a.nps.ci.high, a.promoters],
                        rel=1e-9,
                    )
                )
                assert (b.n, b.method, b.nps.deff) == (a.n, a.method, pytest.approx(a.nps.deff))


def test_attributes_and_id_column(frame: Any) -> None:
    numbered = frame.with_row_index("rid")
    responses = sq.Responses.from_frame(numbered.lazy(), SKM, id_column="rid", weights="w")
    assert (
        responses.attributes == sq.Responses.from_frame(numbered, SKM, id_column="rid").attributes
    )
    with pytest.raises(DataFormatError, match=r"id_column column 'respondent' is not in the frame"):
        sq.Responses.from_frame(frame.lazy(), SKM, id_column="respondent")


@pytest.mark.parametrize("design", DESIGNS)
def test_csat_equals_in_memory(frame: Any, design: str) -> None:
    item = sq.instruments.CSAT.item_ids[0]
    csat_frame = frame.select(
        "province", "village", "unit", "w", pl.col("U2").cast(pl.Int64).alias(item)
    ).with_columns(pl.col(item) + 1)  # 2…5 on the 1–5 CSAT scale
    memory_responses = sq.Responses.from_frame(csat_frame, sq.instruments.CSAT, **DESIGNS[design])
    for native in _engines(csat_frame).values():
        responses = sq.Responses.from_frame(native, sq.instruments.CSAT, **DESIGNS[design])
        for by in (None, "unit"):
            memory = sq.csat(memory_responses, by=by, top=2)
            got = sq.csat(responses, by=by, top=2)
            pairs = [(memory, got)] if by is None else [(memory[k], got[k]) for k in memory]
            for a, b in pairs:
                for ea, eb in ((a.top_box, b.top_box), (a.mean, b.mean)):
                    assert [eb.value, eb.se, eb.ci.low, eb.ci.high, eb.n] == pytest.approx(
                        [ea.value, ea.se, ea.ci.low, ea.ci.high, ea.n], rel=1e-9
                    )
                    assert eb.ci.method == ea.ci.method


@pytest.mark.parametrize("design", DESIGNS)
def test_ces_equals_in_memory(frame: Any, design: str) -> None:
    item = sq.instruments.CES.item_ids[0]
    ces_frame = frame.select(
        "province", "village", "unit", "w", (pl.col("U4").cast(pl.Int64) + 2).alias(item)
    )  # 3…6 on the 1–7 CES scale
    memory_responses = sq.Responses.from_frame(ces_frame, sq.instruments.CES, **DESIGNS[design])
    for native in _engines(ces_frame).values():
        responses = sq.Responses.from_frame(native, sq.instruments.CES, **DESIGNS[design])
        for by in (None, "unit"):
            memory = sq.ces(memory_responses, by=by)
            got = sq.ces(responses, by=by)
            pairs = [(memory, got)] if by is None else [(memory[k], got[k]) for k in memory]
            for a, b in pairs:
                assert b.threshold == a.threshold
                for ea, eb in ((a.low_effort, b.low_effort), (a.mean, b.mean)):
                    assert [eb.value, eb.se, eb.ci.low, eb.ci.high, eb.n] == pytest.approx(
                        [ea.value, ea.se, ea.ci.low, ea.ci.high, ea.n], rel=1e-9
                    )
