"""The full reliability table of a scale, psych-style, in one call."""

from __future__ import annotations

import numpy.typing as npt

from servqual.models._base import FrozenModel
from servqual.models.results import Estimate
from servqual.reliability._input import check_missing, matrix, moments
from servqual.reliability.alpha import feldt_alpha
from servqual.reliability.items import ItemTotal, item_rows
from servqual.responses import Responses
from servqual.stats.alpha import alpha_from_cov, correlation, omega_total, one_factor_minres
from servqual.stats.item_covariance import MissingRule
from servqual.stats.quantiles import check_level

__all__ = ["ReliabilityTable", "reliability_table"]


class ReliabilityTable(FrozenModel):
    """Alpha, standardized alpha, omega and the item table of one scale.

    Parameters
    ----------
    alpha : Estimate
        Cronbach's alpha with Feldt's interval (see :func:`servqual.cronbach_alpha`).
    std_alpha : float
        Standardized alpha: alpha of the item correlation matrix (psych ``std.alpha``).
    omega_total : float
        McDonald's omega total from a one-factor minimum-residual model of the item
        correlations.
    loadings : tuple of float
        The standardized one-factor loadings, in item order.
    items : tuple of ItemTotal
        Corrected item–total r with its test, interval, critical r and validity, and
        alpha if the item is dropped.
    missing : str
        ``"listwise"`` or ``"pairwise"``.

    Examples
    --------
    A district office asked 8 clients five courtesy items (1–5):

    >>> import servqual as sq
    >>> rows = [[4, 5, 4, 4, 5], [3, 3, 4, 3, 3], [5, 5, 5, 4, 5], [2, 3, 2, 2, 3],
    ...         [4, 4, 3, 4, 4], [3, 4, 4, 3, 3], [2, 2, 3, 2, 1], [5, 4, 5, 5, 4]]
    >>> t = sq.reliability_table(rows)
    >>> round(t.alpha.value, 3), round(t.std_alpha, 3), round(t.omega_total, 3)
    (0.943, 0.945, 0.947)
    >>> [i.id for i in t.items if not i.valid]
    []
    """

    alpha: Estimate
    std_alpha: float
    omega_total: float
    loadings: tuple[float, ...]
    items: tuple[ItemTotal, ...]
    missing: str


def reliability_table(
    data: Responses | npt.ArrayLike,
    *,
    level: float = 0.95,
    missing: MissingRule = "listwise",
) -> ReliabilityTable:
    r"""Every reliability figure of a scale: alpha, standardized alpha, omega, item table.

    Parameters
    ----------
    data : Responses or 2-D array-like
        Answers (respondents × items); ``None``/NaN = missing. Reverse-scored items of a
        Responses are flipped first.
    level : float
        Confidence level of the intervals.
    missing : {"listwise", "pairwise"}
        As in :func:`servqual.cronbach_alpha` (``"pairwise"`` is psych's default).

    Returns
    -------
    ReliabilityTable

    Raises
    ------
    servqual.errors.InsufficientDataError, servqual.errors.ZeroVarianceError
        As :func:`servqual.cronbach_alpha` raises them.
    servqual.errors.ConvergenceError
        The one-factor model for omega did not converge.

    Notes
    -----
    Omega total is ``(Σλ)² / ((Σλ)² + Σ(1 − λ²))`` with ``λ`` the loadings of a
    one-factor minimum-residual model (psych ``fa(r, 1, fm = "minres")``; the
    correlations are pairwise under ``missing="pairwise"``, R's
    ``cor(x, use = "pairwise")``). ``psych::omega(x, nfactors = 1)`` prints a slightly
    different number because it refits the factor inside a Schmid–Leiman step; the
    loadings here match ``fa`` to its optimizer's tolerance.

    Examples
    --------
    The bundled demo survey: 400 applicants answered the nine SKM elements:

    >>> import servqual as sq
    >>> t = sq.reliability_table(sq.data.load_demo(), missing="pairwise")
    >>> t.alpha.n, len(t.items), t.missing
    (400, 9, 'pairwise')
    >>> 0 < t.alpha.value < t.omega_total < 1
    True
    """
    level = check_level(level)
    rule = check_missing(missing)
    x, ids = matrix(data)
    m = moments(x, ids, rule)
    loadings = one_factor_minres(m.corr)
    return ReliabilityTable(
        alpha=feldt_alpha(m, level),
        std_alpha=alpha_from_cov(correlation(m.cov)),
        omega_total=omega_total(loadings),
        loadings=tuple(float(v) for v in loadings),
        items=item_rows(m, ids, level),
        missing=rule,
    )
