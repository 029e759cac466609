"""Validation of design columns into :class:`~servqual.stats.DesignArrays` (private)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DesignError, InsufficientDataError, ValidationError
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.variance import LonelyPSU

__all__ = [
    "build_arrays",
    "category_codes",
    "factorize",
    "missing_mask",
    "nonnegative",
    "python_labels",
]


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
    codes, uniq = factorize(values)
    return codes, python_labels(uniq)


def python_labels(uniq: npt.NDArray[Any]) -> list[Hashable]:
    """Distinct values as Python objects (numpy scalars → ``int``, ``str``, …)."""
    if uniq.dtype.kind != "O":
        return list(uniq.tolist())  # the same values as each element's .item()
    return [u.item() if hasattr(u, "item") else u for u in uniq]


def factorize(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    """Codes and sorted distinct values, as ``numpy.unique(values, return_inverse=True)``.

    The same result, faster for the usual design columns: integers (and booleans) with a
    compact range are coded by counting (no sort); text (numpy ``str``/``bytes``, or
    Python strings in an object column, as pandas and polars hand them over) by looking
    each value up among the distinct values of a sample (a binary search over a few
    labels instead of a sort of every row). Other columns, and text with many distinct
    values, go through ``numpy.unique``. Missing values are not checked here.
    """
    if values.size and values.dtype.kind in "biu":
        out = _count_codes(values)
        if out is not None:
            return out
    if values.size and (values.dtype.kind in "SU" or _text_objects(values)):
        out = _lookup_codes(values)
        if out is not None:
            return out
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.intp).reshape(-1), uniq


def _count_codes(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]] | None:
    """Integer labels by counting over their range; ``None`` if the range is too wide."""
    ints = values.view(np.uint8) if values.dtype.kind == "b" else values
    lo, hi = int(ints.min()), int(ints.max())
    if hi - lo > 4 * values.size + 1024 or hi > np.iinfo(np.intp).max:
        return None
    shifted = np.subtract(ints, lo, dtype=np.intp) if lo else ints.astype(np.intp, copy=False)
    present = np.bincount(shifted, minlength=hi - lo + 1) > 0
    uniq = (np.flatnonzero(present) + lo).astype(values.dtype)
    if present.all():  # every value lo … hi occurs: the shifted value is the code
        if shifted is ints:  # the column itself (0 … hi): a read-only view, not a copy
            shifted = shifted.view()
            shifted.flags.writeable = False
        return shifted, uniq
    lookup = np.cumsum(present, dtype=np.intp) - 1
    return lookup[shifted], uniq


_SAMPLE = 4096
"""Rows sampled to guess the distinct labels of a text column."""


def _text_objects(values: npt.NDArray[Any]) -> bool:
    """Whether an object column looks like text: every sampled value is a ``str``.

    Values outside the sample are still checked by :func:`_lookup_codes`; one that is
    not text raises ``TypeError`` when ordered, as in ``numpy.unique``.
    """
    if values.dtype.kind != "O":
        return False
    sample = values[:: max(1, values.shape[0] // _SAMPLE)].tolist()
    return all(isinstance(v, str) for v in sample)


def _lookup_codes(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]] | None:
    """Text labels looked up among a sample's labels, completed with the misses.

    numpy text: a binary search, then a check that the label found is the value. Python
    strings (object column): a dict lookup (a value not in it is a miss).
    """
    n = values.shape[0]
    uniq = np.unique(values[:: max(1, n // _SAMPLE)])
    if values.dtype.kind == "O":
        index = {label: i for i, label in enumerate(uniq.tolist())}
        found = map(index.get, values, itertools.repeat(-1))
        codes = np.fromiter(found, dtype=np.intp, count=n)
        miss = np.flatnonzero(codes < 0)
    else:
        codes = np.searchsorted(uniq, values)
        np.minimum(codes, uniq.size - 1, out=codes)
        miss = np.flatnonzero(uniq[codes] != values)
    if miss.size == 0:
        return codes.astype(np.intp, copy=False), uniq
    if miss.size > n // 8:  # many labels the sample missed: a sort is cheaper
        return None
    merged = np.union1d(uniq, values[miss])
    codes = np.searchsorted(merged, uniq)[codes]  # old positions → merged positions
    codes[miss] = np.searchsorted(merged, values[miss])
    return codes.astype(np.intp, copy=False), merged


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


def domain_codes(
    values: npt.NDArray[Any], by: str, where: Callable[[int], str] = lambda i: f"row {i}"
) -> tuple[npt.NDArray[np.intp], list[Hashable]]:
    """Codes and sorted labels of a ``by`` column; a missing label names where it is."""
    bad = np.flatnonzero(missing_mask(values))
    if bad.size:
        i = int(bad[0])
        shown = "nan" if values.dtype.kind == "f" else repr(values[i])
        raise ValidationError(f"by column {by!r} is missing in {where(i)}: {shown}")
    try:
        groups, uniq = factorize(values)
    except TypeError as exc:
        raise ValidationError(
            f"by column {by!r} mixes values that cannot be ordered: {exc}"
        ) from None
    return groups, python_labels(uniq)


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
        psu_codes, uniq = factorize(pair)
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
