"""Pieces shared by the subcommands: option types, file checks and one-line errors.

An option type turns the text of an option into a value; a bad value raises
:class:`argparse.ArgumentTypeError`, which argparse reports as a usage error (exit code 2,
one line naming the option).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, TextIO

from servqual.errors import ParameterError, ServqualTypeError

__all__ = [
    "DELIMITERS",
    "CannotWrite",
    "OneLineParser",
    "delimiter_of",
    "encoding",
    "level",
    "non_negative_int",
    "not_an_input",
    "number",
    "option_errors",
    "positive_int",
    "write_text",
    "writing",
]

DELIMITERS = (",", ";", "tab")
"""The ``--delimiter`` choices; ``tab`` stands for the tab character."""


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: error: <message>`` and exit with code 2 (no usage block)."""
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())} (see --help)\n")


class CannotWrite(Exception):
    """An output file could not be written; the message names it and says why."""


def encoding(text: str) -> str:
    """A text encoding Python knows (``utf-8``, ``cp1252``, ``latin-1``, …)."""
    try:
        return codecs.lookup(text).name
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown encoding {text!r}; e.g. utf-8, cp1252, latin-1"
        ) from None


def delimiter_of(choice: str | None) -> str | None:
    """The separator character of a ``--delimiter`` choice (``None``: detect it)."""
    return "\t" if choice == "tab" else choice


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def not_an_input(output: str, option: str, inputs: dict[str, Path]) -> Path:
    """The output path, checked before any work: not an input file, in an existing folder.

    Raises
    ------
    servqual.errors.ParameterError
        ``output`` is one of ``inputs`` (it would be overwritten).
    CannotWrite
        Its directory does not exist.
    """
    path = Path(output)
    if not path.parent.is_dir():
        raise CannotWrite(f"cannot write {output}: the directory {path.parent} does not exist")
    for what, source in inputs.items():
        if _same_file(path, source) or path.resolve() == source.resolve():
            raise ParameterError(
                f"{option} {output} is the {what}; choose another file name, the "
                f"{what} would be overwritten"
            )
    return path


def write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, or raise :class:`CannotWrite` saying why."""
    with writing(path) as f:
        f.write(text)


@contextlib.contextmanager
def writing(path: Path) -> Iterator[TextIO]:
    """An output file opened for writing (UTF-8, no newline translation).

    Any ``OSError`` while opening or writing it becomes :class:`CannotWrite` naming it.
    """
    try:
        with path.open("w", encoding="utf-8", newline="") as f:
            yield f
    except OSError as exc:
        raise CannotWrite(f"cannot write {path}: {exc.strerror or exc}") from None


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
