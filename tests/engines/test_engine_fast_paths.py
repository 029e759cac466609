"""The engine's cheap sums and screened validation equal the general path (rel 1e-12).

Independent fact: the in-memory :func:`servqual.skm_index` (itself checked against R
``survey`` in tests/indices/). The engine sums ``Σ w·y`` and ``count`` of an integer
answer column, and ``Σ w`` for an element with no missing answer; these are compared with
the in-memory index on random small surveys (strata, clusters, weights, fpc, skipped
answers, one-row domains), with float answer columns (the general sums) alongside.
The validation clears rules by null counts, min and max; a bad value must still raise
the in-memory error, with its row, on every engine.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.engines.responses import EngineResponses
from servqual.errors import DesignError, ScaleError, ValidationError

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

SKM = sq.instruments.SKM_2017
ITEMS = SKM.item_ids


def _frame(draw: Any) -> tuple[Any, dict[str, Any]]:
    n = draw(st.integers(6, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    strata = rng.integers(0, draw(st.integers(1, 3)), n)
    cols: dict[str, Any] = {
        "h": strata,
        "psu": strata * 10 + rng.integers(0, 3, n),
        "unit": rng.integers(0, draw(st.integers(1, 4)), n),
        "w": rng.uniform(0.5, 9.0, n),
        "N": np.where(strata == 0, 40.0, 55.0),
    }
    skip = draw(st.floats(0.0, 0.3))
    for j, item in enumerate(ITEMS):
        y = rng.integers(1, 5, n).astype(np.float64)
        y[0] = 1 + j % 4  # every element answered at least once
        if j % 3 != 0:  # a third of the elements complete, the rest with skips
            y[1:][rng.random(n - 1) < skip] = np.nan
        cols[item] = y
    frame = pl.DataFrame(cols)
    ints = draw(st.booleans())  # integer answer columns (nulls) or float (NaN)
    if ints:
        frame = frame.with_columns([pl.col(c).fill_nan(None).cast(pl.Int8) for c in ITEMS])
    kind = draw(st.sampled_from(["weighted clustered", "weighted", "fpc clustered", "srs"]))
    design = {
        "weighted clustered": {"weights": "w", "strata": "h", "clusters": "psu"},
        "weighted": {"weights": "w", "strata": "h"},
        "fpc clustered": {"strata": "h", "clusters": "psu", "fpc": "N"},
        "srs": {},
    }[kind]
    return frame, design


@st.composite
def surveys(draw: Any) -> tuple[Any, dict[str, Any], str | None]:
    frame, design = _frame(draw)
    return frame, design, draw(st.sampled_from([None, "unit"]))


def _close(a: sq.SKMResult, b: sq.SKMResult) -> None:
    x = [a.index.value, *(e.nrr for e in a.elements)]
    y = [b.index.value, *(e.nrr for e in b.elements)]
    assert y == pytest.approx(x, rel=1e-12, abs=1e-12)
    # the variance subtracts the squared mean of the PSU totals: a few digits cancel, and
    # the engine sums in another order than numpy; without clusters it comes from the
    # cells' cross-products, so a variance that is exactly 0 in memory (one respondent per
    # stratum in a domain) leaves rounding noise of order sqrt(eps) in the SE
    assert b.index.se == pytest.approx(a.index.se, rel=1e-10, abs=1e-6, nan_ok=True)
    assert [e.n for e in b.elements] == [e.n for e in a.elements]
    assert (b.index.n, b.index.df) == (a.index.n, a.index.df)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(surveys())
def test_cheap_sums_equal_the_in_memory_index(case: tuple[Any, dict[str, Any], str | None]) -> None:
    frame, design, by = case
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one-row domains warn alike on both paths
        try:
            memory = sq.skm_index(sq.Responses.from_frame(frame, SKM, **design), by=by)
        except (ValidationError, DesignError) as error:  # e.g. a lonely PSU: same refusal
            for native in (frame.lazy(), duckdb.from_arrow(frame.to_arrow())):
                with pytest.raises(type(error)):
                    sq.skm_index(sq.Responses.from_frame(native, SKM, **design), by=by)
            return
        for native in (frame.lazy(), duckdb.from_arrow(frame.to_arrow())):
            responses = sq.Responses.from_frame(native, SKM, **design)
            got = sq.skm_index(responses, by=by)
            pairs = [(memory, got)] if by is None else [(memory[k], got[k]) for k in memory]
            assert by is None or list(got) == list(memory)
            for a, b in pairs:
                _close(a, b)


def _survey() -> Any:
    rng = np.random.default_rng(5)
    n = 300
    cols = {item: rng.integers(1, 5, n).astype(np.int8) for item in ITEMS}
    design = {"w": rng.uniform(1, 5, n), "h": rng.integers(0, 3, n), "unit": rng.integers(0, 7, n)}
    psu = pl.col("h") * 10 + pl.int_range(pl.len()) % 4
    return pl.DataFrame(cols | design).with_columns(psu=psu)


def test_complete_columns_are_known_and_used() -> None:
    frame = _survey().with_columns(
        pl.when(pl.int_range(pl.len()) == 3).then(None).otherwise(pl.col("U2")).alias("U2")
    )
    kw = {"weights": "w", "strata": "h", "clusters": "psu"}
    responses = sq.Responses.from_frame(frame.lazy(), SKM, **kw)
    assert isinstance(responses, EngineResponses)
    assert responses.complete_columns == frozenset(ITEMS) - {"U2"}
    memory = sq.skm_index(sq.Responses.from_frame(frame, SKM, **kw), by="unit")
    got = sq.skm_index(responses, by="unit")
    for key in memory:
        _close(memory[key], got[key])


def test_data_changed_after_validation_is_summed_again() -> None:
    # a DuckDB table changed under its relation: the answer counts reveal a new skip
    con = duckdb.connect()
    frame = _survey()
    con.register("source", frame.to_arrow())
    con.execute("create table survey as select * from source")
    kw = {"weights": "w", "strata": "h", "clusters": "psu"}
    responses = sq.Responses.from_frame(con.table("survey"), SKM, **kw)
    assert "U4" in responses.complete_columns
    con.execute("update survey set U4 = null where unit = 2 and h = 1")
    changed = frame.with_columns(
        pl.when((pl.col("unit") == 2) & (pl.col("h") == 1))
        .then(None)
        .otherwise(pl.col("U4"))
        .alias("U4")
    )
    memory = sq.skm_index(sq.Responses.from_frame(changed, SKM, **kw), by="unit")
    got = sq.skm_index(responses, by="unit")
    for key in memory:
        _close(memory[key], got[key])


# --- the screened validation raises the in-memory errors, with the row where there is one


def _engines(frame: Any) -> dict[str, Any]:
    return {"polars": frame.lazy(), "duckdb": duckdb.from_arrow(frame.to_arrow())}


def _place(engine: str, row: int) -> str:
    return f"row {row}" if engine == "polars" else r"a row \(a duckdb frame has no row numbers\)"


def _set(frame: Any, col: str, row: int, value: object) -> Any:
    hit = pl.int_range(pl.len()) == row
    return frame.with_columns(pl.when(hit).then(value).otherwise(pl.col(col)).alias(col))


@pytest.mark.parametrize(
    ("col", "value", "shown"),
    [("w", -1.5, "-1.5"), ("w", float("nan"), "nan"), ("w", float("inf"), "inf")],
)
def test_screened_weight_errors(col: str, value: float, shown: str) -> None:
    bad = _set(_survey(), col, 11, value)
    for engine, native in _engines(bad).items():
        with pytest.raises(
            DesignError,
            match=rf"weights must be finite and non-negative; {_place(engine, 11)} has {shown}",
        ):
            sq.Responses.from_frame(native, SKM, weights="w", strata="h", clusters="psu")


@pytest.mark.parametrize(("value", "shown"), [(0, "0"), (5, "5"), (-3, "-3")])
def test_screened_answer_errors(value: int, shown: str) -> None:
    bad = _set(_survey(), "U7", 23, value).with_columns(pl.col("U7").cast(pl.Int8))
    for engine, native in _engines(bad).items():
        with pytest.raises(
            ScaleError,
            match=rf"answer to item 'U7' in {_place(engine, 23)} is {shown}, outside the scale",
        ):
            sq.Responses.from_frame(native, SKM, weights="w")


def test_screened_label_and_fpc_errors() -> None:
    frame = _survey().with_columns(N=pl.lit(500.0))
    for engine, native in _engines(_set(frame, "psu", 4, None)).items():
        with pytest.raises(DesignError, match=rf"clusters is missing in {_place(engine, 4)}"):
            sq.Responses.from_frame(native, SKM, clusters="psu")
    for engine, native in _engines(_set(frame, "N", 8, 0.0)).items():
        with pytest.raises(
            DesignError, match=rf"fpc must be finite and positive; {_place(engine, 8)} has 0\.0"
        ):
            sq.Responses.from_frame(native, SKM, fpc="N")


def test_screened_value_errors_of_the_design() -> None:
    frame = _set(_survey().with_columns(x=pl.col("w") * 2), "x", 30, float("-inf"))
    for engine, native in _engines(frame).items():
        d = sq.Design(native, weights="w")
        for na in ("fail", "domain"):
            place = _place(engine, 30)
            with pytest.raises(
                ValidationError, match=rf"column 'x' has a missing or non-finite value in {place}"
            ):
                d.mean("x", na=na)


def test_unweighted_clustered_counts_as_answered_weight() -> None:
    # no weights column and clusters: Σ w·a of an element is its answer count (× N_h/n_h)
    frame = _set(_survey(), "U6", 2, None).with_columns(N=pl.lit(900.0))
    for kw in ({"strata": "h", "clusters": "psu"}, {"strata": "h", "clusters": "psu", "fpc": "N"}):
        memory = sq.skm_index(sq.Responses.from_frame(frame, SKM, **kw), by="unit")
        for native in _engines(frame).values():
            got = sq.skm_index(sq.Responses.from_frame(native, SKM, **kw), by="unit")
            for key in memory:
                _close(memory[key], got[key])
