r"""``servqual form``: an instrument as an XLSForm (ODK/KoboToolbox) or a paper questionnaire.

Examples
--------
.. code-block:: console

    $ servqual form skm-2017 --format xlsform -o skm.xlsx
    $ servqual form skm-2017 --format html --language en -o kuesioner.html
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from servqual.errors import ParameterError

__all__ = ["register", "run_form"]


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``form`` subcommand."""
    p = subparsers.add_parser(
        "form",
        help="write an instrument as an XLSForm or a printable paper questionnaire",
        description=(
            "Write a built-in instrument (skm-2017, ikm-2004, …) as an XLSForm workbook "
            "for ODK/KoboToolbox/SurveyCTO (needs the 'forms' extra), or as a printable "
            "A4 HTML questionnaire."
        ),
    )
    p.add_argument("instrument", help="a built-in instrument name, e.g. skm-2017")
    p.add_argument("--format", choices=("xlsform", "html"), default="xlsform")
    p.add_argument("--language", choices=("id", "en"), default="id", help="paper form only")
    p.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="add the SKM respondent-profile questions (default: for SKM/IKM)",
    )
    p.add_argument("-o", "--output", type=Path, help="output file (html: default stdout)")
    p.set_defaults(handler=run_form)


def run_form(args: argparse.Namespace) -> int:
    """Write the form; an XLSForm needs ``-o`` (a workbook is not text)."""
    from servqual.forms import to_html_form, to_xlsform
    from servqual.instruments import resolve

    instrument = resolve(args.instrument)
    if args.format == "xlsform":
        if args.output is None:
            raise ParameterError("--format xlsform writes a workbook: give -o FILE.xlsx")
        to_xlsform(instrument, args.output, profile=args.profile)
        return 0
    page = to_html_form(instrument, language=args.language, profile=args.profile)
    if args.output is None:
        sys.stdout.write(page)
    else:
        args.output.write_text(page, encoding="utf-8")
    return 0
