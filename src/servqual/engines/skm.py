r"""The SKM index of answers that stay in an engine (the engine half of ``sq.skm_index``).

Per (stratum, PSU, domain) cell the engine sums, for each element ``j``,
``w a_j y_j`` (``y`` the answer, ``a`` answered) and ``w a_j``, and counts the answers
(an integer column: ``Σ w·y`` and ``count``, which skip its nulls; an element with no
missing answer: ``Σ w`` serves every such element); the PSU total of the index's
influence values in a cell is then

.. math::

    t = \sum_j \frac{25 \omega_j s_j}{\hat T_{aj}} \left(S_j - \bar y_j A_j\right),

computed on the client, and the variance, the interval, the grades and the per-element
results come from the functions :func:`servqual.skm_index` uses in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._by import key_text
from servqual.engines._reduce import Cells, Sum, by_columns, reduce_cells
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

FloatArray = npt.NDArray[np.float64]


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


@dataclass(frozen=True)
class _Plan:
    """The cell sums of the index: per element, which sum holds each total.

    ``s[j]`` is Σ w·y over the answered rows, ``a[j]`` Σ w over them (``"w"``, the
    cell's weight, when element ``j`` has no missing answer) and ``k[j]`` the answers.
    """

    sums: dict[str, Sum]
    s: list[str]
    a: list[str]
    k: list[str]
    complete: tuple[int, ...]


def _plan(responses: EngineResponses, complete: frozenset[str]) -> _Plan:
    """The fewest sums that give every element's totals.

    An integer column's null is its only missing value, so Σ w·y skips it by itself and
    the engine's ``count`` gives the answers; a float column (NaN) needs the answered
    flag. An element ``complete`` (no null, known from the validation) has Σ w·a = Σ w.
    """
    import narwhals as nw

    lazy = responses.lazy
    schema = lazy.collect_schema()
    spec = responses.design.spec
    w = spec.weight_expr()
    if spec.weights is None:  # a constant weight is no column to sum: count instead
        complete = frozenset()
    sums: dict[str, Sum] = {"w": Sum(w, 1)} if complete else {}
    s, a, k, done = [], [], [], []
    for j, col in enumerate(responses.item_columns.values()):
        y = nw.col(col)
        if schema[col].is_integer():
            sums[f"s{j}"] = Sum(w * y, 1)
            sums[f"k{j}"] = Sum(y, 0, count=True)
            if col in complete:
                done.append(j)
            elif spec.weights is None and spec.clusters is not None:
                # unit weights, no cross-products: Σ w·a is the count (scaled by an fpc)
                sums[f"a{j}"] = Sum(y, 1, count=True)
            else:
                sums[f"a{j}"] = Sum(nw.when(~y.is_null()).then(w), 1)
        else:
            answered = ~missing(lazy, col)
            sums[f"s{j}"] = Sum(w * nw.when(answered).then(y.cast(nw.Float64)).otherwise(0.0), 1)
            sums[f"a{j}"] = Sum(w * answered.cast(nw.Float64), 1)
            sums[f"k{j}"] = Sum(answered.cast(nw.Float64), 0)
        s.append(f"s{j}")
        a.append("w" if j in done else f"a{j}")
        k.append(f"k{j}")
    return _Plan(sums, s, a, k, tuple(done))


def _reduce(responses: EngineResponses, by_cols: tuple[str, ...]) -> tuple[_Plan, Cells]:
    """The cells; if an element taken as complete has a missing answer now, sum it again.

    The completeness comes from the validation query; a frame whose data changed since
    (a table under a DuckDB relation) is caught by the answer counts, which are summed
    either way.
    """
    spec = responses.design.spec
    plan = _plan(responses, responses.complete_columns)
    cross = list(dict.fromkeys(plan.s + plan.a))
    cells = reduce_cells(responses.lazy, spec, by_cols, plan.sums, cross)
    stale = any((cells.sums[plan.k[j]] != cells.rows).any() for j in plan.complete)
    if stale:
        plan = _plan(responses, frozenset())
        cross = list(dict.fromkeys(plan.s + plan.a))
        cells = reduce_cells(responses.lazy, spec, by_cols, plan.sums, cross)
    return plan, cells


def orientation(instrument: Any) -> tuple[FloatArray, FloatArray]:
    """Per element, the ``offset`` and ``sign`` turning a mean code into its NRR."""
    reverse = np.array([item.reverse for item in instrument.items])
    offset = np.where(reverse, float(instrument.scale.max), float(instrument.scale.min))
    return offset, np.where(reverse, -1.0, 1.0)


def checked_domains(
    parts: ResultParts, cells: Cells, counts: FloatArray, answered: FloatArray, by: Any
) -> tuple[Any, Any, list[str | None], str | None]:
    """Domain sizes, keys (``None`` without ``by``), labels and ``by`` name of the cells.

    With the in-memory checks: at least 2 respondents without ``by``, every element
    answered (with positive weight) in every domain.
    """
    sizes = cells.domain_rows()
    name = None if by is None else (by if isinstance(by, str) else ", ".join(by))
    keys = None if cells.domains is None else cells.domains.keys
    labels: list[str | None] = [None] if keys is None else [key_text(key) for key in keys]
    if keys is None and sizes[0] < 2:
        raise InsufficientDataError(
            f"the SKM index needs at least 2 respondents, got {int(sizes[0])}: no interval "
            "can be computed with one respondent"
        )
    check_every_domain(parts, counts, answered, name, labels)
    return sizes, keys, labels, name


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
    offset, sign = orientation(inst)
    plan, cells = _reduce(responses, by_columns(responses.lazy, by))
    value_tot = np.column_stack([cells.total(name) for name in plan.s])
    answered_tot = np.column_stack([cells.total(name) for name in plan.a])
    counts = np.column_stack([cells.total(name) for name in plan.k])
    sizes, keys, labels, name = checked_domains(parts, cells, counts, answered_tot, by)
    mean_y = value_tot / answered_tot
    nrr = offset + sign * (mean_y - float(inst.scale.min))
    values = 25.0 * (nrr @ parts.omega)
    variances = cell_variances(cells, *_influence(plan, parts.omega * sign, answered_tot, mean_y))
    index = IndexColumns.linearized(
        values, variances, sizes, df=cells.df, level=level, bounds=parts.range
    )
    results = finish(parts, index, nrr, counts, labels, name, stacklevel=5)
    if keys is None:
        return results[0]
    return DomainResults(zip(keys, results, strict=True), by=by)


def _influence(
    plan: _Plan, signed_omega: FloatArray, answered_tot: FloatArray, mean_y: FloatArray
) -> tuple[list[str], FloatArray]:
    r"""The summed variables of the influence values and their per-domain coefficients.

    Element ``j`` adds :math:`b_j (S_j - \bar y_j A_j)` with
    :math:`b_j = 25 \omega_j s_j / \hat T_{aj}` (equal to :math:`b_j (C_j - \bar c_j A_j)`
    with the codes ``c = y − min``); a sum shared by several elements (``"w"``) gets the
    sum of their coefficients.
    """
    coef = 25.0 * signed_omega / answered_tot  # (G, k)
    names = list(dict.fromkeys(plan.s + plan.a))
    out = np.zeros((coef.shape[0], len(names)))
    for j, (s, a) in enumerate(zip(plan.s, plan.a, strict=True)):
        out[:, names.index(s)] += coef[:, j]
        out[:, names.index(a)] -= coef[:, j] * mean_y[:, j]
    return names, out
