"""Validation shared by the reliability functions: the answer matrix and its moments.

A numeric numpy array is used as it is (no object conversion, no copy when it is already
float64): that is the fast path for large files. Anything else goes through one
conversion that accepts ``None`` for a missing answer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import (
    InsufficientDataError,
    ParameterError,
    ServqualTypeError,
    ZeroVarianceError,
)
from servqual.responses import Responses
from servqual.stats.item_covariance import ItemMoments, MissingRule, item_moments

__all__ = ["MISSING_RULES", "check_missing", "matrix", "moments"]

FloatArray = npt.NDArray[np.float64]
MISSING_RULES: tuple[MissingRule, ...] = ("listwise", "pairwise")


def check_missing(missing: Any) -> MissingRule:
    """The missing-data rule, or a ParameterError listing the allowed ones."""
    if missing not in MISSING_RULES:
        raise ParameterError(f"missing must be one of {list(MISSING_RULES)}, got {missing!r}")
    rule: MissingRule = missing
    return rule


def matrix(data: Responses | npt.ArrayLike) -> tuple[FloatArray, tuple[str, ...]]:
    """Answers as a float64 (n, k) array with NaN for missing, and the item ids."""
    if isinstance(data, Responses):
        return data.values(), data.instrument.item_ids
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        values = np.asarray(data, dtype=np.float64)  # no copy for float64 input
    else:
        values = _convert(data)
    if values.ndim != 2:
        raise ServqualTypeError(
            f"data must be a Responses or a 2-D array (respondents × items), got shape "
            f"{values.shape}"
        )
    return values, tuple(f"V{j + 1}" for j in range(values.shape[1]))


def _convert(data: Any) -> FloatArray:
    try:
        return np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):  # an int beyond float64: refused below
        pass
    raw = np.asarray(data, dtype=object)
    blank = np.vectorize(lambda v: v is None, otypes=[bool])(raw) if raw.size else raw
    try:
        return np.where(blank, np.nan, raw).astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ServqualTypeError(
            "data must hold numbers within float range (None or NaN for missing)"
        ) from None


def moments(x: FloatArray, ids: tuple[str, ...], missing: MissingRule) -> ItemMoments:
    """Item covariances, after checking there are enough items, rows and variance.

    Raises
    ------
    servqual.errors.InsufficientDataError
        Fewer than 2 items, fewer than 2 usable rows (or pairs), or a total score
        without variance.
    servqual.errors.ZeroVarianceError
        An item whose answers are all the same (names the item and the value).
    """
    k = x.shape[1]
    if k < 2:
        raise InsufficientDataError(f"reliability needs at least 2 items, got {k}")
    m = item_moments(x, missing)
    if missing == "listwise" and m.n_rows < 2:
        raise InsufficientDataError(
            f"reliability needs at least 2 rows without missing answers, got {m.n_rows}"
        )
    few = np.argwhere(m.pairs < 2)
    if few.size:
        a, b = few[0]
        raise InsufficientDataError(
            f"items {ids[a]!r} and {ids[b]!r} were answered together by {int(m.pairs[a, b])} "
            "row(s); a covariance needs at least 2"
        )
    if not np.isfinite(m.cov).all():  # an infinite answer (checked here: no extra pass)
        row, col = np.argwhere(np.isinf(x))[0]
        raise ServqualTypeError(
            f"answer to item {ids[col]!r} in row {row} is {x[row, col]}: answers must be "
            "finite numbers (None or NaN for missing)"
        )
    variances = np.diagonal(m.cov)
    if (variances <= 0).any():
        j = int(np.argmax(variances <= 0))
        used = x[~np.isnan(x).any(axis=1)] if missing == "listwise" else x
        column = used[:, j]
        value = column[~np.isnan(column)][0]
        raise ZeroVarianceError(
            f"item {ids[j]!r} has zero variance (every answer is {_number(value)} over "
            f"{int(m.answered[j])} rows): reliability is undefined; leave the item out"
        )
    if not float(m.cov.sum()) > 0:
        raise InsufficientDataError(
            "the total score has zero variance (every respondent has the same total): "
            "alpha is undefined"
        )
    return m


def _number(value: float) -> str:
    return str(int(value)) if math.isfinite(value) and value == int(value) else repr(value)
