"""Small catalogs and records for the compliance tests (hand-checkable by construction)."""

from __future__ import annotations

from typing import Any

import servqual as sq


def catalog(
    value: float = 3,
    unit: str = "working_days",
    fee: int | None = 0,
    complaint: tuple[float, str] | None = None,
) -> sq.ServiceCatalog:
    """One service ``"ktp"`` with the given completion time, fee and complaint time."""
    std = sq.ServiceStandard(
        completion_time=sq.CompletionTime(value=value, unit=unit),  # type: ignore[arg-type]
        fee=None if fee is None else sq.Fee(amount=fee),
        complaint_time=None
        if complaint is None
        else sq.CompletionTime(value=complaint[0], unit=complaint[1]),  # type: ignore[arg-type]
    )
    return sq.ServiceCatalog(
        services=(
            sq.Service(
                id="ktp", name="KTP-el", provider="Disdukcapil", recipients="warga", standard=std
            ),
        )
    )


def records(
    rows: list[tuple[Any, ...]], cat: sq.ServiceCatalog, **extra: list[Any]
) -> sq.ServiceRecords:
    """Records from ``(received_at, completed_at)`` or ``(received, completed, fee)`` tuples."""
    cols: dict[str, list[Any]] = {
        "record_id": [f"r{i}" for i in range(len(rows))],
        "service": ["ktp"] * len(rows),
        "received_at": [r[0] for r in rows],
        "completed_at": [r[1] for r in rows],
        "fee": [r[2] if len(r) > 2 else 0 for r in rows],
    }
    cols.update(extra)
    return sq.ServiceRecords.from_frame(cols, cat)
