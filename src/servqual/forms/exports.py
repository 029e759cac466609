"""Read Google Forms, KoboToolbox and ODK exports: question headers, answer labels.

An export has one row per respondent, question texts (or form field names, with group
prefixes) as headers and answer labels as values. :func:`read_export` maps both onto the
instrument, and every header or label it cannot map is reported at once, by value and
place, before any number is computed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from servqual.errors import DataFormatError, ExportMappingError, ParameterError
from servqual.forms._labels import label_lookup, norm
from servqual.forms._tables import Table, read_table
from servqual.instruments import resolve
from servqual.models.instrument import Instrument
from servqual.responses import Responses

__all__ = ["ExportSource", "read_export"]

ExportSource = Literal["auto", "kobo", "odk", "google_forms"]
_SOURCES: tuple[str, ...] = ("auto", "kobo", "odk", "google_forms")
_NUMBERING = re.compile(r"^\s*(?:\d+|[a-z]\d+)\s*[.):]\s*", re.IGNORECASE)
_LEAD_ID = re.compile(r"^\s*\(?([A-Za-z]{0,3}\d+)\)?\s*[.):\-–—]?\s+(.+)$")
_TAIL_ID = re.compile(r"^(.+?)\s*[\[(]([A-Za-z]{0,3}\d+)[\])]\s*$")
_BRACKET = re.compile(r"\[([^\]]+)\]\s*$")
_CODED = re.compile(r"^\s*\(?(\d+)\)?\s*[.):=\-–—]?\s*(.*?)\s*$|^(.*?)\s*\((\d+)\)\s*$")
_SHOW_ROWS = 8


def read_export(
    path: str | os.PathLike[str],
    instrument: Instrument | str,
    *,
    source: ExportSource = "auto",
    columns: Mapping[str, str] | None = None,
    labels: Mapping[str, int] | None = None,
    item_labels: Mapping[str, Mapping[str, int]] | None = None,
    missing: Sequence[str] = (),
    weights: str | None = None,
    strata: str | None = None,
    clusters: str | None = None,
    fpc: str | None = None,
    id_column: str | None = None,
    attributes: Sequence[str] | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> Responses:
    r"""Read a form tool's export whose headers are questions and whose cells are labels.

    Parameters
    ----------
    path : str or path-like
        A CSV file (``,``/``;``/tab, UTF-8 with or without BOM) or an ``.xlsx`` workbook
        (needs the ``forms`` extra, openpyxl).
    instrument : Instrument or str
        The instrument answered, or a built-in name (``"skm-2017"``).
    source : {"auto", "kobo", "odk", "google_forms"}
        Which header conventions to try. Every source matches a header that is an item
        id, the item's ``text``, ``text_en`` or ``question`` (any case, extra spaces, a
        leading ``1.`` numbering). ``"kobo"`` also strips group prefixes ``grp/U1`` (or ``grp.U1``);
        ``"odk"`` strips ``grp/U1`` and ODK Central's ``grp-U1``; ``"google_forms"``
        reads a grid row ``Penilaian [Persyaratan]``. ``"auto"`` tries them all.
    columns : mapping of header → item id, optional
        Headers to map by hand (they win over the rules above).
    labels : mapping of label → answer value, optional
        Extra labels valid for every item (``{"Tidak tahu": ...}`` is not allowed: a
        value must lie on the scale).
    item_labels : mapping of item id → (mapping of label → answer value), optional
        Extra labels for one item; they win over ``labels`` and the instrument's.
    missing : sequence of str
        Cell texts that mean "no answer" (``["N/A", "Tidak tahu"]``); blank cells always
        do. A label with its value in front or behind (``"4 - Sangat sesuai"``,
        ``"Sangat sesuai (4)"``) maps when the number and the label agree.
    weights, strata, clusters, fpc : str, optional
        Headers of the design columns (see :class:`~servqual.Design`).
    id_column : str, optional
        Header of unique respondent ids (Kobo's ``_uuid``, ODK's ``KEY``).
    attributes : sequence of str, optional
        The headers to keep as respondent attributes. By default every header that is
        not an item, a design column or the id column is kept; with this list, any other
        header is an :class:`~servqual.errors.ExportMappingError` naming it and its
        column, so a question whose header was not recognised cannot pass unnoticed.
    sheet : str, optional
        Worksheet of an ``.xlsx`` file (default: the first).
    delimiter, encoding : str, optional
        CSV separator (default: sniffed from the header) and text encoding.

    Returns
    -------
    Responses
        Answers as codes; every other column (timestamps, respondent profile, form
        metadata) is kept, as text, as a respondent attribute under its header.

    Raises
    ------
    servqual.errors.ExportMappingError
        An item that no header maps to (the message lists the headers that were not
        recognised, with their column numbers), a header outside ``attributes=`` when it
        is given, or answer labels that map to no answer:
        every distinct unmapped label, per item, with its spreadsheet rows (the header
        is row 1).
    servqual.errors.DataFormatError
        Two headers mapping to one item, a duplicate or empty header, a ragged row.
    servqual.errors.ParameterError
        An unknown ``source``, an unknown instrument name, a ``labels`` value off the scale.

    Examples
    --------
    A district office collected its SKM with Google Forms; the export has the questions
    as headers and the answer labels as cells:

    >>> import servqual as sq
    >>> from pathlib import Path
    >>> from tempfile import TemporaryDirectory
    >>> skm = sq.instruments.SKM_2017
    >>> header = ["Timestamp", "Jenis layanan"] + [it.question for it in skm.items]
    >>> row1 = ["2026/03/02 9:15", "KTP"] + [skm.label(i, 4) for i in skm.item_ids]
    >>> row2 = ["2026/03/02 9:40", "KK"] + ["  sangat  SESUAI"] + ["Baik"] * 8
    >>> with TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "skm.csv"
    ...     _ = path.write_text("\n".join(
    ...         ",".join(f'"{c}"' for c in r) for r in (header, row1, row2)))
    ...     r = sq.read_export(path, "skm-2017", source="google_forms")
    >>> r.values()[:, :3].tolist(), r.attribute("Jenis layanan").tolist()
    ([[4.0, 4.0, 4.0], [4.0, 3.0, 3.0]], ['KTP', 'KK'])
    """
    inst = resolve(instrument)
    if source not in _SOURCES:
        raise ParameterError(f"source must be one of {list(_SOURCES)}, got {source!r}")
    table = read_table(path, sheet=sheet, delimiter=delimiter, encoding=encoding)
    if table.n == 0:
        raise DataFormatError(f"{table.name} has a header but no respondents")
    item_cols = _map_headers(table, inst, source, columns or {})
    scores = _map_labels(table, inst, item_cols, labels or {}, item_labels or {}, missing)
    named = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc,
             "id_column": id_column}  # fmt: skip
    return _responses(table, inst, item_cols, scores, named, attributes)


def _header_keys(inst: Instrument) -> dict[str, str]:
    """Normalised id/text/text_en/question → item id (texts shared by two items dropped)."""
    keys: dict[str, str] = {}
    shared: set[str] = set()
    for item in inst.items:
        for text in {item.id, item.text, item.text_en, item.question} - {None}:
            key = norm(str(text))
            if keys.get(key, item.id) != item.id:
                shared.add(key)
            keys[key] = item.id
    return {k: v for k, v in keys.items() if k not in shared}


def _candidates(header: str, source: str) -> list[str]:
    """The parts of a header that may name an item, under the source's conventions."""
    out = [header, _NUMBERING.sub("", header)]
    for pattern, id_group in ((_LEAD_ID, 1), (_TAIL_ID, 2)):  # "U1. Persyaratan", "… (U1)"
        match = pattern.match(header)
        if match:
            out += [match.group(id_group), match.group(3 - id_group)]
    seps = {"kobo": "/.", "odk": "/-:", "auto": "/-:."}.get(source, "")
    for sep in seps:  # every suffix: a question text may itself hold "/" ("Biaya/Tarif")
        parts = header.split(sep)
        out += [sep.join(parts[i:]) for i in range(1, len(parts))]
    bracket = _BRACKET.search(header)
    if source in ("auto", "google_forms") and bracket:
        out.append(bracket.group(1))
    return out


def _map_headers(
    table: Table, inst: Instrument, source: str, columns: Mapping[str, str]
) -> dict[str, int]:
    """Item id → column position; every item must be found exactly once."""
    keys = _header_keys(inst)
    for header, wanted in columns.items():
        inst.index(wanted)  # ItemError for an unknown id
        if header not in table.header:
            raise DataFormatError(
                f"columns= names header {header!r}, which {table.name} does not have; "
                f"headers: {table.header}"
            )
    found: dict[str, int] = {}
    for j, header in enumerate(table.header):
        written = table.original[j]  # a repeated question still maps (and is caught below)
        hits = [columns.get(header), *(keys.get(norm(c)) for c in _candidates(written, source))]
        item_id: str | None = next((h for h in hits if h is not None), None)
        if item_id is None:
            continue
        if item_id in found:
            raise DataFormatError(
                f"{table.name}: headers {table.header[found[item_id]]!r} (column "
                f"{found[item_id] + 1}) and {header!r} (column {j + 1}) both map to item "
                f"{item_id!r}; pick one with columns="
            )
        found[item_id] = j
    missing = [i for i in inst.item_ids if i not in found]
    if missing:
        used = set(found.values())
        spare = {h: [j + 1] for j, h in enumerate(table.header) if j not in used}
        listing = "; ".join(f"{h!r} (column {c[0]})" for h, c in spare.items())
        raise ExportMappingError(
            f"{table.name}: no header maps to item(s) {missing} of {inst.id!r}; "
            f"headers not recognised: {listing or 'none'} (map them with columns=)",
            {"columns": spare},
        )
    return {i: found[i] for i in inst.item_ids}


def _map_labels(
    table: Table,
    inst: Instrument,
    item_cols: Mapping[str, int],
    labels: Mapping[str, int],
    item_labels: Mapping[str, Mapping[str, int]],
    missing: Sequence[str],
) -> npt.NDArray[np.float64]:
    """(n, k) answers, NaN for blank cells; every unmapped label reported at once."""
    if isinstance(missing, str):
        raise ParameterError(f"missing must be a list of texts, got the string {missing!r}")
    blanks = {norm(m) for m in missing}
    for item_id in item_labels:
        inst.index(item_id)
    n = table.n
    scores = np.empty((n, len(item_cols)), dtype=np.float64)
    unmapped: dict[str, dict[str, list[int]]] = {}
    for k, (item_id, j) in enumerate(item_cols.items()):
        lookup = label_lookup(inst, inst.item(item_id))
        for extra in (labels, item_labels.get(item_id, {})):
            lookup.update({norm(t): _on_scale(inst, item_id, t, v) for t, v in extra.items()})
        distinct, inverse = np.unique(table.columns[j], return_inverse=True)
        values = np.array([_lookup(lookup, str(v), blanks) for v in distinct], dtype=np.float64)
        bad = [b for b, v in enumerate(values) if np.isinf(v)]
        if bad:
            rows = {str(distinct[b]): table.rows[inverse == b].tolist() for b in bad}
            unmapped[item_id] = rows
        scores[:, k] = values[inverse]
    if unmapped:
        raise ExportMappingError(_unmapped_message(table, item_cols, unmapped), unmapped)
    return scores


def _lookup(lookup: Mapping[str, int], cell: str, blanks: set[str]) -> float:
    """Answer value of a cell; NaN for a blank, +inf for an unmapped label."""
    key = norm(cell)
    if key == "" or key in blanks:
        return np.nan
    if key in lookup:
        return float(lookup[key])
    if key[-2:] in (".0", ",0") and key[:-2] in lookup:  # a code typed as 4.0 or 4,0
        return float(lookup[key[:-2]])
    coded = _CODED.match(cell)
    if coded:  # "4 - Sangat sesuai", "Sangat sesuai (4)": number and label must agree
        number, text = (coded.group(1), coded.group(2)) if coded.group(1) else coded.group(4, 3)
        if text and lookup.get(norm(text)) == int(number) and lookup.get(number) == int(number):
            return float(number)
    return np.inf


def _on_scale(inst: Instrument, item_id: str, label: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in inst.scale:
        raise ParameterError(
            f"label {label!r} for item {item_id!r} maps to {value!r}, not an answer on the "
            f"scale {inst.scale.min}–{inst.scale.max}"
        )
    return value


def _unmapped_message(
    table: Table, item_cols: Mapping[str, int], unmapped: Mapping[str, Mapping[str, list[int]]]
) -> str:
    parts = []
    for item_id, rows_of in unmapped.items():
        header = table.header[item_cols[item_id]]
        shown = []
        for label, rows in rows_of.items():
            more = f" and {len(rows) - _SHOW_ROWS} more" if len(rows) > _SHOW_ROWS else ""
            where = ", ".join(map(str, rows[:_SHOW_ROWS]))
            shown.append(f"{label!r} in row{'s' if len(rows) > 1 else ''} {where}{more}")
        parts.append(f"item {item_id!r} (column {header!r}): " + "; ".join(shown))
    return (
        f"{table.name}: answer labels that match no answer of the instrument — "
        + " | ".join(parts)
        + " (fix the cells, or map them with labels= / item_labels=)"
    )


def _responses(
    table: Table,
    inst: Instrument,
    item_cols: Mapping[str, int],
    scores: npt.NDArray[np.float64],
    named: Mapping[str, str | None],
    keep: Sequence[str] | None,
) -> Responses:
    """Responses with the design columns, the ids and the other columns as attributes."""
    pos = {h: j for j, h in enumerate(table.header)}
    for field, header in [*named.items(), *(("attributes", h) for h in keep or ())]:
        if header is not None and header not in pos:
            raise DataFormatError(
                f"{field} column {header!r} is not in {table.name}; headers: {table.header}"
            )
    design: dict[str, Any] = {}
    for field in ("weights", "strata", "clusters", "fpc"):
        header = named[field]
        if header is not None:
            col = table.columns[pos[header]]
            numeric = field in ("weights", "fpc")
            design[field] = _numeric(col, header, table.name, table.rows) if numeric else col
    used = {*item_cols.values(), *(pos[h] for h in named.values() if h is not None)}
    rest = [j for j in range(len(table.header)) if j not in used]
    if keep is not None:
        extra = {table.header[j]: [j + 1] for j in rest if table.header[j] not in keep}
        if extra:
            listing = "; ".join(f"{h!r} (column {c[0]})" for h, c in extra.items())
            raise ExportMappingError(
                f"{table.name}: headers that map to no item of {inst.id!r} and are not in "
                f"attributes=: {listing} (keep them with attributes=, or map them with "
                "columns=)",
                {"columns": extra},
            )
    attributes = {table.header[j]: table.columns[j] for j in rest}
    id_column = named["id_column"]
    ids = None if id_column is None else table.columns[pos[id_column]]
    return Responses.from_arrays(scores, inst, attributes=attributes, respondent_ids=ids, **design)


def _numeric(
    col: npt.NDArray[np.str_], header: str, name: str, rows: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    try:
        return np.char.replace(col, ",", ".").astype(np.float64)
    except ValueError:
        bad = next(i for i, c in enumerate(col) if not _is_float(str(c)))
        raise DataFormatError(
            f"{name} row {rows[bad]}: column {header!r} holds {str(col[bad])!r}, not a number"
        ) from None


def _is_float(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True
