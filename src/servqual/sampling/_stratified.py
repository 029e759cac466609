"""Stratified simple random sampling in one pass over the frame."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DesignError, ParameterError
from servqual.sample_size._allocate import AllocationMethod, allocate
from servqual.sample_size._result import Allocation
from servqual.sampling._frame import column_or_array, encode_labels, frame_size, make_rng
from servqual.sampling._kernels import smallest_keys
from servqual.sampling._sample import Sample

__all__ = ["stratified"]

_ALGORITHM = (
    "units are grouped by stratum (strata in sorted label order, frame order within a "
    "stratum, via a stable sort of the stratum codes); u = Generator.random(N) gives the "
    "j-th unit of that grouped order the key u[j]; in each stratum the n_h units with the "
    "smallest keys are selected (ties at the cut to lower positions)"
)


def _stratum_sizes(
    n: int | Mapping[Any, int] | Allocation,
    labels: list[Any],
    counts: npt.NDArray[np.intp],
    allocation: AllocationMethod,
    sd: Mapping[Any, float] | None,
    cost: Mapping[Any, float] | None,
    minimum: int,
) -> list[int]:
    pop = dict(zip(labels, counts.tolist(), strict=True))
    if isinstance(n, Allocation):
        wanted: Mapping[Any, int] = n.sizes
    elif isinstance(n, Mapping):
        wanted = n
    else:
        result = allocate(pop, n, method=allocation, sd=sd, cost=cost, minimum=minimum)
        return list(result.counts)
    unknown = [h for h in wanted if h not in pop]
    if unknown:
        raise DesignError(f"stratum {unknown[0]!r} of the allocation has no unit in the frame")
    sizes = []
    for h in labels:
        if h not in wanted:
            raise DesignError(f"the allocation gives no sample size for stratum {h!r}")
        n_h = wanted[h]
        if isinstance(n_h, bool) or not isinstance(n_h, (int, np.integer)) or n_h < 1:
            raise ParameterError(
                f"sample size for stratum {h!r} must be a whole number >= 1, got {n_h!r}"
            )
        if n_h > pop[h]:
            raise DesignError(
                f"stratum {h!r} has {pop[h]} units, fewer than its allocation of {int(n_h)}"
            )
        sizes.append(int(n_h))
    return sizes


def stratified(
    frame: Any,
    n: int | Mapping[Any, int] | Allocation,
    *,
    strata: Any,
    allocation: AllocationMethod = "proportional",
    sd: Mapping[Any, float] | None = None,
    cost: Mapping[Any, float] | None = None,
    minimum: int = 2,
    seed: Any,
) -> Sample:
    """Stratified simple random sample: an independent SRS in every stratum.

    Parameters
    ----------
    frame : int, sequence or table
        The frame.
    n : int, mapping or Allocation
        Total sample size (split by ``allocation``), or stratum → ``n_h``, or the result
        of :func:`servqual.sample_size.allocate`.
    strata : str or array-like
        One stratum label per frame unit, or the name of a column when ``frame`` is a table.
    allocation : {"proportional", "neyman", "equal", "optimal"}
        How an integer ``n`` is split (see :func:`servqual.sample_size.allocate`).
    sd, cost : mapping, optional
        Stratum → standard deviation / cost, for Neyman and optimal allocation.
    minimum : int
        Units guaranteed per stratum when ``n`` is an integer.
    seed : int or numpy.random.Generator
        Randomness.

    Returns
    -------
    Sample
        ``π = n_h/N_h`` and weight ``N_h/n_h`` per unit; the weights sum to ``N``.

    Raises
    ------
    servqual.errors.DesignError
        If a stratum has fewer units than its allocation, an allocated stratum is absent
        from the frame, or a label is missing.
    servqual.errors.ParameterError
        If ``n`` is out of range or the allocation cannot be met.

    Notes
    -----
    One pass: stratum labels are coded (a counting pass for integer labels), the frame
    is grouped by a stable radix sort of the codes, ``u = Generator.random(N)`` keys the
    grouped units, and each stratum keeps its ``n_h`` smallest keys (``numpy.partition``
    on its slice). Strata are ordered by sorted label, which is also the order in which
    largest-remainder ties are broken.

    Examples
    --------
    Two service counters, 300 and 100 visitors last month; 40 respondents:

    >>> import servqual as sq
    >>> counter = ["ktp"] * 300 + ["akta"] * 100
    >>> s = sq.sampling.stratified(400, 40, strata=counter, seed=11)
    >>> s.stratum_labels, s.sample_sizes, float(s.weights.sum())
    (('akta', 'ktp'), (10, 30), 400.0)
    """
    size = frame_size(frame)
    labels_arr = column_or_array(frame, strata, "strata", size)
    codes, labels, counts = encode_labels(labels_arr)
    sizes = _stratum_sizes(n, labels, counts, allocation, sd, cost, minimum)
    rng, seed_int = make_rng(seed)
    order = np.argsort(codes, kind="stable")  # radix sort for 8/16-bit codes
    keys = rng.random(size)
    starts = np.concatenate(([0], np.cumsum(counts)))
    parts = [
        order[starts[h] + smallest_keys(keys[starts[h] : starts[h + 1]], sizes[h])]
        for h in range(len(labels))  # loop over strata; each stratum is vectorized
    ]
    pos = np.concatenate(parts)
    unit_codes = np.repeat(np.arange(len(labels)), sizes)
    sort = np.argsort(pos, kind="stable")
    pos, unit_codes = pos[sort], unit_codes[sort]
    n_h = np.asarray(sizes, dtype=np.float64)
    pi_h = n_h / counts
    return Sample(
        method="stratified",
        algorithm=_ALGORITHM,
        seed=seed_int,
        population_size=size,
        positions=pos,
        inclusion_probabilities=pi_h[unit_codes],
        weights=(counts / n_h)[unit_codes],
        stratum_labels=tuple(labels),
        stratum_codes=unit_codes,
        population_sizes=tuple(int(c) for c in counts),
        sample_sizes=tuple(sizes),
    )
