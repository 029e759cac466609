"""Pieces shared by the subcommands: option types and the mapping of argument errors.

An option type turns the text of an option into a value; a bad value raises
:class:`argparse.ArgumentTypeError`, which argparse reports as a usage error (exit code 2)
naming the option.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator

from servqual.errors import ParameterError, ServqualTypeError

__all__ = ["level", "non_negative_int", "number", "option_errors", "positive_int"]


@contextlib.contextmanager
def option_errors() -> Iterator[None]:
    """Report an argument of the wrong type as a bad option value (exit code 2)."""
    try:
        yield
    except ServqualTypeError as exc:
        raise ParameterError(str(exc)) from None


def _integer(text: str, minimum: int, expected: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An integer of at least 1 (a sample size, a population)."""
    return _integer(text, 1, "a positive integer")


def non_negative_int(text: str) -> int:
    """An integer of at least 0 (a random seed)."""
    return _integer(text, 0, "a non-negative integer")


def number(text: str) -> float:
    """Any number."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def level(text: str) -> float:
    """A number strictly between 0 and 1 (a confidence level)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), got {text!r}")
    return value
