"""The base configuration shared by every servqual model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    """A frozen pydantic model that refuses unknown fields.

    Every model in servqual derives from this: values are immutable, round-trip through
    JSON (``model_dump_json`` / ``model_validate_json``) and describe themselves with
    ``model_json_schema()``. NaN and infinite floats are written as the strings ``"NaN"``,
    ``"Infinity"`` and ``"-Infinity"``.
    """

    # NaN marks "no interval could be computed"; written as the string "NaN" it stays valid
    # JSON for every parser and reads back as NaN.
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")
