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
from collections.abc import Hashable
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from servqual.errors import DegenerateDataWarning, DesignError, ParameterError
from servqual.stats.reduce import FloatArray, IntArray, Moments

__all__ = [
    "LonelyPSU",
    "covariance",
    "design_df",
    "lonely_strata",
    "srs_variance",
    "stratum_factors",
]

BoolArray = npt.NDArray[np.bool_]
LonelyPSU = Literal["fail", "adjust", "adjust_zero", "remove", "certainty", "average"]
_LONELY = get_args(LonelyPSU)


def check_lonely_psu(policy: str) -> LonelyPSU:
    """Validate a ``lonely_psu`` policy name."""
    if policy not in _LONELY:
        raise ParameterError(f"lonely_psu must be one of {list(_LONELY)}, got {policy!r}")
    return policy  # type: ignore[return-value]  # narrowed by the membership test


def covariance(m: Moments, *, lonely_psu: LonelyPSU = "fail") -> FloatArray:
    """Covariance matrix (k, k) of the estimated totals described by ``m``.

    Parameters
    ----------
    m : Moments
        Per-stratum moments of the PSU totals (from :func:`~servqual.stats.finalize`).
    lonely_psu : {"fail", "adjust", "adjust_zero", "remove", "certainty", "average"}
        What to do with a stratum holding a single PSU, with R ``survey``'s meanings
        (``options(survey.lonely.psu=...)``):

        - ``"fail"``: raise :class:`~servqual.errors.DesignError`;
        - ``"remove"``: the stratum contributes 0, with a
          :class:`~servqual.errors.DegenerateDataWarning`;
        - ``"certainty"``: the same zero contribution, silently: the PSU is taken to be
          sampled with certainty (a self-representing stratum);
        - ``"adjust"``: centre the lonely PSU total at the grand mean of all PSU totals
          (total over the number of PSUs) instead of its stratum mean, times its
          ``1 - f_h`` (conservative; R ``survey`` >= 4.2; for means, ratios and
          proportions the grand mean of the linearized totals is 0, as in older R);
        - ``"adjust_zero"``: R survey 4.1.1's ``"adjust"``: the lonely PSU total centred at
          zero, :math:`(1 - f_h) t^2` (the same as ``"adjust"`` for means, ratios and
          proportions; larger for totals). For reproducing analyses made with survey <= 4.1;
        - ``"average"``: drop the lonely strata and scale the sum of the others by
          (strata) / (strata with two or more PSUs).

        A stratum whose PSUs were all sampled (``fpc`` equal to its PSU count) is a
        certainty stratum under every policy: it contributes 0 and is never lonely.

    Raises
    ------
    servqual.errors.DesignError
        If a stratum has a single PSU and ``lonely_psu="fail"``.

    Examples
    --------
    >>> import numpy as np
    >>> from servqual.stats import DesignArrays, covariance
    >>> d = DesignArrays(np.ones(3), np.array([0, 0, 1]), ("a", "b"), np.full(2, np.inf),
    ...                  lonely_psu="certainty")
    >>> float(covariance(d.moments(np.array([1.0, 3.0, 5.0])), lonely_psu="certainty")[0, 0])
    4.0
    """
    n = m.n_psu.astype(np.float64)
    k = m.sums.shape[1]
    f, census, scale = stratum_factors(n, m.pop)
    # Centred cross-products: Σ (t - t̄)(t - t̄)ᵀ = Σ t tᵀ - s sᵀ / n
    safe_n = np.where(n > 0, n, 1.0)
    centred = m.cross - np.einsum("hi,hj->hij", m.sums, m.sums) / safe_n[:, None, None]
    _zero_cancellation_noise(centred, m.cross, n)
    per_stratum = centred * scale[:, None, None]
    lonely = lonely_strata(n, census, m.strata, lonely_psu)
    if lonely.size == 0:
        return np.asarray(per_stratum.sum(axis=0), dtype=np.float64)
    if lonely_psu in ("adjust", "adjust_zero"):
        # Centre the lonely PSU total t at the grand mean c = Σ t / (number of PSUs), or at
        # zero as survey 4.1.1 does ("adjust_zero").
        c = m.sums.sum(axis=0) / max(float(n.sum()), 1.0)
        if lonely_psu == "adjust_zero":
            c = np.zeros_like(c)
        t = m.sums[lonely] - c
        per_stratum[lonely] = np.einsum("hi,hj->hij", t, t) * (1.0 - f[lonely])[:, None, None]
    elif lonely_psu == "average":
        n_strata = int(np.count_nonzero(n > 0))
        n_ok = n_strata - lonely.size
        if n_ok == 0:
            return np.full((k, k), np.nan)
        return np.asarray(per_stratum.sum(axis=0) * n_strata / n_ok, dtype=np.float64)
    # "remove" and "certainty": the stratum contributes nothing.
    return np.asarray(per_stratum.sum(axis=0), dtype=np.float64)


def stratum_factors(n: FloatArray, pop: FloatArray) -> tuple[FloatArray, BoolArray, FloatArray]:
    """Per stratum: sampling fraction ``f``, census flag and the scale ``(1 - f) n / (n - 1)``.

    ``n`` PSUs sampled, ``pop`` PSUs in the population (``inf`` without fpc). R treats a
    stratum with sampling fraction 1 as self-representing: no variance. The scale is 0
    there and where ``n < 2``.
    """
    has_pop = np.isfinite(pop)
    f = np.where(has_pop, n / np.where(has_pop, pop, 1.0), 0.0)
    census = f > 1.0 - 1e-7
    ok = (n >= 2) & ~census
    scale = np.where(ok, (1.0 - f) * n / np.where(ok, n - 1.0, 1.0), 0.0)
    return f, census, scale


def lonely_strata(
    n: FloatArray, census: BoolArray, strata: tuple[Hashable, ...], lonely_psu: LonelyPSU
) -> IntArray:
    """Indices of the strata holding a single PSU; raises or warns as ``lonely_psu`` says."""
    lonely = np.flatnonzero((n == 1) & ~census)
    if lonely.size == 0:
        return lonely
    labels = [strata[h] for h in lonely]
    if lonely_psu == "fail":
        raise DesignError(
            f"stratum {labels[0]!r} has only one PSU, so its variance cannot be "
            f"estimated ({lonely.size} such strata: {labels[:5]!r}); choose "
            "lonely_psu='adjust', 'remove', 'certainty' or 'average', or give an fpc "
            "equal to 1 PSU if it was sampled with certainty"
        )
    if lonely_psu != "certainty":
        warnings.warn(
            f"{lonely.size} stratum(s) with a single PSU ({labels[:5]!r}) handled by "
            f"lonely_psu={lonely_psu!r}",
            DegenerateDataWarning,
            stacklevel=4,
        )
    return lonely


def srs_variance(z: npt.ArrayLike, weights: npt.ArrayLike) -> FloatArray:
    r"""Variance of ``Σ w z`` under simple random sampling of the same size (R ``deff``).

    The denominator of the design effect. With ``N = Σ w`` and ``n`` the rows of
    non-zero weight, R ``survey``'s ``deff=TRUE`` takes sampling without replacement
    from a population of ``N``:

    .. math::

        V_{srs} = N^2 \, s_w^2(z) \left(\frac{1}{n} - \frac{1}{N}\right), \qquad
        s_w^2(z) = \frac{n}{n - 1} \frac{\sum w (z - \bar z_w)^2}{\sum w}

    (``svyvar`` times ``(N - n) / (N n)``; for a mean ``z = (y - \bar y)/N`` gives
    ``svyvar(y) (N - n)/(N n)``). When ``N <= n`` (weights that are not expansion
    weights, e.g. no weights at all) the with-replacement form ``N^2 s_w^2 / n`` (R
    ``deff="replace"``) is used instead.

    Parameters
    ----------
    z : (n,) or (n, m) array
        Linearized values, one column per estimate.
    weights : (n,) or (n, m) array
        Sampling weights; a column per estimate for domains (zero outside the domain).

    Returns
    -------
    (m,) float array
        ``NaN`` where fewer than two rows have a non-zero weight.
    """
    zz = np.asarray(z, dtype=np.float64)
    if zz.ndim == 1:
        zz = zz[:, None]
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 1:
        w = np.broadcast_to(w[:, None], zz.shape)
    n = np.count_nonzero(w, axis=0).astype(np.float64)
    wz = w * zz
    return srs_variance_from_sums(n, w.sum(axis=0), wz.sum(axis=0), np.einsum("ij,ij->j", wz, zz))


def srs_variance_from_sums(
    n: FloatArray, total: FloatArray, sum_wz: FloatArray, sum_wzz: FloatArray
) -> FloatArray:
    """:func:`srs_variance` from its sums, one entry per column.

    ``n`` rows of non-zero weight, ``total = Σ w``, ``sum_wz = Σ w z``,
    ``sum_wzz = Σ w z²``: estimators that already hold these sums skip a pass.
    """
    safe_total = np.where(total > 0, total, 1.0)
    mean = sum_wz / safe_total
    # Σ w (z - z̄)² = Σ w z² - W z̄²
    ss = np.maximum(sum_wzz - total * mean * mean, 0.0)
    s2 = ss / safe_total * n / np.where(n > 1, n - 1.0, 1.0)
    safe_n = np.where(n > 0, n, 1.0)
    factor = np.where(total > n, 1.0 / safe_n - 1.0 / safe_total, 1.0 / safe_n)
    out = total * total * s2 * factor
    return np.asarray(np.where(n > 1, out, np.nan), dtype=np.float64)


def _zero_cancellation_noise(centred: FloatArray, cross: FloatArray, n: FloatArray) -> None:
    """Set to 0 the variances that are rounding residue of ``Σ t² - (Σ t)²/n``.

    When every PSU total in a stratum is equal the true centred sum of squares is 0, but
    the subtraction leaves noise of the order of ``n·eps·Σ t²``. Such a residue (and the
    covariances of that column) is set to exactly 0, so "no variance" is recognised as
    such and reported, instead of a standard error of 1e-16.
    """
    k = centred.shape[1]
    idx = np.arange(k)
    diag = centred[:, idx, idx]
    noise = (
        diag <= 8.0 * np.finfo(np.float64).eps * np.maximum(n, 1.0)[:, None] * cross[:, idx, idx]
    )
    if noise.any():
        h, j = np.nonzero(noise)
        centred[h, j, :] = 0.0
        centred[h, :, j] = 0.0


def standard_error(value: npt.ArrayLike, variance: npt.ArrayLike) -> FloatArray:
    """Standard errors from variances, with rounding residue recognised as zero.

    ``sqrt(variance)``; NaN where the variance is negative or NaN. A standard error below
    the rounding error of the estimate itself (``≤ 64·eps·|value|``) comes from influence
    values that cancel exactly in theory (e.g. every respondent with the same mean score)
    and is set to exactly 0, so zero variance is reported as such.
    """
    v = np.atleast_1d(np.asarray(variance, dtype=np.float64))
    x = np.atleast_1d(np.asarray(value, dtype=np.float64))
    with np.errstate(invalid="ignore"):
        se = np.where(v >= 0, np.sqrt(np.where(v >= 0, v, 0.0)), np.nan)
    tiny = se <= 64.0 * np.finfo(np.float64).eps * np.abs(x)
    return np.asarray(np.where(tiny, 0.0, se), dtype=np.float64)


def design_df(n_psu: int, n_strata: int) -> float:
    """Design degrees of freedom: PSUs minus strata (R ``degf``)."""
    return float(n_psu - n_strata)
