"""Service standards in practice: records, working-time arithmetic and compliance.

- :class:`~servqual.standards.records.ServiceRecords` — one row per application;
- :class:`~servqual.standards.calendar.WorkCalendar` — weekend, holidays, time zone;
- :func:`~servqual.standards.compliance.compliance` — on-time share, fee accuracy and time
  quantiles per service, with intervals;
- :func:`~servqual.standards.catalog_io.read_catalog` /
  :func:`~servqual.standards.catalog_io.write_catalog` — standards as JSON or CSV.
"""

from servqual.standards.calendar import WorkCalendar
from servqual.standards.catalog_io import read_catalog, write_catalog
from servqual.standards.compare import compliance_compare
from servqual.standards.compliance import compliance
from servqual.standards.records import ServiceRecords
from servqual.standards.results import ServiceCompliance, TimeCompliance

__all__ = [
    "ServiceCompliance",
    "ServiceRecords",
    "TimeCompliance",
    "WorkCalendar",
    "compliance",
    "compliance_compare",
    "read_catalog",
    "write_catalog",
]
