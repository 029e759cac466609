"""Argument checks shared by the sample-size formulas."""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from servqual.errors import ParameterError, ServqualError, ServqualTypeError

__all__ = [
    "MAX_POPULATION",
    "ceil_guarded",
    "check_deff_rate",
    "check_fraction",
    "check_population",
    "check_positive",
    "guard_extremes",
]

#: Values within this distance above an integer round down to it (float noise).
GUARD = 1e-9

#: Largest population the formulas accept: every integer up to 2**53 is exact in float64.
MAX_POPULATION = 2**53

P = ParamSpec("P")
R = TypeVar("R")


def guard_extremes(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn float overflow or a zero divisor from extreme arguments into a named error.

    The checks accept every finite argument in range; a margin of 1e-300 or a design
    effect of 1e300 is still in range but its arithmetic leaves float64. The error names
    the function and the arguments instead of a bare ``ZeroDivisionError``.
    """

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ServqualError:
            raise
        except (ZeroDivisionError, OverflowError, ValueError) as exc:  # ValueError: a solver
            shown = ", ".join(
                [*(f"{a!r:.40}" for a in args), *(f"{k}={v!r:.40}" for k, v in kwargs.items())]
            )
            raise ParameterError(
                f"{fn.__name__}({shown}): the arguments are too extreme for float64 "
                f"arithmetic ({exc}); the sample size would not be a finite number"
            ) from None

    return wrapper


def ceil_guarded(x: float) -> int:
    """Smallest integer ``>= x``, ignoring float noise below ``1e-9`` (``ceil(x - 1e-9)``).

    Raises
    ------
    servqual.errors.ParameterError
        If ``x`` is not finite (a margin so small that the size overflows).
    """
    if not math.isfinite(x):
        raise ParameterError(
            f"the sample size is {x!r}: the margin is too small (or the design effect too "
            "large) for a finite size"
        )
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
    if value > MAX_POPULATION:
        raise ParameterError(
            f"{name} must be at most 2**53 = {MAX_POPULATION:,} (the largest size exact in "
            f"float64), got {value!r:.40}…"
        )
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ServqualTypeError(f"{name} must be a number, got {value!r}")
    try:
        x = float(value)
    except OverflowError:
        raise ParameterError(f"{name} must be finite, got {value!r:.40}") from None
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
