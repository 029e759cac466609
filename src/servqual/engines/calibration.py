r"""Post-stratification and raking of an engine design, from one group-by (private).

Calibrated weights are the design weights times a factor that is constant on each
calibration cell: ``N_c / N̂_c`` per post-stratum, and for raking a factor per *joint*
cell of the margin columns (iterative proportional fitting scales whole cells, so rows
sharing every margin category keep sharing one factor). So the engine only has to
return the weighted count ``N̂_J = Σ w`` of each joint cell ``J`` (one group-by over the
calibration columns); the factors are computed on the client, on that small table,
with the in-memory arithmetic (:mod:`servqual.design.calibration`): the same checks,
errors, iteration limit and convergence rule.

The estimators of the calibrated design (:mod:`servqual.engines._calibrated`) then add
the calibration columns to their group-by keys: every calibrated total is
``Σ_J φ_J T_J`` and the calibration residuals of R ``survey`` are constant per
(domain, cell) offsets of the influence values.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design.calibration import _check_rake_args, _counts
from servqual.engines._reduce import Cells, EngineDesignSpec, Sum, reduce_cells
from servqual.engines._validate import Rule, check_rules
from servqual.errors import ConvergenceError, DesignError, ValidationError

__all__ = ["EngineCalibration", "poststratify_cells", "rake_cells", "row_weight"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Margin:
    """One post-stratification step on the joint cells.

    Attributes
    ----------
    codes : (J,) int array
        The step's category of each joint cell.
    n_cells : int
        Number of categories.
    factor : (J,) float array
        Weight factor of each joint cell after this step (``w⁽ᵏ⁾ = w φ⁽ᵏ⁾``).
    """

    codes: IntArray
    n_cells: int
    factor: FloatArray


@dataclass(frozen=True)
class EngineCalibration:
    """A calibration of an engine design: weight factors per joint cell of its columns.

    Attributes
    ----------
    kind : {"poststratify", "rake"}
        How the factors were found (it decides the variance residuals).
    columns : tuple of str
        The calibration columns; a joint cell is one combination of their values.
    index : dict
        Joint cell label (a tuple of values) → its position.
    factor : (J,) float array
        Final weight factor of each joint cell.
    margins : tuple of Margin
        The steps: one post-stratum, or the last raking sweep in margin order.
    """

    kind: str
    columns: tuple[str, ...]
    index: dict[tuple[Hashable, ...], int]
    factor: FloatArray
    margins: tuple[Margin, ...]

    def cells_of(self, labels: list[tuple[Hashable, ...]]) -> IntArray:
        """Position of each joint cell label (as the engine returns it).

        Raises
        ------
        servqual.errors.DesignError
            If a label was not in the data when the design was calibrated (the frame's
            source changed since).
        """
        unknown = [label for label in labels if label not in self.index]
        if unknown:
            raise DesignError(
                f"calibration cell {unknown[0]!r} of columns {list(self.columns)!r} was not in "
                "the data when the design was calibrated (did the frame's source change?); "
                "calibrate the design again"
            )
        return np.array([self.index[label] for label in labels], dtype=np.intp)


def row_weight(spec: EngineDesignSpec, col: str) -> Any:
    """Each row's weight as a per-row expression (1 without a weights column).

    ``nw.lit(1.0)`` is a scalar, which the engines refuse to sum per group; a constant
    tied to a column (``col`` is any column of the frame) is summed row by row.
    """
    import narwhals as nw

    if spec.weights is not None:
        return spec.weight_expr()
    return nw.when(nw.col(col).is_null()).then(1.0).otherwise(1.0)


def _joint_table(
    lazy: Any, spec: EngineDesignSpec, cols: tuple[str, ...]
) -> tuple[list[tuple[Hashable, ...]], FloatArray, Cells]:
    """Labels of the joint cells of ``cols`` and their weighted counts (one group-by).

    A missing label is the in-memory error ("calibration column 'x' is missing in ...").
    """
    names = set(lazy.collect_schema().names())
    for col in cols:
        if col not in names:
            raise ValidationError(f"column {col!r} is not in the data; columns: {sorted(names)}")
    sums = {"w": Sum(row_weight(spec, cols[0]), 1)}
    cells = reduce_cells(lazy, spec, cols, sums, [], by_field="calibration column")
    assert cells.domains is not None  # internal: grouped by the calibration columns
    return joint_labels(cells, len(cols)), cells.total("w"), cells


def joint_labels(cells: Cells, n_cols: int) -> list[tuple[Hashable, ...]]:
    """Each domain's raw label as a tuple (one value per column)."""
    assert cells.domains is not None  # internal: grouped by the calibration columns
    labels = cells.domains.labels
    return [(lab,) for lab in labels] if n_cols == 1 else [tuple(lab) for lab in labels]  # type: ignore[arg-type]  # labels are tuples with several columns


def _margin_codes(
    lazy: Any,
    labels: list[tuple[Hashable, ...]],
    part: int,
    col: str,
    counts: dict[Hashable, float],
    what: str,
) -> tuple[IntArray, FloatArray]:
    """Category of each joint cell in one margin, and the targets (the in-memory checks)."""
    from servqual.design._build import category_codes

    values = np.empty(len(labels), dtype=object)
    values[:] = [lab[part] for lab in labels]
    inverse, cats = category_codes(values, f"calibration column {col!r}")
    keys = list(counts)
    index = {key: i for i, key in enumerate(keys)}
    unknown = [lab for lab in cats if lab not in index]
    if unknown:
        import narwhals as nw

        def message(place: str, value: object, n: int) -> str:
            return (
                f"category {value!r} of column {col!r} (first in {place}) is not in the "
                f"{what}; its categories: {keys!r}"
            )

        check_rules(lazy, [Rule(nw.col(col) == unknown[0], col, DesignError, message)])
        raise DesignError(message("a row", unknown[0], 1))  # the engine found no such row
    present = {index[lab] for lab in cats}
    empty = [key for key in keys if index[key] not in present]
    if empty:
        raise DesignError(
            f"{what} category {empty[0]!r} (count {counts[empty[0]]:g}) has no rows in the "
            f"sample, so no weight can be calibrated to it; merge it with a neighbouring "
            f"category (column {col!r})"
        )
    to_key = np.array([index[lab] for lab in cats], dtype=np.intp)
    return to_key[inverse], np.array([counts[k] for k in keys], dtype=np.float64)


def _check_weight(
    weights: FloatArray, codes: IntArray, targets: FloatArray, keys: list[Hashable], col: str
) -> None:
    sums = np.bincount(codes, weights=weights, minlength=targets.shape[0])
    zero = np.flatnonzero(sums <= 0)
    if zero.size:
        raise DesignError(
            f"category {keys[int(zero[0])]!r} of column {col!r} has sample rows but their "
            "weights sum to 0, so they cannot be scaled to its population count"
        )


def _scaled(factor: FloatArray, weight: FloatArray, codes: IntArray, targets: FloatArray) -> Any:
    """Factors after post-stratifying the cells' weighted counts ``factor · weight``."""
    sums = np.bincount(codes, weights=factor * weight, minlength=targets.shape[0])
    return factor * (targets / sums)[codes]


def poststratify_cells(
    lazy: Any, spec: EngineDesignSpec, col: str, population: Mapping[Any, float]
) -> EngineCalibration:
    """Post-stratification factors ``N_c / N̂_c`` from the engine's weighted counts.

    Raises the errors of :func:`servqual.design.calibration.poststratify`.
    """
    counts = _counts(population, "population")
    labels, weight, _ = _joint_table(lazy, spec, (col,))
    codes, targets = _margin_codes(lazy, labels, 0, col, counts, "population")
    _check_weight(weight, codes, targets, list(counts), col)
    factor = _scaled(np.ones_like(weight), weight, codes, targets)
    index = {label: i for i, label in enumerate(labels)}
    step = Margin(codes, targets.shape[0], factor)
    return EngineCalibration("poststratify", (col,), index, factor, (step,))


def rake_cells(
    lazy: Any,
    spec: EngineDesignSpec,
    margins: Mapping[str, Mapping[Any, float]],
    *,
    max_iter: int,
    tol: float,
) -> EngineCalibration:
    """Raking factors per joint cell: iterative proportional fitting on the joint table.

    Scaling every row of a margin category by one factor scales whole joint cells, so
    the fitting on the table of weighted counts gives the rows' raked weights exactly.
    Raises the errors of :func:`servqual.design.calibration.rake`.
    """
    counts = _check_rake_args(margins, max_iter, tol)
    cols = tuple(counts)
    labels, weight, joint = _joint_table(lazy, spec, cols)
    cells = []
    for part, (col, c) in enumerate(counts.items()):
        codes, targets = _margin_codes(lazy, labels, part, col, c, f"margin {col!r}")
        _check_weight(weight, codes, targets, list(c), col)
        cells.append((codes, targets))
    total = float(cells[0][1].sum())
    factor = np.ones_like(weight)
    for _ in range(int(max_iter)):
        start = factor
        sweep = []
        for codes, targets in cells:
            factor = _scaled(factor, weight, codes, targets)
            sweep.append(Margin(codes, targets.shape[0], factor))
        error = _margin_error(factor * weight, cells, total)
        if error <= tol:
            index = {label: i for i, label in enumerate(labels)}
            return EngineCalibration("rake", cols, index, factor, tuple(sweep))
    largest = _largest_weight(lazy, spec, cols, labels, joint)
    change = float(np.max(np.abs(factor - start) * largest))
    raise ConvergenceError(
        f"rake did not converge in {max_iter} iterations: the margins are still off by up "
        f"to {error:.3g} of the population total (tol={tol:g}); "
        f"the weights changed by up to {change:.3g} in the last iteration. Some margin "
        "combinations may have no sample rows; check the margins or raise max_iter"
    )


def _largest_weight(
    lazy: Any,
    spec: EngineDesignSpec,
    cols: tuple[str, ...],
    labels: list[tuple[Hashable, ...]],
    joint: Cells,
) -> FloatArray:
    """Largest row weight of each joint cell (for the non-convergence message only)."""
    if spec.weights is None:  # 1, or N_h / n_h from the fpc: constant per stratum
        unit = np.ones(len(joint.strata.strata))
        if spec.fpc is not None:
            unit = joint.strata.pop / np.maximum(joint.strata.psu_per_stratum, 1)
        out = np.zeros(len(labels))
        np.maximum.at(out, joint.g, unit[joint.h])
        return out
    import narwhals as nw

    query = lazy.group_by(*cols).agg(nw.col(spec.weights).cast(nw.Float64).max().alias("__max"))
    got = query.collect()
    keys = zip(*[np.asarray(got[c].to_numpy()).tolist() for c in cols], strict=True)
    top = dict(zip(keys, np.asarray(got["__max"].to_numpy(), dtype=np.float64), strict=True))
    return np.array([top[label] for label in labels], dtype=np.float64)


def _margin_error(
    cell_weight: FloatArray, cells: list[tuple[IntArray, FloatArray]], total: float
) -> float:
    """Largest |weighted margin count − population count|, relative to the total."""
    worst = 0.0
    for codes, targets in cells:
        sums = np.bincount(codes, weights=cell_weight, minlength=targets.shape[0])
        worst = max(worst, float(np.max(np.abs(sums - targets))))
    return worst / total
