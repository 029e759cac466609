"""Cronbach's alpha on a large numeric array: servqual next to pingouin.

1,000,000 respondents x 20 items on 1-5 held as a float64 numpy array (the numeric fast
path: no object conversion), complete and with ~2% missing answers (pairwise deletion in
both libraries: pingouin's default ``nan_policy="pairwise"``, servqual's
``missing="pairwise"``). The floor is one covariance matrix of the same array
(``np.cov``), which every alpha needs. Minimum over several repeats.

    python benchmarks/bench_reliability.py

One run on a shared 2-core machine, OpenBLAS pinned to one thread
(``OPENBLAS_NUM_THREADS=1``; with several threads on an oversubscribed machine the small
matrix products of both libraries slow down erratically)::

    1,000,000 respondents x 20 items, float64; min of 3
    np.cov (floor, complete)                 417.9 ms
    sq.cronbach_alpha, complete               319.1 ms
    sq.cronbach_alpha, 2% missing, pairwise   691.4 ms
    pingouin.cronbach_alpha, complete         447.8 ms  ratio 1.4x
    pingouin.cronbach_alpha, 2% missing      3286.8 ms  ratio 4.8x
    alpha servqual 0.922706957972  pingouin 0.922706957972
"""

from __future__ import annotations

import platform
import time

import numpy as np

import servqual as sq


def _best(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = np.random.default_rng(2026)
    n, k = 1_000_000, 20
    latent = rng.normal(size=(n, 1))
    x = np.clip(np.round(3 + latent + rng.normal(scale=1.2, size=(n, k))), 1, 5)
    holes = x.copy()
    holes[rng.random((n, k)) < 0.02] = np.nan
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{n:,} respondents x {k} items, float64; min of 3")
    floor = _best(lambda: np.cov(x, rowvar=False))
    print(f"np.cov (floor, complete)              {floor * 1e3:8.1f} ms")
    ours = _best(lambda: sq.cronbach_alpha(x))
    print(f"sq.cronbach_alpha, complete            {ours * 1e3:8.1f} ms")
    ours_pw = _best(lambda: sq.cronbach_alpha(holes, missing="pairwise"))
    print(f"sq.cronbach_alpha, 2% missing, pairwise {ours_pw * 1e3:7.1f} ms")
    try:
        import pandas as pd
        import pingouin as pg
    except ImportError:
        print("pingouin not installed: pip install pingouin")
        return
    frame, frame_holes = pd.DataFrame(x), pd.DataFrame(holes)
    theirs = _best(lambda: pg.cronbach_alpha(frame))
    print(
        f"pingouin.cronbach_alpha, complete      {theirs * 1e3:8.1f} ms  ratio {theirs / ours:.1f}x"
    )
    theirs_pw = _best(lambda: pg.cronbach_alpha(frame_holes))
    print(
        f"pingouin.cronbach_alpha, 2% missing     {theirs_pw * 1e3:7.1f} ms  "
        f"ratio {theirs_pw / ours_pw:.1f}x"
    )
    a, b = sq.cronbach_alpha(holes, missing="pairwise").value, pg.cronbach_alpha(frame_holes)[0]
    print(f"alpha servqual {a:.12f}  pingouin {b:.12f}")


if __name__ == "__main__":
    main()
