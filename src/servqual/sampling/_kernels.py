"""Selection kernels: pure numpy, vectorized over frame units.

Every kernel consumes randomness only through ``Generator.random`` (uniform doubles in
[0, 1) from the 53 high bits of one 64-bit PCG64 output each), so a draw can be
re-implemented from its documented algorithm and seed alone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "brewer",
    "distinct_positions",
    "pps_probabilities",
    "pps_systematic",
    "smallest_keys",
    "systematic_positions",
]

IntArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]


def smallest_keys(keys: FloatArray, n: int) -> IntArray:
    """Positions (ascending) of the ``n`` smallest keys; ties at the cut go to lower positions.

    With i.i.d. uniform keys this is simple random sampling without replacement.
    """
    size = keys.shape[0]
    if n >= size:
        return np.arange(size, dtype=np.intp)
    cut = np.partition(keys, n - 1)[n - 1]
    below = np.flatnonzero(keys < cut)
    ties = np.flatnonzero(keys == cut)[: n - below.size]
    out = np.concatenate((below, ties))
    out.sort()
    return out


def distinct_positions(rng: np.random.Generator, size: int, n: int) -> IntArray:
    """``n`` distinct positions of ``0 … size-1``, uniformly, in memory ``O(n)`` (ascending).

    Draws ``Generator.integers(0, size)`` in rounds and keeps the first ``n`` distinct
    positions in draw order (rejection of repeats): a sequence of uniform draws without
    the repeats is a draw without replacement, so every ``n``-subset is equally likely.
    The frame is never materialised, so ``size`` may be 10**12 or more. For
    ``n > size/2`` the ``size - n`` units left out are drawn instead (then the sample,
    and so the frame, is at most twice ``n``).
    """
    if n > size // 2:  # more than half: draw the units left out (at most size/2 <= n)
        keep = np.ones(size, dtype=bool)
        keep[distinct_positions(rng, size, size - n)] = False
        return np.flatnonzero(keep)
    out = np.empty(0, dtype=np.int64)
    while out.size < n:
        need = n - out.size
        # draws whose expected number of distinct new positions exceeds `need` by a margin
        want = min(need + 4.0 * need**0.5 + 16.0, (size - out.size) * 0.999)
        m = int(np.log1p(-want / (size - out.size)) / np.log1p(-1.0 / size)) + 1
        cand = np.concatenate((out, rng.integers(0, size, size=m)))
        _, first = np.unique(cand, return_index=True)
        first.sort()  # first occurrences, in draw order (out's own come first)
        out = cand[first[:n]]
    out.sort()
    return out.astype(np.intp, copy=False)


def systematic_positions(u: float, size: int, n: int) -> IntArray:
    """``floor((u + j) · N / n)``, ``j = 0 … n-1``: exactly ``n`` units, each with ``π = n/N``."""
    j = np.arange(n, dtype=np.float64)
    pos = np.floor((u + j) * size / n).astype(np.intp)
    return np.minimum(pos, size - 1)


def pps_probabilities(sizes: FloatArray, n: int) -> tuple[FloatArray, int]:
    """Inclusion probabilities ``π_i = n x_i / Σx``, with certainty units set to 1.

    Units whose ``π`` reaches 1 are taken with certainty and the others' probabilities
    recomputed from the remaining ``n``, repeatedly. Returns ``π`` and the number of
    certainty units.
    """
    pi = np.zeros_like(sizes)
    certain = np.zeros(sizes.shape[0], dtype=bool)
    while True:
        left = n - int(certain.sum())
        rest = sizes[~certain]
        pi[~certain] = left * rest / rest.sum() if left > 0 else 0.0
        over = ~certain & (pi >= 1.0)
        if not over.any():
            break
        certain |= over
        pi[certain] = 1.0
    return pi, int(certain.sum())


def pps_systematic(pi: FloatArray, u: float) -> IntArray:
    """Systematic PPS (Madow 1949) in frame order.

    Unit ``i`` is taken when an integer ``m`` satisfies ``C_{i-1} < u + m ≤ C_i``, with
    ``C`` the cumulated ``π``.
    """
    cum = np.cumsum(pi)
    total = round(float(cum[-1]))
    cum[-1] = total  # remove float drift so exactly ``total`` units are taken
    k = np.floor(cum - u)
    prev = np.concatenate(([np.floor(-u)], k[:-1]))
    return np.flatnonzero(k > prev)


def brewer(pi: FloatArray, rng: np.random.Generator) -> IntArray:
    """Brewer's (1975) draw-by-draw method with exact inclusion probabilities ``pi``.

    ``n = Σπ`` draws; at draw ``i`` (1-based), unit ``k`` not yet taken is chosen with
    probability proportional to ``π_k (n - a - π_k) / (n - a - π_k (n - i + 1))`` where
    ``a`` is the sum of ``π`` over the units already taken (Tillé 2006, Algorithm 6.10;
    R ``sampling::UPbrewer``). One uniform per draw picks the unit by inverting the
    cumulated probabilities.
    """
    n = round(float(pi.sum()))
    taken = np.zeros(pi.shape[0], dtype=bool)
    a = 0.0
    for i in range(1, n + 1):  # loop over draws (the sample), vectorized over units
        num = pi * (n - a - pi)
        den = n - a - pi * (n - i + 1)
        p = np.where(taken | (pi <= 0), 0.0, num / np.where(den > 0, den, 1.0))
        cand = np.flatnonzero(p > 0)
        cum = np.cumsum(p[cand])
        j = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
        k = int(cand[min(j, cand.shape[0] - 1)])
        taken[k] = True
        a += float(pi[k])
    return np.flatnonzero(taken)
