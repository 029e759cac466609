"""Design mean next to its numpy ``bincount`` floor, interleaved in one process.

``benchmarks/run.py --only design,design_clustered`` runs each implementation in a
process of its own, one after the other; on a shared machine the load can change between
them. This script times servqual's ``sq.Design(data, strata=..., weights=...[,
clusters=...]).mean("y")`` (construction included) and the floor of ``cases.py`` on the
same arrays in one process, alternating the two calls, and reports the best of each and
their ratio: the ratio the issue's target ("within 2× of the floor") is about.

Run: ``python benchmarks/bench_design.py [--rows N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import _design_floor, _design_servqual, _design_setup


def interleaved(data: dict[str, Any], rounds: int) -> tuple[float, float]:
    """Best seconds of the floor and of servqual, called alternately ``rounds`` times."""
    _design_floor(data), _design_servqual(data)  # imports and first-touch costs
    best_floor = best_servqual = float("inf")
    for _ in range(rounds):  # rounds of two calls, not rows
        start = time.perf_counter()
        floor = _design_floor(data)
        best_floor = min(best_floor, time.perf_counter() - start)
        start = time.perf_counter()
        ours = _design_servqual(data)
        best_servqual = min(best_servqual, time.perf_counter() - start)
    if abs(floor[0] - ours[0]) > 1e-9 * abs(floor[0]) or abs(floor[1] - ours[1]) > 1e-9 * floor[1]:
        raise SystemExit(f"servqual {ours} differs from the floor {floor}")
    return best_floor, best_servqual


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    for clustered in (False, True):
        data = _design_setup({"design_rows": args.rows, "clustered": clustered})
        floor, ours = interleaved(data, args.rounds)
        kind = "stratified + 5,000 clusters" if clustered else "stratified"
        print(f"{kind:28s} floor {floor:.3f} s  servqual {ours:.3f} s  ratio {ours / floor:.2f}")


if __name__ == "__main__":
    main()
