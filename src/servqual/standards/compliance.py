r"""Compliance with service standards from service records: :func:`compliance`.

Reduce, then estimate: one vectorized pass gives each record a status (on time, late,
pending) and the time it took (:mod:`servqual.standards._kernel`); per (service, group)
counts, fee sums and sorted times follow from ``bincount`` and one sort; the intervals come
from the numeric core — Wilson for records taken as they are, the design's linearization
variance when the records are a sample, order statistics for the median and 90th
percentile (:mod:`servqual.stats.order_statistics`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import ParameterError, RecordError, ServqualTypeError
from servqual.models.service import CompletionTime, ServiceCatalog
from servqual.standards._estimates import Groups, fee_estimates, time_compliance
from servqual.standards._kernel import Clock, local_seconds, time_status
from servqual.standards._timestamps import to_seconds
from servqual.standards.calendar import WorkCalendar
from servqual.standards.records import ServiceRecords, _fail, by_codes
from servqual.standards.results import ServiceCompliance
from servqual.stats.quantiles import check_level

__all__ = ["compliance"]

Key = str | tuple[str, str]


def _latest(records: ServiceRecords) -> int:
    stamps = [records.received, records.completed, records.complaint_at, records.complaint_resolved]
    low = np.iinfo(np.int64).min
    return max(
        int(np.max(s.seconds, where=~s.missing, initial=low)) for s in stamps if s is not None
    )


def _period_end(value: Any, records: ServiceRecords, calendar: WorkCalendar) -> int:
    """The period's end as seconds on the records' clock (UTC when aware, else wall clock)."""
    if value is None:
        return _latest(records)
    if isinstance(value, np.datetime64):
        value = value.astype("datetime64[us]").astype(dt.datetime)
    if isinstance(value, str):
        try:  # a date alone means the end of that day, as a date object does
            value = (dt.date if len(value.strip()) == 10 else dt.datetime).fromisoformat(value)
        except ValueError:
            raise ParameterError(f"period_end {value!r} is not an ISO date or timestamp") from None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value + dt.timedelta(days=1), dt.time())  # end of that day
    if not isinstance(value, dt.datetime):
        raise ServqualTypeError(f"period_end must be a date or datetime, got {value!r}")
    seconds, aware = to_seconds(value)
    zone = calendar.zone()
    if aware and not records.aware:  # to the office's wall clock
        seconds = int(local_seconds(np.array([seconds]), True, zone)[0])
    elif records.aware and not aware:  # a local time: back to UTC
        if zone is None:
            raise ParameterError(
                "period_end is naive but the records carry UTC offsets: give it an offset, "
                "or the calendar a timezone"
            )
        seconds = to_seconds(value.replace(tzinfo=zone))[0]
    return seconds


def _standards(catalog: ServiceCatalog, attr: str) -> list[CompletionTime | None]:
    out: list[CompletionTime | None] = []
    for s in catalog.services:
        out.append(None if s.standard is None else getattr(s.standard, attr))
    return out


def _codes(records: ServiceRecords, catalog: ServiceCatalog) -> npt.NDArray[np.intp]:
    if catalog is records.catalog or catalog == records.catalog:
        return records.service_codes
    where = {sid: j for j, sid in enumerate(catalog.ids)}
    missing = [sid for sid in records.catalog.ids if sid not in where]
    table = np.array([where.get(sid, -1) for sid in records.catalog.ids], dtype=np.intp)
    codes = table[records.service_codes]
    if (codes < 0).any():
        raise _fail(
            np.flatnonzero(codes < 0),
            records.record_ids,
            f"name services this catalog lacks ({missing[:5]})",
        )
    return codes


def as_records(records: Any, catalog: Any) -> ServiceRecords:
    """``records`` as :class:`ServiceRecords`: a frame or mappings are read with the defaults."""
    if not isinstance(catalog, ServiceCatalog):
        raise ServqualTypeError(f"catalog must be a ServiceCatalog, got {type(catalog).__name__}")
    if isinstance(records, ServiceRecords):
        return records
    if (
        isinstance(records, Mapping)
        or hasattr(records, "columns")
        or hasattr(records, "column_names")
    ):
        return ServiceRecords.from_frame(records, catalog)
    if isinstance(records, (list, tuple)) and all(isinstance(r, Mapping) for r in records):
        return ServiceRecords.from_records(records, catalog)
    raise ServqualTypeError(
        "records must be servqual.ServiceRecords (or a dataframe or list of dicts with the "
        f"default column names), got {type(records).__name__}"
    )


def _check(records: Any, catalog: Any, calendar: Any, by: Any, level: Any) -> WorkCalendar:
    if calendar is None:
        calendar = WorkCalendar()
    if not isinstance(calendar, WorkCalendar):
        raise ServqualTypeError(f"calendar must be a WorkCalendar, got {type(calendar).__name__}")
    if by is not None:
        records.column(by)
    check_level(level)
    if len(records) == 0:
        raise RecordError("there are no records")
    return calendar


def compliance(
    records: ServiceRecords,
    catalog: ServiceCatalog,
    *,
    calendar: WorkCalendar | None = None,
    period_end: dt.datetime | dt.date | str | None = None,
    by: str | None = None,
    level: float = 0.95,
) -> dict[Key, ServiceCompliance]:
    r"""How often each service kept its published completion time and fee.

    Parameters
    ----------
    records : ServiceRecords
        The applications of the period (or a sample of them with design columns). A
        dataframe, a mapping of columns or a list of dicts with the default column names
        is read with :meth:`ServiceRecords.from_frame` / :meth:`~ServiceRecords.from_records`.
    catalog : ServiceCatalog
        The standards: ``completion_time``, ``fee`` and ``complaint_time`` of each
        service (a service without one gets ``None`` for that part).
    calendar : WorkCalendar, optional
        Working days and time zone (default: Saturday and Sunday off, no holidays).
    period_end : datetime, date or ISO str, optional
        The moment the records were taken (a date, or ISO text of a date alone: the end
        of that day). Open records
        are judged as of then, and completions after it count as open. Default: the
        latest timestamp in the records.
    by : str, optional
        An attribute column (unit, channel, period): one result per service and value.
        A record without a value there is refused (``DesignError`` naming the record), as
        for every grouping column of the library: recode it to a label such as
        ``"unknown"`` to report it as a group of its own.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    dict
        Keyed by service id, in catalog order (with ``by``: by ``(service id, group)``),
        for the services that have records; each a :class:`ServiceCompliance`.

    Raises
    ------
    RecordError
        A record received after ``period_end``, or a service the catalog lacks.
    servqual.errors.ParameterError
        Time-zone-aware records without ``calendar.timezone``; a bad ``level``.
    servqual.errors.DesignError
        A record without a value in the ``by`` column.

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        A group whose records are all pending (its ``on_time`` is ``None``), or a share
        of 0 or 1 estimated on a design (Clopper–Pearson there, as the design core does).

    Notes
    -----
    A record is on time for ``k`` working (calendar) days when it was completed by the end
    of the ``k``-th working (calendar) day after the day of receipt (weekend and holiday
    receipts count from the last working day before); for hours and minutes, when the
    elapsed time is at most the limit. Open records past their deadline at
    ``period_end`` are late; open records not yet due are *pending*: counted, and left out
    of the on-time share. ``on_time`` is :math:`x/(x + \text{late})` with Wilson's interval
    (no design) or R ``svyciprop(method = "wilson")`` on the records' design.

    Examples
    --------
    The demo office's register, 600 applications of the first semester of 2026:

    >>> import servqual as sq
    >>> res = sq.compliance(sq.data.load_demo_records(), sq.data.load_demo_catalog(),
    ...                     calendar=sq.data.demo_calendar())
    >>> ktp = res["KTP-el"]
    >>> ktp.n, ktp.n_on_time, ktp.n_late, ktp.n_pending
    (293, 212, 73, 8)
    >>> round(ktp.on_time.value, 3), round(ktp.on_time.ci.low, 3), ktp.on_time.ci.method
    (0.744, 0.69, 'wilson')
    """
    records = as_records(records, catalog)
    cal = _check(records, catalog, calendar, by, level)
    end = _period_end(period_end, records, cal)
    early = np.flatnonzero(records.received.seconds > end)
    if early.size:
        raise _fail(early, records.record_ids, "were received after period_end")
    codes = _codes(records, catalog)
    clock = Clock(cal, records.aware, end)
    group, by_labels = (
        (np.zeros(len(records), np.intp), [""]) if by is None else by_codes(records, by)
    )
    groups = Groups(codes, group, len(catalog), len(by_labels), records, level)
    status, taken = time_status(
        records.received, records.completed, codes, _standards(catalog, "completion_time"), clock
    )
    completion = time_compliance(groups, status, taken, _standards(catalog, "completion_time"))
    fees = fee_estimates(groups, records.fee, catalog)
    complaints: dict[int, Any] = {}
    n_complaints = np.zeros(groups.size, np.int64)
    if records.complaint_at is not None and records.complaint_resolved is not None:
        filed = ~records.complaint_at.missing
        n_complaints = np.bincount(groups.code[filed], minlength=groups.size)
        c_std = _standards(catalog, "complaint_time")
        c_status, c_taken = time_status(
            records.complaint_at, records.complaint_resolved, codes, c_std, clock, active=filed
        )
        complaints = time_compliance(groups, c_status, c_taken, c_std)
    out: dict[Key, ServiceCompliance] = {}
    for g in np.flatnonzero(groups.counts > 0).tolist():
        sid = catalog.ids[g // len(by_labels)]
        label = None if by is None else by_labels[g % len(by_labels)]
        out[sid if label is None else (sid, label)] = ServiceCompliance(
            service=sid,
            group=label,
            n=int(groups.counts[g]),
            completion=completion.get(g),
            complaints=complaints.get(g),
            n_complaints=int(n_complaints[g]),
            **fees[g],
        )
    groups.flush_warnings()
    return out
