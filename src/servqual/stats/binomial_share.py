r"""Shares of independent yes/no records, vectorized: value, standard error, Wilson interval.

For ``x`` successes in ``n`` records taken as independent trials (a register of
applications read as a realisation of the office's process), the share is
:math:`\hat p = x / n` with the binomial standard error :math:`\sqrt{\hat p(1-\hat p)/n}`
and Wilson's score interval (:mod:`servqual.stats.proportion`). An interval with
``method="wilson"`` and ``df=None`` recomputes at another level through
:mod:`servqual.stats.svyciprop`, which gives the same classical Wilson interval from
``(p, se, n)`` (at ``p`` = 0 or 1 it switches to Clopper–Pearson with a warning).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.stats.proportion import proportion_interval

__all__ = ["binomial_shares"]

FloatArray = npt.NDArray[np.float64]


def binomial_shares(
    x: npt.ArrayLike, n: npt.ArrayLike, level: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``(p, se, low, high)`` for each ``x / n`` (``n > 0``; not validated here).

    Examples
    --------
    >>> p, se, low, high = binomial_shares([7], [10], 0.95)
    >>> float(p[0]), round(float(se[0]), 4), round(float(low[0]), 4), round(float(high[0]), 4)
    (0.7, 0.1449, 0.3968, 0.8922)
    """
    xx = np.asarray(x, dtype=np.float64)
    nn = np.asarray(n, dtype=np.float64)
    p = xx / nn
    se = np.sqrt(p * (1.0 - p) / nn)
    low, high = proportion_interval(xx, nn, level=level, method="wilson")
    return p, se, low, high
