"""Normalize what :func:`servqual.screen` receives: answers as codes, ids, extra columns.

A :class:`~servqual.Responses` has been validated already (its answers are in range and
its ids unique). A plain 2-D array with an instrument has not: answers outside the scale
are recorded (and then treated as missing) and repeated ids are kept, so that screening
can report them instead of refusing the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design.design import Design
from servqual.errors import DataFormatError, ParameterError, ServqualTypeError
from servqual.models.instrument import Instrument
from servqual.responses import MISSING, Responses

__all__ = ["Survey", "column", "plain_id", "row_ids", "survey"]

CodeArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class Survey:
    """The answers to screen, as compact codes, with their ids and design."""

    codes: CodeArray  # (n, k) answer − scale.min, −1 missing (out-of-range included)
    ids: npt.NDArray[Any]
    instrument: Instrument
    design: Design
    responses: Responses | None
    bad: npt.NDArray[np.bool_]  # (n, k) answers outside the scale


def plain_id(value: Any) -> int | str:
    """A respondent id as a JSON-friendly ``int`` or ``str``."""
    if isinstance(value, (bool, np.bool_)):
        return str(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return str(value)


def row_ids(s: Survey, rows: npt.ArrayLike) -> tuple[int | str, ...]:
    """The respondent ids of the given row positions, as plain ``int``/``str``."""
    return tuple(plain_id(v) for v in s.ids[np.asarray(rows, dtype=np.intp)])


def survey(data: Any, instrument: Instrument | None, respondent_ids: Any) -> Survey:
    """Codes, ids and design from a Responses or from a raw 2-D array and an instrument."""
    if isinstance(data, Responses):
        if instrument is not None or respondent_ids is not None:
            raise ParameterError(
                "instrument and respondent_ids are taken from the Responses; pass them only "
                "with a plain array of answers"
            )
        bad = np.zeros(data.codes.shape, dtype=bool)
        return Survey(data.codes, data.respondent_ids, data.instrument, data.design, data, bad)
    if not isinstance(instrument, Instrument):
        raise ServqualTypeError(
            "screen needs a servqual.Responses, or a 2-D array of answers with instrument= "
            f"(got {type(data).__name__} and instrument={type(instrument).__name__})"
        )
    try:
        values = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError):
        raw = np.asarray(data, dtype=object)
        blank = np.vectorize(lambda v: v is None or v == "", otypes=[bool])(raw)
        try:
            values = np.where(blank, np.nan, raw).astype(np.float64)
        except (TypeError, ValueError):
            raise ServqualTypeError("answers must be numbers (None or NaN for missing)") from None
    k = len(instrument.items)
    if values.ndim != 2 or values.shape[1] != k or values.shape[0] == 0:
        raise DataFormatError(
            f"answers must be a 2-D array of n respondents × {k} items "
            f"(instrument {instrument.id!r}), got shape {values.shape}"
        )
    n = values.shape[0]
    lo, hi = instrument.scale.min, instrument.scale.max
    present = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        bad = present & ((values < lo) | (values > hi) | (values != np.round(values)))
    codes = np.where(present & ~bad, values - lo, MISSING).astype(np.int8)
    ids = np.arange(n) if respondent_ids is None else np.asarray(respondent_ids)
    if ids.shape != (n,):
        raise DataFormatError(f"respondent_ids must have one id per row ({n}), got {ids.shape}")
    return Survey(codes, ids, instrument, Design({"_row": np.arange(n)}), None, bad)


def column(value: Any, responses: Responses | None, n: int, name: str) -> npt.NDArray[Any] | None:
    """An interviewer/mode/timestamp column: an attribute name or one value per row."""
    if value is None:
        return None
    if isinstance(value, str):
        if responses is None:
            raise ParameterError(
                f"{name}={value!r} names a column, but plain answers have no columns; pass one "
                "value per row"
            )
        return responses.attribute(value)
    arr = np.asarray(value)
    if arr.shape != (n,):
        raise DataFormatError(f"{name} must have one value per respondent ({n}), got {arr.shape}")
    return arr
