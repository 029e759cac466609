"""The whole-sample SKM index next to its floor, interleaved in one process.

The same data as the suite's SKM row (1,000,000 respondents x 9 elements, codes 0-3 with
2 % missing as -1, a simple random sample without weights) plus the usual designs of an
SKM round. Each round of the loop times the floor (integer column sums of the
column-major codes) and every servqual call once, so a burst of load on a shared
machine hits them alike; the minimum over the rounds is reported, with the ratio to the
floor of the same process. "first call" drops the ``Responses.columns`` copy before the
call (what a fresh ``Responses`` pays once).

    python benchmarks/bench_skm.py [rounds]
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import servqual as sq


def _data(n: int) -> tuple[np.ndarray[Any, Any], dict[str, sq.Responses]]:
    rng = np.random.default_rng(2017)
    codes = rng.integers(0, 4, size=(n, 9)).astype(np.int8)
    codes[rng.random((n, 9)) < 0.02] = -1
    w = rng.uniform(0.5, 3.0, n)
    strata = rng.integers(0, 50, n)
    designs = {
        "SRS, no weights": sq.Design({"row": np.arange(n)}),
        "SRS, fpc": sq.Design({"f": np.full(n, 5.0 * n)}, fpc="f"),
        "weights": sq.Design({"w": w}, weights="w"),
        "50 strata, weights": sq.Design({"w": w, "s": strata}, weights="w", strata="s"),
    }
    skm = sq.instruments.SKM_2017
    return np.ascontiguousarray(codes.T), {
        k: sq.Responses(skm, d, codes) for k, d in designs.items()
    }


def _first_call(r: sq.Responses) -> None:
    r.__dict__.pop("columns", None)
    sq.skm_index(r)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    n = 1_000_000
    columns, responses = _data(n)
    srs = responses["SRS, no weights"]
    calls: dict[str, Callable[[], Any]] = {
        "floor: column sums of the codes": lambda: columns.sum(axis=1, dtype=np.int64),
        "skm_index, first call": lambda: _first_call(srs),
    }
    for name, r in responses.items():
        calls[f"skm_index, {name}"] = lambda r=r: sq.skm_index(r)  # type: ignore[misc]
    for call in calls.values():
        call()  # warm-up: imports, the column-major copies
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            best[name] = min(best[name], time.perf_counter() - start)
    floor = best["floor: column sums of the codes"]
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{n:,} x 9 int8 answers; min of {rounds} interleaved rounds")
    for name, seconds in best.items():
        print(f"{name:38s} {seconds * 1e3:7.2f} ms  {seconds / floor:5.2f}x")


if __name__ == "__main__":
    main()
