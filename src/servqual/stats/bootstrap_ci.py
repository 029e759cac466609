"""Intervals from bootstrap replicates: percentile and BCa (with its jackknife).

Pure numpy/scipy; used by :func:`servqual.stats.bootstrap.bootstrap_totals`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.stats.resample import Patterns

__all__ = [
    "Statistic",
    "acceleration",
    "check_resamples",
    "evaluate",
    "interval_from_replicates",
    "min_resamples",
]

FloatArray = npt.NDArray[np.float64]
Statistic = Callable[[FloatArray], npt.ArrayLike]

_JACK_ROWS = 1 << 16  # leave-one-out totals evaluated per call of the statistic


def evaluate(statistic: Statistic, totals: FloatArray) -> FloatArray:
    """Call the statistic on (r, m) totals and check it returns (r,) values."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.asarray(statistic(totals), dtype=np.float64)
    if out.shape != (totals.shape[0],):
        raise ParameterError(
            f"statistic must map a (r, m) array of totals to shape (r,); for r = "
            f"{totals.shape[0]} it returned shape {out.shape}"
        )
    return out


def acceleration(statistic: Statistic, strata: list[Patterns], total: FloatArray) -> float:
    r"""BCa acceleration from the stratified jackknife, on distinct vectors.

    Leaving out one row with vector ``D_hk`` gives totals ``T - D_hk``, the same for each
    of its ``c_hk`` rows, so the jackknife needs one statistic per distinct vector. With
    the jackknife influence values ``l_hk = (n_h - 1)(θ̄_h - θ_(hk))``, the skewness of a
    statistic linear in the stratum means is ``Σ_h n_h⁻³ Σ_k c_hk l_hk³ /
    (Σ_h n_h⁻² Σ_k c_hk l_hk²)^{3/2}``, and ``a`` is one sixth of it (Efron 1987). With one
    stratum this is the usual ``Σ (θ̄ - θ_(i))³ / (6 (Σ (θ̄ - θ_(i))²)^{3/2})``.
    """
    num = 0.0
    den = 0.0
    for s in strata:  # loop over strata (few), never over rows
        theta = np.concatenate(
            [
                evaluate(statistic, total - s.patterns[i : i + _JACK_ROWS])
                for i in range(0, s.counts.size, _JACK_ROWS)
            ]
        )
        c = s.counts.astype(np.float64)
        mean = float(np.dot(c, theta)) / s.n
        infl = (s.n - 1) * (mean - theta)
        num += float(np.dot(c, infl**3)) / s.n**3
        den += float(np.dot(c, infl**2)) / s.n**2
    if not (math.isfinite(num) and math.isfinite(den)):
        warnings.warn(
            "the jackknife behind the BCa acceleration gave non-finite values (a "
            "leave-one-out sample without any answer to an element?); acceleration set to 0",
            DegenerateDataWarning,
            stacklevel=3,
        )
        return 0.0
    if den <= 0:  # every leave-one-out value equal: no skewness
        return 0.0
    return float(num / (6.0 * den**1.5))


def min_resamples(level: float) -> int:
    """Fewest resamples for an interval at ``level``: one replicate beyond each quantile.

    A percentile (or BCa) bound at tail probability ``α = (1 − level)/2`` is only an
    order statistic of the replicates when ``B·α ≥ 1``; with fewer, both bounds are the
    extreme replicates (one resample gives a point that need not hold the estimate, and
    no standard error). So ``B ≥ ⌈1/α⌉``: 40 at 95 %, 200 at 99 %, and never below 2.
    """
    alpha = (1.0 - level) / 2.0
    return max(2, math.ceil(1.0 / alpha - 1e-9))


def interval_from_replicates(
    reps: FloatArray, value: float, level: float, method: Literal["percentile", "bca"], accel: float
) -> tuple[float, float]:
    """Percentile or BCa bounds from the finite replicates ``reps`` of ``value``.

    Percentile: the ``(1 ± level)/2`` quantiles (``numpy.quantile``, linear
    interpolation). BCa: the quantiles at ``Φ(z₀ + (z₀ + z_α)/(1 − a (z₀ + z_α)))`` with
    ``z₀ = Φ⁻¹(share of replicates below value, ties counted half)``; ``(NaN, NaN)`` with a
    warning when every replicate lies on one side of ``value``.
    """
    alpha = (1.0 - level) / 2.0
    if method == "percentile":
        probs = np.array([alpha, 1.0 - alpha])
    else:
        below = np.count_nonzero(reps < value) + 0.5 * np.count_nonzero(reps == value)
        z0 = float(special.ndtri(below / reps.size))
        if not math.isfinite(z0):
            warnings.warn(
                f"every bootstrap replicate lies on one side of the estimate {value!r}: the "
                "BCa interval is undefined (NaN); use method='percentile'",
                DegenerateDataWarning,
                stacklevel=3,
            )
            return (math.nan, math.nan)
        z = z0 + special.ndtri(np.array([alpha, 1.0 - alpha]))
        probs = special.ndtr(z0 + z / (1.0 - accel * z))
    low, high = np.quantile(reps, probs)
    return (float(low), float(high))


def check_resamples(n_resamples: object, level: float) -> int:
    """``n_resamples`` as an int, refused below what an interval at ``level`` needs.

    Raises
    ------
    servqual.errors.ParameterError
        If it is not an integer, or below :func:`~servqual.stats.bootstrap_ci.min_resamples`.
    """
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise ParameterError(f"n_resamples must be an integer, got {n_resamples!r}")
    need = min_resamples(level)
    if n_resamples < need:
        raise ParameterError(
            f"n_resamples is {n_resamples!r}, but a {level:.10g} interval needs at least "
            f"{need} (one replicate beyond each tail quantile); use 2000 or more"
        )
    return int(n_resamples)
