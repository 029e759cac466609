r"""Resampled column totals, drawn through the distinct rows instead of the rows.

The bootstrap of a function of column totals needs, for each resample, the total
``T* = Σ v_i*`` of ``n_h`` rows drawn with replacement inside each stratum ``h``. Answers
are categorical, so a million respondents hold far fewer *distinct* row vectors
``D_1 … D_d``, seen ``c_1 … c_d`` times. A resample depends on the rows only through how
often each distinct vector is drawn,

.. math::

    (N_1, …, N_d) \sim \mathrm{Multinomial}(n_h;\ c_1/n_h, …, c_d/n_h), \qquad
    T^* = \sum_k N_k D_k ,

so drawing these counts is *exactly* row resampling (equal in distribution, not an
approximation), at a cost that grows with ``d`` rather than ``n_h``.

Three exact devices keep each draw cheap:

1. **Common and rare vectors.** A vector seen at least ``_COMMON = 8`` times gets a cell of
   its own; the rarer ones (the long tail of answer patterns) share one cell. Given that
   ``M`` draws fall on rare rows, those draws are uniform over the rare rows, so they are
   made by index resampling (``Generator.integers`` then ``numpy.bincount``), which costs
   a few nanoseconds per draw instead of a random variate per cell. When most rows are
   distinct (continuous weights) nearly everything is rare, and this *is* plain index
   resampling via ``bincount``.
2. **One multinomial draw per resample.** The counts of the cells (the common vectors and
   the rare rows' shared cell) are one ``Generator.multinomial(n_h, c / n_h)`` draw: a
   binomial step per cell, never a draw per row.
3. **One matrix product.** ``T*`` for a block of resamples is ``counts @ D``, with one
   column per common vector and one per rare row (rare draws are counted per row, which
   saves regrouping them by vector).

Draw order (so that a result can be re-run): resamples are made in blocks whose size
depends only on the data's shape; the given generator draws one 63-bit seed per block
(``Generator.integers(0, 2**63 - 1, size=blocks)``), and block ``b`` draws from
``numpy.random.default_rng(seed_b)``, so blocks can run in parallel threads without
changing the result. Within a block, strata come in the order of their sorted codes; for
each stratum, one ``Generator.multinomial`` call for the block, then one
``Generator.integers`` call for the rare rows of each group of
``max(1, 2**15 // rare rows)`` resamples of the block. The same data, seed and numpy
version give the same totals.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servqual.stats._threads import single_threaded_blas

__all__ = ["Patterns", "distinct_rows", "patterns_by_stratum", "resample_totals"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_COMMON = 8  # a distinct vector seen at least this often gets its own cell
_BLOCK_CELLS = 1 << 22  # bound on resamples × cells held in memory at once
_RARE_CELLS = 1 << 15  # bound on resamples × rare rows per bincount (cache-sized)
_ROW_BLOCK = 8192  # rows per block when hashing and checking rows
_SMALL_PRODUCT = 1 << 17  # multiply-adds per matrix product that BLAS runs single-threaded
_HASH_COEF = np.random.default_rng(20240607).uniform(1.0, 2.0, size=4096)


@dataclass(frozen=True)
class Patterns:
    """One stratum's rows as distinct vectors, common ones first.

    Attributes
    ----------
    n : int
        Number of rows.
    patterns : (d, m) float array
        The distinct row vectors.
    counts : (d,) int array
        How often each occurs.
    n_common : int
        ``patterns[:n_common]`` occur at least ``_COMMON`` times; the rest are rare.
    cell_vectors : (n_common + r, m) float array
        The vector of each resampling cell: the common vectors, then one row per rare row
        (a rare row's draws are counted per row, which saves regrouping them by vector).
    """

    n: int
    patterns: FloatArray
    counts: IntArray
    n_common: int
    cell_vectors: FloatArray

    @property
    def n_rare_rows(self) -> int:
        """Number of rows holding a rare vector."""
        return int(self.n - self.counts[: self.n_common].sum())


def distinct_rows(
    values: npt.ArrayLike, counts: npt.ArrayLike | None = None
) -> tuple[FloatArray, IntArray]:
    """Distinct rows of a 2-D float array and how often each occurs.

    Rows are grouped by a fixed random linear key (``O(n m)`` and one sort of ``n``
    floats); every group is then checked to hold identical rows, and if a key ever
    collides the exact ``numpy.unique(axis=0)`` is used instead. Rows compare with ``==``.

    Parameters
    ----------
    values : (n, m) array
        The rows (finite).
    counts : (n,) int array, optional
        How many times each row occurs (already aggregated data); default 1 each.

    Returns
    -------
    patterns : (d, m) float array
        The distinct rows, ordered by their key.
    counts : (d,) int array
        Occurrences of each, summing to ``n`` (or to the sum of ``counts``).

    Examples
    --------
    >>> from servqual.stats.resample import distinct_rows
    >>> patterns, counts = distinct_rows([[4, 1], [3, 1], [4, 1]])
    >>> patterns.tolist(), counts.tolist()
    ([[3.0, 1.0], [4.0, 1.0]], [1, 2])
    """
    v = np.asarray(values, dtype=np.float64)
    n, m = v.shape
    small = _small_integer_rows(v, counts)
    if small is not None:
        return small
    coef = _HASH_COEF[np.arange(m) % _HASH_COEF.size]
    key = np.empty(n)
    for start in range(0, n, _ROW_BLOCK):  # blocks of rows that fit in cache
        block = v[start : start + _ROW_BLOCK]
        k = block[:, 0] * coef[0]
        for j in range(1, m):  # column by column: the same row always gets the same key
            k += block[:, j] * coef[j]
        key[start : start + _ROW_BLOCK] = k
    order = np.argsort(key)
    sorted_key = key[order]
    new = np.empty(n, dtype=bool)
    new[:1] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    patterns = v[order[starts]]
    same = all(
        np.array_equal(patterns[inverse[i : i + _ROW_BLOCK]], v[i : i + _ROW_BLOCK])
        for i in range(0, n, _ROW_BLOCK)
    )
    if not same:  # a key collision
        patterns, inverse = np.unique(v, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
    if counts is None:
        freq = np.bincount(inverse, minlength=patterns.shape[0])
    else:
        w = np.asarray(counts, dtype=np.float64)
        freq = np.rint(np.bincount(inverse, weights=w, minlength=patterns.shape[0]))
    return np.asarray(patterns, dtype=np.float64), freq.astype(np.intp)


def _small_integer_rows(
    v: FloatArray, counts: npt.ArrayLike | None
) -> tuple[FloatArray, IntArray] | None:
    """Distinct rows by counting, when every column holds integers of a small range.

    Answers (and unit weights) are such columns: each row gets the mixed-radix number of
    its values, counted by one ``numpy.bincount`` (no sort); ``None`` otherwise. The
    choice depends on the number of respondents (``counts`` summed), not on the rows
    given, so aggregated rows come out in the order of the rows they stand for (and the
    same seed draws the same resamples).
    """
    n, m = v.shape
    if n == 0:
        return None
    respondents = float(n if counts is None else np.sum(np.asarray(counts, dtype=np.float64)))
    columns = [np.ascontiguousarray(v[:, j]) for j in range(m)]  # fast 1-D reductions
    lo = np.array([c.min() for c in columns])
    hi = np.array([c.max() for c in columns])
    span = hi - lo + 1.0
    if not np.isfinite(span).all() or float(np.prod(span)) > 4.0 * respondents + 1024.0:
        return None
    stride = np.cumprod(np.concatenate([[1.0], span[:-1]]))
    code = np.zeros(n)
    for j, col in enumerate(columns):  # column by column: (n,) temporaries, not (n, m)
        if not np.array_equal(col, np.floor(col)):
            return None
        code += (col - lo[j]) * stride[j]
    index = code.astype(np.intp)
    size = int(np.prod(span))
    if counts is None:
        freq = np.bincount(index, minlength=size)
    else:
        w = np.asarray(counts, dtype=np.float64)
        freq = np.rint(np.bincount(index, weights=w, minlength=size)).astype(np.intp)
    present = np.flatnonzero(freq)
    digits = (present[:, None] // stride.astype(np.intp)) % span.astype(np.intp)
    return np.asarray(digits + lo, dtype=np.float64), freq[present].astype(np.intp)


def _patterns(rows: FloatArray, freq: IntArray | None) -> Patterns:
    patterns, counts = distinct_rows(rows, freq)
    keep = counts > 0
    patterns, counts = patterns[keep], counts[keep]
    common = counts >= _COMMON
    order = np.concatenate([np.flatnonzero(common), np.flatnonzero(~common)])
    patterns, counts = patterns[order], counts[order]
    n_common = int(common.sum())
    rare = counts[n_common:]
    cell_vectors = np.concatenate([patterns[:n_common], np.repeat(patterns[n_common:], rare, 0)])
    return Patterns(int(counts.sum()), patterns, counts, n_common, cell_vectors)


def patterns_by_stratum(
    values: FloatArray, codes: IntArray, counts: IntArray | None = None
) -> list[Patterns]:
    """Distinct vectors of each stratum; ``codes`` are stratum codes ``0 … H-1``.

    ``counts`` (optional) says how many respondents each row stands for.
    """
    n_strata = int(codes.max()) + 1
    if n_strata == 1:
        return [_patterns(values, counts)]
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(n_strata + 1))
    parts = [order[bounds[h] : bounds[h + 1]] for h in range(n_strata)]
    return [_patterns(values[i], None if counts is None else counts[i]) for i in parts]


def _cell_counts(rng: np.random.Generator, p: Patterns, size: int) -> npt.NDArray[np.int64]:
    """(size, n_common + 1) multinomial counts: common cells, then the rare rows' cell.

    One ``Generator.multinomial`` call draws every resample's cell counts (one binomial
    step per cell and resample, whatever the number of rows).
    """
    groups = np.append(p.counts[: p.n_common], p.n_rare_rows).astype(np.float64)
    if groups.size == 1:  # no common vector: every draw is a rare row
        return np.full((size, 1), p.n, dtype=np.int64)
    return np.asarray(rng.multinomial(p.n, groups / p.n, size=size), dtype=np.int64)


def _counts(rng: np.random.Generator, p: Patterns, size: int) -> FloatArray:
    """(size, cells) resampled counts of one stratum's cells."""
    cells = _cell_counts(rng, p, size)
    counts = np.empty((size, p.cell_vectors.shape[0]), dtype=np.float64)
    counts[:, : p.n_common] = cells[:, :-1]
    r = p.n_rare_rows
    if r:
        n_rare = cells[:, -1]
        step = max(1, _RARE_CELLS // r)  # resamples whose rare rows share a bincount
        for start in range(0, size, step):  # loop over groups of resamples, not rows
            k = n_rare[start : start + step]
            rows = rng.integers(0, r, size=int(k.sum()))
            if k.size > 1:
                rows += np.repeat(np.arange(k.size, dtype=np.intp) * r, k)
            per_row = np.bincount(rows, minlength=k.size * r).reshape(k.size, r)
            counts[start : start + k.size, p.n_common :] = per_row
    return counts


@single_threaded_blas()
def resample_totals(
    strata: list[Patterns], n_resamples: int, rng: np.random.Generator, *, workers: int = 1
) -> FloatArray:
    """Column totals (n_resamples, m) of stratified with-replacement resamples.

    Each resample draws ``n_h`` rows with replacement in every stratum ``h`` and sums
    them over all strata. Blocks of resamples draw from their own generators, seeded by
    ``rng``, so ``workers`` threads (numpy releases the GIL while drawing) give the same
    totals as one; see the module notes for the exact draw order.
    """
    m = strata[0].patterns.shape[1]
    widest = max(p.cell_vectors.shape[0] for p in strata)
    block = max(1, min(n_resamples, _BLOCK_CELLS // widest))
    starts = list(range(0, n_resamples, block))
    seeds = rng.integers(0, 2**63 - 1, size=len(starts), dtype=np.int64)
    totals = np.zeros((n_resamples, m))
    threaded = workers > 1 and len(starts) > 1

    def run(b: int) -> None:
        size = min(block, n_resamples - starts[b])
        child = np.random.default_rng(int(seeds[b]))
        out = totals[starts[b] : starts[b] + size]
        for p in strata:  # strata in code order
            counts = _counts(child, p, size)
            # products small enough for BLAS to run them on the calling thread (multithreaded
            # BLAS would compete with the drawing threads), the same with or without threads
            step = max(1, _SMALL_PRODUCT // (size * m))
            for c in range(0, counts.shape[1], step):  # loop over groups of cells, not rows
                out += counts[:, c : c + step] @ p.cell_vectors[c : c + step]

    if threaded:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(run, range(len(starts))))  # blocks write disjoint rows of totals
    else:
        for b in range(len(starts)):  # blocks of resamples, not rows
            run(b)
    return totals
