"""Pydantic models: the vocabulary at servqual's edges (inputs and results)."""

from servqual.models.instrument import Instrument, Item, Scale
from servqual.models.results import Estimate, Interval

__all__ = ["Estimate", "Instrument", "Interval", "Item", "Scale"]
