"""A one-line progress display on stderr for long reads and resampling (private).

``progress=True`` in :func:`servqual.read_csv` and the bootstraps draws it; the
``servqual`` command draws it when stderr is a terminal, unless ``--quiet``. It redraws
at most five times a second and never writes to stdout, so piped output stays clean.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    r"""Counts done (rows or resamples), elapsed time and rate, redrawn in place.

    Parameters
    ----------
    what : str
        What is being done ("reading survey.csv", "bootstrap").
    unit : str
        What is counted ("rows", "resamples").
    total : int, optional
        The count when done, for a percentage; or the file size, see :meth:`update`.
    stream : text stream, optional
        Where to draw (default ``sys.stderr`` at the time of drawing).
    interval : float
        Seconds between redraws.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress("bootstrap", "resamples", total=2000, stream=out, interval=0.0)
    >>> bar.update(500)
    >>> bar.close()
    >>> out.getvalue().split("\r")[1].startswith("bootstrap: 500 resamples, 25%")
    True
    """

    def __init__(
        self,
        what: str,
        unit: str,
        *,
        total: int | None = None,
        stream: TextIO | None = None,
        interval: float = 0.2,
    ) -> None:
        self.what = what
        self.unit = unit
        self.total = total
        self._stream = stream
        self._interval = interval
        self._start = time.perf_counter()
        self._last = -float("inf")
        self._done = 0
        self._fraction: float | None = None
        self._width = 0

    def update(self, done: int, *, fraction: float | None = None) -> None:
        """Set the count done (and the fraction of the work, when known otherwise)."""
        self._done = done
        if fraction is not None:
            self._fraction = fraction
        now = time.perf_counter()
        if now - self._last >= self._interval:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self._start
        rate = self._done / elapsed if elapsed > 0 else 0.0
        fraction = self._fraction
        if fraction is None and self.total:
            fraction = self._done / self.total
        share = "" if fraction is None else f", {100.0 * min(fraction, 1.0):.0f}%"
        line = (
            f"{self.what}: {self._done:,} {self.unit}{share}, {elapsed:.1f} s, "
            f"{rate:,.0f} {self.unit}/s"
        )
        pad = " " * max(0, self._width - len(line))
        self._width = len(line)
        stream = self._stream if self._stream is not None else sys.stderr
        stream.write(f"\r{line}{pad}")
        stream.flush()

    def close(self) -> None:
        """Draw the final count and end the line."""
        self._draw(time.perf_counter())
        stream = self._stream if self._stream is not None else sys.stderr
        stream.write("\n")
        stream.flush()
