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
from servqual.engines.skm import _parts, _sums
from servqual.errors import DesignError, InsufficientDataError, ParameterError
from servqual.indices._skm_results import IndexColumns, ResultParts, check_every_domain, finish
from servqual.indices.skm_bootstrap import index_statistic, weighted_values
from servqual.indices.skm_result import SKMResult
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate, Interval
from servqual.stats.bootstrap import bootstrap_totals, check_resamples
from servqual.stats.quantiles import check_level

__all__ = ["engine_skm_bootstrap"]

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


def _check_resamplable(responses: EngineResponses) -> None:
    """The in-memory refusals (:func:`servqual.stats.bootstrap.check_resamplable`)."""
    design = responses.design
    instead = "method='linearization'"
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
    responses: EngineResponses, by_cols: tuple[str, ...], unit_weight: FloatArray
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
    for j, col in enumerate(items):
        values = _column(out, col)
        gone = missing_mask(values)
        answers = np.where(gone, low - 1.0, np.where(gone, low, values).astype(np.float64))
        codes[:, j] = (answers - low).astype(np.int8)  # a missing answer is code −1
    h = None
    if spec.strata is not None:
        h, _ = category_codes(_column(out, spec.strata), "strata")
    if spec.weights is not None:
        w = _column(out, spec.weights).astype(np.float64)
    else:  # 1, or N_h / n_h from the fpc (as the in-memory design's weights)
        w = unit_weight[np.zeros(len(out), dtype=np.intp) if h is None else h]
    groups = None
    if by_cols:
        groups = code_domains(lambda name: _column(out, name), list(by_cols), domain_codes).codes
    count = _column(out, _COUNT).astype(np.intp)
    return codes, w, h, groups, count


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
    inst = responses.instrument
    reverse = np.array([item.reverse for item in inst.items])
    offset = np.where(reverse, float(inst.scale.max), float(inst.scale.min))
    sign = np.where(reverse, -1.0, 1.0)
    by_cols = by_columns(responses.lazy, by)
    sums, _ = _sums(responses)
    cells = reduce_cells(responses.lazy, responses.design.spec, by_cols, sums, [])
    k = len(inst.items)
    code_tot = np.column_stack([cells.total(f"c{j}") for j in range(k)])
    answered_tot = np.column_stack([cells.total(f"a{j}") for j in range(k)])
    counts = np.column_stack([cells.total(f"k{j}") for j in range(k)])
    sizes = cells.domain_rows()
    name = None if by is None else (by if isinstance(by, str) else ", ".join(by))
    keys = None if cells.domains is None else cells.domains.keys
    labels: list[str | None] = [None] if keys is None else [key_text(key) for key in keys]
    if int(cells.rows.sum()) < 2:
        raise InsufficientDataError(
            f"the SKM index needs at least 2 respondents, got {int(cells.rows.sum())}: no "
            "interval can be computed with one respondent"
        )
    check_every_domain(parts, counts, answered_tot, name, labels)
    nrr = offset + sign * code_tot / answered_tot
    values = 25.0 * (nrr @ parts.omega)
    _check_resamplable(responses)
    strata = cells.strata
    unit = np.ones(len(strata.strata))
    if responses.design.spec.fpc is not None:
        unit = strata.pop / strata.psu_per_stratum
    codes, w, h, groups, count = _patterns(responses, by_cols, unit)
    if keys is not None and isinstance(rng, int | type(None)):
        rng = np.random.default_rng(rng)  # one generator: successive domains differ
    interval = "bca" if method == "bootstrap_bca" else "percentile"
    ests = [
        _bootstrap(
            codes,
            w if groups is None else w * (groups == g),
            (offset, sign, parts),
            h if len(strata.strata) > 1 else None,
            count,
            (float(values[g]), int(sizes[g]), level, interval, n_resamples),
            rng,
        )
        for g in range(len(labels))
    ]
    results = finish(parts, IndexColumns.of(ests), nrr, counts, labels, name, stacklevel=5)
    if keys is None:
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
