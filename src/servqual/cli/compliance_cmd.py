r"""``servqual compliance``: was the promised completion time and fee kept, per service.

Examples
--------
.. code-block:: console

    $ servqual compliance --demo
    $ servqual compliance records.csv --catalog standards.json --timezone Asia/Jakarta \\
          --holidays 2026-03-19,2026-03-20 --period-end 2026-06-30 --by unit
    $ servqual compliance records.csv --catalog standards.csv --format json -o out.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from servqual.cli import _common as _cli
from servqual.errors import ParameterError

__all__ = ["calendar_from_args", "register", "run"]

FORMATS = ("text", "markdown", "html", "json")


def _dates(text: str) -> tuple[dt.date, ...]:
    try:
        return tuple(dt.date.fromisoformat(t.strip()) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected ISO dates separated by commas (2026-03-19,2026-03-20), got {text!r}"
        ) from None


def _weekdays(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected weekday numbers 0 (Mon) … 6 (Sun) separated by commas, got {text!r}"
        ) from None


def add_calendar_options(p: argparse.ArgumentParser) -> None:
    """The options that make a :class:`~servqual.WorkCalendar` (shared with ``report``)."""
    g = p.add_argument_group("working calendar")
    g.add_argument(
        "--holidays",
        type=_dates,
        default=(),
        metavar="DATES",
        help="holidays as ISO dates separated by commas",
    )
    g.add_argument(
        "--holidays-file",
        metavar="FILE",
        help="a text file with one ISO date per line (# comments allowed)",
    )
    g.add_argument(
        "--weekend",
        type=_weekdays,
        default=(5, 6),
        metavar="DAYS",
        help="weekend weekday numbers, Monday = 0 (default 5,6)",
    )
    g.add_argument("--timezone", metavar="ZONE", help="the office's IANA time zone")
    g.add_argument(
        "--period-end", metavar="DATE", help="end of the period (default: latest timestamp)"
    )


def calendar_from_args(args: argparse.Namespace) -> Any:
    """The :class:`~servqual.WorkCalendar` the calendar options describe."""
    from servqual.standards.calendar import WorkCalendar

    holidays = list(args.holidays)
    if args.holidays_file:
        lines = Path(args.holidays_file).read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines, 1):
            text = line.split("#", 1)[0].strip()
            if text:
                try:
                    holidays.append(dt.date.fromisoformat(text))
                except ValueError:
                    raise ParameterError(
                        f"--holidays-file {args.holidays_file}, line {i}: {text!r} is not an "
                        "ISO date"
                    ) from None
    return WorkCalendar(holidays=tuple(holidays), weekend=args.weekend, timezone=args.timezone)


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``compliance`` subcommand."""
    p = subparsers.add_parser(
        "compliance",
        help="compliance with the service standards, from service records",
        description=(
            "Per service: share completed within the published time (with its interval), "
            "late and pending records, median and 90th-percentile time, share charged "
            "exactly the published fee, overcharges, and complaint resolution."
        ),
    )
    p.add_argument("file", nargs="?", metavar="RECORDS.csv", help="service records (CSV)")
    p.add_argument("--demo", action="store_true", help="use the bundled demo records")
    p.add_argument("--catalog", metavar="FILE", help="service standards (.json or .csv)")
    p.add_argument("--by", metavar="COLUMN", help="one row per service and value of COLUMN")
    p.add_argument(
        "--strata", metavar="COLUMN", help="stratum column, when the records are a sample"
    )
    p.add_argument("--fpc", metavar="COLUMN", help="records per stratum, when a sample")
    p.add_argument("--sampling-weights", metavar="COLUMN", help="weights, when a sample")
    p.add_argument(
        "--encoding", type=_cli.encoding, default="utf-8", help="text encoding (default utf-8)"
    )
    p.add_argument("--delimiter", choices=(",", ";", "tab"), default=",")
    add_calendar_options(p)
    out = p.add_argument_group("output")
    out.add_argument("--format", choices=FORMATS, default="text")
    out.add_argument("--level", type=_cli.level, default=0.95, help="confidence level (0.95)")
    out.add_argument("--language", choices=("en", "id"), default="en")
    out.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to FILE instead of stdout (never one of the input files)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Read the records and the catalog, and print the compliance table."""
    from servqual import data
    from servqual.report.compliance_section import compliance_section
    from servqual.standards.catalog_io import read_catalog
    from servqual.standards.records import ServiceRecords

    if args.demo == bool(args.file):
        raise ParameterError("give either RECORDS.csv or --demo (the bundled demo records)")
    if args.demo:
        catalog = read_catalog(args.catalog) if args.catalog else data.load_demo_catalog()
        path = data.demo_records_path()
        calendar = data.demo_calendar() if _default_calendar(args) else calendar_from_args(args)
    else:
        if not args.catalog:
            raise ParameterError("give the service standards with --catalog FILE (.json or .csv)")
        catalog = read_catalog(args.catalog)
        path = Path(args.file)
        calendar = calendar_from_args(args)
    output = _output(args, path)
    records = ServiceRecords.read_csv(
        path,
        catalog,
        encoding=args.encoding,
        delimiter="\t" if args.delimiter == "tab" else args.delimiter,
        weights=args.sampling_weights,
        strata=args.strata,
        fpc=args.fpc,
    )
    section = compliance_section(
        records,
        catalog,
        calendar=calendar,
        period_end=args.period_end,
        by=args.by,
        level=args.level,
    )
    text = _render(section, args.format, args.language)
    if output is not None:
        _cli.write_text(output, text)
    else:
        sys.stdout.write(text)
    return 0


def _output(args: argparse.Namespace, records: Path) -> Path | None:
    """The ``-o`` path, refused when it is one of the input files."""
    if not args.output:
        return None
    inputs = {"records file": records}
    if args.catalog:
        inputs["catalog file"] = Path(args.catalog)
    if args.holidays_file:
        inputs["holidays file"] = Path(args.holidays_file)
    return _cli.not_an_input(args.output, "-o", inputs)


def _default_calendar(args: argparse.Namespace) -> bool:
    return not (args.holidays or args.holidays_file or args.timezone or args.weekend != (5, 6))


def _render(section: Any, fmt: str, language: Any) -> str:
    from servqual.report import compliance_section as cs

    if fmt == "json":
        return str(section.model_dump_json(indent=2)) + "\n"
    lines = {
        "text": cs.compliance_text_lines,
        "markdown": cs.compliance_markdown_lines,
        "html": cs.compliance_html_lines,
    }[fmt](section, language=language)
    return "\n".join(lines) + "\n"
