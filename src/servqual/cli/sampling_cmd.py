r"""``servqual sample-size`` and ``servqual sample``: how many to ask, and whom.

Examples
--------
.. code-block:: console

    $ servqual sample-size --population 1200
    $ servqual sample applicants.csv -n 300 --strata service --seed 7 -o sample.csv
    $ servqual sample applicants.csv -n 300 --strata service --allocation neyman \\
          --sd-column last_score --seed 7 -o sample.csv --record draw.json
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from servqual import sample_size as ss
from servqual import sampling
from servqual._csv_cells import _sniff
from servqual._escape import csv_row
from servqual.cli import _common as _cli
from servqual.errors import DataFormatError, ParameterError

__all__ = ["register", "run_sample", "run_sample_size"]

_ADDED = ("inclusion_probability", "weight")


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``sample-size`` and ``sample`` subcommands."""
    p = subparsers.add_parser(
        "sample-size",
        help="sample size by Krejcie-Morgan, Slovin and Cochran, side by side",
        description="Print the sample size for a population by each common method.",
    )
    p.add_argument("--population", type=_cli.positive_int, required=True, metavar="N")
    p.add_argument(
        "--margin", type=_cli.number, default=0.05, help="margin of error (default 0.05)"
    )
    p.add_argument(
        "--level", type=_cli.number, default=0.95, help="confidence level (default 0.95)"
    )
    p.add_argument(
        "--p", type=_cli.number, default=0.5, help="anticipated proportion (default 0.5)"
    )
    p.add_argument(
        "--response-rate", type=_cli.number, default=1.0, help="expected response rate (default 1)"
    )
    p.set_defaults(handler=run_sample_size)

    q = subparsers.add_parser(
        "sample",
        help="draw a random sample of rows from a frame CSV",
        description=(
            "Select rows of FRAME.csv at random and write them with their inclusion "
            "probability and design weight."
        ),
    )
    q.add_argument("frame", metavar="FRAME.csv", help="the frame: one row per unit (CSV)")
    q.add_argument(
        "--encoding",
        type=_cli.encoding,
        default="utf-8",
        help="text encoding of FRAME.csv (default utf-8; cp1252, …)",
    )
    q.add_argument(
        "--delimiter",
        choices=_cli.DELIMITERS,
        help="column separator (default: detected); the sample is written with the same one",
    )
    q.add_argument("-n", type=_cli.positive_int, required=True, help="sample size")
    q.add_argument(
        "--seed", type=_cli.non_negative_int, required=True, help="random seed (record it!)"
    )
    q.add_argument("--strata", metavar="COLUMN", help="column of stratum labels")
    q.add_argument(
        "--allocation", choices=("proportional", "neyman", "equal"), default="proportional"
    )
    q.add_argument("--sd-column", metavar="COLUMN", help="numeric column for Neyman SDs")
    q.add_argument("--minimum", type=int, default=2, help="units per stratum at least (2)")
    q.add_argument("--method", choices=("simple", "systematic"), default="simple")
    q.add_argument("-o", "--output", metavar="FILE.csv", help="write here (default: stdout)")
    q.add_argument("--record", metavar="FILE.json", help="also write the draw as JSON")
    q.set_defaults(handler=run_sample)


def run_sample_size(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the sizes by each method for ``args.population``."""
    stream = out if out is not None else sys.stdout
    n_pop = args.population
    with _cli.option_errors():
        rows = [
            ("Krejcie-Morgan (formula)", ss.krejcie_morgan(n_pop), "d = 0.05, 95%, P = 0.5"),
            ("Krejcie-Morgan (table)", ss.krejcie_morgan(n_pop, table=True), "1970 table"),
            ("Slovin", ss.slovin(n_pop, args.margin), "N / (1 + N e^2)"),
            (
                "Cochran (proportion)",
                ss.for_proportion(
                    args.margin,
                    level=args.level,
                    p=args.p,
                    population=n_pop,
                    response_rate=args.response_rate,
                ),
                "n0 / (1 + (n0 - 1) / N)",
            ),
        ]
    print(
        f"Sample size for a population of {n_pop} "
        f"(margin {args.margin:g}, level {args.level:g}, p {args.p:g})",
        file=stream,
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'method':<{width}}  {'n':>6}  {'exact':>9}  note", file=stream)
    for name, result, note in rows:
        print(f"{name:<{width}}  {int(result):>6}  {result.exact:>9.2f}  {note}", file=stream)
    return 0


def _read_frame(
    path: str, encoding: str, delimiter: str | None
) -> tuple[list[str], list[list[str]], str]:
    """Header, rows and separator of the frame file."""
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # strips a byte-order mark when there is one
    try:
        with Path(path).open(encoding=encoding, newline="") as f:
            first = f.readline()
            sep = delimiter or _sniff(first)
            f.seek(0)
            reader = csv.reader(f, delimiter=sep)
            header = next(reader, None)
            if header is None:
                raise DataFormatError(f"{path} is empty")
            rows = [r for r in reader if r]
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"{path} is not valid {exc.encoding}: byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start}; give the file's encoding with --encoding (e.g. cp1252)"
        ) from None
    except csv.Error as exc:
        raise DataFormatError(f"{path}: {exc}") from None
    bad = next((i for i, r in enumerate(rows) if len(r) != len(header)), None)
    if bad is not None:
        raise DataFormatError(
            f"{path} row {bad + 2} has {len(rows[bad])} fields, the header has {len(header)}"
        )
    if not rows:
        raise DataFormatError(f"{path} has a header but no rows")
    return header, rows, sep


def _column(
    header: list[str], rows: list[list[str]], name: str, option: str
) -> np.ndarray[Any, Any]:
    if name not in header:
        raise DataFormatError(f"{option} column {name!r} is not in the frame; columns: {header}")
    j = header.index(name)
    return np.array([r[j] for r in rows], dtype=object)


def _stratum_sds(
    labels: np.ndarray[Any, Any], values: np.ndarray[Any, Any], name: str
) -> dict[str, float]:
    text = np.where(values == "", "nan", values).astype(str)
    try:
        y = text.astype(np.float64)
    except ValueError:
        raise DataFormatError(f"--sd-column {name!r} must be numeric") from None
    sds: dict[str, float] = {}
    for h in sorted(set(labels.tolist())):  # loop over strata
        v = y[(labels == h) & ~np.isnan(y)]
        if v.size < 2:
            raise DataFormatError(f"stratum {h!r} has {v.size} value(s) in {name!r}; need 2")
        sds[h] = float(np.std(v, ddof=1))
    return sds


def run_sample(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Draw the sample and write the selected rows with ``inclusion_probability``, ``weight``."""
    frame = Path(args.frame)
    output = _cli.not_an_input(args.output, "-o", {"frame": frame}) if args.output else None
    taken = {"frame": frame, **({"output file": output} if output else {})}
    record = _cli.not_an_input(args.record, "--record", taken) if args.record else None
    header, rows, sep = _read_frame(args.frame, args.encoding, _cli.delimiter_of(args.delimiter))
    clash = [c for c in _ADDED if c in header]
    if clash:
        raise DataFormatError(f"the frame already has a column {clash[0]!r}")
    n_rows = len(rows)
    with _cli.option_errors():
        if args.strata:
            labels = _column(header, rows, args.strata, "--strata")
            sd = None
            if args.allocation == "neyman":
                if not args.sd_column:
                    raise ParameterError("--allocation neyman needs --sd-column")
                sd = _stratum_sds(
                    labels, _column(header, rows, args.sd_column, "--sd-column"), args.sd_column
                )
            draw = sampling.stratified(
                n_rows,
                args.n,
                strata=labels.astype(str),
                allocation=args.allocation,
                sd=sd,
                minimum=args.minimum,
                seed=args.seed,
            )
        elif args.method == "systematic":
            draw = sampling.systematic(n_rows, args.n, seed=args.seed)
        else:
            draw = sampling.simple_random(n_rows, args.n, seed=args.seed)
    _write_rows(args, header, rows, draw, out, output, sep)
    if record is not None:
        _cli.write_text(record, draw.model_dump_json(indent=1))
    return 0


def _write_rows(
    args: argparse.Namespace,
    header: list[str],
    rows: Sequence[list[str]],
    draw: sampling.Sample,
    out: TextIO | None,
    output: Path | None,
    sep: str,
) -> None:
    """The selected rows, text cells neutralised against spreadsheet formulas."""
    pis = draw.inclusion_probabilities.tolist()
    ws = draw.weights.tolist()
    body = [
        [*csv_row(list(rows[i])), repr(p), repr(w)]
        for i, p, w in zip(draw.positions.tolist(), pis, ws, strict=True)
    ]
    table = [[*csv_row(list(header)), *_ADDED], *body]
    if output is not None:
        with _cli.writing(output) as f:
            csv.writer(f, delimiter=sep).writerows(table)
        stream = out if out is not None else sys.stdout
        print(
            f"selected {len(draw)} of {len(rows)} rows (seed {args.seed}) -> {args.output}",
            file=stream,
        )
    else:
        csv.writer(out if out is not None else sys.stdout, delimiter=sep).writerows(table)
