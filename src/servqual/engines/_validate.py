"""Validation inside the engine: one cheap aggregation clears every rule (private).

Each rule is a boolean expression that is true on a bad row. Evaluating it on every row
costs as much as the reduce itself, so a rule may carry a :class:`Screen`: a few plain
aggregates (null count, min, max, sum) that prove no row breaks it. The engine answers
all the screens, and counts the bad rows of the rules without one, in one query; only a
rule whose screen cannot clear it is counted row by row (a second query), and only when
that count is positive is a third, small query sent for the first offending row (its row
number where the engine keeps row order: Polars; a DuckDB relation, a Dask or Spark frame
has no row order, so the message says so). The errors and their wording are those of
the in-memory path, screened or not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from servqual.errors import ValidationError

__all__ = [
    "Rule",
    "Screen",
    "check_rules",
    "missing",
    "no_missing_screen",
    "not_finite",
    "range_screen",
    "require_numeric",
]

_ROW = "__servqual_row"


@dataclass(frozen=True)
class Screen:
    """Plain aggregates that can prove a rule holds on every row.

    ``clears(values)`` gets the aggregates' values (in order) and returns True only when
    no row can break the rule; anything it cannot vouch for (a null minimum, a NaN sum)
    must return False, and the rule is then counted row by row.
    """

    aggs: tuple[Any, ...]
    clears: Callable[[list[object]], bool]


@dataclass(frozen=True)
class Rule:
    """A bad-row condition, the column whose value is shown, and the error to raise.

    ``message(place, value, count)`` words the error (``place`` is ``"row 17"``);
    ``screen`` (optional) clears the rule without evaluating ``bad`` on every row.
    """

    bad: Any
    column: str
    error: type[ValidationError]
    message: Callable[[str, object, int], str]
    screen: Screen | None = None


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


def _number(value: object) -> float | None:
    """A screen's aggregate as a float (DuckDB counts are Decimal); None when null."""
    if value is None:
        return None
    try:
        return float(value)  # type: ignore[arg-type]  # numbers, Decimal and numpy scalars
    except (TypeError, ValueError):
        return None


def no_missing_screen(lazy: Any, col: str) -> Screen | None:
    """Clears :func:`missing` when the column has no null (None for float columns).

    A NaN is missing in a float column, and Polars does not count it as null, so a float
    column is checked row by row.
    """
    import narwhals as nw

    if lazy.collect_schema()[col].is_float():
        return None
    return Screen((nw.col(col).null_count(),), lambda v: _number(v[0]) == 0)


def range_screen(
    lazy: Any,
    col: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    nulls: bool = False,
    finite: bool = False,
) -> Screen:
    """Clears a rule when every value lies in ``[low, high]`` (``(low, high]``: ``low_open``).

    ``nulls``: a null is allowed (else the null count must be 0). ``finite``: ±inf (and
    NaN, unless it counts as null) are bad, checked through the sum, which an infinity
    or a NaN makes non-finite; pandas skips NaN in a sum but counts it as null, and the
    other engines propagate it, so a NaN is caught wherever it is not a null. Min and max
    skip NaN, so without ``finite`` the screen suits rules where NaN is not bad.
    """
    import narwhals as nw

    c = nw.col(col)
    aggs = (c.null_count(), c.min(), c.max(), c.cast(nw.Float64).sum())

    def clears(values: list[object]) -> bool:
        n_null, lo, hi, total = [_number(v) for v in values] + [None] * (4 - len(values))
        if n_null is None or (not nulls and n_null > 0):
            return False
        if lo is None or hi is None:  # every value null (or no rows): no range to break
            return nulls or n_null == 0
        if finite and (total is None or not math.isfinite(total)):
            return False
        above = lo > low if low_open else lo >= low
        return above and hi <= high

    return Screen(aggs if finite else aggs[:3], clears)


def check_rules(lazy: Any, rules: list[Rule]) -> list[list[float | None] | None]:
    """Clear every rule in one query (screens and unscreened counts); raise the first bad one.

    A screened rule that is not cleared is counted row by row in a second query, so the
    count in the message is exact; the rules are raised in their order either way.
    Returns each rule's screen values as numbers (None for a rule without a screen), so a
    caller can reuse what the engine counted (e.g. a column's nulls).
    """
    if not rules:
        return []
    import narwhals as nw

    exprs = []
    for i, rule in enumerate(rules):
        if rule.screen is None:
            exprs.append(rule.bad.fill_null(value=False).cast(nw.Int64).sum().alias(f"r{i}"))
        else:
            exprs += [agg.alias(f"s{i}_{k}") for k, agg in enumerate(rule.screen.aggs)]
    out = lazy.select(*exprs).collect()
    counts: dict[int, int] = {}
    doubtful = []
    screens: list[list[float | None] | None] = []
    for i, rule in enumerate(rules):
        if rule.screen is None:
            counts[i] = int(_number(out[f"r{i}"][0]) or 0)
            screens.append(None)
            continue
        values = [out[f"s{i}_{k}"][0] for k in range(len(rule.screen.aggs))]
        screens.append([_number(v) for v in values])
        if not rule.screen.clears(values):
            doubtful.append(i)
    if doubtful:
        exact = lazy.select(
            *[
                rules[i].bad.fill_null(value=False).cast(nw.Int64).sum().alias(f"r{i}")
                for i in doubtful
            ]
        ).collect()
        counts.update({i: int(_number(exact[f"r{i}"][0]) or 0) for i in doubtful})
    for i, rule in enumerate(rules):
        n = counts.get(i, 0)
        if n:
            place, value = _first(lazy, rule)
            raise rule.error(rule.message(place, value, n))
    return screens


def _first(lazy: Any, rule: Rule) -> tuple[str, object]:
    """Where the first bad row is (a row number if the engine has one) and its value."""
    import narwhals as nw

    numbered = lazy.implementation == nw.Implementation.POLARS
    frame = lazy.with_row_index(_ROW, order_by=None) if numbered else lazy
    cols = [rule.column, _ROW] if numbered else [rule.column]
    hit = frame.filter(rule.bad.fill_null(value=False)).select(*cols).head(1).collect()
    value = hit[rule.column][0]
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar (Dask, pandas)
        value = value.item()
    if numbered:
        return f"row {int(hit[_ROW][0])}", value
    name = str(lazy.implementation).rsplit(".", 1)[-1].lower()
    return f"a row (a {name} frame has no row numbers)", value
