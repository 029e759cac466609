"""Validation of design columns into :class:`~servqual.stats.DesignArrays` (private)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._checks import (
    MAGNITUDE,
    MAGNITUDE_MIN,
    _plain,
    fpc_per_stratum,
    nonnegative,
)
from servqual.design._checks import _population as _population  # imported from here too
from servqual.errors import DesignError, ServqualTypeError

__all__ = [
    "MAGNITUDE",
    "MAGNITUDE_MIN",
    "category_codes",
    "check_column_name",
    "factorize",
    "factorize_counted",
    "fpc_per_stratum",
    "group_codes",
    "grouping",
    "missing_label_message",
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


def _where(rows: npt.NDArray[np.intp], where: Callable[[int], str]) -> str:
    shown = ", ".join(where(int(i)) for i in rows[:5])
    return shown + (f" and {rows.size - 5} more" if rows.size > 5 else "")


def group_codes(
    values: npt.NDArray[Any],
    field: str,
    where: Callable[[int], str] = lambda i: f"row {i}",
) -> tuple[npt.NDArray[np.intp], list[Hashable]]:
    """Codes and sorted labels of a grouping column (strata, clusters, ``by``, calibration).

    The one policy for every grouping column: a missing label (``None``, ``NaN``) is an
    error naming the column and its first rows, and so is a column mixing types that
    cannot be ordered (``1`` and ``"a"``). R ``survey`` refuses missing strata and ids
    too; a missing ``by`` label is refused rather than silently made a group, so that a
    published breakdown never hides a "missing" group the analyst did not ask for.

    Raises
    ------
    servqual.errors.DesignError
        Naming ``field``, the rows and the value.
    """
    codes, labels, _ = grouping(values, field, where)
    return codes, labels


def grouping(
    values: npt.NDArray[Any],
    field: str,
    where: Callable[[int], str] = lambda i: f"row {i}",
) -> tuple[npt.NDArray[np.intp], list[Hashable], npt.NDArray[np.intp] | None]:
    """:func:`group_codes` and the rows of each group, when coding counted them (else ``None``)."""
    missing = _missing_rows(values)
    if missing.size:
        v = _plain(values[int(missing[0])])
        raise DesignError(missing_label_message(field, _where(missing, where), v, missing.size))
    try:
        codes, uniq, counts = factorize_counted(values)
    except TypeError:
        raise DesignError(_mixed_message(values, field, where)) from None
    return codes, python_labels(uniq), counts


def _missing_rows(values: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    """Rows of :func:`missing_mask`, without a pass where no value can be missing."""
    kind = values.dtype.kind
    if kind not in "fO" or (kind == "f" and values.size and not np.isnan(values.min())):
        return np.zeros(0, dtype=np.intp)  # a NaN would make the minimum NaN
    return np.flatnonzero(missing_mask(values))


def missing_label_message(field: str, place: str, value: object, n: int) -> str:
    """The error of a missing grouping label (one wording in memory and in an engine)."""
    return (
        f"{field} is missing in {place}: {value!r}"
        + (f" ({n} rows in all)" if n > 1 else "")
        + "; recode the missing values to a label of their own (e.g. 'unknown') "
        "or drop those rows"
    )


def _mixed_message(values: npt.NDArray[Any], field: str, where: Callable[[int], str]) -> str:
    kinds = np.array([type(v).__name__ for v in values.tolist()], dtype=object)
    first = int(np.flatnonzero(kinds != kinds[0])[0]) if (kinds != kinds[0]).any() else 0
    return (
        f"{field} mixes values of types that cannot be ordered: {_plain(values[0])!r} "
        f"({kinds[0]}) in {where(0)} and {_plain(values[first])!r} ({kinds[first]}) in "
        f"{where(first)}; convert the column to one type (e.g. all text)"
    )


def category_codes(
    values: npt.NDArray[Any], field: str
) -> tuple[npt.NDArray[np.intp], list[Hashable]]:
    """Codes and sorted labels of a categorical column (see :func:`group_codes`)."""
    return group_codes(values, field)


def python_labels(uniq: npt.NDArray[Any]) -> list[Hashable]:
    """Distinct values as Python objects (numpy scalars → ``int``, ``str``, …)."""
    if uniq.dtype.kind != "O":
        return list(uniq.tolist())  # the same values as each element's .item()
    return [_plain(u) for u in uniq]


def factorize(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    """Codes and sorted distinct values, as ``numpy.unique(values, return_inverse=True)``.

    The same result, faster for the usual design columns: integers (and booleans) with a
    compact range are coded by counting (no sort); text (numpy ``str``/``bytes``, or
    Python strings in an object column, as pandas and polars hand them over) by looking
    each value up among the distinct values of a sample (a binary search over a few
    labels instead of a sort of every row). Other columns, and text with many distinct
    values, go through ``numpy.unique``. Missing values are not checked here.
    """
    codes, uniq, _ = factorize_counted(values)
    return codes, uniq


def factorize_counted(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any], npt.NDArray[np.intp] | None]:
    """:func:`factorize` and the rows of each code when counting found them (else ``None``)."""
    if values.size and values.dtype.kind in "biu":
        counted = _count_codes(values)
        if counted is not None:
            return counted
    if values.size and values.dtype.kind == "f":
        counted = _whole_float_codes(values)
        if counted is not None:
            return counted
    if values.size and (values.dtype.kind in "SU" or _text_objects(values)):
        out = _lookup_codes(values)
        if out is not None:
            return out[0], out[1], None
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.intp).reshape(-1), uniq, None


def _whole_float_codes(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any], npt.NDArray[np.intp]] | None:
    """Whole-number float labels in a compact range, coded by counting; else ``None``.

    Integer labels often arrive as floats (pandas stores an integer column with gaps so).
    A NaN or infinity, a fraction, a range too wide to count, and a negative zero (whose
    label ``numpy.unique`` picks by the sort) go through ``numpy.unique``.
    """
    lo, hi = float(values.min()), float(values.max())
    if not (lo >= -(2.0**52) and hi <= 2.0**52) or hi - lo > 4 * values.size + 1024:
        return None  # NaN fails both comparisons
    if lo <= 0.0 <= hi and np.signbit(values[values == 0]).any():
        return None
    ints = values.astype(np.int64)
    if not np.array_equal(ints, values):  # a fraction was cut off
        return None
    counted = _count_codes(ints)
    if counted is None:  # pragma: no cover - the range was checked above
        return None
    codes, uniq, rows = counted
    return codes, uniq.astype(values.dtype), rows


def _count_codes(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any], npt.NDArray[np.intp]] | None:
    """Integer labels by counting over their range; ``None`` if the range is too wide.

    Also returns the rows of each code (the counts found on the way).
    """
    ints = values.view(np.uint8) if values.dtype.kind == "b" else values
    lo, hi = int(ints.min()), int(ints.max())
    if hi - lo > 4 * values.size + 1024 or hi > np.iinfo(np.intp).max:
        return None
    shifted = np.subtract(ints, lo, dtype=np.intp) if lo else ints.astype(np.intp, copy=False)
    rows = np.bincount(shifted, minlength=hi - lo + 1).astype(np.intp, copy=False)
    present = rows > 0
    uniq = (np.flatnonzero(present) + lo).astype(values.dtype)
    if present.all():  # every value lo … hi occurs: the shifted value is the code
        if shifted is ints:  # the column itself (0 … hi): a read-only view, not a copy
            shifted = shifted.view()
            shifted.flags.writeable = False
        return shifted, uniq, rows
    lookup = np.cumsum(present, dtype=np.intp) - 1
    return lookup[shifted], uniq, rows[present]


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
    if miss.size > n // 8:  # many labels the sample missed: hash every row, or sort
        return _hashed_codes(values) if values.dtype.kind == "O" else None
    merged = np.union1d(uniq, values[miss])
    codes = np.searchsorted(merged, uniq)[codes]  # old positions → merged positions
    codes[miss] = np.searchsorted(merged, values[miss])
    return codes.astype(np.intp, copy=False), merged


def _hashed_codes(
    values: npt.NDArray[Any],
) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]] | None:
    """Python strings coded through a dict of every distinct label; ``None`` if not all text.

    One hash per row and a sort of the distinct labels only, where ``numpy.unique`` sorts
    every row by Python comparisons (2,000,000 rows, 5,000 labels: 0.4 s against 5 s).
    """
    items = values.tolist()
    distinct = dict.fromkeys(items)  # first-seen order; equal labels merge
    if not all(isinstance(label, str) for label in distinct):
        return None  # numpy.unique then orders them, or refuses a mix it cannot order
    labels = sorted(distinct)
    index = {label: i for i, label in enumerate(labels)}
    codes = np.fromiter(map(index.__getitem__, items), dtype=np.intp, count=len(items))
    uniq = np.empty(len(labels), dtype=object)
    uniq[:] = labels
    return codes, uniq


def domain_codes(
    values: npt.NDArray[Any], by: str, where: Callable[[int], str] = lambda i: f"row {i}"
) -> tuple[npt.NDArray[np.intp], list[Hashable]]:
    """Codes and sorted labels of a ``by`` column (see :func:`group_codes`)."""
    return group_codes(values, f"by column {by!r}", where)


ARRAY_COLUMNS = {"weights": "_weight", "strata": "_stratum", "clusters": "_cluster", "fpc": "_fpc"}
"""Where a design argument given as an array is stored among the columns (as Responses does)."""


def attach_arrays(
    columns: dict[str, npt.NDArray[Any]], given: Mapping[str, object]
) -> dict[str, str | None]:
    """Design arguments as column names: an array argument becomes the column ``_weight`` ….

    ``columns`` is extended in place; a name is returned unchanged.
    """
    n = len(next(iter(columns.values()))) if columns else None
    names: dict[str, str | None] = {}
    for field, value in given.items():
        if value is None or isinstance(value, str):
            names[field] = value
            continue
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as exc:  # ragged nested lists
            raise DesignError(f"{field} must be a column name or a 1-D array: {exc}") from None
        if arr.ndim != 1:
            raise DesignError(
                f"{field} must be a column name or a 1-D array, got shape {arr.shape}"
            )
        if n is not None and arr.shape[0] != n:
            raise DesignError(f"{field} has {arr.shape[0]} values for {n} rows of data")
        name = ARRAY_COLUMNS[field]
        if name in columns:
            raise DesignError(
                f"{field} given as an array, but the data already has a column {name!r}; "
                "name that column instead"
            )
        columns[name] = arr
        names[field] = name
    return names


def check_column_name(name: object, field: str) -> None:
    """A column key is one label (a string), not a list of columns or ``None``.

    Raises
    ------
    servqual.errors.ServqualTypeError
        Naming ``field`` and the value.
    """
    if (
        name is None
        or isinstance(name, (list, tuple, set, frozenset, dict, np.ndarray))
        or (not isinstance(name, Hashable))
    ):
        raise ServqualTypeError(
            f"{field} must name one column (a string), got {name!r}"
            + ("; pass one column name" if isinstance(name, (list, tuple)) else "")
        )
