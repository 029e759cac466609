"""Read survey answers from a CSV file (standard library ``csv`` + numpy, no pandas).

Spreadsheet exports differ: UTF-8 with or without a byte-order mark, ``,`` or ``;`` as
the separator (Indonesian-locale spreadsheets write ``;`` and a decimal comma).
:func:`read_csv` accepts both and maps item columns by the header, never by position.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._answers import encode_columns
from servqual._build import RESERVED, Parts
from servqual._response_checks import check_instrument
from servqual.errors import (
    DataFormatError,
    ParameterError,
    RespondentError,
    ServqualTypeError,
    ValidationError,
)
from servqual.models.instrument import Instrument
from servqual.responses import Responses

__all__ = ["read_csv"]

_DELIMITERS = (",", ";", "\t")


def _read_text(path: str, encoding: str) -> str:
    if not isinstance(encoding, str):
        raise ServqualTypeError(f"encoding must be a string such as 'utf-8', got {encoding!r}")
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise ParameterError(
            f"unknown encoding {encoding!r} for {path}; use e.g. 'utf-8', 'cp1252' or 'latin-1'"
        ) from None
    if codec == "utf-8":
        encoding = "utf-8-sig"  # strips a byte-order mark when there is one
    try:
        with open(path, encoding=encoding, newline="") as f:
            return f.read()
    except OSError as exc:  # missing file, a directory, no permission
        raise DataFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{path} is not valid {exc.encoding}: byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start}; give the file's encoding, e.g. 'cp1252' or 'latin-1' "
            "(encoding= in Python, --encoding on the command line)"
        ) from None
    except (UnicodeError, ValueError, LookupError) as exc:  # not a text codec (rot13, hex)
        raise DataFormatError(f"{path} cannot be decoded as {encoding}: {exc}") from None


def _sniff(header: str) -> str:
    """The separator used most often in the header line (``,`` on a tie)."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _rows(text: str, path: str, delimiter: str) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows and their first line numbers; all-blank rows are skipped."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    try:
        return _parse(reader, path)
    except csv.Error as exc:  # a field over the csv module's size limit, a stray quote
        raise DataFormatError(f"{path} line {reader.line_num}: {exc}") from None


def _parse(reader: Any, path: str) -> tuple[list[str], list[list[str]], list[int]]:
    try:
        header = next(reader)
    except StopIteration:
        raise DataFormatError(f"{path} is empty: no header line") from None
    header = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for j, name in enumerate(header):
        if name in seen:
            raise DataFormatError(
                f"{path} line 1: column {name!r} appears twice (columns {seen[name] + 1} "
                f"and {j + 1})"
            )
        seen[name] = j
    rows: list[list[str]] = []
    lines: list[int] = []
    last = reader.line_num
    for row in reader:
        start, last = last + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line or a row of empty cells holds no respondent
        if len(row) != len(header):
            raise DataFormatError(
                f"{path} line {start} has {len(row)} fields but the header has {len(header)}"
            )
        rows.append(row)
        lines.append(start)
    return header, rows, lines


def _numbers(cells: npt.NDArray[np.str_], decimal_comma: bool) -> npt.NDArray[Any]:
    """Text cells as float64 (blank → NaN); unparsable cells stay text in an object array."""
    stripped = np.char.strip(cells)
    if decimal_comma:
        stripped = np.char.replace(stripped, ",", ".")
    filled = np.where(stripped == "", "nan", stripped)
    try:
        return filled.astype(np.float64)
    except ValueError:
        out = np.empty(cells.shape, dtype=object)
        out[:] = cells.tolist()
        ok = stripped == ""
        out[ok] = None
        for i in np.flatnonzero(~ok):  # only on a bad column: find the cells that parse
            with contextlib.suppress(ValueError):
                out[i] = float(filled[i])
        return out


def read_csv(
    path: str | os.PathLike[str],
    instrument: Instrument,
    *,
    weights: str | None = None,
    strata: str | None = None,
    clusters: str | None = None,
    fpc: str | None = None,
    id_column: str | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> Responses:
    r"""Read one respondent per row from a CSV file.

    Parameters
    ----------
    path : str or path-like
        The file. Its first line is the header.
    instrument : Instrument
        The instrument answered; each item's column is the one whose header is the item
        id (``U1`` … ``U9``), in any order.
    weights, strata, clusters, fpc : str, optional
        Header names of the design columns (see :class:`~servqual.Design`).
    id_column : str, optional
        Header name of a column of unique respondent ids (default ``0 … n-1``).
    delimiter : str, optional
        The separator; by default the one of ``,`` ``;`` or tab used most in the header.
    encoding : str
        Text encoding; ``"utf-8"`` also accepts a byte-order mark.

    Returns
    -------
    Responses
        Blank answer cells are missing answers, and the respondent stays. Every other
        column is an attribute, kept as text (stripped of surrounding spaces).

    Raises
    ------
    servqual.errors.DataFormatError
        Empty file, a missing item column, a duplicate header, a row with the wrong number
        of fields (names file and line), undecodable bytes.
    servqual.errors.ScaleError
        An answer outside the scale or not an integer (names file, line and item column).
    servqual.errors.RespondentError
        A header but no data rows; a blank or duplicate respondent id.
    servqual.errors.DesignError
        A weight or fpc that is blank, not a number or negative (names the line).

    Notes
    -----
    Lines whose cells are all empty (``;;;;`` rows left by spreadsheets) hold no
    respondent and are skipped; every other row is kept. With ``;`` as the separator,
    a decimal comma is accepted in ``weights`` and ``fpc``.

    Examples
    --------
    >>> import os, tempfile
    >>> import servqual as sq
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "survey.csv")
    >>> with open(path, "w", encoding="utf-8-sig") as f:
    ...     _ = f.write("id;layanan;U1;U2;U3;U4;U5;U6;U7;U8;U9\n"
    ...                 "r1;KTP;4;3;3;4;3;3;4;3;3\n"
    ...                 "r2;KK;3;;2;4;3;3;3;3;2\n")
    >>> r = sq.read_csv(path, sq.instruments.SKM_2017, id_column="id")
    >>> r.n, r.respondent_ids.tolist(), r.attribute("layanan").tolist()
    (2, ['r1', 'r2'], ['KTP', 'KK'])
    >>> r.values()[:, :3].tolist()
    [[4.0, 3.0, 3.0], [3.0, nan, 2.0]]
    """
    check_instrument(instrument)
    try:
        name = os.fspath(path)
    except TypeError:
        raise ServqualTypeError(f"path must be a file path, got {path!r}") from None
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ParameterError(f"delimiter must be one character such as ';', got {delimiter!r}")
    if delimiter is not None and delimiter in '"\r\n':
        raise ParameterError(f"delimiter cannot be a quote or a line break, got {delimiter!r}")
    text = _read_text(name, encoding)
    first = text.split("\n", 1)[0]
    sep = delimiter if delimiter is not None else _sniff(first)
    header, rows, lines = _rows(text, name, sep)
    missing = [i for i in instrument.item_ids if i not in header]
    if missing:
        raise DataFormatError(
            f"{name} has no column for item {missing[0]!r} of {instrument.id!r} "
            f"(missing: {missing}); header: {header}"
        )
    for field, col in (("weights", weights), ("strata", strata), ("clusters", clusters),
                       ("fpc", fpc), ("id_column", id_column)):  # fmt: skip
        if col is not None and col not in header:
            raise DataFormatError(f"{name} has no {field} column {col!r}; header: {header}")
    if not rows:
        raise RespondentError(f"{name} has a header but no data rows")
    for col in header:
        if col in RESERVED:
            raise ValidationError(f"{name}: column name {col!r} is reserved by servqual")
    return _responses(name, instrument, header, rows, lines, sep, weights, strata, clusters,
                      fpc, id_column)  # fmt: skip


def _responses(
    name: str,
    instrument: Instrument,
    header: list[str],
    rows: list[list[str]],
    lines: list[int],
    sep: str,
    weights: str | None,
    strata: str | None,
    clusters: str | None,
    fpc: str | None,
    id_column: str | None,
) -> Responses:
    cells = np.array(rows, dtype=np.str_)
    pos = {h: j for j, h in enumerate(header)}
    line_of = np.asarray(lines)

    def where(i: int) -> str:
        return f"{name} line {int(line_of[i])}"

    answers = [_numbers(cells[:, pos[i]], False) for i in instrument.item_ids]
    codes = encode_columns(answers, instrument.item_ids, instrument.scale, where)
    design = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
    used = {*instrument.item_ids, id_column}
    columns: dict[str, npt.NDArray[Any]] = {}
    for col in header:
        if col not in used:
            columns[col] = np.char.strip(cells[:, pos[col]])
    for field in ("weights", "fpc"):
        numeric = design[field]
        if numeric is not None:
            columns[numeric] = _numbers(cells[:, pos[numeric]], sep == ";")
    ids = np.arange(len(rows)) if id_column is None else np.char.strip(cells[:, pos[id_column]])
    parts = Parts(codes, ids, columns, design, where)
    return Responses._from_parts(instrument, parts)
