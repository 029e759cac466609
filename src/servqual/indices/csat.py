r"""CSAT: share of top-box answers and mean satisfaction, with design-based intervals.

With survey weights ``w_i``, ``a_i = 1`` for an answer in the domain and
``t_i = 1`` when the answer is among the ``top`` highest levels,

.. math::

    \mathrm{CSAT} = 100 \frac{\sum_i w_i a_i t_i}{\sum_i w_i a_i}, \qquad
    z_i = 100 \frac{a_i (t_i - \mathrm{CSAT}/100)}{\sum_i w_i a_i},

a design proportion (R ``svyciprop(~I(x >= 4), design)``), its interval from
:mod:`servqual.stats.svyciprop` on the design's degrees of freedom.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from servqual.design._by import DomainKey
from servqual.design.comparisons import Comparison
from servqual.design.design import estimate_from_variance
from servqual.engines.responses import EngineResponses
from servqual.errors import ParameterError
from servqual.indices import _common as c
from servqual.instruments import CSAT as _CSAT
from servqual.models._base import FrozenModel
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate
from servqual.responses import Responses
from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.intervals import Bounds
from servqual.stats.percent import percent_interval
from servqual.stats.quantiles import check_level
from servqual.stats.svyciprop import SVY_PROPORTION_METHODS

__all__ = ["CSATResult", "csat", "csat_compare", "share_estimate"]

ShareMethod = Literal["logit", "xlogit", "asin", "beta", "wilson", "mean"]
FloatArray = npt.NDArray[np.float64]


class CSATResult(FrozenModel):
    """CSAT of one group.

    Parameters
    ----------
    top_box : Estimate
        Percent of answers in the top ``top`` levels (0–100).
    mean : Estimate
        Mean answer on the instrument's scale (t interval).
    top : int
        How many of the highest levels count as satisfied (2: 4 and 5 on 1–5).
    n : int
        Respondents who answered.

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.csat([5, 4, 4, 3, 5, 2, 4, 4, 5, 3, 4, 1])  # a passport office, 1–5
    >>> round(r.top_box.value, 1), r.top, r.n, round(r.mean.value, 2)
    (66.7, 2, 12, 3.67)
    """

    top_box: Estimate
    mean: Estimate
    top: int = Field(ge=1)
    n: int = Field(ge=0)


def check_share_method(method: str) -> ShareMethod:
    """Validate a proportion-interval method name."""
    if method not in SVY_PROPORTION_METHODS:
        raise ParameterError(
            f"method must be one of {list(SVY_PROPORTION_METHODS)}, got {method!r}"
        )
    return method  # type: ignore[return-value]  # narrowed by the membership test


def share_lin(
    values: FloatArray,
    hit: npt.NDArray[np.bool_],
    arrays: DesignArrays,
    mask: npt.NDArray[np.bool_],
) -> c.Lin:
    """Linearized percent share of ``hit`` among the answered rows of the domain."""
    indicator = np.where(np.isnan(values), np.nan, 100.0 * hit)
    means, z, counts = c.item_means(indicator[:, None], arrays, mask, ("share",))
    return c.Lin(float(means[0]), z[:, 0], int(counts[0]))


def share_estimate(lin: c.Lin, arrays: DesignArrays, level: float, method: ShareMethod) -> Estimate:
    """Percent share estimate with a design proportion interval (``"<method>_percent"``)."""
    var = float(linearized_variance(lin.z, arrays)[0])
    return share_from_variance(lin.value, var, lin.n, arrays.df, level, method)


def share_from_variance(
    value: float, var: float, n: int, df: float, level: float, method: ShareMethod
) -> Estimate:
    """:func:`share_estimate` from the share's value, variance and answer count."""
    est = estimate_from_variance(value, var, n=n, df=df, level=level, bounds=(0.0, 100.0))
    bounds = percent_interval(value, est.se, df, n, level, method)
    return c.interval_like(est, bounds, f"{method}_percent")


def mean_and_share(
    responses: Responses, values: FloatArray, hit: npt.NDArray[np.bool_], by: c.By
) -> tuple[list[DomainKey], c.DomainMeans, c.DomainMeans]:
    """Keys, the mean of ``values`` and the percent share of ``hit`` in every domain."""
    keys, groups, n_groups = c.grouping(responses.design, by)
    arrays = responses.design.arrays
    mean = c.domain_means(values, arrays, groups, n_groups, "mean")
    indicator = np.where(np.isnan(values), np.nan, 100.0 * hit)
    share = c.domain_means(indicator, arrays, groups, n_groups, "share")
    return keys, mean, share


def domain_mean_and_share(
    means: c.DomainMeans,
    shares: c.DomainMeans,
    j: int,
    df: float,
    level: float,
    scale: Bounds,
    method: ShareMethod,
) -> tuple[Estimate, Estimate, int]:
    """Domain ``j``'s mean (within ``scale``), its percent share and the share's answers."""
    n = int(shares.n[j])
    mean = estimate_from_variance(
        float(means.value[j]),
        float(means.variance[j]),
        n=int(means.n[j]),
        df=df,
        level=level,
        bounds=scale,
    )
    share = share_from_variance(
        float(shares.value[j]), float(shares.variance[j]), n, df, level, method
    )
    return mean, share, n


def _top(top: int, responses: Responses) -> int:
    levels = responses.instrument.scale.levels
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top < levels:
        raise ParameterError(f"top must be an integer from 1 to {levels - 1}, got {top!r}")
    return top


def csat(
    scores: Responses | npt.ArrayLike,
    *,
    top: int = 2,
    level: float = 0.95,
    method: ShareMethod = "logit",
    by: str | Sequence[str] | None = None,
    item: str | None = None,
) -> CSATResult | DomainResults[CSATResult]:
    r"""Customer satisfaction: top-``k`` box share (percent) and mean answer.

    Parameters
    ----------
    scores : Responses or 1-D array-like
        1–5 answers: a :class:`~servqual.Responses` (any design) or a plain sequence
        (a simple random sample; ``None``/NaN = no answer).
    top : int
        Number of highest levels counted as satisfied (2: answers 4 and 5).
    level : float
        Confidence level, in (0, 1).
    method : {"logit", "xlogit", "asin", "beta", "wilson", "mean"}
        Interval of the share, as R's ``svyciprop`` (``"mean"``: the plain t interval).
    by : str or list of str, optional
        A respondent attribute column: one result per group.
        Several columns: one result per combination, keyed by a tuple of strings.
    item : str, optional
        The item to use when the instrument has several.

    Returns
    -------
    CSATResult or dict of str (or tuple of str) to CSATResult

    Raises
    ------
    servqual.errors.ScaleError
        An answer outside the scale or not an integer; an instrument not on 1–5.
    servqual.errors.ParameterError
        ``top`` outside 1 … levels − 1, an unknown method, a bad level.

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        When the share is 0 or 100 % (the interval is then Clopper–Pearson on ``n``).

    Notes
    -----
    ``CSAT = 100 · Σ w a t / Σ w a`` (see the module docstring); the mean is the design
    mean of the answers, ``t`` interval on the design df.

    Examples
    --------
    A passport office asked 12 visitors how satisfied they were (1–5):

    >>> import servqual as sq
    >>> r = sq.csat([5, 4, 4, 3, 5, 2, 4, 4, 5, 3, 4, 1])
    >>> round(r.top_box.value, 1), round(r.mean.value, 2)  # 8 of 12 answered 4 or 5
    (66.7, 3.67)
    >>> round(r.top_box.ci.low, 1), round(r.top_box.ci.high, 1)
    (32.9, 89.1)
    """
    level = check_level(level)
    method = check_share_method(method)
    if isinstance(scores, EngineResponses):  # the rows stay in their engine
        from servqual.engines.single import engine_mean_and_share

        top = _top(top, scores)
        cut = scores.instrument.scale.max - top + 1
        keys, means, shares, df = engine_mean_and_share(scores, item, lambda v: v >= cut, by)
        scale = c.scale_range(scores.instrument.scale)
    else:
        responses, values = c.single_item(scores, _CSAT, item, "CSAT", same_scale=False)
        top = _top(top, responses)
        hit = values >= responses.instrument.scale.max - top + 1
        df = responses.design.df
        scale = c.scale_range(responses.instrument.scale)
        keys, means, shares = mean_and_share(responses, values, hit, by)
    out: dict[DomainKey, CSATResult] = {}
    for j, key in enumerate(keys):  # loop over domains: results only, no pass over rows
        mean, top_box, n = domain_mean_and_share(means, shares, j, df, level, scale, method)
        out[key] = CSATResult(top_box=top_box, mean=mean, top=top, n=n)
    return DomainResults(out, by=by) if by is not None else out["all"]


def csat_compare(
    scores: Responses | npt.ArrayLike,
    other: Responses | npt.ArrayLike | None = None,
    *,
    by: str | None = None,
    groups: tuple[str, str] | None = None,
    top: int = 2,
    level: float = 0.95,
    item: str | None = None,
) -> Comparison:
    """Difference in top-box CSAT (percentage points) between two groups or two waves.

    Groups (``by=`` and ``groups=(a, b)``): linearization on the full design, t on the
    design df. Waves (``other``): independent samples, Welch–Satterthwaite df.

    Examples
    --------
    >>> import servqual as sq
    >>> d = sq.csat_compare([5, 4, 4, 3, 5, 2, 4, 4], [3, 2, 4, 3, 5, 2, 3, 1])
    >>> round(d.difference.value, 1), 0.0 <= d.p_value <= 1.0
    (50.0, True)
    """

    def lin_of(responses: Responses, mask: npt.NDArray[np.bool_]) -> c.Lin:
        _, values = c.single_item(responses, _CSAT, item, "CSAT", same_scale=False)
        t = _top(top, responses)
        hit = values >= responses.instrument.scale.max - t + 1
        return share_lin(values, hit, responses.design.arrays, mask)

    def estimate_of(lin: c.Lin, arrays: DesignArrays) -> Estimate:
        return share_estimate(lin, arrays, level, "logit")

    first, second = c.single_item_waves(scores, other, _CSAT, item, "CSAT", same_scale=False)
    return c.compare(
        lin_of, first, second, by=by, groups=groups, level=level, estimate_of=estimate_of
    )
