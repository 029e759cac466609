"""Indices of post-stratified and raked engine responses equal the in-memory ones (rel 1e-9).

Independent fact: ``sq.skm_index``, ``sq.nps``, ``sq.csat`` and ``sq.ces`` of in-memory
``Responses.poststratify``/``Responses.rake`` (whose calibrated standard errors are R
``postStratify``/``rake`` + ``svymean``'s, tests/design/); the engine path reduces the
answers per (stratum, PSU, domain, calibration cell).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import servqual as sq
from servqual.engines.responses import EngineResponses

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

KW = {"weights": "w", "strata": "province", "clusters": "village"}
CHANNELS = {"desk": 50_000, "web": 30_000, "phone": 20_000}
PROVINCES = {"Aceh": 10_000, "Bali": 40_000, "Jambi": 25_000, "Riau": 25_000}
CALIBRATIONS: dict[str, Callable[[Any], Any]] = {
    "poststratify": lambda r: r.poststratify("channel", CHANNELS),
    "rake": lambda r: r.rake({"channel": CHANNELS, "province": PROVINCES}),
}
DESIGNS = {
    "stratified clustered weighted": KW,
    "stratified weighted": {"weights": "w", "strata": "province"},
}


def _close(a: sq.Estimate, b: sq.Estimate) -> None:
    got = [b.value, b.se, b.ci.low, b.ci.high, b.n, b.df or -1.0]
    want = [a.value, a.se, a.ci.low, a.ci.high, a.n, a.df or -1.0]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert b.ci.method == a.ci.method


@pytest.fixture(scope="module")
def frame(make_survey: Callable[..., Any]) -> Any:
    survey = make_survey(2500, 5)
    return survey.with_columns(effort=(pl.col("cases") + 2).cast(pl.Int8))  # 3–7


def _natives(frame: Any) -> list[Any]:
    return [frame.lazy(), duckdb.from_arrow(frame.to_arrow())]


@pytest.mark.parametrize("calibration", CALIBRATIONS)
@pytest.mark.parametrize("design", DESIGNS)
def test_skm_index(frame: Any, design: str, calibration: str) -> None:
    skm, kw, calibrate = sq.instruments.SKM_2017, DESIGNS[design], CALIBRATIONS[calibration]
    memory = calibrate(sq.Responses.from_frame(frame, skm, **kw))
    want, want_by = sq.skm_index(memory), sq.skm_index(memory, by="unit")
    for native in _natives(frame):
        engine = calibrate(sq.Responses.from_frame(native, skm, **kw))
        assert isinstance(engine, EngineResponses)
        got = sq.skm_index(engine)
        _close(want.index, got.index)
        assert got.grade == want.grade
        assert [e.nrr for e in got.elements] == pytest.approx([e.nrr for e in want.elements])
        got_by = sq.skm_index(engine, by="unit")
        assert list(got_by) == list(want_by)
        for key in want_by:
            _close(want_by[key].index, got_by[key].index)


def _flat(result: Any, path: str = "") -> dict[str, Any]:
    """Every number of a result (a model, or a mapping of domain → model) by its path."""
    if hasattr(result, "model_dump"):
        result = result.model_dump()
    if isinstance(result, dict) or hasattr(result, "items"):
        out: dict[str, Any] = {}
        for key, value in result.items():
            out.update(_flat(value, f"{path}/{key}"))
        return out
    if isinstance(result, list | tuple):
        return _flat(dict(enumerate(result)), path)
    return {path: result} if isinstance(result, int | float) else {}


@pytest.mark.parametrize("calibration", CALIBRATIONS)
def test_nps_csat_ces(frame: Any, calibration: str) -> None:
    calibrate = CALIBRATIONS[calibration]
    runs: list[tuple[sq.Instrument, str, Callable[[Any], Any]]] = [
        (sq.instruments.NPS, "nps", lambda r: _flat(sq.nps(r, by="province"))),
        (sq.instruments.CSAT, "U1", lambda r: _flat(sq.csat(r, by="channel"))),
        (sq.instruments.CES, "effort", lambda r: _flat(sq.ces(r))),
    ]
    for instrument, column, run in runs:
        renamed = frame.rename({column: instrument.item_ids[0]})
        want = run(calibrate(sq.Responses.from_frame(renamed, instrument, **KW)))
        assert len(want) > 5
        for native in _natives(renamed):
            got = run(calibrate(sq.Responses.from_frame(native, instrument, **KW)))
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12), instrument.id
