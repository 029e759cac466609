"""Which engine a frame belongs to, and its narwhals view (private).

A frame is recognised by the module of its class, so no engine is imported to ask;
narwhals is imported only when an engine frame is actually passed.
"""

from __future__ import annotations

from typing import Any

from servqual.errors import DataFormatError, MissingDependencyError

__all__ = ["engine_of", "is_engine_frame", "narwhals_frame"]

_ENGINES = {
    # (top-level module, class name) → the engine and its extra
    ("polars", "LazyFrame"): "polars",
    ("duckdb", "DuckDBPyRelation"): "duckdb",
    ("dask", "DataFrame"): "dask",
    ("pyspark", "DataFrame"): "spark",
}


def engine_of(frame: object) -> str | None:
    """``"polars"``, ``"duckdb"``, ``"dask"`` or ``"spark"`` for a lazy engine frame, else None.

    A Polars *eager* DataFrame is data in memory and takes the numpy path.
    """
    for klass in type(frame).__mro__:
        top = klass.__module__.split(".", 1)[0]
        found = _ENGINES.get((top, klass.__name__))
        if found is not None:
            return found
    return None


def is_engine_frame(frame: object) -> bool:
    """Whether ``frame`` is reduced inside its engine (Polars lazy, DuckDB, Dask, Spark)."""
    return engine_of(frame) is not None


def narwhals_frame(frame: object) -> Any:
    """The narwhals ``LazyFrame`` over ``frame``.

    Raises
    ------
    servqual.errors.MissingDependencyError
        If narwhals is not installed; the message names the extra of the frame's engine.
    """
    engine = engine_of(frame)
    try:
        import narwhals as nw
    except ImportError:
        raise MissingDependencyError(
            f"a {type(frame).__name__} is reduced inside its engine through narwhals, "
            f"which is not installed: pip install 'servqual[{engine}]'"
        ) from None
    lazy: Any = nw.from_native(frame)
    if not isinstance(lazy, nw.LazyFrame):  # pragma: no cover - engine_of lists lazy kinds
        lazy = lazy.lazy()
    return lazy


def check_columns(lazy: Any, needed: dict[str, str | None]) -> list[str]:
    """The frame's column names; a needed column that is absent raises, naming its role."""
    names = list(lazy.collect_schema().names())
    for role, col in needed.items():
        if col is not None and col not in names:
            raise DataFormatError(f"{role} column {col!r} is not in the data; columns: {names}")
    return names
