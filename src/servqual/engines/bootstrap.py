r"""The bootstrap interval of the SKM index on an engine frame, from its answer patterns.

In memory, ``skm_index(method="bootstrap")`` resamples respondents within strata
(:func:`servqual.stats.bootstrap.bootstrap_totals`), and the resampling itself already
works on the *distinct* per-respondent vectors ``[w y a, w a]`` and how often each occurs
(:mod:`servqual.stats.resample`). Those vectors are fixed by a respondent's stratum,
domain, weight and answers, so the engine's group-by over these columns, with the count
of each group, is all the bootstrap needs: the same distinct vectors and counts, hence
the same draws from the same seed, and the same replicates as in memory.

The summary has one row per distinct (stratum, domain, weight, answer pattern): small
for unweighted or few-weight surveys, about one per respondent when every weight differs
(the bootstrap then needs the memory the in-memory bootstrap needs).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._build import category_codes, domain_codes, missing_mask
from servqual.design._by import code_domains, key_text
from servqual.engines._reduce import by_columns, reduce_cells
from servqual.engines.responses import EngineResponses
from servqual.engines.skm import _parts, _reduce, orientation
from servqual.errors import DesignError, InsufficientDataError, ParameterError
from servqual.indices._skm_results import IndexColumns, ResultParts, check_every_domain, finish
from servqual.indices.skm_bootstrap import index_statistic, weighted_values
from servqual.indices.skm_result import SKMResult
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate, Interval
from servqual.stats.bootstrap import BootstrapResult, bootstrap_totals, check_resamples
from servqual.stats.quantiles import check_level

__all__ = ["engine_nps_bootstrap", "engine_skm_bootstrap"]

FloatArray = npt.NDArray[np.float64]
_COUNT = "__servqual_count"


def _check_seed(seed: Any) -> np.random.Generator | int | None:
    """The in-memory checks of ``seed`` (:func:`servqual.indices._skm_inputs.validate`)."""
    if not (seed is None or isinstance(seed, np.random.Generator)) and (
        isinstance(seed, bool) or not isinstance(seed, int)
    ):
        raise ParameterError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    if isinstance(seed, int) and seed < 0:
        raise ParameterError(f"seed must be non-negative, got {seed!r}")
    return seed


def _check_resamplable(responses: EngineResponses, instead: str = "method='linearization'") -> None:
    """The in-memory refusals (:func:`servqual.stats.bootstrap.check_resamplable`)."""
    design = responses.design
    if design.spec.clusters is not None:
        raise DesignError(
            "the bootstrap resamples respondents within strata, but this design samples "
            f"clusters; use {instead}"
        )
    if getattr(design, "calibration", None) is not None:
        raise DesignError(
            "the bootstrap resamples respondents, but this design's weights are calibrated "
            "(post-stratified or raked) and would need re-calibrating in every resample; "
            f"use {instead}"
        )


def _column(out: Any, name: str) -> npt.NDArray[Any]:
    return np.asarray(out[name].to_numpy())


def _patterns(
    responses: EngineResponses, by_cols: tuple[str, ...]
) -> tuple[npt.NDArray[np.int8], FloatArray, Any, Any, npt.NDArray[np.intp]]:
    """Distinct (stratum, domain, weight, answers) with their counts, coded on the client.

    Returns the answer codes (−1 missing), the weights, the stratum codes (``None`` with
    one stratum), the domain codes (``None`` without ``by``) and the counts.
    """
    import narwhals as nw

    spec = responses.design.spec
    items = list(responses.item_columns.values())
    keys = [c for c in (spec.strata, spec.weights) if c is not None] + list(by_cols) + items
    out = responses.lazy.group_by(*dict.fromkeys(keys)).agg(nw.len().alias(_COUNT)).collect()
    low = float(responses.instrument.scale.min)
    codes = np.empty((len(out), len(items)), dtype=np.int8)
    for j, col in enumerate(items):  # loop over items, not rows
        values = _column(out, col)
        gone = missing_mask(values)
        answers = np.where(gone, low - 1.0, np.where(gone, low, values).astype(np.float64))
        codes[:, j] = (answers - low).astype(np.int8)  # a missing answer is code −1
    h, w = _strata_and_weights(responses, out)
    groups = None
    if by_cols:
        groups = code_domains(lambda name: _column(out, name), list(by_cols), domain_codes).codes
    return codes, w, h, groups, _column(out, _COUNT).astype(np.intp)


def _elements(
    responses: EngineResponses, by: Any, parts: ResultParts
) -> tuple[FloatArray, FloatArray, FloatArray, Any, list[Any], list[str | None], str | None]:
    """The per-element pieces of the index from the engine's cells (as the linearized path).

    ``nrr``, the index values and the answer counts per domain, the domain sizes, keys
    (``[None]`` without ``by``), labels and ``by`` name; the in-memory checks on the way.
    """
    inst = responses.instrument
    offset, sign = orientation(inst)
    plan, cells = _reduce(responses, by_columns(responses.lazy, by))
    k = len(inst.items)
    answered_tot = np.column_stack([cells.total(plan.a[j]) for j in range(k)])
    # Σ w·(y − min) over the answered rows: the engine sums Σ w·y and Σ w
    low = float(inst.scale.min)
    code_tot = np.column_stack([cells.total(plan.s[j]) for j in range(k)]) - low * answered_tot
    counts = np.column_stack([cells.total(plan.k[j]) for j in range(k)])
    name = None if by is None else (by if isinstance(by, str) else ", ".join(by))
    keys: list[Any] = [None] if cells.domains is None else list(cells.domains.keys)
    labels: list[str | None] = [None if key is None else key_text(key) for key in keys]
    if int(cells.rows.sum()) < 2:
        raise InsufficientDataError(
            f"the SKM index needs at least 2 respondents, got {int(cells.rows.sum())}: no "
            "interval can be computed with one respondent"
        )
    check_every_domain(parts, counts, answered_tot, name, labels)
    nrr = offset + sign * code_tot / answered_tot
    return nrr, 25.0 * (nrr @ parts.omega), counts, cells.domain_rows(), keys, labels, name


def engine_skm_bootstrap(
    responses: EngineResponses,
    *,
    level: float,
    by: Any,
    weights: str,
    method: str,
    n_resamples: int,
    seed: Any,
) -> SKMResult | DomainResults[SKMResult]:
    """:func:`servqual.skm_index` with ``method="bootstrap"``/``"bootstrap_bca"`` in an engine.

    The same estimates as in memory, replicates included, for the same ``seed``.
    """
    level = check_level(level)
    parts = _parts(responses, weights, "linearization")
    if method == "bootstrap":
        check_resamples(n_resamples, level)
    rng = _check_seed(seed)
    nrr, values, counts, sizes, keys, labels, name = _elements(responses, by, parts)
    _check_resamplable(responses)
    codes, w, h, groups, count = _patterns(responses, by_columns(responses.lazy, by))
    if by is not None and isinstance(rng, int | type(None)):
        rng = np.random.default_rng(rng)  # one generator: successive domains differ
    inst = responses.instrument
    reverse = np.array([item.reverse for item in inst.items])
    offset = np.where(reverse, float(inst.scale.max), float(inst.scale.min))
    sign = np.where(reverse, -1.0, 1.0)
    interval = "bca" if method == "bootstrap_bca" else "percentile"
    ests = [
        _bootstrap(
            codes,
            w if groups is None else w * (groups == g),
            (offset, sign, parts),
            h,
            count,
            (float(values[g]), int(sizes[g]), level, interval, n_resamples),
            rng,
        )
        for g in range(len(labels))
    ]
    results = finish(parts, IndexColumns.of(ests), nrr, counts, labels, name, stacklevel=6)
    if by is None:
        return results[0]
    return DomainResults(zip(keys, results, strict=True), by=by)


def _bootstrap(
    codes: npt.NDArray[np.int8],
    weights: FloatArray,
    constants: tuple[FloatArray, FloatArray, ResultParts],
    strata: Any,
    count: npt.NDArray[np.intp],
    what: tuple[float, int, float, str, int],
    rng: Any,
) -> Estimate:
    """One domain's bootstrap estimate (:func:`servqual.indices.skm_bootstrap.bootstrap_index`)."""
    offset, sign, parts = constants
    value, n, level, interval, n_resamples = what
    res = bootstrap_totals(
        weighted_values(codes, weights, offset=offset, sign=sign),
        strata=strata,
        counts=count,
        statistic=index_statistic(parts.omega),
        n_resamples=n_resamples,
        level=level,
        method=interval,  # type: ignore[arg-type]  # "percentile" or "bca"
        seed=rng,
    )
    ci = Interval(
        low=float(res.low), high=float(res.high), level=level, method=f"bootstrap_{interval}"
    )
    return Estimate(value=value, se=float(res.se), ci=ci, n=n, df=None)


def engine_nps_bootstrap(
    responses: EngineResponses,
    by: Any,
    item: str | None,
    *,
    level: float,
    n_resamples: int,
    seed: Any,
) -> list[BootstrapResult]:
    """The bootstrap of :func:`servqual.nps` per domain, from the engine's answer counts.

    One group-by over (stratum, weight, domain, answer) with counts; each domain is
    resampled as the in-memory ``nps(method="bootstrap")`` resamples its rows (the same
    ``seed`` for every domain, as there), so the replicates are the in-memory ones.
    """
    import narwhals as nw

    from servqual.engines.nps import _column as nps_column
    from servqual.indices.nps import _scores

    _check_resamplable(responses, instead="method='adjusted_wald' or 'wald'")
    spec = responses.design.spec
    col, reverse = nps_column(responses, item)
    by_cols = by_columns(responses.lazy, by)
    keys = [c for c in (spec.strata, spec.weights) if c is not None] + list(by_cols) + [col]
    out = responses.lazy.group_by(*dict.fromkeys(keys)).agg(nw.len().alias(_COUNT)).collect()
    raw = _column(out, col)
    answers = np.where(missing_mask(raw), np.nan, np.where(missing_mask(raw), 0, raw))
    values = answers.astype(np.float64)
    y = _scores(10.0 - values if reverse else values)
    h, w = _strata_and_weights(responses, out)
    groups = np.zeros(len(out), dtype=np.intp)
    n_groups = 1
    if by_cols:
        found = code_domains(lambda name: _column(out, name), list(by_cols), domain_codes)
        groups, n_groups = found.codes, found.n_groups
    count = _column(out, _COUNT).astype(np.intp)
    results = []
    for g in range(n_groups):  # loop over domains, as in memory
        use = (groups == g) & ~np.isnan(y)
        wg = w * use
        results.append(
            bootstrap_totals(
                np.column_stack([wg * np.where(use, y, 0.0), wg]),
                strata=h,
                counts=count,
                statistic=_share,
                n_resamples=n_resamples,
                level=level,
                method="percentile",
                seed=seed,
            )
        )
    return results


def _share(totals: FloatArray) -> FloatArray:
    t = np.asarray(totals, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(t[..., 0] / t[..., 1], dtype=np.float64)


def _strata_and_weights(responses: EngineResponses, out: Any) -> tuple[Any, FloatArray]:
    """Stratum codes (``None`` with one stratum) and weights of the pattern rows."""
    spec = responses.design.spec
    h = None
    n_strata = 1
    if spec.strata is not None:
        h, labels = category_codes(_column(out, spec.strata), "strata")
        n_strata = len(labels)
    if spec.weights is not None:
        w = _column(out, spec.weights).astype(np.float64)
    elif spec.fpc is not None:  # N_h / n_h, as the in-memory design's weights
        strata = reduce_cells(responses.lazy, spec, (), {}, []).strata
        w = (strata.pop / strata.psu_per_stratum)[np.zeros(len(out), np.intp) if h is None else h]
    else:
        w = np.ones(len(out))
    return (h if n_strata > 1 else None), w
