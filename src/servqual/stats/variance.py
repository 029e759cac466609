r"""The estimate step: variance of estimated totals from per-stratum moments.

For a stratified multistage design approximated as with-replacement sampling of PSUs
(R ``survey``'s default), the covariance of the estimated totals is

.. math::

    \hat V(\hat T) = \sum_h (1 - f_h) \frac{n_h}{n_h - 1}
        \sum_{i=1}^{n_h} (t_{hi} - \bar t_h)(t_{hi} - \bar t_h)^\top,

with ``t_hi`` the weighted total of PSU ``i`` in stratum ``h``, ``n_h`` the number of
sampled PSUs and ``f_h = n_h / N_h`` the sampling fraction (0 without fpc). Strata with a
single PSU follow the ``lonely_psu`` policy, with R's meanings
(``options(survey.lonely.psu=...)``).
"""

from __future__ import annotations

import warnings
from typing import Literal, get_args

import numpy as np

from servqual.errors import DegenerateDataWarning, DesignError, ParameterError
from servqual.stats.reduce import FloatArray, Moments

__all__ = ["LonelyPSU", "covariance", "design_df"]

LonelyPSU = Literal["fail", "adjust", "remove", "certainty", "average"]
_LONELY = get_args(LonelyPSU)


def check_lonely_psu(policy: str) -> LonelyPSU:
    """Validate a ``lonely_psu`` policy name."""
    if policy not in _LONELY:
        raise ParameterError(f"lonely_psu must be one of {list(_LONELY)}, got {policy!r}")
    return policy  # type: ignore[return-value]  # narrowed by the membership test


def covariance(m: Moments, *, lonely_psu: LonelyPSU = "fail") -> FloatArray:
    """Covariance matrix (k, k) of the estimated totals described by ``m``.

    Raises
    ------
    servqual.errors.DesignError
        If a stratum has a single PSU and ``lonely_psu="fail"``.
    """
    n = m.n_psu.astype(np.float64)
    k = m.sums.shape[1]
    f = np.where(np.isinf(m.pop), 0.0, n / np.where(np.isinf(m.pop), 1.0, m.pop))
    ok = n >= 2
    # Centred cross-products: Σ (t - t̄)(t - t̄)ᵀ = Σ t tᵀ - s sᵀ / n
    safe_n = np.where(n > 0, n, 1.0)
    centred = m.cross - np.einsum("hi,hj->hij", m.sums, m.sums) / safe_n[:, None, None]
    scale = np.where(ok, (1.0 - f) * n / np.where(ok, n - 1.0, 1.0), 0.0)
    per_stratum = centred * scale[:, None, None]
    lonely = np.flatnonzero(n == 1)
    if lonely.size:
        labels = [m.strata[h] for h in lonely]
        if lonely_psu == "fail":
            raise DesignError(
                f"stratum {labels[0]!r} has only one PSU, so its variance cannot be "
                f"estimated ({lonely.size} such strata: {labels[:5]!r}); choose "
                "lonely_psu='adjust', 'remove', 'certainty' or 'average'"
            )
        warnings.warn(
            f"{lonely.size} stratum(s) with a single PSU ({labels[:5]!r}) handled by "
            f"lonely_psu={lonely_psu!r}",
            DegenerateDataWarning,
            stacklevel=3,
        )
        if lonely_psu == "adjust":
            # R centres a lonely PSU at the grand mean of the linearized values (0): t tᵀ.
            per_stratum[lonely] = m.cross[lonely]
        elif lonely_psu == "average":
            n_strata_present = int(np.count_nonzero(n > 0))
            n_ok = n_strata_present - lonely.size
            if n_ok == 0:
                return np.full((k, k), np.nan)
            total = per_stratum.sum(axis=0)
            return np.asarray(total * n_strata_present / n_ok, dtype=np.float64)
        # "remove" and "certainty": the stratum contributes nothing.
    return np.asarray(per_stratum.sum(axis=0), dtype=np.float64)


def design_df(n_psu: int, n_strata: int) -> float:
    """Design degrees of freedom: PSUs minus strata (R ``degf``)."""
    return float(n_psu - n_strata)
