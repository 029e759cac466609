"""Validation of design columns into :class:`~servqual.stats.DesignArrays` (private)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DesignError, InsufficientDataError
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.variance import LonelyPSU

__all__ = ["build_arrays", "category_codes", "missing_mask", "nonnegative"]


def missing_mask(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """True where a value is missing: NaN (float or object) or None (object), vectorized."""
    if values.dtype.kind == "f":
        return np.asarray(np.isnan(values))
    if values.dtype.kind == "O":
        # elementwise: None, and NaN (the only value not equal to itself)
        none = np.array(None, dtype=object)
        return np.asarray(np.equal(values, none) | np.not_equal(values, values), dtype=np.bool_)
    return np.zeros(values.shape[0], dtype=bool)


def category_codes(
    values: npt.NDArray[Any], field: str
) -> tuple[npt.NDArray[np.intp], list[Hashable]]:
    """Codes and sorted labels of a categorical column; missing labels are an error."""
    missing = np.flatnonzero(missing_mask(values))
    if missing.size:
        i = int(missing[0])
        v = values[i]
        raise DesignError(f"{field} is missing in row {i}: {getattr(v, 'item', lambda: v)()!r}")
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.intp).reshape(-1), [u.item() if hasattr(u, "item") else u for u in uniq]


def nonnegative(values: npt.NDArray[Any], field: str) -> npt.NDArray[np.float64]:
    """A column of finite, non-negative numbers (weights, fpc) as float64."""
    try:
        w = values.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise DesignError(f"{field} must be numeric: {exc}") from None
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        i = int(bad[0])
        raise DesignError(
            f"{field} must be finite and non-negative; row {i} has {values[i]!r}"
            + (f" ({bad.size} rows in all)" if bad.size > 1 else "")
        )
    return w


def _population(
    f: npt.NDArray[np.float64],
    s_codes: npt.NDArray[np.intp],
    strata: list[Hashable],
    n_psu_h: npt.NDArray[np.intp],
) -> npt.NDArray[np.float64]:
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


def build_arrays(
    columns: dict[str, npt.NDArray[Any]],
    *,
    weights: str | None,
    strata: str | None,
    clusters: str | None,
    fpc: str | None,
    lonely_psu: LonelyPSU,
) -> DesignArrays:
    """Validate the design columns and turn them into :class:`DesignArrays`."""
    n = len(next(iter(columns.values()))) if columns else 0
    if n == 0:
        raise InsufficientDataError("the design has no rows")
    labels: list[Hashable]
    if strata is not None:
        s_codes, labels = category_codes(columns[strata], "strata")
    else:
        s_codes, labels = np.zeros(n, dtype=np.intp), [None]
    psu_codes: npt.NDArray[np.intp] | None = None
    psu_keys: tuple[Hashable, ...] | None = None
    if clusters is not None:
        c_codes, c_labels = category_codes(columns[clusters], "clusters")
        pair = s_codes.astype(np.int64) * len(c_labels) + c_codes
        uniq, inverse = np.unique(pair, return_inverse=True)
        psu_codes = inverse.astype(np.intp).reshape(-1)
        psu_keys = tuple(
            (labels[int(p) // len(c_labels)], c_labels[int(p) % len(c_labels)]) for p in uniq
        )
        n_psu_h = np.bincount(uniq // len(c_labels), minlength=len(labels))
    else:
        n_psu_h = np.bincount(s_codes, minlength=len(labels))
    pop = np.full(len(labels), np.inf)
    if fpc is not None:
        pop = _population(nonnegative(columns[fpc], "fpc"), s_codes, labels, n_psu_h)
    if weights is not None:
        w = nonnegative(columns[weights], "weights")
    elif fpc is not None:
        w = (pop / n_psu_h)[s_codes]
    else:
        w = np.ones(n)
    return DesignArrays(w, s_codes, tuple(labels), pop, psu_codes, psu_keys, lonely_psu)
