"""GREG calibration, weight trimming, calibrated replicate designs (R ``calibrate``).

Population totals are given per auxiliary column: a number for a numeric column (its
population total), or a mapping category → count for a categorical one. The model
always has an intercept (R's ``~a + b``): it is the population size, taken from a
categorical margin's counts or from ``size=``. The g-weights, bounds and residuals follow
:mod:`servqual.stats.greg` (R survey 4.1.1 ``calibrate(..., calfun="linear")``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from servqual.design._build import missing_mask
from servqual.design._inputs import codes_of
from servqual.errors import ParameterError, ValidationError
from servqual.stats.greg import CalFun, GregStep, greg_g

if TYPE_CHECKING:
    from servqual.design.design import Design
    from servqual.design.replicates import ReplicateDesign

__all__ = ["calibrate", "calibrate_replicates", "trim_weights"]

FloatArray = npt.NDArray[np.float64]
Population = Mapping[str, "float | Mapping[Hashable, float]"]


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _numeric(raw: npt.NDArray[Any], name: str) -> FloatArray:
    bad = np.flatnonzero(missing_mask(raw))
    if bad.size:
        raise ValidationError(
            f"calibration column {name!r} has a missing value in row {int(bad[0])}"
        )
    try:
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"calibration column {name!r} is not numeric") from None


def model_matrix(
    design: Any, population: Population, size: float | None
) -> tuple[FloatArray, FloatArray]:
    """Model matrix (n, p) and population totals (p,) spanning R's ``~intercept + terms``."""
    if not isinstance(population, Mapping) or not population:
        raise ParameterError(
            "population must map column → total or column → {category: count}, "
            f"got {population!r}"
        )
    n = design.n_rows
    cols: list[FloatArray] = []
    totals: list[float] = []
    implied: float | None = None
    intercept = False  # spanned by the levels of the first categorical margin
    for name, spec in population.items():
        if isinstance(spec, Mapping):
            codes, labels, _ = codes_of(design, name, "fail")
            counts = {
                str(k): _number(v, f"population count of {name}={k!r}") for k, v in spec.items()
            }
            missing = [str(lb) for lb in labels if str(lb) not in counts]
            if missing:
                raise ValidationError(
                    f"calibration column {name!r} has category {missing[0]!r}, which has no "
                    f"population count; counts given for {sorted(counts)}"
                )
            total = sum(counts.values())
            if implied is not None and not math.isclose(total, implied, rel_tol=1e-9):
                raise ValidationError(
                    f"the population counts of {name!r} sum to {total:g}, but an earlier "
                    f"margin sums to {implied:g}"
                )
            implied = total
            for k, label in enumerate(labels):
                if k == 0 and intercept:
                    continue  # R's treatment coding: the intercept spans the first level
                cols.append((codes == k).astype(np.float64))
                totals.append(counts[str(label)])
            intercept = True
            for key, count in counts.items():
                if key not in {str(lb) for lb in labels} and count != 0:
                    raise ValidationError(
                        f"category {key!r} of {name!r} has population count {count:g} but "
                        "no row in the sample: the totals cannot be met"
                    )
        else:
            cols.append(_numeric(design.column(name), name))
            totals.append(_number(spec, f"population total of {name!r}"))
    if implied is None:
        if size is None:
            raise ParameterError(
                "without a categorical margin, give the population size (the intercept) as size="
            )
        cols.insert(0, np.ones(n))
        totals.insert(0, _number(size, "size"))
    elif size is not None and not math.isclose(_number(size, "size"), implied, rel_tol=1e-9):
        raise ValidationError(f"size={size:g} differs from the margins' sum {implied:g}")
    return np.column_stack(cols), np.asarray(totals, dtype=np.float64)


def _calfun(calfun: object) -> CalFun:
    if calfun not in ("linear", "raking", "logit"):
        raise ParameterError(f"calfun must be one of ['linear', 'raking', 'logit'], got {calfun!r}")
    return calfun


def _bounds(bounds: tuple[float, float] | None) -> tuple[float, float]:
    if bounds is None:
        return (-math.inf, math.inf)
    if not isinstance(bounds, tuple | list) or len(bounds) != 2:
        raise ParameterError(f"bounds must be a (lower, upper) pair, got {bounds!r}")
    lower, upper = (float(b) for b in bounds)
    if not lower <= 1.0 <= upper:
        raise ParameterError(f"bounds must satisfy lower <= 1 <= upper, got {bounds!r}")
    return lower, upper


def calibrate(
    design: Design,
    population: Population,
    *,
    size: float | None = None,
    bounds: tuple[float, float] | None = None,
    calfun: CalFun = "linear",
    max_iter: int = 50,
    tol: float = 1e-7,
) -> Design:
    """A new design with GREG-calibrated weights; see :meth:`Design.calibrate`."""
    from servqual.design.design import Design

    model, g_of = _g_factors(design, population, size, bounds, calfun, max_iter, tol)
    w0 = design.arrays.weights
    g = g_of(w0)
    step = GregStep(model, w0, g)
    arrays = design.arrays.with_weights(w0 * g, calibration=(*design.arrays.calibration, step))
    return Design._from_arrays(_columns(design), arrays, design)


def _g_factors(
    design: Design | ReplicateDesign,
    population: Population,
    size: float | None,
    bounds: tuple[float, float] | None,
    calfun: CalFun,
    max_iter: int,
    tol: float,
) -> tuple[FloatArray, Callable[[FloatArray], FloatArray]]:
    """The model matrix and the GREG g-factors of any base weights, arguments checked once."""
    model, totals = model_matrix(design, population, size)
    b, cf = _bounds(bounds), _calfun(calfun)

    def g_of(w: FloatArray) -> FloatArray:
        return greg_g(model, w, totals, bounds=b, calfun=cf, max_iter=max_iter, tol=tol)

    return model, g_of


def _columns(design: Design | ReplicateDesign) -> dict[str, Any]:
    """The design's columns by name, to build the new design from."""
    return {name: design.column(name) for name in design.columns}


def _trimmed(w: FloatArray, lower: float, upper: float, strict: bool) -> FloatArray:
    """R ``trimWeights``: clip, then share the trimmed amount equally among the others."""
    while True:
        outside = (w < lower) | (w > upper)
        if not outside.any():
            return w
        new = np.clip(w, lower, upper)
        inside = ~outside
        new[inside] += float(np.sum(w - new)) / int(inside.sum())
        w = new
        if not strict:
            return w


def trim_weights(
    design: Design, *, lower: float = -math.inf, upper: float = math.inf, strict: bool = False
) -> Design:
    """A new design with trimmed weights; see :meth:`Design.trim_weights`."""
    from servqual.design.design import Design

    lo, hi = _number_or_inf(lower, "lower"), _number_or_inf(upper, "upper")
    if lo > hi:
        raise ParameterError(f"lower {lower!r} is above upper {upper!r}")
    w = _trimmed(design.arrays.weights.copy(), lo, hi, strict)
    return Design._from_arrays(_columns(design), design.arrays.with_weights(w), design)


def _number_or_inf(value: object, what: str) -> float:
    if isinstance(value, float) and math.isinf(value):
        return value
    return _number(value, what)


def calibrate_replicates(
    design: ReplicateDesign,
    population: Population,
    *,
    size: float | None = None,
    bounds: tuple[float, float] | None = None,
    calfun: CalFun = "linear",
    max_iter: int = 50,
    tol: float = 1e-7,
) -> ReplicateDesign:
    """Calibrate the full-sample and every replicate's weights (R ``calibrate(svrepdesign)``)."""
    from servqual.design.replicates import ReplicateDesign

    _, g_of = _g_factors(design, population, size, bounds, calfun, max_iter, tol)
    columns = _columns(design)
    columns[design.weights_column] = design.weights * g_of(design.weights)
    reps = design.replicate_weights
    for j, name in enumerate(design.replicate_columns):
        columns[name] = reps[:, j] * g_of(reps[:, j])
    fixed_scale = design.type not in ("BRR", "Fay")
    return ReplicateDesign(
        columns,
        weights=design.weights_column,
        replicate_weights=list(design.replicate_columns),
        type=design.type,
        scale=design.scale if fixed_scale else None,
        rscales=list(design.rscales),
        rho=design.rho,
        mse=design.mse,
    )
