"""The base configuration shared by every servqual model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError

from servqual.errors import ModelValidationError


class FrozenModel(BaseModel):
    """A frozen pydantic model that refuses unknown fields.

    Every model in servqual derives from this: values are immutable, round-trip through
    JSON (``model_dump_json`` / ``model_validate_json``) and describe themselves with
    ``model_json_schema()``. NaN and infinite floats are written as the strings ``"NaN"``,
    ``"Infinity"`` and ``"-Infinity"``. Constructing a model with bad fields raises
    :class:`~servqual.errors.ModelValidationError` (a pydantic ``ValidationError`` that is
    also a servqual ``ValidationError``).

    Examples
    --------
    >>> import servqual as sq
    >>> try:
    ...     sq.Scale(min=4, max=1)
    ... except sq.errors.ValidationError as exc:  # also a pydantic.ValidationError
    ...     print(exc.errors()[0]["msg"])
    Value error, scale max 1 must be above min 4
    """

    # NaN marks "no interval could be computed"; written as the string "NaN" it stays valid
    # JSON for every parser and reads back as NaN.
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except PydanticValidationError as exc:
            # Same error, also catchable as servqual.errors.ValidationError.
            raise ModelValidationError.from_exception_data(
                exc.title,
                exc.errors(),  # type: ignore[arg-type]  # ErrorDetails are valid InitErrorDetails
            ) from None
