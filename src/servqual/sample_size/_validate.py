"""Argument checks shared by the sample-size formulas."""

from __future__ import annotations

import math
import numbers
from typing import Any

from servqual.errors import ParameterError, ServqualTypeError

__all__ = [
    "ceil_guarded",
    "check_deff_rate",
    "check_fraction",
    "check_population",
    "check_positive",
]

#: Values within this distance above an integer round down to it (float noise).
GUARD = 1e-9


def ceil_guarded(x: float) -> int:
    """Smallest integer ``>= x``, ignoring float noise below ``1e-9`` (``ceil(x - 1e-9)``)."""
    return max(1, math.ceil(x - GUARD))


def check_population(population: Any, name: str = "population") -> int:
    """An integer population size ``>= 1``."""
    if isinstance(population, bool) or not isinstance(population, numbers.Integral):
        if isinstance(population, float) and population.is_integer():
            population = int(population)
        else:
            raise ServqualTypeError(f"{name} must be a whole number, got {population!r}")
    value = int(population)
    if value < 1:
        raise ParameterError(f"{name} must be at least 1, got {value}")
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ServqualTypeError(f"{name} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ParameterError(f"{name} must be finite, got {value!r}")
    return x


def check_fraction(value: Any, name: str, *, closed_high: bool = False) -> float:
    """A number in (0, 1), or (0, 1] with ``closed_high``."""
    x = _number(value, name)
    ok = 0.0 < x <= 1.0 if closed_high else 0.0 < x < 1.0
    if not ok:
        interval = "(0, 1]" if closed_high else "(0, 1)"
        raise ParameterError(f"{name} must be in {interval}, got {value!r}")
    return x


def check_positive(value: Any, name: str, *, minimum: float = 0.0) -> float:
    """A finite number ``> minimum`` (``>= 1`` style checks pass ``minimum`` just below)."""
    x = _number(value, name)
    if not x > minimum:
        raise ParameterError(f"{name} must be greater than {minimum:g}, got {value!r}")
    return x


def check_deff_rate(deff: Any, response_rate: Any) -> tuple[float, float]:
    """Design effect ``> 0`` and response rate in (0, 1]."""
    return check_positive(deff, "deff"), check_fraction(
        response_rate, "response_rate", closed_high=True
    )
