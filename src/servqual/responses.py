"""``Responses``: an instrument's answers as compact codes, plus the survey design.

Answers are stored as ``int8`` codes ``answer - scale.min`` (one byte each, scales up to
127 levels) with ``-1`` marking a missing answer, in an (n respondents × k items) array in
the instrument's item order. The design (weights, strata, clusters, fpc) and the
respondent attributes (service used, gender, …) live in a :class:`~servqual.Design`
whose rows are the respondents.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design import Design
from servqual.errors import ValidationError
from servqual.models.instrument import Instrument

__all__ = ["MISSING", "Responses"]

MISSING = -1
"""Code of a missing answer in :attr:`Responses.codes`."""


class Responses:
    """Answers to an instrument together with the design they were sampled under.

    Build it with :meth:`from_records`, :meth:`from_arrays`, :meth:`from_frame` or
    :func:`servqual.read_csv` rather than by hand.

    Parameters
    ----------
    instrument : Instrument
        The instrument answered.
    design : Design
        One row per respondent: attributes and design columns.
    codes : (n, k) int8 array
        ``answer - scale.min``, ``-1`` for missing, columns in the instrument's item order.
    respondent_ids : (n,) array, optional
        Respondent identifiers (default ``0 … n-1``).
    """

    def __init__(
        self,
        instrument: Instrument,
        design: Design,
        codes: npt.NDArray[np.int8],
        respondent_ids: npt.NDArray[Any] | None = None,
    ) -> None:
        codes = np.asarray(codes)
        k = len(instrument.items)
        if codes.dtype != np.int8 or codes.ndim != 2 or codes.shape[1] != k:
            raise ValidationError(
                f"codes must be an int8 array of shape (n, {k}), got {codes.dtype} {codes.shape}"
            )
        if codes.shape[0] != design.n_rows:
            raise ValidationError(
                f"codes have {codes.shape[0]} rows but the design has {design.n_rows}"
            )
        codes.flags.writeable = False
        self.instrument = instrument
        self.design = design
        self.codes = codes
        ids = np.arange(codes.shape[0]) if respondent_ids is None else np.asarray(respondent_ids)
        self.respondent_ids = ids

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(self.codes.shape[0])

    def answered(self) -> npt.NDArray[np.bool_]:
        """(n, k) mask of answered items."""
        return np.asarray(self.codes != MISSING, dtype=np.bool_)

    def values(self, *, reverse: bool = True) -> npt.NDArray[np.float64]:
        """(n, k) answers as float64 with NaN for missing; reverse-scored items flipped."""
        out = self.codes.astype(np.float64) + self.instrument.scale.min
        out[self.codes == MISSING] = np.nan
        if reverse:
            flip = [j for j, item in enumerate(self.instrument.items) if item.reverse]
            if flip:
                s = self.instrument.scale
                out[:, flip] = s.min + s.max - out[:, flip]
        return out

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return (
            f"Responses(instrument={self.instrument.id!r}, n={self.n}, "
            f"items={len(self.instrument.items)}, design={self.design!r})"
        )
