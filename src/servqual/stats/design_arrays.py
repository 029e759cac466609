"""A survey design as plain arrays: the form the numeric core works on."""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from servqual.errors import EstimationError
from servqual.stats.calibration import CalibrationStep, calibration_residuals
from servqual.stats.multistage import StagedVariance
from servqual.stats.reduce import (
    FloatArray,
    IntArray,
    Moments,
    Summary,
    finalize,
    reduce,
)
from servqual.stats.variance import LonelyPSU, covariance, design_df

__all__ = [
    "DesignArrays",
    "linearized_covariance",
    "linearized_variance",
    "unclustered_variance",
    "weighted_moments",
]


@dataclass(frozen=True)
class DesignArrays:
    """Validated design columns as numpy arrays (no pydantic, no labels per row).

    Attributes
    ----------
    weights : (n,) float array
        Sampling weights, finite and non-negative.
    stratum_codes : (n,) int array
        Index of each row's stratum in ``strata``.
    strata : tuple
        Stratum labels (one ``None`` stratum when unstratified).
    pop : (H,) float array
        Population PSU count per stratum, ``inf`` when there is no fpc.
    psu_codes : (n,) int array or None
        Index of each row's PSU in ``psu_keys`` (``None``: each row is its own PSU).
    psu_keys : tuple or None
        PSU labels, as ``(stratum, cluster)`` pairs.
    lonely_psu : str
        Policy for strata with a single PSU.
    calibration : tuple of PostStratum or Raking
        Calibration steps applied to the weights (post-stratification, raking), in
        order; :func:`linearized_variance` replaces the linearized values by their
        residuals after these steps, as R ``survey`` does for calibrated designs.
    stages : StagedVariance or None
        The variance backend of a multistage or PPS-without-replacement design
        (:mod:`servqual.stats.multistage`); ``None``: the one-stage formula of
        :func:`~servqual.stats.covariance` on the first-stage units.
    """

    weights: FloatArray
    stratum_codes: IntArray
    strata: tuple[Hashable, ...]
    pop: FloatArray
    psu_codes: IntArray | None = None
    psu_keys: tuple[Hashable, ...] | None = None
    lonely_psu: LonelyPSU = "fail"
    calibration: tuple[CalibrationStep, ...] = ()
    stages: StagedVariance | None = None

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.weights.shape[0])

    @property
    def n_psu(self) -> int:
        """Number of first-stage units in the sample."""
        return self.n if self.psu_keys is None else len(self.psu_keys)

    @property
    def df(self) -> float:
        """Design degrees of freedom (PSUs minus strata), as R's ``degf``."""
        return design_df(self.n_psu, len(self.strata))

    @property
    def has_fpc(self) -> bool:
        """Whether a finite-population correction applies."""
        return bool(np.isfinite(self.pop).any())

    @cached_property
    def stratum_rows(self) -> IntArray:
        """Rows per stratum (counted once per design, reused by every reduce)."""
        return np.bincount(self.stratum_codes, minlength=len(self.strata)).astype(np.intp)

    @cached_property
    def psu_strata(self) -> IntArray:
        """Stratum index of each PSU (the row's stratum when each row is its own PSU)."""
        if self.psu_codes is None:
            return self.stratum_codes
        out = np.zeros(self.n_psu, dtype=np.intp)
        out[self.psu_codes] = self.stratum_codes
        return out

    @cached_property
    def psu_per_stratum(self) -> IntArray:
        """Sampled PSUs per stratum (``n_h``)."""
        if self.psu_codes is None:
            return self.stratum_rows
        return np.bincount(self.psu_strata, minlength=len(self.strata)).astype(np.intp)

    @cached_property
    def uniform_weight(self) -> float | None:
        """The common weight when every row has the same one (``None`` otherwise)."""
        if self.n == 0 or not self.weights[0] == self.weights.min() == self.weights.max():
            return None
        return float(self.weights[0])

    @property
    def is_unclustered(self) -> bool:
        """Each row its own PSU, no calibration, one stage: per-stratum sums of ``w z`` do."""
        return self.psu_codes is None and not self.calibration and self.stages is None

    @cached_property
    def all_weights_positive(self) -> bool:
        """Whether every weight is positive (then the rows of non-zero weight are all rows)."""
        return bool(np.all(self.weights > 0))

    def summarize(
        self, values: npt.ArrayLike, *, diagonal: bool = False, weighted: bool = False
    ) -> Summary:
        """Reduce per-row ``values`` (n,) or (n, k) over this design.

        ``weighted``: the values are already multiplied by the weights.
        """
        return reduce(
            values,
            weights=self.weights,
            stratum_codes=self.stratum_codes,
            strata=self.strata,
            pop=self.pop,
            psu_codes=self.psu_codes,
            psu_keys=self.psu_keys,
            diagonal=diagonal,
            weighted=weighted,
            stratum_rows=self.stratum_rows if self.psu_codes is None else None,
        )

    def moments(
        self, values: npt.ArrayLike, *, diagonal: bool = False, weighted: bool = False
    ) -> Moments:
        """Per-stratum moments of PSU totals of ``values`` (``weighted``: of ``values`` as is)."""
        summary = self.summarize(values, diagonal=diagonal, weighted=weighted)
        return finalize(summary, diagonal=diagonal)

    def with_weights(
        self, weights: FloatArray, *, calibration: tuple[CalibrationStep, ...] | None = None
    ) -> DesignArrays:
        """The same design with other weights.

        ``calibration`` replaces the calibration steps (``None`` keeps them); the
        calibration functions pass the steps that produced ``weights``.
        """
        return DesignArrays(
            weights,
            self.stratum_codes,
            self.strata,
            self.pop,
            self.psu_codes,
            self.psu_keys,
            self.lonely_psu,
            self.calibration if calibration is None else calibration,
            self.stages,
        )

    def check_magnitude(self, wz: FloatArray) -> None:
        """Refuse weighted influence values whose squared sums would overflow float64.

        The variance sums squares of PSU totals of ``w z``; beyond ``sqrt(max / n)`` they
        overflow, and ``inf − inf`` would give a silent NaN (or a zero) variance.

        Raises
        ------
        servqual.errors.EstimationError
            Naming the largest weighted value.
        """
        if wz.size == 0:
            return
        top = float(np.maximum(wz.max(), -wz.min()))  # max |wz| without an |wz| copy; NaN stays
        if not top <= self.magnitude_limit:
            raise EstimationError(
                f"weighted values reach {top:g}: their squared sums overflow float64, so no "
                "variance can be computed; rescale the column or the weights "
                "(e.g. to thousands)"
            )

    @property
    def magnitude_limit(self) -> float:
        """Largest ``|w z|`` whose squared sums cannot overflow float64 (see check_magnitude)."""
        return math.sqrt(np.finfo(np.float64).max / (4.0 * max(self.n, 1)))

    def residuals(self, z: npt.ArrayLike) -> FloatArray:
        """Linearized values ``z`` (n,) or (n, m) after the design's calibration steps.

        Returns an (n, m) array; without calibration, ``z`` itself. Rows of zero weight
        get 0 (they carry no weight in any total).
        """
        arr = np.asarray(z, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[:, None]
        if not self.calibration:
            return arr
        w = self.weights[:, None]
        x = calibration_residuals(arr * w, self.calibration)
        return np.where(w > 0, x / np.where(w > 0, w, 1.0), 0.0)


def linearized_variance(
    z: npt.ArrayLike, design: DesignArrays, *, bound: float | None = None
) -> FloatArray:
    """Variance of ``Σ w z`` for each column of the linearized values ``z``.

    ``z`` is (n,) or (n, m); the result has shape (m,). Each column is the influence
    function of one estimate (already divided by the estimated population size where
    relevant), so the result is that estimate's design variance. On a calibrated design
    (``design.calibration``), ``z`` is first replaced by its residuals after the
    calibration steps (:meth:`DesignArrays.residuals`), as R ``survey``'s ``svyrecvar``.

    ``bound`` is a bound on ``|w z|`` that the caller knows by construction (e.g. an
    index of range-checked answers); below the overflow limit, and without calibration
    steps (whose residuals it does not bound), it replaces the pass of
    :meth:`DesignArrays.check_magnitude`.
    """
    wz = design.residuals(z) * design.weights[:, None]  # weighted once, for every use
    if bound is None or design.calibration or not bound <= design.magnitude_limit:
        design.check_magnitude(wz)
    if design.stages is not None:
        cov = design.stages.covariance(wz, lonely_psu=design.lonely_psu, diagonal=True)
        return np.asarray(np.diagonal(cov).copy(), dtype=np.float64)
    m = design.moments(wz, diagonal=True, weighted=True)
    cov = covariance(m, lonely_psu=design.lonely_psu)
    return np.asarray(np.diagonal(cov).copy(), dtype=np.float64)


def unclustered_variance(sums: FloatArray, squares: FloatArray, design: DesignArrays) -> float:
    """:func:`linearized_variance` of one ``z`` from per-stratum sums of ``w z`` and ``(w z)²``.

    For a design whose rows are its PSUs (:attr:`DesignArrays.is_unclustered`) the moments
    of the variance formula are those sums, so a caller that forms ``w z`` block by block
    never stores it; the formula (fpc, lonely strata, rounding residue) is the same. The
    caller keeps ``|w z|`` below :attr:`DesignArrays.magnitude_limit`.

    Parameters
    ----------
    sums, squares : (H,) float arrays
        ``Σ w z`` and ``Σ (w z)²`` over the rows of each stratum, in ``design.strata`` order.

    Raises
    ------
    ValueError
        If the design is clustered, calibrated or multistage (an internal misuse).

    Examples
    --------
    >>> import numpy as np
    >>> from servqual.stats import DesignArrays
    >>> from servqual.stats.design_arrays import linearized_variance, unclustered_variance
    >>> d = DesignArrays(np.full(3, 2.0), np.zeros(3, dtype=np.intp), (None,), np.array([np.inf]))
    >>> wz = 2.0 * np.array([1.0, -1.5, 0.5])
    >>> unclustered_variance(np.array([wz.sum()]), np.array([wz @ wz]), d)
    21.0
    >>> float(linearized_variance(wz / 2.0, d)[0])
    21.0
    """
    if not design.is_unclustered:
        raise ValueError("unclustered_variance needs a one-stage design without clusters")
    moments = Moments(
        design.stratum_rows,
        design.pop,
        np.asarray(sums, dtype=np.float64)[:, None],
        np.asarray(squares, dtype=np.float64)[:, None, None],
        design.n,
        design.strata,
    )
    return float(covariance(moments, lonely_psu=design.lonely_psu)[0, 0])


def weighted_moments(wz: FloatArray, design: DesignArrays) -> Moments:
    """Diagonal moments of already-weighted linearized values ``wz = w z`` (n, m).

    For a design without calibration steps only: the caller multiplied ``z`` by the
    weights once and reuses ``wz`` (e.g. for the design effect's simple-random-sampling
    variance); ``covariance`` of the result is :func:`linearized_variance`'s.

    Raises
    ------
    ValueError
        If the design has calibration steps (``z`` would need its residuals first).
    """
    if design.calibration or design.stages is not None:
        raise ValueError("weighted_moments needs a one-stage design without calibration steps")
    return design.moments(wz, diagonal=True, weighted=True)


def linearized_covariance(z: npt.ArrayLike, design: DesignArrays) -> FloatArray:
    """Covariance matrix (m, m) of ``Σ w z`` over the columns of ``z`` (n, m).

    The full-matrix counterpart of :func:`linearized_variance` (same calibration
    handling), for estimators that combine several totals.
    """
    if design.stages is not None:
        wz = design.residuals(z) * design.weights[:, None]
        return design.stages.covariance(wz, lonely_psu=design.lonely_psu)
    m = design.moments(design.residuals(z))
    return covariance(m, lonely_psu=design.lonely_psu)
