"""servqual next to the true floor and its peers, in one run, on the same data.

Run: ``python benchmarks/run.py`` (full sizes, several minutes) or ``--quick`` (small
sizes, under a minute); ``--only skm,csv`` picks rows; ``--write`` puts the table into
benchmarks/README.md between its result markers. Peers come from the ``bench`` extra
(``pip install "servqual[bench]"``); a peer that is not installed shows as failed.

Every implementation runs in a fresh process that builds the row's data from a fixed seed
(so all see the same numbers), calls it once untimed (imports; a peer builds its frame
from the arrays), then times the best of ``--repeats`` calls. Peak memory is
the growth of the process's resident set during the calls (Linux ``VmHWM``, reset after
the data is built), so it counts what numpy, Arrow and Rust allocate alike. servqual's
processes run under an address-space limit (``--limit-gib``): a call that would need more
fails with MemoryError and the table says so instead of swapping the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import CSV, SKM, Case, by_case, design_case, write_csv  # noqa: E402
from cases_stats import ALPHA, BOOT, SAMPLE  # noqa: E402

FULL = {
    "skm_rows": 1_000_000,
    "by_rows": 1_000_000,
    "design_rows": 10_000_000,
    "csv_rows": 2_000_000,
    "boot_rows": 1_000_000,
    "resamples": 2000,
    "scipy_resamples": 50,
    "alpha_rows": 1_000_000,
    "frame_rows": 10_000_000,
}
QUICK = {
    "skm_rows": 200_000,
    "by_rows": 100_000,
    "design_rows": 500_000,
    "csv_rows": 50_000,
    "boot_rows": 100_000,
    "resamples": 500,
    "scipy_resamples": 50,
    "alpha_rows": 100_000,
    "frame_rows": 500_000,
}
CASES: list[Case] = [
    SKM,
    by_case(100),
    by_case(20_000),
    by_case(100_000),
    design_case(False),
    design_case(True),
    CSV,
    BOOT,
    ALPHA,
    SAMPLE,
]
START, END = "<!-- results:start -->", "<!-- results:end -->"


def _status(field: str) -> int:
    """A ``kB`` field of /proc/self/status, in bytes (0 where there is no /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def child(key: str, impl: str, params: dict[str, Any], repeats: int, limit_gib: float) -> None:
    """Time one implementation of one case; print a JSON line with the figures."""
    case = next(c for c in CASES if c.key == key)
    data = case.setup(params)
    if impl.startswith("servqual"):
        cap = int(limit_gib * 2**30) + _status("VmSize")
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    fn = case.impls[impl]
    fn(data)  # warm-up, untimed: imports, and the peers' frames built from the data
    base = _status("VmRSS")
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident set
    best, value = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        value = fn(data)
        best = min(best, time.perf_counter() - start)
    if "scipy_resamples" in impl:
        best *= params["resamples"] / params["scipy_resamples"]
    peak = max(0, _status("VmHWM") - base) / 2**20
    print(json.dumps({"seconds": best, "peak_mib": peak, "value": _show(value)}))


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _run(key: str, impl: str, params: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", key, impl,
           "--params", json.dumps(params), "--repeats", str(args.repeats),
           "--limit-gib", str(args.limit_gib)]  # fmt: skip
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {args.timeout:g} s"}
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": last[:90]}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def table(results: list[tuple[Case, dict[str, Any], dict[str, dict[str, Any]]]]) -> str:
    """The results as a Markdown table, one block of rows per case."""
    lines = [
        "| case | implementation | seconds | × floor | peak MiB | figure |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for case, params, rows in results:
        floor = rows.get(case.floor, {}).get("seconds")
        title = case.title.format(**params)
        for impl, r in rows.items():
            if "error" in r:
                lines.append(f"| {title} | {impl} | failed | | | {r['error']} |")
            else:
                ratio = f"{r['seconds'] / floor:.2f}" if floor else ""
                lines.append(
                    f"| {title} | {impl} | {r['seconds']:.3f} | {ratio} | "
                    f"{r['peak_mib']:.0f} | {r['value']} |"
                )
            title = ""
    return "\n".join(lines)


def _header(args: argparse.Namespace) -> str:
    import numpy as np

    mode = "--quick" if args.quick else "full sizes"
    return (
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores; {mode}, best of {args.repeats}; "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}"
    )


def write_readme(text: str) -> None:
    """Replace the text between the result markers of benchmarks/README.md."""
    readme = HERE / "README.md"
    old = readme.read_text(encoding="utf-8")
    head, rest = old.split(START, 1)
    _, tail = rest.split(END, 1)
    readme.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    keys = ", ".join(c.key for c in CASES)
    parser.add_argument("--only", help=f"comma-separated case keys: {keys}")
    parser.add_argument("--repeats", type=int, help="timed calls (default 2; --quick 1)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per process")
    parser.add_argument("--limit-gib", type=float, default=6.0, help="memory cap for servqual")
    parser.add_argument("--write", action="store_true", help="write the table into README.md")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=N",
                        help="override a size, e.g. --set by_rows=10000000")  # fmt: skip
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, json.loads(args.params), args.repeats, args.limit_gib)
        return
    if args.repeats is None:
        args.repeats = 1 if args.quick else 2
    params: dict[str, Any] = dict(QUICK if args.quick else FULL)
    for item in args.set:
        name, value = item.split("=", 1)
        params[name] = int(value)
    keys = None if args.only is None else set(args.only.split(","))
    cases = [c for c in CASES if keys is None or c.key in keys]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        if any(c.key == "csv" for c in cases):
            params["csv_path"] = os.path.join(folder, "national.csv")
            write_csv(params["csv_path"], params["csv_rows"])
        for case in cases:
            rows = {}
            for impl in case.impls:
                rows[impl] = _run(case.key, impl, params, args)
                print(f"{case.key:18} {impl[:58]:58} {rows[impl]}", file=sys.stderr)
            results.append((case, params, rows))
    text = _header(args) + "\n\n" + table(results)
    print(text)
    if args.write:
        write_readme(text)


if __name__ == "__main__":
    main()
