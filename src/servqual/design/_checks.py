"""Checks of numeric design columns: weights and fpc (private).

Kept apart from :mod:`servqual.design._build` (labels and codes); re-exported there.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DesignError

__all__ = ["MAGNITUDE", "MAGNITUDE_MIN", "fpc_per_stratum", "nonnegative"]


def _plain(v: object) -> object:
    item = getattr(v, "item", None)
    return item() if callable(item) else v


MAGNITUDE = 1e100
"""Largest magnitude of a weight, fpc or analysed value: their products, sums and the
squares in a variance then stay far inside float64 (an overflow would be a silent NaN)."""

MAGNITUDE_MIN = 1e-100
"""Smallest positive weight or fpc (its reciprocal stays inside float64)."""


def nonnegative(values: npt.NDArray[Any], field: str) -> npt.NDArray[np.float64]:
    """A column of finite, non-negative numbers (weights, fpc) as float64.

    A float64 column is not copied: a read-only view of it is returned. When its least
    and largest values are within 1e-100 … 1e100 every row passes every check below (a
    NaN makes both NaN), so two reductions replace the row-by-row checks.
    """
    try:
        w = values.astype(np.float64, copy=False)
    except (TypeError, ValueError, OverflowError) as exc:
        raise DesignError(f"{field} must be numeric and within float64's range: {exc}") from None
    if w.size and w.min() >= MAGNITUDE_MIN and w.max() <= MAGNITUDE:
        return _unshared(w, values)
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        i = int(bad[0])
        raise DesignError(
            f"{field} must be finite and non-negative; row {i} has {_plain(values[i])!r}"
            + (f" ({bad.size} rows in all)" if bad.size > 1 else "")
        )
    extreme = np.flatnonzero((w > 0) & ((w < MAGNITUDE_MIN) | (w > MAGNITUDE)))
    if extreme.size:
        i = int(extreme[0])
        raise DesignError(
            f"{field} must be 0 or between 1e-100 and 1e100 (products and sums of such "
            f"numbers stay within float64); row {i} has {_plain(values[i])!r}; rescale the column"
        )
    return _unshared(w, values)


def _unshared(w: npt.NDArray[np.float64], values: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """``w``, read-only if it is the caller's column itself (not copied, not to be written)."""
    if w is not values:
        return w
    view: npt.NDArray[np.float64] = w.view()
    view.flags.writeable = False
    return view


def fpc_per_stratum(
    f: npt.NDArray[np.float64], s_codes: npt.NDArray[np.intp], strata: list[Hashable]
) -> npt.NDArray[np.float64]:
    """The fpc value of each stratum; it must be the same on every row of the stratum."""
    lo = np.full(len(strata), np.inf)
    hi = np.full(len(strata), -np.inf)
    np.minimum.at(lo, s_codes, f)
    np.maximum.at(hi, s_codes, f)
    diff = np.flatnonzero(lo != hi)
    if diff.size:
        h = int(diff[0])
        raise DesignError(
            f"fpc must be constant within a stratum; stratum {strata[h]!r} has "
            f"values from {lo[h]!r} to {hi[h]!r}"
        )
    return lo


def _population(
    f: npt.NDArray[np.float64],
    s_codes: npt.NDArray[np.intp],
    strata: list[Hashable],
    n_psu_h: npt.NDArray[np.intp],
) -> npt.NDArray[np.float64]:
    lo = fpc_per_stratum(f, s_codes, strata)
    if np.all((lo > 0) & (lo <= 1)):
        return np.asarray(n_psu_h / lo, dtype=np.float64)  # sampling fractions
    small = np.flatnonzero(lo < n_psu_h)
    if small.size:
        h = int(small[0])
        raise DesignError(
            f"fpc {lo[h]:g} in stratum {strata[h]!r} is smaller than the "
            f"{int(n_psu_h[h])} sampled units there"
        )
    return lo
