"""Intercept sampling at the counter, when the number of visitors is not known ahead.

Both selectors are safe to share between threads (e.g. the request handlers of a web
form): each holds a lock, so concurrent arrivals are numbered one after the other and
every arrival is counted exactly once. Which thread's arrival gets which number is up to
the scheduler, as it would be for visitors reaching two counters at the same moment.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import ParameterError
from servqual.sampling._frame import check_in_memory, make_rng, positive_count
from servqual.sampling._sample import Sample

__all__ = ["EveryKth", "Reservoir", "every_kth"]


def _interval(k: object) -> int:
    """A selection interval: a whole number from 1 to 2**53 (exact in float64)."""
    interval = positive_count(k, "k")
    if interval > 2**53:
        raise ParameterError(f"k must be at most 2**53, got {interval!r:.40}…")
    return interval


class EveryKth:
    """Select every ``k``-th arrival after a random start (systematic intercept sampling).

    Build it with :func:`every_kth`. Arrivals are numbered 0, 1, 2, … in the order
    visitors reach the counter; arrival ``t`` is selected when ``t ≡ start (mod k)``.

    Parameters
    ----------
    k : int
        Interval (>= 1).
    start : int
        First selected arrival, ``0 <= start < k``.
    seed : int or None
        The seed that chose ``start`` (recorded in :meth:`sample`).

    Examples
    --------
    Interview every 4th visitor at a licensing counter, starting with arrival 1:

    >>> import servqual as sq
    >>> pick = sq.sampling.EveryKth(4, start=1)
    >>> [t for t in range(12) if pick()]
    [1, 5, 9]
    >>> pick
    EveryKth(k=4, start=1, seen=12)
    >>> pick.feed(8).nonzero()[0].tolist()  # the next 8 arrivals: numbers 13 and 17
    [1, 5]
    """

    def __init__(self, k: int, start: int, seed: int | None = None) -> None:
        self.k = _interval(k)
        if isinstance(start, bool) or not isinstance(start, (int, np.integer)):
            raise ParameterError(f"start must be a whole number in [0, {self.k}), got {start!r}")
        if not 0 <= start < self.k:
            raise ParameterError(f"start must be in [0, {self.k}), got {start}")
        self.start = int(start)
        self.seed = seed
        self.seen = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"EveryKth(k={self.k}, start={self.start}, seen={self.seen})"

    def selects(self, arrival: int) -> bool:
        """Whether arrival number ``arrival`` (0-based) is selected; no state change."""
        return arrival >= self.start and (arrival - self.start) % self.k == 0

    def __call__(self) -> bool:
        """Register one arrival; ``True`` if this visitor is to be interviewed."""
        return bool(self.feed(1)[0])

    def feed(self, count: int) -> npt.NDArray[np.bool_]:
        """Register ``count`` arrivals at once; a boolean mask of the selected ones.

        Thread-safe: the arrivals of one call get consecutive numbers.
        """
        m = check_in_memory(positive_count(count, "count"), "a batch of arrivals")
        with self._lock:
            first = self.seen
            self.seen += m
        t = np.arange(first, first + m)
        out: npt.NDArray[np.bool_] = (t >= self.start) & ((t - self.start) % self.k == 0)
        return out

    def sample(self) -> Sample:
        """The selection so far as a :class:`Sample` (population = arrivals seen)."""
        with self._lock:
            seen = self.seen
        pos = np.arange(self.start, seen, self.k, dtype=np.int64)
        return Sample(
            method="every_kth",
            algorithm=(
                f"start = floor(Generator.random() * k), k = {self.k}; arrival t (0-based) "
                "is selected when t >= start and (t - start) % k == 0"
            ),
            seed=self.seed,
            population_size=seen,
            positions=pos,
            inclusion_probabilities=np.full(pos.shape[0], 1.0 / self.k),
            weights=np.full(pos.shape[0], float(self.k)),
            population_sizes=(seen,),
            sample_sizes=(int(pos.shape[0]),),
        )


def every_kth(k: int, *, seed: Any) -> EveryKth:
    """A selector that takes every ``k``-th visitor after a random start in ``0 … k-1``.

    Parameters
    ----------
    k : int
        Interval, e.g. 5 to interview one visitor in five.
    seed : int or numpy.random.Generator
        Randomness for the start: ``start = floor(Generator.random() · k)``.

    Returns
    -------
    EveryKth
        Call it once per arrival (``selector()`` → bool) or ``selector.feed(m)`` for a
        batch; ``selector.sample()`` at the end of the day gives the :class:`Sample`
        (each arrival had ``π = 1/k``).

    Raises
    ------
    servqual.errors.ParameterError
        If ``k < 1``.

    Examples
    --------
    >>> import servqual as sq
    >>> pick = sq.sampling.every_kth(5, seed=2)
    >>> chosen = [t for t in range(20) if pick()]
    >>> len(chosen), chosen[1] - chosen[0]
    (4, 5)
    """
    interval = _interval(k)
    rng, seed_int = make_rng(seed)
    start = min(int(np.floor(rng.random() * interval)), interval - 1)
    return EveryKth(interval, start, seed_int)


class Reservoir:
    """A uniform random sample of fixed size from a stream of arrivals (Algorithm R).

    Parameters
    ----------
    size : int
        Number of respondents to keep (>= 1).
    seed : int or numpy.random.Generator
        Randomness.

    Notes
    -----
    Arrivals are numbered ``t = 0, 1, …``. The first ``size`` arrivals fill the slots.
    Arrival ``t >= size`` draws ``u = Generator.random()`` and ``j = floor(u · (t + 1))``;
    if ``j < size`` it replaces the occupant of slot ``j`` (Vitter's Algorithm R). After
    ``T`` arrivals every subset of ``size`` arrivals is equally likely, so each arrival is
    kept with probability ``size / T``. :meth:`extend` processes a chunk with one
    ``Generator.random(m)`` call and the same rule (later writes to a slot win), so
    feeding one by one or in chunks of any size gives the identical sample.

    Examples
    --------
    Keep 3 of the day's visitors, whatever their number:

    >>> import servqual as sq
    >>> r = sq.sampling.Reservoir(3, seed=4)
    >>> r.extend([f"visitor-{i}" for i in range(50)])
    >>> r.seen, len(r.items)
    (50, 3)
    >>> round(float(r.sample().inclusion_probabilities[0]), 2)
    0.06
    """

    def __init__(self, size: int, *, seed: Any) -> None:
        self.size = check_in_memory(positive_count(size, "size"), "the reservoir size")
        self._rng, self.seed = make_rng(seed)
        self.seen = 0
        self._lock = threading.RLock()
        self._slot_arrival = np.full(self.size, -1, dtype=np.int64)
        self._slot_item: list[Any] = [None] * self.size

    def __repr__(self) -> str:
        return f"Reservoir(size={self.size}, seen={self.seen})"

    def add(self, item: Any) -> bool:
        """Feed one arrival; ``True`` if it is (for now) in the sample."""
        with self._lock:
            before = self.seen
            self.extend([item])
            return bool(np.any(self._slot_arrival == before))

    def extend(self, items: Sequence[Any] | npt.ArrayLike) -> None:
        """Feed a chunk of arrivals (any sequence, e.g. a list of ids or records).

        Thread-safe: the arrivals of one call get consecutive numbers.
        """
        chunk = items if isinstance(items, Sequence) else list(np.asarray(items).tolist())
        if not chunk:
            return
        with self._lock:
            self._extend(chunk)

    def _extend(self, chunk: Sequence[Any]) -> None:
        m = len(chunk)
        t = np.arange(self.seen, self.seen + m, dtype=np.int64)
        fill = t < self.size
        slots = np.where(fill, t, -1)
        late = ~fill
        if late.any():
            u = self._rng.random(int(late.sum()))
            j = np.minimum(np.floor(u * (t[late] + 1)).astype(np.int64), t[late])
            slots[late] = np.where(j < self.size, j, -1)
        writes = np.flatnonzero(slots >= 0)
        # the last write to a slot wins: keep the final occurrence of each slot
        rev = writes[::-1]
        _, first_in_rev = np.unique(slots[rev], return_index=True)
        final = rev[first_in_rev]
        for i in final.tolist():  # at most `size` slots change per chunk
            self._slot_arrival[slots[i]] = t[i]
            self._slot_item[slots[i]] = chunk[i]
        self.seen += m

    def _filled(self) -> npt.NDArray[np.intp]:
        return np.flatnonzero(self._slot_arrival >= 0)

    @property
    def positions(self) -> npt.NDArray[np.int64]:
        """Arrival numbers (0-based) of the kept respondents, ascending."""
        with self._lock:
            out: npt.NDArray[np.int64] = np.sort(self._slot_arrival[self._filled()])
        return out

    @property
    def items(self) -> list[Any]:
        """The kept arrivals, in arrival order."""
        with self._lock:
            filled = self._filled()
            order = filled[np.argsort(self._slot_arrival[filled])]
            return [self._slot_item[i] for i in order.tolist()]

    def sample(self) -> Sample:
        """The current sample as a :class:`Sample` (population = arrivals seen)."""
        with self._lock:
            pos = self.positions
            seen = self.seen
        k = int(pos.shape[0])
        pi = k / seen if seen else 1.0
        return Sample(
            method="reservoir",
            algorithm=(
                "Algorithm R: arrival t >= size draws u = Generator.random() and "
                "j = floor(u * (t + 1)); if j < size it replaces slot j"
            ),
            seed=self.seed,
            population_size=seen,
            positions=pos,
            inclusion_probabilities=np.full(k, pi),
            weights=np.full(k, 1.0 / pi),
            population_sizes=(seen,),
            sample_sizes=(k,),
        )
