"""Tokenize a CSV file chunk by chunk into dictionary-coded cells (private to ``read_csv``).

Each chunk comes out as one :class:`Cells` per column: the distinct cell texts of the
chunk (``labels``) and, per row, the position of its text among them (``codes``). Every
later step (answer codes, numbers, text labels, blank rows) works on the few distinct
texts and gathers by code, so no step loops over rows in Python and no text is copied
into a fixed-width array (a 131,000-character cell costs its own bytes, once).

Two tokenizers produce the same chunks: pyarrow's streaming CSV reader (C++, several
times faster) when it is installed and the file is UTF-8, and the standard library's
``csv`` module otherwise. Both hold one chunk at a time. Line numbers are not tracked
while reading: an error message finds the line of a row by reading the file again
(:func:`line_of_row`), which only a failing read pays for.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections.abc import Callable, Iterator
from typing import IO, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from servqual.errors import DataFormatError

__all__ = [
    "BlankCheck",
    "Cells",
    "Chunk",
    "NeedAllColumns",
    "arrow_chunks",
    "is_utf8",
    "line_of_row",
    "open_text",
    "python_chunks",
    "read_header",
]

_DELIMITERS = (",", ";", "\t")

OnBytes = Callable[[int, int], None]
"""Called after each chunk with (rows in the chunk, bytes of the file read so far)."""


class Cells(NamedTuple):
    """One column of one chunk: distinct cell texts and each row's index among them."""

    labels: list[str]
    codes: npt.NDArray[np.intp]


BlankCheck = Callable[[npt.NDArray[np.intp]], npt.NDArray[np.bool_]]
"""Given rows whose read cells are all blank, which are blank in every column."""


class Chunk(NamedTuple):
    """The read columns of one chunk; ``blank`` is ``None`` when every column was read."""

    cells: list[Cells]
    blank: BlankCheck | None


class NeedAllColumns(Exception):
    """pyarrow read a subset of columns and met a row blank in all of them (read again)."""


def is_utf8(encoding: str) -> bool:
    """Whether ``encoding`` names UTF-8 (a byte-order mark is then accepted)."""
    return codecs.lookup(encoding).name == "utf-8"


def open_text(path: str, encoding: str) -> IO[str]:
    """The file as text for the ``csv`` module (a UTF-8 byte-order mark is skipped)."""
    return open(path, encoding="utf-8-sig" if is_utf8(encoding) else encoding, newline="")


def decode_error(path: str, encoding: str) -> DataFormatError:
    """The error for a file that does not decode: the first bad byte and its offset."""
    decoder = codecs.getincrementaldecoder("utf-8-sig" if is_utf8(encoding) else encoding)()
    offset = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                position = offset - pending + exc.start
                byte = exc.object[exc.start]
                return DataFormatError(
                    f"{path} is not valid {exc.encoding}: byte {byte:#04x} at position "
                    f"{position}; give the file's encoding, e.g. 'cp1252' or 'latin-1' "
                    "(encoding= in Python, --encoding on the command line)"
                )
            offset += len(block)
    return DataFormatError(f"{path} is not valid {encoding}")


def _sniff(header: str) -> str:
    """The separator used most often in the header line (``,`` on a tie)."""
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_header(path: str, encoding: str, delimiter: str | None) -> tuple[list[str], str, int]:
    """Stripped column names, the separator, and the lines the header record spans."""
    try:
        with open_text(path, encoding) as f:
            first = f.readline().split("\n", 1)[0]
            f.seek(0)
            sep = delimiter if delimiter is not None else _sniff(first)
            reader = csv.reader(f, delimiter=sep)
            header = next(reader, None)
            lines = reader.line_num
    except UnicodeDecodeError:
        raise decode_error(path, encoding) from None
    if header is None:
        raise DataFormatError(f"{path} is empty: no header line")
    names = [h.strip() for h in header]
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if name in seen:
            raise DataFormatError(
                f"{path} line 1: column {name!r} appears twice (columns {seen[name] + 1} "
                f"and {j + 1})"
            )
        seen[name] = j
    return names, sep, lines


def _is_blank_row(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def _encode(column: tuple[str, ...]) -> Cells:
    """Dictionary-code one column of a chunk (two C-level passes, no Python loop)."""
    labels = list(dict.fromkeys(column))
    index = {label: i for i, label in enumerate(labels)}
    codes = np.fromiter(map(index.__getitem__, column), dtype=np.intp, count=len(column))
    return Cells(labels, codes)


def python_chunks(
    path: str,
    encoding: str,
    sep: str,
    keep: list[int],
    width: int,
    chunk_rows: int,
    on_bytes: OnBytes | None,
) -> Iterator[Chunk]:
    """Chunks of ``chunk_rows`` records from the ``csv`` module: columns ``keep`` coded.

    A record whose fields are all blank is dropped whatever its length; any other record
    must have ``width`` fields.
    """
    raw_seen = 0  # records read after the header, blank ones included
    try:
        with open_text(path, encoding) as f:
            reader = csv.reader(f, delimiter=sep)
            next(reader, None)
            while rows := list(itertools.islice(reader, chunk_rows)):
                n_raw = len(rows)
                if set(map(len, rows)) != {width}:
                    rows = _drop_short_blanks(rows, width, path, encoding, sep, raw_seen)
                raw_seen += n_raw
                if on_bytes is not None:
                    on_bytes(len(rows), f.buffer.tell() if hasattr(f, "buffer") else 0)
                if rows:
                    columns = list(zip(*rows, strict=True))
                    yield Chunk([_encode(columns[j]) for j in keep], _row_check(rows, keep, width))
    except UnicodeDecodeError:
        raise decode_error(path, encoding) from None


def _row_check(rows: list[list[str]], keep: list[int], width: int) -> BlankCheck | None:
    if len(keep) == width:
        return None

    def blank(candidates: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        found = [_is_blank_row(rows[int(i)]) for i in candidates]  # rare rows only
        return np.array(found, dtype=np.bool_)

    return blank


def _need_all_columns(candidates: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
    raise NeedAllColumns


def _drop_short_blanks(
    rows: list[list[str]], width: int, path: str, encoding: str, sep: str, raw_seen: int
) -> list[list[str]]:
    """Rows of the wrong length must be blank (dropped); otherwise name the line."""
    for r, row in enumerate(rows):
        if len(row) != width and not _is_blank_row(row):
            line = _record_line(path, encoding, sep, _nth(raw_seen + r))
            raise DataFormatError(
                f"{path} line {line} has {len(row)} fields but the header has {width}"
            )
    return [row for row in rows if len(row) == width]


def _record_line(path: str, encoding: str, sep: str, stop: Callable[[int, list[str]], bool]) -> int:
    """First line of the first record (after the header) for which ``stop(k, row)`` holds."""
    with open_text(path, encoding) as f:
        reader = csv.reader(f, delimiter=sep)
        next(reader, None)
        last = reader.line_num
        for k, row in enumerate(reader):
            if stop(k, row):
                return last + 1
            last = reader.line_num
    raise DataFormatError(f"{path}: record {k} not found on a second reading")


def _nth(target: int) -> Callable[[int, list[str]], bool]:
    def stop(k: int, _row: list[str]) -> bool:
        return k == target

    return stop


def line_of_row(path: str, encoding: str, sep: str, i: int) -> int:
    """The first line of data row ``i`` (0-based, blank records not counted)."""
    kept = itertools.count()

    def stop(_k: int, row: list[str]) -> bool:
        return not _is_blank_row(row) and next(kept) == i

    return _record_line(path, encoding, sep, stop)


def arrow_chunks(
    path: str,
    encoding: str,
    sep: str,
    keep: list[int],
    width: int,
    block_bytes: int,
    on_bytes: OnBytes | None,
) -> Iterator[Chunk]:
    """The same chunks from pyarrow's streaming reader (the header is one line).

    pyarrow decodes other encodings than UTF-8 itself; a UTF-8 byte-order mark is skipped.

    Any pyarrow error (a ragged row, invalid UTF-8, a row longer than a block) propagates
    as a pyarrow exception; :func:`servqual.read_csv` then reads the file again with the
    ``csv`` module, whose errors name the line.
    """
    import pyarrow as pa
    from pyarrow import csv as pacsv

    names = [str(j) for j in range(width)]
    with pa.OSFile(path, "rb") as f:  # read by pyarrow's threads, not through Python
        reader = pacsv.open_csv(
            f,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=1,
                block_size=block_bytes,
                encoding="utf8" if is_utf8(encoding) else encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                include_columns=[names[j] for j in keep],
            ),
        )
        check = None if len(keep) == width else _need_all_columns
        for batch in reader:
            if on_bytes is not None:
                on_bytes(batch.num_rows, f.tell())
            if batch.num_rows:
                yield Chunk([_arrow_cells(batch.column(j)) for j in range(len(keep))], check)


def _arrow_cells(column: Any) -> Cells:
    encoded = column.dictionary_encode()
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.intp)
    return Cells(encoded.dictionary.to_pylist(), codes)
