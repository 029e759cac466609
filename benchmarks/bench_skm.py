"""Time ``skm_index`` on 1,000,000 respondents × 9 elements against a numpy floor.

The floor is the plainest possible per-column mean of the same int8 answer codes,
``codes.mean(axis=0)``: no missing-answer handling, no weights, no variance. ``skm_index``
does all of those (per-element denominators, survey weights, the linearized variance and
the t interval), so the ratio says what the honest version costs.

Run: ``python benchmarks/bench_skm.py [--n N] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import servqual as sq


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Minimum wall time of ``repeats`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def make_survey(
    n: int, seed: int = 2017, *, text: type = str
) -> tuple[np.ndarray[Any, Any], sq.Responses]:
    """Random SKM answers (1–4) with about 2 % missing, as int8 codes in a Responses.

    ``text=object`` holds the ``service`` labels as Python strings in an object array,
    as pandas and polars hand a text column over.
    """
    rng = np.random.default_rng(seed)
    codes = rng.choice(4, size=(n, 9), p=[0.05, 0.15, 0.55, 0.25]).astype(np.int8)
    codes[rng.random((n, 9)) < 0.02] = -1
    service = rng.choice(np.array(["KTP", "KK", "Akta"]), size=n).astype(text)
    design = sq.Design({"service": service})
    return codes, sq.Responses(sq.instruments.SKM_2017, design, codes)


def chunked(codes: np.ndarray[Any, Any], n_chunks: int) -> tuple[float, float, sq.SKMResult]:
    """Seconds for ``from_frame`` + ``skm_index`` in memory, and for ``SKMAccumulator``.

    Both start from the same columns of answers (float, NaN for a blank, as a CSV reader
    hands them over); the accumulator reads them in ``n_chunks`` slices.
    """
    answers = np.where(codes < 0, np.nan, codes + 1.0)
    frame = {f"U{j + 1}": answers[:, j] for j in range(codes.shape[1])}
    skm = sq.instruments.SKM_2017
    start = time.perf_counter()
    sq.skm_index(sq.Responses.from_frame(frame, skm))
    memory = time.perf_counter() - start
    start = time.perf_counter()
    acc = sq.SKMAccumulator(skm)
    step = -(-codes.shape[0] // n_chunks)
    for lo in range(0, codes.shape[0], step):
        acc.update({k: v[lo : lo + step] for k, v in frame.items()})
    res = acc.result()
    return memory, time.perf_counter() - start, res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    codes, responses = make_survey(args.n)
    res = sq.skm_index(responses)  # warm-up, and the figure itself
    floor = best_of(lambda: codes.mean(axis=0), args.repeats)
    skm = best_of(lambda: sq.skm_index(responses), args.repeats)
    by = best_of(lambda: sq.skm_index(responses, by="service"), max(1, args.repeats // 2))
    _, objects = make_survey(args.n, text=object)
    by_obj = best_of(lambda: sq.skm_index(objects, by="service"), max(1, args.repeats // 2))
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{args.n:,} respondents x 9 elements, int8 codes, ~2% missing; min of {args.repeats}")
    print(f"index {res.index.value:.4f}  se {res.index.se:.5f}  grade {res.grade}")
    print(f"numpy codes.mean(axis=0) (floor) {floor * 1e3:8.1f} ms")
    print(f"skm_index                        {skm * 1e3:8.1f} ms   ratio {skm / floor:5.2f}x")
    print(f"skm_index(by='service'), 3 groups {by * 1e3:7.1f} ms   ratio {by / floor:5.2f}x")
    print(f"  the same, object-array labels  {by_obj * 1e3:8.1f} ms   ratio {by_obj / floor:5.2f}x")
    memory, streamed, res_chunks = min(
        (chunked(codes, 10) for _ in range(max(1, args.repeats // 2))), key=lambda t: t[1]
    )
    print(f"from columns: from_frame + skm_index {memory * 1e3:6.1f} ms")
    print(
        f"from columns: SKMAccumulator, 10 chunks {streamed * 1e3:5.1f} ms   "
        f"index {res_chunks.index.value:.4f}  se {res_chunks.index.se:.5f}"
    )


if __name__ == "__main__":
    main()
