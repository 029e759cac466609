"""Fuzz: sample-size formulas, selection methods and read_csv keep the contract.

See tests/fuzz/conftest.py for the contract. Sample sizes must be whole numbers >= 1 (and
at most the population); samples hold distinct positions inside the frame.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import servqual as sq

FUZZ = settings(
    max_examples=int(os.environ.get("SERVQUAL_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # tmp_path: each example writes its own file
    ],
)

anything = st.one_of(
    st.integers(-3, 2000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.05, 1e-300, 1e300, 10**400, 2**53 + 1, None, "0.05", True]),
)
populations = st.one_of(st.integers(-1, 10**6), st.sampled_from([None, 10**20, 10**400, 2.5]))
seeds = st.one_of(st.integers(-1, 2**40), st.sampled_from([None, "1", 2.0, 10**400]))


def _check_size(result: Any, population: Any = None) -> None:
    if result is not None:
        size = int(result)
        assert size >= 1
        if isinstance(population, int) and population >= 1:
            assert size <= population


@given(population=populations, margin=anything, p=anything, level=anything)
@FUZZ
def test_sample_size_formulas(
    contract: Any, population: Any, margin: Any, p: Any, level: Any
) -> None:
    _check_size(contract(sq.sample_size.krejcie_morgan, population), population)
    _check_size(contract(sq.sample_size.slovin, population, margin), population)
    _check_size(
        contract(sq.sample_size.for_proportion, margin, level=level, p=p, population=population),
        population,
    )
    _check_size(contract(sq.sample_size.for_mean, p, margin, level=level, population=population))
    _check_size(contract(sq.sample_size.for_difference, p, margin, level=level))
    _check_size(contract(sq.sample_size.for_difference, 3.0, 3.5, sd=p, level=level))


@given(
    sizes=st.dictionaries(
        st.one_of(st.sampled_from(["a", "b", "c"]), st.integers(0, 2)),
        st.one_of(st.integers(-1, 1000), st.sampled_from([10**30, 2.5, None])),
        max_size=4,
    ),
    n=st.one_of(st.integers(-1, 2000), st.just(10**30)),
    method=st.sampled_from(["proportional", "neyman", "equal", "optimal", "x"]),
    sd=st.one_of(st.none(), st.floats(0, 1e308), st.just(float("nan"))),
)
@FUZZ
def test_allocate(contract: Any, sizes: Any, n: Any, method: Any, sd: Any) -> None:
    sds = None if sd is None else dict.fromkeys(sizes, sd)
    result = contract(sq.sample_size.allocate, sizes, n, method=method, sd=sds)
    if result is not None:
        assert sum(result.sizes.values()) == n
        assert all(v >= 0 for v in result.sizes.values())


frames = st.one_of(
    st.integers(-1, 500),
    st.sampled_from([10**12, 10**400, 2**62 + 1]),
    st.lists(st.integers(0, 50), max_size=20),
    st.sampled_from(["abc", None, 2.5]),
)


@given(frame=frames, n=st.one_of(st.integers(-1, 40), st.just(10**9)), seed=seeds)
@FUZZ
def test_equal_probability_selection(contract: Any, frame: Any, n: Any, seed: Any) -> None:
    for fn in (sq.sampling.simple_random, sq.sampling.systematic):
        s = contract(fn, frame, n, seed=seed)
        if s is not None:
            pos = np.asarray(s.positions)
            assert pos.size == n
            assert np.unique(pos).size == n
            assert pos.min() >= 0
            assert pos.max() < s.population_size
    rate = 0.5 if isinstance(n, int) and n > 20 else 1e-9 if isinstance(n, int) else n
    contract(sq.sampling.bernoulli, frame, rate, seed=seed)
    contract(sq.sampling.simple_random, frame, n, seed=seed, replace=True)


@given(
    labels=st.lists(
        st.one_of(st.sampled_from(["a", "b"]), st.sampled_from([None, 1])), max_size=30
    ),
    n=st.integers(-1, 20),
    allocation=st.sampled_from(["proportional", "equal", "neyman", "x"]),
    seed=seeds,
)
@FUZZ
def test_stratified_and_pps(contract: Any, labels: Any, n: Any, allocation: Any, seed: Any) -> None:
    size = max(len(labels), 1)
    contract(sq.sampling.stratified, size, n, strata=labels, allocation=allocation, seed=seed)
    sizes = [abs(hash(str(v))) % 7 for v in labels]
    contract(sq.sampling.pps, size, n, sizes=sizes, seed=seed)
    contract(sq.sampling.pps, size, n, sizes=sizes, method="brewer", seed=seed)


@given(
    k=st.one_of(st.integers(-1, 6), st.just(10**400)),
    size=st.one_of(st.integers(-1, 6), st.just(10**12)),
    arrivals=st.lists(st.integers(), max_size=30),
    seed=seeds,
)
@FUZZ
def test_intercept_selectors(contract: Any, k: Any, size: Any, arrivals: Any, seed: Any) -> None:
    pick = contract(sq.sampling.every_kth, k, seed=seed)
    if pick is not None:
        contract(pick.feed, len(arrivals))
        contract(pick.sample)
    res = contract(sq.sampling.Reservoir, size, seed=seed)
    if res is not None:
        contract(res.extend, arrivals)
        s = contract(res.sample)
        assert s is not None
        assert len(s) == min(len(arrivals), size)


cells = st.one_of(
    st.sampled_from(["1", "2", "3", "4", "", " ", "NA", "2,5", "x", "=1+1", '"', "9" * 30]),
    st.text(max_size=4),
)


@given(
    header=st.lists(st.sampled_from(["Q1", "Q2", "w", "s", "Q1", ""]), min_size=1, max_size=4),
    rows=st.lists(st.lists(cells, min_size=0, max_size=5), max_size=6),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "nope", "rot13"]),
    options=st.fixed_dictionaries(
        {},
        optional={
            "weights": st.sampled_from(["w", "nope"]),
            "strata": st.sampled_from(["s", "Q1"]),
            "delimiter": st.sampled_from([",", ";", "ab", '"']),
            "id_column": st.sampled_from(["s", "Q2"]),
        },
    ),
)
@FUZZ
def test_read_csv(
    contract: Any,
    tmp_path: Path,
    header: Any,
    rows: Any,
    sep: str,
    encoding: str,
    options: Any,
) -> None:
    inst = sq.Instrument(
        id="two",
        name="Two items",
        scale=sq.Scale(min=1, max=4),
        items=[sq.Item(id="Q1", text="a"), sq.Item(id="Q2", text="b")],
    )
    text = "\n".join(sep.join(line) for line in [header, *rows]) + "\n"
    path = tmp_path / "answers.csv"
    path.write_text(text, encoding="utf-8" if encoding in ("nope", "rot13") else encoding,
                    errors="replace")  # fmt: skip
    r = contract(sq.read_csv, path, inst, encoding=encoding, **options)
    event("read" if r is not None else "refused")
    if r is not None:
        contract(sq.cronbach_alpha, r)
        contract(sq.csat, r, item="Q1")
