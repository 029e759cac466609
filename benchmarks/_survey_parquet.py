"""The synthetic survey of the engine benchmarks, written to Parquet a row group at a time.

Every engine benchmark uses the same design columns (4 provinces as strata, 48 villages
as PSUs, 1,000 units, weights); each adds its own answer columns through ``more``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROWS_PER_GROUP = 1_000_000


def answers(rng: np.random.Generator, m: int, names: Sequence[str]) -> dict[str, Any]:
    """Answers 1–4 around a respondent's own level, about 2 % skipped (nulls)."""
    import pyarrow as pa

    base = rng.normal(3.0, 0.6, m)[:, None]
    codes = np.clip(np.rint(base + rng.normal(0.0, 0.7, (m, len(names)))), 1, 4).astype(np.int8)
    skipped = rng.random((m, len(names))) < 0.02
    return {name: pa.array(codes[:, j], mask=skipped[:, j]) for j, name in enumerate(names)}


def write_survey(
    path: Path | str,
    n: int,
    seed: int,
    more: Callable[[np.random.Generator, int], dict[str, Any]],
) -> None:
    """``n`` respondents: the design columns, then ``more(rng, rows)`` per row group."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, n, ROWS_PER_GROUP):
        m = min(ROWS_PER_GROUP, n - start)
        province = rng.integers(0, 4, m).astype(np.int8)
        cols: dict[str, Any] = {
            "province": province,
            "village": (province * 12 + rng.integers(0, 12, m)).astype(np.int16),
            "unit": rng.integers(0, 1000, m).astype(np.int32),
            "w": rng.uniform(5.0, 40.0, m),
        }
        cols |= more(rng, m)
        table = pa.table(cols)
        if writer is None:
            writer = pq.ParquetWriter(str(path), table.schema)
        writer.write_table(table, row_group_size=ROWS_PER_GROUP)
    assert writer is not None
    writer.close()
