"""Checks of the arguments of ``Responses`` and its constructors (private)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.errors import ScaleError, ServqualTypeError
from servqual.models.instrument import Instrument

__all__ = ["check_codes", "check_instrument"]


def check_instrument(instrument: object) -> None:
    """The instrument argument of every constructor (a name or a dict is a type error).

    Raises
    ------
    servqual.errors.ServqualTypeError
        Naming the type given.
    """
    if not isinstance(instrument, Instrument):
        raise ServqualTypeError(
            f"instrument must be a servqual.Instrument (e.g. sq.instruments.SKM_2017), got "
            f"{type(instrument).__name__}"
        )


def check_codes(codes: npt.NDArray[np.int8], instrument: Instrument) -> None:
    """Every code is -1 (missing) or an answer on the scale minus its minimum."""
    top = instrument.scale.max - instrument.scale.min
    if codes.size == 0 or (int(codes.min()) >= -1 and int(codes.max()) <= top):
        return  # the common case: two reductions, no temporary array
    bad = (codes < -1) | (codes > top)
    if bad.any():
        row, col = (int(x[0]) for x in np.nonzero(bad))
        code = int(codes[row, col])
        raise ScaleError(
            f"code {code} for item {instrument.items[col].id!r} in row {row} is outside "
            f"0–{top} (the answer {code + instrument.scale.min} would be outside the scale "
            f"{instrument.scale.min}–{instrument.scale.max}; -1 is a missing answer)"
            + (f" ({int(bad.sum())} such codes)" if bad.sum() > 1 else "")
        )
