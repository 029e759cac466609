"""Plain-number intervals: ``proportion_ci`` and ``mean_ci`` against statsmodels, R and scipy.

Sources: ``proportions.json`` (statsmodels ``proportion_confint``, cross-checked with R
``prop.test``/``binom.test``), ``means_srs.json`` (R ``survey`` ``svymean`` + ``confint(df =
degf)``) and scipy's ``binomtest(...).proportion_ci`` as a slow, independent implementation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import servqual as sq
from servqual.errors import (
    DegenerateDataWarning,
    InsufficientDataError,
    ParameterError,
    ServqualTypeError,
    ValidationError,
)
from servqual.stats.proportion import PROPORTION_METHODS, proportion_interval

TOL = 1e-9  # proportions.json / means_srs.json: closed forms, "relative 1e-9"


def _records(reference: Any, name: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = reference(name)["records"]
    return records


# --- proportion_ci vs proportions.json (statsmodels 0.15.0, R cross-check) ---------------


def _jeffreys_boundary(rec: dict[str, Any]) -> bool:
    x, n = rec["inputs"]["x"], rec["inputs"]["n"]
    return bool(rec["inputs"]["method"] == "jeffreys" and x in (0, n))


@pytest.mark.filterwarnings("ignore::servqual.errors.DegenerateDataWarning")  # Wald at 0 or n
def test_every_proportions_record(reference: Any) -> None:
    records = _records(reference, "proportions.json")
    assert len(records) == 550
    for rec in records:
        inp, ref = rec["inputs"], rec["reference"]
        ci = sq.proportion_ci(inp["x"], inp["n"], level=inp["conf_level"], method=inp["method"])
        assert ci.method == inp["method"]
        assert ci.level == inp["conf_level"]
        if _jeffreys_boundary(rec):
            continue  # checked bound by bound in test_jeffreys_boundary_convention
        # proportions.json, record rec["id"]: statsmodels proportion_confint
        assert ci.low == pytest.approx(ref["lower"], abs=TOL), rec["id"]
        assert ci.high == pytest.approx(ref["upper"], abs=TOL), rec["id"]


def test_jeffreys_boundary_convention(reference: Any) -> None:
    # statsmodels leaves the Jeffreys interval unmodified at x = 0 and x = n; servqual
    # follows Brown, Cai & DasGupta (2001, sec. 4.1.2): lower = 0 at x = 0 and upper = 1 at
    # x = n. The other bound must still equal statsmodels' (the same Beta quantile).
    boundary = [r for r in _records(reference, "proportions.json") if _jeffreys_boundary(r)]
    assert len(boundary) == 32  # x = 0 and x = n for 8 values of n at 2 levels
    for rec in boundary:
        inp, ref = rec["inputs"], rec["reference"]
        ci = sq.proportion_ci(inp["x"], inp["n"], level=inp["conf_level"], method="jeffreys")
        if inp["x"] == 0:
            assert ci.low == 0.0
            assert ref["lower"] > 0.0  # statsmodels' unmodified Beta quantile
            assert ci.high == pytest.approx(ref["upper"], abs=TOL), rec["id"]
        if inp["x"] == inp["n"]:
            assert ci.high == 1.0
            assert ref["upper"] < 1.0
            assert ci.low == pytest.approx(ref["lower"], abs=TOL), rec["id"]


def test_vectorized_kernel_matches_every_record(reference: Any) -> None:
    records = [r for r in _records(reference, "proportions.json") if not _jeffreys_boundary(r)]
    for method in PROPORTION_METHODS:
        for level in (0.90, 0.95):
            sel = [
                r
                for r in records
                if r["inputs"]["method"] == method and r["inputs"]["conf_level"] == level
            ]
            x = np.array([r["inputs"]["x"] for r in sel])
            n = np.array([r["inputs"]["n"] for r in sel])
            low, high = proportion_interval(x, n, level=level, method=method)
            # proportions.json: statsmodels proportion_confint, one call per record
            np.testing.assert_allclose(low, [r["reference"]["lower"] for r in sel], atol=TOL)
            np.testing.assert_allclose(high, [r["reference"]["upper"] for r in sel], atol=TOL)


def test_kernel_broadcasts() -> None:
    low, high = proportion_interval(np.arange(6).reshape(2, 3), 5, level=0.9)
    assert low.shape == high.shape == (2, 3)
    assert low[0, 0] == 0.0
    assert high[1, 2] == 1.0


def test_kernel_accepts_effective_sample_sizes() -> None:
    # A design-based Wilson interval plugs in p̂ · n_eff successes out of n_eff: real numbers.
    # Explicit Wilson formula with x = 12.5, n = 40.5, z = qnorm(0.975).
    z = stats.norm.ppf(0.975)
    x, n = 12.5, 40.5
    centre = (x + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(x * (n - x) / n + z * z / 4)
    low, high = proportion_interval(x, n, level=0.95, method="wilson")
    assert float(low) == pytest.approx(centre - half, rel=1e-12)
    assert float(high) == pytest.approx(centre + half, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 2000), data=st.data(), level=st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_wilson_and_exact_match_scipy(n: int, data: st.DataObject, level: float) -> None:
    # Independent implementation: scipy.stats.binomtest(x, n).proportion_ci(level, method).
    x = data.draw(st.integers(0, n))
    result = stats.binomtest(x, n)
    for ours, theirs in (("wilson", "wilson"), ("clopper_pearson", "exact")):
        ref = result.proportion_ci(confidence_level=level, method=theirs)
        ci = sq.proportion_ci(x, n, level=level, method=ours)  # type: ignore[arg-type]
        assert ci.low == pytest.approx(ref.low, abs=TOL)
        assert ci.high == pytest.approx(ref.high, abs=TOL)


# --- properties ---------------------------------------------------------------------------

counts = st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@pytest.mark.filterwarnings("ignore::servqual.errors.DegenerateDataWarning")  # Wald at 0 or n
@settings(max_examples=300, deadline=None)
@given(xn=counts, level=st.floats(0.5, 0.999), method=st.sampled_from(PROPORTION_METHODS))
def test_interval_inside_unit_interval(xn: tuple[int, int], level: float, method: str) -> None:
    ci = sq.proportion_ci(*xn, level=level, method=method)  # type: ignore[arg-type]
    assert 0.0 <= ci.low <= ci.high <= 1.0


@settings(max_examples=300, deadline=None)
@given(xn=counts, level=st.floats(0.5, 0.999))
def test_interval_contains_the_estimate(xn: tuple[int, int], level: float) -> None:
    x, n = xn
    p = x / n
    for method in ("wilson", "clopper_pearson", "jeffreys"):
        ci = sq.proportion_ci(x, n, level=level, method=method)  # type: ignore[arg-type]
        assert ci.low <= p <= ci.high, method


@pytest.mark.filterwarnings("ignore::servqual.errors.DegenerateDataWarning")  # Wald at 0 or n
@settings(max_examples=300, deadline=None)
@given(
    xn=counts,
    levels=st.tuples(st.floats(0.5, 0.999), st.floats(0.5, 0.999)).map(sorted),
    method=st.sampled_from(PROPORTION_METHODS),
)
def test_intervals_nest_as_the_level_grows(
    xn: tuple[int, int], levels: list[float], method: str
) -> None:
    lo_level, hi_level = levels
    narrow = sq.proportion_ci(*xn, level=lo_level, method=method)  # type: ignore[arg-type]
    wide = sq.proportion_ci(*xn, level=hi_level, method=method)  # type: ignore[arg-type]
    assert wide.low <= narrow.low + 1e-12
    assert narrow.high <= wide.high + 1e-12


def test_wald_is_zero_width_at_the_boundary() -> None:
    # proportions.json conventions: "wald ... zero-width at x=0 and x=n"
    # ... and servqual warns that such an interval says nothing.
    for x in (0, 30):
        with pytest.warns(DegenerateDataWarning, match=r"Wald interval of \d+/30 has zero width"):
            assert sq.proportion_ci(x, 30, method="wald").width == 0.0


# --- errors ---------------------------------------------------------------------------------


def test_default_method_is_wilson() -> None:
    assert sq.proportion_ci(3, 10).method == "wilson"
    assert sq.proportion_ci(3, 10).level == 0.95


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((11, 10), {}, ParameterError, r"successes \(11\) cannot exceed n \(10\)"),
        ((-1, 10), {}, ParameterError, r"successes must be >= 0, got -1"),
        ((2.5, 10), {}, ParameterError, r"successes must be a whole number, got 2\.5"),
        ((2, 10.5), {}, ParameterError, r"n must be a whole number, got 10\.5"),
        (("2", 10), {}, ServqualTypeError, r"successes must be a whole number, got '2'"),
        ((True, 10), {}, ServqualTypeError, r"successes must be a whole number"),
        ((0, 0), {}, InsufficientDataError, r"n is 0"),
        ((2, 10), {"method": "score"}, ParameterError, r"method must be one of \['wilson', "),
        ((2, 10), {"level": 95}, ParameterError, r"level must be in \(0, 1\), got 95"),
        ((2, 10), {"level": 1.0}, ParameterError, r"level must be in \(0, 1\)"),
    ],
)
def test_proportion_ci_errors(
    args: tuple[Any, Any], kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        sq.proportion_ci(*args, **kwargs)


def test_proportion_ci_accepts_numpy_and_integral_floats() -> None:
    a = sq.proportion_ci(np.int64(7), np.int32(20))
    b = sq.proportion_ci(7.0, 20.0)  # type: ignore[arg-type]
    assert a == b == sq.proportion_ci(7, 20)


# --- mean_ci vs means_srs.json (R survey svymean + confint(df = degf)) ----------------------


def test_every_means_srs_record(reference: Any) -> None:
    records = _records(reference, "means_srs.json")
    assert len(records) == 20
    for rec in records:
        inp, ref = rec["inputs"], rec["reference"]
        for key, ci_ref in ref["ci_t"].items():
            est = sq.mean_ci(inp["y"], level=float(key), population_size=inp["N"])
            # means_srs.json record rec["id"]: R svymean / SE / confint(df = degf(design))
            assert est.value == pytest.approx(ref["mean"], rel=TOL), rec["id"]
            assert est.se == pytest.approx(ref["se"], rel=TOL, abs=1e-15), rec["id"]
            assert est.df == ref["degf"]
            assert est.n == inp["n"]
            assert est.ci.method == "t"
            assert est.ci.low == pytest.approx(ci_ref["lower"], rel=TOL), (rec["id"], key)
            assert est.ci.high == pytest.approx(ci_ref["upper"], rel=TOL), (rec["id"], key)


def test_mean_ci_matches_design_mean() -> None:
    # The same computation as Design.mean with fpc (R svymean on svydesign(ids=~1, fpc=~N)).
    y = [3, 4, 3, 2, 4, 3, 3, 4, 2, 3]
    est = sq.mean_ci(y, population_size=60)
    d = sq.Design({"y": y, "N": [60] * 10}, fpc="N").mean("y")
    assert est.value == pytest.approx(d.value, rel=1e-12)
    assert est.se == pytest.approx(d.se, rel=1e-12)
    assert est.ci.low == pytest.approx(d.ci.low, rel=1e-12)


def test_mean_ci_at_level_recomputes_the_t_interval(reference: Any) -> None:
    rec = next(r for r in _records(reference, "means_srs.json") if r["id"] == "likert1to4_n50_N250")
    est = sq.mean_ci(rec["inputs"]["y"], population_size=250).at_level(0.99)
    # means_srs.json likert1to4_n50_N250, ci_t["0.99"]
    assert est.ci.low == pytest.approx(rec["reference"]["ci_t"]["0.99"]["lower"], rel=TOL)
    assert est.ci.high == pytest.approx(rec["reference"]["ci_t"]["0.99"]["upper"], rel=TOL)


def test_mean_ci_warns_when_all_values_are_equal() -> None:
    with pytest.warns(DegenerateDataWarning, match=r"all 5 values equal 4: the standard error"):
        est = sq.mean_ci([4, 4, 4, 4, 4])
    assert est.se == 0.0
    assert est.ci.width == 0.0


def test_mean_ci_census_is_exact_without_warning() -> None:
    # means_srs.json likert1to4_n10_N10: "Census (n == N): SE is exactly 0"
    est = sq.mean_ci([4, 4, 4], population_size=3)
    assert est.se == 0.0


@pytest.mark.parametrize(
    ("values", "kwargs", "error", "match"),
    [
        ([3.0], {}, InsufficientDataError, r"at least 2 values, got 1"),
        ([], {}, InsufficientDataError, r"at least 2 values, got 0"),
        ([3, 4, float("nan"), 2], {}, ValidationError, r"non-finite value at position 2: nan"),
        ([3, None, 2], {}, ValidationError, r"at position 1: None"),
        ([[1, 2], [3, 4]], {}, ValidationError, r"one-dimensional, got shape \(2, 2\)"),
        (["a", "b"], {}, ServqualTypeError, r"values must be numbers"),
        ("34", {}, ServqualTypeError, r"sequence of numbers"),
        ([3, 4, 2], {"population_size": 2}, ParameterError, r"population_size \(2\) is smaller"),
        ([3, 4, 2], {"population_size": -5}, ParameterError, r"population_size must be >= 0"),
        ([3, 4, 2], {"level": 0}, ParameterError, r"level must be in \(0, 1\)"),
    ],
)
def test_mean_ci_errors(
    values: Any, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        sq.mean_ci(values, **kwargs)
