"""Turn records, arrays and frames into the parts of a ``Responses`` (codes, ids, design).

Each input path checks its own layout (shapes, columns, item ids) and hands every answer
column to :func:`servqual._answers.encode_columns`; :func:`make_design` then checks the
design columns and respondent ids, naming rows in the user's terms, and builds the
:class:`~servqual.Design`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pydantic

from servqual._answers import (
    Where,
    check_unique,
    design_column,
    encode_columns,
    encode_matrix,
    show,
)
from servqual._frames import column_names, get_column
from servqual.design.design import Design
from servqual.errors import (
    DataFormatError,
    DesignError,
    ItemError,
    RespondentError,
    ScaleError,
    ServqualTypeError,
    ValidationError,
)
from servqual.models.instrument import Instrument
from servqual.models.response import Response
from servqual.stats.variance import LonelyPSU

__all__ = [
    "DESIGN_COLUMNS",
    "ID_COLUMN",
    "Parts",
    "arrays_parts",
    "frame_parts",
    "make_design",
    "records_parts",
]

ID_COLUMN = "_respondent_id"
DESIGN_COLUMNS = {"weights": "_weight", "strata": "_stratum", "clusters": "_cluster", "fpc": "_fpc"}
RESERVED = frozenset({ID_COLUMN, *DESIGN_COLUMNS.values()})
_FIELDS = ("weights", "strata", "clusters", "fpc")


class Parts(NamedTuple):
    """What a ``Responses`` is made of, before the design is checked and built."""

    codes: npt.NDArray[np.int8]
    ids: npt.NDArray[Any]
    columns: dict[str, npt.NDArray[Any]]
    design: dict[str, str | None]  # field → column name in ``columns``
    where: Where


def column(values: list[Any]) -> npt.NDArray[Any]:
    """A list of scalars as a 1-D array; mixed types stay objects (no ``1`` → ``'1'``)."""
    kinds = {type(v) for v in values}
    if len(kinds) == 1 and kinds <= {str, int, float, bool}:
        return np.asarray(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _check_attribute_names(names: Iterable[str]) -> None:
    for name in names:
        if name in RESERVED:
            raise ValidationError(
                f"attribute name {name!r} is reserved by servqual; rename that column"
            )


def make_design(parts: Parts, lonely_psu: LonelyPSU = "fail") -> Design:
    """Check ids and design columns (naming the row) and build the design."""
    ids = design_column(parts.ids, "respondent id", parts.where, RespondentError)
    check_unique(ids, parts.where)
    columns = dict(parts.columns)
    for field, name in parts.design.items():
        if name is not None and name not in columns:  # the id column was taken out
            raise DesignError(
                f"{field} column {name!r} is also the respondent id column: one column "
                f"cannot be both; copy it under another name for the {field}"
            )
        if name is not None:
            columns[name] = design_column(columns[name], field, parts.where, DesignError)
    return Design(
        {ID_COLUMN: ids, **columns},
        weights=parts.design.get("weights"),
        strata=parts.design.get("strata"),
        clusters=parts.design.get("clusters"),
        fpc=parts.design.get("fpc"),
        lonely_psu=lonely_psu,
    )


# --- records -----------------------------------------------------------------------
_ERROR_BY_FIELD: dict[str, type[ValidationError]] = {
    "answers": ScaleError,
    "respondent_id": RespondentError,
    "weight": DesignError,
    "stratum": DesignError,
    "cluster": DesignError,
    "fpc": DesignError,
}


def _record(i: int, record: object) -> Response:
    if isinstance(record, Response):
        return record
    if not isinstance(record, Mapping):
        raise ServqualTypeError(
            f"record {i} must be a Response or a mapping, got {type(record).__name__}"
        )
    try:
        return Response.model_validate(dict(record))
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        cls = _ERROR_BY_FIELD.get(str(err["loc"][0]) if err["loc"] else "", ValidationError)
        if msg.startswith("answer to item"):
            raise cls(msg.replace(" is ", f" in record {i} is ", 1)) from None
        raise cls(f"record {i}: {field}: {msg} (got {err.get('input')!r})") from None


def records_parts(records: Iterable[Any], instrument: Instrument) -> Parts:
    """Parts from an iterable of :class:`Response` or mappings (one pass per record)."""
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
        raise ServqualTypeError(
            f"records must be an iterable of Response or mappings, got {type(records).__name__}"
        )
    recs = [_record(i, r) for i, r in enumerate(records)]
    if not recs:
        raise RespondentError("no records: the survey has no respondents")
    ids = column([r.respondent_id for r in recs])

    def where(i: int) -> str:
        return f"record {i} (respondent {show(ids[i])})"

    pos = {item_id: j for j, item_id in enumerate(instrument.item_ids)}
    scores = np.full((len(recs), len(pos)), np.nan)
    for i, r in enumerate(recs):
        for key, value in r.answers.items():
            j = pos.get(key)
            if j is None:
                raise ItemError(
                    f"{where(i)} answers unknown item {key!r}; instrument "
                    f"{instrument.id!r} has items {list(instrument.item_ids)}"
                )
            if value is not None:
                scores[i, j] = value
    codes = encode_columns(list(scores.T), instrument.item_ids, instrument.scale, where)
    names = list(dict.fromkeys(k for r in recs for k in r.attributes))
    _check_attribute_names(names)
    columns = {k: column([r.attributes.get(k) for r in recs]) for k in names}
    design: dict[str, str | None] = dict.fromkeys(_FIELDS)
    if any("weight" in r.model_fields_set for r in recs):
        columns[DESIGN_COLUMNS["weights"]] = np.array([r.weight for r in recs])
        design["weights"] = DESIGN_COLUMNS["weights"]
    for field, attr in (("strata", "stratum"), ("clusters", "cluster"), ("fpc", "fpc")):
        values = [getattr(r, attr) for r in recs]
        if any(v is not None for v in values):
            columns[DESIGN_COLUMNS[field]] = column(values)
            design[field] = DESIGN_COLUMNS[field]
    return Parts(codes, ids, columns, design, where)


# --- arrays ------------------------------------------------------------------------
def _row(i: int) -> str:
    return f"row {i}"


def _vector(values: npt.ArrayLike, name: str, n: int) -> npt.NDArray[Any]:
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != n:
        raise DataFormatError(
            f"{name} must be a 1-D array with one value per respondent ({n}), got shape {arr.shape}"
        )
    return arr


def _scores(scores: npt.ArrayLike, instrument: Instrument) -> npt.NDArray[Any]:
    try:
        arr = np.asarray(scores)
    except ValueError as exc:  # ragged nested lists
        raise DataFormatError(f"scores must be a rectangular 2-D array: {exc}") from None
    k = len(instrument.items)
    if arr.ndim != 2 or arr.shape[1] != k:
        raise DataFormatError(
            f"scores must be 2-D with one column per item of {instrument.id!r} "
            f"({k}: {', '.join(instrument.item_ids)}), got shape {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise RespondentError("no respondents: scores has 0 rows")
    return arr


def arrays_parts(
    scores: npt.ArrayLike,
    instrument: Instrument,
    design: Mapping[str, npt.ArrayLike | None],
    attributes: Mapping[str, npt.ArrayLike] | None,
    respondent_ids: npt.ArrayLike | None,
) -> Parts:
    """Parts from an (n, k) score array and 1-D design/attribute arrays."""
    arr = _scores(scores, instrument)
    n = arr.shape[0]
    codes = encode_matrix(arr, instrument.item_ids, instrument.scale, _row)
    ids = np.arange(n) if respondent_ids is None else _vector(respondent_ids, "respondent_ids", n)
    attributes = attributes or {}
    _check_attribute_names(attributes)
    columns = {str(k): _vector(v, f"attribute {k!r}", n) for k, v in attributes.items()}
    names: dict[str, str | None] = dict.fromkeys(_FIELDS)
    for field, values in design.items():
        if values is not None:
            names[field] = DESIGN_COLUMNS[field]
            columns[DESIGN_COLUMNS[field]] = _vector(values, field, n)
    return Parts(codes, ids, columns, names, _row)


# --- frames ------------------------------------------------------------------------
def frame_parts(
    frame: Any,
    instrument: Instrument,
    design: Mapping[str, str | None],
    id_column: str | None,
    items: Mapping[str, str] | None,
) -> Parts:
    """Parts from a dataframe: item columns by id (or ``items``), the rest attributes."""
    names = column_names(frame)
    mapping = {item_id: item_id for item_id in instrument.item_ids}
    if items is not None and not isinstance(items, Mapping):
        raise ServqualTypeError(
            f"items must map item ids to column names, got {type(items).__name__}"
        )
    for item_id, col in (items or {}).items():
        instrument.index(item_id)  # ItemError for an unknown id
        mapping[item_id] = col
    absent = [col for col in mapping.values() if col not in names]
    if absent:
        raise DataFormatError(
            f"the frame has no column {absent[0]!r} for item "
            f"{next(i for i, c in mapping.items() if c == absent[0])!r} of "
            f"{instrument.id!r}; columns: {names} (map item ids to columns with items=)"
        )
    for field, name in [*design.items(), ("id_column", id_column)]:
        if name is not None and name not in names:
            raise DataFormatError(f"{field} column {name!r} is not in the frame; columns: {names}")
    item_columns = [get_column(frame, mapping[i]) for i in instrument.item_ids]
    n = len(item_columns[0])
    if n == 0:
        raise RespondentError("no respondents: the frame has 0 rows")
    ids = np.arange(n) if id_column is None else get_column(frame, id_column)

    def where(i: int) -> str:
        return f"row {i}" + ("" if id_column is None else f" (respondent {show(ids[i])})")

    codes = encode_columns(item_columns, instrument.item_ids, instrument.scale, where)
    used = {*mapping.values(), id_column}
    rest = [c for c in names if c not in used]
    _check_attribute_names(rest)
    columns = {c: get_column(frame, c) for c in rest}
    return Parts(codes, ids, columns, dict(design), where)
