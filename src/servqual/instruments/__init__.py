"""Built-in survey instruments, shipped as JSON package data and validated once at import.

Each constant is an :class:`~servqual.Instrument` read from ``instruments/data/<name>.json``;
:func:`get` finds one by name in any common spelling (``"skm-2017"``, ``"SKM_2017"``) and
:func:`available` lists them. Adding an instrument is a JSON file in ``data/`` plus one
``NAME = _load("name")`` line below (and its ``__all__`` entry).

Examples
--------
>>> import servqual as sq
>>> skm = sq.instruments.SKM_2017
>>> skm.item_ids
('U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9')
>>> skm.item("U4").text_en, skm.label("U4", 4), skm.metadata["grading"]
('Cost/fee', 'Gratis', 'skm-2017')
>>> sq.instruments.get("ikm-2004") is sq.instruments.IKM_2004
True
"""

from __future__ import annotations

import json
from importlib import resources

from servqual.errors import ParameterError, ServqualTypeError
from servqual.models.instrument import Instrument

__all__ = [
    "CES",
    "CSAT",
    "IKM_2004",
    "NPS",
    "PELAYANAN_PRIMA",
    "SERVQUAL_22",
    "SERVQUAL_22_E",
    "SKM_2017",
    "available",
    "get",
    "resolve",
]

_REGISTRY: dict[str, Instrument] = {}


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def _load(name: str) -> Instrument:
    """Read, validate and register ``data/<name>.json`` (once, at import)."""
    resource = resources.files(__name__).joinpath("data").joinpath(f"{name}.json")
    text = resource.read_text(encoding="utf-8")
    instrument = Instrument.model_validate(json.loads(text))
    _REGISTRY[_key(name)] = instrument
    _REGISTRY.setdefault(_key(instrument.id), instrument)
    return instrument


SKM_2017: Instrument = _load("skm_2017")
"""SKM of Permen PANRB 14/2017: elements U1–U9 on a 1–4 scale, equal weights 1/9."""

IKM_2004: Instrument = _load("ikm_2004")
"""IKM of Kepmenpan 25/2004: elements U1–U14 on a 1–4 scale, equal weights 1/14."""

SERVQUAL_22: Instrument = _load("servqual_22")
"""SERVQUAL perception form: 22 items in 5 dimensions on 1–7; the 9 negatively worded
items (responsiveness S1–S4, empathy E1–E5, as in the 1988 version) are ``reverse``."""

SERVQUAL_22_E: Instrument = _load("servqual_22_e")
"""SERVQUAL expectation form: the same item ids as :data:`SERVQUAL_22`, expectation wording."""

NPS: Instrument = _load("nps")
"""Net Promoter Score: one 0–10 likelihood-to-recommend item (``"recommend"``)."""

CSAT: Instrument = _load("csat")
"""Customer satisfaction: one 1–5 item (``"satisfaction"``), high = satisfied."""

CES: Instrument = _load("ces")
"""Customer Effort Score 2.0: one 1–7 agreement item (``"effort"``), high = easy."""

PELAYANAN_PRIMA: Instrument = _load("pelayanan_prima")
"""The ten public-service principles (P1–P10) on 1–4, Indonesian text with ``text_en``."""


def available() -> tuple[str, ...]:
    """Names accepted by :func:`get`, one per built-in instrument, sorted.

    Examples
    --------
    >>> import servqual as sq
    >>> "skm-2017" in sq.instruments.available()
    True
    """
    names = {id(inst): name for name, inst in reversed(list(_REGISTRY.items()))}
    return tuple(sorted(n.replace("_", "-") for n in names.values()))


def get(name: str) -> Instrument:
    """The built-in instrument called ``name``.

    Parameters
    ----------
    name : str
        Case-insensitive; ``-``, ``_`` and spaces are interchangeable (``"skm-2017"``,
        ``"SKM_2017"``, ``"skm 2017"``).

    Returns
    -------
    Instrument
        The module-level constant itself (validated once, at import).

    Raises
    ------
    servqual.errors.ParameterError
        If no built-in instrument has that name; the message lists the available ones.

    Examples
    --------
    >>> import servqual as sq
    >>> sq.instruments.get("SKM_2017").id
    'skm-2017'
    """
    if not isinstance(name, str):
        raise ParameterError(f"instrument name must be a string, got {name!r}")
    try:
        return _REGISTRY[_key(name)]
    except KeyError:
        raise ParameterError(
            f"unknown instrument {name!r}; available: {list(available())}"
        ) from None


def resolve(instrument: Instrument | str) -> Instrument:
    """An instrument given as itself or by a built-in name: the one resolver every API uses.

    Parameters
    ----------
    instrument : Instrument or str
        An :class:`~servqual.Instrument`, or a name accepted by :func:`get`.

    Returns
    -------
    Instrument

    Raises
    ------
    servqual.errors.ParameterError
        An unknown name (the message lists the available ones).
    servqual.errors.ServqualTypeError
        Neither an instrument nor a string.

    Examples
    --------
    >>> import servqual as sq
    >>> sq.instruments.resolve("skm-2017") is sq.instruments.resolve(sq.instruments.SKM_2017)
    True
    """
    if isinstance(instrument, Instrument):
        return instrument
    if isinstance(instrument, str):
        return get(instrument)
    raise ServqualTypeError(
        f"instrument must be an Instrument or the name of a built-in one, got "
        f"{type(instrument).__name__}"
    )
