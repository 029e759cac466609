r"""Reliability coefficients from an item covariance matrix (psych ``alpha``, ``fa``).

Everything here takes the (k × k) covariance matrix ``C`` (and its correlation matrix
``R``), so the same formulas serve complete data, listwise and pairwise deletion:

- raw alpha ``k/(k−1) (1 − tr C / 1ᵀC1)``; standardized alpha the same on ``R``;
- alpha if item ``j`` is dropped: alpha of ``C`` without row and column ``j``, for every
  ``j`` at once (``tr`` and ``1ᵀC1`` of the reduced matrix are rank-one updates);
- corrected item–total correlation (psych ``r.drop``)
  ``r_j = (Σ_l C_jl − C_jj) / sqrt(C_jj · 1ᵀC_{−j}1)``;
- McDonald's omega total from a one-factor minimum-residual model of ``R``:
  ``ω = (Σλ)² / ((Σλ)² + Σ(1 − λ²))``.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt

from servqual.errors import ConvergenceError, DegenerateDataWarning

__all__ = [
    "alpha_from_cov",
    "alpha_if_dropped",
    "correlation",
    "omega_total",
    "one_factor_minres",
    "r_drop",
]

FloatArray = npt.NDArray[np.float64]

_MAX_COMMUNALITY = 0.995
"""Communalities stay at or below this (psych's lower bound of 0.005 on uniquenesses)."""


def alpha_from_cov(cov: FloatArray) -> float:
    """Cronbach's alpha of the items with covariance (or correlation) matrix ``cov``.

    Examples
    --------
    >>> import numpy as np
    >>> round(alpha_from_cov(np.array([[1.0, 0.5], [0.5, 1.0]])), 4)  # 2·0.5/(1 + 0.5)
    0.6667
    """
    k = cov.shape[0]
    return float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))


def alpha_if_dropped(cov: FloatArray) -> FloatArray:
    """Alpha of the other ``k − 1`` items, for each item (NaN when ``k < 3``)."""
    k = cov.shape[0]
    if k < 3:
        return np.full(k, np.nan)
    diag = np.diagonal(cov)
    tr = float(np.trace(cov)) - diag
    total = float(cov.sum()) - 2.0 * cov.sum(axis=1) + diag
    return np.asarray((k - 1) / (k - 2) * (1.0 - tr / total), dtype=np.float64)


def r_drop(cov: FloatArray) -> FloatArray:
    """Correlation of each item with the sum of the others, from the covariances."""
    diag = np.diagonal(cov)
    rest_var = float(cov.sum()) - 2.0 * cov.sum(axis=1) + diag
    return np.asarray((cov.sum(axis=1) - diag) / np.sqrt(diag * rest_var), dtype=np.float64)


def correlation(cov: FloatArray) -> FloatArray:
    """The correlation matrix of a covariance matrix (R ``cov2cor``)."""
    sd = np.sqrt(np.diagonal(cov))
    return np.asarray(cov / np.outer(sd, sd), dtype=np.float64)


def one_factor_minres(
    corr: FloatArray, *, tol: float = 1e-12, max_iter: int = 10_000
) -> FloatArray:
    r"""Loadings of a one-factor minimum-residual (unweighted least squares) model.

    Iterated principal axes: start from the squared multiple correlations, put the
    communalities on the diagonal, take the leading eigenpair ``(v, u)``, set
    ``λ = u √v`` and the communalities to ``λ²``, until they stop changing. The fixed
    point minimises ``Σ_{a≠b} (r_ab − λ_a λ_b)²``, psych's ``fa(fm = "minres")``
    criterion. The sign is chosen so that the loadings sum to a positive number.
    Communalities are kept at or below 0.995 (psych bounds uniquenesses at 0.005); when
    one reaches the bound (a Heywood case) a
    :class:`~servqual.errors.DegenerateDataWarning` says so.

    Raises
    ------
    servqual.errors.ConvergenceError
        If the communalities have not settled after ``max_iter`` steps.
    """
    r = corr.copy()
    h2 = np.clip(1.0 - 1.0 / np.diagonal(np.linalg.inv(corr)), 0.0, _MAX_COMMUNALITY)
    moved = np.inf
    for _ in range(max_iter):
        np.fill_diagonal(r, h2)
        values, vectors = np.linalg.eigh(r)
        lam: FloatArray = vectors[:, -1] * np.sqrt(max(float(values[-1]), 0.0))
        new = np.clip(lam**2, 0.0, _MAX_COMMUNALITY)
        moved = float(np.max(np.abs(new - h2)))
        h2 = new
        if moved < tol:
            if (h2 >= _MAX_COMMUNALITY).any():
                warnings.warn(
                    "one-factor model: a communality reached its bound "
                    f"{_MAX_COMMUNALITY} (a Heywood case, as psych bounds uniquenesses at "
                    "0.005); omega is computed at the bound",
                    DegenerateDataWarning,
                    stacklevel=3,
                )
            lam = np.sign(lam) * np.sqrt(h2)
            return lam if float(lam.sum()) >= 0 else np.negative(lam)
    raise ConvergenceError(
        f"the one-factor model did not converge in {max_iter} iterations "
        f"(communalities still moving by {moved:.3g})"
    )


def omega_total(loadings: FloatArray) -> float:
    """McDonald's omega total ``(Σλ)² / ((Σλ)² + Σ(1 − λ²))`` of standardized loadings."""
    common = float(loadings.sum()) ** 2
    return common / (common + float((1.0 - loadings**2).sum()))
