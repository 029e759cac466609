"""Design estimators reduced by an engine equal the in-memory numpy path (rel 1e-9).

Independent fact: the in-memory :class:`servqual.Design` (itself checked against R
``survey`` in tests/test_design_reference.py and tests/test_domains.py); the engine path
computes the same estimates from per (stratum, PSU, domain) sums summed by the engine.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.engines.design import EngineDesign
from servqual.errors import (
    DataFormatError,
    DegenerateDataWarning,
    DesignError,
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


def _engines(frame: Any) -> dict[str, Any]:
    return {"polars lazy": frame.lazy(), "duckdb": duckdb.from_arrow(frame.to_arrow())}


def _close(a: sq.Estimate, b: sq.Estimate) -> None:
    got = [b.value, b.se, b.ci.low, b.ci.high, b.n, b.df or -1.0, b.deff or 0.0]
    want = [a.value, a.se, a.ci.low, a.ci.high, a.n, a.df or -1.0, a.deff or 0.0]
    assert got == pytest.approx(want, rel=1e-9, abs=1e-12, nan_ok=True)
    assert b.ci.method == a.ci.method


@pytest.fixture(scope="module")
def frame(make_survey: Callable[..., Any]) -> Any:
    return make_survey()


ESTIMATORS: dict[str, Callable[[Any], Any]] = {
    "mean": lambda d: d.mean("minutes"),
    "total": lambda d: d.total("cases"),
    "ratio": lambda d: d.ratio("minutes", "cases"),
    "proportion": lambda d: d.proportion("channel", "web"),
    "proportion wilson": lambda d: d.proportion("channel", "desk", method="wilson", level=0.9),
    "mean normal": lambda d: d.mean("nps", interval="normal"),
}


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_estimates_equal_in_memory(frame: Any, design: str, estimator: str) -> None:
    memory = ESTIMATORS[estimator](sq.Design(frame, **DESIGNS[design]))
    for name, native in _engines(frame).items():
        d = sq.Design(native, **DESIGNS[design])
        assert isinstance(d, EngineDesign), name
        _close(memory, ESTIMATORS[estimator](d))


BY: dict[str, Callable[[Any], Any]] = {
    "mean": lambda b: b.mean("minutes"),
    "total": lambda b: b.total("cases"),
    "ratio": lambda b: b.ratio("minutes", "cases"),
    "proportion": lambda b: b.proportion("channel", "web"),
}


@pytest.mark.parametrize("design", DESIGNS)
@pytest.mark.parametrize("estimator", BY)
def test_fifty_unit_breakdown_equals_in_memory(frame: Any, design: str, estimator: str) -> None:
    memory = BY[estimator](sq.Design(frame, **DESIGNS[design]).by("unit"))
    assert len(memory) == 50
    for native in _engines(frame).values():
        got = BY[estimator](sq.Design(native, **DESIGNS[design]).by("unit"))
        assert list(got) == list(memory)
        for key in memory:
            _close(memory[key], got[key])


def test_several_by_columns_and_missing_values_as_a_domain(frame: Any) -> None:
    kw = DESIGNS["stratified clustered weighted"]
    memory = sq.Design(frame, **kw).by(["province", "channel"]).mean("U3", na="domain")
    for native in _engines(frame).values():
        got = sq.Design(native, **kw).by(["province", "channel"]).mean("U3", na="domain")
        assert list(got) == list(memory)
        for key in memory:
            _close(memory[key], got[key])


def test_fpc_and_lonely_psu_policies(make_survey: Callable[..., Any]) -> None:
    frame = make_survey(600, 3).with_columns(
        N=pl.when(pl.col("province") == "Aceh").then(40.0).otherwise(55.0)
    )
    frame = frame.filter(~((pl.col("province") == "Bali") & (pl.col("village") != "1-3")))
    kw = {"weights": "w", "strata": "province", "clusters": "village", "fpc": "N"}
    for policy in ("adjust", "certainty", "average"):
        memory, m_warned = _recorded(
            lambda f, p=policy: sq.Design(f, lonely_psu=p, **kw).by("channel").mean("minutes"),
            frame,
        )
        got, e_warned = _recorded(
            lambda f, p=policy: sq.Design(f, lonely_psu=p, **kw).by("channel").mean("minutes"),
            frame.lazy(),
        )
        assert e_warned == m_warned
        assert ("single PSU" in " ".join(m_warned)) == (policy != "certainty")
        for key in memory:
            _close(memory[key], got[key])
    no_weights = {k: v for k, v in kw.items() if k != "weights"}
    with pytest.warns(DegenerateDataWarning, match="single PSU"):
        memory_total = sq.Design(frame, lonely_psu="adjust", **no_weights).total("cases")
    with pytest.warns(DegenerateDataWarning, match="single PSU"):
        engine_total = sq.Design(frame.lazy(), lonely_psu="adjust", **no_weights).total("cases")
    _close(memory_total, engine_total)


def _recorded(run: Callable[[Any], Any], data: Any) -> tuple[Any, list[str]]:
    """The result of ``run(data)`` and the messages of the warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = run(data)
    return out, [str(w.message) for w in caught]


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(4, 40),
    n_strata=st.integers(1, 3),
    n_psu=st.integers(2, 5),
    n_dom=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    clustered=st.booleans(),
)
def test_property_engine_equals_memory(
    n: int, n_strata: int, n_psu: int, n_dom: int, seed: int, clustered: bool
) -> None:
    rng = np.random.default_rng(seed)
    h = np.arange(n) % n_strata  # every stratum has at least two rows
    psu = (np.arange(n) // n_strata) % n_psu if n >= 2 * n_strata * n_psu else np.arange(n) % 2
    frame = pl.DataFrame(
        {
            "h": h,
            "p": np.char.add(h.astype(str), np.char.add("-", psu.astype(str))),
            "g": rng.integers(0, n_dom, n),
            "w": rng.uniform(0.5, 3.0, n),
            "y": rng.normal(2.0, 1.0, n),
            "x": rng.uniform(1.0, 2.0, n),
        }
    )
    kw: dict[str, Any] = {"weights": "w", "strata": "h", "lonely_psu": "certainty"}
    if clustered:
        kw["clusters"] = "p"
    memory, engine = sq.Design(frame, **kw), sq.Design(frame.lazy(), **kw)
    a, m_warned = _recorded(lambda d: d.ratio("y", "x"), memory)
    b, e_warned = _recorded(lambda d: d.ratio("y", "x"), engine)
    assert e_warned == m_warned
    _close(a, b)
    by_a, m_warned = _recorded(lambda d: d.by("g").total("y"), memory)
    by_b, e_warned = _recorded(lambda d: d.by("g").total("y"), engine)
    assert e_warned == m_warned
    for key in by_a:
        _close(by_a[key], by_b[key])


# --- validation in the engine: the in-memory errors, with a row number where there is one


def test_negative_weight_names_the_row(frame: Any) -> None:
    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 17).then(-2.0).otherwise(pl.col("w")).alias("w")
    )
    with pytest.raises(
        DesignError, match=r"weights must be finite and non-negative; row 17 has -2\.0"
    ):
        sq.Design(bad.lazy(), weights="w")
    with pytest.raises(
        DesignError,
        match=r"weights must be .*; a row \(a duckdb frame has no row numbers\) has -2\.0",
    ):
        sq.Design(duckdb.from_arrow(bad.to_arrow()), weights="w")


def test_missing_weight_and_label(frame: Any) -> None:
    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(None).otherwise(pl.col("w")).alias("w"),
        pl.when(pl.int_range(pl.len()) == 9)
        .then(None)
        .otherwise(pl.col("village"))
        .alias("village"),
    )
    with pytest.raises(DesignError, match=r"weights must be .*; row 5 has None"):
        sq.Design(bad.lazy(), weights="w")
    with pytest.raises(DesignError, match=r"clusters is missing in row 9: None"):
        sq.Design(bad.lazy(), clusters="village")


def test_missing_design_and_data_columns(frame: Any) -> None:
    with pytest.raises(DataFormatError, match=r"strata column 'region' is not in the data"):
        sq.Design(frame.lazy(), strata="region")
    d = sq.Design(duckdb.from_arrow(frame.to_arrow()))
    with pytest.raises(ValidationError, match=r"column 'score' is not in the data"):
        d.mean("score")


def test_missing_value_fails_or_makes_a_domain(frame: Any) -> None:
    d = sq.Design(frame.lazy(), weights="w")
    with pytest.raises(
        ValidationError,
        match=r"column 'U1' has a missing or non-finite value in row \d+: None \(pass na='domain'",
    ):
        d.mean("U1")
    _close(sq.Design(frame, weights="w").mean("U1", na="domain"), d.mean("U1", na="domain"))


def test_row_level_operations_are_refused(frame: Any) -> None:
    d = sq.Design(frame.lazy(), weights="w")
    with pytest.raises(ServqualTypeError, match=r"calibrated needs the rows in memory; .* polars"):
        d.calibrated(weights=None, steps=())  # poststratify and rake: test_calibration_engines
    with pytest.raises(ServqualTypeError, match=r"column\('w'\) needs the rows in memory"):
        d.column("w")


def test_introspection(frame: Any) -> None:
    d = sq.Design(frame.lazy(), **DESIGNS["stratified clustered weighted"])
    memory = sq.Design(frame, **DESIGNS["stratified clustered weighted"])
    assert d.df == memory.df == 44.0
    assert d.n_rows == 4000
    assert "w" in d.columns
    assert repr(d) == "EngineDesign(engine='polars', columns=17)"


def test_eager_polars_stays_in_memory(frame: Any) -> None:
    assert not isinstance(sq.Design(frame), EngineDesign)


def test_engine_frame_without_narwhals_names_the_extra(
    frame: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from servqual.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "narwhals", None)  # import narwhals → ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'servqual\[polars\]'"):
        sq.Design(frame.lazy())
    with pytest.raises(MissingDependencyError, match=r"pip install 'servqual\[duckdb\]'"):
        sq.Responses.from_frame(duckdb.from_arrow(frame.to_arrow()), sq.instruments.SKM_2017)


def test_engine_detection(frame: Any) -> None:
    from servqual.engines import engine_of, is_engine_frame

    assert engine_of(frame.lazy()) == "polars"
    assert engine_of(duckdb.from_arrow(frame.to_arrow())) == "duckdb"
    assert engine_of(frame) is None
    assert not is_engine_frame({"a": [1]})


def test_missing_by_label_names_the_row(frame: Any) -> None:
    row_9 = pl.int_range(pl.len()) == 9
    bad = frame.with_columns(pl.when(row_9).then(None).otherwise(pl.col("unit")).alias("unit"))
    # the one grouping policy (design/_build.group_codes): Design.by says "domain column",
    # an index's by= "by column", both ask to recode or drop the rows
    with pytest.raises(
        DesignError, match=r"domain column 'unit' is missing in row 9: None; recode"
    ):
        sq.Design(bad.lazy()).by("unit").mean("minutes")
    responses = sq.Responses.from_frame(duckdb.from_arrow(bad.to_arrow()), sq.instruments.SKM_2017)
    with pytest.raises(DesignError, match=r"by column 'unit' is missing in a row \(a duckdb"):
        sq.skm_index(responses, by="unit")


def test_by_column_not_in_the_frame(frame: Any) -> None:
    d = sq.Design(frame.lazy())
    with pytest.raises(ValidationError, match=r"column 'region' is not in the data; columns: \["):
        d.by("region").mean("minutes")
    responses = sq.Responses.from_frame(
        duckdb.from_arrow(frame.to_arrow()), sq.instruments.SKM_2017
    )
    with pytest.raises(ValidationError, match=r"column 'region' is not in the data"):
        sq.skm_index(responses, by=["unit", "region"])
    with pytest.raises(sq.errors.ParameterError, match=r"by is an empty list"):
        sq.skm_index(responses, by=[])


def test_text_columns_are_refused_with_their_type(frame: Any) -> None:
    text = frame.with_columns(pl.col("w").cast(pl.String), pl.col("U2").cast(pl.String))
    with pytest.raises(DesignError, match=r"weights must be numeric; column 'w' has type String"):
        sq.Design(text.lazy(), weights="w")
    with pytest.raises(
        ValidationError, match=r"column 'channel' must be numeric; column 'channel'"
    ):
        sq.Design(text.lazy()).mean("channel")
    with pytest.raises(
        sq.errors.ScaleError, match=r"the answers to item 'U2' must be numeric; column 'U2' has"
    ):
        sq.Responses.from_frame(duckdb.from_arrow(text.to_arrow()), sq.instruments.SKM_2017)
