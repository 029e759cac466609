"""CSI, IPA, SERVQUAL gaps and SERVPERF reduced by an engine equal the in-memory results.

Independent fact: the in-memory :func:`servqual.csi`, :func:`servqual.ipa`,
:func:`servqual.servqual_gaps` and :func:`servqual.servperf` (checked against R
``survey`` in tests/indices/); the engine path sums each form's answers per (stratum, PSU,
domain) cell in Polars or DuckDB and finishes with the same functions (rel 1e-9).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.engines.responses import EngineResponses
from servqual.errors import (
    DataFormatError,
    InsufficientDataError,
    ItemError,
    ParameterError,
    RespondentError,
    ScaleError,
    ServqualTypeError,
    ValidationError,
)

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

DESIGNS = {
    "stratified clustered weighted": {"weights": "w", "strata": "province", "clusters": "village"},
    "stratified weighted": {"weights": "w", "strata": "province"},
    "simple random": {},
}
KW = DESIGNS["stratified clustered weighted"]


@pytest.fixture(scope="module")
def frame(make_survey: Callable[..., Any], forms: Any) -> Any:
    return forms.add(make_survey())


def _engines(frame: Any) -> dict[str, Any]:
    return {"polars lazy": frame.lazy(), "duckdb": duckdb.from_arrow(frame.to_arrow())}


def same(a: sq.Estimate | None, b: sq.Estimate | None) -> None:
    """Two estimates agree: value, se and interval to rel 1e-9; n, df, range, method."""
    assert a is not None
    assert b is not None
    assert [b.value, b.se, b.ci.low, b.ci.high] == pytest.approx(
        [a.value, a.se, a.ci.low, a.ci.high], rel=1e-9, abs=1e-13, nan_ok=True
    )
    assert (b.n, b.df, b.bounds, b.ci.method, b.ci.level) == (
        a.n,
        a.df,
        a.bounds,
        a.ci.method,
        a.ci.level,
    )


def _pairs(memory: Any, got: Any, by: object) -> list[tuple[Any, Any]]:
    if by is None:
        return [(memory, got)]
    assert isinstance(got, sq.DomainResults)
    assert (list(got), got.by) == (list(memory), memory.by)
    return [(memory[key], got[key]) for key in memory]


def same_csi(a: sq.CSIResult, b: sq.CSIResult) -> None:
    same(a.index, b.index)
    assert (b.band, b.band_en, b.crosses_band_boundary, b.n, b.scale_max) == (
        a.band,
        a.band_en,
        a.crosses_band_boundary,
        a.n,
        a.scale_max,
    )
    assert [b.sum_mis, b.weighted_total] == pytest.approx([a.sum_mis, a.weighted_total], rel=1e-12)
    for ia, ib in zip(a.items, b.items, strict=True):
        assert ib.id == ia.id
        same(ia.mis, ib.mis)
        same(ia.mss, ib.mss)
        assert [ib.wf, ib.ws] == pytest.approx([ia.wf, ia.ws], rel=1e-12)


def same_ipa(a: sq.IPAResult, b: sq.IPAResult) -> None:
    assert (b.crosshair, b.n) == (a.crosshair, a.n)
    assert [b.importance_line, b.performance_line, b.conformity] == pytest.approx(
        [a.importance_line, a.performance_line, a.conformity], rel=1e-12
    )
    for ia, ib in zip(a.items, b.items, strict=True):
        same(ia.importance, ib.importance)
        same(ia.performance, ib.performance)
        assert (ib.id, ib.quadrant, ib.quadrant_en, ib.clear) == (
            ia.id,
            ia.quadrant,
            ia.quadrant_en,
            ia.clear,
        )
        assert ib.conformity == pytest.approx(ia.conformity, rel=1e-12)


def same_profile(a: Any, b: Any) -> None:
    assert b.n == a.n
    assert list(b.items) == list(a.items)
    assert list(b.dimensions) == list(a.dimensions)
    for key in a.items:
        same(a.items[key], b.items[key])
    for key in a.dimensions:
        same(a.dimensions[key], b.dimensions[key])
    same(a.overall, b.overall)


@pytest.mark.parametrize("design", DESIGNS)
def test_csi_equals_in_memory(frame: Any, forms: Any, design: str) -> None:
    memory = forms.pair(frame, **DESIGNS[design])
    for native in _engines(frame).values():
        engine = forms.pair(native, **DESIGNS[design])
        for by in (None, "unit"):
            want = sq.csi(*memory, by=by, level=0.9)
            got = sq.csi(*engine, by=by, level=0.9)
            assert by is None or len(want) == 50
            for a, b in _pairs(want, got, by):
                same_csi(a, b)


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("crosshair", ["data", "scale", "median"])
def test_ipa_equals_in_memory(frame: Any, forms: Any, design: str, crosshair: str) -> None:
    memory = forms.pair(frame, **DESIGNS[design])
    for native in _engines(frame).values():
        engine = forms.pair(native, **DESIGNS[design])
        for by in (None, "unit"):
            want = sq.ipa(*memory, by=by, crosshair=crosshair)  # type: ignore[arg-type]
            got = sq.ipa(*engine, by=by, crosshair=crosshair)  # type: ignore[arg-type]
            for a, b in _pairs(want, got, by):
                same_ipa(a, b)


@pytest.mark.parametrize("design", DESIGNS)
def test_servqual_gaps_and_servperf_equal_in_memory(frame: Any, forms: Any, design: str) -> None:
    memory = forms.pair(frame, **DESIGNS[design])
    points = {d: frame[col].to_numpy() for d, col in forms.points.items()}
    for native in _engines(frame).values():
        engine = forms.pair(native, **DESIGNS[design])
        for by in (None, "unit"):
            want = sq.servqual_gaps(*memory, by=by, importance_points=points)
            got = sq.servqual_gaps(*engine, by=by, importance_points=forms.points)
            for a, b in _pairs(want, got, by):
                same_profile(a, b)
                same(a.weighted, b.weighted)
            plain = sq.servqual_gaps(*engine, by=by)
            for a, b in _pairs(sq.servqual_gaps(*memory, by=by), plain, by):
                same_profile(a, b)
                assert (a.weighted, b.weighted) == (None, None)
            perf_want, perf_got = sq.servperf(memory[0], by=by), sq.servperf(engine[0], by=by)
            for a, b in _pairs(perf_want, perf_got, by):
                same_profile(a, b)


def test_several_by_columns(frame: Any, forms: Any) -> None:
    by = ["province", "channel"]
    memory, engine = forms.pair(frame, **KW), forms.pair(frame.lazy(), **KW)
    for a, b in _pairs(sq.csi(*memory, by=by), sq.csi(*engine, by=by), by):
        same_csi(a, b)
    for a, b in _pairs(sq.ipa(*memory, by=by), sq.ipa(*engine, by=by), by):
        same_ipa(a, b)


# --- the in-memory errors, raised by the engine path too


def test_out_of_scale_answer_and_missing_column(frame: Any, forms: Any) -> None:
    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 11).then(5).otherwise(pl.col("I2")).alias("I2")
    )
    with pytest.raises(ScaleError, match=r"answer to item 'Q2' in row 11 is 5, outside the scale"):
        forms.pair(bad.lazy(), **KW)
    with pytest.raises(ScaleError, match=r"item 'Q2' in a row \(a duckdb frame has no row"):
        forms.pair(duckdb.from_arrow(bad.to_arrow()), **KW)
    with pytest.raises(DataFormatError, match=r"the frame has no column 'I7' for item 'Q7'"):
        forms.pair(frame.drop("I7").lazy(), **KW)
    for data in (frame, frame.lazy()):  # the same error in memory and in the engine
        for index in (sq.csi, sq.ipa, sq.servqual_gaps):
            with pytest.raises(ValidationError, match=r"column 'nope' is not in the data"):
                index(*forms.pair(data, **KW), by="nope")  # type: ignore[operator]


def test_forms_must_be_columns_of_one_frame(frame: Any, forms: Any) -> None:
    lazy = frame.lazy()
    perf, imp = forms.pair(lazy, **KW)
    memory_perf = forms.pair(frame, **KW)[0]
    with pytest.raises(ServqualTypeError, match=r"importance stays in polars but performance"):
        sq.csi(memory_perf, imp)
    with pytest.raises(ServqualTypeError, match=r"perceptions stays in polars but expectations"):
        sq.servqual_gaps(perf, forms.pair(frame, **KW)[1])
    other = forms.pair(frame.lazy(), **KW)[1]  # the same rows, but another frame object
    with pytest.raises(RespondentError, match=r"two different polars frames"):
        sq.ipa(perf, other)
    unweighted = forms.pair(lazy, strata="province", clusters="village")[1]
    with pytest.raises(RespondentError, match=r"different design columns"):
        sq.csi(perf, unweighted)
    short = sq.Instrument(
        id="short", name="s", scale=sq.Scale(min=1, max=4), items=forms.instrument.items[:8]
    )
    fewer = sq.Responses.from_frame(lazy, short, items=forms.second, **KW)
    with pytest.raises(ItemError, match=r"only in performance: \['Q9'\]"):
        sq.csi(perf, fewer)


def test_an_unanswered_item_in_a_domain(frame: Any, forms: Any) -> None:
    blank = frame.with_columns(
        pl.when(pl.col("unit") == 3).then(None).otherwise(pl.col("I5")).alias("I5")
    )
    message = r"item 'Q5' has no answers in this group: no mean"
    for data in (blank, blank.lazy()):
        with pytest.raises(InsufficientDataError, match=message):
            sq.csi(*forms.pair(data, **KW), by="unit")
        with pytest.raises(InsufficientDataError, match=message):
            sq.ipa(*forms.pair(data, **KW), by="unit")
        with pytest.raises(InsufficientDataError, match=message):
            sq.servqual_gaps(*forms.pair(data, **KW), by="unit")


def test_importance_points_are_checked_in_the_engine(frame: Any, forms: Any) -> None:
    engine = forms.pair(frame.lazy(), **KW)
    with pytest.raises(ServqualTypeError, match=r"must map each dimension to a column"):
        sq.servqual_gaps(*engine, importance_points=frame.select("pa", "pb", "pc").to_numpy())
    with pytest.raises(ParameterError, match=r"unknown: \['d'\], missing: \['c'\]"):
        sq.servqual_gaps(*engine, importance_points={"a": "pa", "b": "pb", "d": "pc"})
    with pytest.raises(ParameterError, match=r"column 'pz' for dimension 'c', which is not"):
        sq.servqual_gaps(*engine, importance_points={"a": "pa", "b": "pb", "c": "pz"})
    row_9 = pl.int_range(pl.len()) == 9
    negative = frame.with_columns(pl.when(row_9).then(-1.0).otherwise(pl.col("pb")).alias("pb"))
    with pytest.raises(
        ParameterError, match=r"points of dimension 'b' in row 9 must be finite and non-negative"
    ):
        sq.servqual_gaps(*forms.pair(negative.lazy(), **KW), importance_points=forms.points)
    off = frame.with_columns(pl.when(row_9).then(0.0).otherwise(pl.col("pa")).alias("pa"))
    with pytest.raises(ParameterError, match=r"importance points in row 9 sum to [\d.]+, not 100"):
        sq.servqual_gaps(*forms.pair(off.lazy(), **KW), importance_points=forms.points)
    with pytest.raises(
        ParameterError, match=r"points in a row \(a duckdb frame has no row numbers\) sum to"
    ):
        sq.servqual_gaps(
            *forms.pair(duckdb.from_arrow(off.to_arrow()), **KW), importance_points=forms.points
        )
    with pytest.raises(ParameterError, match=r"dimension 'b' in a row .* non-negative, got -1\.0$"):
        sq.servqual_gaps(
            *forms.pair(duckdb.from_arrow(negative.to_arrow()), **KW),
            importance_points=forms.points,
        )


def test_comparisons_say_to_collect(frame: Any, forms: Any) -> None:
    engine = forms.pair(frame.lazy(), **KW)
    with pytest.raises(ServqualTypeError, match=r"comparison needs the rows in memory"):
        sq.csi_compare(*engine, by="channel", groups=("web", "desk"))
    with pytest.raises(ServqualTypeError, match=r"comparison needs the rows in memory"):
        sq.servqual_compare(*engine, by="channel", groups=("web", "desk"))
    with pytest.raises(ServqualTypeError, match=r"comparison needs the rows in memory"):
        sq.servperf_compare(engine[0], engine[0])


def test_one_respondent_domain_without_clusters_has_zero_variance(frame: Any, forms: Any) -> None:
    # without clusters Σ (w z)² comes from cross-product sums whose rounding used to leave
    # a small positive variance where every influence value is 0 (here: one respondent)
    first = pl.int_range(pl.len()) == 0
    lone = frame.with_columns(pl.when(first).then(99).otherwise(pl.col("unit")).alias("unit"))
    kw = {"weights": "w", "strata": "province"}
    want = sq.csi(*forms.pair(lone, **kw), by="unit")["99"]
    got = sq.csi(*forms.pair(lone.lazy(), **kw), by="unit")["99"]
    assert want.index.se == got.index.se == 0.0
    same_csi(want, got)


# --- property: random small designs (strata, clusters, weights, fpc, skips, tiny domains)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(4, 30),
    n_strata=st.integers(1, 3),
    n_dom=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
    clustered=st.booleans(),
    weighted=st.booleans(),
    fpc=st.booleans(),
)
def test_property_engine_equals_memory(
    n: int, n_strata: int, n_dom: int, seed: int, clustered: bool, weighted: bool, fpc: bool
) -> None:
    rng = np.random.default_rng(seed)
    h = np.arange(n) % n_strata  # every stratum has at least one row, most two
    psu = rng.integers(0, 3, n)
    k = 3
    inst = sq.Instrument(
        id="p",
        name="p",
        scale=sq.Scale(min=1, max=5),
        items=[
            sq.Item(id=f"Q{j}", text="q", dimension="xy"[j % 2], reverse=j == 1) for j in range(k)
        ],
    )
    answers = rng.integers(1, 6, (2, n, k)).astype(np.float64)
    answers[rng.random((2, n, k)) < 0.15] = np.nan
    answers[:, 0, :] = rng.integers(1, 6, (2, k))  # the first row answers every item
    cols: dict[str, Any] = {
        "h": h,
        "p": np.char.add(h.astype(str), np.char.add("-", psu.astype(str))),
        "g": np.where(np.arange(n) == 0, n_dom, rng.integers(0, n_dom, n)),  # a 1-row domain
        "w": rng.uniform(0.5, 3.0, n),
        "N": np.full(n, 10.0 * n),
        "px": rng.uniform(0.0, 100.0, n),
    }
    cols["py"] = 100.0 - cols["px"]
    for f, form in enumerate("PI"):
        for j in range(k):
            cols[f"{form}{j}"] = pl.Series(answers[f, :, j]).fill_nan(None).cast(pl.Int8)
    frame = pl.DataFrame(cols)
    kw: dict[str, Any] = {"strata": "h"}
    kw |= {"weights": "w"} if weighted else {}
    kw |= {"clusters": "p"} if clustered else {}
    kw |= {"fpc": "N"} if fpc else {}

    def pair(data: Any) -> tuple[Any, Any]:
        out = []
        for form in "PI":
            items = {f"Q{j}": f"{form}{j}" for j in range(k)}
            if isinstance(data, pl.LazyFrame):  # the lonely-PSU policy of the engine design
                out.append(EngineResponses(data, inst, items=items, lonely_psu="certainty", **kw))
            else:
                r = sq.Responses.from_frame(data, inst, items=items)
                out.append(r.with_design(lonely_psu="certainty", **kw))
        return out[0], out[1]

    memory, engine = pair(frame), pair(frame.lazy())
    points = {"x": "px", "y": "py"}
    runs = {
        "csi": lambda forms, pts: sq.csi(*forms, by="g"),
        "ipa": lambda forms, pts: sq.ipa(*forms, by="g"),
        "gaps": lambda forms, pts: sq.servqual_gaps(*forms, importance_points=pts),
    }
    for name, run in runs.items():
        try:
            want = run(memory, {d: frame[c].to_numpy() for d, c in points.items()})
        except InsufficientDataError as exc:  # an item unanswered in a domain: same error
            with pytest.raises(InsufficientDataError, match=str(exc).replace("'", ".")):
                run(engine, points)
            continue
        got = run(engine, points)
        if name == "gaps":
            same_profile(want, got)
            same(want.weighted, got.weighted)
            continue
        for a, b in _pairs(want, got, "g"):
            (same_csi if name == "csi" else same_ipa)(a, b)
