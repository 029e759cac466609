"""The ``servqual`` command line (also ``python -m servqual``).

Each subcommand lives in its own module exposing ``register(subparsers)``, which adds
its parser and sets ``handler`` (a function ``args -> int``) with ``set_defaults``.
:func:`main` parses, dispatches and turns servqual's input errors into exit code 2 with
a one-line message on stderr (no traceback).

Exit codes: 0 success; 2 bad input or usage (a file that cannot be read or written, an
answer outside the scale, an unknown option). Every failure is one line on stderr, never
a traceback.

Examples
--------
>>> from servqual.cli import main
>>> main(["--version"])  # doctest: +ELLIPSIS
servqual ...
0
"""

from __future__ import annotations

import argparse
import csv
import sys
import warnings
from collections.abc import Sequence

from servqual.cli._common import CannotWrite, OneLineParser
from servqual.errors import ServqualError, ServqualWarning

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``servqual`` argument parser with every subcommand registered."""
    from servqual import __version__
    from servqual.cli import (
        compliance_cmd,
        form_cmd,
        report_cmd,
        sampling_cmd,
        schema_cmd,
        screen_cmd,
    )

    parser: argparse.ArgumentParser = OneLineParser(
        prog="servqual",
        description="Service-quality indices with honest confidence intervals.",
    )
    parser.add_argument("--version", action="version", version=f"servqual {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    report_cmd.register(subparsers)
    sampling_cmd.register(subparsers)
    form_cmd.register(subparsers)
    schema_cmd.register(subparsers)
    compliance_cmd.register(subparsers)
    screen_cmd.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``servqual`` command.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success, 2 on bad input or usage.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors end here
        return exc.code if isinstance(exc.code, int) else 2
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ServqualWarning)
            code = handler(args)
    except (ServqualError, OSError, CannotWrite, csv.Error, UnicodeError) as exc:
        print(f"servqual: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a defect: still one line, and says so
        name = type(exc).__name__
        print(
            f"servqual: error: unexpected {name}: {one_line(exc)} (a bug in servqual; "
            "please report it with the command you ran)",
            file=sys.stderr,
        )
        return 2
    for warning in caught:  # degenerate data: what was done, one line each, after the output
        if issubclass(warning.category, ServqualWarning):
            print(f"servqual: note: {one_line(warning.message)}", file=sys.stderr)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return int(code)


def one_line(exc: BaseException | Warning | str) -> str:
    """An exception's message on one line (an ``OSError`` with its file name)."""
    if isinstance(exc, OSError) and exc.filename is not None:
        text = f"cannot read {exc.filename}: {exc.strerror or exc}"
    else:
        text = str(exc)
    return " ".join(text.split())
