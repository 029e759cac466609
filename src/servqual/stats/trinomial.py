r"""Net Promoter Score intervals: the trinomial variance and (adjusted) Wald bounds.

With shares ``p₊`` (promoters) and ``p₋`` (detractors), one answer scored +1/0/−1 has
variance ``(p₊ + p₋) − (p₊ − p₋)²`` (the textbook, divisor-``n`` form). Rocks (2016)
recommends the *adjusted Wald* interval: add 3 pseudo-observations (¾ detractor, 1½
passive, ¾ promoter), recompute the shares and that variance on the augmented counts and
use ``ñ = n + 3``. The pseudo-observations add ¾ − ¾ = 0 to the score total, so the
adjusted centre is ``NPS · n / (n + 3)``. Both intervals use the normal quantile and are
clipped to the range of the score, [−100, 100].
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.stats.intervals import register_interval, symmetric_interval

__all__ = [
    "PSEUDO_DETRACTORS",
    "PSEUDO_PASSIVES",
    "PSEUDO_PROMOTERS",
    "adjusted_shares",
    "adjusted_wald_interval",
    "trinomial_variance",
    "wald_interval",
]

PSEUDO_DETRACTORS = 0.75
PSEUDO_PASSIVES = 1.5
PSEUDO_PROMOTERS = 0.75
_PSEUDO = PSEUDO_DETRACTORS + PSEUDO_PASSIVES + PSEUDO_PROMOTERS
_LIMIT = 100.0


def trinomial_variance(
    p_promoters: npt.ArrayLike, p_detractors: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Variance of one +1/0/−1 answer, ``(p₊ + p₋) − (p₊ − p₋)²`` (on the −1…1 scale).

    Examples
    --------
    >>> float(trinomial_variance(0.5, 0.2))  # 0.7 - 0.09
    0.61
    """
    pp = np.asarray(p_promoters, dtype=np.float64)
    pd = np.asarray(p_detractors, dtype=np.float64)
    return np.asarray(np.maximum((pp + pd) - (pp - pd) ** 2, 0.0), dtype=np.float64)


def adjusted_shares(
    p_promoters: float, p_detractors: float, n: float
) -> tuple[float, float, float]:
    """Shares after adding Rocks' pseudo-observations: ``(p̃₊, p̃₋, ñ)``, ``ñ = n + 3``."""
    n_tilde = n + _PSEUDO
    return (
        (p_promoters * n + PSEUDO_PROMOTERS) / n_tilde,
        (p_detractors * n + PSEUDO_DETRACTORS) / n_tilde,
        n_tilde,
    )


def _clip(bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = bounds
    return (min(max(low, -_LIMIT), _LIMIT), min(max(high, -_LIMIT), _LIMIT))


def wald_interval(
    value: float, se: float, df: float | None, n: int, level: float
) -> tuple[float, float]:
    """``value ± z·se`` clipped to [−100, 100] (NPS on the −100…100 scale)."""
    return _clip(symmetric_interval(value, se, None, level))


def adjusted_wald_interval(
    value: float, se: float, df: float | None, n: int, level: float
) -> tuple[float, float]:
    """Adjusted-Wald bounds: ``value·n/(n+3) ± z·se`` clipped to [−100, 100].

    ``value`` is the observed NPS and ``se`` the adjusted standard error
    ``√(Var(p̃₊, p̃₋)/ñ)`` (times the design effect under a complex design). The centre
    is shrunk towards 0, so in a small sample at ±100 (or at a tiny level) the interval
    could exclude the observed NPS; it is then extended to reach it (only ever wider,
    so the coverage cannot fall).

    Examples
    --------
    >>> low, high = adjusted_wald_interval(30.0, 7.691510421814757, None, 100, 0.95)
    >>> round(low, 4), round(high, 4)  # indices.json: NPS 20/30/50, adjusted Wald
    (14.0511, 44.2013)
    """
    centre = value * n / (n + _PSEUDO)
    low, high = _clip(symmetric_interval(centre, se, None, level))
    return (min(low, value), max(high, value))


register_interval("wald", wald_interval)
register_interval("adjusted_wald", adjusted_wald_interval)
