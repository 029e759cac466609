"""Answer labels and question texts of an instrument, per language, and their lookups.

Questionnaires print an instrument in Indonesian and English; exports come back with
either. An instrument stores labels in its own language (``labels``) and translations
(``labels_en``/``labels_id``) on its items and scale; these helpers pick the right set.
"""

from __future__ import annotations

import re
from typing import Literal

from servqual.models.instrument import Instrument, Item

__all__ = ["LANGUAGES", "Language", "answer_labels", "label_lookup", "norm", "question_text"]

Language = Literal["id", "en"]
LANGUAGES: tuple[Language, ...] = ("id", "en")
_SPACES = re.compile(r"\s+")
_EDGE = " .,;:!?*\u00a0"  # a trailing "?" or a required-marker "*" does not change a text


_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def norm(text: str) -> str:
    """Case-, space-, underscore- and edge-punctuation-insensitive form of a label or header.

    Typographic quotes and dashes (which word processors and form editors substitute)
    read as their plain forms.
    """
    plain = text.translate(_TYPOGRAPHY).replace("_", " ")
    return _SPACES.sub(" ", plain).strip(_EDGE).casefold()


def instrument_language(instrument: Instrument) -> Language:
    """The language of an instrument's own ``text``/``labels`` (metadata, default English)."""
    return "id" if instrument.metadata.get("language") == "id" else "en"


def _own(obj: object, language: Language, primary: Language) -> tuple[str, ...] | None:
    translated: tuple[str, ...] | None = getattr(obj, f"labels_{language}")
    if translated is not None:
        return translated
    return getattr(obj, "labels") if language == primary else None  # noqa: B009


def answer_labels(instrument: Instrument, item: Item, language: Language) -> tuple[str, ...]:
    """Labels of the item's answer levels in ``language``, falling back to the numbers.

    An item's own wording wins over the scale's; a missing translation falls back to the
    instrument's own language, and an unlabelled scale to the answer values themselves.
    """
    primary = instrument_language(instrument)
    for source in (item, instrument.scale):
        for lang in (language, primary):
            labels = _own(source, lang, primary)
            if labels is not None:
                return labels
    return tuple(str(v) for v in instrument.scale.values)


def question_text(instrument: Instrument, item: Item, language: Language) -> str:
    """The question as printed: the item's ``question`` (or ``text``), English if asked."""
    if language == "en" and instrument_language(instrument) == "id" and item.text_en:
        return item.text_en
    return item.question or item.text


def label_lookup(instrument: Instrument, item: Item) -> dict[str, int]:
    """Normalised label → answer value for one item, from every label set it has.

    The item's labels (all languages) come first; a scale label is added only where it
    does not contradict them (SKM's U9 says *Baik* for 3, as the scale does; U4 says
    *Murah*). The answer values themselves (``"4"``) always map.
    """
    scale = instrument.scale
    out: dict[str, int] = {}
    for source in (item, scale):
        for field in ("labels", "labels_en", "labels_id"):
            labels: tuple[str, ...] | None = getattr(source, field)
            for value, label in zip(scale.values, labels or (), strict=False):
                out.setdefault(norm(label), value)
    for value in scale.values:
        out[str(value)] = value
    return out
