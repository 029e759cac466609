r"""Whole-sample SKM passes over packed answer codes (pure numpy, no BLAS).

The answers of a few consecutive elements are packed into one small integer key per
respondent: with ``L`` levels per element (the codes ``-1 … L − 2``, ``-1`` = missing),
the ``g`` elements of a span give ``key = Σ_p (c_p + 1) L^(g−1−p)`` in ``0 … L^g − 1``,
with ``L^g ≤ 4096`` (SKM: five elements per key, 3125 keys, a table that fits in L1).

- Pass 1 counts the respondents per key (or sums their weights), one ``bincount`` per
  span; every element sum of :func:`servqual.indices._skm_kernel.element_sums` is a
  marginal of those tables, so nine elements cost two ``bincount`` passes (with weights,
  the answered counts come from the missing answers counted per element).
- Pass 2 needs the linearized value ``z_i = Σ_j coef_j a_ij (c_ij − m_j)``, a sum over
  elements of a constant per (element, code); per span that is one constant per key, so
  ``z`` is two table look-ups (``take``) and an addition instead of a float pass per
  element. A missing answer contributes exactly 0, as in the general kernel.

Both passes walk the rows in blocks of ``_BLOCK`` so their temporaries stay in cache.
The keys are valid only for codes inside ``-1 … L − 2``: :class:`~servqual.Responses`
checks every answer against the scale when it is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "Packed",
    "element_sums",
    "influence",
    "influence_tables",
    "pack",
    "square_sum",
    "stratum_sums",
]

FloatArray = npt.NDArray[np.float64]
CodeColumns = npt.NDArray[np.int8]
KeyArray = npt.NDArray[np.int16]

_BLOCK = 65536
"""Rows per block: fewer blocks cost Python overhead, larger ones leave the cache."""
_MAX_KEYS = 4096
"""Keys per span: a float table of 4096 entries (32 KiB) stays in L1."""


@dataclass(frozen=True)
class Packed:
    """Packed keys of every span and the per-key tables of pass 1.

    Attributes
    ----------
    levels : int
        ``L``: codes ``-1 … L − 2``.
    spans : tuple of (int, int)
        ``[start, stop)`` element ranges packed into one key each.
    keys : tuple of (n,) int16 arrays
        One key per respondent and span.
    tables : tuple of (L^g,) arrays
        Per key: the number of respondents (int64), or the sum of their weights
        (float64) when ``missing`` is given.
    missing : (k,) int64 array or None
        Missing answers per element, counted when the tables hold weights.
    """

    levels: int
    spans: tuple[tuple[int, int], ...]
    keys: tuple[KeyArray, ...]
    tables: tuple[npt.NDArray[Any], ...]
    missing: npt.NDArray[np.int64] | None

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(self.keys[0].shape[0]) if self.keys else 0


def _spans(k: int, levels: int) -> tuple[tuple[int, int], ...]:
    size = 1
    while levels ** (size + 1) <= _MAX_KEYS:
        size += 1
    return tuple((start, min(start + size, k)) for start in range(0, k, size))


def pack(columns: CodeColumns, levels: int, weights: FloatArray | None) -> Packed:
    """Pass 1: keys of every span, with respondents (or their weights) summed per key.

    Parameters
    ----------
    columns : (k, n) int8 array
        Answer codes element by element (``Responses.columns``), ``-1`` for missing,
        every code below ``levels − 1``.
    levels : int
        ``L`` = number of answer levels + 1 (the missing level); at most 129.
    weights : (n,) float array or None
        Sampling weights; ``None`` when they are all equal (counts are enough). With
        weights, the answered counts come from one comparison per element instead of a
        second ``bincount`` per span.
    """
    k, n = columns.shape
    spans = _spans(k, levels)
    keys = tuple(np.empty(n, dtype=np.int16) for _ in spans)
    sizes = [levels ** (stop - start) for start, stop in spans]
    tables = [np.zeros(size, dtype=np.int64 if weights is None else np.float64) for size in sizes]
    for first in range(0, n, _BLOCK):  # loop over blocks of rows, not over rows
        last = min(first + _BLOCK, n)
        for s, (start, stop) in enumerate(spans):
            key = keys[s][first:last]
            key[...] = columns[start, first:last]
            for j in range(start + 1, stop):  # Horner's rule over the span's elements
                key *= np.int16(levels)
                key += columns[j, first:last]
            key += np.int16((levels ** (stop - start) - 1) // (levels - 1))  # codes + 1
            w = None if weights is None else weights[first:last]
            tables[s] += np.bincount(key, weights=w, minlength=sizes[s])
    missing = None
    if weights is not None:  # one byte pass per element (its codes are contiguous)
        missing = np.array([np.count_nonzero(col < 0) for col in columns], dtype=np.int64)
    return Packed(levels, spans, keys, tuple(tables), missing)


def _marginals(table: npt.NDArray[Any], levels: int, width: int) -> FloatArray:
    """(width, L) totals per element and level from a span's per-key table (as floats).

    Counts stay exact: a float64 holds every integer up to 2**53.
    """
    cube = table.astype(np.float64, copy=False).reshape((levels,) * width)
    axes = tuple(range(width))
    return np.stack([cube.sum(axis=axes[:p] + axes[p + 1 :]) for p in range(width)])


def element_sums(packed: Packed, weight: float | None) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Whole-sample element sums from the per-key tables of :func:`pack`.

    ``weight`` is the common weight when :func:`pack` had no weights. Returns
    ``code_totals, answered_totals, answered_counts``, each (1, k), as
    :func:`servqual.indices._skm_kernel.element_sums` with ``groups=None``: with equal
    weights the totals are ``weight`` times exact integer sums.
    """
    levels = packed.levels
    value = np.arange(-1, levels - 1, dtype=np.float64)  # the code of each level
    value[0] = 0.0  # a missing answer adds nothing
    per_level = np.concatenate(
        [
            _marginals(t, levels, b - a)
            for t, (a, b) in zip(packed.tables, packed.spans, strict=True)
        ]
    )
    if packed.missing is not None:  # the tables hold weights
        counts = (packed.n - packed.missing).astype(np.float64)
        code_tot = (per_level * value).sum(axis=1)
        answered_tot = per_level[:, 1:].sum(axis=1)
    else:
        assert weight is not None  # internal invariant: no weights means equal weights
        whole = per_level.astype(np.int64)  # exact integer counts
        counts = whole[:, 1:].sum(axis=1).astype(np.float64)
        code_tot = weight * (whole @ value.astype(np.int64)).astype(np.float64)
        answered_tot = weight * counts
    return code_tot[None, :], answered_tot[None, :], counts[None, :]


def influence_tables(
    packed: Packed, mean_codes: FloatArray, coef: FloatArray
) -> tuple[FloatArray, ...]:
    """Per span, the linearized value of every key: ``Σ_p coef_j a_p (c_p − m_j)``.

    ``mean_codes`` and ``coef`` are (k,): the whole sample's mean code and gradient
    coefficient of each element. The missing level gives exactly 0.
    """
    levels = packed.levels
    code = np.arange(-1, levels - 1, dtype=np.float64)
    tables = []
    for start, stop in packed.spans:
        width = stop - start
        table = np.zeros((levels,) * width)
        for p, j in enumerate(range(start, stop)):  # loop over the span's elements
            term = (code - mean_codes[j]) * coef[j]
            term[0] = 0.0  # missing: no contribution
            shape = [1] * width
            shape[p] = levels
            table = table + term.reshape(shape)
        tables.append(table.reshape(-1))
    return tuple(tables)


def _lookup(tables: tuple[FloatArray, ...], packed: Packed, first: int, last: int) -> FloatArray:
    """``z`` of the rows ``first … last − 1``: one look-up per span and row."""
    block = tables[0].take(packed.keys[0][first:last])
    for table, keys in zip(tables[1:], packed.keys[1:], strict=True):
        block += table.take(keys[first:last])
    return block


def influence(packed: Packed, tables: tuple[FloatArray, ...]) -> FloatArray:
    """(n,) linearized values ``z`` (for designs whose variance needs every row)."""
    z = np.empty(packed.n, dtype=np.float64)
    for first in range(0, packed.n, _BLOCK):  # loop over blocks of rows, not over rows
        last = min(first + _BLOCK, packed.n)
        z[first:last] = _lookup(tables, packed, first, last)
    return z


def square_sum(packed: Packed, tables: tuple[FloatArray, ...]) -> tuple[float, float]:
    """``Σ z`` and ``Σ z²`` without storing ``z`` (equal weights, one stratum).

    ``Σ z`` comes from the per-key counts of pass 1; ``Σ z²`` from in-cache blocks.
    """
    assert packed.missing is None  # internal invariant: the tables hold counts
    total = sum(float((c * t).sum()) for c, t in zip(packed.tables, tables, strict=True))
    squares = 0.0
    for first in range(0, packed.n, _BLOCK):  # loop over blocks of rows, not over rows
        block = _lookup(tables, packed, first, min(first + _BLOCK, packed.n))
        squares += float(np.einsum("i,i->", block, block))  # no BLAS: no thread wake-ups
    return total, squares


def stratum_sums(
    packed: Packed,
    tables: tuple[FloatArray, ...],
    weights: FloatArray,
    strata: npt.NDArray[np.intp] | None,
    n_strata: int,
) -> tuple[FloatArray, FloatArray]:
    """Per stratum, ``Σ w z`` and ``Σ (w z)²`` without storing ``z`` (rows as PSUs).

    ``strata`` is each row's stratum index (``None``: one stratum, plain sums).
    """
    sums, squares = np.zeros(n_strata), np.zeros(n_strata)
    for first in range(0, packed.n, _BLOCK):  # loop over blocks of rows, not over rows
        last = min(first + _BLOCK, packed.n)
        wz = _lookup(tables, packed, first, last)
        wz *= weights[first:last]
        if strata is None:
            sums[0] += wz.sum()
            squares[0] += np.einsum("i,i->", wz, wz)
        else:
            h = strata[first:last]
            sums += np.bincount(h, weights=wz, minlength=n_strata)
            squares += np.bincount(h, weights=wz * wz, minlength=n_strata)
    return sums, squares
