"""``Responses`` over a lazy engine frame: the answers stay in the engine (private layout).

``sq.Responses.from_frame(frame, instrument, ...)`` returns an :class:`EngineResponses`
for a Polars ``LazyFrame``, a DuckDB relation, a Dask or a Spark frame. The answers are
checked against the scale by one aggregation in the engine (the in-memory
:class:`~servqual.errors.ScaleError`, with the row where the engine keeps row order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from servqual._answers import error_message
from servqual.engines._validate import Rule, check_rules, missing, range_screen, require_numeric
from servqual.engines.design import EngineDesign, design_rules
from servqual.errors import DataFormatError, ScaleError, ServqualTypeError
from servqual.models.instrument import Instrument, Scale
from servqual.responses import Responses

__all__ = ["EngineResponses", "answer_rules"]


def _scale_message(item: str, scale: Scale) -> Any:
    def message(place: str, value: object, n: int) -> str:
        return error_message(value, item, place, scale, n)

    return message


def answer_rules(lazy: Any, columns: Mapping[str, str], scale: Scale) -> list[Rule]:
    """One rule per item: an answer (not missing) outside the scale, or not an integer.

    An integer column is cleared by its min and max; a float one (which may hold 2.5 or
    NaN) is checked row by row.
    """
    import narwhals as nw

    rules = []
    schema = lazy.collect_schema()
    for item, col in columns.items():
        x = nw.col(col).cast(nw.Float64)
        bad = ~missing(lazy, col) & ((x < scale.min) | (x > scale.max) | (x != x.floor()))
        screen = None
        if schema[col].is_integer():
            screen = range_screen(lazy, col, low=scale.min, high=scale.max, nulls=True)
        rules.append(Rule(bad, col, ScaleError, _scale_message(item, scale), screen))
    return rules


class EngineResponses(Responses):
    """Answers to an instrument whose rows stay in a dataframe engine.

    Attributes
    ----------
    instrument : Instrument
        The instrument answered.
    design : EngineDesign
        The design over the same frame.
    item_columns : dict of str to str
        The frame column of each item, in the instrument's order.
    complete_columns : frozenset of str
        The integer item columns with no missing answer when they were validated (the
        index then sums fewer variables; a later change of the data is caught).
    """

    design: EngineDesign
    complete_columns: frozenset[str] = frozenset()

    def __init__(
        self,
        frame: Any,
        instrument: Instrument,
        *,
        weights: str | None = None,
        strata: str | None = None,
        clusters: str | None = None,
        fpc: str | None = None,
        items: Mapping[str, str] | None = None,
        id_column: str | None = None,
        lonely_psu: Any = "fail",
    ) -> None:
        self.instrument = instrument
        self.design = EngineDesign(
            frame,
            weights=weights,
            strata=strata,
            clusters=clusters,
            fpc=fpc,
            lonely_psu=lonely_psu,
            check=False,
        )
        mapping = dict(items or {})
        self.item_columns = {item.id: mapping.get(item.id, item.id) for item in instrument.items}
        names = self.design.columns
        for item, col in self.item_columns.items():
            if col not in names:
                raise DataFormatError(
                    f"the frame has no column {col!r} for item {item!r} of {instrument.id!r}; "
                    f"columns: {names} (map item ids to columns with items=)"
                )
        for item, col in self.item_columns.items():
            require_numeric(self.design.lazy, col, ScaleError, f"the answers to item {item!r}")
        if id_column is not None and id_column not in names:
            raise DataFormatError(
                f"id_column column {id_column!r} is not in the frame; columns: {names}"
            )
        self.id_column = id_column  # estimates need no ids: not read, not checked for duplicates
        lazy = self.design.lazy
        # one query clears the design columns and the answers (the design's errors first)
        first = design_rules(lazy, self.design.spec)
        answers = answer_rules(lazy, self.item_columns, instrument.scale)
        screened = check_rules(lazy, first + answers)[len(first) :]
        self.complete_columns = frozenset(
            col
            for col, values in zip(self.item_columns.values(), screened, strict=True)
            if values is not None and values[0] == 0
        )

    @property
    def lazy(self) -> Any:
        """The narwhals view of the frame."""
        return self.design.lazy

    @property
    def n(self) -> int:
        """Number of respondents, counted by the engine."""
        return self.design.n_rows

    @property
    def codes(self) -> Any:
        """Not available: the answers stay in the engine."""
        raise ServqualTypeError(
            "the answer codes need the rows in memory; these responses stay in "
            f"{self.design.engine}: collect the frame first"
        )

    @codes.setter
    def codes(self, value: Any) -> None:  # pragma: no cover - never set on an engine frame
        raise ServqualTypeError("EngineResponses has no codes to set")

    @property
    def attributes(self) -> list[str]:
        """The frame's columns that are neither items nor the id column."""
        used = {*self.item_columns.values(), self.id_column}
        return [c for c in self.design.columns if c not in used]

    def attribute(self, name: str) -> np.ndarray[Any, Any]:
        """Not available: the rows stay in the engine."""
        raise self.design._in_memory(f"attribute({name!r})")

    def __len__(self) -> int:
        return self.n

    def _with(self, design: Any) -> Responses:
        """The same answers over ``design`` (a calibrated engine design): still in the engine."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.design = design
        return new

    def __repr__(self) -> str:
        return f"EngineResponses(instrument={self.instrument.id!r}, engine={self.design.engine!r})"
