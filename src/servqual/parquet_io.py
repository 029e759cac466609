"""Read survey responses from Parquet: only the columns needed, one row group at a time.

Each batch of rows is checked and coded as it is read (answers become one ``int8`` code
per cell), so the file's own float or string columns are never all in memory at once.
Needs the optional ``parquet`` extra (pyarrow).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._answers import encode_columns
from servqual._build import Parts
from servqual._progress import Progress
from servqual.errors import DataFormatError, MissingDependencyError, RespondentError
from servqual.instruments import resolve
from servqual.models.instrument import Instrument
from servqual.responses import Responses

__all__ = ["parquet_columns", "read_parquet"]

_BATCH = 1 << 16
"""Rows per batch: 65,536 rows × 9 answers is 4.5 MiB of float64 while it is coded."""


def _parquet_file(path: str | os.PathLike[str]) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise MissingDependencyError(
            "reading Parquet needs pyarrow: pip install 'servqual[parquet]'"
        ) from None
    if not Path(path).is_file():
        raise DataFormatError(f"{os.fspath(path)!r} is not a Parquet file")
    try:
        return pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid for a bad file
        raise DataFormatError(
            f"{os.fspath(path)!r} is not a readable Parquet file: {exc}"
        ) from None


def _needed(
    name: str,
    header: list[str],
    instrument: Instrument,
    design: dict[str, str | None],
    id_column: str | None,
    mapping: dict[str, str],
    attributes: Sequence[str] | None,
) -> list[str]:
    """The columns to read, in order; a missing one raises naming the file and its role."""
    for item_id, col in mapping.items():
        if col not in header:
            raise DataFormatError(
                f"{name} has no column {col!r} for item {item_id!r} of {instrument.id!r}; "
                f"columns: {header} (map item ids to columns with items=)"
            )
    for field, role_col in [*design.items(), ("id_column", id_column)]:
        if role_col is not None and role_col not in header:
            raise DataFormatError(f"{name} has no {field} column {role_col!r}; columns: {header}")
    used = {*mapping.values(), id_column}
    extra = [c for c in header if c not in used] if attributes is None else list(attributes)
    for col in extra:
        if col not in header:
            raise DataFormatError(f"{name} has no column {col!r}; columns: {header}")
    design_cols = [c for c in design.values() if c is not None]
    attrs = list(dict.fromkeys([*design_cols, *extra]))
    return [*mapping.values(), *([id_column] if id_column else []), *attrs]


def parquet_columns(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a Parquet file (its schema; no rows are read).

    Examples
    --------
    >>> import os, tempfile
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> path = os.path.join(tempfile.mkdtemp(), "visits.parquet")
    >>> pq.write_table(pa.table({"U1": [4, 3], "desk": ["A", "B"]}), path)
    >>> parquet_columns(path)
    ['U1', 'desk']
    """
    return [str(c) for c in _parquet_file(path).schema_arrow.names]


def read_parquet(
    path: str | os.PathLike[str],
    instrument: Instrument | str,
    *,
    weights: str | None = None,
    strata: str | None = None,
    clusters: str | None = None,
    fpc: str | None = None,
    id_column: str | None = None,
    items: Mapping[str, str] | None = None,
    attributes: Sequence[str] | None = None,
    progress: bool = False,
) -> Responses:
    """Read one respondent per row from a Parquet file, one row group at a time.

    Parameters
    ----------
    path : str or path-like
        The file.
    instrument : Instrument or str
        The instrument answered, or its name (see :func:`servqual.instruments.resolve`);
        each item's column is named by the item id (or ``items``).
    weights, strata, clusters, fpc : str, optional
        Design columns (see :class:`~servqual.Design`).
    id_column : str, optional
        Column of unique respondent ids (default ``0 … n-1``).
    items : mapping of item id → column name, optional
        Columns for items whose column is not named by the item id.
    attributes : sequence of str, optional
        The attribute columns to keep (e.g. ``["unit"]`` for ``by="unit"``); by default
        every other column. Only the items, these and the design columns are read.
    progress : bool
        Draw rows read (with the share of the file's rows), elapsed time and rate on
        stderr while reading, updated after each batch of rows (at most 65,536, read
        row group after row group), as :func:`servqual.read_csv` does.

    Returns
    -------
    Responses
        As :meth:`Responses.from_frame` of the same table.

    Raises
    ------
    servqual.errors.MissingDependencyError
        pyarrow is not installed (the ``parquet`` extra).
    servqual.errors.DataFormatError
        Not a Parquet file; a missing item, design or attribute column (names the file).
    servqual.errors.ScaleError
        An answer outside the scale (names the file, the row and the item).
    servqual.errors.RespondentError
        The file has no rows.

    Examples
    --------
    >>> import os, tempfile
    >>> import pyarrow as pa, pyarrow.parquet as pq
    >>> import servqual as sq
    >>> table = pa.table({f"U{j}": [4, 3, 3, 4] for j in range(1, 10)}
    ...                  | {"desk": ["A", "A", "B", "B"], "note": ["", "", "", ""]})
    >>> path = os.path.join(tempfile.mkdtemp(), "survey.parquet")
    >>> pq.write_table(table, path, row_group_size=2)
    >>> r = sq.read_parquet(path, "skm-2017", attributes=["desk"])
    >>> r.n, r.attributes, round(sq.skm_index(r).index.value, 2)
    (4, ['desk'], 87.5)
    """
    instrument = resolve(instrument)
    pfile = _parquet_file(path)
    name = os.fspath(path)
    mapping = {item_id: item_id for item_id in instrument.item_ids}
    for item_id, col in (items or {}).items():
        instrument.index(item_id)  # ItemError for an unknown id
        mapping[item_id] = col
    design = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
    header = [str(c) for c in pfile.schema_arrow.names]
    wanted = _needed(name, header, instrument, design, id_column, mapping, attributes)
    bar = None
    if progress:
        total = int(pfile.metadata.num_rows)
        bar = Progress(f"reading {os.path.basename(name)}", "rows", total=total)
    codes, parts = _read_batches(pfile, name, wanted, instrument, mapping, bar)
    if bar is not None:
        bar.close()
    n = codes.shape[0]
    if n == 0:
        raise RespondentError(f"{name} has no rows")
    attrs = {c: parts[c] for c in wanted[len(mapping) :] if c != id_column}
    ids = np.arange(n) if id_column is None else parts[id_column]

    def where(i: int) -> str:
        return f"{name} row {i}"

    return Responses._from_parts(instrument, Parts(codes, ids, attrs, design, where))


def _read_batches(
    pfile: Any,
    name: str,
    wanted: list[str],
    instrument: Instrument,
    mapping: dict[str, str],
    bar: Progress | None = None,
) -> tuple[npt.NDArray[np.int8], dict[str, npt.NDArray[Any]]]:
    """Answer codes and the other columns, coded batch by batch (one row group at a time)."""
    item_cols = list(mapping.values())
    codes: list[npt.NDArray[np.int8]] = []
    rest: dict[str, list[npt.NDArray[Any]]] = {c: [] for c in wanted[len(item_cols) :]}
    start = 0
    for batch in pfile.iter_batches(batch_size=_BATCH, columns=list(dict.fromkeys(wanted))):
        offset = start

        def where(i: int, offset: int = offset) -> str:
            return f"{name} row {offset + i}"

        answers = [batch.column(c).to_numpy(zero_copy_only=False) for c in item_cols]
        codes.append(encode_columns(answers, instrument.item_ids, instrument.scale, where))
        for c in rest:
            rest[c].append(np.asarray(batch.column(c).to_numpy(zero_copy_only=False)))
        start += batch.num_rows
        if bar is not None:
            bar.update(start)
    k = len(item_cols)
    all_codes = np.concatenate(codes) if codes else np.zeros((0, k), dtype=np.int8)
    return all_codes, {c: np.concatenate(v) if v else np.zeros(0) for c, v in rest.items()}
