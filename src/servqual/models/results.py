"""Result values: :class:`Interval` and :class:`Estimate`.

An estimate is computed once and carries what is needed to recompute its interval at
another level without touching the data (its standard error, degrees of freedom and the
interval method), as R's ``confint(svystat, level, df)`` and scipy's
``BinomTestResult.proportion_ci`` do.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field, field_validator, model_validator

from servqual.models._base import FrozenModel
from servqual.models._trusted import built, paused_gc

__all__ = ["Estimate", "Interval", "many_estimates"]

_TABLE_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "level", "method", "n", "df")


class Interval(FrozenModel):
    """A two-sided confidence interval.

    Parameters
    ----------
    low, high : float
        The bounds, ``low <= high``. ``NaN`` bounds mean "no interval can be computed"
        and are only produced together with a :class:`~servqual.errors.DegenerateDataWarning`.
    level : float
        Confidence level in (0, 1), e.g. 0.95.
    method : str
        How the interval was computed: ``"t"``, ``"normal"``, ``"wilson"``, ``"logit"``, …

    Examples
    --------
    >>> import servqual as sq
    >>> ci = sq.Interval(low=70.5, high=79.5, level=0.95, method="t")
    >>> ci.width
    9.0
    >>> 75.0 in ci
    True
    """

    low: float
    high: float
    level: float = Field(gt=0.0, lt=1.0)
    method: str

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.low > self.high:
            raise ValueError(f"interval low {self.low!r} is above high {self.high!r}")
        return self

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, (int, float)):
            return False
        return self.low <= float(value) <= self.high


class Estimate(FrozenModel):
    """A point estimate with its standard error and confidence interval.

    Parameters
    ----------
    value : float
        The point estimate.
    se : float
        Its standard error (design-based where a design was given).
    ci : Interval
        The confidence interval.
    n : int
        Number of observations (respondents, rows) the estimate used.
    df : float or None
        Degrees of freedom of the t quantile used for ``ci``; ``None`` when a normal
        quantile was used.
    deff : float or None
        Design effect (design variance / variance under simple random sampling of the same
        size), where the estimator computes one.

    Examples
    --------
    Ten applicants rated a district office's counter service on 1–4; the mean is an
    estimate with a t interval on 9 degrees of freedom:

    >>> import servqual as sq
    >>> est = sq.mean_ci([3, 4, 3, 2, 4, 3, 3, 4, 2, 3])
    >>> round(est.value, 2), est.n, est.df
    (3.1, 10, 9.0)
    >>> wider = est.at_level(0.99)
    >>> wider.ci.width > est.ci.width
    True
    """

    value: float
    se: float  # >= 0, or NaN when no variance can be estimated (checked below)
    ci: Interval
    n: int = Field(ge=0)
    df: float | None = None
    deff: float | None = None

    @field_validator("se")
    @classmethod
    def _se_not_negative(cls, se: float) -> float:
        if se < 0:  # NaN passes: it is a signalled "no variance estimate"
            raise ValueError(f"standard error must be >= 0, got {se!r}")
        return se

    @property
    def level(self) -> float:
        """The confidence level of ``ci``."""
        return self.ci.level

    @property
    def n_eff(self) -> float | None:
        """Effective sample size ``n / deff`` (``None`` when no design effect is known)."""
        if self.deff is None or self.deff == 0 or math.isnan(self.deff):
            return None
        return self.n / self.deff

    def at_level(self, level: float) -> Estimate:
        """Return the same estimate with its interval recomputed at another level.

        Uses only ``value``, ``se``, ``df``, ``n`` and the interval method: no data.

        Parameters
        ----------
        level : float
            The new confidence level, in (0, 1).

        Raises
        ------
        servqual.errors.ParameterError
            If ``level`` is outside (0, 1), or the interval method cannot be recomputed
            without the data (bootstrap percentiles).
        """
        from servqual.stats.intervals import recompute_interval

        low, high = recompute_interval(self.ci.method, self.value, self.se, self.df, self.n, level)
        return self.model_copy(
            update={"ci": Interval(low=low, high=high, level=level, method=self.ci.method)}
        )

    def to_dict(self) -> dict[str, Any]:
        """One flat row with the columns ``estimate, se, ci_low, ci_high, level, method, n, df``."""
        row = (
            self.value,
            self.se,
            self.ci.low,
            self.ci.high,
            self.ci.level,
            self.ci.method,
            self.n,
            self.df,
        )
        return dict(zip(_TABLE_COLUMNS, row, strict=True))


def many_estimates(
    value: npt.ArrayLike,
    se: npt.ArrayLike,
    low: npt.ArrayLike,
    high: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    df: float | None,
    level: float,
    method: str,
    deff: npt.ArrayLike | None = None,
) -> list[Estimate]:
    """One :class:`Estimate` per position of the arrays (many domains at once).

    The constraints the models declare (``se >= 0`` or NaN, ``low <= high``, ``n >= 0``,
    ``0 < level < 1``) are checked over the whole arrays; when they hold, the models are
    built without per-object validation (:mod:`servqual.models._trusted`), equal to
    validated ones. Otherwise every model is validated, so the first offending value
    raises as it would alone. A NaN design effect becomes ``None``.
    """
    v = np.asarray(value, dtype=np.float64)
    s = np.asarray(se, dtype=np.float64)
    lo = np.asarray(low, dtype=np.float64)
    hi = np.asarray(high, dtype=np.float64)
    k = np.asarray(n).astype(np.int64)
    df_f = None if df is None else float(df)
    lev = float(level)
    deffs: list[float | None] = (
        [None] * v.shape[0]
        if deff is None
        else [None if d != d else d for d in np.asarray(deff, dtype=np.float64).tolist()]
    )
    valid = 0.0 < lev < 1.0 and not (np.any(lo > hi) or np.any(s < 0) or np.any(k < 0))
    if not valid:  # let validation name the first bad value
        rows = zip(v.tolist(), s.tolist(), lo.tolist(), hi.tolist(), k.tolist(), deffs, strict=True)
        return [
            Estimate(
                value=a,
                se=b,
                ci=Interval(low=c, high=d, level=lev, method=method),
                n=m,
                df=df_f,
                deff=e,
            )
            for a, b, c, d, m, e in rows
        ]
    with paused_gc():
        cis = built(
            Interval,
            (
                {"low": c, "high": d, "level": lev, "method": method}
                for c, d in zip(lo.tolist(), hi.tolist(), strict=True)
            ),
        )
        rows_e = zip(v.tolist(), s.tolist(), cis, k.tolist(), deffs, strict=True)
        return built(
            Estimate,
            (
                {"value": a, "se": b, "ci": ci, "n": m, "df": df_f, "deff": e}
                for a, b, ci, m, e in rows_e
            ),
        )
