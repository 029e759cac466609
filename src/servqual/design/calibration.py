"""Calibration of a design's weights to known population counts: post-stratification, raking.

Both functions return a new :class:`~servqual.Design` with the same data and sampling
design and calibrated weights (the original is unchanged). The new design remembers each
calibration step, so every estimator on it (``mean``, ``total``, ``proportion``, domains,
indices) reports the calibrated standard error automatically: R ``survey``'s
``postStratify`` and ``rake`` variances (see :mod:`servqual.stats.calibration`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from servqual.design._build import category_codes
from servqual.errors import ConvergenceError, DesignError, ParameterError, ServqualTypeError
from servqual.stats.calibration import (
    PostStratum,
    Raking,
    cell_totals,
    poststratified_weights,
)

if TYPE_CHECKING:
    from servqual.design.design import Design

__all__ = ["poststratify", "rake"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _counts(population: Any, what: str) -> dict[Hashable, float]:
    if not isinstance(population, Mapping):
        raise ServqualTypeError(
            f"{what} must be a mapping category → population count, got {type(population).__name__}"
        )
    if not population:
        raise ParameterError(f"{what} is empty: give the population count of every category")
    out: dict[Hashable, float] = {}
    for key, count in population.items():
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, numbers.Real):
            raise ServqualTypeError(f"{what}: the count of {key!r} must be a number, got {count!r}")
        if not (math.isfinite(float(count)) and float(count) > 0):
            raise ParameterError(
                f"{what}: the count of {key!r} must be a positive number, got {count!r}"
            )
        out[key] = float(count)
    return out


def _cells(
    design: Design, col: str, counts: dict[Hashable, float], what: str
) -> tuple[IntArray, FloatArray]:
    """Cell code of each row (index into the population categories) and the targets."""
    inverse, labels = category_codes(design.column(col), f"calibration column {col!r}")
    keys = list(counts)
    index = {key: i for i, key in enumerate(keys)}
    unknown = [lab for lab in labels if lab not in index]
    if unknown:
        row = int(np.flatnonzero(inverse == labels.index(unknown[0]))[0])
        raise DesignError(
            f"category {unknown[0]!r} of column {col!r} (first in row {row}) is not in the "
            f"{what}; its categories: {keys!r}"
        )
    present = {index[lab] for lab in labels}
    empty = [key for key in keys if index[key] not in present]
    if empty:
        raise DesignError(
            f"{what} category {empty[0]!r} (count {counts[empty[0]]:g}) has no rows in the "
            f"sample, so no weight can be calibrated to it; merge it with a neighbouring "
            f"category (column {col!r})"
        )
    to_key = np.array([index[lab] for lab in labels], dtype=np.intp)
    codes = to_key[inverse]
    return codes, np.array([counts[k] for k in keys], dtype=np.float64)


def _check_weight_in_cells(
    weights: FloatArray, codes: IntArray, targets: FloatArray, keys: list[Hashable], col: str
) -> None:
    sums = cell_totals(codes, targets.shape[0], weights)
    zero = np.flatnonzero(sums <= 0)
    if zero.size:
        raise DesignError(
            f"category {keys[int(zero[0])]!r} of column {col!r} has sample rows but their "
            "weights sum to 0, so they cannot be scaled to its population count"
        )


def _in_engine(design: Design) -> bool:
    """Whether the design's rows stay in an engine (its own calibration reduces there)."""
    from servqual.engines.design import EngineDesign  # imports the design package

    return isinstance(design, EngineDesign)


def _calibrated(design: Design, weights: FloatArray, steps: tuple[Any, ...]) -> Design:
    return design.calibrated(weights=weights, steps=steps)


def poststratify(design: Design, col: str, population: Mapping[Any, float]) -> Design:
    r"""Post-stratify a design's weights to known population counts.

    Parameters
    ----------
    design : Design
        The survey design.
    col : str
        Column holding each row's post-stratum (category).
    population : mapping
        Category → population count, one entry for every category in ``col``.

    Returns
    -------
    Design
        The same data and sampling design with weights :math:`w_i N_c / \hat N_c`
        (:math:`\hat N_c` the weighted sample count of the row's category ``c``). The
        input design is unchanged.

    Raises
    ------
    servqual.errors.DesignError
        If a category in the sample is missing from ``population``, a population
        category has no sample rows, or a category's weights sum to 0.
    servqual.errors.ParameterError
        If a count is not a positive finite number, or ``population`` is empty.
    servqual.errors.ServqualTypeError
        If ``population`` is not a mapping or a count is not a number.

    Notes
    -----
    The standard errors of every estimator on the returned design are those of R's
    ``postStratify``: the linearized values are replaced by their residuals from the
    weighted mean within each post-stratum before the design variance formula,
    :math:`z_i - \sum_{j \in c} w_j z_j / \sum_{j \in c} w_j`. Post-strata may cut
    across sampling strata and clusters.

    Examples
    --------
    A district office sampled 6 applicants per counter, but counter B serves twice as many
    people as counter A (1,000 and 2,000 in the period):

    >>> import servqual as sq
    >>> d = sq.Design({"counter": ["A"] * 6 + ["B"] * 6,
    ...                "score": [3, 4, 3, 3, 4, 4, 2, 3, 2, 3, 3, 2]})
    >>> ps = sq.poststratify(d, "counter", {"A": 1000, "B": 2000})
    >>> float(ps.weights.sum()), round(ps.mean("score").value, 3)
    (3000.0, 2.833)
    >>> d.weights[:2].tolist()  # the original design is unchanged
    [1.0, 1.0]
    """
    if _in_engine(design):
        return design.poststratify(col, population)
    counts = _counts(population, "population")
    codes, targets = _cells(design, col, counts, "population")
    weights = design.arrays.weights
    _check_weight_in_cells(weights, codes, targets, list(counts), col)
    new = poststratified_weights(weights, codes, targets)
    step = PostStratum(codes, targets.shape[0], weights, new)
    return _calibrated(design, new, (step,))


def _check_rake_args(margins: Any, max_iter: Any, tol: Any) -> dict[str, dict[Hashable, float]]:
    if not isinstance(margins, Mapping):
        raise ServqualTypeError(
            "margins must be a mapping column → (category → population count), "
            f"got {type(margins).__name__}"
        )
    if not margins:
        raise ParameterError("margins is empty: give at least one column to rake on")
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise ParameterError(f"max_iter must be a positive integer, got {max_iter!r}")
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not 0 < float(tol) < 1:
        raise ParameterError(f"tol must be a number in (0, 1), got {tol!r}")
    out = {str(col): _counts(pop, f"margin {col!r}") for col, pop in margins.items()}
    totals = {col: sum(c.values()) for col, c in out.items()}
    first, n_first = next(iter(totals.items()))
    for col, total in totals.items():
        if abs(total - n_first) > float(tol) * n_first:
            raise ParameterError(
                f"margins disagree on the population total: {first!r} sums to {n_first:g}, "
                f"{col!r} to {total:g}; raking cannot meet both"
            )
    return out


def _margin_error(
    weights: FloatArray, cells: list[tuple[IntArray, FloatArray]], total: float
) -> float:
    """Largest |weighted margin count − population count|, relative to the total."""
    worst = 0.0
    for codes, targets in cells:
        diff = np.abs(cell_totals(codes, targets.shape[0], weights) - targets)
        worst = max(worst, float(diff.max()))
    return worst / total


def rake(
    design: Design,
    margins: Mapping[str, Mapping[Any, float]],
    *,
    max_iter: int = 50,
    tol: float = 1e-10,
) -> Design:
    r"""Rake a design's weights to several known population margins.

    Parameters
    ----------
    design : Design
        The survey design.
    margins : mapping
        Column → (category → population count), one mapping per margin. Every margin
        must sum to the same population total.
    max_iter : int
        Maximum number of sweeps over the margins.
    tol : float
        Convergence tolerance: stop after the first sweep at which every weighted margin
        count is within ``tol`` × the population total of its target.

    Returns
    -------
    Design
        The same data and sampling design with raked weights. The input is unchanged.

    Raises
    ------
    servqual.errors.DesignError
        As :func:`poststratify`, for any margin.
    servqual.errors.ParameterError
        If the margins disagree on the population total, ``max_iter`` is not a positive
        integer, or ``tol`` is not in (0, 1).
    servqual.errors.ConvergenceError
        If the margins are still not met after ``max_iter`` sweeps (the message gives the
        iterations, the remaining margin error and the last change of the weights).

    Notes
    -----
    Raking is iterated post-stratification (iterative proportional fitting), as R's
    ``rake()``: each sweep post-stratifies on every margin in the order given.

    The standard errors reported on the returned design are those of R's ``rake()``: the
    linearized values are projected onto the residual space of the last sweep's
    post-stratifications, the projections iterated ten times with the plain cell means
    of R's ``svyrecvar`` (see :mod:`servqual.stats.calibration`). R's
    ``calibrate(calfun = "raking")`` uses a regression (GREG) residual instead and gives
    slightly different standard errors on stratified designs; servqual reproduces
    ``rake()`` because that is the function survey analysts call for raking.

    Examples
    --------
    Twelve applicants, raked to the population's split by counter and by gender:

    >>> import servqual as sq
    >>> d = sq.Design({"counter": list("AAAAAABBBBBB"), "gender": list("FFFMMMFFMMMM"),
    ...                "score": [3, 4, 3, 3, 4, 4, 2, 3, 2, 3, 3, 2]})
    >>> raked = sq.rake(d, {"counter": {"A": 1000, "B": 2000},
    ...                     "gender": {"F": 1500, "M": 1500}})
    >>> w = raked.weights  # weighted counts now match both margins
    >>> round(float(w[:6].sum())), round(float(w[[0, 1, 2, 6, 7]].sum()))
    (1000, 1500)
    """
    if _in_engine(design):
        return design.rake(margins, max_iter=max_iter, tol=tol)
    counts = _check_rake_args(margins, max_iter, tol)
    weights = design.arrays.weights
    cells = []
    for col, c in counts.items():
        codes, targets = _cells(design, col, c, f"margin {col!r}")
        _check_weight_in_cells(weights, codes, targets, list(c), col)
        cells.append((codes, targets))
    total = float(next(iter(cells))[1].sum())
    w = weights
    for _ in range(int(max_iter)):
        start = w
        sweep = []
        for codes, targets in cells:
            new = poststratified_weights(w, codes, targets)
            sweep.append(PostStratum(codes, targets.shape[0], w, new))
            w = new
        if _margin_error(w, cells, total) <= tol:
            return _calibrated(design, w, (Raking(tuple(sweep)),))
    change = float(np.max(np.abs(w - start)))
    raise ConvergenceError(
        f"rake did not converge in {max_iter} iterations: the margins are still off by up "
        f"to {_margin_error(w, cells, total):.3g} of the population total (tol={tol:g}); "
        f"the weights changed by up to {change:.3g} in the last iteration. Some margin "
        "combinations may have no sample rows; check the margins or raise max_iter"
    )
