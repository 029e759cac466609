r"""The SKM index of a post-stratified or raked engine design (private).

As :func:`servqual.engines.skm.engine_skm_index`: per (stratum, PSU, domain) cell the
engine sums ``w a_j c_j`` and ``w a_j`` per element, here also per calibration cell, with
the row weight and the unweighted sums the calibration residuals need
(:mod:`servqual.engines._calibrated_variance`). The index, its variance (R
``postStratify``/``rake`` residuals), grades and elements come out as in memory.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from servqual.engines._calibrated_variance import calibrated_reduce, calibrated_variances
from servqual.engines._reduce import Sum, by_columns
from servqual.engines._validate import missing
from servqual.engines.calibration import row_weight
from servqual.engines.responses import EngineResponses
from servqual.engines.skm import _parts, checked_domains, orientation
from servqual.indices._skm_results import IndexColumns, finish
from servqual.indices.skm_result import SKMResult
from servqual.models.frames import DomainResults
from servqual.stats.quantiles import check_level

__all__ = ["calibrated_skm_index"]


def _sums(responses: EngineResponses) -> tuple[dict[str, Sum], list[str], list[str]]:
    """Per element ``w a c``, ``w a``, answer counts, and their unweighted sums (w > 0)."""
    import narwhals as nw

    lazy, low = responses.lazy, float(responses.instrument.scale.min)
    first = next(iter(responses.item_columns.values()))
    w = row_weight(responses.design.spec, first)
    positive = nw.when(w > 0).then(1.0).otherwise(0.0)
    sums: dict[str, Sum] = {"wall": Sum(w, 1), "posall": Sum(positive, 0)}
    for j, col in enumerate(responses.item_columns.values()):
        answered = (~missing(lazy, col)).cast(nw.Float64)  # 1.0 / 0.0
        code = (nw.col(col).cast(nw.Float64) - low).fill_null(0.0)
        if lazy.collect_schema()[col].is_float():
            code = code.fill_nan(0.0)
        sums[f"c{j}"] = Sum(w * code, 1)
        sums[f"a{j}"] = Sum(w * answered, 1)
        sums[f"k{j}"] = Sum(answered, 0)
        sums[f"pc{j}"] = Sum(code * positive, 0)
        sums[f"pa{j}"] = Sum(answered * positive, 0)
    k = len(responses.item_columns)
    names = [f"c{j}" for j in range(k)] + [f"a{j}" for j in range(k)]
    return sums, names, [f"p{name}" for name in names]


def calibrated_skm_index(
    responses: EngineResponses, *, level: float, by: Any, weights: str, method: str
) -> SKMResult | DomainResults[SKMResult]:
    """:func:`servqual.skm_index` of engine responses whose design is calibrated."""
    level = check_level(level)
    parts = _parts(responses, weights, method)
    inst = responses.instrument
    offset, sign = orientation(inst)
    by_cols = by_columns(responses.lazy, by)
    sums, names, plain = _sums(responses)
    design = responses.design
    cal = design.calibration  # type: ignore[attr-defined]  # a CalibratedEngineDesign
    cc = calibrated_reduce(responses.lazy, design.spec, cal, by_cols, sums, [*names, "wall"])
    cells = cc.final
    k = len(inst.items)
    code_tot = np.column_stack([cells.total(f"c{j}") for j in range(k)])
    answered_tot = np.column_stack([cells.total(f"a{j}") for j in range(k)])
    counts = np.column_stack([cells.total(f"k{j}") for j in range(k)])
    sizes, keys, labels, name = checked_domains(parts, cells, counts, answered_tot, by)
    mean_codes = code_tot / answered_tot
    nrr = offset + sign * mean_codes
    values = 25.0 * (nrr @ parts.omega)
    coef = 25.0 * parts.omega * sign / answered_tot  # (G, k)
    variances = calibrated_variances(cc, names, plain, np.hstack([coef, -coef * mean_codes]))
    index = IndexColumns.linearized(
        values, variances, sizes, df=cells.df, level=level, bounds=parts.range
    )
    results = finish(parts, index, nrr, counts, labels, name, stacklevel=6)
    if keys is None:
        return results[0]
    return DomainResults(zip(keys, results, strict=True), by=by)
