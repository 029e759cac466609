"""Turn dictionary-coded CSV chunks into compact columns (private to ``read_csv``).

A :class:`Table` takes the chunks of :mod:`servqual._csv_cells` one at a time and keeps
only compact columns: answers as ``int8`` codes, text as references into a table of the
distinct labels of each chunk, weights and fpc as float64. Every conversion is decided
once per distinct cell text (a few per column and chunk) and gathered by code, so the
work per row is a handful of numpy gathers. Chunks are independent, so the result does not depend on
how the file was cut (tests check every chunk size).

Answer texts parse as the rest of servqual does (``float`` of the stripped text, which
must be an integer on the scale); the first bad answer in row order is kept, reading
goes on to count the bad answers of the whole file, and the message names the first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._csv_cells import BlankCheck, Cells, Chunk
from servqual.models.instrument import Instrument

__all__ = ["Table"]

_BAD = -128  # not an answer code (codes are -1 … 126)
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")  # 4.210, 125.000: a thousands dot in a count


def _number(text: str, decimal_comma: bool) -> float | None:
    """A cell as a number (NaN when blank); ``None`` when it is not a number."""
    s = text.strip()
    if not s:
        return math.nan
    if decimal_comma:
        s = s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def _answer_value(text: str) -> object:
    """The value an answer cell stands for, as the message shows it (6 for ``'6'``)."""
    x = _number(text, False)
    return text if x is None else x


class _Answers:
    """Answer codes of k items, with the first bad answer and the count of bad ones."""

    def __init__(self, instrument: Instrument) -> None:
        scale = instrument.scale
        self._min, self._max = scale.min, scale.max
        self._cache: list[dict[str, int]] = [{} for _ in instrument.item_ids]
        self.blocks: list[npt.NDArray[np.int8]] = []
        self.first_bad: tuple[int, int, str] | None = None  # row, item, cell text
        self.n_bad = 0

    def _code(self, text: str) -> int:
        x = _number(text, False)
        if x is None:
            return _BAD
        if math.isnan(x):
            return -1
        if x != math.floor(x) or not self._min <= x <= self._max:
            return _BAD
        return int(x) - self._min

    def _lut(self, j: int, labels: list[str]) -> npt.NDArray[np.int8]:
        cache = self._cache[j]
        out = np.empty(len(labels), dtype=np.int8)
        for i, label in enumerate(labels):  # distinct texts of a chunk: a handful
            code = cache.get(label)
            if code is None:
                code = cache[label] = self._code(label)
            out[i] = code
        return out

    def add(self, cells: Sequence[Cells], start: int) -> None:
        block = np.empty((len(cells[0].codes), len(cells)), dtype=np.int8)
        for j, column in enumerate(cells):
            lut = self._lut(j, column.labels)
            block[:, j] = lut[column.codes]
        bad = block == _BAD
        if bad.any():
            self.n_bad += int(bad.sum())
            i, j = divmod(int(np.argmax(bad)), block.shape[1])  # first in row order
            if self.first_bad is None:
                self.first_bad = (start + i, j, cells[j].labels[int(cells[j].codes[i])])
        self.blocks.append(block)

    def codes(self) -> npt.NDArray[np.int8]:
        if len(self.blocks) == 1:
            return self.blocks[0]
        return np.concatenate(self.blocks)


class _Text:
    """A text column: per chunk, a table of its distinct stripped labels and a code a row.

    Each row refers to its chunk's label object (8 bytes a cell, each distinct text
    stored once a chunk), so no global table has to be looked up row by row.
    """

    def __init__(self) -> None:
        self.blocks: list[npt.NDArray[Any]] = []

    def add(self, cells: Cells) -> None:
        labels = np.empty(len(cells.labels), dtype=object)
        labels[:] = list(map(str.strip, cells.labels))
        self.blocks.append(labels[cells.codes])

    def values(self) -> npt.NDArray[Any]:
        """One object per row, each a reference into its chunk's label table."""
        return self.blocks[0] if len(self.blocks) == 1 else np.concatenate(self.blocks)


class _Numbers:
    """A numeric column (weights, fpc): float64, or objects keeping the cells that are not.

    With ``thousands`` its separator is removed from each (stripped) cell first. A column
    of population ``counts`` (fpc) also keeps, in row order, the first cell grouped like
    ``4.210`` (read without ``thousands``: each such value with its first row) and the
    first value above 1 that is not whole, for :meth:`Table.count_problems`.
    """

    def __init__(
        self, decimal_comma: bool, thousands: str | None = None, counts: bool = False
    ) -> None:
        self._decimal_comma = decimal_comma
        self._thousands = thousands
        self._counts = counts
        self._cache: dict[str, float | None] = {}
        self.blocks: list[npt.NDArray[np.float64]] = []
        self.bad: list[tuple[npt.NDArray[np.intp], list[str]]] = []
        self.grouped: dict[str, int] = {}  # grouped text → its first row
        self.fraction: tuple[int, str] | None = None  # first row above 1 and not whole
        self._n = 0

    def _text(self, label: str) -> str:
        if self._thousands is None:
            return label
        return label.strip().replace(self._thousands, "")

    def _value(self, label: str) -> float | None:
        if label not in self._cache:
            self._cache[label] = _number(self._text(label), self._decimal_comma)
        return self._cache[label]

    def add(self, cells: Cells) -> None:
        parsed = [self._value(label) for label in cells.labels]
        lut = np.array([math.nan if v is None else v for v in parsed], dtype=np.float64)
        self.blocks.append(lut[cells.codes])
        bad_label = np.array([v is None for v in parsed], dtype=np.bool_)
        if bad_label.any():
            rows = np.flatnonzero(bad_label[cells.codes])
            self.bad.append((rows + self._n, [cells.labels[int(c)] for c in cells.codes[rows]]))
        if self._counts:
            self._check_counts(cells, lut)
        self._n += len(cells.codes)

    def _check_counts(self, cells: Cells, lut: npt.NDArray[np.float64]) -> None:
        """Note grouped cells and fractional counts above 1 (per distinct label)."""
        if self._thousands is None:
            for k, label in enumerate(cells.labels):
                text = label.strip()
                if text not in self.grouped and _GROUPED.fullmatch(text):
                    rows = np.flatnonzero(cells.codes == k)
                    if rows.size:
                        self.grouped[text] = self._n + int(rows[0])
        if self.fraction is None:
            with np.errstate(invalid="ignore"):
                odd = (lut > 1) & (lut != np.floor(lut))
            if odd.any():
                rows = np.flatnonzero(odd[cells.codes])
                if rows.size:
                    label = cells.labels[int(cells.codes[rows[0]])]
                    self.fraction = (self._n + int(rows[0]), self._text(label).strip())

    def count_problems(self) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
        """The first grouped count (by its text, as sorted) and the first fractional one.

        A fractional count is reported only when every cell is a number (otherwise the
        design refuses the text cell, naming its row).
        """
        grouped = None
        if self.grouped:
            text = min(self.grouped)
            grouped = (self.grouped[text], text)
        return grouped, (None if self.bad else self.fraction)

    def values(self) -> npt.NDArray[Any]:
        x = np.concatenate(self.blocks) if len(self.blocks) != 1 else self.blocks[0]
        if not self.bad:
            return x
        out = x.astype(object)  # as before: None for blank, the text of a bad cell
        out[np.isnan(x)] = None
        for rows, texts in self.bad:
            out[rows] = texts
        return out


class Table:
    """The compact columns of a survey file, filled chunk by chunk.

    Parameters
    ----------
    header : list of str
        Stripped names of the columns read, in the order the chunks hold them.
    instrument : Instrument
        Its item ids name the answer columns.
    numeric : collection of str
        Columns parsed as numbers (weights, fpc); every other column is text.
    decimal_comma : bool
        Whether numbers may use ``,`` as the decimal mark (``;``-separated files).
    """

    def __init__(
        self,
        header: list[str],
        instrument: Instrument,
        numeric: set[str],
        decimal_comma: bool,
        thousands: str | None = None,
        counts: str | None = None,
    ) -> None:
        pos = {name: j for j, name in enumerate(header)}
        self._items = [pos[i] for i in instrument.item_ids]
        answer_cols = set(self._items)
        self._rest = [(j, name) for j, name in enumerate(header) if j not in answer_cols]
        self.answers = _Answers(instrument)
        self._columns: dict[str, _Text | _Numbers] = {
            name: _Numbers(decimal_comma, thousands, name == counts) if name in numeric else _Text()
            for _, name in self._rest
        }
        self.n = 0

    def add(self, read: Chunk) -> None:
        """Reduce one chunk: drop its blank rows, code its answers and columns."""
        chunk = _without_blank_rows(read.cells, read.blank)
        if not len(chunk[0].codes):
            return
        self.answers.add([chunk[j] for j in self._items], self.n)
        for j, name in self._rest:
            self._columns[name].add(chunk[j])
        self.n += len(chunk[0].codes)

    def bad_answer(self) -> tuple[int, int, object, int] | None:
        """The first bad answer: its row, item position, value as shown, bad answers in all."""
        first = self.answers.first_bad
        if first is None:
            return None
        row, j, text = first
        return row, j, _answer_value(text), self.answers.n_bad

    def count_problems(self) -> tuple[tuple[int, str] | None, tuple[int, str] | None]:
        """The population-count column's first grouped and first fractional cell, if any.

        Each is ``(row, text)``; see :class:`_Numbers`. ``(None, None)`` without a count column.
        """
        for col in self._columns.values():
            if isinstance(col, _Numbers) and col._counts:
                return col.count_problems()
        return None, None

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every column that is not an answer, in file order."""
        return {name: col.values() for name, col in self._columns.items()}


def _without_blank_rows(chunk: list[Cells], check: BlankCheck | None) -> list[Cells]:
    """The chunk without rows whose every cell is blank (left by spreadsheets).

    ``check`` confirms, over the columns not read, the rows blank in those read.
    """
    blank: npt.NDArray[np.bool_] | None = None
    for cells in sorted(chunk, key=lambda c: len(c.labels)):  # fewest labels first
        filled = np.fromiter(map(bool, map(str.strip, cells.labels)), np.bool_, len(cells.labels))
        if filled.all():
            return chunk  # a column without blanks: no blank row
        rows = ~filled[cells.codes]
        blank = rows if blank is None else blank & rows
    if blank is None or not blank.any():
        return chunk
    if check is not None:
        candidates = np.flatnonzero(blank)
        blank[candidates] = check(candidates)
    keep = ~blank
    return [Cells(cells.labels, cells.codes[keep]) for cells in chunk]
