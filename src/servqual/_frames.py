"""Turn any tabular input into ``dict[str, numpy array]`` without importing a frame library.

Accepted: a mapping of column name → 1-D array-like; a pandas, polars, pyarrow or any
object exposing ``columns``/``column_names`` and per-column access. Nothing is imported
unless the caller already passed an object of that library.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DataFormatError, ServqualTypeError

__all__ = ["column_names", "to_columns"]


def _column_to_numpy(col: Any) -> npt.NDArray[Any]:
    if hasattr(col, "to_numpy"):
        try:
            return np.asarray(col.to_numpy(zero_copy_only=False))  # pyarrow
        except TypeError:
            return np.asarray(col.to_numpy())  # pandas, polars
    return np.asarray(col)


def column_names(data: Any) -> list[str]:
    """Column names of a mapping or dataframe, in order."""
    if isinstance(data, Mapping):
        return [str(k) for k in data]
    if hasattr(data, "column_names"):  # pyarrow.Table
        return [str(c) for c in data.column_names]
    if hasattr(data, "columns"):
        return [str(c) for c in data.columns]
    raise ServqualTypeError(
        "data must be a mapping of column name to array, or a dataframe "
        f"(pandas, polars, pyarrow); got {type(data).__name__}"
    )


def get_column(data: Any, name: str) -> npt.NDArray[Any]:
    """One column as a 1-D numpy array."""
    if isinstance(data, Mapping):
        col = data[name]
    elif hasattr(data, "get_column"):  # polars
        col = data.get_column(name)
    elif hasattr(data, "column_names"):  # pyarrow
        col = data.column(name)
    else:
        col = data[name]
    arr = _column_to_numpy(col)
    if arr.ndim != 1:
        raise DataFormatError(f"column {name!r} must be 1-D, got shape {arr.shape}")
    return arr


def to_columns(data: Any) -> dict[str, npt.NDArray[Any]]:
    """All columns of ``data`` as 1-D numpy arrays of equal length.

    Raises
    ------
    servqual.errors.DataFormatError
        If columns have different lengths.
    """
    names = column_names(data)
    cols = {name: get_column(data, name) for name in names}
    lengths = {name: len(a) for name, a in cols.items()}
    if len(set(lengths.values())) > 1:
        first = names[0]
        bad = next(n for n in names if lengths[n] != lengths[first])
        raise DataFormatError(
            f"columns differ in length: {first!r} has {lengths[first]} rows, "
            f"{bad!r} has {lengths[bad]}"
        )
    return cols
