"""Post-stratification and raking: weights and standard errors against R ``survey``.

Sources: ``calibration.json`` (R 4.2.2, survey 4.1.1: ``postStratify`` and ``rake`` on
``apistrat``, tightly converged rake record) and, for designs the file does not cover, a
slow, obvious implementation of ``svyrecvar``'s post-stratum residuals (loops over cells
and clusters) compared with the vectorized core.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import ConvergenceError, DesignError, ParameterError, ServqualTypeError
from servqual.stats.calibration import PostStratum, Raking, calibration_residuals

REL = 1e-7  # reference/README.md: "1e-7 for iterative ones (... raking)"
W_ABS = 1e-9  # calibrated weights, absolute


def _record(reference: Any, rid: str) -> dict[str, Any]:
    records = reference("calibration.json")["records"]
    rec: dict[str, Any] = next(r for r in records if r["id"] == rid)
    return rec


def _apistrat(rec: dict[str, Any]) -> sq.Design:
    # R: svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat)
    return sq.Design(rec["inputs"]["data"], strata="stype", weights="pw", fpc="fpc")


def _margins(rec: dict[str, Any]) -> dict[str, dict[str, float]]:
    pops = rec["inputs"]["population_margins"]
    return {col: dict(zip(m["levels"], m["Freq"], strict=True)) for col, m in pops.items()}


def _check_estimates(design: sq.Design, ref: dict[str, Any], rec: dict[str, Any]) -> None:
    assert design.df == ref["degf"]
    m = design.mean("api00")  # R: svymean(~api00, design)
    r = ref["svymean_api00"]
    assert m.value == pytest.approx(r["mean"], rel=REL)
    assert m.se == pytest.approx(r["se"], rel=REL)
    assert m.ci.low == pytest.approx(r["ci95_t"]["lower"], rel=REL)
    assert m.ci.high == pytest.approx(r["ci95_t"]["upper"], rel=REL)
    t = design.total("enroll")  # R: svytotal(~enroll, design)
    r = ref["svytotal_enroll"]
    assert t.value == pytest.approx(r["total"], rel=REL)
    assert t.se == pytest.approx(r["se"], rel=REL)
    assert t.ci.low == pytest.approx(r["ci95_t"]["lower"], rel=REL)
    assert t.ci.high == pytest.approx(r["ci95_t"]["upper"], rel=REL)
    for col in ("stype", "sch.wide"):  # R: svytotal(~stype, design), svytotal(~sch.wide, ...)
        r = ref[f"svytotal_{col}"]
        values = np.asarray(rec["inputs"]["data"][col])
        for name, total, se in zip(r["names"], r["total"], r["se"], strict=True):
            level = name[len(col) :]
            est = design.with_columns({"_ind": (values == level).astype(float)}).total("_ind")
            assert est.value == pytest.approx(total, rel=REL), name
            # Calibrated margins have SE ~0 (R: 0, 1e-10, 6.5e-7): compare absolutely there.
            assert est.se == pytest.approx(se, rel=REL, abs=1e-8), name


def test_poststratify_matches_r(reference: Any) -> None:
    rec = _record(reference, "apistrat_postStratify_stype")
    design = _apistrat(rec)
    # R: postStratify(design, ~stype, pop.types)
    ps = sq.poststratify(design, "stype", _margins(rec)["stype"])
    np.testing.assert_allclose(ps.weights, rec["reference"]["weights"], rtol=0, atol=W_ABS)
    assert ps.weights.sum() == pytest.approx(rec["reference"]["weights_summary"]["sum"])
    _check_estimates(ps, rec["reference"]["estimates"], rec)
    # ... and the design before calibration (the record's "uncalibrated" block)
    _check_estimates(design, rec["reference"]["uncalibrated"]["estimates"], rec)


def test_rake_matches_r(reference: Any) -> None:
    rec = _record(reference, "apistrat_rake_stype_sch.wide")
    design = _apistrat(rec)
    # R: rake(design, list(~stype, ~sch.wide), list(pop.types, pop.schwide),
    #         control = list(maxit = 200, epsilon = 1e-12))
    raked = sq.rake(design, _margins(rec), max_iter=200, tol=1e-12)
    np.testing.assert_allclose(raked.weights, rec["reference"]["weights"], rtol=0, atol=W_ABS)
    _check_estimates(raked, rec["reference"]["estimates"], rec)
    _check_estimates(design, rec["reference"]["uncalibrated"]["estimates"], rec)


def test_design_methods_call_the_calibration_functions(reference: Any) -> None:
    rec = _record(reference, "apistrat_rake_stype_sch.wide")
    design = _apistrat(rec)
    a = design.rake(_margins(rec), max_iter=200, tol=1e-12)
    b = sq.rake(design, _margins(rec), max_iter=200, tol=1e-12)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.mean("api00") == b.mean("api00")
    c = design.poststratify("stype", _margins(rec)["stype"])
    np.testing.assert_array_equal(
        c.weights, sq.poststratify(design, "stype", _margins(rec)["stype"]).weights
    )


def test_original_design_is_unchanged(reference: Any) -> None:
    rec = _record(reference, "apistrat_rake_stype_sch.wide")
    design = _apistrat(rec)
    before = design.mean("api00")
    raked = sq.rake(design, _margins(rec))
    np.testing.assert_array_equal(design.weights, rec["inputs"]["data"]["pw"])
    assert design.arrays.calibration == ()
    assert design.mean("api00") == before
    assert isinstance(raked.arrays.calibration[0], Raking)
    assert raked.columns == design.columns


def test_estimators_pick_up_the_calibration(reference: Any) -> None:
    rec = _record(reference, "apistrat_rake_stype_sch.wide")
    raked = sq.rake(_apistrat(rec), _margins(rec), max_iter=200, tol=1e-12)
    # The raked share of sch.wide == "Yes" is fixed by the margin: 5122 / 6194, SE ~ 0.
    share = raked.proportion("sch.wide", "Yes", method="mean")
    assert share.value == pytest.approx(5122 / 6194, rel=1e-9)
    assert share.se < 1e-9
    # Domain estimates go through the same variance: per-stype means of api00 exist.
    by = raked.by("stype").mean("api00")
    assert set(by) == {"E", "H", "M"}


def test_poststratifying_twice_changes_nothing(reference: Any) -> None:
    # A second post-stratification on the same cells has g = 1 and the residuals are
    # already centred: the weights and the SE stay the same (two steps are recorded).
    rec = _record(reference, "apistrat_rake_stype_sch.wide")
    pop = _margins(rec)["sch.wide"]
    once = sq.poststratify(_apistrat(rec), "sch.wide", pop)
    twice = sq.poststratify(once, "sch.wide", pop)
    assert len(twice.arrays.calibration) == 2
    np.testing.assert_allclose(twice.weights, once.weights, rtol=1e-14)
    assert twice.mean("api00").se == pytest.approx(once.mean("api00").se, rel=1e-12)


# --- slow reference implementation of svyrecvar's post-stratum residuals -------------------


def _slow_poststrat_se(
    y: npt.NDArray[np.float64],
    w0: npt.NDArray[np.float64],
    cells: npt.NDArray[Any],
    clusters: npt.NDArray[Any],
    pop: dict[Any, float],
) -> tuple[float, float]:
    """Post-stratified mean and its SE, cell by cell and cluster by cluster (R's formulas)."""
    w = w0.copy()
    for c, count in pop.items():
        w[cells == c] *= count / w0[cells == c].sum()
    mean = float((w * y).sum() / w.sum())
    z = (y - mean) / w.sum()
    e = z.copy()
    for c in pop:  # residual from the weighted cell mean of z
        inside = cells == c
        e[inside] = z[inside] - (w0[inside] * z[inside]).sum() / w0[inside].sum()
    totals = np.array([(w * e)[clusters == k].sum() for k in np.unique(clusters)])
    n = totals.size
    var = n / (n - 1) * ((totals - totals.mean()) ** 2).sum()
    return mean, float(np.sqrt(var))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_clusters=st.integers(3, 12))
def test_poststratified_se_matches_slow_reference(seed: int, n_clusters: int) -> None:
    rng = np.random.default_rng(seed)
    n = 60
    cells = np.array(list("abc"))[np.arange(n) % 3]  # every cell present, cutting clusters
    clusters = rng.integers(0, n_clusters, n)
    clusters[:n_clusters] = np.arange(n_clusters)  # every cluster present
    w0 = rng.uniform(0.5, 3.0, n)
    y = rng.integers(1, 5, n).astype(float)
    pop = {"a": 40.0, "b": 90.0, "c": 70.0}
    design = sq.Design(
        {"y": y, "cell": cells, "psu": clusters, "w": w0}, weights="w", clusters="psu"
    )
    est = sq.poststratify(design, "cell", pop).mean("y")
    mean, se = _slow_poststrat_se(y, w0, cells, clusters, pop)
    assert est.value == pytest.approx(mean, rel=1e-12)
    assert est.se == pytest.approx(se, rel=1e-9)


# --- properties ---------------------------------------------------------------------------


@st.composite
def calibration_problems(draw: st.DrawFn) -> tuple[sq.Design, dict[str, dict[int, float]]]:
    k1, k2 = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    extra = draw(st.integers(0, 40))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # Every (a, b) combination occurs, so raking always has a solution.
    a = np.concatenate([np.repeat(np.arange(k1), k2), rng.integers(0, k1, extra)])
    b = np.concatenate([np.tile(np.arange(k2), k1), rng.integers(0, k2, extra)])
    w = rng.uniform(0.1, 10.0, a.size)
    pop_a = rng.uniform(1.0, 1000.0, k1)
    pop_b = rng.uniform(1.0, 1000.0, k2)
    pop_b *= pop_a.sum() / pop_b.sum()
    margins = {
        "a": {i: float(v) for i, v in enumerate(pop_a)},
        "b": {i: float(v) for i, v in enumerate(pop_b)},
    }
    return sq.Design({"a": a, "b": b, "w": w}, weights="w"), margins


def _weighted_counts(design: sq.Design, col: str, cats: dict[int, float]) -> list[float]:
    values = design.column(col)
    return [float(design.weights[values == c].sum()) for c in cats]


@settings(max_examples=60, deadline=None)
@given(problem=calibration_problems())
def test_poststratified_weights_reproduce_population_counts(
    problem: tuple[sq.Design, dict[str, dict[int, float]]],
) -> None:
    design, margins = problem
    ps = sq.poststratify(design, "a", margins["a"])
    np.testing.assert_allclose(
        _weighted_counts(ps, "a", margins["a"]), list(margins["a"].values()), rtol=1e-12
    )
    # Scaling the input weights by a constant does not change the calibrated weights.
    scaled = sq.Design(
        {"a": design.column("a"), "w": design.weights * 7.5}, weights="w"
    ).poststratify("a", margins["a"])
    np.testing.assert_allclose(scaled.weights, ps.weights, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(problem=calibration_problems(), tol=st.sampled_from([1e-6, 1e-9, 1e-11]))
def test_raked_weights_reproduce_every_margin(
    problem: tuple[sq.Design, dict[str, dict[int, float]]], tol: float
) -> None:
    design, margins = problem
    raked = sq.rake(design, margins, max_iter=1000, tol=tol)
    total = sum(margins["a"].values())
    for col, cats in margins.items():
        got = np.array(_weighted_counts(raked, col, cats))
        assert np.abs(got - list(cats.values())).max() <= tol * total * (1 + 1e-9)


def test_calibration_steps_record_r_attributes() -> None:
    d = sq.Design({"g": ["x", "x", "y"], "w": [1.0, 3.0, 2.0]}, weights="w")
    ps = sq.poststratify(d, "g", {"x": 8, "y": 4})
    (step,) = ps.arrays.calibration
    assert isinstance(step, PostStratum)
    np.testing.assert_array_equal(step.old_weights, [1.0, 3.0, 2.0])  # R: attr "oldweights"
    np.testing.assert_array_equal(step.weights, [2.0, 6.0, 4.0])  # R: attr "weights"


# --- errors ---------------------------------------------------------------------------------


@pytest.fixture
def small() -> sq.Design:
    return sq.Design(
        {
            "counter": list("AAAABBBB"),
            "gender": list("FFFFFMMM"),
            "score": [3, 4, 3, 2, 4, 3, 3, 4],
        }
    )


@pytest.mark.parametrize(
    ("population", "error", "match"),
    [
        (
            {"A": 10, "B": 20, "C": 5},
            DesignError,
            r"population category 'C' \(count 5\) has no rows",
        ),
        ({"A": 10}, DesignError, r"category 'B' of column 'counter' \(first in row 4\) is not in"),
        ({"A": 10, "B": 0}, ParameterError, r"the count of 'B' must be a positive number, got 0"),
        ({"A": 10, "B": -3}, ParameterError, r"the count of 'B' must be a positive number"),
        ({"A": 10, "B": float("inf")}, ParameterError, r"positive number, got inf"),
        ({"A": 10, "B": "20"}, ServqualTypeError, r"the count of 'B' must be a number, got '20'"),
        ({}, ParameterError, r"population is empty"),
        ([("A", 10)], ServqualTypeError, r"population must be a mapping"),
    ],
)
def test_poststratify_errors(
    small: sq.Design, population: Any, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        sq.poststratify(small, "counter", population)


def test_poststratify_unknown_column(small: sq.Design) -> None:
    with pytest.raises(sq.errors.ValidationError, match=r"column 'service' is not in the data"):
        sq.poststratify(small, "service", {"A": 1})


def test_poststratify_zero_weight_cell() -> None:
    d = sq.Design({"g": ["x", "x", "y"], "w": [1.0, 1.0, 0.0]}, weights="w")
    with pytest.raises(DesignError, match=r"category 'y' of column 'g' has sample rows but"):
        sq.poststratify(d, "g", {"x": 5, "y": 5})


def test_rake_not_converging(small: sq.Design) -> None:
    # Counter A has only women, so women >= 40 in any raked design: 10 is unreachable.
    margins = {"counter": {"A": 40, "B": 60}, "gender": {"F": 10, "M": 90}}
    with pytest.raises(
        ConvergenceError,
        match=r"rake did not converge in 25 iterations: the margins are still off by up to "
        r"[0-9.e-]+ of the population total \(tol=1e-10\); the weights changed by up to",
    ):
        sq.rake(small, margins, max_iter=25)


@pytest.mark.parametrize(
    ("margins", "kwargs", "error", "match"),
    [
        (
            {"counter": {"A": 40, "B": 60}, "gender": {"F": 50, "M": 51}},
            {},
            ParameterError,
            r"margins disagree on the population total: 'counter' sums to 100, 'gender' to 101",
        ),
        ({}, {}, ParameterError, r"margins is empty"),
        ({"counter": {"A": 40, "B": 60}}, {"max_iter": 0}, ParameterError, r"max_iter must be"),
        ({"counter": {"A": 40, "B": 60}}, {"tol": 0.0}, ParameterError, r"tol must be a number"),
        ({"counter": {"A": 40}}, {}, DesignError, r"category 'B' of column 'counter'"),
        (
            {"counter": {"A": 40, "B": 60}, "gender": {"F": 50, "M": 40, "X": 10}},
            {},
            DesignError,
            r"margin 'gender' category 'X' \(count 10\) has no rows in the sample",
        ),
        ([("counter", {})], {}, ServqualTypeError, r"margins must be a mapping"),
    ],
)
def test_rake_errors(
    small: sq.Design, margins: Any, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        sq.rake(small, margins, **kwargs)


def test_rake_on_one_margin_is_poststratification(small: sq.Design) -> None:
    pop = {"A": 40, "B": 60}
    raked = sq.rake(small, {"counter": pop})
    ps = sq.poststratify(small, "counter", pop)
    np.testing.assert_allclose(raked.weights, ps.weights, rtol=1e-14)
    assert raked.mean("score").value == pytest.approx(ps.mean("score").value, rel=1e-14)


def test_missing_category_is_an_error() -> None:
    d = sq.Design({"g": np.array(["x", None, "y"], dtype=object)})
    with pytest.raises(DesignError, match=r"calibration column 'g' is missing in row 1: None"):
        sq.poststratify(d, "g", {"x": 5, "y": 5})


def test_numeric_categories() -> None:
    d = sq.Design({"g": [1, 1, 2], "y": [3.0, 4.0, 2.0]})
    ps = sq.poststratify(d, "g", {1: 10, 2: 30})
    np.testing.assert_allclose(ps.weights, [5.0, 5.0, 30.0])


def _slow_raking_residuals(x: npt.NDArray[np.float64], step: Raking) -> npt.NDArray[np.float64]:
    """R survey's svyrecvar, literally: 10 × (for each margin: x <- x - psw * ave(x/psw))."""
    x = x.copy()
    for _ in range(10):
        for margin in step.margins:
            psw = margin.weights
            for c in range(margin.n_cells):
                inside = margin.codes == c
                x[inside] -= psw[inside] * (x[inside] / psw[inside]).mean()
    return x


@settings(max_examples=30, deadline=None)
@given(problem=calibration_problems(), seed=st.integers(0, 2**32 - 1))
def test_raking_residuals_match_slow_reference(
    problem: tuple[sq.Design, dict[str, dict[int, float]]], seed: int
) -> None:
    design, margins = problem
    raked = sq.rake(design, margins, max_iter=1000, tol=1e-9)
    (step,) = raked.arrays.calibration
    assert isinstance(step, Raking)
    x = np.random.default_rng(seed).normal(size=design.n_rows) * raked.weights
    fast = calibration_residuals(x, (step,))[:, 0]
    np.testing.assert_allclose(fast, _slow_raking_residuals(x, step), rtol=1e-9, atol=1e-9)
