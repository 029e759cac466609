r"""The Indonesian public-service satisfaction index (SKM 2017, IKM 2004).

For elements ``j = 1 … k`` answered on a 1–4 scale, with survey weights ``w_i`` and
``a_ij = 1`` when respondent ``i`` answered element ``j``:

.. math::

    \mathrm{NRR}_j = \frac{\sum_i w_i a_{ij} y_{ij}}{\sum_i w_i a_{ij}}, \qquad
    \mathrm{SKM} = 25 \sum_j \omega_j \, \mathrm{NRR}_j .

The variance comes from linearization: the index is a smooth function of the weighted
totals ``T_yj`` and ``T_aj``; its influence value for respondent ``i`` is

.. math::

    z_i = 25 \sum_j \omega_j \frac{a_{ij} (y_{ij} - \mathrm{NRR}_j)}{\hat T_{aj}},

and the design variance of ``Σ w_i z_i`` is computed by the numeric core
(:func:`servqual.stats.linearized_variance`), exactly as R's ``svycontrast`` applies the
delta method to ``svytotal`` of the answers and the answered indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast, overload

import numpy as np
import numpy.typing as npt

from servqual.design._by import key_text
from servqual.engines.responses import EngineResponses
from servqual.indices import _skm_kernel as kernel
from servqual.indices._skm_grouped import GroupedCodes, grouped_influence, grouped_sums
from servqual.indices._skm_inputs import Method, Spec, domains, validate
from servqual.indices._skm_results import (
    IndexColumns,
    ResultParts,
    SKMColumns,
    check_every_domain,
    prepare,
)
from servqual.indices._skm_whole import whole_sample_index
from servqual.indices.skm_bootstrap import bootstrap_index
from servqual.indices.skm_result import SKMResult, WeightsMode
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate
from servqual.responses import Responses
from servqual.stats.design_arrays import linearized_variance
from servqual.stats.domain_variance import domain_variances

__all__ = ["skm_index"]

FloatArray = npt.NDArray[np.float64]
Sizes = Sequence[int] | npt.NDArray[np.signedinteger[Any]]
"""Respondents per domain."""


@overload
def skm_index(
    responses: Responses,
    *,
    level: float = ...,
    by: None = None,
    weights: WeightsMode = ...,
    method: Method = ...,
    n_resamples: int = ...,
    seed: int | np.random.Generator | None = ...,
) -> SKMResult: ...


@overload
def skm_index(
    responses: Responses,
    *,
    level: float = ...,
    by: str,
    weights: WeightsMode = ...,
    method: Method = ...,
    n_resamples: int = ...,
    seed: int | np.random.Generator | None = ...,
) -> DomainResults[SKMResult]: ...


@overload
def skm_index(
    responses: Responses,
    *,
    level: float = ...,
    by: Sequence[str],
    weights: WeightsMode = ...,
    method: Method = ...,
    n_resamples: int = ...,
    seed: int | np.random.Generator | None = ...,
) -> DomainResults[SKMResult]: ...


def skm_index(
    responses: Responses,
    *,
    level: float = 0.95,
    by: str | Sequence[str] | None = None,
    weights: WeightsMode = "exact",
    method: Method = "linearization",
    n_resamples: int = 2000,
    seed: int | np.random.Generator | None = None,
) -> SKMResult | DomainResults[SKMResult]:
    r"""Satisfaction index (SKM/IKM) on 25–100 with its grade and confidence interval.

    Parameters
    ----------
    responses : Responses
        Answers to an SKM-style instrument (1–4 scale) and the design they were sampled
        under (weights, strata, clusters, fpc).
    level : float
        Confidence level of the interval, in (0, 1).
    by : str or list of str, optional
        A respondent attribute column of ``responses.design`` (e.g. ``"service"``): one
        result per value, estimated as a domain of the full design. Several columns
        (``["province", "unit"]``) give one result per combination that occurs, keyed by
        a tuple of strings; its ``by`` is the columns joined by ", " and its ``domain`` the
        values joined by " / ".
    weights : {"exact", "regulation"}
        ``"exact"``: the instrument's weights (1/9 for SKM 2017, summing to 1).
        ``"regulation"``: each weight rounded to 3 decimals as the regulation prints it
        (0.111 for 9 elements, 0.071 for 14), to match an official spreadsheet.
    method : {"linearization", "bootstrap", "bootstrap_bca"}
        How the interval is computed: linearization with a t quantile on the design's
        degrees of freedom; or a bootstrap of respondents within strata with a
        percentile (``"bootstrap"``) or BCa (``"bootstrap_bca"``) interval.
    n_resamples : int
        Bootstrap resamples (bootstrap methods only).
    seed : int or numpy.random.Generator, optional
        Randomness of the bootstrap (bootstrap methods only).

    Returns
    -------
    SKMResult or dict of str (or tuple of str) to SKMResult
        One result; with ``by=``, one per value of the column, keyed by ``str(value)``
        (several columns: by the tuple of the values as strings).

    Raises
    ------
    servqual.errors.ParameterError
        A level outside (0, 1), an unknown ``weights``/``method`` value, a bad
        ``n_resamples``/``seed``, or a bootstrap on a clustered design.
    servqual.errors.ServqualTypeError
        ``responses`` is not a :class:`~servqual.Responses`.
    servqual.errors.ScaleError
        The instrument's scale is not 1–4.
    servqual.errors.ItemError
        An element that nobody (in a domain) answered.
    servqual.errors.InsufficientDataError
        Fewer than two respondents (in a domain): no interval can be computed.
    servqual.errors.ValidationError
        ``by`` names no column, or the column has a missing value.

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        When the standard error is 0 (every element answered identically by everyone):
        the interval then has zero width.

    Notes
    -----
    ``NRR_j`` is the survey-weighted mean over the respondents who answered element
    ``j`` (equal weights: the plain mean); a respondent who skipped some elements still
    counts for the others. The index is ``25 Σ_j ω_j NRR_j``. Nothing is rounded: the
    grade is that of the unrounded value, by half-open thresholds (2017: A ≥ 88.31,
    B ≥ 76.61, C ≥ 65.00, else D; 2004: A ≥ 81.26, B ≥ 62.51, C ≥ 43.76, else D), so
    76.605 is C. The regime follows ``instrument.metadata["grading"]``.

    The interval is ``SKM ± t_{df} · se`` with ``se² = V̂(Σ_i w_i z_i)`` (see the module
    docstring for ``z``), ``df`` the design's degrees of freedom (``n − 1`` under simple
    random sampling) and the finite-population correction when the design has one. With
    ``by=``, ``z`` is set to 0 outside the domain and the full design is used (R's
    ``svyby``), with the full design's degrees of freedom.

    The bootstrap methods resample respondents within strata (``n_h`` of ``n_h``, with
    replacement, via :func:`servqual.stats.bootstrap.bootstrap_totals`) and recompute the
    index from the resampled totals; they ignore the finite-population correction and
    refuse clustered designs. The point value is the same as with linearization.

    Examples
    --------
    A district office surveyed ten applicants on the nine SKM elements; two skipped U8:

    >>> import servqual as sq
    >>> scores = [[3, 3, 4, 4, 3, 3, 4, 3, 3], [4, 3, 3, 4, 3, 4, 4, 3, 3],
    ...           [3, 2, 3, 4, 3, 3, 3, 2, 3], [3, 3, 2, 4, 3, 3, 4, None, 3],
    ...           [4, 4, 3, 4, 4, 4, 4, 3, 4], [3, 3, 3, 4, 3, 3, 3, 3, 2],
    ...           [2, 3, 2, 3, 3, 3, 3, None, 3], [3, 4, 3, 4, 4, 3, 4, 3, 3],
    ...           [4, 3, 3, 4, 3, 4, 4, 3, 3], [3, 3, 2, 4, 3, 3, 3, 2, 3]]
    >>> responses = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
    >>> res = sq.skm_index(responses)
    >>> round(res.index.value, 2), res.grade, res.label
    (80.14, 'B', 'Baik')
    >>> round(res.index.ci.low, 2), round(res.index.ci.high, 2), res.index.df
    (74.1, 86.17, 9.0)
    >>> res.crosses_grade_boundary  # 74.10 is C: ten answers cannot rule C out
    True
    >>> [(e.code, e.n, round(e.nrr, 2), e.grade) for e in res.weakest(3)]
    [('U8', 8, 2.75, 'C'), ('U3', 10, 2.8, 'C'), ('U9', 10, 3.0, 'C')]
    >>> round(sq.skm_index(responses, weights="regulation").index.value, 4)  # 0.111
    80.0588
    """
    if isinstance(responses, EngineResponses):  # the rows stay in their engine
        from servqual.engines.skm import engine_skm_index  # imports this module

        return engine_skm_index(
            responses,
            level=level,
            by=by,
            weights=weights,
            method=method,
            n_resamples=n_resamples,
            seed=seed,
        )
    spec = validate(responses, level, weights, method, n_resamples, seed)
    if by is None and spec.method == "linearization":  # packed column-major passes
        return whole_sample_index(spec)
    if by is None:
        return _estimate(spec, None, [None], None).build([0])[0]
    keys, groups = domains(responses.design, by)
    name = by if isinstance(by, str) else ", ".join(by)
    # one column: the keys are the labels already
    labels = cast("list[str]", keys) if isinstance(by, str) else [key_text(k) for k in keys]
    columns = _estimate(spec.with_generator(), groups, labels, name)
    return DomainResults.deferred(keys, columns, by=by)  # each result built when used


def _estimate(
    spec: Spec,
    groups: npt.NDArray[np.intp] | None,
    labels: Sequence[str | None],
    by: str | None,
) -> SKMColumns:
    """The index of every domain (``groups=None``: the whole sample), in one pass each."""
    codes = spec.responses.codes
    n_groups = len(labels)
    sizes = (
        np.array([codes.shape[0]]) if groups is None else np.bincount(groups, minlength=n_groups)
    )
    weights = spec.arrays.weights
    grouped = None if groups is None else GroupedCodes.of(codes, groups, n_groups)
    if grouped is None:
        code_tot, answered_tot, counts = kernel.element_sums(codes, weights, None, 1)
    else:
        code_tot, answered_tot, counts = grouped_sums(grouped, weights)
    parts = ResultParts(spec.responses.instrument, spec.omega, spec.regime, spec.weights_mode)
    check_every_domain(parts, counts, answered_tot, by, labels)
    mean_codes = code_tot / answered_tot
    nrr = spec.offset + spec.sign * mean_codes  # (G, k)
    values = 25.0 * (nrr @ spec.omega)
    if spec.method == "linearization":
        variances = _variances(spec, mean_codes, answered_tot, grouped)
        index = IndexColumns.linearized(
            values, variances, sizes, df=spec.arrays.df, level=spec.level, bounds=parts.range
        )
    else:
        index = IndexColumns.of(
            [
                _bootstrap(
                    spec,
                    weights if groups is None else weights * (groups == g),
                    float(values[g]),
                    int(sizes[g]),
                )
                for g in range(n_groups)
            ]
        )
    return prepare(parts, index, nrr, counts, labels, by, stacklevel=5)


def _variances(
    spec: Spec,
    mean_codes: FloatArray,
    answered_tot: FloatArray,
    grouped: GroupedCodes | None,
) -> FloatArray:
    """Linearization variance of each domain's index: z_i = 0 outside the domain."""
    coef = 25.0 * spec.omega * spec.sign / answered_tot  # (G, k)
    if grouped is None:
        z = kernel.influence(spec.responses.codes, mean_codes, coef, None)
        return linearized_variance(z, spec.arrays)
    z = grouped_influence(grouped, mean_codes, coef)
    return domain_variances(z, grouped.groups, grouped.n_groups, spec.arrays)


def _bootstrap(spec: Spec, weights: FloatArray, value: float, n: int) -> Estimate:
    return bootstrap_index(
        spec.responses.codes,
        weights,
        offset=spec.offset,
        sign=spec.sign,
        omega=spec.omega,
        arrays=spec.arrays,
        value=value,
        n=n,
        level=spec.level,
        interval="bca" if spec.method == "bootstrap_bca" else "percentile",
        n_resamples=spec.n_resamples,
        seed=spec.seed,
    )
