r"""Item means of multi-item indices from an engine's cell sums (CSI, IPA, SERVQUAL).

The design mean of item ``j`` over the rows that answered it is the ratio
``M_j = Σ w a_j y_j / Σ w a_j`` (``a`` answered, ``y`` the answer, or the gap ``P − E``),
and its influence values are ``w z_j = (w a_j y_j − M_j · w a_j) / Σ w a_j``. So an
index whose influence values are a combination ``Σ_j A_j z_j`` of item means (CSI, IPA,
SERVQUAL item, dimension and overall gaps) needs from the engine, per (stratum, PSU,
domain) cell, only ``Σ w a_j y_j`` (``y{j}``), ``Σ w a_j`` (``a{j}``) and the answer
counts (``n{j}``), plus the products of the pairs a combination mixes when the design
has no clusters (each row is then a PSU: see :mod:`servqual.engines._reduce`).

The two forms of a paired index (performance and importance; perceptions and
expectations) are two sets of columns of one engine frame: rows of two frames cannot be
paired without an order, which a lazy frame does not have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.engines._reduce import Cells, Sum
from servqual.engines._validate import missing
from servqual.engines._variance import cell_variances
from servqual.engines.responses import EngineResponses
from servqual.errors import InsufficientDataError, RespondentError, ServqualTypeError
from servqual.indices._common import check_responses, check_same_items

__all__ = [
    "ItemMeans",
    "add_products",
    "check_engine_pair",
    "combination_variance",
    "item_means",
    "item_sums",
    "item_variances",
    "scored",
]

FloatArray = npt.NDArray[np.float64]


def check_uncalibrated(responses: EngineResponses) -> None:
    """Refuse a post-stratified or raked engine design (its cells need the calibration).

    The paired-form indices reduce with the plain design's cells; estimating them on a
    calibrated engine design would silently drop the calibration.

    Raises
    ------
    servqual.errors.ServqualTypeError
        The design is calibrated.
    """
    if getattr(responses.design, "calibration", None) is not None:
        raise ServqualTypeError(
            "csi, ipa, servqual_gaps and servperf do not run on a post-stratified or raked "
            f"{responses.design.engine} design yet: collect the frame first "
            "(e.g. frame.collect()) and calibrate in memory"
        )


def check_engine_pair(first: object, second: object, names: tuple[str, str]) -> None:
    """Two forms over one engine frame, with the same items and the same design.

    The engine counterpart of :func:`servqual.indices._common.check_paired`.

    Raises
    ------
    servqual.errors.ServqualTypeError
        One form in memory and the other in an engine.
    servqual.errors.ItemError
        The item ids differ.
    servqual.errors.RespondentError
        The forms are over two different frames, or have different design columns.
    """
    a, b = names
    check_responses(first, a)
    check_responses(second, b)
    if not (isinstance(first, EngineResponses) and isinstance(second, EngineResponses)):
        engine, lazy_name, memory_name = (
            (first.design.engine, a, b)
            if isinstance(first, EngineResponses)
            else (second.design.engine, b, a)  # type: ignore[attr-defined]  # so is second
        )
        raise ServqualTypeError(
            f"{lazy_name} stays in {engine} but {memory_name} is in memory: build both forms "
            "from the same frame (map each form's items to its columns with items=)"
        )
    check_same_items(first, second, names)
    check_uncalibrated(first)
    if first.lazy.to_native() is not second.lazy.to_native():
        raise RespondentError(
            f"{a} and {b} are over two different {first.design.engine} frames; a lazy frame "
            "has no row order to pair respondents by: give both forms as columns of one "
            "frame (map each form's items to its columns with items=)"
        )
    if first.design.spec != second.design.spec:
        raise RespondentError(
            f"{a} and {b} have different design columns ({first.design.spec} vs "
            f"{second.design.spec}): use one design"
        )


def scored(responses: EngineResponses, j: int) -> tuple[Any, Any]:
    """Item ``j``'s answer and whether it is answered, as engine expressions.

    The answer is a float, reverse-scored if the item is (``Responses.values``).
    """
    import narwhals as nw

    inst = responses.instrument
    col = responses.item_columns[inst.items[j].id]
    y = nw.col(col).cast(nw.Float64)
    if inst.items[j].reverse:
        y = float(inst.scale.min + inst.scale.max) - y
    return y, ~missing(responses.lazy, col)


def item_sums(prefix: str, values: Sequence[tuple[Any, Any]], w: Any) -> dict[str, Sum]:
    """``Σ w a y``, ``Σ w a`` and ``Σ a`` per item, named ``{prefix}y{j}``, ``…a{j}``, ``…n{j}``.

    ``values`` holds each item's ``(y, a)`` expressions; ``y`` is zeroed where ``a`` is
    false (a missing answer is null or NaN in the engine).
    """
    import narwhals as nw

    sums: dict[str, Sum] = {}
    for j, (y, a) in enumerate(values):
        sums[f"{prefix}y{j}"] = Sum(w * nw.when(a).then(y).otherwise(0.0), 1)
        sums[f"{prefix}a{j}"] = Sum(w * nw.when(a).then(1.0).otherwise(0.0), 1)
        sums[f"{prefix}n{j}"] = Sum(nw.when(a).then(1.0).otherwise(0.0), 0)
    return sums


def add_products(sums: dict[str, Sum], groups: Sequence[Sequence[str]], clusters: bool) -> None:
    """Without clusters, add ``"a*b"`` for every pair within each group of variables.

    Each group is the variables one combination mixes; ``cell_variances`` reads the
    pairs of the names it is given. With clusters the cells' own sums suffice.
    """
    if clusters:
        return
    for names in groups:
        for i, a in enumerate(names):
            for b in names[i:]:
                if f"{a}*{b}" not in sums and f"{b}*{a}" not in sums:
                    power = sums[a].power + sums[b].power
                    sums[f"{a}*{b}"] = Sum(sums[a].expr * sums[b].expr, power)


@dataclass(frozen=True)
class ItemMeans:
    """Per domain and item (G, k): means, weighted answer totals, answer counts."""

    prefix: str
    means: FloatArray
    sizes: FloatArray
    counts: FloatArray

    def names(self) -> list[str]:
        """The summed variables, ``y`` of every item then ``a`` of every item."""
        k = self.means.shape[1]
        return [f"{self.prefix}y{j}" for j in range(k)] + [f"{self.prefix}a{j}" for j in range(k)]

    def coefficients(self, weights: FloatArray) -> FloatArray:
        """(G, 2k) coefficients on :meth:`names` of ``Σ_j weights[:, j] z_j``."""
        return np.hstack([weights / self.sizes, -weights * self.means / self.sizes])


def item_means(cells: Cells, prefix: str, labels: Sequence[str]) -> ItemMeans:
    """The item means of every domain from the cell sums of :func:`item_sums`.

    Raises
    ------
    servqual.errors.InsufficientDataError
        An item with no answer in a domain, worded as
        :func:`servqual.indices._common.grouped_item_means` words it.
    """
    k = len(labels)
    sizes = np.column_stack([cells.total(f"{prefix}a{j}") for j in range(k)])
    for j in range(k):  # first item in order, as in memory
        if np.any(sizes[:, j] <= 0):
            raise InsufficientDataError(f"item {labels[j]!r} has no answers in this group: no mean")
    totals = np.column_stack([cells.total(f"{prefix}y{j}") for j in range(k)])
    counts = np.column_stack([cells.total(f"{prefix}n{j}") for j in range(k)])
    return ItemMeans(prefix, totals / sizes, sizes, np.rint(counts))


def item_variances(cells: Cells, items: ItemMeans) -> FloatArray:
    """(G, k) design variances of each item mean (its own two variables only)."""
    k = items.means.shape[1]
    out = np.empty_like(items.means)
    for j in range(k):
        names = [f"{items.prefix}y{j}", f"{items.prefix}a{j}"]
        coef = np.column_stack([1.0 / items.sizes[:, j], -items.means[:, j] / items.sizes[:, j]])
        out[:, j] = cell_variances(cells, names, coef)
    return out


def combination_variance(cells: Cells, parts: Sequence[tuple[ItemMeans, FloatArray]]) -> FloatArray:
    """(G,) design variance of ``Σ_parts Σ_j A[:, j] z_j`` (``A`` the (G, k) weights)."""
    names: list[str] = []
    coefs = []
    for items, weights in parts:
        names += items.names()
        coefs.append(items.coefficients(weights))
    return cell_variances(cells, names, np.hstack(coefs))


def answered_any(answered: Sequence[Any]) -> Any:
    """1.0 on a row with at least one of the ``answered`` expressions true, else 0.0."""
    import narwhals as nw

    anyone = answered[0]
    for a in answered[1:]:
        anyone = anyone | a
    return nw.when(anyone).then(1.0).otherwise(0.0)


def paired_item_sums(
    performance: object, importance: object
) -> tuple[EngineResponses, dict[str, Sum]]:
    """The checked pair's first form and the item sums of both (prefixes ``p``, ``i``).

    Also ``n``: the rows answering at least one item of either form. Raises as
    :func:`check_engine_pair`.
    """
    check_engine_pair(performance, importance, ("performance", "importance"))
    perf: EngineResponses = performance  # type: ignore[assignment]  # checked just above
    imp: EngineResponses = importance  # type: ignore[assignment]
    k = len(perf.instrument.items)
    p_vals = [scored(perf, j) for j in range(k)]
    i_vals = [scored(imp, j) for j in range(k)]
    w = perf.design.spec.weight_expr()
    sums = item_sums("p", p_vals, w) | item_sums("i", i_vals, w)
    sums["n"] = Sum(answered_any([a for _, a in p_vals + i_vals]), 0)
    return perf, sums
