"""Speeders and bursts from the time each form was submitted.

Forms are ordered by time within each interviewer (all forms form one stream when no
interviewer is given). A *speeder* is a form submitted less than ``min_seconds`` after the
same interviewer's previous form: nobody asks and records ``k`` items that fast. A *burst*
is ``burst_size`` or more forms by one interviewer within ``burst_seconds``: forms filled
in a batch, at a desk, rather than with the people served. Both are counts of time, not
tests; tune the thresholds to how the survey was run.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DataFormatError

__all__ = ["seconds", "timing_flags"]

FloatArray = npt.NDArray[np.float64]


def seconds(values: npt.NDArray[Any]) -> FloatArray:
    """Timestamps as seconds (numbers as given; datetimes and ISO 8601 text parsed); NaN = none."""
    if values.dtype.kind in "iuf":
        return np.asarray(values, dtype=np.float64)
    if values.dtype.kind != "M":
        text = np.asarray(values).astype(str)
        text[np.isin(text, ("", "nan", "None", "NaT"))] = "NaT"
        try:
            values = text.astype("datetime64[ns]")
        except ValueError:
            bad = next(i for i, v in enumerate(text.tolist()) if not _parses(v))  # error path
            raise DataFormatError(
                f"timestamp in row {bad} is {str(text[bad])!r}: expected a number of seconds or an "
                "ISO 8601 date-time such as '2026-03-02T09:15:00'"
            ) from None
    ns = values.astype("datetime64[ns]")
    out = ns.astype(np.int64).astype(np.float64) / 1e9
    out[np.isnat(ns)] = np.nan
    return out


def _parses(text: str) -> bool:
    try:
        np.datetime64(text)
    except ValueError:
        return False
    return True


def timing_flags(
    t: FloatArray,
    source: npt.NDArray[Any] | None,
    *,
    min_seconds: float,
    burst_seconds: float,
    burst_size: int,
) -> tuple[npt.NDArray[np.bool_], list[list[int]]]:
    """Rows that are speeders, and bursts as lists of rows (sorted by time)."""
    n = t.size
    src = np.zeros(n, dtype=np.intp) if source is None else _codes(source)
    rows = np.flatnonzero(~np.isnan(t))
    order = rows[np.lexsort((t[rows], src[rows]))]  # by interviewer, then time
    if order.size == 0:
        return np.zeros(n, dtype=bool), []
    ts, ss = t[order], src[order]
    same = np.concatenate([[False], ss[1:] == ss[:-1]])
    gap = np.concatenate([[np.inf], np.diff(ts)])
    speeder = np.zeros(n, dtype=bool)
    speeder[order[same & (gap < min_seconds)]] = True
    # a burst starts at position i when form i + size − 1 is by the same interviewer and
    # within the window; overlapping windows merge into one run
    m = order.size
    ahead = burst_size - 1
    in_burst = np.zeros(m, dtype=bool)
    if ahead >= 0 and m > ahead:
        start = np.arange(m - ahead)
        ok = (ss[start] == ss[start + ahead]) & (ts[start + ahead] - ts[start] <= burst_seconds)
        cover = np.zeros(m + 1, dtype=np.intp)
        np.add.at(cover, start[ok], 1)
        np.add.at(cover, start[ok] + ahead + 1, -1)
        in_burst = np.cumsum(cover)[:m] > 0
    bursts: list[list[int]] = []
    if in_burst.any():
        edges = np.flatnonzero(np.diff(np.concatenate([[0], in_burst.astype(np.int8), [0]])))
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            # split a run where the interviewer changes
            seg = np.arange(a, b)
            cuts = np.flatnonzero(ss[seg][1:] != ss[seg][:-1]) + 1
            for part in np.split(seg, cuts):
                if part.size >= burst_size:
                    bursts.append(sorted(order[part].tolist()))
    return speeder, bursts


def _codes(values: npt.NDArray[Any]) -> npt.NDArray[np.intp]:
    _, inverse = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return np.asarray(inverse.ravel(), dtype=np.intp)
