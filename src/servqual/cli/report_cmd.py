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
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from servqual.cli import _common as _cli
from servqual.errors import EstimationError, ParameterError, ValidationError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from servqual.models.instrument import Instrument
    from servqual.report.model import Report
    from servqual.responses import Responses

__all__ = ["register", "run"]

FORMATS = ("text", "markdown", "html", "json")


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
    p.add_argument("--instrument", default="skm-2017", help="instrument (default: skm-2017)")
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
        "--encoding", default="utf-8", help="text encoding of FILE.csv (default utf-8; cp1252, …)"
    )
    design.add_argument(
        "--delimiter", choices=(",", ";", "tab"), help="column separator (default: detected)"
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
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
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
    plot = _plot_path(args.plot) if args.plot else None
    try:
        report = _build(args, path, DEMO if args.demo else None)
    except (ValidationError, EstimationError) as exc:
        raise _in_file(exc, path) from None
    text = _render(report, args.format, args.language)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if plot is not None:
        _write_plots(report, plot, args.language)
    return 0


def _build(args: argparse.Namespace, path: Path, demo: dict[str, str | int] | None) -> Report:
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
            "delimiter": "\t" if args.delimiter == "tab" else args.delimiter,
        }
        by = args.by
    responses = _read(path, instrument, design, args.population)
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
    )


def _read(
    path: Path, instrument: Instrument, design: dict[str, Any], population: int | None
) -> Responses:
    from servqual.csv_io import read_csv
    from servqual.parquet_io import read_parquet

    reader: Callable[..., Responses] = read_csv
    if path.suffix.lower() == ".parquet":  # typed columns: no text encoding or separator
        design = {k: v for k, v in design.items() if k not in ("encoding", "delimiter")}
        reader = read_parquet
    if population is None:
        return reader(path, instrument, **design)
    if design["strata"] or design["fpc"] or design["clusters"]:
        raise ParameterError(
            "--population is for an unstratified, unclustered survey; otherwise give the "
            "population of each stratum (in people, or in clusters) as a column with --fpc"
        )
    responses = reader(path, instrument, **design)
    return _with_population(responses, population)


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


def _render(report: Report, fmt: str, language: Any) -> str:
    from servqual.report import render_html, render_json, render_markdown, render_text

    if fmt == "json":
        return render_json(report)
    renderer = {"text": render_text, "markdown": render_markdown, "html": render_html}[fmt]
    return renderer(report, language=language)


def _plot_path(text: str) -> Path:
    """The ``--plot`` file, checked before any work: matplotlib, format, directory."""
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
    return path


def _write_plots(report: Report, path: Path, language: Any) -> None:
    """The SKM plot to ``path``; the IPA plot to ``<stem>-ipa<suffix>`` when there is one."""
    from servqual.report.plots import plot_ipa, plot_skm

    figure = cast("Figure", plot_skm(report, language=language).figure)
    figure.savefig(path, dpi=200)
    if report.ipa is not None:
        figure = cast("Figure", plot_ipa(report.ipa, language=language).figure)
        figure.savefig(path.with_name(f"{path.stem}-ipa{path.suffix}"), dpi=200)


def _in_file(exc: ValidationError | EstimationError, path: Path) -> Exception:
    """The same error, prefixed with the file name unless it names it or is about an option."""
    message = str(exc)
    if isinstance(exc, ParameterError) or path.name in message:
        return exc
    return type(exc)(f"{path}: {message}")
