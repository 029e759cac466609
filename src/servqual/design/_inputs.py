"""Column parsing and small functions shared by the R-parity estimators (private).

Quantiles, ``variance``, ``ttest``, ``chisq`` and ``contrast`` read columns of a
:class:`~servqual.Design` and build influence values; they share these functions and the
design's variance backend (:func:`~servqual.stats.linearized_variance`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from servqual.design._build import factorize, missing_mask
from servqual.errors import ParameterError, ValidationError
from servqual.stats.design_arrays import DesignArrays

if TYPE_CHECKING:
    from servqual.design.design import Design

__all__ = [
    "NaPolicy",
    "check_choice",
    "codes_of",
    "numeric_column",
    "present_df",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
NaPolicy = Literal["fail", "domain"]
_HINT = " (pass na='domain' to use the rows that have a value)"


def check_choice(value: object, name: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``, else a ParameterError listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise ParameterError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def _shown(values: npt.NDArray[Any], i: int) -> object:
    v = values[i]
    item = getattr(v, "item", None)
    return item() if callable(item) else v


class HasColumns(Protocol):
    """Anything with named data columns (``Design``, ``ReplicateDesign``)."""

    def column(self, name: str) -> npt.NDArray[Any]:
        """One data column."""
        ...


def numeric_column(design: HasColumns, name: str, na: str) -> tuple[FloatArray, BoolArray]:
    """A column as float64 (missing → 0) and its mask of present values.

    ``na="fail"`` raises on the first missing value, naming the column and row; an
    infinite value is always an error.
    """
    check_choice(na, "na", ("fail", "domain"))
    raw = design.column(name)
    missing = missing_mask(raw)
    try:
        y = np.asarray(np.where(missing, 0.0, raw) if missing.any() else raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"column {name!r} is not numeric (dtype {raw.dtype})") from None
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        i = int(bad[0])
        raise ValidationError(f"column {name!r} has a non-finite value in row {i}: {y[i]!r}")
    if missing.any() and na == "fail":
        i = int(np.flatnonzero(missing)[0])
        raise ValidationError(
            f"column {name!r} has a missing value in row {i}: {_shown(raw, i)!r}" + _HINT
        )
    return y, ~missing


def codes_of(
    design: Design, name: str, na: str
) -> tuple[npt.NDArray[np.intp], list[Hashable], BoolArray]:
    """Category codes and sorted labels of a column, with its mask of present values.

    Missing rows get code 0 and ``False`` in the mask; with ``na="fail"`` they raise.
    """
    check_choice(na, "na", ("fail", "domain"))
    raw = design.column(name)
    missing = missing_mask(raw)
    if missing.any() and na == "fail":
        i = int(np.flatnonzero(missing)[0])
        raise ValidationError(
            f"column {name!r} has a missing value in row {i}: {_shown(raw, i)!r}" + _HINT
        )
    rows = np.flatnonzero(~missing)
    try:
        sub, uniq = factorize(raw[rows])
    except TypeError as exc:
        raise ValidationError(
            f"column {name!r} mixes values that cannot be ordered: {exc}"
        ) from None
    codes = np.zeros(raw.shape[0], dtype=np.intp)
    codes[rows] = sub
    labels: list[Hashable] = [u.item() if hasattr(u, "item") else u for u in uniq]
    return codes, labels, ~missing


def present_df(arrays: DesignArrays, mask: BoolArray) -> float:
    """R's ``degf`` of the subset design holding the rows of ``mask`` with positive weight.

    First-stage units with such a row, minus the strata with such a row (R ``degf``
    of ``subset(design, ...)``: rows outside keep their place but get weight 0).
    """
    inset = mask & (arrays.weights != 0)
    if inset.all():
        return arrays.df
    strata = np.unique(arrays.stratum_codes[inset]).shape[0]
    units = (
        int(np.count_nonzero(inset))
        if arrays.psu_codes is None
        else np.unique(arrays.psu_codes[inset]).shape[0]
    )
    return float(units - strata)
