r"""Feldt's confidence interval for Cronbach's alpha, and alpha's asymptotic variance.

Feldt (1965; Feldt, Woodruff & Salih 1987): with ``n`` respondents and ``k`` items,
``(1 - α) / (1 - α̂)`` follows an F distribution on ``n − 1`` and ``(n − 1)(k − 1)``
degrees of freedom, so

.. math::

    [\,1 - (1 - \hat\alpha) F^{-1}_{1-a/2},\; 1 - (1 - \hat\alpha) F^{-1}_{a/2}\,],
    \qquad a = 1 - \text{level},

the interval ``psych::alpha.ci`` and pingouin report.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.errors import DegenerateDataWarning, InsufficientDataError
from servqual.stats.intervals import register_interval
from servqual.stats.quantiles import check_level

__all__ = ["alpha_asymptotic_se", "feldt_interval"]


def feldt_interval(alpha: float, n: int, k: int, level: float) -> tuple[float, float]:
    """Feldt interval for Cronbach's alpha from ``n`` respondents and ``k`` items.

    Examples
    --------
    >>> low, high = feldt_interval(0.7918895950782194, 50, 4, 0.95)
    >>> round(low, 6), round(high, 6)  # R: psych::alpha(X)$feldt
    (0.678605, 0.872288)
    """
    level = check_level(level)
    if n < 2 or k < 2:
        raise InsufficientDataError(
            f"a Feldt interval needs at least 2 respondents and 2 items, got n={n}, k={k}"
        )
    return _feldt(alpha, float(n - 1), float((n - 1) * (k - 1)), level)


def _feldt(alpha: float, df1: float, df2: float, level: float) -> tuple[float, float]:
    a = 1.0 - level
    f_high = float(special.fdtri(df1, df2, 1.0 - a / 2.0))
    f_low = float(special.fdtri(df1, df2, a / 2.0))
    return (1.0 - (1.0 - alpha) * f_high, 1.0 - (1.0 - alpha) * f_low)


def _feldt_from_summary(
    value: float, se: float, df: float | None, n: int, level: float
) -> tuple[float, float]:
    # An alpha Estimate stores the F denominator degrees of freedom (n − 1)(k − 1) as df.
    if df is None or n < 2:
        return (math.nan, math.nan)
    return _feldt(value, float(n - 1), float(df), level)


register_interval("feldt", _feldt_from_summary)


def alpha_asymptotic_se(cov: npt.ArrayLike, n: int) -> float:
    r"""Asymptotic standard error of alpha (Duhachek & Iacobucci 2004; ``psych``'s ``ase``).

    With ``C`` the (k × k) item covariance matrix, ``j`` a vector of ones,

    .. math::

        Q = \frac{2k^2}{(k-1)^2 (j^\top C j)^3}
            \left[ j^\top C j\,(\mathrm{tr}\,C^2 + (\mathrm{tr}\,C)^2)
                   - 2\,\mathrm{tr}\,C\; j^\top C^2 j \right],
        \qquad \mathrm{se} = \sqrt{Q / n}.
    """
    c = np.asarray(cov, dtype=np.float64)
    k = c.shape[0]
    total = float(c.sum())
    c2 = c @ c
    tr = float(np.trace(c))
    positive = total * (float(np.trace(c2)) + tr**2)
    bracket = positive - 2.0 * tr * float(c2.sum())
    # Q is a variance (>= 0); a bracket that is 0 in exact arithmetic (it is for the
    # answers [1, 1], [1, 1], [2, 4]) can round to a tiny negative number
    if -1e-9 * abs(positive) <= bracket < 0:
        bracket = 0.0
    q = (2.0 * k**2 / ((k - 1) ** 2 * total**3)) * bracket
    if not q >= 0:
        warnings.warn(
            f"the asymptotic variance of alpha is {q:g} (not a variance): its standard "
            "error is NaN; the Feldt interval does not use it",
            DegenerateDataWarning,
            stacklevel=3,
        )
        return math.nan
    return math.sqrt(q / n)
