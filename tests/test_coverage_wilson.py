"""Coverage of the 95% Wilson interval on a grid of (p, n), computed exactly.

For a fixed (p, n) the coverage of an interval method is
``C(p, n) = Σ_x 1{L(x) ≤ p ≤ U(x)} · P(X = x)`` with ``X ~ Binomial(n, p)``: a finite sum,
so no simulation is needed (Brown, Cai & DasGupta 2001, eq. 2, compute their figures this
way). The known facts checked here, from that paper (sec. 2 and 4, figures 5 and 11):
Wilson's coverage oscillates around the nominal level with mean close to 0.95 and dips,
near p = 0 or 1, to no lower than about 0.83 for n ≥ 10; Wald's is much worse (far below
nominal near the boundaries, lower on average); Clopper–Pearson never drops below 0.95.
A seeded Monte Carlo run at one grid point checks the exact sum itself.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

from servqual.stats.proportion import proportion_interval

NS = np.arange(10, 101)  # n = 10 … 100
PS = np.linspace(0.005, 0.995, 199)  # p on a 0.005 grid


def exact_coverage(method: str, n: int, ps: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Exact coverage at each p for sample size n (Brown, Cai & DasGupta 2001, eq. 2)."""
    x = np.arange(n + 1)
    low, high = proportion_interval(x, n, level=0.95, method=method)
    covers = (low[:, None] <= ps[None, :]) & (ps[None, :] <= high[:, None])
    pmf = stats.binom.pmf(x[:, None], n, ps[None, :])
    return np.asarray((covers * pmf).sum(axis=0), dtype=np.float64)


@pytest.fixture(scope="module")
def coverage() -> dict[str, npt.NDArray[np.float64]]:
    return {
        m: np.array([exact_coverage(m, int(n), PS) for n in NS])
        for m in ("wilson", "wald", "clopper_pearson")
    }


def test_wilson_mean_coverage_is_close_to_nominal(
    coverage: dict[str, npt.NDArray[np.float64]],
) -> None:
    # Brown, Cai & DasGupta (2001), sec. 4.1.1: Wilson's mean coverage is close to 0.95.
    assert coverage["wilson"].mean() == pytest.approx(0.95, abs=0.005)


def test_wilson_minimum_coverage_is_above_083(
    coverage: dict[str, npt.NDArray[np.float64]],
) -> None:
    # Brown, Cai & DasGupta (2001), sec. 4.1.1: the dips near p = 0, 1 stay above ~0.83
    # for n >= 10 (the lowest on this grid is about 0.837, at n = 11).
    assert coverage["wilson"].min() > 0.83
    # Away from the boundary the dips are shallower.
    inner = (PS >= 0.1) & (PS <= 0.9)
    assert coverage["wilson"][:, inner].min() > 0.90


def test_wald_is_worse_than_wilson(coverage: dict[str, npt.NDArray[np.float64]]) -> None:
    wilson, wald = coverage["wilson"], coverage["wald"]
    # Brown, Cai & DasGupta (2001), sec. 2.1: Wald's coverage is persistently below nominal.
    assert wald.mean() < wilson.mean() - 0.02
    assert np.abs(wald - 0.95).mean() > 2 * np.abs(wilson - 0.95).mean()
    # ... and collapses near the boundary (p = 0.005, n = 10: only x = 0 is likely, and
    # Wald's interval at x = 0 is the single point 0).
    assert wald.min() < 0.1
    assert wald[:, 0].max() < 0.5


def test_clopper_pearson_never_undercovers(coverage: dict[str, npt.NDArray[np.float64]]) -> None:
    # Clopper & Pearson (1934): the exact interval's coverage is at least the nominal level.
    assert coverage["clopper_pearson"].min() >= 0.95 - 1e-12


def test_exact_coverage_agrees_with_a_seeded_simulation() -> None:
    # Monte Carlo check of the exact sum at one point (p = 0.1, n = 30).
    n, p, draws = 30, 0.1, 20_000
    x = np.random.default_rng(20260601).binomial(n, p, size=draws)
    low, high = proportion_interval(x, n, level=0.95, method="wilson")
    simulated = float(np.mean((low <= p) & (p <= high)))
    exact = float(exact_coverage("wilson", n, np.array([p]))[0])
    mc_se = np.sqrt(exact * (1 - exact) / draws)
    assert abs(simulated - exact) < 4 * mc_se
