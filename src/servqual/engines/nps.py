"""The Net Promoter Score of answers that stay in an engine (the engine half of ``sq.nps``).

Per (stratum, PSU, domain) cell the engine sums ``w·s`` (the +100 / 0 / −100 score),
``w·a`` (answered), the weighted promoters and detractors, and counts the answers; the
means, their design variances and the shares come back, and :func:`servqual.nps`
finishes each domain with the in-memory code (textbook divisor, adjusted Wald).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.engines._calibrated_variance import design_cell_variances, design_cells
from servqual.engines._reduce import Sum, by_columns
from servqual.engines._validate import missing
from servqual.engines.responses import EngineResponses
from servqual.engines.single import item_column
from servqual.errors import InsufficientDataError
from servqual.indices._common import check_scale
from servqual.instruments import NPS

__all__ = ["EngineNPSParts", "engine_nps_parts"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class EngineNPSParts:
    """Per domain: keys, mean score, design variance, answers, shares; rows of the design."""

    keys: list[Any]
    value: FloatArray
    variance: FloatArray
    n: npt.NDArray[np.intp]
    promoters: FloatArray
    detractors: FloatArray
    n_rows: int


def _column(responses: EngineResponses, item: str | None) -> tuple[str, bool]:
    """The item's frame column and whether it is reverse-scored (as ``single_item``)."""
    check_scale(responses.instrument, NPS.scale, "NPS")
    return item_column(responses, item)


def engine_nps_parts(responses: EngineResponses, by: Any, item: str | None) -> EngineNPSParts:
    """The per-domain pieces :func:`servqual.nps` needs, from one engine aggregation."""
    import narwhals as nw

    col, reverse = _column(responses, item)
    y = nw.col(col).cast(nw.Float64)
    if reverse:
        y = 10.0 - y
    answered = ~missing(responses.lazy, col)
    score = nw.when(y >= 9).then(100.0).when(y >= 7).then(0.0).otherwise(-100.0)
    w = responses.design.spec.weight_expr()

    def flag(cond: Any) -> Any:
        return nw.when(answered & cond).then(1.0).otherwise(0.0)

    sums = {
        "wy": Sum(w * nw.when(answered).then(score).otherwise(0.0), 1),
        "wx": Sum(w * flag(nw.lit(value=True)), 1),
        "pro": Sum(w * flag(y >= 9), 1),
        "det": Sum(w * flag(y < 7), 1),
        "n": Sum(flag(nw.lit(value=True)), 0),
    }
    by_cols = by_columns(responses.lazy, by)
    cells = design_cells(responses.design, by_cols, sums, ["wy", "wx"])
    keys = ["all"] if cells.domains is None else list(cells.domains.keys)
    size = cells.total("wx")
    empty = np.flatnonzero(size <= 0)
    if empty.size:
        name = item or responses.instrument.item_ids[0] if by is None else keys[int(empty[0])]
        raise InsufficientDataError(f"item {name!r} has no answers in this group: no mean")
    value = cells.total("wy") / size
    variance = design_cell_variances(
        cells, ["wy", "wx"], np.column_stack([1.0 / size, -value / size])
    )
    n = np.rint(cells.total("n")).astype(np.intp)
    return EngineNPSParts(
        keys,
        value,
        variance,
        n,
        cells.total("pro") / size,
        cells.total("det") / size,
        int(cells.rows.sum()),
    )
