r"""Importance–performance analysis of two forms whose rows stay in an engine.

IPA needs only the item means of each form with their intervals; the quadrants,
conformity and clarity follow from those. The influence values of item mean ``j`` are
``w z_j = (w a_j y_j − M_j · w a_j) / Σ w a_j``, so the engine sums, per (stratum, PSU,
domain) cell and item of each form, ``w a y``, ``w a`` and the answer count, and counts
the rows with any answer; without clusters also the three products of each item's two
sums (``6k`` in all, not every pair). The results are those of
:func:`servqual.indices.ipa.ipa_results`, the in-memory finishing step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from servqual.engines._items import (
    add_products,
    item_means,
    item_variances,
    paired_item_sums,
)
from servqual.engines._reduce import by_columns, reduce_cells
from servqual.indices.ipa import IPAParts

__all__ = ["engine_ipa_parts"]


def engine_ipa_parts(
    performance: Any, importance: Any, by: Any
) -> tuple[list[Any], IPAParts, float]:
    """Domain keys, the :class:`~servqual.indices.ipa.IPAParts` and the design df.

    Raises
    ------
    servqual.errors.ServqualTypeError, servqual.errors.ItemError, servqual.errors.RespondentError
        The forms are not two sets of columns of one engine frame with one design.
    servqual.errors.InsufficientDataError
        An item unanswered in a domain.
    """
    perf, sums = paired_item_sums(performance, importance)
    k = len(perf.instrument.items)
    pairs = [[f"{f}y{j}", f"{f}a{j}"] for f in "pi" for j in range(k)]
    add_products(sums, pairs, perf.design.spec.clusters is not None)
    cells = reduce_cells(perf.lazy, perf.design.spec, by_columns(perf.lazy, by), sums, [])
    ids = perf.instrument.item_ids
    p_means = item_means(cells, "p", ids)  # performance first, as in memory
    i_means = item_means(cells, "i", ids)
    parts = IPAParts(
        p_means.means,
        item_variances(cells, p_means),
        p_means.counts,
        i_means.means,
        item_variances(cells, i_means),
        i_means.counts,
        np.rint(cells.total("n")).astype(np.intp),
    )
    keys = ["all"] if cells.domains is None else list(cells.domains.keys)
    return keys, parts, cells.df
