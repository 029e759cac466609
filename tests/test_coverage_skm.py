"""Coverage of the SKM index interval by simulation from a known finite population.

Independent fact checked: a 95% confidence interval procedure covers the true population
value in about 95% of repeated samples. The population (3,000 service users, nine SKM
elements on 1–4, three services of different quality) is fixed by a seed, so its SKM index
``25 · mean_j(population mean of element j)`` (PermenPAN-RB 14/2017 with exact weights 1/9)
is known exactly. Samples are drawn again and again with ``numpy.random.Generator``; the
number of intervals covering the truth is compared with the central 99.9% range of
Binomial(R, 0.95).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

import servqual as sq

N_SIZES = np.array([1500, 1000, 500])  # users of three services (the strata)


@pytest.fixture(scope="module")
def population() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], float]:
    rng = np.random.default_rng(2026)
    service = np.repeat(np.arange(3), N_SIZES)
    quality = rng.normal(size=(service.size, 1)) + np.array([0.3, -0.2, -0.6])[service][:, None]
    noise = rng.normal(size=(service.size, 9))
    answers = np.clip(np.rint(3.0 + 0.6 * quality + 0.5 * noise), 1, 4).astype(np.int64)
    true_index = 25.0 * float(answers.mean(axis=0).mean())  # SKM of the whole population
    return answers, service, true_index


def _band(replications: int) -> tuple[int, int]:
    """Central 99.9% range of the number of covering intervals if coverage is 95%."""
    low, high = stats.binom.interval(0.999, replications, 0.95)
    return int(low), int(high)


def _covers(result: sq.SKMResult, truth: float) -> bool:
    return result.index.ci.low <= truth <= result.index.ci.high


def test_population_index_is_the_census_estimate(
    population: tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], float],
) -> None:
    answers, _, truth = population
    census = sq.skm_index(sq.Responses.from_arrays(answers, sq.instruments.SKM_2017))
    assert census.index.value == pytest.approx(truth, rel=1e-12)
    assert 60 < truth < 90  # a realistic index, away from the 25 and 100 bounds


def test_linearization_interval_covers_under_simple_random_sampling(
    population: tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], float],
) -> None:
    # SRS without replacement of 60 users, fpc = 3000; a twentieth of the answers missing
    # completely at random (each NRR uses the answers it has).
    answers, _, truth = population
    rng = np.random.default_rng(1)
    replications, n = 1500, 60
    hits = 0
    for _ in range(replications):  # loop over simulated surveys, not respondents
        scores = answers[rng.choice(answers.shape[0], n, replace=False)].astype(float)
        scores[rng.random(scores.shape) < 0.05] = np.nan
        responses = sq.Responses.from_arrays(
            scores, sq.instruments.SKM_2017, fpc=np.full(n, answers.shape[0])
        )
        hits += _covers(sq.skm_index(responses), truth)
    low, high = _band(replications)
    assert low <= hits <= high, hits / replications


def test_linearization_interval_covers_under_stratified_sampling(
    population: tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], float],
) -> None:
    # 20 users per service whatever its size: unequal weights N_h / n_h, fpc N_h per stratum
    answers, service, truth = population
    rng = np.random.default_rng(2)
    replications, n_h = 1500, 20
    members = [np.flatnonzero(service == h) for h in range(3)]
    strata = np.repeat(np.arange(3), n_h)
    fpc = N_SIZES[strata]
    hits = 0
    for _ in range(replications):  # loop over simulated surveys, not respondents
        rows = np.concatenate([rng.choice(m, n_h, replace=False) for m in members])
        responses = sq.Responses.from_arrays(
            answers[rows], sq.instruments.SKM_2017, strata=strata, fpc=fpc
        )
        result = sq.skm_index(responses)
        assert result.index.df == 3 * n_h - 3
        hits += _covers(result, truth)
    low, high = _band(replications)
    assert low <= hits <= high, hits / replications


@pytest.mark.parametrize("method", ["bootstrap", "bootstrap_bca"])
def test_bootstrap_interval_covers_under_stratified_sampling(
    population: tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], float], method: str
) -> None:
    # 40 users per service, resampled within services. The bootstrap ignores the sampling
    # fractions (40/500 at most) and its variance carries the factor (n_h - 1)/n_h; both
    # are small here (observed coverage about 94% with this seed).
    answers, service, truth = population
    rng = np.random.default_rng(3)
    replications, n_h = 800, 40
    members = [np.flatnonzero(service == h) for h in range(3)]
    strata = np.repeat(np.arange(3), n_h)
    weights = (N_SIZES / n_h)[strata]
    hits = 0
    for r in range(replications):  # loop over simulated surveys, not respondents
        rows = np.concatenate([rng.choice(m, n_h, replace=False) for m in members])
        responses = sq.Responses.from_arrays(
            answers[rows], sq.instruments.SKM_2017, strata=strata, weights=weights
        )
        result = sq.skm_index(responses, method=method, n_resamples=400, seed=r)  # type: ignore[call-overload]
        hits += _covers(result, truth)
    low, high = _band(replications)
    assert low <= hits <= high, hits / replications
