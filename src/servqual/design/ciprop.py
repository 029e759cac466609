"""R ``svyciprop`` semantics that need more than an estimate and its SE (private).

Used by :func:`servqual.design._front.proportion_estimates`, the one front of every
proportion (``Design.proportion`` and ``design.by(...).proportion``):

- **domain df** — inside ``svyby(..., svyciprop)`` R takes ``degf()`` of each domain's
  subset design: the first-stage units with a row in the domain minus the strata with one
  (survey 4.1.1). :func:`subset_df` counts both for every domain in one pass over
  combined (unit, domain) and (stratum, domain) codes, so memory is O(rows + domains);
- **likelihood** — R's profile-likelihood interval needs the rows (the deviance and the
  Pearson residuals of the domain): :func:`likelihood_bounds` hands each domain's rows to
  :func:`servqual.stats.likelihood_ci.likelihood_interval`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.stats.design_arrays import DesignArrays
from servqual.stats.likelihood_ci import likelihood_interval

__all__ = ["likelihood_bounds", "subset_df"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _distinct_per_domain(
    codes: npt.NDArray[np.integer], groups: IntArray, inset: npt.NDArray[np.bool_], n_groups: int
) -> FloatArray:
    """Number of distinct ``codes`` among the ``inset`` rows of each domain."""
    combined = codes[inset].astype(np.int64) * (n_groups + 1) + groups[inset]
    cells = np.unique(combined)
    counts = np.bincount(cells % (n_groups + 1), minlength=n_groups + 1)
    return np.asarray(counts[:n_groups], dtype=np.float64)


def subset_df(arrays: DesignArrays, groups: IntArray, n_groups: int) -> FloatArray:
    """R's ``degf`` of each domain's subset design (rows of the domain, positive weight).

    First-stage units with such a row minus the strata with such a row (R ``degf`` of
    ``subset(design, ...)``: rows outside keep their place but get weight 0); a domain
    holding every row keeps the design's df. ``groups`` codes each row's domain,
    ``n_groups`` for a row outside every domain.
    """
    inset = (groups < n_groups) & (arrays.weights != 0)
    units_codes = np.arange(groups.shape[0]) if arrays.psu_codes is None else arrays.psu_codes
    units = _distinct_per_domain(units_codes, groups, inset, n_groups)
    strata = _distinct_per_domain(arrays.stratum_codes, groups, inset, n_groups)
    rows = np.bincount(groups[inset], minlength=n_groups + 1)[:n_groups]
    return np.where(rows == groups.shape[0], arrays.df, units - strata)


def likelihood_bounds(
    y: FloatArray,
    weights: FloatArray,
    groups: IntArray,
    p: FloatArray,
    se: FloatArray,
    df: FloatArray,
    level: float,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """R's profile-likelihood bounds of every domain whose share is inside (0, 1).

    Returns the bounds and the mask of the domains they were computed for (the others,
    a share of 0 or 1 or no variance, keep the boundary interval they have).
    """
    n_groups = p.shape[0]
    low, high = np.full(n_groups, np.nan), np.full(n_groups, np.nan)
    inner = (p > 0.0) & (p < 1.0) & (se > 0)
    order = np.argsort(groups, kind="stable")
    starts = np.searchsorted(groups[order], np.arange(n_groups + 1))
    for j in np.flatnonzero(inner).tolist():  # loop over domains; each reads its own rows
        rows = order[starts[j] : starts[j + 1]]
        low[j], high[j] = likelihood_interval(
            y[rows], weights[rows], float(p[j]), float(se[j]) ** 2, float(df[j]), level
        )
    return low, high, inner
