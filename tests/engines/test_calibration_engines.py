"""Post-stratified and raked engine designs equal the in-memory calibrated design (rel 1e-9).

Independent fact: the in-memory ``Design.poststratify`` and ``Design.rake`` (checked
against R ``survey``'s ``postStratify``/``rake`` + ``svymean``/``svytotal``/``svyby`` in
tests/design/); here the engine returns per (stratum, PSU, domain, calibration cell) sums
and the calibrated estimates, standard errors and errors must come out the same.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.engines.calibrated import CalibratedEngineDesign
from servqual.errors import (
    ConvergenceError,
    DesignError,
    ServqualError,
    ServqualTypeError,
)

pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

DESIGNS: dict[str, dict[str, Any]] = {
    "stratified clustered weighted": {"weights": "w", "strata": "province", "clusters": "village"},
    "stratified weighted": {"weights": "w", "strata": "province"},
    "simple random": {},
    "clustered, weights from the fpc": {"strata": "province", "clusters": "village", "fpc": "N"},
}
CHANNELS = {"desk": 50_000, "web": 30_000, "phone": 20_000}
PROVINCES = {"Aceh": 10_000, "Bali": 40_000, "Jambi": 25_000, "Riau": 25_000}
CALIBRATIONS: dict[str, Callable[[Any], Any]] = {
    "poststratify": lambda d: d.poststratify("channel", CHANNELS),
    "rake": lambda d: d.rake({"channel": CHANNELS, "province": PROVINCES}),
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
    survey = make_survey(3000, 7)
    return survey.with_columns(N=pl.when(pl.col("province") == "Aceh").then(90.0).otherwise(60.0))


ESTIMATORS: dict[str, Callable[[Any], Any]] = {
    "mean": lambda d: d.mean("minutes"),
    "total": lambda d: d.total("cases"),
    "ratio": lambda d: d.ratio("minutes", "cases"),
    "proportion": lambda d: d.proportion("unit", 7),
    "proportion wilson": lambda d: d.proportion("cases", 3.0, method="wilson", level=0.9),
    "mean with missing answers": lambda d: d.mean("U3", na="domain", interval="normal"),
}


@pytest.mark.parametrize("calibration", CALIBRATIONS)
@pytest.mark.parametrize("design", DESIGNS)
def test_estimates_equal_in_memory(frame: Any, design: str, calibration: str) -> None:
    memory = CALIBRATIONS[calibration](sq.Design(frame, **DESIGNS[design]))
    for name, native in _engines(frame).items():
        engine = CALIBRATIONS[calibration](sq.Design(native, **DESIGNS[design]))
        assert isinstance(engine, CalibratedEngineDesign), name
        for estimator in ESTIMATORS.values():
            _close(estimator(memory), estimator(engine))


BY: dict[str, Callable[[Any], Any]] = {
    "50 units, mean": lambda d: d.by("unit").mean("minutes"),
    "the calibration column, total": lambda d: d.by("channel").total("cases"),
    "two columns, ratio": lambda d: d.by(["province", "channel"]).ratio("minutes", "cases"),
    "proportion, domain df": lambda d: d.by("province").proportion("channel", "web"),
    "missing answers": lambda d: d.by("province").mean("U5", na="domain"),
}


@pytest.mark.parametrize("calibration", CALIBRATIONS)
@pytest.mark.parametrize("design", list(DESIGNS)[:2])
def test_domains_equal_in_memory(frame: Any, design: str, calibration: str) -> None:
    memory = CALIBRATIONS[calibration](sq.Design(frame, **DESIGNS[design]))
    for native in _engines(frame).values():
        engine = CALIBRATIONS[calibration](sq.Design(native, **DESIGNS[design]))
        for run in BY.values():
            want, got = run(memory), run(engine)
            assert list(got) == list(want)
            for key in want:
                _close(want[key], got[key])


def test_lonely_psu_policies_on_a_calibrated_design(make_survey: Callable[..., Any]) -> None:
    frame = make_survey(600, 3)
    frame = frame.filter(~((pl.col("province") == "Bali") & (pl.col("village") != "1-3")))
    kw = {"weights": "w", "strata": "province", "clusters": "village"}
    for policy in ("adjust", "average", "certainty"):
        with warnings.catch_warnings(record=True) as m_caught:
            warnings.simplefilter("always")
            memory = sq.Design(frame, lonely_psu=policy, **kw).poststratify("channel", CHANNELS)
            want = memory.by("channel").mean("minutes")
        with warnings.catch_warnings(record=True) as e_caught:
            warnings.simplefilter("always")
            engine = sq.Design(frame.lazy(), lonely_psu=policy, **kw)
            got = engine.poststratify("channel", CHANNELS).by("channel").mean("minutes")
        assert [str(w.message) for w in e_caught] == [str(w.message) for w in m_caught]
        for key in want:
            _close(want[key], got[key])


@pytest.mark.parametrize("calibration", CALIBRATIONS)
@pytest.mark.parametrize("design", list(DESIGNS)[:3])
def test_share_of_a_calibration_category_has_no_variance(
    frame: Any, design: str, calibration: str
) -> None:
    """Its calibrated count is the population count: the SE is 0 up to rounding."""
    memory = CALIBRATIONS[calibration](sq.Design(frame, **DESIGNS[design]))
    engine = CALIBRATIONS[calibration](sq.Design(frame.lazy(), **DESIGNS[design]))
    want, got = memory.proportion("channel", "web"), engine.proportion("channel", "web")
    assert got.value == pytest.approx(want.value, rel=1e-9) == pytest.approx(0.3, rel=1e-9)
    assert got.se == pytest.approx(want.se, abs=1e-9) == pytest.approx(0.0, abs=1e-9)


def test_the_original_design_is_unchanged(frame: Any) -> None:
    d = sq.Design(frame.lazy(), **DESIGNS["stratified weighted"])
    before = d.mean("minutes")
    d.poststratify("channel", CHANNELS)
    _close(sq.Design(frame, **DESIGNS["stratified weighted"]).mean("minutes"), before)
    _close(before, d.mean("minutes"))  # (the engine's summation order may vary)
    assert "poststratify=['channel']" in repr(d.poststratify("channel", CHANNELS))


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(6, 40),
    n_strata=st.integers(1, 3),
    n_psu=st.integers(2, 4),
    n_cells=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    clustered=st.booleans(),
    raked=st.booleans(),
)
def test_property_engine_equals_memory(
    n: int, n_strata: int, n_psu: int, n_cells: int, seed: int, clustered: bool, raked: bool
) -> None:
    """Random small designs: strata, clusters, weights (some 0), fpc, missing values.

    Small samples give one-row cells, domains and PSUs; where the in-memory design
    refuses (or warns), the engine must refuse alike.
    """
    rng = np.random.default_rng(seed)
    h = np.arange(n) % n_strata
    psu = (np.arange(n) // n_strata) % n_psu
    cell = np.arange(n) % n_cells  # every calibration cell has rows
    w = rng.uniform(0.5, 3.0, n)
    w[rng.random(n) < 0.1] = 0.0
    w[cell == 0] = np.maximum(w[cell == 0], 0.5)  # a cell with only zero weights is an error
    w[np.arange(n) < n_cells] = 1.0
    y = rng.normal(2.0, 1.0, n)
    y[rng.random(n) < 0.15] = np.nan
    frame = pl.DataFrame(
        {
            "h": h,
            "p": np.char.add(h.astype(str), np.char.add("-", psu.astype(str))),
            "c": cell,
            "k": rng.integers(0, 2, n),
            "g": rng.integers(0, 3, n),
            "w": w,
            "y": y,
            "x": rng.uniform(1.0, 2.0, n),
            "N": np.full(n, 100.0),
        }
    )
    kw: dict[str, Any] = {"weights": "w", "strata": "h", "lonely_psu": "certainty", "fpc": "N"}
    if clustered:
        kw["clusters"] = "p"
    population = {i: 100.0 * (i + 1) for i in range(n_cells)}

    def calibrate(d: Any) -> Any:
        if raked:
            ks = sorted(set(frame["k"].to_list()))
            return d.rake(
                {"c": population, "k": {k: sum(population.values()) / len(ks) for k in ks}}
            )
        return d.poststratify("c", population)

    runs: list[Callable[[Any], Any]] = [
        lambda d: d.mean("y", na="domain"),
        lambda d: d.ratio("x", "w"),
        lambda d: d.by("g").total("x"),
        lambda d: d.by("g").mean("y", na="domain"),
    ]
    for run in runs:
        try:
            want = run(calibrate(sq.Design(frame, **kw)))
        except (ServqualError, Warning) as error:  # the engine must fail alike
            with pytest.raises(type(error), match=_same_message(str(error))):
                run(calibrate(sq.Design(frame.lazy(), **kw)))
            continue
        got = run(calibrate(sq.Design(frame.lazy(), **kw)))
        if isinstance(want, sq.Estimate):
            _close(want, got)
        else:
            assert list(got) == list(want)
            for key in want:
                _close(want[key], got[key])


# --- errors: the in-memory ones (with the row where the engine keeps row order) ---


def _same_message(message: str) -> str:
    """The message as a pattern; a non-converged raking's last weight change is rounding
    residue (about 1e-14), which the two summation orders need not share digit for digit."""
    last = r"the weights changed by up to \S+ in the last iteration"
    parts = re.split(last, message)
    return last.join(re.escape(part) for part in parts)


def _same_error(frame: Any, call: Callable[[Any], Any], *, design: dict[str, Any]) -> None:
    with pytest.raises(ServqualError) as memory:
        call(sq.Design(frame, **design))
    with pytest.raises(type(memory.value), match=re.escape(str(memory.value))):
        call(sq.Design(frame.lazy(), **design))


BAD: dict[str, Callable[[Any], Any]] = {
    "unknown category": lambda d: d.poststratify("channel", {"desk": 1.0, "web": 2.0}),
    "category without rows": lambda d: d.poststratify("channel", CHANNELS | {"mail": 5.0}),
    "negative count": lambda d: d.poststratify("channel", CHANNELS | {"web": -3.0}),
    "count not a number": lambda d: d.poststratify("channel", CHANNELS | {"web": None}),
    "not a mapping": lambda d: d.poststratify("channel", [1, 2, 3]),
    "empty population": lambda d: d.poststratify("channel", {}),
    "no such column": lambda d: d.poststratify("chanel", CHANNELS),
    "margins disagree": lambda d: d.rake({"channel": CHANNELS, "province": {"Aceh": 1.0}}),
    "bad max_iter": lambda d: d.rake({"channel": CHANNELS}, max_iter=0),
    "bad tol": lambda d: d.rake({"channel": CHANNELS}, tol=2.0),
    "unknown margin category": lambda d: d.rake(
        {"channel": CHANNELS, "province": {"Aceh": 50_000, "Bali": 50_000}}
    ),
    "non-convergence": lambda d: d.rake(
        {"channel": CHANNELS, "province": PROVINCES}, max_iter=1, tol=1e-12
    ),
}


@pytest.mark.parametrize("bad", BAD)
def test_errors_are_the_in_memory_errors(frame: Any, bad: str) -> None:
    _same_error(frame, BAD[bad], design=DESIGNS["stratified clustered weighted"])


def test_non_convergence_is_a_convergence_error(frame: Any) -> None:
    d = sq.Design(frame.lazy(), **DESIGNS["stratified weighted"])
    with pytest.raises(ConvergenceError, match=r"rake did not converge in 1 iterations"):
        BAD["non-convergence"](d)


def test_errors_without_row_order_say_so(frame: Any) -> None:
    relation = duckdb.from_arrow(frame.to_arrow())
    d = sq.Design(relation, **DESIGNS["stratified weighted"])
    with pytest.raises(DesignError, match=r"category 'phone' of column 'channel' \(first in a row"):
        BAD["unknown category"](d)


def test_missing_and_zero_weight_cells(frame: Any) -> None:
    row_5 = pl.int_range(pl.len()) == 5
    holes = frame.with_columns(
        pl.when(row_5).then(None).otherwise(pl.col("channel")).alias("channel")
    )
    _same_error(holes, CALIBRATIONS["poststratify"], design=DESIGNS["stratified weighted"])
    zero = frame.with_columns(
        pl.when(pl.col("channel") == "web").then(0.0).otherwise(pl.col("w")).alias("w")
    )
    _same_error(zero, CALIBRATIONS["poststratify"], design=DESIGNS["stratified weighted"])
    with pytest.raises(DesignError, match=r"calibration column 'channel' is missing in row 5"):
        CALIBRATIONS["poststratify"](sq.Design(holes.lazy()))


def test_a_second_calibration_is_refused(frame: Any) -> None:
    ps = sq.Design(frame.lazy()).poststratify("channel", CHANNELS)
    with pytest.raises(ServqualTypeError, match="already calibrated"):
        ps.rake({"province": PROVINCES})
    with pytest.raises(ServqualTypeError, match="needs the rows in memory"):
        ps.calibrated()


def test_a_category_new_since_the_calibration_is_an_error(frame: Any) -> None:
    ps = sq.Design(frame.lazy()).poststratify("channel", CHANNELS)
    changed = frame.with_columns(pl.lit("mail").alias("channel")).lazy()
    stale = CalibratedEngineDesign.of(sq.Design(changed), ps.calibration)
    with pytest.raises(DesignError, match=r"calibration cell \('mail',\) of columns \['channel'\]"):
        stale.mean("minutes")
