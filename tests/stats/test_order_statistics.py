"""Order-statistic quantile intervals against scipy.stats.quantile_test and a slow loop."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from servqual.stats.order_statistics import grouped_quantile_ci


@given(
    sizes=st.lists(st.integers(0, 60), min_size=1, max_size=5),
    p=st.sampled_from([0.1, 0.5, 0.9]),
    level=st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    seed=st.integers(0, 2**32 - 1),
)
def test_grouped_intervals_match_scipy(sizes: list[int], p: float, level: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    groups = [np.sort(rng.exponential(size=n)) for n in sizes]
    values = np.concatenate(groups) if sizes else np.array([])
    counts = np.array(sizes, dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    est, low, high = grouped_quantile_ci(values, starts, counts, p, level)
    for g, x in enumerate(groups):
        if x.size == 0:
            assert math.isnan(est[g])
            continue
        # scipy: the same distribution-free interval (-inf / inf when no order statistic)
        ci = stats.quantile_test(x, q=float(np.quantile(x, p)), p=p).confidence_interval(level)
        assert est[g] == pytest.approx(np.quantile(x, p), rel=1e-14)  # type 7, numpy default
        assert low[g] == (ci.low if np.isfinite(ci.low) else 0.0)
        assert high[g] == ci.high if np.isfinite(ci.high) else high[g] == math.inf


def test_coverage_is_at_least_the_level() -> None:
    # Exact coverage of [x(l), x(u)]: P(l <= B < u), B ~ Bin(n, p) (Conover 1999, 3.2)
    for n in (10, 25, 60, 200):
        for p in (0.5, 0.9):
            counts = np.array([n], dtype=np.int64)
            x = np.arange(1.0, n + 1)
            _, low, high = grouped_quantile_ci(x, np.array([0]), counts, p, 0.95)
            lo_rank = int(low[0]) if low[0] >= 1 else 0
            hi_rank = int(high[0]) if np.isfinite(high[0]) else n + 1
            cover = stats.binom.cdf(hi_rank - 1, n, p) - stats.binom.cdf(lo_rank - 1, n, p)
            assert cover >= 0.95
