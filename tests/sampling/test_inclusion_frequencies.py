"""Seeded simulations: every method's empirical inclusion frequencies match its stated
inclusion probabilities (chi-square), and SRS / reservoir subsets are uniform.

Statistic: Σ (O_i − R π_i)² / (R π_i (1 − π_i)) over units with π_i < 1, referred to a
chi-square with one degree of freedom per unit (each O_i is Binomial(R, π_i) whatever the
design; the fixed sample size only makes the test slightly conservative). All seeds are
fixed, so the tests are deterministic; each takes well under a second.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from scipy import stats

import servqual as sq

smp = sq.sampling
R = 2000


def _chi2_p(counts, pi, reps=R):
    pi = np.asarray(pi, dtype=float)
    free = pi < 1
    assert np.all(counts[~free] == reps)  # certainty units in every sample
    e = reps * pi[free]
    stat = np.sum((counts[free] - e) ** 2 / (e * (1 - pi[free])))
    return stats.chi2.sf(stat, int(free.sum()))


def _frequencies(draw, big_n, reps=R, seed=20261128):
    rng = np.random.default_rng(seed)
    counts = np.zeros(big_n, dtype=np.int64)
    for _ in range(reps):
        counts[draw(rng).positions] += 1
    return counts


def test_simple_random():
    counts = _frequencies(lambda g: smp.simple_random(20, 5, seed=g), 20)
    assert _chi2_p(counts, np.full(20, 5 / 20)) > 1e-3


def test_systematic_fractional_interval():
    counts = _frequencies(lambda g: smp.systematic(23, 5, seed=g), 23)
    assert _chi2_p(counts, np.full(23, 5 / 23)) > 1e-3


def test_bernoulli():
    with warnings.catch_warnings():  # 0.7^20: a few of the 2000 draws are empty
        warnings.simplefilter("ignore", sq.errors.DegenerateDataWarning)
        counts = _frequencies(lambda g: smp.bernoulli(20, 0.3, seed=g), 20)
    assert _chi2_p(counts, np.full(20, 0.3)) > 1e-3


def test_stratified():
    labels = ["a"] * 12 + ["b"] * 8
    counts = _frequencies(lambda g: smp.stratified(20, {"a": 3, "b": 4}, strata=labels, seed=g), 20)
    assert _chi2_p(counts, [3 / 12] * 12 + [4 / 8] * 8) > 1e-3


@pytest.mark.parametrize("method", ["systematic", "brewer"])
def test_pps(method):
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 2])
    pi = 3 * x / x.sum()
    counts = _frequencies(lambda g: smp.pps(8, 3, sizes=x, method=method, seed=g), 8)
    assert _chi2_p(counts, pi) > 1e-3


def test_pps_with_certainty_unit():
    x = np.array([40.0, 1, 2, 3, 4, 5])
    pi = np.array([1.0, *(2 * x[1:] / x[1:].sum())])  # one certainty unit, 2 spread on the rest
    with pytest.warns(sq.errors.DegenerateDataWarning):
        first = smp.pps(6, 3, sizes=x, method="brewer", seed=0)
    np.testing.assert_allclose(first.inclusion_probabilities, pi[first.positions])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.errors.DegenerateDataWarning)
        counts = _frequencies(lambda g: smp.pps(6, 3, sizes=x, method="brewer", seed=g), 6)
    assert _chi2_p(counts, pi) > 1e-3


def test_every_kth_start_is_uniform():
    rng = np.random.default_rng(1)
    counts = np.zeros(21, dtype=np.int64)
    for _ in range(R):
        pick = smp.every_kth(4, seed=rng)
        counts[pick.feed(21)] += 1
    assert _chi2_p(counts, np.full(21, 0.25)) > 1e-3


def _subset_p(samples, big_n, n):
    subsets = dict.fromkeys(itertools.combinations(range(big_n), n), 0)
    for s in samples:
        subsets[tuple(s)] += 1
    obs = np.array(list(subsets.values()))
    return stats.chisquare(obs).pvalue


def test_simple_random_subsets_are_uniform():
    rng = np.random.default_rng(2)
    samples = [smp.simple_random(6, 2, seed=rng).positions.tolist() for _ in range(3000)]
    assert _subset_p(samples, 6, 2) > 1e-3  # 15 subsets, each 1/15


def _feed_in_chunks(reservoir, items, rng):
    i = 0
    while i < len(items):
        m = int(rng.integers(1, 4))
        reservoir.extend(items[i : i + m])
        i += m


def test_reservoir_chunked_subsets_are_uniform():
    # documented distribution: after T arrivals every size-subset is equally likely
    seeds = np.random.default_rng(3)
    chunks = np.random.default_rng(4)
    samples = []
    for _ in range(3000):
        r = smp.Reservoir(2, seed=seeds)
        _feed_in_chunks(r, list(range(6)), chunks)
        samples.append(r.positions.tolist())
    assert _subset_p(samples, 6, 2) > 1e-3


def test_reservoir_inclusion_frequencies():
    seeds = np.random.default_rng(5)
    counts = np.zeros(30, dtype=np.int64)
    for _ in range(R):
        r = smp.Reservoir(4, seed=seeds)
        r.extend(np.arange(30))
        counts[r.positions] += 1
    assert _chi2_p(counts, np.full(30, 4 / 30)) > 1e-3
