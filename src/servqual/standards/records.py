"""Service records: one row per application, as columns, validated against a catalog.

A :class:`ServiceRecords` holds what an office's register says about each application:
its id, the service, when it was received and completed (missing = still open), the fee
charged, optionally when a complaint about it was filed and resolved, any other columns
(unit, channel, period) as attributes, and optionally the design columns of a sample of
records (``weights``, ``strata``, ``fpc``). Columns stay numpy arrays; services are
integer codes into the catalog's ids.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._frames import to_columns
from servqual.design._build import group_codes
from servqual.errors import DataFormatError, RecordError, ServqualTypeError
from servqual.models.service import ServiceCatalog
from servqual.standards._timestamps import Stamps, to_seconds

__all__ = ["RecordError", "ServiceRecords"]

_SHOW = 5  # record ids listed in an error message


def _ids_text(ids: npt.NDArray[Any], rows: npt.NDArray[np.intp]) -> str:
    shown = [v.item() if hasattr(v, "item") else v for v in ids[rows[:_SHOW]]]
    more = f" and {rows.size - _SHOW} more" if rows.size > _SHOW else ""
    return ", ".join(repr(v) for v in shown) + more


def _fail(rows: npt.NDArray[np.intp], ids: npt.NDArray[Any], what: str) -> RecordError:
    return RecordError(f"{rows.size} record(s) {what}: record_id {_ids_text(ids, rows)}")


class ServiceRecords:
    """Applications of an office's services, one row each, validated against a catalog.

    Build it with :meth:`from_frame`, :meth:`from_records` or :meth:`read_csv`; the
    constructor takes already-validated arrays and is not meant to be called directly.

    Attributes
    ----------
    catalog : ServiceCatalog
    record_ids : numpy.ndarray
    service_codes : numpy.ndarray of intp
        Index of each record's service in ``catalog.ids``.
    received, completed : Stamps
        Seconds since 1970 (wall clock when naive, UTC when aware) and missing masks.
    fee : numpy.ndarray of float64
        Fee charged (NaN = not recorded).
    complaint_at, complaint_resolved : Stamps or None
        When a complaint was filed (missing = none) and resolved (missing = open).
    attributes : dict of str to numpy.ndarray
        Other columns (unit, channel, period, design columns).
    aware : bool
        Whether the timestamps carry UTC offsets.
    weights, strata, fpc : str or None
        Attribute columns holding the design of a sample of records.

    Examples
    --------
    Two ID-card applications, one still open:

    >>> import servqual as sq
    >>> recs = sq.ServiceRecords.from_records(
    ...     [{"record_id": "K1", "service": "KTP-el", "received_at": "2026-03-06T09:00",
    ...       "completed_at": "2026-03-11T14:00", "fee": 0, "unit": "Kantor Dinas"},
    ...      {"record_id": "K2", "service": "KTP-el", "received_at": "2026-03-09T10:00",
    ...       "completed_at": None, "fee": 0, "unit": "Kantor Dinas"}],
    ...     sq.data.load_demo_catalog())
    >>> recs
    ServiceRecords(n=2, services=3)
    >>> recs.services.tolist(), list(recs.attributes)
    (['KTP-el', 'KTP-el'], ['unit'])
    """

    def __init__(
        self,
        catalog: ServiceCatalog,
        record_ids: npt.NDArray[Any],
        service_codes: npt.NDArray[np.intp],
        received: Stamps,
        completed: Stamps,
        fee: npt.NDArray[np.float64],
        complaint_at: Stamps | None,
        complaint_resolved: Stamps | None,
        attributes: dict[str, npt.NDArray[Any]],
        design: tuple[str | None, str | None, str | None] = (None, None, None),
    ) -> None:
        self.catalog = catalog
        self.record_ids = record_ids
        self.service_codes = service_codes
        self.received = received
        self.completed = completed
        self.fee = fee
        self.complaint_at = complaint_at
        self.complaint_resolved = complaint_resolved
        self.attributes = attributes
        self.weights, self.strata, self.fpc = design
        self.aware = bool(received.aware.any()) if received.aware.size else False

    def __len__(self) -> int:
        return int(self.record_ids.shape[0])

    def __repr__(self) -> str:
        return f"ServiceRecords(n={len(self)}, services={len(self.catalog)})"

    @property
    def n(self) -> int:
        """Number of records."""
        return len(self)

    @property
    def has_design(self) -> bool:
        """Whether the records are a sample with design columns."""
        return any(c is not None for c in (self.weights, self.strata, self.fpc))

    @property
    def services(self) -> npt.NDArray[Any]:
        """Each record's service id (catalog ids, as an object array)."""
        return np.asarray(self.catalog.ids, dtype=object)[self.service_codes]

    def column(self, name: str) -> npt.NDArray[Any]:
        """An attribute column (``unit``, ``channel``, …) by name."""
        if name not in self.attributes:
            raise DataFormatError(
                f"the records have no column {name!r}; columns: {sorted(self.attributes)}"
            )
        return self.attributes[name]

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        catalog: ServiceCatalog,
        *,
        record_id: str = "record_id",
        service: str = "service",
        received_at: str = "received_at",
        completed_at: str = "completed_at",
        fee: str | None = "fee",
        complaint_at: str | None = "complaint_at",
        complaint_resolved_at: str | None = "complaint_resolved_at",
        weights: str | None = None,
        strata: str | None = None,
        fpc: str | None = None,
    ) -> ServiceRecords:
        """Records from a dataframe (pandas, polars, pyarrow) or a mapping of columns.

        Parameters
        ----------
        frame : dataframe or mapping of str to array-like
            One row per application.
        catalog : ServiceCatalog
            The services; every record's service must be one of its ids.
        record_id, service, received_at, completed_at : str
            Names of the required columns (``completed_at`` empty/None/NaT = still open).
        fee, complaint_at, complaint_resolved_at : str or None
            Names of the optional columns; used when the frame has them.
        weights, strata, fpc : str, optional
            Design columns when the records are a sample (``fpc``: records per stratum).

        Raises
        ------
        servqual.errors.DataFormatError
            A required column is missing or a timestamp or fee cannot be read.
        RecordError
            Duplicate record ids, an unknown service, completion before receipt, a
            negative fee, naive and time-zone-aware timestamps mixed (each message lists
            the offending record ids).

        Examples
        --------
        >>> import servqual as sq
        >>> recs = sq.ServiceRecords.from_frame(
        ...     {"record_id": [1, 2], "service": ["KTP-el", "KTP-el"],
        ...      "received_at": ["2026-03-02T09:00", "2026-03-02T10:00"],
        ...      "completed_at": ["2026-03-04T15:00", ""], "fee": [0, 0]},
        ...     sq.data.load_demo_catalog())
        >>> recs.n, recs.completed.missing.tolist()
        (2, [False, True])
        """
        from servqual.standards._validate import build_records

        cols = to_columns(frame)
        names = {
            "record_id": record_id,
            "service": service,
            "received_at": received_at,
            "completed_at": completed_at,
            "fee": fee,
            "complaint_at": complaint_at,
            "complaint_resolved_at": complaint_resolved_at,
        }
        return build_records(cols, catalog, names, (weights, strata, fpc))

    @classmethod
    def from_records(
        cls, records: Iterable[Mapping[str, Any]], catalog: ServiceCatalog, **names: Any
    ) -> ServiceRecords:
        """Records from an iterable of mappings (one dict per application, as an app has them).

        Keys missing from a row are empty; keyword arguments as in :meth:`from_frame`.

        Examples
        --------
        >>> import datetime as dt
        >>> import servqual as sq
        >>> recs = sq.ServiceRecords.from_records(
        ...     [{"record_id": "A1", "service": "KTP-el", "fee": 0,
        ...       "received_at": dt.datetime(2026, 3, 6, 9), "completed_at": None}],
        ...     sq.data.load_demo_catalog())
        >>> recs.n
        1
        """
        rows = list(records)
        if not all(isinstance(r, Mapping) for r in rows):
            raise ServqualTypeError("records must be mappings of column name to value")
        keys = list(dict.fromkeys(k for r in rows for k in r))
        cols: dict[str, npt.NDArray[Any]] = {}
        for k in keys:
            arr = np.empty(len(rows), dtype=object)
            arr[:] = [r.get(k) for r in rows]
            cols[k] = arr
        return cls.from_frame(cols, catalog, **names)

    @classmethod
    def read_csv(
        cls,
        path: str | Path,
        catalog: ServiceCatalog,
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
        **names: Any,
    ) -> ServiceRecords:
        """Records from a CSV file with a header row (keyword arguments as :meth:`from_frame`).

        Examples
        --------
        >>> import servqual as sq
        >>> recs = sq.ServiceRecords.read_csv(sq.data.demo_records_path(),
        ...                                   sq.data.load_demo_catalog())
        >>> recs.n
        600
        """
        with Path(path).open(encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            if header is None:
                raise DataFormatError(f"{path}: the file is empty (no header row)")
            rows = list(reader)
        bad = [i for i, r in enumerate(rows) if len(r) != len(header)]
        if bad:
            raise DataFormatError(
                f"{path}: row {bad[0] + 2} has {len(rows[bad[0]])} fields, the header {len(header)}"
            )
        table = np.array(rows, dtype=str).reshape(len(rows), len(header))
        cols = {h.strip(): table[:, j].astype(object) for j, h in enumerate(header)}
        return cls.from_frame(cols, catalog, **names)

    def subset(self, rows: npt.NDArray[np.bool_] | npt.NDArray[np.intp]) -> ServiceRecords:
        """The records selected by a boolean mask or positions (same catalog and design)."""

        def cut(s: Stamps | None) -> Stamps | None:
            return None if s is None else Stamps(s.seconds[rows], s.missing[rows], s.aware[rows])

        received, completed = cut(self.received), cut(self.completed)
        assert received is not None
        assert completed is not None
        return ServiceRecords(
            self.catalog,
            self.record_ids[rows],
            self.service_codes[rows],
            received,
            completed,
            self.fee[rows],
            cut(self.complaint_at),
            cut(self.complaint_resolved),
            {k: v[rows] for k, v in self.attributes.items()},
            (self.weights, self.strata, self.fpc),
        )

    @classmethod
    def concat(cls, parts: Sequence[ServiceRecords]) -> ServiceRecords:
        """Records of several chunks as one (same catalog; record ids stay unique).

        Raises
        ------
        RecordError
            If the parts have different catalogs, columns or designs, or share record ids.
        """
        from servqual.standards._validate import concat_records

        return concat_records(parts)

    def frame(
        self, period: tuple[dt.date, dt.date] | None = None, *, timezone: str | None = None
    ) -> dict[str, npt.NDArray[Any]]:
        """The people served in a period, as a sampling frame for the satisfaction survey.

        Parameters
        ----------
        period : (date, date), optional
            First and last day of receipt, both included (local days); all records
            without it.
        timezone : str, optional
            The office's time zone, to place timestamps with a UTC offset on local days
            (without it, UTC days).

        Returns
        -------
        dict of str to numpy.ndarray
            Columns ``record_id``, ``service`` and the attribute columns, one row per
            record received in the period; pass it to :mod:`servqual.sampling` as a table
            with ``strata="service"``.

        Examples
        --------
        >>> import datetime as dt
        >>> import servqual as sq
        >>> recs = sq.data.load_demo_records()
        >>> frame = recs.frame(period=(dt.date(2026, 1, 1), dt.date(2026, 3, 31)))
        >>> s = sq.sampling.stratified(frame, 30, strata="service", seed=7)
        >>> len(s.positions), sorted(set(s.strata))
        (30, ['Akta Kelahiran', 'KTP-el', 'Kartu Keluarga'])
        """
        rows: npt.NDArray[np.bool_] | slice = slice(None)
        if period is not None:
            start, end = period
            first = to_seconds(dt.datetime.combine(start, dt.time()))[0]
            stop = to_seconds(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))[0]
            sec = self.received.seconds
            if self.aware and timezone is not None:
                from servqual.standards._kernel import local_seconds
                from servqual.standards.calendar import WorkCalendar

                sec = local_seconds(sec, True, WorkCalendar(timezone=timezone).zone())
            rows = (sec >= first) & (sec < stop)
        out: dict[str, npt.NDArray[Any]] = {
            "record_id": self.record_ids[rows],
            "service": self.services[rows],
        }
        out.update({k: v[rows] for k, v in self.attributes.items()})
        return out


def by_codes(records: ServiceRecords, by: str) -> tuple[npt.NDArray[np.intp], list[str]]:
    """Integer codes and string labels of the ``by`` column of ``records``.

    The library's one policy for grouping columns (``group_codes``): a missing label is a
    ``DesignError`` naming the column and the first records, never a silent group ``""``.
    """
    ids = records.record_ids
    codes, labels = group_codes(
        records.column(by),
        f"by column {by!r}",
        lambda i: f"record_id {_ids_text(ids, np.array([i]))}",
    )
    return codes, [str(label) for label in labels]
