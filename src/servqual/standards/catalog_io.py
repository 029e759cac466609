"""Standards as data: a :class:`~servqual.ServiceCatalog` read from and written to files.

Two formats, chosen by the file's extension:

- ``.json`` — the pydantic model itself (``ServiceCatalog.model_json_schema()`` describes
  it), every component of every standard;
- ``.csv`` — one row per service, the machine-readable part only: ``id, name, provider,
  recipients`` (several separated by ``;``), ``completion_time, completion_unit, fee,
  currency, complaint_time, complaint_unit, product``. Empty cells mean "not given".
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from servqual.errors import DataFormatError, ParameterError
from servqual.models.service import CompletionTime, Fee, Service, ServiceCatalog, ServiceStandard

__all__ = ["CSV_COLUMNS", "catalog_from_csv", "catalog_to_csv", "read_catalog", "write_catalog"]

CSV_COLUMNS = (
    "id",
    "name",
    "provider",
    "recipients",
    "completion_time",
    "completion_unit",
    "fee",
    "currency",
    "complaint_time",
    "complaint_unit",
    "product",
)
_REQUIRED = ("id", "name", "provider", "recipients")


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ParameterError(f"catalog file {str(path)!r} must end in .json or .csv")
    return suffix[1:]


def read_catalog(path: str | Path, *, encoding: str = "utf-8") -> ServiceCatalog:
    """Read a service catalog from a ``.json`` or ``.csv`` file.

    Raises
    ------
    servqual.errors.DataFormatError
        Unreadable JSON, a missing CSV column, a number that is not one (the message
        names the row, the service and the column).
    servqual.errors.ModelValidationError
        A catalog the models refuse (duplicate service ids, a negative fee).

    Examples
    --------
    >>> import servqual as sq
    >>> cat = sq.read_catalog(sq.data.demo_catalog_path())
    >>> cat.ids
    ('KTP-el', 'Kartu Keluarga', 'Akta Kelahiran')
    """
    p = Path(path)
    kind = _format(p)
    text = p.read_text(encoding=encoding)
    if kind == "csv":
        return catalog_from_csv(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"{p}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise DataFormatError(f"{p}: a catalog is a JSON object with 'services'")
    return ServiceCatalog(**data)


def write_catalog(catalog: ServiceCatalog, path: str | Path) -> None:
    """Write a catalog as ``.json`` (complete) or ``.csv`` (time, fee and product only).

    Examples
    --------
    >>> import servqual as sq, tempfile, pathlib
    >>> cat = sq.data.load_demo_catalog()
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sq.write_catalog(cat, pathlib.Path(d) / "standards.json")
    ...     sq.read_catalog(pathlib.Path(d) / "standards.json") == cat
    True
    """
    p = Path(path)
    if _format(p) == "csv":
        p.write_text(catalog_to_csv(catalog), encoding="utf-8")
    else:
        p.write_text(catalog.model_dump_json(indent=2) + "\n", encoding="utf-8")


def catalog_to_csv(catalog: ServiceCatalog) -> str:
    """The catalog as CSV text, one row per service (columns :data:`CSV_COLUMNS`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for s in catalog.services:
        std = s.standard or ServiceStandard()
        ct, fee, cp = std.completion_time, std.fee, std.complaint_time
        writer.writerow(
            [
                s.id,
                s.name,
                s.provider,
                ";".join(s.recipients),
                "" if ct is None else f"{ct.value:g}",
                "" if ct is None else ct.unit,
                "" if fee is None else str(fee.amount),
                "" if fee is None else fee.currency,
                "" if cp is None else f"{cp.value:g}",
                "" if cp is None else cp.unit,
                std.product or "",
            ]
        )
    return buf.getvalue()


def _number(row: dict[str, str], col: str, line: int) -> Decimal | None:
    text = (row.get(col) or "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise DataFormatError(
            f"catalog row {line} (service {row.get('id')!r}): {col} {text!r} is not a number"
        ) from None


def _time(row: dict[str, str], col: str, unit_col: str, line: int) -> CompletionTime | None:
    value = _number(row, col, line)
    unit = (row.get(unit_col) or "").strip()
    if value is None and not unit:
        return None
    if value is None or not unit:
        raise DataFormatError(
            f"catalog row {line} (service {row.get('id')!r}): give both {col} and {unit_col}"
        )
    return CompletionTime(value=float(value), unit=unit, text=None)  # type: ignore[arg-type]


def _service(row: dict[str, str], line: int) -> Service:
    fee_amount = _number(row, "fee", line)
    currency = (row.get("currency") or "").strip() or "IDR"
    standard: dict[str, Any] = {
        "completion_time": _time(row, "completion_time", "completion_unit", line),
        "fee": None if fee_amount is None else Fee(amount=fee_amount, currency=currency),
        "complaint_time": _time(row, "complaint_time", "complaint_unit", line),
        "product": (row.get("product") or "").strip() or None,
    }
    has_standard = any(v is not None for v in standard.values())
    return Service(
        id=row["id"].strip(),
        name=row["name"].strip(),
        provider=row["provider"].strip(),
        recipients=tuple(r.strip() for r in row["recipients"].split(";") if r.strip()),
        standard=ServiceStandard(**standard) if has_standard else None,
    )


def catalog_from_csv(text: str) -> ServiceCatalog:
    """A catalog from CSV text (see :func:`catalog_to_csv`)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in _REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFormatError(
            f"the catalog CSV lacks column(s) {missing}; columns: {list(reader.fieldnames or [])}"
        )
    unknown = [c for c in reader.fieldnames or [] if c not in CSV_COLUMNS]
    if unknown:
        raise DataFormatError(
            f"the catalog CSV has unknown column(s) {unknown}; known: {list(CSV_COLUMNS)}"
        )
    return ServiceCatalog(services=tuple(_service(row, i + 2) for i, row in enumerate(reader)))
