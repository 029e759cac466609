"""Item, dimension and overall means of a multi-item instrument (SERVQUAL, SERVPERF).

Item means are design means over the answered rows (linearized as ratios); a dimension is
the plain mean of its items' means and the overall figure the plain mean of the dimension
figures, so their linearized values are the same averages of the items' values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servqual.design._estimators import estimates_from_variances
from servqual.errors import ItemError
from servqual.indices import _common as c
from servqual.models.instrument import Instrument
from servqual.models.results import Estimate
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.intervals import Bounds

__all__ = [
    "GroupProfile",
    "Profile",
    "dimension_columns",
    "grouped_profiles",
    "profile",
    "profile_values",
    "profile_weights",
    "profiles_from",
]

FloatArray = npt.NDArray[np.float64]


def dimension_columns(instrument: Instrument) -> dict[str, list[int]]:
    """Dimension → column positions, dimensions in order of first appearance.

    Raises
    ------
    servqual.errors.ItemError
        If an item has no dimension.
    """
    out: dict[str, list[int]] = {}
    for j, item in enumerate(instrument.items):
        if item.dimension is None:
            raise ItemError(
                f"item {item.id!r} of instrument {instrument.id!r} has no dimension; "
                "dimension and overall figures need every item in a dimension"
            )
        out.setdefault(item.dimension, []).append(j)
    return out


@dataclass(frozen=True)
class Profile:
    """Estimates per item and dimension and overall, plus the overall linearized value."""

    items: dict[str, Estimate]
    dimensions: dict[str, Estimate]
    overall: Estimate
    overall_lin: c.Lin


def profile(
    values: FloatArray,
    instrument: Instrument,
    arrays: DesignArrays,
    mask: npt.NDArray[np.bool_],
    level: float,
    bounds: Bounds | None = None,
) -> Profile:
    """Item, dimension and overall means of ``values`` (n, k) over the domain ``mask``.

    ``bounds`` is the range of every mean (the scale, or the range of a gap).
    """
    dims = dimension_columns(instrument)
    ids = instrument.item_ids
    means, z, counts = c.item_means(values, arrays, mask, ids)
    dim_values = np.array([means[cols].mean() for cols in dims.values()])
    dim_z = np.column_stack([z[:, cols].mean(axis=1) for cols in dims.values()])
    n_dim = [int(counts[cols].max()) for cols in dims.values()]
    all_values = np.concatenate([means, dim_values, [dim_values.mean()]])
    all_z = np.column_stack([z, dim_z, dim_z.mean(axis=1)])
    answered = int((~np.isnan(values) & mask[:, None]).any(axis=1).sum())
    est = c.estimates(all_values, all_z, [*counts, *n_dim, answered], arrays, level, bounds=bounds)
    k, d = len(ids), len(dims)
    return Profile(
        items=dict(zip(ids, est[:k], strict=True)),
        dimensions=dict(zip(dims, est[k : k + d], strict=True)),
        overall=est[-1],
        overall_lin=c.Lin(float(all_values[-1]), all_z[:, -1], answered),
    )


@dataclass(frozen=True)
class GroupProfile:
    """Estimates per item and dimension and overall, of one domain."""

    items: dict[str, Estimate]
    dimensions: dict[str, Estimate]
    overall: Estimate


def profile_values(
    means: FloatArray, counts: FloatArray, answered: npt.ArrayLike, dims: dict[str, list[int]]
) -> tuple[FloatArray, FloatArray]:
    """(G, k + d + 1) values and counts of the items, dimensions and overall figure.

    A dimension is the plain mean of its items' means, the overall figure the plain mean
    of the dimensions; a dimension counts its most answered item, the overall figure
    the respondents with any answer (``answered``, (G,)).
    """
    dim_values = np.column_stack([means[:, cols].mean(axis=1) for cols in dims.values()])
    n_dim = np.column_stack([counts[:, cols].max(axis=1) for cols in dims.values()])
    all_values = np.column_stack([means, dim_values, dim_values.mean(axis=1)])
    return all_values, np.column_stack([counts, n_dim, answered])


def profile_weights(dims: dict[str, list[int]], k: int) -> FloatArray:
    """(k, k + d + 1): each figure's weights on the item means (their influence values too).

    The linear map :func:`profile_values` applies to the means, for an engine's cell sums.
    """
    d = len(dims)
    out = np.zeros((k, k + d + 1))
    out[:, :k] = np.eye(k)
    for m, cols in enumerate(dims.values()):
        out[cols, k + m] = 1.0 / len(cols)
    out[:, -1] = out[:, k : k + d].mean(axis=1)
    return out


def profiles_from(
    values: FloatArray,
    var: FloatArray,
    n: FloatArray,
    instrument: Instrument,
    *,
    df: float,
    level: float,
    bounds: Bounds | None,
) -> list[GroupProfile]:
    """The :class:`GroupProfile` of every domain from its (G, k + d + 1) figures."""
    dims = dimension_columns(instrument)
    ids = instrument.item_ids
    k, d = len(ids), len(dims)
    m = values.shape[1]
    # every domain's figures in one call (rows of (G, k + d + 1) flattened)
    every = estimates_from_variances(
        values.ravel(), var.ravel(), n.ravel(), df=df, level=level, bounds=bounds
    )
    out = []
    for g in range(values.shape[0]):  # loop over domains: results only, no pass over rows
        est = every[g * m : (g + 1) * m]
        out.append(
            GroupProfile(
                items=dict(zip(ids, est[:k], strict=True)),
                dimensions=dict(zip(dims, est[k : k + d], strict=True)),
                overall=est[-1],
            )
        )
    return out


def grouped_profiles(
    values: FloatArray,
    instrument: Instrument,
    arrays: DesignArrays,
    groups: npt.NDArray[np.intp],
    n_groups: int,
    level: float,
    bounds: Bounds | None = None,
) -> list[GroupProfile]:
    """:func:`profile` of every domain in one pass over the rows (domain code per row).

    ``bounds`` is the range of every mean (the scale, or the range of a gap).

    Each row's influence values are those of its own domain; the variances of the
    ``k + d + 1`` figures of every domain come from
    :func:`~servqual.stats.domain_variance.domain_variances`, one call per figure.
    """
    dims = dimension_columns(instrument)
    means, z, counts = c.grouped_item_means(values, arrays, groups, n_groups, instrument.item_ids)
    dim_z = np.column_stack([z[:, cols].mean(axis=1) for cols in dims.values()])
    all_z = np.column_stack([z, dim_z, dim_z.mean(axis=1)])
    answered = np.bincount(groups[(~np.isnan(values)).any(axis=1)], minlength=n_groups)
    all_values, all_n = profile_values(means, counts, answered, dims)
    var = c.column_variances(all_z, groups, n_groups, arrays)
    return profiles_from(
        all_values, var, all_n, instrument, df=arrays.df, level=level, bounds=bounds
    )
