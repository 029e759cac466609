"""Checks that turn raw columns into :class:`~servqual.standards.records.ServiceRecords`.

Every rule names the offending record ids: duplicate ids, unknown services, completion
before receipt, negative fees, naive and aware timestamps mixed, a complaint resolved
before it was filed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._build import factorize, missing_mask
from servqual.errors import DataFormatError, RecordError
from servqual.models.service import ServiceCatalog
from servqual.standards._timestamps import Stamps, _plain, parse_timestamps
from servqual.standards.records import ServiceRecords, _fail

__all__ = ["build_records", "concat_records"]

_REQUIRED = ("record_id", "service", "received_at", "completed_at")


def _column(cols: dict[str, npt.NDArray[Any]], role: str, name: str | None) -> npt.NDArray[Any]:
    if name is None or name not in cols:
        raise DataFormatError(
            f"the records have no {role} column {name!r}; columns: {list(cols)} "
            f"(name it with {role}=...)"
        )
    return cols[name]


def _unique_ids(ids: npt.NDArray[Any]) -> None:
    miss = np.flatnonzero(missing_mask(ids))
    if miss.size:
        raise RecordError(f"record_id is missing in row(s) {miss[:5].tolist()}")
    codes, uniq = factorize(ids)
    counts = np.bincount(codes, minlength=len(uniq))
    if (counts > 1).any():
        rows = np.flatnonzero(counts[codes] > 1)
        raise _fail(rows, ids, "share a record_id with another record")


def _service_codes(
    values: npt.NDArray[Any], ids: npt.NDArray[Any], catalog: ServiceCatalog
) -> npt.NDArray[np.intp]:
    if values.dtype.kind == "U" and len(catalog):
        # numpy text: one binary search among the few catalog ids per record, in C
        order = np.argsort(np.array(catalog.ids))
        sorted_ids = np.array(catalog.ids)[order]
        pos = np.minimum(np.searchsorted(sorted_ids, values), len(sorted_ids) - 1)
        out = np.where(sorted_ids[pos] == values, order[pos], -1).astype(np.intp)
        labels_of = values
    else:
        miss = missing_mask(values)
        text = values.astype(object) if miss.any() else values
        if miss.any():
            text[miss] = ""
        codes, uniq = factorize(text)
        labels = [str(u.item() if hasattr(u, "item") else u) for u in uniq]
        known = {sid: j for j, sid in enumerate(catalog.ids)}
        out = np.array([known.get(label, -1) for label in labels], dtype=np.intp)[codes]
        labels_of = np.asarray(labels, dtype=object)[codes]
    bad = np.flatnonzero(out < 0)
    if bad.size:
        names = sorted({str(v) for v in labels_of[bad[:100]].tolist()})
        raise _fail(
            bad,
            ids,
            f"name a service not in the catalog ({names[:5]}; catalog ids: {list(catalog.ids)})",
        )
    return out


def _fees(raw: npt.NDArray[Any] | None, ids: npt.NDArray[Any], n: int) -> npt.NDArray[np.float64]:
    if raw is None:
        return np.full(n, np.nan)
    if raw.dtype.kind in "biuf":
        fee = raw.astype(np.float64)
    else:
        miss = missing_mask(raw)
        text = raw.astype(object)
        text[miss] = ""
        text = np.char.strip(text.astype(str))
        fee = np.full(n, np.nan)
        given = text != ""
        try:
            fee[given] = text[given].astype(np.float64)
        except ValueError:
            bad = next(i for i in np.flatnonzero(given) if not _is_number(text[i]))
            raise DataFormatError(
                f"fee {str(text[bad])!r} of record {_plain(ids[bad])!r} is not a number"
            ) from None
    if np.isinf(fee).any():
        raise _fail(np.flatnonzero(np.isinf(fee)), ids, "have an infinite fee")
    neg = np.flatnonzero(fee < 0)
    if neg.size:
        raise _fail(neg, ids, f"have a negative fee (first {fee[neg[0]]:g})")
    return fee


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _same_awareness(stamps: list[Stamps], ids: npt.NDArray[Any]) -> None:
    present = [~s.missing for s in stamps]
    aware = np.zeros(ids.shape[0], bool)
    naive = np.zeros(ids.shape[0], bool)
    for s, p in zip(stamps, present, strict=True):
        aware |= s.aware & p
        naive |= ~s.aware & p
    if aware.any() and naive.any():
        rows = np.flatnonzero(aware) if aware.sum() <= naive.sum() else np.flatnonzero(naive)
        kind = "time-zone-aware" if aware.sum() <= naive.sum() else "naive"
        raise _fail(
            rows,
            ids,
            f"have {kind} timestamps while the others do not; give all "
            "timestamps with a UTC offset, or none",
        )


def _ordered(first: Stamps, then: Stamps, ids: npt.NDArray[Any], what: str) -> None:
    bad = np.flatnonzero(~first.missing & ~then.missing & (then.seconds < first.seconds))
    if bad.size:
        raise _fail(bad, ids, what)


def build_records(
    cols: dict[str, npt.NDArray[Any]],
    catalog: ServiceCatalog,
    names: dict[str, str | None],
    design: tuple[str | None, str | None, str | None],
) -> ServiceRecords:
    """Validate the columns and build the records (see ``ServiceRecords.from_frame``)."""
    if not isinstance(catalog, ServiceCatalog):
        from servqual.errors import ServqualTypeError

        raise ServqualTypeError(f"catalog must be a ServiceCatalog, got {type(catalog).__name__}")
    raw = {role: _column(cols, role, names[role]) for role in _REQUIRED}
    ids = raw["record_id"]
    _unique_ids(ids)
    codes = _service_codes(raw["service"], ids, catalog)
    received = parse_timestamps(raw["received_at"], names["received_at"] or "", ids)
    if received.missing.any():
        raise _fail(np.flatnonzero(received.missing), ids, "have no received_at timestamp")
    completed = parse_timestamps(raw["completed_at"], names["completed_at"] or "", ids)
    optional = {r: names[r] for r in ("fee", "complaint_at", "complaint_resolved_at")}
    fee = _fees(cols.get(optional["fee"] or ""), ids, ids.shape[0])
    c_at = c_res = None
    if optional["complaint_at"] in cols:
        c_at = parse_timestamps(cols[str(optional["complaint_at"])], "complaint_at", ids)
        res_name = optional["complaint_resolved_at"]
        res_raw = cols.get(res_name or "")
        c_res = (
            parse_timestamps(res_raw, "complaint_resolved_at", ids)
            if res_raw is not None
            else Stamps(
                np.zeros(ids.shape[0], np.int64),
                np.ones(ids.shape[0], bool),
                np.zeros(ids.shape[0], bool),
            )
        )
    stamps = [s for s in (received, completed, c_at, c_res) if s is not None]
    _same_awareness(stamps, ids)
    _ordered(received, completed, ids, "were completed before they were received")
    if c_at is not None and c_res is not None:
        _ordered(c_at, c_res, ids, "have a complaint resolved before it was filed")
        orphan = np.flatnonzero(c_at.missing & ~c_res.missing)
        if orphan.size:
            raise _fail(orphan, ids, "have a complaint_resolved_at but no complaint_at")
    used = {v for v in names.values() if v is not None}
    attributes = {k: v for k, v in cols.items() if k not in used}
    for d in design:
        if d is not None and d not in cols:
            raise DataFormatError(f"the records have no design column {d!r}; columns: {list(cols)}")
        if d is not None:
            attributes[d] = cols[d]  # also when it is a role column (strata = service)
    return ServiceRecords(
        catalog, ids, codes, received, completed, fee, c_at, c_res, attributes, design
    )


def _cat(parts: Sequence[Stamps | None]) -> Stamps | None:
    if any(p is None for p in parts):
        return None
    ss = [p for p in parts if p is not None]
    return Stamps(
        np.concatenate([s.seconds for s in ss]),
        np.concatenate([s.missing for s in ss]),
        np.concatenate([s.aware for s in ss]),
    )


def concat_records(parts: Sequence[ServiceRecords]) -> ServiceRecords:
    """Concatenate chunks of records (see ``ServiceRecords.concat``)."""
    if not parts:
        raise RecordError("concat needs at least one ServiceRecords")
    first = parts[0]
    for p in parts[1:]:
        if p.catalog != first.catalog:
            raise RecordError(
                "the records to concatenate were validated against different catalogs"
            )
        if sorted(p.attributes) != sorted(first.attributes):
            raise RecordError(
                f"the records to concatenate have different columns: {sorted(first.attributes)} "
                f"and {sorted(p.attributes)}"
            )
        if (p.weights, p.strata, p.fpc) != (first.weights, first.strata, first.fpc):
            raise RecordError("the records to concatenate have different design columns")
        if (p.complaint_at is None) != (first.complaint_at is None):
            raise RecordError("only some of the records to concatenate have complaint columns")
    ids = np.concatenate([p.record_ids for p in parts])
    _unique_ids(ids)
    received, completed = _cat([p.received for p in parts]), _cat([p.completed for p in parts])
    assert received is not None
    assert completed is not None
    _same_awareness([received], ids)
    return ServiceRecords(
        first.catalog,
        ids,
        np.concatenate([p.service_codes for p in parts]),
        received,
        completed,
        np.concatenate([p.fee for p in parts]),
        _cat([p.complaint_at for p in parts]),
        _cat([p.complaint_resolved for p in parts]),
        {k: np.concatenate([p.attributes[k] for p in parts]) for k in first.attributes},
        (first.weights, first.strata, first.fpc),
    )
