"""The SKM row kernels against a plain loop over respondents (the slow, obvious version).

Reference: ``Σ_i w_i a_ij c_ij``, ``Σ_i w_i a_ij`` and ``Σ_i a_ij`` written as Python
loops over rows, on random small inputs (hypothesis), for the counting path (equal
weights, one domain) and the blocked matrix-product path (unequal weights, domains).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from servqual.indices import _skm_kernel as kernel


def _loop_sums(codes: np.ndarray, w: np.ndarray, groups: np.ndarray, g_count: int):  # type: ignore[no-untyped-def]
    n, k = codes.shape
    code_tot = np.zeros((g_count, k))
    ans_tot = np.zeros((g_count, k))
    counts = np.zeros((g_count, k))
    for i in range(n):
        for j in range(k):
            if codes[i, j] >= 0:
                code_tot[groups[i], j] += w[i] * codes[i, j]
                ans_tot[groups[i], j] += w[i]
                counts[groups[i], j] += 1
    return code_tot, ans_tot, counts


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 60),
    k=st.integers(1, 6),
    top=st.integers(0, 10),
    equal=st.booleans(),
    g_count=st.integers(1, 4),
)
def test_element_sums_equal_a_loop_over_rows(
    seed: int, n: int, k: int, top: int, equal: bool, g_count: int
) -> None:
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, top + 1, size=(n, k)).astype(np.int8)
    w = np.full(n, 2.5) if equal else rng.uniform(0.5, 3.0, size=n)
    groups = rng.integers(0, g_count, size=n)
    expected = _loop_sums(codes, w, groups, g_count)
    got = kernel.element_sums(codes, w, groups, g_count)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    one = kernel.element_sums(codes, w, None, 1)  # counting path when weights are equal
    for a, b in zip(one, _loop_sums(codes, w, np.zeros(n, dtype=np.intp), 1), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
