"""The weighted SERVQUAL's importance points and per-respondent scores, in memory (private).

Each respondent allocates 100 points over the dimensions; the weighted SERVQUAL is the
design mean of ``S_i = Σ_d (points_id / 100) · Q̄_id`` with ``Q̄_id`` the respondent's
mean gap on dimension ``d`` (the engine computes the same score row by row:
:mod:`servqual.engines.gaps`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from servqual.errors import ParameterError
from servqual.indices import _common as c
from servqual.responses import Responses

__all__ = ["Points", "points_matrix", "weighted_scores"]

FloatArray = npt.NDArray[np.float64]
Points = npt.ArrayLike | Mapping[str, npt.ArrayLike]


def points_matrix(points: Points, responses: Responses, dims: list[str]) -> FloatArray:
    """Validated (n, d) importance points in dimension order, each row summing to 100."""
    n = responses.n
    if isinstance(points, Mapping):
        unknown = [k for k in points if k not in dims]
        missing = [d for d in dims if d not in points]
        if unknown or missing:
            raise ParameterError(
                f"importance_points must have one entry per dimension {dims}; "
                f"unknown: {unknown}, missing: {missing}"
            )
        arr = np.column_stack([np.asarray(points[d], dtype=np.float64) for d in dims])
    else:
        arr = np.asarray(points, dtype=np.float64)
    if arr.shape != (n, len(dims)):
        raise ParameterError(
            f"importance_points must be (respondents × dimensions) = ({n}, {len(dims)}), "
            f"got shape {arr.shape}"
        )
    bad = np.flatnonzero(~np.isfinite(arr).all(axis=1) | (arr < 0).any(axis=1))
    if bad.size:
        i = int(bad[0])
        raise ParameterError(
            f"importance points of respondent {c.plain(responses.respondent_ids[i])!r} (row {i}) "
            f"must be finite and non-negative, got {arr[i].tolist()}"
        )
    sums = arr.sum(axis=1)
    off = np.flatnonzero(np.abs(sums - 100.0) > 1e-6)
    if off.size:
        i = int(off[0])
        raise ParameterError(
            f"importance points of respondent {c.plain(responses.respondent_ids[i])!r} (row {i}) "
            f"sum to {sums[i]:g}, not 100"
            + (f" ({off.size} respondents in all)" if off.size > 1 else "")
        )
    return arr


def weighted_scores(gaps: FloatArray, cols: dict[str, list[int]], pts: FloatArray) -> FloatArray:
    """Per-respondent ``Σ_d pts/100 · mean gap on d`` (NaN if a dimension has no pair)."""
    out = np.zeros(gaps.shape[0])
    for d, j in enumerate(cols.values()):
        g = gaps[:, j]
        k = (~np.isnan(g)).sum(axis=1)
        total = np.where(np.isnan(g), 0.0, g).sum(axis=1)
        mean = np.divide(total, k, out=np.full(total.shape, np.nan), where=k > 0)
        out = out + pts[:, d] / 100.0 * mean
    return out
