"""The grouped SKM kernels (``by=``) against a loop over rows and the blocked kernel.

Reference: the sums ``Σ_i w_i a_ij c_ij``, ``Σ_i w_i a_ij``, ``Σ_i a_ij`` and the influence
values ``Σ_j coef_gj a_ij (c_ij − m_gj)`` written as Python loops over rows, and the
blocked matrix-product kernel (:mod:`servqual.indices._skm_kernel`) they replace, on
random small inputs (hypothesis): equal and unequal weights, missing answers, domains
with one respondent or none, all answers missing.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from servqual.indices import _skm_kernel as kernel
from servqual.indices._skm_grouped import GroupedCodes, grouped_influence, grouped_sums


def _loop(codes, w, groups, g_count, means, coef):  # type: ignore[no-untyped-def]
    n, k = codes.shape
    sums = np.zeros((3, g_count, k))
    z = np.zeros(n)
    for i in range(n):
        g = groups[i]
        for j in range(k):
            if codes[i, j] >= 0:
                sums[:, g, j] += (w[i] * codes[i, j], w[i], 1.0)
                z[i] += coef[g, j] * (codes[i, j] - means[g, j])
    return sums, z


@settings(max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 60),
    k=st.integers(1, 6),
    top=st.integers(-1, 10),
    weights=st.sampled_from(["ones", "equal", "unequal", "zeros"]),
    g_count=st.integers(1, 30),
)
def test_grouped_kernels_equal_a_loop_and_the_blocked_kernel(
    seed: int, n: int, k: int, top: int, weights: str, g_count: int
) -> None:
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, top + 1, size=(n, k)).astype(np.int8)
    w = {
        "ones": np.ones(n),
        "equal": np.full(n, 0.1),
        "zeros": np.zeros(n),
        "unequal": rng.uniform(0.5, 3.0, size=n),
    }[weights]
    groups = rng.integers(0, g_count, size=n).astype(np.intp)  # many one-row/empty domains
    means = rng.uniform(-1.0, 4.0, (g_count, k))
    coef = rng.normal(size=(g_count, k))
    grouped = GroupedCodes.of(codes, groups, g_count)
    (sums, z) = _loop(codes, w, groups, g_count, means, coef)
    got = grouped_sums(grouped, w)
    blocked = kernel.element_sums(codes, w, groups, g_count)
    for fast, slow, old in zip(got, sums, blocked, strict=True):
        np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(fast, old, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(got[2], blocked[2])  # counts are exact integers
    fast_z = grouped_influence(grouped, means, coef)
    np.testing.assert_allclose(fast_z, z, rtol=1e-12, atol=1e-12)
    old_z = kernel.influence(codes, means, coef, groups)
    np.testing.assert_allclose(fast_z, old_z, rtol=1e-12, atol=1e-12)


def test_unit_weights_give_the_blocked_kernels_numbers_exactly() -> None:
    rng = np.random.default_rng(3)
    codes = rng.integers(-1, 4, size=(5000, 9)).astype(np.int8)
    groups = rng.integers(0, 300, 5000).astype(np.intp)
    w = np.ones(5000)
    got = grouped_sums(GroupedCodes.of(codes, groups, 300), w)
    for fast, old in zip(got, kernel.element_sums(codes, w, groups, 300), strict=True):
        np.testing.assert_array_equal(fast, old)
