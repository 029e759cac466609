r"""One-way random-effects intraclass correlation, ICC(1), with its F interval.

For ``g`` groups (interviewers) with ``n_i`` observations each, ``N = Σ n_i``, the one-way
ANOVA mean squares ``MSB`` (between, ``g − 1`` df) and ``MSW`` (within, ``N − g`` df), and
``n₀ = (N − Σ n_i² / N) / (g − 1)`` (``n₀ = n`` when balanced):

.. math::

    \rho = \frac{MSB - MSW}{MSB + (n_0 - 1) MSW}, \qquad F = MSB / MSW,

with the interval of Shrout & Fleiss (1979, ICC(1,1)); McGraw & Wong (1996, case 1):
``F_L = F / F_{1−a/2}(g−1, N−g)``, ``F_U = F · F_{1−a/2}(N−g, g−1)``,
``[(F_L − 1)/(F_L + n₀ − 1), (F_U − 1)/(F_U + n₀ − 1)]`` — R's ``psych::ICC`` ("ICC1")
when balanced; with unequal group sizes ``n₀`` replaces ``n`` (an approximation; Donner
1986). The sums are ``np.bincount`` over group codes: one pass, memory of ``g``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = ["OneWayICC", "one_way_icc"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class OneWayICC:
    """ICC(1) with its F interval and the ANOVA it comes from."""

    icc: float
    low: float
    high: float
    f_statistic: float
    df1: float
    df2: float
    p_value: float
    msb: float
    msw: float
    n0: float


def one_way_icc(
    y: FloatArray, groups: npt.NDArray[np.intp], n_groups: int, level: float
) -> OneWayICC:
    """ICC(1) of ``y`` grouped by ``groups`` (codes ``0 … n_groups − 1``, each non-empty).

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([3.0, 3.2, 2.9, 3.8, 3.9, 3.6])
    >>> r = one_way_icc(y, np.array([0, 0, 0, 1, 1, 1]), 2, 0.95)
    >>> round(r.icc, 4), r.df1, r.df2  # R: psych::ICC(matrix(y, 2, byrow = TRUE))
    (0.918, 1.0, 4.0)
    """
    sizes = np.bincount(groups, minlength=n_groups).astype(np.float64)
    total = float(sizes.sum())
    centre = float(y.mean())
    d = y - centre  # shifted: the sums of squares do not lose digits
    sums = np.bincount(groups, weights=d, minlength=n_groups)
    ss_total = float(d @ d)
    ss_between = float((sums**2 / sizes).sum()) - float(d.sum()) ** 2 / total
    df1, df2 = float(n_groups - 1), float(total - n_groups)
    msb = ss_between / df1
    msw = (ss_total - ss_between) / df2
    n0 = (total - float((sizes**2).sum()) / total) / df1
    f = msb / msw if msw > 0 else np.inf
    icc = (msb - msw) / (msb + (n0 - 1.0) * msw)
    a = 1.0 - level
    f_low = f / float(special.fdtri(df1, df2, 1.0 - a / 2.0))
    f_high = f * float(special.fdtri(df2, df1, 1.0 - a / 2.0))
    return OneWayICC(
        icc=icc,
        low=(f_low - 1.0) / (f_low + n0 - 1.0),
        high=(f_high - 1.0) / (f_high + n0 - 1.0),
        f_statistic=f,
        df1=df1,
        df2=df2,
        p_value=float(special.fdtrc(df1, df2, f)),
        msb=msb,
        msw=msw,
        n0=n0,
    )
