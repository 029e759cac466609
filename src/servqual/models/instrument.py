"""Rating scales, items and survey instruments."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from servqual.errors import ItemError, ScaleError
from servqual.models._base import FrozenModel

__all__ = ["Instrument", "Item", "Scale"]


class Scale(FrozenModel):
    """An integer rating scale ``min … max`` with optional labels per level.

    Parameters
    ----------
    min, max : int
        Lowest and highest answer; at most 127 levels (answers are stored in one byte).
    labels : tuple of str, optional
        One label per level, from ``min`` to ``max``, in the instrument's language.
    labels_en, labels_id : tuple of str, optional
        The same labels in English and in Indonesian, where the instrument's own language
        is the other one (questionnaires print both; exports may use either).

    Examples
    --------
    >>> import servqual as sq
    >>> s = sq.Scale(min=1, max=4, labels=("Tidak baik", "Kurang baik", "Baik", "Sangat baik"))
    >>> s.levels, s.label(3)
    (4, 'Baik')
    """

    min: int
    max: int
    labels: tuple[str, ...] | None = None
    labels_en: tuple[str, ...] | None = None
    labels_id: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"scale max {self.max} must be above min {self.min}")
        if self.levels > 127:
            raise ValueError(f"a scale has at most 127 levels, got {self.levels}")
        for field in ("labels", "labels_en", "labels_id"):
            labels = getattr(self, field)
            if labels is not None and len(labels) != self.levels:
                raise ValueError(
                    f"scale {self.min}–{self.max} has {self.levels} levels but "
                    f"{len(labels)} {field}"
                )
        return self

    @property
    def levels(self) -> int:
        """Number of answer levels."""
        return self.max - self.min + 1

    @property
    def values(self) -> tuple[int, ...]:
        """The answer levels ``min, min + 1, …, max``."""
        return tuple(range(self.min, self.max + 1))

    def __contains__(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return self.min <= value <= self.max

    def check(self, value: int) -> int:
        """Return ``value`` if it is a level of the scale.

        Raises
        ------
        servqual.errors.ScaleError
            If ``value`` is not an integer between ``min`` and ``max``.
        """
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScaleError(
                f"answer {value!r} is not an integer on the scale {self.min}–{self.max}"
            )
        if not self.min <= value <= self.max:
            raise ScaleError(f"answer {value} is outside the scale {self.min}–{self.max}")
        return value

    def label(self, value: int) -> str | None:
        """Label of an answer level (``None`` when the scale has no labels).

        Raises
        ------
        servqual.errors.ScaleError
            If ``value`` is not a level of the scale.
        """
        self.check(value)
        if self.labels is None:
            return None
        return self.labels[value - self.min]


class Item(FrozenModel):
    """One question of an instrument.

    Parameters
    ----------
    id : str
        Stable identifier (e.g. ``"U3"``); answers are keyed by it, never by position.
    text : str
        Question wording (or element name) in the instrument's language.
    dimension : str, optional
        The dimension the item belongs to (e.g. SERVQUAL's ``"reliability"``).
    text_en : str, optional
        English translation of ``text``.
    labels : tuple of str, optional
        Item-specific level labels overriding the scale's (SKM words U4's levels as
        *sangat mahal … gratis*).
    labels_en, labels_id : tuple of str, optional
        The item's labels in English and in Indonesian, where they differ from ``labels``'
        language.
    reverse : bool
        Negatively worded: score as ``min + max - answer`` before indexing.
    question : str, optional
        The question as printed on the questionnaire, when it differs from ``text``.

    Examples
    --------
    >>> import servqual as sq
    >>> scale = sq.Scale(min=1, max=4, labels=("Tidak baik", "Kurang baik", "Baik", "Sangat baik"))
    >>> fee = sq.Item(id="U4", text="Biaya/Tarif",
    ...               labels=("Sangat mahal", "Cukup mahal", "Murah", "Gratis"))
    >>> fee.label(4, scale), sq.Item(id="U1", text="Persyaratan").label(4, scale)
    ('Gratis', 'Sangat baik')
    """

    id: str = Field(min_length=1)
    text: str
    dimension: str | None = None
    text_en: str | None = None
    labels: tuple[str, ...] | None = None
    labels_en: tuple[str, ...] | None = None
    labels_id: tuple[str, ...] | None = None
    reverse: bool = False
    question: str | None = None

    def label(self, value: int, scale: Scale) -> str | None:
        """Label of answer ``value``: the item's own wording, else the scale's label.

        Parameters
        ----------
        value : int
            An answer level of ``scale``.
        scale : Scale
            The instrument's scale (the item's labels are indexed from ``scale.min``).

        Returns
        -------
        str or None
            ``None`` when neither the item nor the scale has labels.

        Raises
        ------
        servqual.errors.ScaleError
            If ``value`` is not a level of ``scale``.
        """
        scale.check(value)
        if self.labels is not None:
            return self.labels[value - scale.min]
        return scale.label(value)


class Instrument(FrozenModel):
    """A survey instrument: items on one scale, optionally weighted.

    Parameters
    ----------
    id, name : str
        Identifier and human name.
    scale : Scale
        The answer scale shared by the items.
    items : tuple of Item
        The items, with unique ids; their order is the column order of answer arrays.
    weights : mapping of item id → float, optional
        Positive weights, normalised to sum to 1; default equal weights.
    metadata : mapping of str → str
        Free-form facts (``{"grading": "skm-2017"}``, source, language).

    Notes
    -----
    Invalid definitions (duplicate item ids, a weight for an unknown item, a label list of
    the wrong length) raise :class:`pydantic.ValidationError` (a ``ValueError``) whose
    message names the item and the value, like every model in :mod:`servqual.models`.

    Examples
    --------
    >>> import servqual as sq
    >>> inst = sq.Instrument(
    ...     id="counter", name="Counter service", scale=sq.Scale(min=1, max=4),
    ...     items=[sq.Item(id="Q1", text="Speed"), sq.Item(id="Q2", text="Courtesy")],
    ...     weights={"Q1": 3, "Q2": 1})
    >>> inst.weights
    {'Q1': 0.75, 'Q2': 0.25}
    >>> inst.item_ids, inst.index("Q2")
    (('Q1', 'Q2'), 1)
    """

    id: str = Field(min_length=1)
    name: str
    scale: Scale
    items: tuple[Item, ...] = Field(min_length=1)
    weights: dict[str, float] | None = None
    metadata: dict[str, str] = Field(default_factory=dict)

    @field_validator("items")
    @classmethod
    def _unique_ids(cls, items: tuple[Item, ...]) -> tuple[Item, ...]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"duplicate item id {item.id!r}")
            seen.add(item.id)
        for item in items:
            for field in ("labels", "labels_en", "labels_id"):
                if getattr(item, field) is not None and len(getattr(item, field)) == 0:
                    raise ValueError(f"item {item.id!r} has an empty {field} list")
        return items

    @model_validator(mode="after")
    def _normalise_weights(self) -> Instrument:
        ids = [item.id for item in self.items]
        for item in self.items:
            for field in ("labels", "labels_en", "labels_id"):
                labels = getattr(item, field)
                if labels is not None and len(labels) != self.scale.levels:
                    raise ValueError(
                        f"item {item.id!r} has {len(labels)} {field} for a "
                        f"{self.scale.levels}-level scale"
                    )
        if self.weights is None:
            equal = {i: 1.0 / len(ids) for i in ids}
            object.__setattr__(self, "weights", equal)
            return self
        unknown = [k for k in self.weights if k not in ids]
        if unknown:
            raise ValueError(f"weight given for unknown item id {unknown[0]!r}; items: {ids}")
        missing = [i for i in ids if i not in self.weights]
        if missing:
            raise ValueError(f"no weight for item {missing[0]!r}: give a weight for every item")
        for k, v in self.weights.items():
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"weight of item {k!r} must be positive and finite, got {v!r}")
        total = math.fsum(self.weights.values())
        object.__setattr__(self, "weights", {i: self.weights[i] / total for i in ids})
        return self

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in column order."""
        return tuple(item.id for item in self.items)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {item.id: j for j, item in enumerate(self.items)}

    def index(self, item_id: str) -> int:
        """Column position of an item.

        Raises
        ------
        servqual.errors.ItemError
            If the instrument has no such item.
        """
        try:
            return self._positions[item_id]
        except KeyError:
            raise ItemError(
                f"unknown item id {item_id!r} for instrument {self.id!r}; "
                f"items: {list(self.item_ids)}"
            ) from None

    def item(self, item_id: str) -> Item:
        """The item with this id (raises :class:`~servqual.errors.ItemError` if unknown)."""
        return self.items[self.index(item_id)]

    def label(self, item_id: str, value: int) -> str | None:
        """Label of answer ``value`` to item ``item_id`` (item wording, else the scale's).

        Raises
        ------
        servqual.errors.ItemError
            If the instrument has no such item.
        servqual.errors.ScaleError
            If ``value`` is not a level of the scale.
        """
        return self.item(item_id).label(value, self.scale)

    @property
    def grading(self) -> str | None:
        """The grading regime named in ``metadata["grading"]`` (e.g. ``"skm-2017"``)."""
        return self.metadata.get("grading")

    def weight_vector(self) -> list[float]:
        """Normalised weights in item order."""
        assert self.weights is not None  # set by the validator
        return [self.weights[i] for i in self.item_ids]

    def __getitem__(self, item_id: str) -> Item:
        return self.item(item_id)

    def to_xlsform(self, path: str | os.PathLike[str], *, profile: bool | None = None) -> Path:
        """Write this instrument as an XLSForm for ODK/KoboToolbox (``forms`` extra).

        See :func:`servqual.forms.to_xlsform`.
        """
        from servqual.forms import to_xlsform

        return to_xlsform(self, path, profile=profile)

    def to_html_form(
        self, *, language: Literal["id", "en"] = "id", profile: bool | None = None
    ) -> str:
        """Print-ready A4 paper questionnaire of this instrument (a standalone HTML page).

        See :func:`servqual.forms.to_html_form`.
        """
        from servqual.forms import to_html_form

        return to_html_form(self, language=language, profile=profile)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Instrument:
        """Validate an instrument from plain data (a parsed JSON document)."""
        return cls.model_validate(dict(data))
