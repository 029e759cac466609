"""Pydantic models: the vocabulary at servqual's edges (inputs and results)."""

from servqual.models.instrument import Instrument, Item, Scale
from servqual.models.response import Response
from servqual.models.results import Estimate, Interval
from servqual.models.service import CompletionTime, Fee, Service, ServiceCatalog, ServiceStandard

__all__ = [
    "CompletionTime",
    "Estimate",
    "Fee",
    "Instrument",
    "Interval",
    "Item",
    "Response",
    "Scale",
    "Service",
    "ServiceCatalog",
    "ServiceStandard",
]
