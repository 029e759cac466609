"""Validation inside the engine: one aggregation counts every problem (private).

Each rule is a boolean expression that is true on a bad row. The engine sums them all
in one query; only when a count is positive is a second, small query sent for the first
offending row (its row number where the engine keeps row order: Polars; a DuckDB
relation, a Dask or Spark frame has no row order, so the message says so). The errors
and their wording are those of the in-memory path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from servqual.errors import ValidationError

__all__ = ["Rule", "check_rules", "missing", "not_finite", "require_numeric"]

_ROW = "__servqual_row"


@dataclass(frozen=True)
class Rule:
    """A bad-row condition, the column whose value is shown, and the error to raise.

    ``message(place, value, count)`` words the error (``place`` is ``"row 17"``).
    """

    bad: Any
    column: str
    error: type[ValidationError]
    message: Callable[[str, object, int], str]


def missing(lazy: Any, col: str) -> Any:
    """True where ``col`` is null, or NaN in a float column (its missing value)."""
    import narwhals as nw

    c = nw.col(col)
    if lazy.collect_schema()[col].is_float():
        return c.is_null() | c.is_nan().fill_null(value=True)
    return c.is_null()


def not_finite(col: str) -> Any:
    """True where the numeric ``col`` is null, NaN or infinite."""
    import narwhals as nw

    c = nw.col(col).cast(nw.Float64)
    return c.is_null() | ~c.is_finite().fill_null(value=False)


def require_numeric(lazy: Any, col: str, error: type[ValidationError], what: str) -> None:
    """Refuse a non-numeric column before the engine is asked to cast it (names its type)."""
    dtype = lazy.collect_schema()[col]
    if not dtype.is_numeric():
        raise error(f"{what} must be numeric; column {col!r} has type {dtype}")


def check_rules(lazy: Any, rules: list[Rule]) -> None:
    """Count every rule's bad rows in one query; raise the first rule that has any."""
    if not rules:
        return
    import narwhals as nw

    counts = lazy.select(
        *[
            r.bad.fill_null(value=False).cast(nw.Int64).sum().alias(f"r{i}")
            for i, r in enumerate(rules)
        ]
    ).collect()
    for i, rule in enumerate(rules):
        n = int(counts[f"r{i}"][0] or 0)
        if n:
            place, value = _first(lazy, rule)
            raise rule.error(rule.message(place, value, n))


def _first(lazy: Any, rule: Rule) -> tuple[str, object]:
    """Where the first bad row is (a row number if the engine has one) and its value."""
    import narwhals as nw

    numbered = lazy.implementation == nw.Implementation.POLARS
    frame = lazy.with_row_index(_ROW, order_by=None) if numbered else lazy
    cols = [rule.column, _ROW] if numbered else [rule.column]
    hit = frame.filter(rule.bad.fill_null(value=False)).select(*cols).head(1).collect()
    value = hit[rule.column][0]
    if numbered:
        return f"row {int(hit[_ROW][0])}", value
    name = str(lazy.implementation).rsplit(".", 1)[-1].lower()
    return f"a row (a {name} frame has no row numbers)", value
