"""Timestamp columns to int64 seconds, with their missing mask and time-zone awareness.

Naive timestamps become seconds since 1970-01-01 of the wall clock (local time); aware
ones become UTC seconds. Text is parsed as ISO 8601 (``2026-01-05T08:15``, a date alone,
a ``+07:00`` or ``Z`` suffix), once per distinct value; ``datetime64`` columns are taken
as they are. Empty text, ``None``, ``NaN`` and ``NaT`` are missing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DataFormatError

__all__ = ["Stamps", "parse_timestamps", "to_seconds"]

_MISSING_TEXT = frozenset({"", "none", "nan", "nat", "null"})
_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

Int64Array = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Stamps:
    """A parsed timestamp column: ``seconds``, ``missing`` and ``aware`` (per row)."""

    def __init__(self, seconds: Int64Array, missing: BoolArray, aware: BoolArray) -> None:
        self.seconds = seconds
        self.missing = missing
        self.aware = aware


def to_seconds(value: dt.datetime) -> tuple[int, bool]:
    """One ``datetime`` as (seconds, aware): wall-clock seconds if naive, UTC if aware."""
    if value.tzinfo is not None and value.utcoffset() is not None:
        return int((value - _EPOCH_UTC).total_seconds() // 1), True
    return int((value.replace(tzinfo=None) - _EPOCH).total_seconds() // 1), False


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _parse_one(text: str) -> dt.datetime:
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return dt.datetime.fromisoformat(text)


def parse_timestamps(raw: npt.NDArray[Any], field: str, ids: npt.NDArray[Any]) -> Stamps:
    """Parse one timestamp column; a value that is not a timestamp names its record id.

    Raises
    ------
    servqual.errors.DataFormatError
        A value that is neither a timestamp nor empty (the message names the column, the
        record id and the value).
    """
    n = raw.shape[0]
    if raw.dtype.kind == "M":
        missing = np.isnat(raw)
        seconds = raw.astype("datetime64[s]", copy=False).view(np.int64)
        return Stamps(np.where(missing, 0, seconds), missing, np.zeros(n, dtype=bool))
    if raw.dtype.kind == "f" and bool(np.isnan(raw).all()):
        return Stamps(np.zeros(n, np.int64), np.ones(n, bool), np.zeros(n, bool))
    if raw.dtype.kind not in "OUS":
        raise DataFormatError(
            f"column {field!r} must hold timestamps (ISO text, datetime or datetime64), "
            f"got {raw.dtype} values such as {raw[:1].tolist()!r} (record "
            f"{_plain(ids[0])!r})"
        )
    text = raw.astype(str)
    uniq, inverse = np.unique(text, return_inverse=True)
    secs = np.zeros(uniq.size, np.int64)
    miss = np.zeros(uniq.size, bool)
    aware = np.zeros(uniq.size, bool)
    for j, value in enumerate(uniq.tolist()):
        if value.strip().lower() in _MISSING_TEXT:
            miss[j] = True
            continue
        try:
            secs[j], aware[j] = to_seconds(_parse_one(value))
        except ValueError:
            row = int(np.flatnonzero(inverse == j)[0])
            rid = _plain(ids[row])
            raise DataFormatError(
                f"column {field!r}: {value!r} of record {rid!r} "
                "is not a timestamp (ISO 8601, e.g. 2026-01-05T08:15 or 2026-01-05T08:15+07:00)"
            ) from None
    inverse = inverse.reshape(-1)
    return Stamps(secs[inverse], miss[inverse], aware[inverse])
