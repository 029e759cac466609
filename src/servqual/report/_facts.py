"""Facts a report states that come from its inputs: names, populations, notes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from servqual.errors import ServqualTypeError, ValidationError

if TYPE_CHECKING:
    from servqual.design.design import Design
    from servqual.models.instrument import Instrument

__all__ = ["instrument_name", "note_tuple", "stratum_populations", "total_population"]


def note_tuple(notes: object) -> tuple[str, ...]:
    """One string is one note (not one note per character)."""
    if isinstance(notes, str):
        return (notes,) if notes else ()
    if not isinstance(notes, Sequence):
        raise ServqualTypeError(
            f"notes must be a string or a sequence of strings, got {type(notes).__name__}"
        )
    for i, note in enumerate(notes):
        if not isinstance(note, str):
            raise ServqualTypeError(f"notes[{i}] must be a string, got {note!r}")
    return tuple(notes)


def instrument_name(instrument_id: str, instrument: Instrument | str | None) -> str:
    """The name of the instrument given (or of the built-in one of that name or id)."""
    from servqual import instruments

    if instrument is not None:
        return instruments.resolve(instrument).name
    try:
        return instruments.get(instrument_id).name
    except ValidationError:
        return instrument_id


def total_population(design: Design) -> int | None:
    """People in the population when the fpc counts people (no clusters) everywhere."""
    pop = design.arrays.pop
    if design.arrays.psu_codes is not None or not all(map(_finite, pop.tolist())):
        return None
    return round(float(sum(pop.tolist())))


def stratum_populations(design: Design, by: str) -> dict[str, int]:
    """Population per group when the groups are the strata (stratum sizes are known)."""
    arrays = design.arrays
    if design.strata_column != by or not arrays.has_fpc or arrays.psu_codes is not None:
        return {}
    return {
        str(s): round(p)
        for s, p in zip(arrays.strata, arrays.pop.tolist(), strict=True)
        if _finite(p)
    }


def _finite(x: float) -> bool:
    return x == x and x not in (float("inf"), float("-inf"))
