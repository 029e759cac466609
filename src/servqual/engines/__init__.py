"""Estimates computed where the data lives: Polars lazy, DuckDB, Dask and Spark frames.

``sq.Design(frame, ...)`` and ``sq.Responses.from_frame(frame, ...)`` accept a lazy
engine frame. The reduce step (per stratum, PSU and domain sums) runs inside the engine
through narwhals; only that summary comes back, and the estimate step is the in-memory
one. See docs/engines.md.
"""

from __future__ import annotations

from servqual.engines._native import engine_of, is_engine_frame

__all__ = ["engine_of", "is_engine_frame"]
