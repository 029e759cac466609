"""Sample sizes, PPS selection, allocation and comparisons against R (tests/data/sampling_r.json).

The JSON holds R's values with the exact R calls; tests/data/sampling_r.R is the script that
wrote it (R 4.2.2, sampling 2.9, jsonlite 1.8.4). The tests do not need R. Sources:

- ``for_difference``: ``power.prop.test`` / ``power.t.test`` (``strict = FALSE``) with
  ``tol = 1e-12`` (R's default tolerance, about 1.2e-4, moves ``n`` in the 6th digit);
- ``for_proportion`` / ``for_mean``: the formulas evaluated in R (Wilson by ``uniroot`` on
  the half-width, not by servqual's quadratic);
- PPS: ``sampling::inclusionprobabilities``; ``UPsystematic`` and ``UPbrewer`` run on
  recorded uniforms; the exact distribution over samples of both designs (systematic: the
  lengths of the ``u``-intervals giving each sample, checked in R against
  ``UPsystematicpi2``; Brewer: every draw path of Tillé 2006, Algorithm 6.10);
- ``allocate``: the shares ``clip(λ a_h, l_h, N_h)`` with ``λ`` from ``uniroot``;
- ``compare``: ``t.test(x, y, var.equal = FALSE)``; ``newcombe_difference``: method 10
  built in R from ``prop.test(x, n, correct = FALSE)``'s Wilson limits, p-value from
  ``prop.test(c(x1, x2), c(n1, n2), correct = FALSE)``.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

import servqual as sq
from servqual.sampling._kernels import brewer, pps_probabilities, pps_systematic

REF = json.loads((Path(__file__).parent / "data" / "sampling_r.json").read_text())
ss = sq.sample_size
ALTERNATIVE = {"two.sided": "two-sided", "one.sided": "one-sided"}


def _ids(records: list[dict[str, Any]]) -> list[str]:
    return [str(i) for i in range(len(records))]


# --- for_difference ---------------------------------------------------------------------
@pytest.mark.parametrize("rec", REF["power_prop"], ids=_ids(REF["power_prop"]))
def test_for_difference_proportions_is_power_prop_test(rec: dict[str, Any]) -> None:
    res = ss.for_difference(
        rec["p1"],
        rec["p2"],
        level=rec["level"],
        power=rec["power"],
        alternative=ALTERNATIVE[rec["alternative"]],
    )
    # sampling_r.json: rec["call"] (the Fleiss formula is the root of R's power equation)
    assert res.exact == pytest.approx(rec["n"], rel=1e-9), rec["call"]
    assert int(res) == math.ceil(rec["n"] - 1e-9)


@pytest.mark.parametrize("rec", REF["power_t"], ids=_ids(REF["power_t"]))
def test_for_difference_means_is_power_t_test(rec: dict[str, Any]) -> None:
    res = ss.for_difference(
        1.0,
        1.0 + rec["delta"],
        sd=rec["sd"],
        level=rec["level"],
        power=rec["power"],
        alternative=ALTERNATIVE[rec["alternative"]],
    )
    # sampling_r.json: rec["call"]; both sides solve the noncentral-t equation to 1e-12
    assert res.exact == pytest.approx(rec["n"], rel=1e-9), rec["call"]
    assert int(res) == math.ceil(rec["n"] - 1e-9)
    assert rec["power_at_ceiling"] >= rec["power"]  # R: power.t.test(n = int(res), ...)


def test_large_standardized_differences_no_longer_fail() -> None:
    # These raised ValueError before: the root search started at n = 1 + 1e-9, where the
    # noncentral t is meaningless (3/2 → "f(a) and f(b) must have different signs"), and
    # special.nctdtr returned NaN near noncentrality 30-55 (20/1 → "value ... is NaN").
    # sampling_r.json: power.t.test(delta = 3, sd = 2, power = 0.8, tol = 1e-12) → 8.0603…
    # and power.t.test(delta = 20, sd = 1, power = 0.8, tol = 1e-12) → 1.4885…
    assert ss.for_difference(0.0, 3.0, sd=2.0).exact == pytest.approx(8.0603090905328614)
    assert ss.for_difference(0.0, 20.0, sd=1.0).exact == pytest.approx(1.4885206520112744)
    assert int(ss.for_difference(0.0, 1000.0, sd=1.0)) == 2  # the least a t test can use


# --- for_proportion / for_mean ----------------------------------------------------------
@pytest.mark.parametrize("rec", REF["for_proportion"], ids=_ids(REF["for_proportion"]))
def test_for_proportion_against_r_formulas(rec: dict[str, Any]) -> None:
    res = ss.for_proportion(
        rec["margin"],
        level=rec["level"],
        p=rec["p"],
        population=rec["population"],
        deff=rec["deff"],
        response_rate=rec["response_rate"],
        method=rec["method"],
        correction=rec["correction"],
    )
    # sampling_r.json: rec["formula"] for n0, then n0·deff, fpc, / response rate
    assert res.n0 == pytest.approx(rec["n0"], rel=1e-9)
    assert res.exact == pytest.approx(rec["exact"], rel=1e-9)
    want = math.ceil(rec["exact"] - 1e-9)
    assert int(res) == (want if rec["population"] is None else min(want, rec["population"]))


@pytest.mark.parametrize("rec", REF["for_mean"], ids=_ids(REF["for_mean"]))
def test_for_mean_against_r_formulas(rec: dict[str, Any]) -> None:
    res = ss.for_mean(
        rec["sd"],
        rec["margin"],
        level=rec["level"],
        population=rec["population"],
        deff=rec["deff"],
        response_rate=rec["response_rate"],
        correction=rec["correction"],
    )
    # sampling_r.json: n0 = (qnorm(1 - (1 - level)/2) sd / e)^2, then deff, fpc, rate
    assert res.n0 == pytest.approx(rec["n0"], rel=1e-9)
    assert res.exact == pytest.approx(rec["exact"], rel=1e-9)


# --- PPS ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "rec", REF["inclusion_probabilities"], ids=_ids(REF["inclusion_probabilities"])
)
def test_pps_probabilities_are_inclusionprobabilities(rec: dict[str, Any]) -> None:
    pik = np.array(rec["pik"])
    pi, n_certain = pps_probabilities(np.array(rec["sizes"], dtype=float), rec["n"])
    # sampling_r.json: rec["call"] (take-all units capped at 1, the rest re-spread)
    np.testing.assert_allclose(pi, pik, rtol=1e-12, atol=1e-15)
    assert n_certain == int(np.sum(pik >= 1))
    for method in ("systematic", "brewer"):
        with warnings.catch_warnings():
            warnings.simplefilter("error" if n_certain == 0 else "ignore")
            s = sq.sampling.pps(len(pik), rec["n"], sizes=rec["sizes"], method=method, seed=11)
        np.testing.assert_allclose(s.inclusion_probabilities, pik[s.positions], rtol=1e-12)
        assert set(np.flatnonzero(pik >= 1)) <= set(s.positions.tolist())


class _Uniforms:
    """Stands in for a Generator: returns the uniforms R's runif gave, in order."""

    def __init__(self, values: list[float]) -> None:
        self.values = list(values)

    def random(self) -> float:
        return self.values.pop(0)


@pytest.mark.parametrize("rec", REF["pps_designs"], ids=_ids(REF["pps_designs"]))
def test_kernels_draw_what_upsystematic_and_upbrewer_draw(rec: dict[str, Any]) -> None:
    pik = np.array(rec["pik"])
    for u, want in zip(rec["uniforms"], rec["UPsystematic_draws"], strict=True):
        # sampling_r.json: UPsystematic(pik) with runif() returning u[1]
        assert (pps_systematic(pik, u[0]) + 1).tolist() == want
    for u, want in zip(rec["uniforms"], rec["UPbrewer_draws"], strict=True):
        # sampling_r.json: UPbrewer(pik) with the i-th runif(1) returning u[i]
        assert (brewer(pik, _Uniforms(u)) + 1).tolist() == want  # type: ignore[arg-type]


def _subset_chi2_p(counts: dict[str, int], subsets: list[str], prob: list[float]) -> float:
    """Chi-square of observed samples against exact probabilities (cells < 5 expected pooled)."""
    reps = sum(counts.values())
    assert set(counts) <= set(subsets), set(counts) - set(subsets)  # no impossible sample
    obs = np.array([counts.get(k, 0) for k in subsets], dtype=float)
    exp = reps * np.array(prob)
    small = exp < 5
    if small.any():
        obs = np.append(obs[~small], obs[small].sum())
        exp = np.append(exp[~small], exp[small].sum())
    return float(stats.chisquare(obs, exp).pvalue)


@pytest.mark.parametrize("method", ["systematic", "brewer"])
@pytest.mark.parametrize("rec", REF["pps_designs"], ids=_ids(REF["pps_designs"]))
def test_pps_sample_distribution_is_exact(rec: dict[str, Any], method: str) -> None:
    # Seeded simulation of sq.sampling.pps against the exact probability of every sample
    # computed in R; the first-order frequencies also match the R π.
    exact = rec[method]
    if method == "brewer":  # Brewer's method is exact: Σ_s∋k p(s) = π_k (R enumeration)
        assert rec["brewer"]["max_abs_first_order_minus_pik"] < 1e-12
    reps, big_n = 2000, len(rec["pik"])
    rng = np.random.default_rng(20261128)
    counts: dict[str, int] = {}
    freq = np.zeros(big_n)
    for _ in range(reps):
        pos = sq.sampling.pps(big_n, rec["n"], sizes=rec["sizes"], method=method, seed=rng)
        key = ",".join(str(p + 1) for p in pos.positions)
        counts[key] = counts.get(key, 0) + 1
        freq[pos.positions] += 1
    assert _subset_chi2_p(counts, exact["subsets"], exact["prob"]) > 1e-3
    pik = np.array(rec["pik"])
    z = (freq - reps * pik) / np.sqrt(reps * pik * (1 - pik))
    assert stats.chi2.sf(float(np.sum(z**2)), big_n) > 1e-3


# --- allocation ---------------------------------------------------------------------------
@pytest.mark.parametrize("rec", REF["allocation"], ids=_ids(REF["allocation"]))
def test_allocation_against_r(rec: dict[str, Any]) -> None:
    strata = [f"h{i}" for i in range(len(rec["N_h"]))]
    res = ss.allocate(
        dict(zip(strata, rec["N_h"], strict=True)),
        rec["n"],
        method=rec["method"],
        sd=dict(zip(strata, rec["S_h"], strict=True)),
        cost=dict(zip(strata, rec["c_h"], strict=True)),
        minimum=rec["minimum"],
    )
    # sampling_r.json: a_h = N_h S_h (/ sqrt(c_h)), shares clip(λ a_h, min(m, N_h), N_h)
    # with λ from uniroot; largest remainder, ties to the first stratum
    np.testing.assert_allclose(res.exact, rec["exact"], rtol=1e-9)
    assert list(res.counts) == rec["counts"]
    assert list(res.take_all) == [strata[i - 1] for i in rec["take_all"]]


def test_allocation_ties_are_decimal_ties() -> None:
    # N_h S_h = 400 × 1.2 = 1200 × 0.4 = 480: the two shares tie and the unit goes to the
    # first listed, as in R (sampling_r.json, allocation record 5: 115, 30, 27, 114, 14).
    # Before, 1.2 and 0.4 were read as binary doubles (400 × 1.19999… < 1200 × 0.40000…),
    # so the second got it.
    res = ss.allocate(
        {"a": 400, "b": 1200},
        7,
        method="neyman",
        sd={"a": 1.2, "b": 0.4},
        minimum=0,
    )
    assert res.sizes == {"a": 4, "b": 3}


# --- comparisons --------------------------------------------------------------------------
@pytest.mark.parametrize("rec", REF["welch"], ids=_ids(REF["welch"]))
def test_compare_is_welch_t_test(rec: dict[str, Any]) -> None:
    level = rec["level"]
    c = sq.compare(
        sq.mean_ci(rec["x"], level=level), sq.mean_ci(rec["y"], level=level), level=level
    )
    # sampling_r.json: rec["call"]
    assert c.difference.value == pytest.approx(rec["estimate"], rel=1e-9)
    assert c.difference.se == pytest.approx(rec["stderr"], rel=1e-9)
    assert c.difference.df == pytest.approx(rec["df"], rel=1e-9)
    assert c.difference.value / c.difference.se == pytest.approx(rec["statistic"], rel=1e-9)
    assert c.p_value == pytest.approx(rec["p_value"], rel=1e-9)
    assert c.difference.ci.low == pytest.approx(rec["ci"][0], rel=1e-9)
    assert c.difference.ci.high == pytest.approx(rec["ci"][1], rel=1e-9)


@pytest.mark.parametrize("rec", REF["newcombe"], ids=_ids(REF["newcombe"]))
def test_newcombe_against_r(rec: dict[str, Any]) -> None:
    c = sq.newcombe_difference(rec["x1"], rec["n1"], rec["x2"], rec["n2"], level=rec["level"])
    # sampling_r.json: prop.test(x, n, correct = FALSE)$conf.int for each proportion
    assert (c.first.ci.low, c.first.ci.high) == pytest.approx(rec["wilson1"], abs=1e-12)
    assert (c.second.ci.low, c.second.ci.high) == pytest.approx(rec["wilson2"], abs=1e-12)
    # sampling_r.json: Newcombe (1998) method 10 from those limits
    assert c.difference.ci.low == pytest.approx(rec["lower"], abs=1e-12)
    assert c.difference.ci.high == pytest.approx(rec["upper"], abs=1e-12)
    if rec["p_value"] is None:  # R: NaN (both all 0 or all 1); servqual documents 1
        assert c.p_value == 1.0
    else:  # sampling_r.json: prop.test(c(x1, x2), c(n1, n2), correct = FALSE)$p.value
        assert c.p_value == pytest.approx(rec["p_value"], rel=1e-9)
