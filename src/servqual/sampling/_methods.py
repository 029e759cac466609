"""Equal-probability selection: simple random, systematic and Bernoulli sampling."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.sample_size._validate import check_fraction
from servqual.sampling._frame import (
    KEYS_LIMIT,
    check_in_memory,
    frame_size,
    make_rng,
    positive_count,
)
from servqual.sampling._kernels import distinct_positions, smallest_keys, systematic_positions
from servqual.sampling._sample import Sample

__all__ = ["bernoulli", "simple_random", "systematic"]

_SRS_WOR = (
    "u = Generator.random(N) gives unit i (frame order) the key u[i]; the n units with the "
    "smallest keys are selected (ties at the cut to lower positions)"
)
_SRS_WR = "u = Generator.random(n); draw j selects position floor(u[j] * N)"
_SYSTEMATIC = (
    "u = Generator.random(); positions floor((u + j) * N / n) for j = 0 .. n-1 "
    "(fractional interval N/n, random start)"
)
_BERNOULLI = "u = Generator.random(N); unit i is selected when u[i] < rate"
_SRS_DISTINCT = (
    "frame above 2**25 units: positions Generator.integers(0, N) drawn in rounds; the first "
    "n distinct positions in draw order are selected"
)
_BERNOULLI_LARGE = (
    "frame above 2**25 units: k = Generator.binomial(N, rate), then k distinct positions "
    "as simple_random (Generator.integers(0, N) in rounds, first k distinct)"
)


def _check_n(n: Any, size: int, replace: bool = False) -> int:
    count = check_in_memory(positive_count(n, "n"), "the sample size n")
    if not replace and count > size:
        raise ParameterError(
            f"n = {count} is larger than the frame ({size} units); sampling is without replacement"
        )
    return count


def simple_random(frame: Any, n: int, *, seed: Any, replace: bool = False) -> Sample:
    """Simple random sample of ``n`` units, without replacement by default.

    Parameters
    ----------
    frame : int, sequence or table
        The frame: its size ``N``, a sequence of unit ids (no repeats) or a dataframe
        (pandas, polars, pyarrow) or mapping of columns, one row per unit.
    n : int
        Sample size, ``1 <= n <= N`` (any ``n >= 1`` with replacement).
    seed : int or numpy.random.Generator
        Randomness; an int seeds ``numpy.random.default_rng`` (PCG64).
    replace : bool
        Draw with replacement (units may repeat).

    Returns
    -------
    Sample
        ``π = n/N`` and weight ``N/n`` for every unit (with replacement: weight ``N/n``
        per draw, ``π = 1 - (1 - 1/N)^n``).

    Raises
    ------
    servqual.errors.ParameterError
        If ``n < 1`` or ``n > N`` without replacement.
    servqual.errors.DesignError
        If a sequence frame repeats a unit id.
    servqual.errors.ServqualTypeError
        If ``seed`` or ``frame`` has the wrong type.

    Notes
    -----
    Algorithm (without replacement): ``u = Generator.random(N)``; unit ``i`` receives key
    ``u[i]``; the ``n`` units with the smallest keys are the sample — the "sort by a
    random number" method, in :math:`O(N)` with ``numpy.partition``. Every subset of
    size ``n`` is equally likely. A frame of more than 2**25 units is never
    materialised: positions ``Generator.integers(0, N)`` are drawn in rounds and the
    first ``n`` distinct ones kept (memory :math:`O(n)`, any ``N``, e.g. 10**12).
    With replacement: ``u = Generator.random(n)`` and draw ``j`` takes position
    ``floor(u[j] · N)``.

    Examples
    --------
    Select 5 of the 40 applicants on today's list:

    >>> import servqual as sq
    >>> s = sq.sampling.simple_random(40, 5, seed=7)
    >>> len(s), float(s.inclusion_probabilities[0]), float(s.weights.sum())
    (5, 0.125, 40.0)
    """
    size = frame_size(frame)
    count = _check_n(n, size, replace)
    rng, seed_int = make_rng(seed)
    if replace:
        pos = np.minimum(np.floor(rng.random(count) * size).astype(np.int64), size - 1)
        pos.sort()
        pi = -np.expm1(count * np.log1p(-1.0 / size)) if size > 1 else 1.0
        return Sample(
            method="simple_random",
            algorithm=_SRS_WR,
            seed=seed_int,
            population_size=size,
            positions=pos,
            inclusion_probabilities=np.full(count, pi),
            weights=np.full(count, size / count),
            with_replacement=True,
            finite_population=False,
            population_sizes=(size,),
            sample_sizes=(count,),
        )
    if size > KEYS_LIMIT:
        pos = distinct_positions(rng, size, count)
        return _equal_probability("simple_random", _SRS_DISTINCT, seed_int, size, pos)
    pos = smallest_keys(rng.random(size), count)
    return _equal_probability("simple_random", _SRS_WOR, seed_int, size, pos)


def _equal_probability(
    method: str, algorithm: str, seed: int | None, size: int, pos: Any, rate: float | None = None
) -> Sample:
    count = int(pos.shape[0])
    pi = count / size if rate is None else rate
    return Sample(
        method=method,
        algorithm=algorithm,
        seed=seed,
        population_size=size,
        positions=pos,
        inclusion_probabilities=np.full(count, pi),
        weights=np.full(count, 1.0 / pi if rate is not None else size / count),
        population_sizes=(size,),
        sample_sizes=(count,),
    )


def systematic(frame: Any, n: int, *, seed: Any) -> Sample:
    r"""Systematic sample of exactly ``n`` units: random start, fractional interval ``N/n``.

    Parameters
    ----------
    frame : int, sequence or table
        The frame, in the order the list is walked (sort it first for implicit
        stratification, e.g. by district or date).
    n : int
        Sample size, ``1 <= n <= N``.
    seed : int or numpy.random.Generator
        Randomness.

    Returns
    -------
    Sample
        ``π = n/N`` for every unit. Analysed as a simple random sample (the usual
        approximation; it is conservative when the list order is informative).

    Raises
    ------
    servqual.errors.ParameterError
        If ``n`` is out of range.

    Notes
    -----
    With ``k = N/n`` (not rounded) and ``u = Generator.random()``, the positions are
    :math:`\\lfloor (u + j) k \\rfloor`, ``j = 0 … n-1``: always ``n`` distinct units, each
    included with probability exactly ``1/k = n/N``.

    Examples
    --------
    >>> import servqual as sq
    >>> s = sq.sampling.systematic(1000, 4, seed=3)
    >>> len(s), sorted({int(b - a) for a, b in zip(s.positions, s.positions[1:])})
    (4, [250])
    """
    size = frame_size(frame)
    count = _check_n(n, size)
    rng, seed_int = make_rng(seed)
    pos = systematic_positions(float(rng.random()), size, count).astype(np.int64)
    return _equal_probability("systematic", _SYSTEMATIC, seed_int, size, pos)


def bernoulli(frame: Any, rate: float, *, seed: Any) -> Sample:
    """Bernoulli sample: each unit independently with probability ``rate``.

    Parameters
    ----------
    frame : int, sequence or table
        The frame.
    rate : float
        Inclusion probability in (0, 1].
    seed : int or numpy.random.Generator
        Randomness.

    Returns
    -------
    Sample
        A random number of units (mean ``rate · N``), each with ``π = rate`` and weight
        ``1/rate``. :meth:`Sample.to_design` analyses it as a simple random sample of
        the realized size with fpc ``N``.

    Raises
    ------
    servqual.errors.ParameterError
        If ``rate`` is outside (0, 1].

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        If no unit was selected.

    Notes
    -----
    ``u = Generator.random(N)``; unit ``i`` is selected when ``u[i] < rate``.

    Examples
    --------
    >>> import servqual as sq
    >>> s = sq.sampling.bernoulli(10_000, 0.1, seed=1)
    >>> 900 < len(s) < 1100, float(s.weights[0])
    (True, 10.0)
    """
    size = frame_size(frame)
    p = check_fraction(rate, "rate", closed_high=True)
    rng, seed_int = make_rng(seed)
    if size > KEYS_LIMIT:
        # the realised size is Binomial(N, rate); given it, the units are a uniform subset
        k = check_in_memory(int(rng.binomial(size, p)), "the Bernoulli sample")
        pos = distinct_positions(rng, size, k)
        return _equal_probability("bernoulli", _BERNOULLI_LARGE, seed_int, size, pos, rate=p)
    pos = np.flatnonzero(rng.random(size) < p)
    if pos.size == 0:
        warnings.warn(
            f"the Bernoulli draw (rate {p:g}, N = {size}) selected no unit; the sample is empty",
            DegenerateDataWarning,
            stacklevel=2,
        )
    return _equal_probability("bernoulli", _BERNOULLI, seed_int, size, pos, rate=p)
