"""Engine results keep the in-memory guarantees: ranges, clipping, tables, argument checks.

Independent fact: the in-memory path on the same rows (its ranges and clipping are checked
in tests/regressions/ and tests/test_bounds*.py); an engine result must carry the same
``bounds``, the same interval cut to them, and the same ``DomainResults`` table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import servqual as sq
from servqual.engines.responses import EngineResponses
from servqual.errors import DesignError, ParameterError, ServqualTypeError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

KW = {"weights": "w", "strata": "province", "clusters": "village"}


@pytest.fixture(scope="module")
def frame(make_survey: Callable[..., Any]) -> Any:
    return make_survey()


def _engines(frame: Any) -> list[Any]:
    return [frame.lazy(), duckdb.from_arrow(frame.to_arrow())]


def _same(a: sq.Estimate, b: sq.Estimate) -> None:
    assert b.bounds == a.bounds
    assert [b.value, b.se, b.ci.low, b.ci.high] == pytest.approx(
        [a.value, a.se, a.ci.low, a.ci.high], rel=1e-9, nan_ok=True
    )
    assert (b.ci.method, b.n, b.df) == (a.ci.method, a.n, a.df)


def test_design_results_carry_bounds_and_tables(frame: Any) -> None:
    memory = sq.Design(frame, **KW)
    for native in _engines(frame):
        d = sq.Design(native, **KW)
        _same(memory.proportion("channel", "web"), d.proportion("channel", "web"))
        assert d.proportion("channel", "web").bounds == (0.0, 1.0)
        for run in (
            lambda x: x.by("unit").mean("minutes"),
            lambda x: x.by("unit").proportion("channel", "web"),
            lambda x: x.by(["province", "channel"]).total("cases"),
        ):
            want, got = run(memory), run(d)
            assert isinstance(got, sq.DomainResults)
            assert (list(got), got.by) == (list(want), want.by)
            for key in want:
                _same(want[key], got[key])
        both = d.mean(["minutes", "cases"])  # a list of columns: one table keyed by column
        assert isinstance(both, sq.DomainResults)
        _same(memory.mean("cases"), both["cases"])


def test_index_intervals_are_cut_to_their_range(make_survey: Callable[..., Any]) -> None:
    # 12 respondents nearly all at the top of the scale: the t interval would pass 100 / 5
    small = make_survey(12, 7).with_columns(
        [pl.lit(4, dtype=pl.Int8).alias(f"U{j}") for j in range(1, 9)]
        + [pl.when(pl.int_range(pl.len()) == 0).then(3).otherwise(4).cast(pl.Int8).alias("U9")]
    )
    skm = sq.instruments.SKM_2017
    memory = sq.skm_index(sq.Responses.from_frame(small, skm))
    assert memory.index.bounds == (25.0, 100.0)
    assert memory.index.ci.high == 100.0  # clipped in memory
    for native in _engines(small):
        got = sq.skm_index(sq.Responses.from_frame(native, skm))
        _same(memory.index, got.index)
    item = sq.instruments.CSAT.item_ids[0]
    top = small.select("unit", (pl.col("U9").cast(pl.Int64) + 1).alias(item))  # 4 or 5
    want = sq.csat(sq.Responses.from_frame(top, "csat"), top=1)
    assert want.mean.bounds == (1.0, 5.0)
    assert want.mean.ci.high == 5.0  # clipped in memory
    for native in _engines(top):
        got = sq.csat(sq.Responses.from_frame(native, "csat"), top=1)
        _same(want.mean, got.mean)
        _same(want.top_box, got.top_box)


def test_index_breakdowns_are_domain_results(frame: Any) -> None:
    nps_item = sq.instruments.NPS.item_ids[0]
    nps_frame = frame.select("province", "village", "unit", "w", pl.col("nps").alias(nps_item))
    for native in _engines(frame):
        got = sq.skm_index(sq.Responses.from_frame(native, "skm-2017", **KW), by="unit")
        assert isinstance(got, sq.DomainResults)
        assert got.by == "unit"
    want = sq.nps(sq.Responses.from_frame(nps_frame, "nps", **KW), by="unit")
    for native in _engines(nps_frame):
        got_nps = sq.nps(sq.Responses.from_frame(native, "nps", **KW), by="unit")
        assert isinstance(got_nps, sq.DomainResults)
        for key in want:
            _same(want[key].nps, got_nps[key].nps)


def test_instrument_by_name(frame: Any) -> None:
    responses = sq.Responses.from_frame(frame.lazy(), "skm-2017", weights="w")
    assert isinstance(responses, EngineResponses)
    assert responses.instrument is sq.instruments.SKM_2017
    with pytest.raises(ParameterError, match=r"skm-2071"):
        sq.Responses.from_frame(frame.lazy(), "skm-2071")


def test_in_memory_design_arguments_are_refused_by_name(frame: Any) -> None:
    lazy = frame.lazy()
    with pytest.raises(ServqualTypeError, match=r"weights must name a column of the polars"):
        sq.Design(lazy, weights=np.ones(4000))
    with pytest.raises(ServqualTypeError, match=r"clusters=\['province', 'village'\] .*multistage"):
        sq.Design(lazy, clusters=["province", "village"])
    with pytest.raises(ServqualTypeError, match=r"pps='brewer' needs the rows in memory"):
        sq.Design(lazy, clusters="village", fpc="w", pps="brewer")
    with pytest.raises(DesignError, match=r"strata and clusters both name column 'village'"):
        sq.Design(lazy, strata="village", clusters="village")
    with pytest.raises(ParameterError, match=r"got 'likelihood' \('likelihood' needs the rows"):
        sq.Design(lazy).proportion("channel", "web", method="likelihood")
