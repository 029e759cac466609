"""GREG calibration, bounds, trimming and calibrated replicate designs against R survey 4.1.1.

Reference values: tests/data/rparity.json (script tests/data/rparity.R):
``calibrate(design, ~stype + api99, pop[, bounds=])`` on apiclus1, apistrat and the
two-stage apiclus2 design, ``trimWeights(dg, upper=40, lower=28[, strict=TRUE])``, and
``calibrate(as.svrepdesign(dclus1, type="JK1"), ~stype + api99, pop)`` (its replicate
weights, scale and rscales are in the record), and ``svyquantile`` on that replicate
design.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import ConvergenceError, ParameterError, ValidationError

POP: dict[str, Any] = {"stype": {"E": 6194 - 755 - 1018, "H": 755, "M": 1018}, "api99": 3914069}
REL = 1e-9

DesignOf = Callable[[str], sq.Design]
Records = dict[str, dict[str, Any]]


def _check(est: sq.Estimate, r: dict[str, Any]) -> None:
    assert est.value == pytest.approx(r["estimate"], rel=REL)
    assert est.se == pytest.approx(r["se"], rel=REL)
    assert est.ci.low == pytest.approx(r["ci_low"], rel=REL)
    assert est.ci.high == pytest.approx(r["ci_high"], rel=REL)
    assert est.df == r["df"]


@pytest.mark.parametrize(
    ("rid", "name", "bounds"),
    [
        ("greg_linear_mean", "dclus1", None),
        ("greg_bounded_mean", "dclus1", (0.7, 1.7)),
        ("greg_dstrat_mean", "dstrat", None),
        ("greg_twostage_bounded_mean", "dclus2", (0.5, 2.0)),
    ],
)
def test_calibrated_mean_matches_r(
    rid: str, name: str, bounds: tuple[float, float] | None, records: Records, design: DesignOf
) -> None:
    r = records[rid]  # R: svymean(~api00, calibrate(<design>, ~stype + api99, pop[, bounds]))
    cal = design(name).calibrate(POP, bounds=bounds)
    _check(cal.mean("api00"), r)
    if "weights" in r:
        np.testing.assert_allclose(cal.weights, r["weights"], rtol=1e-12)


@pytest.mark.parametrize(
    ("rid", "calfun", "bounds"),
    [
        ("greg_raking_mean", "raking", (0.5, 2.5)),
        ("greg_logit_mean", "logit", (0.5, 2.5)),
        ("greg_raking_unbounded_mean", "raking", None),
    ],
)
def test_raking_and_logit_calfun_match_r(
    rid: str, calfun: str, bounds: Any, records: Records, design: DesignOf
) -> None:
    # R: calibrate(dclus1, ~stype + api99, pop, calfun = calfun[, bounds = c(0.5, 2.5)]);
    # grake stops at a relative misfit below 1e-7, so the weights agree to ~1e-7
    r = records[rid]
    cal = design("dclus1").calibrate(POP, calfun=calfun, bounds=bounds)  # type: ignore[arg-type]
    np.testing.assert_allclose(cal.weights, r["weights"], rtol=1e-9)
    _check(cal.mean("api00"), r)


def test_calibrated_total_and_trimming_match_r(records: Records, design: DesignOf) -> None:
    cal = design("dclus1").calibrate(POP)
    _check(cal.total("enroll"), records["greg_linear_total"])
    # R: trimWeights(dg, upper = 40, lower = 28[, strict = TRUE]); calibration residuals kept
    for rid, strict in (("greg_trimmed_total", False), ("greg_trimmed_strict_total", True)):
        trimmed = cal.trim_weights(lower=28, upper=40, strict=strict)
        np.testing.assert_allclose(trimmed.weights, records[rid]["weights"], rtol=1e-12)
        _check(trimmed.total("enroll"), records[rid])
    strict = cal.trim_weights(lower=28, upper=40, strict=True).weights
    assert strict.min() >= 28 - 1e-9
    assert strict.max() <= 40 + 1e-9


def test_calibrated_replicate_design_matches_r(
    records: Records, data_set: Callable[[str], dict[str, np.ndarray]]
) -> None:
    r = records["greg_replicate_mean"]
    cols = data_set("apiclus1")
    reps = {f"r{j}": np.asarray(v) for j, v in enumerate(r["replicate_weights"])}
    cols.update(reps)
    rep = sq.ReplicateDesign(
        cols,
        weights="pw",
        replicate_weights=list(reps),
        type="JK1",
        scale=r["scale"],
        rscales=r["rscales"],
    )
    cal = rep.calibrate(POP)
    np.testing.assert_allclose(cal.weights, r["calibrated_weights"], rtol=1e-12)
    _check(cal.mean("api00"), r)


def test_calibration_errors(design: DesignOf) -> None:
    d = design("dclus1")
    with pytest.raises(
        ValidationError,
        match=r"calibration column 'stype' has category 'M', which has no population count",
    ):
        d.calibrate({"stype": {"E": 10, "H": 5}})
    with pytest.raises(
        ParameterError, match=r"without a categorical margin, give the population size"
    ):
        d.calibrate({"api99": 3914069})
    with pytest.raises(ValidationError, match=r"size=100 differs from the margins' sum 6194"):
        d.calibrate(POP, size=100)
    with pytest.raises(
        ParameterError, match=r"bounds must satisfy lower <= 1 <= upper, got \(1.2, 2\)"
    ):
        d.calibrate(POP, bounds=(1.2, 2))
    with pytest.raises(
        ConvergenceError, match=r"did not meet the population totals in 50 iterations"
    ):
        d.calibrate(POP, bounds=(0.99, 1.01))
    with pytest.raises(ParameterError, match=r"lower 5 is above upper 1"):
        d.trim_weights(lower=5, upper=1)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), bounded=st.booleans())
def test_calibrated_weights_meet_the_totals(seed: int, bounded: bool) -> None:
    # Invariant: Σ w g x = T_x for every auxiliary column (R's calibrate guarantees it).
    rng = np.random.default_rng(seed)
    n = 40
    data = {
        "g": rng.choice(["a", "b", "c"], n).astype(object),
        "x": rng.uniform(1, 5, n),
        "w": rng.uniform(5, 15, n),
    }
    d = sq.Design(data, weights="w")
    shares = {k: float(np.sum(data["w"][data["g"] == k])) * rng.uniform(0.9, 1.1) for k in "abc"}
    pop = {"g": shares, "x": float(np.sum(data["w"] * data["x"])) * rng.uniform(0.95, 1.05)}
    cal = d.calibrate(pop, bounds=(0.3, 3.0) if bounded else None)
    for k, count in shares.items():
        assert float(np.sum(cal.weights[data["g"] == k])) == pytest.approx(count, rel=1e-6)
    assert float(np.sum(cal.weights * data["x"])) == pytest.approx(pop["x"], rel=1e-6)


def test_calfun_errors(design: DesignOf) -> None:
    d = design("dclus1")
    with pytest.raises(
        ParameterError, match=r"calfun='logit' needs finite bounds with lower < 1 < upper"
    ):
        d.calibrate(POP, calfun="logit")
    with pytest.raises(
        ParameterError, match=r"calfun must be one of \['linear', 'raking', 'logit'\], got 'probit'"
    ):
        d.calibrate(POP, calfun="probit")  # type: ignore[arg-type]


@pytest.mark.parametrize("rid", ["quantile_rclus1_mean", "quantile_rclus1_xlogit"])
def test_replicate_quantile_matches_r(
    rid: str, records: Records, data_set: Callable[[str], dict[str, np.ndarray]]
) -> None:
    # R: svyquantile(~api00, as.svrepdesign(dclus1, type="JK1"), c(.25, .5, .9),
    # interval.type = it). survey 4.1.1 ignores interval.type on replicate designs (its
    # "xlogit" record equals "mean"), so both records are checked with method="mean".
    r, rep_ref = records[rid], records["greg_replicate_mean"]
    cols = data_set("apiclus1")
    reps = {f"r{j}": np.asarray(v) for j, v in enumerate(rep_ref["replicate_weights"])}
    cols.update(reps)
    rep = sq.ReplicateDesign(
        cols,
        weights="pw",
        replicate_weights=list(reps),
        type="JK1",
        scale=rep_ref["scale"],
        rscales=rep_ref["rscales"],
    )
    for i, p in enumerate(r["probs"]):
        est = rep.quantile("api00", p)
        assert est.value == r["estimate"][i]
        assert est.ci.low == r["ci_low"][i]
        assert est.ci.high == r["ci_high"][i]
        assert est.se == pytest.approx(r["se"][i], rel=1e-12)
        assert est.df == r["df"]
