"""The reduce step on a Dask DataFrame: each partition to its cell table, then a tree merge.

Dask's own group-by aggregates plain columns only, so every summed variable would first
be a column of every partition (28 float columns for the SKM index, 224 MB per 1,000,000
rows). Here each partition is reduced where it lives (``map_partitions``): its rows are
coded once by cell, and the variables are evaluated two at a time with the same
narwhals expressions and summed by ``np.bincount``, so a worker holds its partition, one
cell code per row and a small batch of variables. The per-partition cell tables (one row
per non-empty cell) are then merged by Dask's group-by sum, a tree reduction; the client
receives only the merged cells.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["dask_cells"]

BATCH = 2  # variables evaluated at once per partition: 2 float64 columns of its rows


def _partition_cells(
    part: Any, keys: list[str], exprs: dict[str, Any], fpc: Any, batch: int
) -> Any:
    """One pandas partition → its cells: the keys, ``__rows``, the sums (and fpc range)."""
    import narwhals as nw
    import pandas as pd

    frame = nw.from_native(part, eager_only=True)
    if keys:  # the cell of each row (null keys kept: the caller reports them)
        grouped_rows = part.groupby(keys, sort=False, dropna=False, observed=True)
        codes = grouped_rows.ngroup().to_numpy()
        n_cells = int(codes.max()) + 1 if len(codes) else 0
        first = np.unique(codes, return_index=True)[1]
        out = part[keys].iloc[first].reset_index(drop=True)
    else:
        codes, n_cells = np.zeros(len(part), dtype=np.intp), 1
        out = pd.DataFrame(index=[0])
    cols = {"__rows": np.bincount(codes, minlength=n_cells).astype(np.int64)}
    names = list(exprs)
    for start in range(0, len(names), batch):
        chunk = names[start : start + batch]
        values = frame.select(**{name: exprs[name] for name in chunk})
        for name in chunk:
            column = np.asarray(values[name].to_numpy(), dtype=np.float64)
            column = np.nan_to_num(column)  # a null sums as nothing (to_numpy may be read-only)
            cols[name] = np.bincount(codes, weights=column, minlength=n_cells)
    if fpc is not None:
        bound = pd.Series(np.asarray(frame.select(fpc)["__sq_fpc"].to_numpy(), np.float64))
        grouped = bound.groupby(codes)
        cols["__fpc_lo"] = grouped.min().reindex(range(n_cells)).to_numpy()
        cols["__fpc_hi"] = grouped.max().reindex(range(n_cells)).to_numpy()
    # one concat: inserting column by column fragments the frame (and pandas warns)
    return pd.concat([out, pd.DataFrame(cols, index=out.index)], axis=1)


def dask_cells(lazy: Any, keys: list[str], sums: dict[str, Any], fpc: Any) -> Any:
    """The cell table of a narwhals Dask frame, as a pandas DataFrame.

    ``sums`` maps a name to its row expression (already the variable to sum: a count is
    its 0/1 flag); ``fpc`` is the fpc column expression or None. The merge keeps null
    keys (a missing ``by`` label is reported by the caller, as on the other engines).
    """
    import narwhals as nw

    native = lazy.to_native()
    exprs = {name: expr.cast(nw.Float64) for name, expr in sums.items()}
    fpc_expr = None if fpc is None else fpc.alias("__sq_fpc")
    meta = _partition_cells(native._meta, keys, exprs, fpc_expr, BATCH)
    cells = native.map_partitions(
        _partition_cells, keys, exprs, fpc_expr, BATCH, meta=meta, align_dataframes=False
    )
    how = dict.fromkeys(["__rows", *exprs], "sum")
    if fpc is not None:
        how |= {"__fpc_lo": "min", "__fpc_hi": "max"}
    if keys:
        merged = cells.groupby(keys, dropna=False, observed=True).agg(how)
        return merged.reset_index().compute()
    # no keys: one row per partition comes back, merged here
    return cells.compute().agg(how).to_frame().T.reset_index(drop=True)
