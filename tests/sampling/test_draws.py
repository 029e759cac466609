"""Selection methods: each draw equals a slow re-implementation of its documented
algorithm (numpy ``default_rng`` / PCG64, ``Generator.random`` only), plus the design
invariants (exact size, no repeats, π in (0, 1] summing to n, weights summing to N)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import (
    DataFormatError,
    DegenerateDataWarning,
    DesignError,
    ParameterError,
    ServqualTypeError,
)
from servqual.sampling._kernels import pps_probabilities

smp = sq.sampling


# --- slow reference implementations of the documented algorithms ---------------------------
def _srs_slow(seed, big_n, n):
    u = np.random.default_rng(seed).random(big_n)
    order = sorted(range(big_n), key=lambda i: (u[i], i))  # smallest keys, ties by position
    return sorted(order[:n])


def _stratified_slow(seed, labels, sizes):
    u = np.random.default_rng(seed).random(len(labels))
    grouped = [i for h in sorted(set(labels)) for i in range(len(labels)) if labels[i] == h]
    chosen = []
    start = 0
    for h in sorted(set(labels)):
        units = grouped[start : start + labels.count(h)]
        keys = {i: u[start + j] for j, i in enumerate(units)}
        chosen += sorted(units, key=lambda i: (keys[i], i))[: sizes[h]]
        start += len(units)
    return sorted(chosen)


def test_simple_random_is_the_documented_algorithm():
    for seed, big_n, n in [(7, 40, 5), (1, 1000, 999), (2024, 1200, 291), (3, 10, 10)]:
        s = smp.simple_random(big_n, n, seed=seed)
        assert s.positions.tolist() == _srs_slow(seed, big_n, n)
        assert s.method == "simple_random"
        assert s.seed == seed
        assert s.generator == "PCG64"


def test_systematic_is_the_documented_algorithm():
    for seed, big_n, n in [(3, 1000, 4), (5, 101, 7), (9, 17, 17)]:
        u = np.random.default_rng(seed).random()
        want = [int(np.floor((u + j) * big_n / n)) for j in range(n)]
        assert smp.systematic(big_n, n, seed=seed).positions.tolist() == want


def test_bernoulli_is_the_documented_algorithm():
    u = np.random.default_rng(4).random(500)
    s = smp.bernoulli(500, 0.2, seed=4)
    assert s.positions.tolist() == [i for i in range(500) if u[i] < 0.2]
    assert np.all(s.inclusion_probabilities == 0.2)
    assert np.all(s.weights == 5.0)


def test_with_replacement():
    u = np.random.default_rng(8).random(30)
    s = smp.simple_random(10, 30, seed=8, replace=True)
    assert s.positions.tolist() == sorted(int(np.floor(x * 10)) for x in u)
    # Hansen–Hurwitz weight N/n per draw; π = 1 - (1 - 1/N)^n
    assert s.weights.sum() == pytest.approx(10.0)
    assert s.inclusion_probabilities[0] == pytest.approx(1 - 0.9**30)
    assert s.with_replacement
    assert not s.finite_population


def test_stratified_is_the_documented_algorithm():
    rng = np.random.default_rng(0)
    labels = rng.choice(["b", "a", "c"], size=90).tolist()
    counts = {h: labels.count(h) for h in "abc"}
    sizes = {"a": 5, "b": 3, "c": 2}
    for seed in (1, 2, 3):
        s = smp.stratified(90, sizes, strata=labels, seed=seed)
        assert s.positions.tolist() == _stratified_slow(seed, labels, sizes)
        assert s.strata.tolist() == [labels[i] for i in s.positions]
        assert s.population_sizes == tuple(counts[h] for h in "abc")
    # integer n goes through sq.sample_size.allocate (sorted label order)
    s = smp.stratified(90, 30, strata=labels, seed=1)
    alloc = sq.sample_size.allocate(counts, 30)
    assert dict(zip(s.stratum_labels, s.sample_sizes, strict=False)) == alloc.sizes
    assert s.model_copy(update={}) == smp.stratified(90, alloc, strata=labels, seed=1)


def test_stratified_integer_labels_fast_path_matches_unique():
    labels = np.random.default_rng(1).integers(100, 140, size=5000)
    a = smp.stratified(5000, 200, strata=labels, seed=9)
    b = smp.stratified(5000, 200, strata=labels.astype(str).astype(object), seed=9)
    assert a.stratum_labels == tuple(range(100, 140))
    # same grouping order (sorted labels) only when string order equals numeric order
    assert a.sample_sizes == b.sample_sizes


def test_stratified_neyman_and_table_frame():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"desk": ["A"] * 60 + ["B"] * 40, "id": range(100)})
    s = smp.stratified(df, 20, strata="desk", allocation="neyman", sd={"A": 1.0, "B": 3.0}, seed=5)
    # Neyman: 20 * [60, 120] / 180 = 6.67, 13.33 -> 7, 13 (largest remainder)
    assert s.sample_sizes == (7, 13)
    assert s.weights.sum() == pytest.approx(100.0, rel=1e-12)


def test_pps_probabilities_are_exact():
    x = np.array([100.0, 300, 200, 250, 150])
    for method in ("systematic", "brewer"):
        s = smp.pps(5, 2, sizes=x, method=method, seed=1)
        assert len(s) == 2
        np.testing.assert_allclose(s.inclusion_probabilities, 2 * x[s.positions] / x.sum())
        np.testing.assert_allclose(s.weights, 1 / s.inclusion_probabilities)


def test_pps_systematic_is_the_documented_algorithm():
    x = np.array([5.0, 1, 3, 2, 7, 4, 6])
    pi = 3 * x / x.sum()
    u = np.random.default_rng(12).random()
    cum = np.concatenate(([0.0], np.cumsum(pi)))
    want = [i for i in range(7) if any(cum[i] <= u + m < cum[i + 1] for m in range(4))]
    assert smp.pps(7, 3, sizes=x, seed=12).positions.tolist() == want


def test_pps_certainty_units_warn():
    x = [1000.0, 1, 1, 1, 1, 1]
    with pytest.warns(DegenerateDataWarning, match="1 unit.s. are so large"):
        s = smp.pps(6, 3, sizes=x, method="brewer", seed=3)
    assert 0 in s.positions.tolist()
    assert s.inclusion_probabilities[0] == 1.0
    assert s.weights[0] == 1.0
    # the other five share the remaining 2 equally (explicit): π = 0.4
    np.testing.assert_allclose(s.inclusion_probabilities[1:], 0.4)


@settings(max_examples=60, deadline=None)
@given(big_n=st.integers(1, 400), frac=st.floats(0.0, 1.0), seed=st.integers(0, 2**32))
def test_equal_probability_invariants(big_n, frac, seed):
    n = max(1, int(frac * big_n))
    for draw in (smp.simple_random(big_n, n, seed=seed), smp.systematic(big_n, n, seed=seed)):
        pos = draw.positions
        assert len(draw) == n
        assert len(set(pos.tolist())) == n
        assert pos.min() >= 0
        assert pos.max() < big_n
        assert np.all(np.diff(pos) > 0)
        assert np.all((draw.inclusion_probabilities > 0) & (draw.inclusion_probabilities <= 1))
        # every frame unit has π = n/N: summed over the frame, n
        assert draw.inclusion_probabilities[0] * big_n == pytest.approx(n, rel=1e-12)
        assert draw.weights.sum() == pytest.approx(big_n, rel=1e-12)  # exactly N
    assert smp.simple_random(big_n, n, seed=seed) == smp.simple_random(big_n, n, seed=seed)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(2, 60), min_size=1, max_size=6),
    frac=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32),
)
def test_stratified_invariants(counts, frac, seed):
    labels = np.repeat(np.arange(len(counts)), counts)
    np.random.default_rng(seed).shuffle(labels)
    big_n = len(labels)
    n = max(2 * len(counts), int(frac * big_n))
    s = smp.stratified(big_n, n, strata=labels, seed=seed)
    assert len(s) == n
    assert len(np.unique(s.positions)) == n
    pi_h = dict(zip(s.strata.tolist(), s.inclusion_probabilities.tolist(), strict=True))
    # π summed over the frame: Σ_h N_h π_h = n
    pop = dict(zip(s.stratum_labels, s.population_sizes, strict=True))
    assert sum(pi_h[h] * pop[h] for h in pop) == pytest.approx(n)
    assert s.weights.sum() == pytest.approx(big_n, rel=1e-12)  # exactly N
    assert np.array_equal(labels[s.positions], s.strata.astype(int))
    assert smp.stratified(big_n, n, strata=labels, seed=seed) == s


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.floats(0.1, 100.0), min_size=1, max_size=30),
    frac=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32),
    method=st.sampled_from(["systematic", "brewer"]),
)
def test_pps_invariants(sizes, frac, seed, method):
    n = max(1, int(frac * len(sizes)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        s = smp.pps(len(sizes), n, sizes=sizes, method=method, seed=seed)
    assert len(s) == n
    assert len(np.unique(s.positions)) == n
    assert np.all((s.inclusion_probabilities > 0) & (s.inclusion_probabilities <= 1))
    pi, _ = pps_probabilities(np.asarray(sizes), n)  # the frame's π: in (0, 1], summing to n
    assert np.all((pi > 0) & (pi <= 1))
    assert pi.sum() == pytest.approx(n, rel=1e-9)
    np.testing.assert_allclose(s.inclusion_probabilities, pi[s.positions])


def test_generator_seed_is_accepted_and_not_recorded():
    g = np.random.default_rng(5)
    s = smp.simple_random(100, 10, seed=g)
    assert s.seed is None
    assert s.positions.tolist() == _srs_slow(5, 100, 10)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: smp.simple_random(10, 11, seed=1),
            ParameterError,
            "n = 11 is larger than the frame .10 units.",
        ),
        (lambda: smp.simple_random(10, 0, seed=1), ParameterError, "n must be at least 1, got 0"),
        (lambda: smp.simple_random(10, 2, seed=None), ServqualTypeError, "pass it explicitly"),
        (lambda: smp.simple_random(10, 2, seed=-1), ParameterError, "seed must be non-negative"),
        (
            lambda: smp.simple_random(["a", "b", "a"], 2, seed=1),
            DesignError,
            "unit 'a' more than once .positions 0 and 2",
        ),
        (lambda: smp.simple_random("abc", 2, seed=1), ServqualTypeError, "not text"),
        (lambda: smp.simple_random([], 1, seed=1), DataFormatError, "the frame is empty"),
        (lambda: smp.systematic(5, 6, seed=1), ParameterError, "n = 6 is larger"),
        (
            lambda: smp.bernoulli(5, 0.0, seed=1),
            ParameterError,
            r"rate must be in \(0, 1\], got 0.0",
        ),
        (lambda: smp.bernoulli(5, 1.5, seed=1), ParameterError, r"rate must be in \(0, 1\]"),
        (
            lambda: smp.stratified(4, {"a": 3, "b": 1}, strata=["a", "a", "b", "b"], seed=1),
            DesignError,
            "stratum 'a' has 2 units, fewer than its allocation of 3",
        ),
        (
            lambda: smp.stratified(
                4, {"a": 1, "b": 1, "c": 1}, strata=["a", "a", "b", "b"], seed=1
            ),
            DesignError,
            "stratum 'c' of the allocation has no unit",
        ),
        (
            lambda: smp.stratified(4, {"a": 1}, strata=["a", "a", "b", "b"], seed=1),
            DesignError,
            "no sample size for stratum 'b'",
        ),
        (
            lambda: smp.stratified(3, 2, strata=["a", None, "b"], seed=1),
            DesignError,
            "missing in row 1",
        ),
        (
            lambda: smp.stratified(3, 2, strata=[1.0, float("nan"), 2.0], seed=1),
            DesignError,
            "missing in row 1",
        ),
        (
            lambda: smp.stratified(3, 2, strata=["a", "b"], seed=1),
            DataFormatError,
            r"one value per unit \(3\)",
        ),
        (lambda: smp.stratified(3, 2, strata="desk", seed=1), ServqualTypeError, "names a column"),
        (
            lambda: smp.stratified({"x": [1, 2]}, 2, strata="desk", seed=1),
            DataFormatError,
            "'desk' is not in the frame",
        ),
        (lambda: smp.pps(3, 1, sizes=[1, 0, 2], seed=1), ParameterError, "unit 1 has 0"),
        (
            lambda: smp.pps(3, 1, sizes=[1, 2, 2], method="sampford", seed=1),
            ParameterError,
            "one of .'systematic', 'brewer'",
        ),
        (lambda: smp.pps(3, 4, sizes=[1, 2, 2], seed=1), ParameterError, "n = 4 is larger"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_empty_bernoulli_warns():
    with pytest.warns(DegenerateDataWarning, match="selected no unit"):
        s = smp.bernoulli(3, 1e-9, seed=1)
    assert len(s) == 0
