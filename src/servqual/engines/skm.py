r"""The SKM index of answers that stay in an engine (the engine half of ``sq.skm_index``).

Per (stratum, PSU, domain) cell the engine sums, for each element ``j``,
``w a_j c_j`` (``c`` the answer code ``y − 1``, ``a`` answered) and ``w a_j``, and counts
the answers; the PSU total of the index's influence values in a cell is then

.. math::

    t = \sum_j \frac{25 \omega_j s_j}{\hat T_{aj}} \left(C_j - \bar c_j A_j\right),

computed on the client, and the variance, the interval, the grades and the per-element
results come from the functions :func:`servqual.skm_index` uses in memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from servqual.design._by import key_text
from servqual.engines._reduce import Sum, by_columns, reduce_cells
from servqual.engines._validate import missing
from servqual.engines._variance import cell_variances
from servqual.engines.responses import EngineResponses
from servqual.errors import InsufficientDataError, ParameterError
from servqual.indices._skm_inputs import _METHODS, _WEIGHTS_MODES
from servqual.indices._skm_results import (
    IndexColumns,
    ResultParts,
    check_every_domain,
    check_skm_scale,
    finish,
)
from servqual.indices.skm_result import SKMResult
from servqual.models.frames import DomainResults
from servqual.stats.quantiles import check_level

__all__ = ["engine_skm_index"]


def _parts(responses: EngineResponses, weights: str, method: str) -> ResultParts:
    """The checked arguments' per-element constants (as ``_skm_inputs.validate``)."""
    if weights not in _WEIGHTS_MODES:
        raise ParameterError(f"weights must be one of {list(_WEIGHTS_MODES)}, got {weights!r}")
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {list(_METHODS)}, got {method!r}")
    if method != "linearization":
        raise ParameterError(
            f"method {method!r} resamples rows in memory; a frame reduced in "
            f"{responses.design.engine} supports method='linearization' only"
        )
    check_skm_scale(responses.instrument)
    return ResultParts.of(responses.instrument, weights)  # type: ignore[arg-type]  # checked above


def _sums(responses: EngineResponses) -> tuple[dict[str, Sum], list[str]]:
    """``w a c`` and ``w a`` per element (the variables of the influence values), and counts."""
    import narwhals as nw

    lazy, low = responses.lazy, float(responses.instrument.scale.min)
    w = responses.design.spec.weight_expr()
    sums: dict[str, Sum] = {}
    for j, col in enumerate(responses.item_columns.values()):
        answered = (~missing(lazy, col)).cast(nw.Float64)  # 1.0 / 0.0
        code = (nw.col(col).cast(nw.Float64) - low).fill_null(0.0)
        if lazy.collect_schema()[col].is_float():
            code = code.fill_nan(0.0)
        sums[f"c{j}"] = Sum(w * code, 1)
        sums[f"a{j}"] = Sum(w * answered, 1)
        sums[f"k{j}"] = Sum(answered, 0)
    k = len(responses.item_columns)
    return sums, [f"c{j}" for j in range(k)] + [f"a{j}" for j in range(k)]


def engine_skm_index(
    responses: EngineResponses,
    *,
    level: float,
    by: Any,
    weights: str,
    method: str,
    n_resamples: int = 2000,
    seed: Any = None,
) -> SKMResult | DomainResults[SKMResult]:
    """:func:`servqual.skm_index` of responses whose rows stay in an engine."""
    if method in ("bootstrap", "bootstrap_bca"):  # from the engine's answer patterns
        from servqual.engines.bootstrap import engine_skm_bootstrap

        return engine_skm_bootstrap(
            responses,
            level=level,
            by=by,
            weights=weights,
            method=method,
            n_resamples=n_resamples,
            seed=seed,
        )
    if hasattr(responses.design, "calibration"):  # post-stratified or raked
        from servqual.engines._calibrated_skm import calibrated_skm_index

        return calibrated_skm_index(responses, level=level, by=by, weights=weights, method=method)
    level = check_level(level)
    parts = _parts(responses, weights, method)
    inst = responses.instrument
    reverse = np.array([item.reverse for item in inst.items])
    offset = np.where(reverse, float(inst.scale.max), float(inst.scale.min))
    sign = np.where(reverse, -1.0, 1.0)
    by_cols = by_columns(responses.lazy, by)
    sums, names = _sums(responses)
    cells = reduce_cells(responses.lazy, responses.design.spec, by_cols, sums, names)
    k = len(inst.items)
    code_tot = np.column_stack([cells.total(f"c{j}") for j in range(k)])
    answered_tot = np.column_stack([cells.total(f"a{j}") for j in range(k)])
    counts = np.column_stack([cells.total(f"k{j}") for j in range(k)])
    sizes = cells.domain_rows()
    name = None if by is None else (by if isinstance(by, str) else ", ".join(by))
    keys = None if cells.domains is None else cells.domains.keys
    labels: list[str | None] = [None] if keys is None else [key_text(key) for key in keys]
    if keys is None and sizes[0] < 2:
        raise InsufficientDataError(
            f"the SKM index needs at least 2 respondents, got {int(sizes[0])}: no interval "
            "can be computed with one respondent"
        )
    check_every_domain(parts, counts, answered_tot, name, labels)
    mean_codes = code_tot / answered_tot
    nrr = offset + sign * mean_codes
    values = 25.0 * (nrr @ parts.omega)
    coef = 25.0 * parts.omega * sign / answered_tot  # (G, k)
    variances = cell_variances(cells, names, np.hstack([coef, -coef * mean_codes]))
    index = IndexColumns.linearized(
        values, variances, sizes, df=cells.df, level=level, bounds=parts.range
    )
    results = finish(parts, index, nrr, counts, labels, name, stacklevel=5)
    if keys is None:
        return results[0]
    return DomainResults(zip(keys, results, strict=True), by=by)
