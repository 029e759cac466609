"""``servqual screen``: data-quality screening of a survey file (or of the demo survey).

Examples
--------
.. code-block:: console

    $ servqual screen --demo
    $ servqual screen survey.csv --interviewer staff --mode mode --timestamp submitted
    $ servqual screen survey.csv --id-column form --format markdown --language id

A file whose answers fall outside the scale, or whose ids repeat, is screened as it is
(unvalidated) so that those problems are reported rather than refused.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

import numpy as np

from servqual.cli import _common as _cli
from servqual.errors import DataFormatError, RespondentError, ScaleError

__all__ = ["register", "run"]

FORMATS = ("text", "markdown", "html", "json")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``screen`` subcommand."""
    p = subparsers.add_parser(
        "screen",
        help="data-quality screening: straight-lining, duplicates, interviewer and mode effects",
        description=(
            "Flag straight-lined and duplicated forms, answers outside the scale, "
            "interviewers and collection modes whose respondents rate differently, "
            "speeders and bursts, and show whether the SKM grade depends on the flagged "
            "forms. Nothing is removed."
        ),
    )
    p.add_argument("file", nargs="?", metavar="FILE.csv", help="survey answers (UTF-8 CSV)")
    p.add_argument("--demo", action="store_true", help="use the synthetic screening demo survey")
    p.add_argument("--instrument", default="skm-2017", help="instrument (default: skm-2017)")
    p.add_argument("--id-column", metavar="COLUMN", help="column of respondent ids")
    p.add_argument("--interviewer", metavar="COLUMN", help="column of who collected each form")
    p.add_argument("--mode", metavar="COLUMN", help="column of how (counter, online, ...)")
    p.add_argument("--timestamp", metavar="COLUMN", help="column of submission times")
    p.add_argument("--min-seconds", type=_cli.number, help="speeder threshold (10 s per item)")
    p.add_argument("--burst-size", type=_cli.positive_int, default=5, help="forms in a burst (5)")
    p.add_argument(
        "--burst-seconds", type=_cli.number, default=600.0, help="burst window in seconds (600)"
    )
    p.add_argument("--encoding", default="utf-8", help="text encoding of FILE.csv (utf-8)")
    p.add_argument("--delimiter", choices=(",", ";", "tab"), help="column separator (detected)")
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("--level", type=_cli.level, default=0.95, help="confidence level (0.95)")
    p.add_argument("--language", choices=("en", "id"), default="en")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Screen the survey and print the screening."""
    from servqual.report.screening_section import render_screening
    from servqual.screening import demo_survey, screen

    if args.demo == (args.file is not None):
        print("servqual screen: give FILE.csv or --demo (one of them)", file=sys.stderr)
        return 2
    options = {
        "level": args.level,
        "burst_size": args.burst_size,
        "burst_seconds": args.burst_seconds,
        "min_seconds": args.min_seconds,
    }
    with _cli.option_errors():
        if args.demo:
            result = screen(
                demo_survey(), interviewer="staff", mode="mode", timestamp="submitted", **options
            )
        else:
            result = _screen_file(Path(args.file), args, options)
    text = render_screening(result, format=args.format, language=args.language)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _screen_file(path: Path, args: argparse.Namespace, options: dict[str, Any]) -> Any:
    from servqual import instruments
    from servqual.csv_io import read_csv
    from servqual.screening import screen

    instrument = instruments.get(args.instrument)
    delimiter = "\t" if args.delimiter == "tab" else args.delimiter
    columns = {"interviewer": args.interviewer, "mode": args.mode, "timestamp": args.timestamp}
    try:
        responses = read_csv(
            path, instrument, id_column=args.id_column, delimiter=delimiter, encoding=args.encoding
        )
    except (ScaleError, RespondentError):  # screen the file as it is, and report why
        answers, ids, extra = _read_raw(path, instrument.item_ids, args, delimiter)
        picked: dict[str, Any] = {
            k: None if v is None else _pick(extra, v) for k, v in columns.items()
        }
        return screen(answers, instrument=instrument, respondent_ids=ids, **picked, **options)
    return screen(responses, **columns, **options)


def _read_raw(
    path: Path, items: tuple[str, ...], args: argparse.Namespace, delimiter: str | None
) -> tuple[np.ndarray, np.ndarray | None, dict[str, list[str]]]:
    with path.open(encoding=args.encoding, newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        sep = delimiter or csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
        rows = list(csv.DictReader(handle, delimiter=sep))
    missing = [i for i in items if rows and i not in rows[0]]
    if not rows or missing:
        raise DataFormatError(f"{path}: no rows, or item column(s) {missing} missing")
    answers = np.full((len(rows), len(items)), np.nan)
    for j, item in enumerate(items):  # k columns; each parsed in one pass
        answers[:, j] = [_number(r[item], path, i, item) for i, r in enumerate(rows)]
    extra = {name: [r.get(name) or "" for r in rows] for name in rows[0]}
    ids = None if args.id_column is None else np.asarray(_pick(extra, args.id_column))
    return answers, ids, extra


def _number(text: str | None, path: Path, row: int, item: str) -> float:
    text = (text or "").strip()
    if not text:
        return float("nan")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise DataFormatError(
            f"{path}: answer to item {item!r} in row {row + 1} is {text!r}, not a number"
        ) from None


def _pick(extra: dict[str, list[str]], name: str) -> list[str]:
    if name not in extra:
        raise DataFormatError(f"no column {name!r}; columns: {sorted(extra)}")
    return extra[name]
