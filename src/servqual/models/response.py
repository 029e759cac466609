"""``Response``: one respondent's record, as an app receives it from a form or an API."""

from __future__ import annotations

import math
import numbers
from typing import Any

from pydantic import Field, field_validator

from servqual.models._base import FrozenModel

__all__ = ["Response"]

Scalar = str | int | float | bool | None


def _answer(item_id: str, value: object) -> int | None:
    """One answer as an int or ``None``; bools, fractions and text are refused."""
    if value is None:
        return None
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        raise ValueError(
            f"answer to item {item_id!r} is {value!r}, not an integer (a boolean is not a rating)"
        )
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        if math.isnan(f):
            return None
        if math.isfinite(f) and f.is_integer():
            return int(f)
    raise ValueError(f"answer to item {item_id!r} is {value!r}, not an integer")


class Response(FrozenModel):
    """One respondent's answers and attributes.

    Many records make a :class:`~servqual.Responses` through
    :meth:`~servqual.Responses.from_records`, which checks the answers against the
    instrument's items and scale and names the record at fault.

    Parameters
    ----------
    respondent_id : str or int
        Identifier, unique within a survey.
    answers : mapping of item id → int or None
        The answers; ``None`` (or an absent item) is a missing answer. Integral floats
        (``3.0``) are accepted as integers, ``NaN`` as missing; booleans, fractions and
        text are refused.
    attributes : mapping of str → scalar
        Respondent attributes (service used, gender, age band, …), used for ``by=``.
    weight : float
        Sampling weight, finite and >= 0 (default 1).
    stratum, cluster : str or int, optional
        Stratum and first-stage unit (cluster) of the respondent.
    fpc : float, optional
        Population count of first-stage units in the respondent's stratum (see
        :class:`~servqual.Design`).

    Notes
    -----
    Invalid records raise :class:`pydantic.ValidationError` (a ``ValueError``) whose
    message names the field and the value.

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.Response(respondent_id="r001", answers={"U1": 4, "U2": 3, "U3": None},
    ...                 attributes={"service": "KTP-el", "gender": "P"})
    >>> r.answers
    {'U1': 4, 'U2': 3, 'U3': None}
    >>> sq.Response.model_validate_json(r.model_dump_json()) == r
    True
    """

    respondent_id: str | int
    answers: dict[str, int | None]
    attributes: dict[str, Scalar] = Field(default_factory=dict)
    weight: float = Field(default=1.0, ge=0.0, allow_inf_nan=False)
    stratum: str | int | None = None
    cluster: str | int | None = None
    fpc: float | None = Field(default=None, gt=0.0, allow_inf_nan=False)

    @field_validator("respondent_id", mode="before")
    @classmethod
    def _id_not_bool(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError(f"respondent_id must be a str or int, got {value!r}")
        return value

    @field_validator("answers", mode="before")
    @classmethod
    def _strict_answers(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value  # pydantic reports the type error
        for key in value:
            if not isinstance(key, str) or not key:
                raise ValueError(f"item ids must be non-empty strings, got {key!r}")
        return {key: _answer(key, v) for key, v in value.items()}
