"""``servqual report``: the SKM report of a survey file, or of the bundled demo survey.

Examples
--------
.. code-block:: console

    $ servqual report --demo
    $ servqual report survey.csv --instrument skm-2017 --population 1200 --format markdown
    $ servqual report survey.csv --strata service --fpc served --by service --language id
    $ servqual report --demo --plot skm.png     # also writes skm-ipa.png (needs matplotlib)
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from servqual.cli import _common as _cli
from servqual.errors import DataFormatError, EstimationError, ParameterError, ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from servqual.models.instrument import Instrument
    from servqual.report.model import Report
    from servqual.responses import Responses

__all__ = ["register", "run"]

FORMATS = ("text", "markdown", "html", "json")


def report_instruments() -> tuple[str, ...]:
    """Ids of the built-in instruments an SKM report takes (elements on a 1–4 scale)."""
    from servqual import instruments

    return tuple(
        i
        for i in instruments.available()
        if instruments.get(i).scale.min == 1 and instruments.get(i).scale.max == 4
    )


def _instrument(text: str) -> str:
    accepted = report_instruments()
    if text not in accepted:
        raise argparse.ArgumentTypeError(
            f"unknown instrument {text!r}; report takes one of: {', '.join(accepted)}"
        )
    return text


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``report`` subcommand."""
    p = subparsers.add_parser(
        "report",
        help="SKM report of a survey file (or of the bundled demo survey)",
        description=(
            "Print the SKM index with its confidence interval, grade and label, the "
            "per-element table, the three weakest elements, n and the method."
        ),
    )
    p.add_argument(
        "file", nargs="?", metavar="FILE", help="survey answers (UTF-8 CSV, or .parquet)"
    )
    p.add_argument("--demo", action="store_true", help="use the bundled demo survey")
    p.add_argument(
        "--instrument",
        type=_instrument,
        default="skm-2017",
        metavar="ID",
        help=f"instrument, one of: {', '.join(report_instruments())} (default: skm-2017)",
    )
    design = p.add_argument_group("survey design")
    design.add_argument(
        "--population",
        type=_cli.positive_int,
        metavar="N",
        help="people served in the period (finite-population correction, unstratified)",
    )
    design.add_argument("--strata", metavar="COLUMN", help="column of the stratum labels")
    design.add_argument("--fpc", metavar="COLUMN", help="column of the population per stratum")
    design.add_argument("--clusters", metavar="COLUMN", help="column of the cluster labels")
    design.add_argument(
        "--sampling-weights", metavar="COLUMN", help="column of the sampling weights"
    )
    design.add_argument("--id-column", metavar="COLUMN", help="column of respondent ids")
    design.add_argument(
        "--encoding",
        type=_cli.encoding,
        default="utf-8",
        help="text encoding of FILE.csv (default utf-8; cp1252, …)",
    )
    design.add_argument(
        "--delimiter", choices=_cli.DELIMITERS, help="column separator (default: detected)"
    )
    design.add_argument(
        "--thousands",
        choices=(".", ","),
        help=(
            "thousands separator in the --fpc and --sampling-weights columns (Indonesian "
            "spreadsheets write 4.210 for 4210); without it, 4.210 in --fpc is refused"
        ),
    )
    out = p.add_argument_group("report")
    out.add_argument("--by", metavar="COLUMN", help="one section per value of COLUMN")
    out.add_argument("--format", choices=FORMATS, default="text")
    out.add_argument("--level", type=_cli.level, default=0.95, help="confidence level (0.95)")
    out.add_argument(
        "--weights",
        choices=("exact", "regulation"),
        default="exact",
        help="element weights: exact 1/9, or the regulation's printed 0.111",
    )
    out.add_argument("--language", choices=("en", "id"), default="en")
    out.add_argument("--title", help="report title")
    out.add_argument("--unit", help="service unit")
    out.add_argument("--period", help="survey period")
    out.add_argument("--target", type=_cli.positive_int, metavar="N", help="planned respondents")
    out.add_argument(
        "--min-group-size",
        type=_cli.non_negative_int,
        default=5,
        metavar="N",
        help=(
            "withhold figures of groups and elements with fewer than N respondents, and "
            "those that would reveal them (default 5; 0 shows everything)"
        ),
    )
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    out.add_argument(
        "--records",
        metavar="FILE.csv",
        help="service records: adds compliance with the standards per service",
    )
    out.add_argument("--catalog", metavar="FILE", help="service standards for --records")
    out.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress display on stderr (shown only when stderr is a terminal)",
    )
    out.add_argument(
        "--plot",
        metavar="FILE.png",
        help=(
            "also draw the SKM plot to FILE.png (and the IPA plot to FILE-ipa.png when the "
            "data has importance answers); the format follows the extension (png, svg, "
            'pdf, ...); needs matplotlib: pip install "servqual[plot]"'
        ),
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build and print the report; errors name the file they come from."""
    from servqual.data import DEMO, demo_path

    if args.demo and args.file:
        raise ParameterError("give either FILE.csv or --demo, not both")
    if not args.demo and not args.file:
        raise ParameterError("give a survey file FILE.csv, or --demo for the bundled survey")
    path = demo_path() if args.demo else Path(args.file)
    inputs = {"input file": path}
    if args.records:
        inputs["records file"] = Path(args.records)
    if args.catalog:
        inputs["catalog file"] = Path(args.catalog)
    output = _cli.not_an_input(args.output, "-o", inputs) if args.output else None
    if output is not None:
        inputs["output file"] = output
    plot = _plot_path(args.plot, inputs) if args.plot else None
    compliance = _compliance_inputs(args, args.demo)  # its errors name its own files
    try:
        report = _build(args, path, DEMO if args.demo else None, compliance)
    except (ValidationError, EstimationError) as exc:
        raise _in_file(exc, path) from None
    except csv.Error as exc:  # e.g. a field over the csv module's size limit
        raise DataFormatError(f"{path}: {exc}") from None
    text = _render(report, args.format, args.language)
    if output is not None:
        _cli.write_text(output, text)
    else:
        sys.stdout.write(text)
    if plot is not None:
        _write_plots(report, plot, args.language)
    return 0


def _build(
    args: argparse.Namespace,
    path: Path,
    demo: dict[str, str | int] | None,
    compliance: dict[str, Any],
) -> Report:
    from servqual import instruments
    from servqual.report import skm_report

    if demo is not None:
        meta: dict[str, Any] = dict(demo)
        instrument = instruments.get(str(meta["instrument"]))
        design = {
            "strata": meta["strata"],
            "fpc": meta["fpc"],
            "clusters": None,
            "weights": None,
            "id_column": meta["id_column"],
        }
        by = args.by or str(meta["by"])
    else:
        meta = {}
        instrument = instruments.get(args.instrument)
        design = {
            "strata": args.strata,
            "fpc": args.fpc,
            "clusters": args.clusters,
            "weights": args.sampling_weights,
            "id_column": args.id_column,
            "encoding": args.encoding,
            "delimiter": _cli.delimiter_of(args.delimiter),
            "thousands": args.thousands,
        }
        by = args.by
    design["progress"] = not args.quiet and sys.stderr.isatty()
    responses = _read(path, instrument, design, args.population, by)
    return skm_report(
        responses,
        level=args.level,
        by=by,
        weights=args.weights,
        title=args.title or meta.get("title"),
        unit=args.unit or meta.get("unit"),
        period=args.period or meta.get("period"),
        target_n=args.target or meta.get("target_n"),
        population=args.population,
        min_group_size=args.min_group_size,
        **compliance,
    )


def _compliance_inputs(args: argparse.Namespace, demo: bool) -> dict[str, Any]:
    """Records, catalog and calendar for the compliance section (the demo's with --demo)."""
    from servqual import data
    from servqual.standards.catalog_io import read_catalog
    from servqual.standards.records import ServiceRecords

    if args.records is None and not demo:
        return {}
    if args.records is None:
        return {"records": data.load_demo_records(), "calendar": data.demo_calendar()}
    if not args.catalog:
        raise ParameterError("--records needs the service standards: --catalog FILE")
    catalog = read_catalog(args.catalog)
    return {"records": ServiceRecords.read_csv(args.records, catalog), "catalog": catalog}


def _attributes(
    path: Path, instrument: Instrument, design: dict[str, Any], by: str | None
) -> list[str]:
    """The columns the report uses besides items and design: ``by`` and importance answers.

    The others are not converted, which keeps a wide national file quick to read.
    """
    if _is_parquet(path):
        from servqual.parquet_io import parquet_columns

        header = parquet_columns(path)
    else:
        from servqual._csv_cells import read_header

        header, _, _ = read_header(
            str(path), design.get("encoding", "utf-8"), design.get("delimiter")
        )
    if by is not None:
        _check_by(by, instrument, header, design.get("id_column"))
    wanted = [f"imp_{i}" for i in instrument.item_ids]  # importance_responses' prefix
    found = [c for c in header if c in wanted and c != by]
    return found if by is None else [by, *found]


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() == ".parquet"


def _read(
    path: Path,
    instrument: Instrument,
    design: dict[str, Any],
    population: int | None,
    by: str | None,
) -> Responses:
    if population is not None and (design["strata"] or design["fpc"] or design["clusters"]):
        raise ParameterError(
            "--population is for an unstratified, unclustered survey; otherwise give the "
            "population of each stratum (in people, or in clusters) as a column with --fpc"
        )
    design["attributes"] = _attributes(path, instrument, design, by)
    reader: Callable[..., Responses]
    if _is_parquet(path):  # typed columns: no text encoding or separator
        from servqual.parquet_io import read_parquet

        if design.get("thousands") is not None:
            raise ParameterError(
                "--thousands is for numbers written as text in a CSV file; the columns of "
                "a Parquet file are already numbers"
            )
        text_only = ("encoding", "delimiter", "thousands")
        design = {k: v for k, v in design.items() if k not in text_only}
        reader = read_parquet
    else:
        from servqual.csv_io import read_csv

        reader = read_csv
    responses = reader(path, instrument, **design)
    return responses if population is None else _with_population(responses, population)


def _with_population(responses: Responses, population: int) -> Responses:
    """The same responses with every row's fpc set to ``population``."""
    if population < responses.n:
        raise ParameterError(
            f"--population {population} is smaller than the {responses.n} respondents"
        )
    old = responses.design
    return responses.with_design(
        weights=old.weights_column,
        clusters=old.clusters_column,
        fpc=np.full(responses.n, float(population)),
    )


def _check_by(by: str, instrument: Instrument, header: list[str], id_column: str | None) -> None:
    """``--by`` names a respondent attribute column; say why not, in the user's terms."""
    from servqual._build import RESERVED

    if by in instrument.item_ids:
        raise ParameterError(
            f"--by {by}: {by!r} is an answer to the instrument, not a respondent attribute; "
            "group by a column such as the service or the desk"
        )
    skip = {*instrument.item_ids, *RESERVED, id_column}
    columns = [c for c in header if c not in skip]
    if by not in columns:
        raise ParameterError(f"--by {by}: no column {by!r}; the respondent columns are {columns}")


def _render(report: Report, fmt: str, language: Any) -> str:
    from servqual.report import render_html, render_json, render_markdown, render_text

    if fmt == "json":
        return render_json(report)
    renderer = {"text": render_text, "markdown": render_markdown, "html": render_html}[fmt]
    return renderer(report, language=language)


def _plot_path(text: str, inputs: dict[str, Path]) -> Path:
    """The ``--plot`` file, checked before any work: matplotlib, format, directory, inputs."""
    from servqual.report.plots import require_matplotlib

    try:
        require_matplotlib()
    except ImportError as exc:
        raise ParameterError(f"--plot: {exc}") from None
    from matplotlib.backend_bases import FigureCanvasBase

    path = Path(text)
    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    if path.suffix.lower().lstrip(".") not in formats:
        raise ParameterError(
            f"--plot {text}: the extension must name an image format, one of {formats}"
        )
    if not path.parent.is_dir():
        raise ParameterError(f"--plot {text}: the directory {path.parent} does not exist")
    for candidate in (path, path.with_name(f"{path.stem}-ipa{path.suffix}")):
        _cli.not_an_input(str(candidate), "--plot", inputs)
    return path


def _write_plots(report: Report, path: Path, language: Any) -> None:
    """The SKM plot to ``path``; the IPA plot to ``<stem>-ipa<suffix>`` when there is one."""
    from servqual.report.plots import plot_ipa, plot_skm

    figure = cast("Figure", plot_skm(report, language=language).figure)
    _save(figure, path)
    if report.ipa is not None:
        figure = cast("Figure", plot_ipa(report.ipa, language=language).figure)
        _save(figure, path.with_name(f"{path.stem}-ipa{path.suffix}"))


def _save(figure: Figure, path: Path) -> None:
    try:
        figure.savefig(path, dpi=200)
    except OSError as exc:
        raise _cli.CannotWrite(f"cannot write {path}: {exc.strerror or exc}") from None


def _in_file(exc: ValidationError | EstimationError, path: Path) -> Exception:
    """The same error, prefixed with the file name unless it names it or is about an option."""
    message = str(exc)
    if isinstance(exc, ParameterError) or path.name in message:
        return exc
    return type(exc)(f"{path}: {message}")
