"""Exceptions and warnings raised by servqual.

Every error names what is wrong, where (field, row, item or column) and the offending
value. Each class subclasses the matching builtin, so ``except ValueError`` keeps working.

Exception tree::

    ServqualError
    ├── ValidationError (ValueError)        bad input that a user can fix
    │   ├── ModelValidationError            a model (Instrument, Scale, Response, …) refused
    │   │                                   its fields; also a pydantic.ValidationError
    │   ├── ScaleError                      an answer outside the instrument's scale
    │   ├── ItemError                       unknown, duplicate or unanswered item
    │   ├── RespondentError                 duplicate respondent id, empty data
    │   ├── DesignError                     weights, strata, clusters or fpc unusable
    │   ├── DataFormatError                 CSV / frame layout: missing column, ragged row
    │   │   └── ExportMappingError          an export's question header or answer label
    │   │                                   that maps to no item or answer of the instrument
    │   ├── RecordError                     service records breaking a rule: unknown service,
    │   │                                   completed before received, duplicate record id
    │   └── ParameterError                  an argument outside its allowed set or range
    ├── EstimationError (ValueError)        the data cannot support the requested figure
    │   ├── InsufficientDataError           n too small for an interval, empty domain
    │   │   └── ZeroVarianceError           an item answered identically by everyone
    │   └── ConvergenceError                an iterative method did not converge
    ├── ServqualTypeError (TypeError)       an argument of the wrong type
    └── MissingDependencyError (ImportError) an optional extra is needed (names it)

    ServqualWarning (UserWarning)
    └── DegenerateDataWarning (RuntimeWarning)   legal but degenerate data; says what was done
"""

from __future__ import annotations

import pydantic

__all__ = [
    "ConvergenceError",
    "DataFormatError",
    "DegenerateDataWarning",
    "DesignError",
    "EstimationError",
    "ExportMappingError",
    "InsufficientDataError",
    "ItemError",
    "MissingDependencyError",
    "ModelValidationError",
    "ParameterError",
    "RecordError",
    "RespondentError",
    "ScaleError",
    "ServqualError",
    "ServqualTypeError",
    "ServqualWarning",
    "ValidationError",
    "ZeroVarianceError",
]


class ServqualError(Exception):
    """Base class of every exception raised by servqual."""


class ValidationError(ServqualError, ValueError):
    """Input that violates a documented rule; the message names field, place and value."""


class ModelValidationError(pydantic.ValidationError, ValidationError):
    """A servqual model refused its fields (a duplicate item id, a weight of -1, …).

    It is pydantic's own ``ValidationError`` (with ``.errors()``, one entry per field),
    so app code that catches pydantic errors keeps working, and also a servqual
    :class:`ValidationError`, so ``except servqual.errors.ValidationError`` catches every
    bad input. Raised when a model is constructed directly (``sq.Instrument(...)``);
    ``model_validate``/``model_validate_json`` raise pydantic's plain error.
    """


class ScaleError(ValidationError):
    """An answer outside the instrument's scale, or not an integer."""


class ItemError(ValidationError):
    """An unknown, duplicate or never-answered item id."""


class RespondentError(ValidationError):
    """A duplicate respondent id, or no respondents at all."""


class DesignError(ValidationError):
    """Unusable design columns: negative or missing weights, inconsistent fpc, lonely PSU."""


class DataFormatError(ValidationError):
    """A file or frame whose layout is wrong: missing column, ragged row, bad encoding."""


class ExportMappingError(DataFormatError):
    """A form export whose headers or answer labels do not map onto the instrument.

    The message lists every distinct unmapped value and where it occurs (the item, its
    column and the spreadsheet rows); ``unmapped`` holds the same facts as data:
    ``{item id or "columns": {value: [row, …]}}``.
    """

    def __init__(self, message: str, unmapped: dict[str, dict[str, list[int]]] | None = None):
        super().__init__(message)
        self.unmapped: dict[str, dict[str, list[int]]] = unmapped or {}


class RecordError(ValidationError):
    """Service records that break a rule; the message lists the offending record ids."""


class ParameterError(ValidationError):
    """An argument outside its allowed set or range (a level of 1.5, an unknown method)."""


class EstimationError(ServqualError, ValueError):
    """The data cannot support the requested estimate."""


class InsufficientDataError(EstimationError):
    """Too few observations for the requested figure (n = 1 for an interval, empty domain)."""


class ZeroVarianceError(InsufficientDataError):
    """An item without variance (every respondent gave the same answer).

    Reliability figures (alpha, item–total correlations, omega) all divide by item
    variances, so every reliability function raises this, naming the item and its value.
    """


class ConvergenceError(EstimationError):
    """An iterative method (raking, a score interval) did not converge."""


class ServqualTypeError(ServqualError, TypeError):
    """An argument of the wrong type."""


class MissingDependencyError(ServqualError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class ServqualWarning(UserWarning):
    """Base class of servqual's warnings."""


class DegenerateDataWarning(ServqualWarning, RuntimeWarning):
    """Legal but degenerate data (no variance, a single PSU in a stratum); says what was done."""
