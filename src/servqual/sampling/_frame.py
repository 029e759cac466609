"""Frames, seeds and stratum labels: the inputs every selection method shares."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._frames import _column_to_numpy, get_column
from servqual.errors import DataFormatError, DesignError, ParameterError, ServqualTypeError

__all__ = [
    "KEYS_LIMIT",
    "MAX_IN_MEMORY",
    "check_in_memory",
    "column_or_array",
    "encode_labels",
    "frame_size",
    "make_rng",
    "positive_count",
]

#: Frames up to this size draw one uniform key per unit (the documented keys method);
#: larger frames select positions without materialising the frame.
KEYS_LIMIT = 2**25

#: Most units a sample, reservoir or batch of arrivals may hold: their positions,
#: probabilities and weights live in memory (8 bytes each, three arrays).
MAX_IN_MEMORY = 10**8


def check_in_memory(count: int, what: str) -> int:
    """Refuse a ``count`` of units that could not be held in memory.

    Raises
    ------
    servqual.errors.ParameterError
        Naming ``what`` and the count.
    """
    if count > MAX_IN_MEMORY:
        raise ParameterError(
            f"{what} is {count:,} units, more than the {MAX_IN_MEMORY:,} servqual keeps in "
            "memory (positions, probabilities and weights of each); select in parts"
        )
    return count


def make_rng(seed: Any) -> tuple[np.random.Generator, int | None]:
    """A ``Generator`` and the integer seed to record (``None`` when a Generator was given).

    An integer seeds ``numpy.random.default_rng(seed)``: PCG64 seeded through
    ``SeedSequence(seed)``.
    """
    if isinstance(seed, np.random.Generator):
        return seed, None
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ServqualTypeError(
            "seed must be a non-negative int or a numpy.random.Generator, got "
            f"{seed!r}; pass it explicitly so the draw can be re-run"
        )
    if int(seed) < 0:
        raise ParameterError(f"seed must be non-negative, got {seed!r}")
    return np.random.default_rng(int(seed)), int(seed)


def positive_count(value: Any, name: str) -> int:
    """A whole number ``>= 1``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ServqualTypeError(f"{name} must be a whole number, got {value!r}")
    if int(value) < 1:
        raise ParameterError(f"{name} must be at least 1, got {value!r}")
    return int(value)


def _is_table(frame: Any) -> bool:
    return isinstance(frame, Mapping) or hasattr(frame, "columns") or hasattr(frame, "column_names")


def _check_unique_ids(frame: Any) -> None:
    try:
        arr = np.asarray(frame)
    except (TypeError, ValueError):  # ragged units (lists of lists): not ids to compare
        return
    if arr.ndim != 1 or arr.dtype.kind not in "iuUS":
        return
    uniq, _first, counts = np.unique(arr, return_index=True, return_counts=True)
    dup = np.flatnonzero(counts > 1)
    if dup.size:
        value = uniq[dup[0]].item()
        where = np.flatnonzero(arr == uniq[dup[0]])[:2].tolist()
        raise DesignError(
            f"the frame lists unit {value!r} more than once (positions {where[0]} and "
            f"{where[1]}); a frame must list each unit once"
        )


def frame_size(frame: Any) -> int:
    """Number of units in a frame: an int ``N``, a sequence of unit ids, or a table.

    A sequence (list, tuple, 1-D array of ids) must not repeat an id.
    """
    if isinstance(frame, numbers.Integral) and not isinstance(frame, bool):
        size = positive_count(frame, "frame size")
        if size > 2**62:
            raise ParameterError(
                f"frame size must be at most 2**62 (positions are 64-bit), got {size!r:.40}…"
            )
        return size
    if isinstance(frame, (str, bytes)):
        raise ServqualTypeError("frame must be an int, a sequence of units or a table, not text")
    if isinstance(frame, Mapping):
        if not frame:
            raise DataFormatError("the frame has no columns")
        try:
            size = len(next(iter(frame.values())))
        except TypeError:
            raise ServqualTypeError(
                "a frame given as a mapping must map names to columns"
            ) from None
    elif hasattr(frame, "num_rows"):  # pyarrow
        size = int(frame.num_rows)
    elif hasattr(frame, "shape") and getattr(frame, "ndim", 1) >= 1:
        size = int(frame.shape[0])
    elif isinstance(frame, Sequence) or hasattr(frame, "__len__"):
        size = len(frame)
    else:
        raise ServqualTypeError(
            f"frame must be an int, a sequence of units or a dataframe, got {type(frame).__name__}"
        )
    if size < 1:
        raise DataFormatError("the frame is empty")
    if not _is_table(frame) and not hasattr(frame, "iloc"):
        _check_unique_ids(frame)
    return size


def column_or_array(frame: Any, values: Any, name: str, size: int) -> npt.NDArray[Any]:
    """``values`` as a 1-D array of length ``size``: a column name of a table, or an array."""
    if isinstance(values, str):
        if not _is_table(frame):
            raise ServqualTypeError(
                f"{name}={values!r} names a column, but the frame is not a table; "
                "pass one value per unit instead"
            )
        try:
            arr = get_column(frame, values)
        except (KeyError, IndexError, ValueError):
            raise DataFormatError(f"{name} column {values!r} is not in the frame") from None
    else:
        try:
            arr = _column_to_numpy(values)
        except (TypeError, ValueError):  # ragged nesting, objects numpy cannot hold
            raise DataFormatError(
                f"{name} must be one value per unit, got {values!r:.60}"
            ) from None
    if arr.ndim != 1 or arr.shape[0] != size:
        raise DataFormatError(
            f"{name} must have one value per unit ({size}), got shape {arr.shape}"
        )
    return arr


def _code_dtype(n_labels: int) -> type[np.unsignedinteger[Any]] | type[np.intp]:
    if n_labels <= 1 << 8:
        return np.uint8
    if n_labels <= 1 << 16:
        return np.uint16
    return np.intp


def encode_labels(
    labels: npt.NDArray[Any],
) -> tuple[npt.NDArray[Any], list[Any], npt.NDArray[np.intp]]:
    """Integer codes (smallest unsigned dtype), the sorted distinct labels and their counts.

    Integer labels with a compact range are encoded by counting (no sort); others
    through ``numpy.unique``. Missing labels (None, NaN) are an error naming the first row.
    """
    if labels.dtype.kind in "iu" and labels.size:
        lo, hi = int(labels.min()), int(labels.max())
        if hi - lo <= 4 * labels.size + 1024:
            shifted = labels - lo if lo != 0 else labels
            tally = np.bincount(shifted, minlength=hi - lo + 1)
            present = tally > 0
            uniq = (np.flatnonzero(present) + lo).tolist()
            dtype = _code_dtype(len(uniq))
            if present.all():  # labels lo … hi all used: the shifted label is the code
                return shifted.astype(dtype), uniq, tally.astype(np.intp)
            lookup = np.cumsum(present) - 1
            return lookup[shifted].astype(dtype), uniq, tally[present].astype(np.intp)
    if labels.dtype.kind in "fO":
        if labels.dtype.kind == "f":
            missing = np.flatnonzero(np.isnan(labels))
        else:  # elementwise on objects; NaN is the one value unequal to itself
            missing = np.flatnonzero((labels == None) | (labels != labels))  # noqa: E711
        if missing.size:
            i = int(missing[0])
            raise DesignError(f"strata label is missing in row {i}: {labels[i]!r}")
    try:
        uniq_arr, inverse = np.unique(labels, return_inverse=True)
    except TypeError:
        raise ServqualTypeError("strata labels must be all text or all numbers") from None
    uniq = [u.item() if hasattr(u, "item") else u for u in uniq_arr]
    codes = inverse.reshape(-1).astype(_code_dtype(len(uniq)))
    return codes, uniq, np.bincount(codes, minlength=len(uniq)).astype(np.intp)
