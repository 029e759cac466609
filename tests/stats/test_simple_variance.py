"""``simple_variance`` (from Σz and Σz²) against ``linearized_variance`` (from the rows).

Reference: :func:`servqual.stats.design_arrays.linearized_variance`, the general reduce of
``w z`` (itself checked against R ``survey`` in tests/rparity), on random simple designs
with equal weights, with and without fpc (hypothesis); and the overflow check that a
caller's bound may replace, only when the bound is below the limit.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servqual.errors import EstimationError
from servqual.stats import DesignArrays
from servqual.stats.design_arrays import linearized_variance, simple_variance


def _simple(n: int, w: float, pop: float) -> DesignArrays:
    return DesignArrays(np.full(n, w), np.zeros(n, dtype=np.intp), (None,), np.array([pop]))


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 50),
    w=st.floats(0.01, 1e4),
    fpc=st.booleans(),
    centred=st.booleans(),
)
def test_simple_variance_equals_the_row_reduce(
    seed: int, n: int, w: float, fpc: bool, centred: bool
) -> None:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=n)
    if centred:  # linearized values of a mean sum to 0
        z -= z.mean()
    design = _simple(n, w, 2.0 * n if fpc else np.inf)
    got = simple_variance(float(z.sum()), float(z @ z), design)
    np.testing.assert_allclose(got, linearized_variance(z, design)[0], rtol=1e-12, atol=1e-300)


def test_equal_values_have_exactly_no_variance() -> None:
    design = _simple(4, 3.0, np.inf)
    z = np.full(4, 0.1)
    assert simple_variance(float(z.sum()), float(z @ z), design) == 0.0


def test_simple_variance_refuses_other_designs() -> None:
    unequal = DesignArrays(
        np.array([1.0, 2.0]), np.zeros(2, dtype=np.intp), (None,), np.array([np.inf])
    )
    assert unequal.uniform_weight is None
    strata = DesignArrays(np.ones(4), np.array([0, 0, 1, 1]), ("a", "b"), np.full(2, np.inf))
    assert strata.uniform_weight == 1.0
    assert not strata.is_simple
    for design in (unequal, strata):
        with pytest.raises(ValueError, match="one stratum, no clusters and equal weights"):
            simple_variance(0.0, 1.0, design)


def test_a_bound_replaces_the_magnitude_check_only_below_the_limit() -> None:
    design = _simple(3, 1.0, np.inf)
    huge = np.array([0.0, 1e160, -1e160])
    with pytest.raises(EstimationError, match=r"weighted values reach 1e\+160.*overflow float64"):
        linearized_variance(huge, design)
    with pytest.raises(EstimationError, match="overflow float64"):  # a bound above the limit
        linearized_variance(huge, design, bound=1e200)
    small = np.array([0.5, -0.25, -0.25])
    assert linearized_variance(small, design, bound=1.0)[0] == linearized_variance(small, design)[0]
    with pytest.raises(EstimationError, match="weighted values reach nan"):
        linearized_variance(np.array([0.0, np.nan, 1.0]), design)
