"""The whole-sample SKM fast path against the slow, obvious computations.

References: the element sums and linearized values written as Python loops over rows;
the general row-major kernels (:mod:`servqual.indices._skm_kernel`) and the general
``skm_index`` path (``_estimate``) on random small designs (hypothesis): equal and unequal
weights, strata, clusters, fpc, post-stratification, missing answers, the smallest
samples. The fast path must also raise the same errors with the same messages.
"""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DegenerateDataWarning, InsufficientDataError, ItemError
from servqual.indices import _skm_kernel as kernel
from servqual.indices import _skm_packed as packed_kernel
from servqual.indices import skm as skm_module
from servqual.indices._skm_inputs import validate

Array = np.ndarray[Any, Any]


def _loop_sums(codes: Array, w: Array) -> tuple[Array, Array, Array]:
    n, k = codes.shape
    code_tot, ans_tot, counts = np.zeros((1, k)), np.zeros((1, k)), np.zeros((1, k))
    for i in range(n):
        for j in range(k):
            if codes[i, j] >= 0:
                code_tot[0, j] += w[i] * codes[i, j]
                ans_tot[0, j] += w[i]
                counts[0, j] += 1
    return code_tot, ans_tot, counts


def _loop_influence(codes: Array, m: Array, coef: Array) -> Array:
    n, k = codes.shape
    z = np.zeros(n)
    for i in range(n):
        for j in range(k):
            if codes[i, j] >= 0:
                z[i] += coef[j] * (codes[i, j] - m[j])
    return z


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    k=st.integers(1, 15),
    top=st.integers(0, 10),
    equal=st.booleans(),
    block=st.sampled_from([1, 3, 7, 65536]),
)
def test_packed_passes_equal_loops_and_the_general_kernel(
    seed: int, n: int, k: int, top: int, equal: bool, block: int
) -> None:
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, top + 1, size=(n, k)).astype(np.int8)
    w = np.full(n, 2.5) if equal else rng.uniform(0.5, 3.0, size=n)
    columns = np.ascontiguousarray(codes.T)
    original = packed_kernel._BLOCK
    packed_kernel._BLOCK = block  # several blocks, and a short last one
    try:
        packed = packed_kernel.pack(columns, top + 2, None if equal else w)
        m = rng.uniform(0.0, top, size=k)
        coef = rng.normal(size=k)
        tables = packed_kernel.influence_tables(packed, m, coef)
        z = packed_kernel.influence(packed, tables)
        counted = packed_kernel.pack(columns, top + 2, None)  # Σ z from counts per key
        total, squares = packed_kernel.square_sum(counted, tables)
        strata = rng.integers(0, 3, n)
        by_stratum = packed_kernel.stratum_sums(packed, tables, w, strata, 3)
        whole = packed_kernel.stratum_sums(packed, tables, w, None, 1)
    finally:
        packed_kernel._BLOCK = original
    got = packed_kernel.element_sums(packed, 2.5 if equal else None)
    general = kernel.element_sums(codes, w, None, 1)
    for a, b, c in zip(got, _loop_sums(codes, w), general, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12)
    if equal:  # integer sums times the weight: exactly the general counting path
        for a, c in zip(got, general, strict=True):
            np.testing.assert_array_equal(a, c)
    np.testing.assert_allclose(z, _loop_influence(codes, m, coef), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        z, kernel.influence(codes, m[None], coef[None], None), rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose([total, squares], [z.sum(), z @ z], rtol=1e-12, atol=1e-12)
    wz = w * z
    slow = [
        [wz[strata == h].sum() for h in range(3)],
        [(wz[strata == h] ** 2).sum() for h in range(3)],
    ]
    np.testing.assert_allclose(by_stratum, slow, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(whole, [[wz.sum()], [wz @ wz]], rtol=1e-12, atol=1e-12)


def test_missing_answers_contribute_exactly_zero() -> None:
    codes = np.array([[-1, -1], [2, -1], [-1, 0]], dtype=np.int8)
    packed = packed_kernel.pack(np.ascontiguousarray(codes.T), 5, None)
    tables = packed_kernel.influence_tables(packed, np.array([1.5, 0.25]), np.array([2.0, 4.0]))
    assert packed_kernel.influence(packed, tables).tolist() == [0.0, 1.0, -1.0]


def _responses(data: st.DataObject, n: int) -> sq.Responses:
    """Random SKM answers under a random design (weights, strata, clusters, fpc)."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    scores = rng.integers(1, 5, size=(n, 9)).astype(np.float64)
    scores[rng.random((n, 9)) < data.draw(st.sampled_from([0.0, 0.1, 0.4]))] = np.nan
    scores[0] = rng.integers(1, 5, size=9)  # every element answered at least once
    kinds = ["srs", "fpc", "weights", "strata", "strata_equal", "clusters", "post"]
    kind = data.draw(st.sampled_from(kinds))
    design: dict[str, Any] = {}
    if kind == "strata_equal":  # equal weights, up to three strata of 2+ rows, no fpc
        design["strata"] = np.minimum(np.arange(n) // 2, 1 if n < 6 else 2)
    if kind == "fpc":
        design["fpc"] = np.full(n, 3 * n)
    if kind in ("weights", "strata", "clusters", "post"):
        design["weights"] = rng.uniform(0.5, 4.0, n)
    if kind == "strata":
        design["strata"] = np.arange(n) % 2
        design["fpc"] = np.where(design["strata"] == 0, 5 * n, 7 * n)
    if kind == "clusters":
        design["clusters"] = np.arange(n) // 2
    sex = np.array(["L", "P"] * n)[:n]
    r = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017, attributes={"sex": sex}, **design)
    if kind == "post":
        r = r.poststratify("sex", {"L": 60.0, "P": 40.0})
    return r


def _general(r: sq.Responses) -> sq.SKMResult:
    spec = validate(r, 0.95, "exact", "linearization", 2000, None)
    return skm_module._estimate(spec, None, [None], None).build([0])[0]


def _assert_same(fast: sq.SKMResult, slow: sq.SKMResult) -> None:
    a, b = fast.index, slow.index
    got = [a.value, a.se, a.ci.low, a.ci.high]
    np.testing.assert_allclose(got, [b.value, b.se, b.ci.low, b.ci.high], rtol=1e-12, atol=1e-12)
    assert (a.n, a.df, fast.grade) == (b.n, b.df, slow.grade)
    for e, f in zip(fast.elements, slow.elements, strict=True):
        assert (e.code, e.n, e.grade) == (f.code, f.n, f.grade)
        np.testing.assert_allclose(e.nrr, f.nrr, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(4, 40))
def test_fast_index_equals_the_general_path(data: st.DataObject, n: int) -> None:
    r = _responses(data, n)
    _assert_same(sq.skm_index(r), _general(r))


def test_fast_index_on_two_respondents_and_constant_answers() -> None:
    r = sq.Responses.from_arrays([[4] * 9, [2] * 9], sq.instruments.SKM_2017)
    _assert_same(sq.skm_index(r), _general(r))
    same = sq.Responses.from_arrays([[3] * 9] * 5, sq.instruments.SKM_2017)
    with pytest.warns(DegenerateDataWarning, match="standard error 0.*zero width") as record:
        res = sq.skm_index(same)
    assert (res.index.value, res.index.se) == (75.0, 0.0)
    assert record[0].filename == __file__  # the warning points at the caller


def _skm(scores: list[list[float | None]], **design: Any) -> sq.Responses:
    return sq.Responses.from_arrays(scores, sq.instruments.SKM_2017, **design)


@pytest.mark.parametrize("weights", [None, [1.0, 2.0, 3.0]])
def test_fast_path_raises_the_general_errors(weights: list[float] | None) -> None:
    nobody = _skm([[4, 3, None, 4, 3, 3, 4, 3, 3]] * 3, weights=weights)
    match = r"element 'U3' \(Waktu penyelesaian\) was answered by nobody: its NRR"
    with pytest.raises(ItemError, match=match):
        _general(nobody)
    with pytest.raises(ItemError, match=match):
        sq.skm_index(nobody)
    scores = [[4] * 9, [3] * 9, [2, 3, None, 3, 3, 3, 3, 3, 3]]
    weightless = _skm(scores, weights=[0.0, 0.0, 1.0])
    match = "every respondent who answered element 'U3' has weight 0"
    with pytest.raises(InsufficientDataError, match=match):
        _general(weightless)
    with pytest.raises(InsufficientDataError, match=match):
        sq.skm_index(weightless)
    with pytest.raises(InsufficientDataError, match="no interval can be computed with one"):
        sq.skm_index(_skm([[4] * 9]))


def test_columns_are_the_codes_item_by_item() -> None:
    rng = np.random.default_rng(5)
    scores = rng.integers(1, 5, size=(30, 9)).astype(np.float64)
    scores[rng.random((30, 9)) < 0.2] = np.nan
    sex = {"sex": np.array(["L", "P", "P"] * 10)}
    r = sq.Responses.from_arrays(
        scores, sq.instruments.SKM_2017, weights=rng.uniform(1, 2, 30), attributes=sex
    )
    codes = r.codes.copy()
    assert r.columns.shape == (9, 30)
    assert r.columns.flags.c_contiguous
    np.testing.assert_array_equal(r.columns, codes.T)
    assert r.codes.shape == (30, 9)
    assert r.columns is r.columns  # made once
    with pytest.raises(ValueError, match="read-only"):
        r.columns[0, 0] = 1
    back = pickle.loads(pickle.dumps(r))
    assert "columns" not in back.__dict__  # a copy of the codes, not pickled
    np.testing.assert_array_equal(back.columns, r.columns)
    _assert_same(sq.skm_index(back), sq.skm_index(r))
    post = r.poststratify("sex", {"L": 40.0, "P": 60.0})
    assert post.columns is r.columns  # same codes, one copy
    kept = r.drop([0, 5])
    np.testing.assert_array_equal(kept.columns, np.delete(codes, [0, 5], axis=0).T)
    np.testing.assert_array_equal(r.codes, codes)


def test_extreme_weights_stay_within_the_bound_that_replaces_the_overflow_check() -> None:
    # |w z| ≤ 25 (L − 2) Σ|ω| = 75 whatever the weights: no overflow check is needed.
    rng = np.random.default_rng(11)
    scores = rng.integers(1, 5, size=(12, 9)).astype(np.float64)
    scores[3, 4] = np.nan
    weights = np.array([1e100, 1e-100, 1.0, 5e99, 2.0, 1e-90, 3.0, 1e50, 7.0, 1.0, 1e99, 4.0])
    r = _skm(scores.tolist(), weights=weights)
    fast, slow = sq.skm_index(r), _general(r)
    _assert_same(fast, slow)
    assert np.isfinite(fast.index.se)


@pytest.mark.parametrize("order", ["C", "F"])
def test_columns_of_more_rows_than_a_block_and_of_column_major_codes(order: str) -> None:
    rng = np.random.default_rng(3)
    codes = np.asarray(rng.integers(-1, 4, size=(70_001, 9)), dtype=np.int8, order=order)
    design = sq.Design({"row": np.arange(codes.shape[0])})
    r = sq.Responses(sq.instruments.SKM_2017, design, codes)
    np.testing.assert_array_equal(r.columns, codes.T)
    assert r.columns.flags.c_contiguous
    assert not r.columns.flags.writeable
    _assert_same(sq.skm_index(r), _general(r))


@pytest.mark.parametrize("mode", ["exact", "regulation"])
def test_reverse_items_unequal_element_weights_and_fourteen_elements(mode: str) -> None:
    rng = np.random.default_rng(17)
    items = sq.instruments.SKM_2017.items
    rev = [*items[:8], items[8].model_copy(update={"reverse": True})]
    weighted = sq.instruments.SKM_2017.model_copy(
        update={"items": rev, "weights": {it.id: 1.0 + j for j, it in enumerate(rev)}}
    )
    for inst in (weighted, sq.instruments.IKM_2004):  # 9 elements in 2 keys, 14 in 3
        k = len(inst.items)
        scores = rng.integers(1, 5, size=(50, k)).astype(np.float64)
        scores[rng.random((50, k)) < 0.1] = np.nan
        scores[0] = 4.0
        for design in ({}, {"weights": rng.uniform(1.0, 3.0, 50)}):
            r = sq.Responses.from_arrays(scores, inst, **design)
            spec = validate(r, 0.9, mode, "linearization", 2000, None)
            slow = skm_module._estimate(spec, None, [None], None).build([0])[0]
            _assert_same(sq.skm_index(r, level=0.9, weights=mode), slow)
