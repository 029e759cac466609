r"""Quantiles of a survey design with Woodruff intervals (R ``svyquantile``, survey 4.1).

The estimate is a weighted quantile (:func:`servqual.stats.weighted_quantile`, R's
``qrule``). Its interval is Woodruff's (1952), as in survey 4.1's default
``interval.type="mean"``: estimate the share :math:`\hat F = \hat P(y \le \hat q)` with
its design standard error, form an interval :math:`[F_L, F_U]` for that share, and map
its bounds back through the same quantile rule. ``method`` chooses the share's interval
as ``svyciprop`` would:

- ``"mean"``: :math:`\hat F \mp t\,se` (R's default);
- ``"xlogit"``: on the logit scale, :math:`\operatorname{expit}(\operatorname{logit}\hat F
  \mp t\,se/(\hat F(1-\hat F)))`;
- ``"asin"``: :math:`\sin^2(\arcsin\sqrt{\hat F} \mp t\,se/(2\sqrt{\hat F(1-\hat F)}))`;
- ``"beta"``: Korn–Graubard's Clopper–Pearson form with an effective sample size.

A bound of the share's interval below 0 or above 1 has no quantile: that bound is
``NaN`` (R does the same), as is the standard error, which R reports as the interval's
width over :math:`2 t`. The interval therefore cannot be recomputed at another level from
the standard error (``Estimate.at_level`` refuses it); call :meth:`Design.quantile` again.

References
----------
Woodruff, R. S. (1952). Confidence intervals for medians and other position measures.
*JASA* 47, 635–646.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
from scipy import special

from servqual.design._inputs import (
    BoolArray,
    FloatArray,
    NaPolicy,
    check_choice,
    codes_of,
    numeric_column,
    present_df,
)
from servqual.errors import InsufficientDataError, ParameterError
from servqual.models.results import Estimate, Interval
from servqual.stats.design_arrays import linearized_variance
from servqual.stats.domain_variance import domain_variances
from servqual.stats.quantiles import check_level, critical_value
from servqual.stats.variance import standard_error
from servqual.stats.weighted_quantile import QUANTILE_RULES, QuantileRule, SortedSample

if TYPE_CHECKING:
    from servqual.design.design import Design
    from servqual.design.replicates import ReplicateDesign

__all__ = ["QuantileMethod", "design_quantile", "domain_quantiles", "replicate_quantile"]

QuantileMethod = Literal["mean", "beta", "xlogit", "asin"]
_METHODS: tuple[str, ...] = get_args(QuantileMethod)


def _share_interval(
    f: float, se: float, q: float, level: float, method: str, n_rows: int, df: float
) -> tuple[float, float]:
    """Interval of the share ``f`` (R ``woodruffCI``'s ``pconfint``); may leave [0, 1]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "mean":
            return f - q * se, f + q * se
        if method == "xlogit":
            eta = float(special.logit(f))
            half = q * se / (f * (1.0 - f))
            return float(special.expit(eta - half)), float(special.expit(eta + half))
        if method == "asin":
            eta = math.asin(math.sqrt(f))
            half = q * se / (2.0 * math.sqrt(f * (1.0 - f)))
            return math.sin(eta - half) ** 2, math.sin(eta + half) ** 2
        # beta: R's n.eff * (qt(alpha/2, nrow(design) - 1) / qt(alpha/2, degf(design)))^2
        tail = (1.0 - level) / 2.0
        n_eff = f * (1.0 - f) / (se * se)
        n_eff *= (critical_value(level, n_rows - 1.0) / critical_value(level, df)) ** 2
        low = float(special.betaincinv(n_eff * f, n_eff * (1.0 - f) + 1.0, tail))
        high = float(special.betaincinv(n_eff * f + 1.0, n_eff * (1.0 - f), 1.0 - tail))
        return low, high


def _woodruff(
    sample: SortedSample,
    n_rows: int,
    qhat: float,
    f: float,
    se_f: float,
    df: float,
    level: float,
    method: str,
    rule: str,
) -> Estimate:
    """The Estimate of one quantile from the share below it and that share's SE."""
    t = critical_value(level, df)
    lo, hi = _share_interval(f, se_f, t, level, method, n_rows, df)
    low = math.nan if math.isnan(lo) or lo < 0 else float(sample.quantile(lo, rule)[0])
    high = math.nan if math.isnan(hi) or hi > 1 else float(sample.quantile(hi, rule)[0])
    return Estimate(
        value=qhat,
        se=(high - low) / (2.0 * t),
        ci=Interval(low=low, high=high, level=level, method=f"woodruff-{method}"),
        n=n_rows,
        df=df,
    )


def _check(p: object, method: str, rule: str, level: float) -> float:
    check_level(level)
    check_choice(method, "method", _METHODS)
    check_choice(rule, "rule", QUANTILE_RULES)
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0.0 <= float(p) <= 1.0:
        raise ParameterError(f"p must be a probability in [0, 1], got {p!r}")
    return float(p)


def _whole_sample_point(
    y: FloatArray, present: BoolArray, w: FloatArray, col: str, prob: float, rule: QuantileRule
) -> tuple[SortedSample, float, BoolArray, float, float]:
    """The quantile of the rows with a value, the rows at or below it, and their share.

    Returns ``(sample, qhat, below, share, size)``, ``w`` being the weights with 0 for the
    rows without a value and ``size`` their sum.
    """
    # the same dot product as the share's numerator: a share of 1 is exactly 1
    size = float(np.dot(w, present))
    if size <= 0:
        raise InsufficientDataError(f"column {col!r} has no row with a value and a positive weight")
    rows = np.flatnonzero(w > 0)
    sample = SortedSample(y[rows], w[rows])
    qhat = float(sample.quantile(prob, rule)[0])
    below = (y <= qhat) & present
    return sample, qhat, below, float(np.dot(w, below)) / size, size


def design_quantile(
    design: Design,
    col: str,
    p: float,
    *,
    level: float = 0.95,
    method: QuantileMethod = "mean",
    rule: QuantileRule = "math",
    na: NaPolicy = "fail",
) -> Estimate:
    """The ``p`` quantile of ``col`` with its Woodruff interval; see :meth:`Design.quantile`."""
    prob = _check(p, method, rule, level)
    y, present = numeric_column(design, col, na)
    a = design.arrays
    w = np.where(present, a.weights, 0.0)
    sample, qhat, below, f, size = _whole_sample_point(y, present, w, col, prob, rule)
    z = np.where(present, (below - f) / size, 0.0)
    se_f = float(standard_error(f, linearized_variance(z, a))[0])
    df = present_df(a, present) if na == "domain" else a.df
    n_rows = int(np.count_nonzero(present))
    return _woodruff(sample, n_rows, qhat, f, se_f, df, float(level), method, rule)


def domain_quantiles(
    design: Design,
    col: str,
    p: float,
    by: str,
    *,
    level: float = 0.95,
    method: QuantileMethod = "mean",
    rule: QuantileRule = "math",
    na: NaPolicy = "fail",
) -> dict[str, Estimate]:
    """Quantiles per domain of ``by`` (R ``svyby(~col, ~by, d, svyquantile, ci=TRUE)``).

    Each domain's quantile uses its rows; the share below it is a domain mean on the full
    design (one reduce for every domain), and its interval the df of the domain's subset
    design, as ``svyquantile`` inside ``svyby``.
    """
    prob = _check(p, method, rule, level)
    y, present = numeric_column(design, col, na)
    codes, labels, _ = codes_of(design, by, "fail")
    a = design.arrays
    w = np.where(present, a.weights, 0.0)
    sizes = np.bincount(codes, weights=w, minlength=len(labels))
    qhat = np.zeros(len(labels))
    samples = []
    for k, label in enumerate(labels):  # loop over domains (few); each is vectorized
        member = present & (codes == k) & (w > 0)
        if sizes[k] <= 0:
            raise InsufficientDataError(
                f"domain {label!r} of {by!r} has no row with a value of {col!r} and a "
                "positive weight"
            )
        samples.append(SortedSample(y[member], w[member]))
        qhat[k] = samples[-1].quantile(prob, rule)[0]
    below = present & (y <= qhat[codes])
    share = np.bincount(codes, weights=w * below, minlength=len(labels)) / sizes
    z = np.where(present, (below - share[codes]) / sizes[codes], 0.0)
    se = standard_error(share, domain_variances(z, codes.astype(np.intp), len(labels), a))
    out = {}
    for k, label in enumerate(labels):
        member = present & (codes == k)
        df = present_df(a, member)
        out[str(label)] = _woodruff(
            samples[k],
            int(np.count_nonzero(member)),
            float(qhat[k]),
            float(share[k]),
            float(se[k]),
            df,
            float(level),
            method,
            rule,
        )
    return out


def replicate_quantile(
    design: ReplicateDesign,
    col: str,
    p: float,
    *,
    level: float = 0.95,
    method: QuantileMethod = "mean",
    rule: QuantileRule = "math",
    na: NaPolicy = "fail",
) -> Estimate:
    """Quantile with a Woodruff interval on a replicate design (R ``svyquantile(svrep)``).

    The quantile uses the full-sample weights; the share below it gets its replicate
    variance (R ``svrVar``) and the interval the replicate design's df. survey 4.1.1's
    replicate method ignores ``interval.type`` (always ``"mean"``); servqual honours
    ``method``.
    """
    from servqual.stats.replicate_variance import replicate_variance

    prob = _check(p, method, rule, level)
    y, present = numeric_column(design, col, na)
    w = np.where(present, design.weights, 0.0)
    sample, qhat, below, f, _ = _whole_sample_point(y, present, w, col, prob, rule)
    reps = design.replicate_weights * present[:, None]
    shares = (below.astype(np.float64) @ reps) / reps.sum(axis=0)
    var = replicate_variance(
        np.array([f]), shares[:, None], scale=design.scale, rscales=design.rscales, mse=design.mse
    )
    se_f = float(standard_error(f, var)[0])
    n_rows = int(np.count_nonzero(present))
    return _woodruff(sample, n_rows, qhat, f, se_f, design.df, float(level), method, rule)
