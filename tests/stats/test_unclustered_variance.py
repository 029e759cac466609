"""``unclustered_variance`` (from per-stratum sums) against ``linearized_variance`` (rows).

Reference: :func:`servqual.stats.design_arrays.linearized_variance`, the general reduce of
``w z`` (itself checked against R ``survey`` in tests/rparity), on random designs whose
rows are their PSUs: strata, unequal weights, fpc, one-row strata under every lonely-PSU
policy (hypothesis); and the overflow check that a caller's bound may replace, only when
the bound is below the limit.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DesignError, EstimationError
from servqual.stats import DesignArrays
from servqual.stats.design_arrays import linearized_variance, unclustered_variance


def _stratum_sums(z: np.ndarray, design: DesignArrays) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """The slow way: a loop over strata of the weighted values."""
    wz = design.weights * z
    h = len(design.strata)
    sums = np.array([wz[design.stratum_codes == s].sum() for s in range(h)])
    squares = np.array([(wz[design.stratum_codes == s] ** 2).sum() for s in range(h)])
    return sums, squares


@pytest.mark.filterwarnings("ignore::servqual.errors.DegenerateDataWarning")  # lonely strata
@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 50),
    n_strata=st.integers(1, 5),
    equal=st.booleans(),
    fpc=st.booleans(),
    lonely=st.sampled_from(["fail", "adjust", "remove", "certainty", "average"]),
)
def test_unclustered_variance_equals_the_row_reduce(
    seed: int, n: int, n_strata: int, equal: bool, fpc: bool, lonely: str
) -> None:
    rng = np.random.default_rng(seed)
    strata = rng.integers(0, n_strata, n)
    data = {"s": strata, "w": np.full(n, 2.0) if equal else rng.uniform(0.5, 4.0, n)}
    if fpc:
        data["f"] = np.bincount(strata)[strata] * 3.0
    try:
        design = sq.Design(
            data, weights="w", strata="s", fpc="f" if fpc else None, lonely_psu=lonely
        ).arrays
    except DesignError:  # e.g. a one-row stratum under "fail" is refused later, not here
        return
    z = rng.normal(size=n)
    try:
        want = linearized_variance(z, design)[0]
    except DesignError as exc:  # a lonely stratum under "fail": the same error
        with pytest.raises(DesignError, match=str(exc)[:40]):
            unclustered_variance(*_stratum_sums(z, design), design)
        return
    got = unclustered_variance(*_stratum_sums(z, design), design)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-300, equal_nan=True)


def test_equal_values_have_exactly_no_variance() -> None:
    design = DesignArrays(np.full(4, 3.0), np.zeros(4, dtype=np.intp), (None,), np.array([np.inf]))
    wz = np.full(4, 0.3)
    assert unclustered_variance(np.array([wz.sum()]), np.array([wz @ wz]), design) == 0.0


def test_unclustered_variance_refuses_clustered_designs() -> None:
    data = {"c": [1, 1, 2, 2], "w": [1.0, 2.0, 1.0, 2.0]}
    clustered = sq.Design(data, weights="w", clusters="c").arrays
    assert not clustered.is_unclustered
    assert clustered.uniform_weight is None
    assert sq.Design({"c": [1, 2]}).arrays.uniform_weight == 1.0
    with pytest.raises(ValueError, match="one-stage design without clusters"):
        unclustered_variance(np.zeros(1), np.ones(1), clustered)


def test_a_bound_replaces_the_magnitude_check_only_below_the_limit() -> None:
    design = DesignArrays(np.ones(3), np.zeros(3, dtype=np.intp), (None,), np.array([np.inf]))
    huge = np.array([0.0, 1e160, -1e160])
    with pytest.raises(EstimationError, match=r"weighted values reach 1e\+160.*overflow float64"):
        linearized_variance(huge, design)
    with pytest.raises(EstimationError, match="overflow float64"):  # a bound above the limit
        linearized_variance(huge, design, bound=1e200)
    small = np.array([0.5, -0.25, -0.25])
    assert linearized_variance(small, design, bound=1.0)[0] == linearized_variance(small, design)[0]
    with pytest.raises(EstimationError, match="weighted values reach nan"):
        linearized_variance(np.array([0.0, np.nan, 1.0]), design)
