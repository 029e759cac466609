"""Read survey answers from a CSV file in chunks, into compact columns.

Spreadsheet exports differ: UTF-8 with or without a byte-order mark, ``,`` or ``;`` as
the separator (Indonesian-locale spreadsheets write ``;`` and a decimal comma).
:func:`read_csv` accepts both and maps item columns by the header, never by position.

The file is read a chunk at a time (:mod:`servqual._csv_cells`) and each chunk is reduced
to compact columns (:mod:`servqual._csv_columns`): answers as one byte per cell, text as
codes into a label table. Memory is the size of those columns plus one chunk, whatever
the length of the file or of its cells.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, NamedTuple

import numpy as np

from servqual._answers import error_message
from servqual._build import RESERVED, Parts
from servqual._csv_cells import (
    Chunk,
    NeedAllColumns,
    arrow_chunks,
    is_utf8,
    line_of_row,
    python_chunks,
    read_header,
)
from servqual._csv_columns import Table
from servqual._progress import Progress
from servqual.errors import (
    DataFormatError,
    DesignError,
    ParameterError,
    RespondentError,
    ScaleError,
    ServqualTypeError,
    ValidationError,
)
from servqual.instruments import resolve
from servqual.models.instrument import Instrument
from servqual.responses import Responses

__all__ = ["CsvEngine", "read_csv"]

CsvEngine = Literal["auto", "pyarrow", "python"]
"""Tokenizer of :func:`read_csv`: pyarrow's streaming reader, the ``csv`` module, or
pyarrow when it is installed and the file is UTF-8 (``"auto"``)."""

_ROWS_PER_CHUNK = 65_536
_BYTES_PER_ROW = 64  # to size pyarrow's blocks from ``chunk_rows``
_MIN_BLOCK = 1 << 16


def read_csv(
    path: str | os.PathLike[str],
    instrument: Instrument | str,
    *,
    weights: str | None = None,
    strata: str | None = None,
    clusters: str | None = None,
    fpc: str | None = None,
    id_column: str | None = None,
    attributes: Sequence[str] | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
    thousands: str | None = None,
    chunk_rows: int = _ROWS_PER_CHUNK,
    engine: CsvEngine = "auto",
    progress: bool = False,
) -> Responses:
    r"""Read one respondent per row from a CSV file.

    Parameters
    ----------
    path : str or path-like
        The file. Its first line is the header.
    instrument : Instrument or str
        The instrument answered, or its name (see :func:`servqual.instruments.resolve`);
        each item's column is the one whose header is the item id (``U1`` … ``U9``), in
        any order.
    weights, strata, clusters, fpc : str, optional
        Header names of the design columns (see :class:`~servqual.Design`).
    id_column : str, optional
        Header name of a column of unique respondent ids (default ``0 … n-1``).
    attributes : list of str, optional
        The other columns to keep as respondent attributes (default: every column).
        Columns not kept are not converted, which saves time and memory on wide files;
        the design columns are always kept.
    delimiter : str, optional
        The separator; by default the one of ``,`` ``;`` or tab used most in the header.
    encoding : str
        Text encoding; ``"utf-8"`` also accepts a byte-order mark.
    thousands : {".", ","}, optional
        Thousands separator used in the ``weights`` and ``fpc`` columns, removed before
        they are read (Indonesian spreadsheets write ``4.210`` for 4210). Without it, an
        ``fpc`` cell grouped like ``4.210`` or ``125.000`` is refused rather than read as
        4.21 or 125.
    chunk_rows : int
        Rows read and reduced at a time (about; pyarrow cuts blocks of bytes). The result
        does not depend on it; memory holds one chunk besides the compact columns.
    engine : {"auto", "pyarrow", "python"}
        The tokenizer: pyarrow's streaming CSV reader (``pip install
        "servqual[fast]"``), the standard library's ``csv`` module, or pyarrow when it is
        installed and the encoding is UTF-8. Both give the same result; a file pyarrow
        refuses is read again with ``csv``, whose error names the line.
    progress : bool
        Draw rows read, elapsed time and rate on stderr while reading.

    Returns
    -------
    Responses
        Blank answer cells are missing answers, and the respondent stays. Every other
        column (or each named in ``attributes``) is an attribute, kept as text (stripped
        of surrounding spaces).

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
        A weight or fpc that is blank, not a number or negative (names the line); an fpc
        above 1 that is not a whole number, or written with dots between groups of three
        digits while ``thousands`` is not given (names the line and the value).
    servqual.errors.ParameterError
        A ``thousands`` other than ``"."`` or ``","``, or equal to the separator;
        ``chunk_rows`` not a positive integer, an unknown ``engine``, or
        ``engine="pyarrow"`` without pyarrow installed.

    Notes
    -----
    Answers are kept as one ``int8`` code per cell and every other text column as codes
    into a table of its distinct (stripped) values, so a long free-text cell is stored
    once. Lines whose cells are all empty (``;;;;`` rows left by spreadsheets) hold no
    respondent and are skipped; every other row is kept. With ``;`` as the separator (or
    ``thousands="."``), a decimal comma is accepted in ``weights`` and ``fpc``. The
    ``thousands`` and population-count checks are made per distinct cell of each chunk,
    so they do not depend on how the file is cut.

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
    instrument = resolve(instrument)
    try:
        name = os.fspath(path)
    except TypeError:
        raise ServqualTypeError(f"path must be a file path, got {path!r}") from None
    _check_options(chunk_rows, engine)
    _check_source(name, encoding, delimiter)
    header, sep, header_lines = read_header(name, encoding, delimiter)
    if thousands not in (None, ".", ",") or thousands == sep:
        raise ParameterError(
            f"thousands must be '.' or ',' and differ from the separator {sep!r}, got {thousands!r}"
        )
    design = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
    _check_columns(name, header, instrument, {**design, "id_column": id_column}, attributes)
    wanted = {*instrument.item_ids, *design.values(), id_column}
    wanted.update(header if attributes is None else attributes)
    keep = [j for j, col in enumerate(header) if col in wanted]
    read = Read(name, encoding, sep, header, chunk_rows, instrument, design, thousands)
    bar = Progress(f"reading {os.path.basename(name)}", "rows") if progress else None
    table = None
    if header_lines == 1 and (
        engine == "pyarrow" or (engine == "auto" and is_utf8(encoding) and _has_pyarrow())
    ):  # a header spanning lines (a quoted newline in a name) is left to the csv module
        table = _arrow_table(read, keep, bar)
    if table is None:
        table = read.table(keep)
        _fill(table, python_chunks(name, encoding, sep, keep, len(header), chunk_rows,
                                   _on_bytes(bar, name)))  # fmt: skip
    if bar is not None:
        bar.close()
    return _responses(read, table, id_column, wanted)


class Read(NamedTuple):
    """What :func:`read_csv` was asked to read, as its helpers need it."""

    name: str
    encoding: str
    sep: str
    header: list[str]
    chunk_rows: int
    instrument: Instrument
    design: dict[str, str | None]
    thousands: str | None = None

    def table(self, keep: list[int]) -> Table:
        numeric = {c for c in (self.design["weights"], self.design["fpc"]) if c is not None}
        names = [self.header[j] for j in keep]
        decimal_comma = self.sep == ";" or self.thousands == "."
        counts = self.design["fpc"]
        return Table(names, self.instrument, numeric, decimal_comma, self.thousands, counts)


def _responses(
    read: Read, table: Table, id_column: str | None, wanted: set[str | None]
) -> Responses:
    name, instrument = read.name, read.instrument

    def where(i: int) -> str:
        return f"{name} line {line_of_row(name, read.encoding, read.sep, i)}"

    bad = table.bad_answer()
    if bad is not None:
        row, j, value, n_bad = bad
        item = instrument.item_ids[j]
        raise ScaleError(error_message(value, item, where(row), instrument.scale, n_bad))
    if table.n == 0:
        raise RespondentError(f"{name} has a header but no data rows")
    _check_counts(table, read.design["fpc"], where)
    for col in read.header:
        if col in RESERVED and col in wanted:
            raise ValidationError(f"{name}: column name {col!r} is reserved by servqual")
    columns = {k: v for k, v in table.columns().items() if k in wanted}
    ids: Any = np.arange(table.n) if id_column is None else columns.pop(id_column)
    parts = Parts(table.answers.codes(), ids, columns, read.design, where)
    return Responses._from_parts(instrument, parts)


def _check_counts(table: Table, fpc: str | None, where: Callable[[int], str]) -> None:
    """Refuse population counts written with a thousands dot, or fractional above 1."""
    if fpc is None:
        return
    grouped, fraction = table.count_problems()
    if grouped is not None:
        row, value = grouped
        raise DesignError(
            f"fpc column {fpc!r} in {where(row)} holds {value!r}: a population count "
            "with a thousands separator? Give thousands='.' (--thousands . on the "
            f"command line) to read it as {value.replace('.', '')}"
        )
    if fraction is not None:
        row, value = fraction
        raise DesignError(
            f"fpc column {fpc!r} in {where(row)} holds {value!r}: a "
            "population count must be a whole number (a sampling fraction at most 1); "
            "if the file writes thousands with a dot, give thousands='.'"
        )


def _check_source(name: str, encoding: str, delimiter: str | None) -> None:
    """A named error for a bad delimiter or encoding, or a file that cannot be opened.

    Raises
    ------
    servqual.errors.ServqualTypeError
        An encoding that is not a string.
    servqual.errors.ParameterError
        A delimiter that is not one character, or is a quote or a line break; an
        unknown encoding.
    servqual.errors.DataFormatError
        A missing file, a directory, no permission, or a codec that is not a text
        encoding (``rot13``, ``hex``).
    """
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise ParameterError(f"delimiter must be one character such as ';', got {delimiter!r}")
    if delimiter is not None and delimiter in '"\r\n':
        raise ParameterError(f"delimiter cannot be a quote or a line break, got {delimiter!r}")
    if not isinstance(encoding, str):
        raise ServqualTypeError(f"encoding must be a string such as 'utf-8', got {encoding!r}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ParameterError(
            f"unknown encoding {encoding!r} for {name}; use e.g. 'utf-8', 'cp1252' or 'latin-1'"
        ) from None
    try:
        with open(name, encoding=encoding, newline=""):
            pass
    except OSError as exc:  # missing file, a directory, no permission
        raise DataFormatError(f"cannot read {name}: {exc.strerror or exc}") from None
    except (UnicodeError, ValueError, LookupError) as exc:  # not a text codec (rot13, hex)
        raise DataFormatError(f"{name} cannot be decoded as {encoding}: {exc}") from None


def _check_options(chunk_rows: int, engine: str) -> None:
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ParameterError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    if engine not in ("auto", "pyarrow", "python"):
        raise ParameterError(f"engine must be one of ['auto', 'pyarrow', 'python'], got {engine!r}")
    if engine == "pyarrow" and not _has_pyarrow():
        raise ParameterError(
            'engine="pyarrow" needs pyarrow: pip install "servqual[fast]" (or engine="python")'
        )


def _has_pyarrow() -> bool:
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:
        return False
    return True


def _check_columns(
    name: str,
    header: list[str],
    instrument: Instrument,
    design: dict[str, str | None],
    attributes: Sequence[str] | None,
) -> None:
    missing = [i for i in instrument.item_ids if i not in header]
    if missing:
        raise DataFormatError(
            f"{name} has no column for item {missing[0]!r} of {instrument.id!r} "
            f"(missing: {missing}); header: {header}"
        )
    for field, col in design.items():
        if col is not None and col not in header:
            raise DataFormatError(f"{name} has no {field} column {col!r}; header: {header}")
    if attributes is not None and (
        isinstance(attributes, str) or not all(isinstance(a, str) for a in attributes)
    ):
        raise ServqualTypeError(f"attributes must be a list of column names, got {attributes!r}")
    absent = [a for a in attributes or () if a not in header]
    if absent:
        raise DataFormatError(f"{name} has no attribute column {absent[0]!r}; header: {header}")


def _on_bytes(bar: Progress | None, name: str) -> Callable[[int, int], None] | None:
    if bar is None:
        return None
    size = max(os.path.getsize(name), 1)
    rows = 0

    def update(n: int, read: int) -> None:
        nonlocal rows
        rows += n
        bar.update(rows, fraction=read / size if read else None)

    return update


def _fill(table: Table, chunks: Iterator[Chunk]) -> None:
    for chunk in chunks:
        table.add(chunk)


def _arrow_table(read: Read, keep: list[int], bar: Progress | None) -> Table | None:
    """The table read by pyarrow; ``None`` when pyarrow refuses the file (read it again).

    With a subset of the columns, a row blank in all of them may still hold a value in
    another: that file is read again with every column.
    """
    import pyarrow as pa

    block = max(_MIN_BLOCK, read.chunk_rows * _BYTES_PER_ROW)
    width = len(read.header)
    for columns in (keep, list(range(width))):
        table = read.table(columns)
        chunks = arrow_chunks(read.name, read.encoding, read.sep, columns, width, block,
                              _on_bytes(bar, read.name))  # fmt: skip
        try:
            _fill(table, chunks)
        except NeedAllColumns:
            continue
        except pa.ArrowException:
            return None  # the csv module reads it again and names the line at fault
        return table
    return None
