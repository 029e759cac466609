"""Read a form export into a header and a table of text cells (CSV, or XLSX via openpyxl).

Cells stay text: labels are mapped to answers afterwards, on the distinct values of each
column. Spreadsheet numbers come back as the text a user sees (``4``, not ``4.0``) and
dates as ISO 8601.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from servqual._csv_cells import _sniff
from servqual.errors import DataFormatError, ParameterError

__all__ = ["Table", "read_table"]


class Table(NamedTuple):
    """A header and one array of stripped text cells per column; ``""`` is an empty cell.

    ``header`` is unique (a repeat gets its column number); ``original`` is as written;
    ``rows`` holds each data row's number in the spreadsheet (the header is row 1; blank
    rows are skipped but keep their numbers).
    """

    name: str
    header: list[str]
    columns: list[npt.NDArray[np.str_]]
    original: list[str]
    rows: npt.NDArray[np.int64]

    @property
    def n(self) -> int:
        """Number of data rows."""
        return len(self.rows)


def read_table(
    path: str | os.PathLike[str], *, sheet: str | None, delimiter: str | None, encoding: str
) -> Table:
    """Read ``path`` by its extension: ``.xlsx`` (first sheet or ``sheet``), else CSV."""
    p = Path(path)
    if p.suffix.lower() in (".xls", ".ods"):
        raise DataFormatError(
            f"{p.name}: {p.suffix} workbooks are not read; save the export as .xlsx or CSV"
        )
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _xlsx_rows(p, sheet)
    else:
        if sheet is not None:
            raise ParameterError(f"sheet= applies to .xlsx files only, not {p.name}")
        header, rows = _csv_rows(p, delimiter, encoding)
    return _finish(p.name, [h.strip() for h in header], rows)


def _finish(name: str, header: list[str], rows: list[list[str]]) -> Table:
    """Check, pad and strip the rows; skip blank rows and empty edge columns."""
    k = len(header)
    for i, row in enumerate(rows):  # only long rows are looked at cell by cell
        if len(row) > k and any(c.strip() for c in row[k:]):
            raise DataFormatError(f"{name} row {i + 2} has {len(row)} cells for {k} columns")
    padded = [row if len(row) == k else (row + [""] * k)[:k] for row in rows]
    # one fixed-width text array per column: memory n × (longest cell of that column)
    columns = [np.char.strip(np.array(c, dtype=np.str_)) for c in zip(*padded, strict=True)]
    if not rows:
        columns = [np.array([], dtype=np.str_) for _ in header]
    filled = np.zeros(len(rows), dtype=np.bool_)
    for col in columns:
        filled |= col != ""
    numbers = np.flatnonzero(filled).astype(np.int64) + 2  # blank rows skipped, numbers kept
    keep = [j for j, h in enumerate(header) if h or (columns[j] != "").any()]
    header = [header[j] for j in keep]  # spreadsheets' empty edges
    columns = [columns[j][filled] for j in keep]
    return Table(name, _unique_header(name, header), columns, header, numbers)


def _unique_header(name: str, header: list[str]) -> list[str]:
    """Headers made unique: a repeated one gets its column number (``"Saran (column 7)"``).

    A repeat that maps to an item is still caught (as two headers for one item); a column
    with data but no header is an error.
    """
    out = []
    for j, h in enumerate(header):
        if not h:
            raise DataFormatError(f"{name}: column {j + 1} has data but no header")
        out.append(h if header.index(h) == j else f"{h} (column {j + 1})")
    if not out:
        raise DataFormatError(f"{name}: the header row is empty")
    if len(set(out)) < len(out):
        raise DataFormatError(f"{name}: the header row cannot be made unique: {header}")
    return out


def _csv_rows(
    path: Path, delimiter: str | None, encoding: str
) -> tuple[list[str], list[list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{path.name} is not valid {exc.encoding} (byte at position {exc.start}); "
            "give the file's encoding with encoding="
        ) from None
    lines = text.splitlines(keepends=True)
    if not lines:
        raise DataFormatError(f"{path.name} is empty: no header line")
    if delimiter is None:
        delimiter = _sniff(lines[0])
    rows = list(csv.reader(lines, delimiter=delimiter))
    return rows[0], rows[1:]


def _xlsx_rows(path: Path, sheet: str | None) -> tuple[list[str], list[list[str]]]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ParameterError(
            f"reading {path.name} needs openpyxl: pip install 'servqual[forms]'"
        ) from None
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ParameterError(f"{path.name} has no sheet {sheet!r}; sheets: {book.sheetnames}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [[_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    if not rows:
        raise DataFormatError(f"{path.name} is empty: no header row")
    return rows[0], rows[1:]


def _text(value: Any) -> str:
    """A cell as the text a spreadsheet shows (integral floats without ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)
