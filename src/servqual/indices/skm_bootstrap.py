"""Bootstrap interval of the SKM index, by the numeric core's bootstrap of totals.

The index is a function of the weighted column totals ``T_yj = Σ w y a`` and
``T_aj = Σ w a``; the core resamples respondents (within strata) and hands back the
resampled totals, from which the statistic below recomputes the index for every resample
at once (vectorized over the resamples).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from servqual.models.results import Estimate, Interval
from servqual.stats.bootstrap import BootstrapMethod, bootstrap_totals, check_resamplable
from servqual.stats.design_arrays import DesignArrays

__all__ = ["bootstrap_index", "index_statistic", "weighted_values"]

FloatArray = npt.NDArray[np.float64]


def index_statistic(omega: FloatArray) -> Callable[[FloatArray], FloatArray]:
    """``totals (B, 2k) → 25 Σ_j ω_j T_yj / T_aj`` for each of the ``B`` rows."""
    k = omega.shape[0]

    def statistic(totals: FloatArray) -> FloatArray:
        t = np.asarray(totals, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):  # an element unanswered → NaN
            nrr = t[..., :k] / t[..., k:]
        return np.asarray(25.0 * (nrr @ omega), dtype=np.float64)

    return statistic


def weighted_values(
    codes: npt.NDArray[np.int8], weights: FloatArray, *, offset: FloatArray, sign: FloatArray
) -> FloatArray:
    """Per-respondent ``[w y a, w a]`` (n, 2k), written into one preallocated array.

    ``y = offset + sign · code`` is the answer (reverse-scored elements flipped) and
    ``a`` the answered indicator; a missing answer gives exactly 0 in both halves. The
    same numbers as ``concatenate([where(a, y, 0) w, a w])`` without its temporaries.
    """
    k = codes.shape[1]
    values = np.empty((codes.shape[0], 2 * k), dtype=np.float64)
    y, answered = values[:, :k], values[:, k:]
    np.greater_equal(codes, 0, out=answered)  # 1.0 where answered, else 0.0
    np.multiply(codes, sign, out=y)
    y += offset
    y *= answered  # a missing answer (code −1) gives exactly 0
    values *= weights[:, None]
    return values


def bootstrap_index(
    codes: npt.NDArray[np.int8],
    weights: FloatArray,
    *,
    offset: FloatArray,
    sign: FloatArray,
    omega: FloatArray,
    arrays: DesignArrays,
    value: float,
    n: int,
    level: float,
    interval: BootstrapMethod,
    n_resamples: int,
    seed: int | np.random.Generator | None,
) -> Estimate:
    """Bootstrap estimate of the index: resample respondents within strata.

    ``weights`` are the design weights times the domain indicator; ``value`` the point
    estimate (reported as is); ``interval`` is ``"percentile"`` or ``"bca"``.

    Raises
    ------
    servqual.errors.DesignError
        If the design is clustered (respondents are not the sampling units) or calibrated.
    """
    check_resamplable(arrays, instead="method='linearization'")
    values = weighted_values(codes, weights, offset=offset, sign=sign)
    strata = arrays.stratum_codes if len(arrays.strata) > 1 else None
    res = bootstrap_totals(
        values,
        strata=strata,
        statistic=index_statistic(omega),
        n_resamples=n_resamples,
        level=level,
        method=interval,
        seed=seed,
    )
    ci = Interval(
        low=float(res.low), high=float(res.high), level=level, method=f"bootstrap_{interval}"
    )
    return Estimate(value=value, se=float(res.se), ci=ci, n=n, df=None)
