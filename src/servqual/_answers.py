"""Vectorized conversion of answer columns to ``int8`` codes, with errors naming the culprit.

Every input path (records, arrays, frames, CSV) ends here: each item column is turned into
float64 (NaN = missing), checked for integrality and range in one vectorized pass, and
coded as ``answer - scale.min`` with ``-1`` for missing. The first bad answer in row order
is reported as "answer to item 'U3' in row 17 is 6, outside the scale 1–4".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import RespondentError, ScaleError
from servqual.models.instrument import Scale

__all__ = [
    "Where",
    "check_unique",
    "design_column",
    "encode_columns",
    "encode_matrix",
    "error_message",
    "show",
]

Where = Callable[[int], str]
"""Maps a 0-based data row to a place in the user's terms ("row 17", "a.csv line 19")."""

_BAD = np.inf  # stands for a value that is not a number at all ("abc", True)


def show(value: object) -> str:
    """A value as the user wrote it: ``6`` for 6.0, ``'abc'`` for text, ``True``."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return str(int(f)) if f.is_integer() else repr(f)
    if isinstance(value, np.str_):
        return repr(str(value))
    return repr(value)


def _classify(value: object) -> float:
    """Object cell → float (NaN missing, inf for anything that is not a number)."""
    if value is None:
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return _BAD
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            return float(value)
        except OverflowError:  # an int beyond float64 is on no scale
            return _BAD
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas missing markers
        return np.nan
    return _BAD


_classify_ufunc = np.frompyfunc(_classify, 1, 1)


def _as_float(column: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """Answers as float64: NaN for missing, inf for booleans and text."""
    kind = column.dtype.kind
    if kind in "iuf":
        return column.astype(np.float64)
    if kind == "b":
        return np.full(column.shape, _BAD)
    return np.asarray(_classify_ufunc(column), dtype=np.float64)


def encode_columns(
    columns: Sequence[npt.NDArray[Any]],
    item_ids: Sequence[str],
    scale: Scale,
    where: Where,
) -> npt.NDArray[np.int8]:
    """Code k answer columns of length n as an (n, k) ``int8`` array.

    Parameters
    ----------
    columns : sequence of 1-D arrays
        One column per item, in item order; any dtype (NaN/None/pandas NA = missing).
    item_ids : sequence of str
        The item ids, for messages.
    scale : Scale
        The answer scale.
    where : callable
        0-based row → place in the user's terms, for messages.

    Raises
    ------
    servqual.errors.ScaleError
        At the first bad answer in row order (ties: the first item): a value outside the
        scale, a fraction, a boolean or text.
    """
    n = len(columns[0]) if columns else 0
    codes = np.empty((n, len(columns)), dtype=np.int8)
    first: tuple[int, int] | None = None
    n_bad = 0
    for j, column in enumerate(columns):
        if column.dtype.kind in "iu":  # no float copy: checked and coded in its own type
            x = column
            if not ((x < scale.min) | (x > scale.max)).any():
                codes[:, j] = _integer_codes(x, scale)
                continue
        else:
            x = _as_float(column)
        missing = np.isnan(x) if x.dtype.kind == "f" else np.zeros(x.shape, dtype=np.bool_)
        bad = ~missing & ((x < scale.min) | (x > scale.max) | (x != np.floor(x)))
        if bad.any():
            i = int(np.argmax(bad))
            n_bad += int(bad.sum())
            if first is None or i < first[0]:
                first = (i, j)
            continue
        codes[:, j] = np.where(missing, -1, x - scale.min)
    if first is not None:
        i, j = first
        raise ScaleError(error_message(columns[j][i], item_ids[j], where(i), scale, n_bad))
    return codes


def encode_matrix(
    scores: npt.NDArray[Any], item_ids: Sequence[str], scale: Scale, where: Where
) -> npt.NDArray[np.int8]:
    """Code an (n, k) answer array; numeric arrays in one pass, others column by column."""
    if scores.dtype.kind not in "iuf":
        return encode_columns(
            [scores[:, j] for j in range(scores.shape[1])], item_ids, scale, where
        )
    if scores.dtype.kind in "iu":
        return _encode_integers(scores, item_ids, scale, where)
    x = scores.astype(np.float64)
    missing = np.isnan(x)
    bad = ~missing & ((x < scale.min) | (x > scale.max) | (x != np.floor(x)))
    if bad.any():
        i, j = divmod(int(np.argmax(bad)), x.shape[1])  # first in row order
        raise ScaleError(error_message(scores[i, j], item_ids[j], where(i), scale, int(bad.sum())))
    x -= scale.min
    x[missing] = -1
    return x.astype(np.int8)


def _encode_integers(
    scores: npt.NDArray[Any], item_ids: Sequence[str], scale: Scale, where: Where
) -> npt.NDArray[np.int8]:
    """Integer answers: range-checked in their own type, coded without a float copy.

    ``int8`` input (already one byte a cell) costs one byte-sized copy and a mask.
    """
    bad = (scores < scale.min) | (scores > scale.max)
    if bad.any():
        i, j = divmod(int(np.argmax(bad)), scores.shape[1])  # first in row order
        raise ScaleError(
            error_message(scores[i, j], item_ids[j], where(i), scale, int(np.count_nonzero(bad)))
        )
    return _integer_codes(scores, scale)


def _integer_codes(values: npt.NDArray[Any], scale: Scale) -> npt.NDArray[np.int8]:
    """Integers already checked to lie on the scale, as codes ``value - scale.min``."""
    if scale.min >= -128 and scale.max <= 127:
        codes = values.astype(np.int8)  # every value is within the scale, so it fits
        codes -= np.int8(scale.min)
        return codes
    return np.asarray(values - scale.min, dtype=np.int8)  # a scale such as 100–110


def error_message(raw: object, item_id: str, place: str, scale: Scale, n_bad: int) -> str:
    x = _classify(raw.item() if isinstance(raw, np.generic) else raw)
    if isinstance(raw, (bool, np.bool_)):
        problem = "not an integer (a boolean is not a rating)"
    elif np.isfinite(x) and float(x).is_integer():
        problem = f"outside the scale {scale.min}–{scale.max}"
    else:
        problem = "not an integer"
    more = f" ({n_bad} bad answers in all)" if n_bad > 1 else ""
    return f"answer to item {item_id!r} in {place} is {show(raw)}, {problem}{more}"


def check_unique(ids: npt.NDArray[Any], where: Where) -> None:
    """Refuse duplicate respondent ids, naming both places (vectorized sort).

    Raises
    ------
    servqual.errors.RespondentError
        At the duplicate that appears first in a sorted order.
    """
    if ids.size < 2:
        return
    if ids.dtype.kind in "iu" and bool(np.all(ids[1:] > ids[:-1])):
        return  # increasing integers (the default 0 … n-1) are distinct: no sort
    keys = ids
    try:
        order = np.argsort(keys, kind="stable")
    except TypeError:  # mixed str/int ids: compare by type and text
        keys = np.array([f"{type(v).__name__}:{v}" for v in ids.tolist()])
        order = np.argsort(keys, kind="stable")
    ranked = keys[order]
    dup = np.flatnonzero(ranked[1:] == ranked[:-1])
    if dup.size:
        a, b = sorted((int(order[dup[0]]), int(order[dup[0] + 1])))
        raise RespondentError(
            f"duplicate respondent id {show(ids[a])} in {where(a)} and {where(b)}"
        )


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(np.isnan(value))
    if isinstance(value, str):
        return not value.strip()
    return type(value).__name__ in ("NAType", "NaTType")


_is_blank_ufunc = np.frompyfunc(_is_blank, 1, 1)


def blank_mask(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Cells that hold no value: None, NaN, pandas NA or an empty/blank string."""
    kind = values.dtype.kind
    if kind == "f":
        return np.asarray(np.isnan(values), dtype=np.bool_)
    if kind in "iub":
        return np.zeros(values.shape, dtype=np.bool_)
    if kind == "U":
        return np.asarray(np.char.strip(values) == "", dtype=np.bool_)
    return np.asarray(_is_blank_ufunc(values), dtype=np.bool_)


def design_column(
    values: npt.NDArray[Any], field: str, where: Where, error: type[Exception]
) -> npt.NDArray[Any]:
    """Check one design column, naming the first bad row; numeric fields come back as float.

    ``weights`` must be finite and >= 0, ``fpc`` finite and > 0; ``strata``,
    ``clusters`` and respondent ids must not be blank. ``error`` is the class raised.
    """
    if field in ("weights", "fpc"):
        x = _as_float(values)
        bad = ~np.isfinite(x) | ((x <= 0) if field == "fpc" else (x < 0))
        rule = "a finite number > 0" if field == "fpc" else "a finite number >= 0"
    else:
        x = values
        bad = blank_mask(values)
        rule = "given for every respondent"
    if bad.any():
        i = int(np.argmax(bad))
        more = f" ({int(bad.sum())} rows in all)" if bad.sum() > 1 else ""
        value = "no value" if blank_mask(values[i : i + 1])[0] else show(values[i])
        raise error(f"{field} must be {rule}; {where(i)} has {value}{more}")
    return x
