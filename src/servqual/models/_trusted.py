"""Many result models at once from values the library computed itself (private).

A domain estimate of ``Design.by(...)`` or an index's ``by=`` can come in the hundreds of
thousands. Validating each model field by field costs far more than computing its numbers
(a million :class:`~servqual.Estimate` objects took most of a minute), so the bulk
builders check the fields' declared constraints once over whole arrays (see
:func:`servqual.models.results.many_estimates`) and then build each model as pydantic's
``model_construct`` does, without its per-field loop: the instance gets its field
dictionary, its own set of fields set, and no extra or private values.

The values handed in must already have the types validation would give (Python ``float``
and ``int`` from ``ndarray.tolist()``, ``str``, ``None``, models) and every field, in the
model's field order, so the models are indistinguishable from validated ones: they
compare equal, dump and round-trip through JSON identically (the tests check this against
``model_validate(model.model_dump())``). The models of one call share one set of the
names of their fields (every field is set): the models are frozen, so nothing changes it,
and pydantic copies it before a copy's update (``model_copy``).

While the models are built the cyclic garbage collector is paused: they form trees
without cycles, so a collection could free nothing, and the repeated passes over the
growing set of young objects cost more than building them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["built", "paused_gc"]

M = TypeVar("M", bound=BaseModel)

_new = object.__new__
# The slots every pydantic model has, set as pydantic's own model_construct sets them.
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) for the duration of the block."""
    running = gc.isenabled()
    if running:
        gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def built(cls: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    """Instances of ``cls``, one per dictionary of all its fields, without validation.

    Call it inside :func:`paused_gc` when building many.
    """
    names = set(cls.__pydantic_fields__)
    out = []
    for row in rows:  # one model per row; no per-field work
        model = _new(cls)
        _set_dict(model, row)
        _set_fields(model, names)
        _set_extra(model, None)
        _set_private(model, None)
        out.append(model)
    return out
