"""Regression tests: huge frames, absurd sizes, wrong frames and threads (issue 9, item 3).

Sources: the definition of simple random sampling without replacement (every n-subset
equally likely), checked by counting subsets over many seeds; Bernoulli sampling's
Binomial(N, rate) sample size.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DataFormatError, ParameterError
from servqual.sampling._kernels import distinct_positions


def test_simple_random_from_a_frame_of_10_to_the_12_units() -> None:
    # before: MemoryError (7.28 TiB of keys)
    s = sq.sampling.simple_random(10**12, 1000, seed=1)
    pos = np.asarray(s.positions)
    assert pos.shape == (1000,)
    assert np.unique(pos).size == 1000
    assert pos.min() >= 0
    assert pos.max() < 10**12
    assert float(s.weights[0]) == 1e9
    again = sq.sampling.simple_random(10**12, 1000, seed=1)
    assert np.array_equal(pos, again.positions)  # same seed, same sample


def test_bernoulli_from_a_frame_of_10_to_the_12_units() -> None:
    s = sq.sampling.bernoulli(10**12, 1e-9, seed=3)
    # Binomial(10^12, 1e-9): mean 1000, sd 31.6
    assert 850 < len(s) < 1150
    assert float(s.weights[0]) == pytest.approx(1e9)


def test_a_sample_too_large_for_memory_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"the sample size n is 1,000,000,000 units"):
        sq.sampling.simple_random(10**12, 10**9, seed=1)
    with pytest.raises(ParameterError, match=r"the Bernoulli sample is .* units, more than"):
        sq.sampling.bernoulli(10**12, 0.5, seed=1)


def test_an_absurd_reservoir_is_refused() -> None:
    # before: MemoryError allocating the slots
    with pytest.raises(ParameterError, match=r"the reservoir size is 1,000,000,000,000 units"):
        sq.sampling.Reservoir(10**12, seed=1)


def test_an_absurd_batch_of_arrivals_is_refused() -> None:
    with pytest.raises(ParameterError, match=r"a batch of arrivals is 1,000,000,000,000"):
        sq.sampling.every_kth(5, seed=1).feed(10**12)


def test_every_kth_start_out_of_range_is_a_parameter_error() -> None:
    # before: a bare ValueError
    with pytest.raises(ParameterError, match=r"start must be in \[0, 4\), got 9"):
        sq.sampling.EveryKth(4, start=9)


@given(
    size=st.integers(min_value=1, max_value=10**15),
    n=st.integers(min_value=1, max_value=300),
    seed=st.integers(min_value=0, max_value=2**32),
)
@settings(max_examples=60, deadline=None)
def test_distinct_positions_are_distinct_sorted_and_in_the_frame(
    size: int, n: int, seed: int
) -> None:
    n = min(n, size)
    pos = distinct_positions(np.random.default_rng(seed), size, n)
    assert pos.shape == (n,)
    assert np.all(np.diff(pos) > 0)
    assert pos[0] >= 0
    assert pos[-1] < size


@pytest.mark.parametrize(("size", "n"), [(6, 2), (6, 5)])
def test_distinct_positions_make_every_subset_equally_likely(size: int, n: int) -> None:
    # slow reference: the exact distribution, uniform over the C(size, n) subsets
    subsets = list(itertools.combinations(range(size), n))
    draws = 6000
    counts = Counter(
        tuple(distinct_positions(np.random.default_rng(seed), size, n).tolist())
        for seed in range(draws)
    )
    assert set(counts) == set(subsets)
    expected = draws / len(subsets)
    chi2 = sum((counts[s] - expected) ** 2 / expected for s in subsets)
    # chi-square with 14 (or 5) df: the 0.999 quantile is 36.1 (20.5)
    assert chi2 < (36.1 if len(subsets) == 15 else 20.5)


def test_take_refuses_a_frame_of_the_wrong_length() -> None:
    s = sq.sampling.simple_random(40, 5, seed=7)
    with pytest.raises(DataFormatError, match=r"the frame has 30 units but the sample was drawn"):
        s.take(list(range(30)))
    with pytest.raises(DataFormatError, match="the frame has 50 units"):
        s.take(np.arange(50))
    with pytest.raises(DataFormatError, match="the frame has 41 units"):
        s.take(41)
    assert len(s.take(list(range(40)))) == 5


def test_every_kth_counts_every_arrival_once_from_several_threads() -> None:
    pick = sq.sampling.EveryKth(4, start=1)
    chosen: list[int] = []
    lock = threading.Lock()

    def counter() -> None:
        mine = sum(pick() for _ in range(500))
        with lock:
            chosen.append(mine)

    threads = [threading.Thread(target=counter) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert pick.seen == 4000
    assert sum(chosen) == 1000  # arrivals 1, 5, …, 3997: exactly one in four
    assert len(pick.sample()) == 1000


def test_reservoir_keeps_its_size_and_counts_from_several_threads() -> None:
    r = sq.sampling.Reservoir(50, seed=2)

    def feeder(k: int) -> None:
        for i in range(300):
            r.add((k, i))

    threads = [threading.Thread(target=feeder, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert r.seen == 1800
    assert len(r.items) == 50
    assert len(set(r.items)) == 50
    assert np.unique(r.positions).size == 50
    assert float(r.sample().inclusion_probabilities[0]) == pytest.approx(50 / 1800)
