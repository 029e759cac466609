"""A stratified, clustered, weighted service survey, generated with a fixed seed.

Four provinces (strata), villages as PSUs (clusters), 50 service units (the ``by=``
domains, crossing the PSUs), nine SKM answers on 1–4 with some skipped, an NPS answer on
0–10, a channel (for a proportion) and staff minutes and cases (for a ratio).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

ITEMS = [f"U{j}" for j in range(1, 10)]


def survey(n: int = 4000, seed: int = 20240601) -> dict[str, Any]:
    """The columns of the survey as numpy arrays (answers as float with NaN for a skip)."""
    rng = np.random.default_rng(seed)
    province = rng.integers(0, 4, n)
    village = rng.integers(0, 12, n)
    cols: dict[str, Any] = {
        "province": np.array(["Aceh", "Bali", "Jambi", "Riau"])[province],
        "village": np.char.add(np.char.add(province.astype(str), "-"), village.astype(str)),
        "unit": rng.integers(0, 50, n),
        "w": rng.uniform(5.0, 40.0, n),
        "channel": rng.choice(["desk", "web", "phone"], n),
        "minutes": rng.gamma(4.0, 8.0, n),
        "cases": rng.integers(1, 6, n).astype(np.float64),
        "nps": rng.integers(0, 11, n).astype(np.float64),
    }
    base = rng.normal(0.0, 0.6, n)[:, None] + rng.normal(3.0, 0.3, 9)[None, :]
    answers = np.clip(np.rint(base + rng.normal(0.0, 0.7, (n, 9))), 1, 4)
    answers[rng.random((n, 9)) < 0.03] = np.nan
    for j, item in enumerate(ITEMS):
        cols[item] = answers[:, j]
    return cols


def polars_frame(cols: dict[str, Any]) -> Any:
    """A Polars DataFrame of the columns (answers as nullable Int8)."""
    import polars as pl

    frame = pl.DataFrame(cols)
    return frame.with_columns(
        [pl.col(item).fill_nan(None).cast(pl.Int8) for item in ITEMS]
        + [pl.col("unit").cast(pl.Int32)]
    )


@pytest.fixture(scope="module")
def make_survey() -> Callable[..., Any]:
    """``make_survey(n, seed)`` → the survey as a Polars DataFrame."""
    return lambda n=4000, seed=20240601: polars_frame(survey(n, seed))


# --- paired forms (CSI, IPA, SERVQUAL): a second set of answers and importance points


class Forms:
    """Paired forms over one frame: ``U1…U9`` performance / perceptions, ``I1…I9``
    importance / expectations (1–4, some skipped), and 100 importance points per row
    over the three dimensions (``pa``, ``pb``, ``pc``); item ``Q4`` is reverse-scored."""

    def __init__(self) -> None:
        import servqual as sq

        self.instrument = sq.Instrument(
            id="paired",
            name="Paired forms",
            scale=sq.Scale(min=1, max=4),
            items=[
                sq.Item(id=f"Q{j}", text=f"Q{j}", dimension="abc"[j % 3], reverse=j == 4)
                for j in range(1, 10)
            ],
        )
        self.first = {f"Q{j}": f"U{j}" for j in range(1, 10)}
        self.second = {f"Q{j}": f"I{j}" for j in range(1, 10)}
        self.points = {"a": "pa", "b": "pb", "c": "pc"}

    def add(self, frame: Any, seed: int = 7) -> Any:
        """The frame with the importance answers and the points."""
        import polars as pl

        rng = np.random.default_rng(seed)
        n = frame.height
        second = np.clip(np.rint(rng.normal(3.0, 0.8, (n, 9))), 1, 4)
        second[rng.random((n, 9)) < 0.04] = np.nan
        points = rng.dirichlet([2.0, 2.0, 2.0], n) * 100.0
        points[:, 2] = 100.0 - points[:, 0] - points[:, 1]
        cols = {f"I{j + 1}": pl.Series(second[:, j]).fill_nan(None).cast(pl.Int8) for j in range(9)}
        cols |= {name: pl.Series(points[:, m]) for m, name in enumerate(("pa", "pb", "pc"))}
        return frame.with_columns(**cols)

    def pair(self, frame: Any, **design: Any) -> tuple[Any, Any]:
        """The two forms over ``frame`` (in memory or an engine frame)."""
        import servqual as sq

        return (
            sq.Responses.from_frame(frame, self.instrument, items=self.first, **design),
            sq.Responses.from_frame(frame, self.instrument, items=self.second, **design),
        )


@pytest.fixture(scope="module")
def forms() -> Forms:
    """The paired forms' instrument, column mappings and frame builder."""
    return Forms()
