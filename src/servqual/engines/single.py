"""Mean and top-box share of one item whose answers stay in an engine (CSAT).

The engine sums, per (stratum, PSU, domain) cell, ``w·v``, ``w·a`` and ``w·100·hit`` over
the answered rows (``v`` the answer, reverse-scored if the item is); the domain means,
shares and their design variances are finished on the client
(:func:`servqual.engines._variance.cell_variances`) and handed to the index's own loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from servqual.engines._calibrated_variance import design_cell_variances, design_cells
from servqual.engines._reduce import Sum, by_columns
from servqual.engines._validate import missing
from servqual.engines.responses import EngineResponses
from servqual.errors import InsufficientDataError
from servqual.indices._common import DomainMeans, chosen_item

__all__ = ["engine_mean_and_share", "item_column"]


def item_column(responses: EngineResponses, item: str | None) -> tuple[str, bool]:
    """The frame column of the chosen item and whether it is reverse-scored."""
    inst = responses.instrument
    item = chosen_item(inst, item)
    j = inst.index(item)
    return responses.item_columns[item], bool(inst.items[j].reverse)


def engine_mean_and_share(
    responses: EngineResponses, item: str | None, hit: Callable[[Any], Any], by: Any
) -> tuple[list[Any], DomainMeans, DomainMeans, float]:
    """Keys, the mean of the item and the percent share of ``hit(v)`` per domain, and df."""
    import narwhals as nw

    col, reverse = item_column(responses, item)
    scale = responses.instrument.scale
    v = nw.col(col).cast(nw.Float64)
    if reverse:
        v = float(scale.min + scale.max) - v
    answered = ~missing(responses.lazy, col)
    w = responses.design.spec.weight_expr()
    sums = {
        "wy": Sum(w * nw.when(answered).then(v).otherwise(0.0), 1),
        "wx": Sum(w * nw.when(answered).then(1.0).otherwise(0.0), 1),
        "wh": Sum(w * nw.when(answered & hit(v)).then(100.0).otherwise(0.0), 1),
        "n": Sum(nw.when(answered).then(1.0).otherwise(0.0), 0),
    }
    by_cols = by_columns(responses.lazy, by)
    cells = design_cells(responses.design, by_cols, sums, ["wy", "wx", "wh"])
    size = cells.total("wx")
    if (size <= 0).any():
        raise InsufficientDataError("item 'mean' has no answers in this group: no mean")
    n = np.rint(cells.total("n")).astype(np.intp)
    out = []
    for name in ("wy", "wh"):
        value = cells.total(name) / size
        coef = np.column_stack([1.0 / size, -value / size])
        out.append(DomainMeans(value, design_cell_variances(cells, [name, "wx"], coef), n))
    keys = ["all"] if cells.domains is None else list(cells.domains.keys)
    return keys, out[0], out[1], cells.df
