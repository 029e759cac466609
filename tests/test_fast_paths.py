"""Fast paths of the hot code compared with the slow, obvious versions they replace.

Each property draws small random inputs (hypothesis) and checks that the fast path gives
what the plain formulation gives:

- ``factorize`` (counting for integers, sample-and-search for text) against
  ``numpy.unique(return_inverse=True)``, including labels a sample cannot see and
  ranges too wide to count;
- ``weighted_values`` (SKM bootstrap) against the ``where``/``concatenate`` formula, bit
  for bit;
- ``reduce`` with one stratum, pre-weighted values or cached row counts against the
  per-column ``bincount`` reduce;
- ``domain_variances`` against ``linearized_variance`` of the dense (n, G) domain
  matrix, on stratified, clustered and calibrated designs;
- the design effect's simple-random-sampling variance per domain from bincount sums
  (``domain_srs_variances``) against ``srs_variance`` of the dense matrix;
- the SKM kernels' per-domain passes against explicit numpy formulas.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import servqual as sq
import servqual.design._build as design_build
from servqual.design._build import category_codes, factorize
from servqual.indices import _skm_kernel as kernel
from servqual.indices.skm_bootstrap import weighted_values
from servqual.stats import DesignArrays, linearized_variance, reduce, srs_variance
from servqual.stats.design_arrays import weighted_moments
from servqual.stats.domain_variance import domain_srs_variances, domain_variances

_INT_DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint64]


def _same_as_unique(values: np.ndarray[Any, Any]) -> None:
    codes, uniq = factorize(values)
    ref_uniq, ref_codes = np.unique(values, return_inverse=True)
    assert codes.dtype == np.intp
    np.testing.assert_array_equal(uniq, ref_uniq)
    assert uniq.dtype == ref_uniq.dtype
    np.testing.assert_array_equal(codes, ref_codes.reshape(-1))


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 400),
    dtype=st.sampled_from(_INT_DTYPES),
    low=st.integers(-100, 100),
    span=st.sampled_from([0, 1, 5, 60, 10_000]),
)
def test_integer_codes_by_counting_match_unique(
    seed: int, n: int, dtype: type[np.integer[Any]], low: int, span: int
) -> None:
    rng = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    lo = max(low, int(info.min))
    hi = min(lo + span, int(info.max))
    _same_as_unique(rng.integers(lo, hi, size=n, endpoint=True).astype(dtype))


@pytest.mark.parametrize(
    "values",
    [
        np.array([2**40, 0, 7, 2**40], dtype=np.int64),  # too wide to count: numpy.unique
        np.array([2**63 + 5, 2**63 + 1, 2**63 + 5], dtype=np.uint64),  # beyond intp
        np.array([-128, 127, 0, -128], dtype=np.int8),  # shifting must not overflow int8
        np.array([True, False, True]),
        np.array([True, True]),
    ],
)
def test_integer_edge_cases_match_unique(values: np.ndarray[Any, Any]) -> None:
    _same_as_unique(values)


_WORDS = st.text(alphabet=string.ascii_letters + "éß ", max_size=6)


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    labels=st.lists(_WORDS, min_size=1, max_size=30, unique=True),
    n=st.integers(1, 3_000),
    kind=st.sampled_from(["U", "S", "O"]),
    sample=st.sampled_from([4, 64, 4096]),
)
def test_text_codes_by_lookup_match_unique(
    seed: int, labels: list[str], n: int, kind: str, sample: int
) -> None:
    rng = np.random.default_rng(seed)
    pool = np.array([s.encode() for s in labels] if kind == "S" else labels)
    if kind == "O":  # Python strings in an object column, as pandas and polars give them
        pool = pool.astype(object)
    # skewed frequencies: rare labels that a small sample (1 row in n / sample) misses
    p = rng.dirichlet(np.full(len(labels), 0.3))
    values = pool[rng.choice(len(labels), size=n, p=p)]
    default = design_build._SAMPLE
    design_build._SAMPLE = sample  # a small sample exercises the completion of misses
    try:
        _same_as_unique(values)
    finally:
        design_build._SAMPLE = default


def test_text_labels_only_outside_the_sample_are_found() -> None:
    # 40,000 rows sampled every 9th: labels placed off that grid are seen only on lookup
    values = np.full(40_000, "KTP")
    values[1::9] = "KK"
    values[5] = "Akta"
    values[39_998] = "zz"
    _same_as_unique(values)


def test_text_mixed_with_numbers_fails_as_unique_does() -> None:
    # a number the sample does not see is found on lookup and cannot be ordered
    values = np.array(["b"] * 9_000 + [3] + ["a"] * 9_000, dtype=object)
    with pytest.raises(TypeError, match="not supported between instances"):
        np.unique(values)
    with pytest.raises(TypeError, match="not supported between instances"):
        factorize(values)


def test_many_text_labels_fall_back_to_unique() -> None:
    values = np.array([f"id{i:05d}" for i in range(20_000)])[::-1]
    _same_as_unique(values)


def test_category_labels_are_python_scalars_as_before() -> None:
    codes, labels = category_codes(np.array([3, 1, 3], dtype=np.int16), "strata")
    assert labels == [1, 3]
    assert all(type(v) is int for v in labels)
    codes, labels = category_codes(np.array(["b", "a", "b"]), "strata")
    assert labels == ["a", "b"]
    assert all(type(v) is str for v in labels)
    np.testing.assert_array_equal(codes, [1, 0, 1])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 300), k=st.integers(1, 12))
def test_bootstrap_values_match_the_concatenated_formula(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, 4, size=(n, k)).astype(np.int8)
    weights = rng.uniform(0.0, 5.0, n) * (rng.random(n) > 0.2)
    reverse = rng.random(k) < 0.3
    offset = np.where(reverse, 4.0, 1.0)
    sign = np.where(reverse, -1.0, 1.0)
    answered = codes >= 0
    y = np.where(answered, offset + sign * codes, 0.0)
    slow = np.concatenate([y * weights[:, None], answered * weights[:, None]], axis=1)
    fast = weighted_values(codes, weights, offset=offset, sign=sign)
    assert fast.tobytes() == slow.tobytes()  # bit for bit, zeros included


def _slow_reduce(values: np.ndarray[Any, Any], w: np.ndarray[Any, Any], codes: Any, h: int) -> Any:
    wu = values * w[:, None]
    sums = np.array([wu[codes == s].sum(axis=0) for s in range(h)])
    squares = np.array([(wu[codes == s] ** 2).sum(axis=0) for s in range(h)])
    return sums, squares, np.bincount(codes, minlength=h)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 200),
    h=st.integers(1, 4),
    k=st.integers(1, 3),
)
def test_reduce_fast_paths_match_the_per_stratum_sums(seed: int, n: int, h: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    codes = np.sort(rng.integers(0, h, n))
    values = rng.normal(size=(n, k))
    w = rng.uniform(0.5, 3.0, n)
    common = {"stratum_codes": codes, "strata": list(range(h)), "pop": np.full(h, np.inf)}
    sums, squares, counts = _slow_reduce(values, w, codes, h)
    variants = [
        reduce(values, weights=w, diagonal=True, **common),
        reduce(values * w[:, None], weights=w, diagonal=True, weighted=True, **common),
        reduce(values, weights=w, diagonal=True, stratum_rows=counts, **common),
    ]
    for s in variants:
        np.testing.assert_allclose(s.sums, sums, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(np.diagonal(s.cross, axis1=1, axis2=2), squares, rtol=1e-12)
        np.testing.assert_array_equal(s.n_psu, counts)


@st.composite
def _domain_design(draw: st.DrawFn) -> dict[str, Any]:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(12, 120))
    data = {
        "s": rng.integers(0, draw(st.integers(1, 3)), n),
        "c": rng.integers(0, 6, n),
        "w": rng.uniform(0.5, 4.0, n),
        "g": rng.integers(0, draw(st.integers(1, 4)), n),
        "z": rng.normal(size=n),
        "post": rng.integers(0, 2, n),
    }
    return {"data": data, "kind": draw(st.sampled_from(["strata", "clusters", "calibrated"]))}


def _design_of(data: dict[str, Any], kind: str) -> sq.Design:
    if kind == "clusters":
        return sq.Design(data, strata="s", clusters="c", weights="w", lonely_psu="certainty")
    d = sq.Design(data, strata="s", weights="w", lonely_psu="certainty")
    if kind == "calibrated":
        return d.poststratify("post", {0: 150.0, 1: 90.0})
    return d


@settings(max_examples=40, deadline=None)
@given(case=_domain_design())
def test_domain_variances_match_the_dense_domain_matrix(case: dict[str, Any]) -> None:
    data = case["data"]
    _, groups = np.unique(data["g"], return_inverse=True)
    n_groups = int(groups.max()) + 1
    arrays = _design_of(data, case["kind"]).arrays
    dense = np.zeros((groups.size, n_groups))
    dense[np.arange(groups.size), groups] = data["z"]
    slow = linearized_variance(dense, arrays)
    fast = domain_variances(data["z"], groups, n_groups, arrays)
    np.testing.assert_allclose(fast, slow, rtol=1e-10, atol=1e-300)


@settings(max_examples=40, deadline=None)
@given(case=_domain_design(), zero_weights=st.booleans())
def test_design_effect_sums_match_srs_variance(case: dict[str, Any], zero_weights: bool) -> None:
    data = dict(case["data"])
    if zero_weights:
        data["w"] = np.where(np.arange(data["w"].size) % 5 == 0, 0.0, data["w"])
    post = data["post"]
    # a post-stratum whose rows all got weight 0 cannot be calibrated (a DesignError)
    assume(case["kind"] != "calibrated" or all(data["w"][post == v].sum() > 0 for v in (0, 1)))
    arrays = _design_of(data, case["kind"]).arrays
    n_groups = int(data["g"].max()) + 1
    groups = data["g"].astype(np.intp).copy()
    groups[::7] = n_groups  # rows with a missing value are outside every domain
    d = (groups[:, None] == np.arange(n_groups)).astype(np.float64)
    z = data["z"] * (groups < n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        ref = srs_variance(z[:, None] * d, arrays.weights[:, None] * d)
    fast = domain_srs_variances(data["z"], groups, n_groups, arrays)
    np.testing.assert_allclose(fast, ref, rtol=1e-9, atol=1e-300, equal_nan=True)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 20_000),
    n_groups=st.integers(1, 4),
)
def test_skm_domain_passes_match_explicit_formulas(seed: int, n: int, n_groups: int) -> None:
    rng = np.random.default_rng(seed)
    k = 5
    codes = rng.integers(-1, 4, size=(n, k)).astype(np.int8)
    w = rng.uniform(0.5, 3.0, n)
    groups = rng.integers(0, n_groups, n).astype(np.intp)
    one_hot = groups[:, None] == np.arange(n_groups)  # (n, G), the slow way
    answered = (codes >= 0).astype(np.float64)
    x = np.maximum(codes, 0).astype(np.float64)
    code_tot, answered_tot, counts = kernel.element_sums(codes, w, groups, n_groups)
    np.testing.assert_allclose(code_tot, (one_hot * w[:, None]).T @ x, rtol=1e-12)
    np.testing.assert_allclose(answered_tot, (one_hot * w[:, None]).T @ answered, rtol=1e-12)
    np.testing.assert_array_equal(counts, one_hot.T.astype(np.float64) @ answered)
    means = rng.uniform(0.0, 3.0, (n_groups, k))
    coef = rng.normal(size=(n_groups, k))
    z = kernel.influence(codes, means, coef, groups)
    slow = np.sum(answered * (codes - means[groups]) * coef[groups], axis=1)
    np.testing.assert_allclose(z, slow, rtol=1e-12, atol=1e-12)


def test_one_domain_variance_equals_the_plain_variance() -> None:
    arrays = DesignArrays(np.ones(3), np.zeros(3, dtype=np.intp), (None,), np.array([np.inf]))
    z = np.array([1.0, -1.0, 0.5])
    fast = domain_variances(z, np.zeros(3, dtype=np.intp), 1, arrays)
    np.testing.assert_allclose(fast, linearized_variance(z, arrays))


def test_weighted_moments_refuse_a_calibrated_design() -> None:
    data = {"post": np.array([0, 1, 0, 1]), "w": np.ones(4)}
    arrays = sq.Design(data, weights="w").poststratify("post", {0: 5.0, 1: 7.0}).arrays
    with pytest.raises(ValueError, match="without calibration steps"):
        weighted_moments(np.ones((4, 1)), arrays)
