r"""Means, totals, ratios and shares of a calibrated engine design (private).

The estimator of :func:`servqual.engines._linear.linear`, on the cells of a calibrated
design (:mod:`servqual.engines._calibrated_variance`): the point values and design
effects from the calibrated sums, the variance from the calibration residuals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._backends import Variances
from servqual.design._estimators import IntervalKind, Kind, RatioStatistic
from servqual.design._front import domain_estimates
from servqual.engines._calibrated_variance import (
    calibrated_reduce,
    calibrated_variances,
    merged,
)
from servqual.engines._linear import (
    EngineBackend,
    check_arguments,
    row_values,
    subset_df,
    variables,
)
from servqual.engines._reduce import Cells, EngineDesignSpec, Sum, by_columns
from servqual.engines.calibration import EngineCalibration, row_weight
from servqual.models.results import Estimate
from servqual.stats.variance import srs_variance_from_sums

__all__ = ["calibrated_linear"]

FloatArray = npt.NDArray[np.float64]


def _variables(lazy: Any, kind: Kind, cols: tuple[str, ...], success: object, w: Any) -> Any:
    """The sums of :func:`servqual.engines._linear.variables`, and those the residuals need.

    ``wall``: every row's weight (a residual is non-zero on every row of its cell);
    ``y0``, ``x0``, ``posall``: unweighted sums and counts over positive weights (the
    plain cell means of R's raking variance).
    """
    import narwhals as nw

    y, x, _, _ = row_values(lazy, kind, cols, success)
    positive = nw.when(w > 0).then(1.0).otherwise(0.0)
    extra = {
        "wall": Sum(w, 1),
        "y0": Sum(y * positive, 0),
        "x0": Sum(x * positive, 0),
        "posall": Sum(positive, 0),
    }
    return variables(lazy, kind, cols, success, w) | extra


def calibrated_linear(
    lazy: Any,
    spec: EngineDesignSpec,
    cal: EngineCalibration,
    kind: Kind,
    cols: tuple[str, ...],
    by: Any,
    *,
    level: float,
    na: str,
    interval: IntervalKind = "t",
    success: object = None,
    method: str | None = None,
    df_rule: str = "design",
) -> tuple[list[Estimate], Cells]:
    """As :func:`servqual.engines._linear.linear`, on the calibrated design."""
    level = check_arguments(lazy, cols, level, na, interval, df_rule, success)
    by_cols = by_columns(lazy, by)
    sums = _variables(lazy, kind, cols, success, row_weight(spec, cols[0]))
    cc = calibrated_reduce(
        lazy, spec, cal, by_cols, sums, ["wy", "wx", "wall"], by_field="domain column"
    )
    cells, final = cc.cells, cc.final
    ty, tx = final.total("wy"), final.total("wx")
    labels = [None] if cells.domains is None else cells.domains.labels
    stat = RatioStatistic(
        kind, np.zeros(0), None, np.zeros(0, dtype=np.intp), cells.n_groups, labels
    )
    if kind == "total":
        coef, value = np.column_stack([np.ones_like(ty), np.zeros_like(ty)]), ty
    else:
        stat.check(tx)
        value = ty / tx
        coef = np.column_stack([1.0 / tx, -value / tx])
    var = calibrated_variances(cc, ["wy", "wx"], ["y0", "x0"], coef)
    deff = _deff(final, coef, var)
    counts = np.rint(final.total("rows")).astype(np.intp)
    df: float | FloatArray | None = cells.df if (interval == "t" or method is not None) else None
    if method is not None and cells.domains is not None and df_rule == "domain":
        df = subset_df(merged(cells))
    ests = domain_estimates(
        EngineBackend(cells.df),
        value,
        Variances(var, deff),
        counts,
        df,
        level,
        several=cells.domains is not None and method is None,
        proportion=method,
    )
    return ests, final


def _deff(final: Cells, coef: FloatArray, var: FloatArray) -> FloatArray:
    """Design effects: the variance over the simple-random one on the calibrated weights."""
    sum_wz = coef[:, 0] * final.total("wy") + coef[:, 1] * final.total("wx")
    sum_wzz = (
        coef[:, 0] ** 2 * final.total("wyy")
        + 2.0 * coef[:, 0] * coef[:, 1] * final.total("wxy")
        + coef[:, 1] ** 2 * final.total("wxx")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = srs_variance_from_sums(final.total("pos"), final.total("w"), sum_wz, sum_wzz)
        return np.asarray(np.where(vsrs > 0, var / np.where(vsrs > 0, vsrs, 1.0), np.nan))
