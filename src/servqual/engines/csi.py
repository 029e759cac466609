r"""The CSI of two forms whose rows stay in an engine (the engine half of ``sq.csi``).

The CSI's influence values are (module :mod:`servqual.indices.csi`)

.. math::

    z_i = \frac{100}{\mathrm{HS}} \sum_j \Big[ \mathrm{wf}_j\, z^{P}_{ij}
          + \frac{\mathrm{MSS}_j - \bar M}{S}\, z^{I}_{ij} \Big],

a combination of the item means' influence values, each linear in ``w a y`` and ``w a``
of its form. So the engine sums, per (stratum, PSU, domain) cell and item, the weighted
performance and importance answers, their weighted answer totals and counts (``4k``
sums and ``2k`` counts), and the rows with any answer; without clusters also the
products of the ``4k`` sums, pairwise. The weights ``wf`` and ``(MSS − M̄)/S`` come from
:func:`servqual.indices.csi.csi_weights`, and the results from
:func:`servqual.indices.csi.csi_results`: the in-memory code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from servqual.engines._items import (
    add_products,
    combination_variance,
    item_means,
    item_variances,
    paired_item_sums,
)
from servqual.engines._reduce import by_columns, reduce_cells
from servqual.indices.csi import CSIParts, csi_weights

__all__ = ["engine_csi_parts"]


def engine_csi_parts(
    performance: Any, importance: Any, by: Any
) -> tuple[list[Any], CSIParts, float]:
    """Domain keys, the :class:`~servqual.indices.csi.CSIParts` and the design df.

    Raises
    ------
    servqual.errors.ServqualTypeError, servqual.errors.ItemError, servqual.errors.RespondentError
        The forms are not two sets of columns of one engine frame with one design
        (:func:`~servqual.engines._items.check_engine_pair`).
    servqual.errors.InsufficientDataError
        An item unanswered in a domain, or every mean importance zero.
    """
    perf, sums = paired_item_sums(performance, importance)
    k = len(perf.instrument.items)
    names = [f"{f}{v}{j}" for f in "pi" for v in "ya" for j in range(k)]
    add_products(sums, [names], perf.design.spec.clusters is not None)
    cells = reduce_cells(perf.lazy, perf.design.spec, by_columns(perf.lazy, by), sums, [])
    ids = perf.instrument.item_ids
    i_means = item_means(cells, "i", ids)  # importance first, as in memory
    p_means = item_means(cells, "p", ids)
    value, coef_p, coef_i = csi_weights(i_means.means, p_means.means, perf.instrument.scale.max)
    scale = 100.0 / perf.instrument.scale.max
    var = combination_variance(cells, [(p_means, scale * coef_p), (i_means, scale * coef_i)])
    parts = CSIParts(
        value,
        var,
        np.rint(cells.total("n")).astype(np.intp),
        i_means.means,
        p_means.means,
        item_variances(cells, i_means),
        item_variances(cells, p_means),
        i_means.counts,
        p_means.counts,
    )
    keys = ["all"] if cells.domains is None else list(cells.domains.keys)
    return keys, parts, cells.df
