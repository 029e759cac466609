r"""Net Promoter Score with an honest interval.

Answers 0–10: detractors 0–6 (score −100), passives 7–8 (0), promoters 9–10 (+100). With
survey weights and ``a_i = 1`` for an answer in the domain,

.. math::

    \mathrm{NPS} = \frac{\sum_i w_i a_i y_i}{\sum_i w_i a_i} = 100\,(p_+ - p_-),
    \qquad z_i = \frac{a_i (y_i - \mathrm{NPS})}{\sum_i w_i a_i}.

**Divisor.** The NPS literature (and R's ``NPS`` package) uses the textbook trinomial
standard error ``√(Var/n)``, ``Var = (p₊ + p₋) − (p₊ − p₋)²``; R ``survey``'s ``svymean``
uses ``n − 1``. servqual reports the textbook divisor ``n``: the design variance of
``Σ w z`` from the numeric core is multiplied by ``(n − 1)/n`` (``n`` = rows of the
design). Under simple random sampling this is exactly ``Var/n``; under a complex design
it is the design variance on the same footing, and ``deff`` is its ratio to ``Var/n``.
Group and wave comparisons (:func:`nps_compare`) use the design variance as R does.
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
from servqual.instruments import NPS as _NPS_INSTRUMENT
from servqual.models._base import FrozenModel
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate, Interval
from servqual.responses import Responses
from servqual.stats.bootstrap import BootstrapResult, bootstrap_totals, check_resamplable
from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.quantiles import check_level
from servqual.stats.trinomial import (
    adjusted_shares,
    adjusted_wald_interval,
    trinomial_variance,
    wald_interval,
)

__all__ = ["NPSResult", "nps", "nps_compare"]

Method = Literal["adjusted_wald", "wald", "bootstrap"]
_METHODS = ("adjusted_wald", "wald", "bootstrap")
FloatArray = npt.NDArray[np.float64]


class NPSResult(FrozenModel):
    """Net Promoter Score of one group.

    Parameters
    ----------
    nps : Estimate
        NPS on −100…100; ``ci`` by the chosen method (clipped to [−100, 100]); ``se`` is
        the standard error that interval uses (for ``"adjusted_wald"`` the adjusted one).
    promoters, passives, detractors : float
        Weighted shares in percent (summing to 100).
    trinomial_variance : float
        Variance of one answer on the −1…1 scale, ``(p₊ + p₋) − (p₊ − p₋)²``.
    n : int
        Respondents who answered.
    method : str
        The interval method.

    Examples
    --------
    Twenty citizens said how likely they are to recommend the online licensing portal:

    >>> import servqual as sq
    >>> r = sq.nps([10] * 5 + [9] * 3 + [8] * 4 + [7] * 2 + [5] * 3 + [2] * 3)
    >>> round(r.nps.value, 1), r.promoters, r.passives, r.detractors, r.n
    (10.0, 40.0, 30.0, 30.0, 20)
    """

    nps: Estimate
    promoters: float = Field(ge=0.0, le=100.0)
    passives: float = Field(ge=0.0, le=100.0)
    detractors: float = Field(ge=0.0, le=100.0)
    trinomial_variance: float = Field(ge=0.0)
    n: int = Field(ge=0)
    method: str


_RANGE = (-100.0, 100.0)
"""An NPS lies between −100 (all detractors) and 100 (all promoters)."""


def _scores(values: FloatArray) -> FloatArray:
    """+100 / 0 / −100 per answer (NaN stays NaN)."""
    return np.where(values >= 9, 100.0, np.where(values >= 7, 0.0, -100.0)) * np.where(
        np.isnan(values), np.nan, 1.0
    )


def _lin(y: FloatArray, arrays: DesignArrays, mask: npt.NDArray[np.bool_], group: str) -> c.Lin:
    means, z, counts = c.item_means(y[:, None], arrays, mask, (group,))
    return c.Lin(float(means[0]), z[:, 0], int(counts[0]))


def _textbook_variance(lin: c.Lin, arrays: DesignArrays) -> float:
    """Design variance of the NPS times ``(n − 1)/n``: the textbook divisor (see module)."""
    n_rows = arrays.n
    return float(linearized_variance(lin.z, arrays)[0]) * (n_rows - 1) / n_rows


def _domain_shares(
    y: FloatArray, w: FloatArray, groups: npt.NDArray[np.intp], n_groups: int
) -> tuple[FloatArray, FloatArray]:
    """Weighted shares of promoters and detractors among each domain's answers."""
    g = np.where(np.isnan(y), n_groups, groups)
    total = np.bincount(g, weights=w, minlength=n_groups + 1)[:n_groups]
    pro = np.bincount(g, weights=w * (y > 0), minlength=n_groups + 1)[:n_groups]
    det = np.bincount(g, weights=w * (y < 0), minlength=n_groups + 1)[:n_groups]
    return pro / total, det / total


def _estimate(
    lin: c.Lin, shares: tuple[float, float], v_text: float, method: Method, level: float
) -> Estimate:
    """The NPS estimate from its value, shares and textbook-divisor variance ``v_text``."""
    p_pro, p_det = shares
    v_srs = 1e4 * float(trinomial_variance(p_pro, p_det)) / lin.n
    deff = v_text / v_srs if v_srs > 0 else 1.0
    if method == "wald":
        est = estimate_from_variance(
            lin.value, v_text, n=lin.n, df=None, level=level, deff=deff, bounds=_RANGE
        )
        return c.interval_like(est, wald_interval(est.value, est.se, None, lin.n, level), "wald")
    pa, da, n_tilde = adjusted_shares(p_pro, p_det, lin.n)
    var = 1e4 * deff * float(trinomial_variance(pa, da)) / n_tilde
    est = estimate_from_variance(
        lin.value, var, n=lin.n, df=None, level=level, deff=deff, bounds=_RANGE
    )
    bounds = adjusted_wald_interval(lin.value, est.se, None, lin.n, level)
    return c.interval_like(est, bounds, "adjusted_wald")


def _bootstrap(
    y: FloatArray,
    arrays: DesignArrays,
    mask: npt.NDArray[np.bool_],
    lin: c.Lin,
    level: float,
    n_resamples: int,
    seed: int | np.random.Generator | None,
) -> Estimate:
    check_resamplable(arrays, instead="method='adjusted_wald' or 'wald'")
    use = mask & ~np.isnan(y)
    w = arrays.weights * use
    values = np.column_stack([w * np.where(use, y, 0.0), w])

    def statistic(totals: FloatArray) -> FloatArray:
        t = np.asarray(totals, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(t[..., 0] / t[..., 1], dtype=np.float64)

    strata = arrays.stratum_codes if len(arrays.strata) > 1 else None
    res = bootstrap_totals(
        values,
        strata=strata,
        statistic=statistic,
        n_resamples=n_resamples,
        level=level,
        method="percentile",
        seed=seed,
    )
    return _boot_estimate(res, lin, level)


def _boot_estimate(res: BootstrapResult, lin: c.Lin, level: float) -> Estimate:
    ci = Interval(
        low=float(res.low), high=float(res.high), level=level, method="bootstrap_percentile"
    )
    return Estimate(value=lin.value, se=float(res.se), ci=ci, n=lin.n, df=None, bounds=_RANGE)


def _check_method(method: str) -> Method:
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {list(_METHODS)}, got {method!r}")
    return method  # type: ignore[return-value]  # narrowed by the membership test


def nps(
    scores: Responses | npt.ArrayLike,
    *,
    level: float = 0.95,
    method: Method = "adjusted_wald",
    by: str | Sequence[str] | None = None,
    item: str | None = None,
    n_resamples: int = 2000,
    seed: int | np.random.Generator | None = None,
) -> NPSResult | DomainResults[NPSResult]:
    r"""Net Promoter Score on −100…100 with its standard error and interval.

    Parameters
    ----------
    scores : Responses or 1-D array-like
        0–10 answers: a :class:`~servqual.Responses` (any design; ``item=`` picks the
        column of a several-item instrument) or a plain sequence (a simple random
        sample; ``None``/NaN = no answer).
    level : float
        Confidence level, in (0, 1).
    method : {"adjusted_wald", "wald", "bootstrap"}
        ``"adjusted_wald"`` (default): Rocks (2016), 3 pseudo-observations (¾ detractor,
        1½ passive, ¾ promoter), ``ñ = n + 3``. ``"wald"``: ``NPS ± z·√(Var/n)``.
        Both use the normal quantile and are clipped to [−100, 100]. ``"bootstrap"``:
        percentile interval from resampling respondents within strata.
    by : str or list of str, optional
        A respondent attribute column: one result per group (a domain of the full design).
        Several columns: one result per combination, keyed by a tuple of strings.
    item : str, optional
        The 0–10 item of a several-item instrument.
    n_resamples, seed
        Bootstrap resamples and randomness (``method="bootstrap"`` only).

    Returns
    -------
    NPSResult or dict of str (or tuple of str) to NPSResult
        With ``by=``, one per group keyed by ``str(value)``.

    Raises
    ------
    servqual.errors.ScaleError
        An answer outside 0–10 or not an integer (row named).
    servqual.errors.ParameterError
        An unknown method, a level outside (0, 1).
    servqual.errors.InsufficientDataError
        No answers (in a group).

    Notes
    -----
    ``Var = (p₊ + p₋) − (p₊ − p₋)²`` on the −1…1 scale; ``se = 100·√(Var/n)`` under simple
    random sampling (divisor ``n``, see the module docstring). Adjusted Wald:
    ``p̃₊ = (n p₊ + ¾)/(n + 3)``, ``p̃₋ = (n p₋ + ¾)/(n + 3)``, centre
    ``100(p̃₊ − p̃₋) = NPS · n/(n + 3)``, ``se = 100·√(deff · Var(p̃)/(n + 3))``.
    With weights, the shares are weighted and the pseudo-observations carry the mean
    weight; ``deff`` (design variance over ``Var/n``, 1 under simple random sampling)
    carries the design into the adjusted variance. ``NPSResult.nps.value`` is always the
    observed NPS; the adjusted centre is only used for the interval.

    References
    ----------
    Rocks, B. (2016). Interval estimation for the "net promoter score". *The American
    Statistician* 70(4), 365–372.

    Examples
    --------
    A licensing office asked 100 applicants how likely they are to recommend it:
    20 detractors, 30 passives, 50 promoters.

    >>> import servqual as sq
    >>> answers = [3] * 20 + [8] * 30 + [10] * 50
    >>> r = sq.nps(answers)
    >>> round(r.nps.value, 1), round(r.nps.se, 2)
    (30.0, 7.69)
    >>> round(r.nps.ci.low, 2), round(r.nps.ci.high, 2)  # Rocks' adjusted Wald
    (14.05, 44.2)
    >>> w = sq.nps(answers, method="wald")  # NPS package: se = sqrt(0.61 / 100)
    >>> round(w.nps.se, 3), round(w.trinomial_variance, 2)
    (7.81, 0.61)
    """
    level = check_level(level)
    method = _check_method(method)
    boot = None
    if isinstance(scores, EngineResponses):  # the rows stay in their engine
        from servqual.engines.nps import engine_nps_parts

        p = engine_nps_parts(scores, by, item)
        if method == "bootstrap":  # from the engine's answer counts
            from servqual.engines.bootstrap import engine_nps_bootstrap

            boot = engine_nps_bootstrap(
                scores, by, item, level=level, n_resamples=n_resamples, seed=seed
            )
        keys, value, variance, counts, n_rows = p.keys, p.value, p.variance, p.n, p.n_rows
        pro, det = p.promoters, p.detractors
    else:
        responses, values = c.single_item(scores, _NPS_INSTRUMENT, item, "NPS")
        y = _scores(values)
        arrays = responses.design.arrays
        keys, groups, n_groups = c.grouping(responses.design, by)
        means = c.domain_means(y, arrays, groups, n_groups, keys)
        value, variance, counts, n_rows = means.value, means.variance, means.n, arrays.n
        pro, det = _domain_shares(y, arrays.weights, groups, n_groups)
    textbook = (n_rows - 1) / n_rows  # the textbook divisor n (see the module notes)
    out: dict[DomainKey, NPSResult] = {}
    for j, label in enumerate(keys):  # loop over domains; rows only for the bootstrap
        lin = c.Lin(float(value[j]), np.empty(0), int(counts[j]))
        p_pro, p_det = float(pro[j]), float(det[j])
        if boot is not None:
            est = _boot_estimate(boot[j], lin, level)
        elif method == "bootstrap":
            mask = groups == j
            est = _bootstrap(y, arrays, mask, lin, level, n_resamples, seed)
        else:
            v_text = float(variance[j]) * textbook
            est = _estimate(lin, (p_pro, p_det), v_text, method, level)
        out[label] = NPSResult(
            nps=est,
            promoters=100.0 * p_pro,
            passives=max(0.0, 100.0 * (1.0 - p_pro - p_det)),
            detractors=100.0 * p_det,
            trinomial_variance=float(trinomial_variance(p_pro, p_det)),
            n=lin.n,
            method=method,
        )
    return DomainResults(out, by=by) if by is not None else out["all"]


def nps_compare(
    scores: Responses | npt.ArrayLike,
    other: Responses | npt.ArrayLike | None = None,
    *,
    by: str | None = None,
    groups: tuple[str, str] | None = None,
    level: float = 0.95,
    item: str | None = None,
) -> Comparison:
    r"""Difference in NPS between two groups of one survey, or between two waves.

    Parameters
    ----------
    scores : Responses or 1-D array-like
        The (first) sample of 0–10 answers.
    other : Responses or 1-D array-like, optional
        A second, independent sample (another wave): the difference ``first − second``.
    by, groups : str and (str, str)
        Instead of ``other``: compare group ``groups[0]`` minus ``groups[1]`` of column
        ``by`` within ``scores``' design.
    level : float
        Confidence level.
    item : str, optional
        The 0–10 item of a several-item instrument.

    Returns
    -------
    Comparison
        Both NPS estimates (``first``, ``second``), the difference (on −200…200) with its
        interval and a two-sided p-value in [0, 1].

    Notes
    -----
    Waves: ``SE_diff = √(Var₁/n₁ + Var₂/n₂)`` (Wald, divisor ``n``), normal quantile.
    Groups: the variance of ``Σ w (z_a − z_b)`` on the full design (covariance included;
    R ``svyby`` + ``svycontrast``), t on the design df.

    Examples
    --------
    Two waves of a licensing office's survey:

    >>> import servqual as sq
    >>> d = sq.nps_compare([10] * 50 + [8] * 30 + [3] * 20, [10] * 40 + [8] * 30 + [3] * 30)
    >>> round(d.difference.value, 1), round(d.p_value, 3)
    (20.0, 0.079)
    """

    def lin_of(responses: Responses, mask: npt.NDArray[np.bool_]) -> c.Lin:
        _, values = c.single_item(responses, _NPS_INSTRUMENT, item, "NPS")
        return _lin(_scores(values), responses.design.arrays, mask, "all")

    def estimate_of(lin: c.Lin, arrays: DesignArrays) -> Estimate:
        v = _textbook_variance(lin, arrays)
        est = estimate_from_variance(lin.value, v, n=lin.n, df=None, level=level, bounds=_RANGE)
        return c.interval_like(est, wald_interval(est.value, est.se, None, lin.n, level), "wald")

    first, second = c.single_item_waves(scores, other, _NPS_INSTRUMENT, item, "NPS")
    return c.compare(
        lin_of, first, second, by=by, groups=groups, level=level, estimate_of=estimate_of
    )
