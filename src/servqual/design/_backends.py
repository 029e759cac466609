r"""Variance backends: how a design turns an estimator into variances (private).

An estimator (:class:`~servqual.design._estimators.RatioStatistic`) gives its point value
and its influence values; a backend gives the variance of every domain's estimate, the
only step where design kinds differ (R ``survey``: ``svyrecvar`` vs ``svrVar``):

- :class:`Linearization` (:class:`~servqual.Design`): the design variance of the influence
  values from per (stratum, PSU, domain) sums
  (:func:`~servqual.stats.domain_variance.domain_variances`; calibration residuals first;
  a multistage or PPS design's later stages and joint inclusion through its
  :class:`~servqual.stats.multistage.StagedVariance`, in bounded blocks of domains), and
  the design effect;
- :class:`Replication` (:class:`~servqual.ReplicateDesign`): the estimator's totals
  re-evaluated with each replicate weight column, one sparse product
  :math:`W^\top S` of the (n × R) replicate weights with the (n × domains) sparse matrix of
  the variable, so memory is replicates × domains, never rows × domains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from servqual.design._estimators import RatioStatistic
from servqual.errors import EstimationError
from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.domain_variance import domain_srs_variances, domain_variances
from servqual.stats.replicate_variance import replicate_variance

__all__ = ["Backend", "Linearization", "Replication", "Variances"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Variances:
    """Per-domain variances, design effects (linearization) and replicate values."""

    var: FloatArray
    deff: FloatArray | None = None
    replicates: FloatArray | None = None


class Backend(Protocol):
    """What an estimator needs from a design: weights, df and a variance per domain."""

    name: str
    undefined_single_row: bool

    @property
    def weights(self) -> FloatArray:
        """Full-sample weights."""

    @property
    def df(self) -> float:
        """Degrees of freedom of the t intervals."""

    def variances(
        self, stat: RatioStatistic, value: FloatArray, tx: FloatArray | None
    ) -> Variances:
        """Variance of each domain's estimate."""

    def difference_variance(
        self, stat: RatioStatistic, value: FloatArray, tx: FloatArray | None, a: int, b: int
    ) -> float:
        """Variance of the difference of the estimates of domains ``a`` and ``b``."""

    def df_message(self) -> str:
        """How the degrees of freedom are counted (for the warning when there are none)."""


class Linearization:
    """Taylor linearization on strata and PSUs (R ``svyrecvar``)."""

    name = "linearization"
    undefined_single_row = True  # one row: influence 0 everywhere, its "SE 0" means nothing

    def __init__(self, arrays: DesignArrays) -> None:
        self.arrays = arrays

    @property
    def weights(self) -> FloatArray:
        """Full-sample weights."""
        return self.arrays.weights

    @property
    def df(self) -> float:
        """PSUs minus strata (R ``degf``)."""
        return self.arrays.df

    def variances(
        self, stat: RatioStatistic, value: FloatArray, tx: FloatArray | None
    ) -> Variances:
        """Design variances and design effects (R ``deff=TRUE``) of every domain."""
        z = stat.influence(value, tx)
        var = domain_variances(z, stat.groups, stat.n_groups, self.arrays)
        vsrs = domain_srs_variances(z, stat.groups, stat.n_groups, self.arrays)
        with np.errstate(divide="ignore", invalid="ignore"):
            deff = np.where(vsrs > 0, var / np.where(vsrs > 0, vsrs, 1.0), np.nan)
        return Variances(var, deff)

    def difference_variance(
        self, stat: RatioStatistic, value: FloatArray, tx: FloatArray | None, a: int, b: int
    ) -> float:
        """Variance of ``Σ w (z_a - z_b)``: covariance of the two domains included."""
        z = stat.influence(value, tx)
        diff = np.where(stat.groups == a, z, 0.0) - np.where(stat.groups == b, z, 0.0)
        return float(linearized_variance(diff, self.arrays)[0])

    def df_message(self) -> str:
        """The design's degrees of freedom, in words."""
        return "the design has {df:g} degrees of freedom (PSUs minus strata)"


class Replication:
    """Replicate weights (R ``svrVar``): scale, per-replicate scales and centring."""

    name = "replicate"
    undefined_single_row = False

    def __init__(
        self,
        full_weights: FloatArray,
        replicate_weights: FloatArray,
        *,
        scale: float,
        rscales: FloatArray,
        mse: bool,
        df: float,
    ) -> None:
        self.full_weights = full_weights
        self.replicate_weights = replicate_weights
        self.scale = scale
        self.rscales = rscales
        self.mse = mse
        self.replicate_df = df

    @property
    def weights(self) -> FloatArray:
        """Full-sample weights."""
        return self.full_weights

    @property
    def df(self) -> float:
        """Rank of the replicate weights minus 1 (R ``degf``)."""
        return self.replicate_df

    def replicate_totals(self, values: FloatArray, stat: RatioStatistic) -> FloatArray:
        """``Σ_{g_i = g} w_{ri} v_i`` for every replicate ``r`` and domain ``g``: (R, G)."""
        from scipy import sparse  # imported where used: ``import servqual`` stays cheap

        n = values.shape[0]
        onehot = sparse.csr_matrix(
            (values, (stat.groups, np.arange(n))), shape=(stat.n_groups + 1, n)
        )
        out = np.asarray(onehot @ self.replicate_weights, dtype=np.float64)
        return np.ascontiguousarray(out[: stat.n_groups].T)

    def replicate_values(self, stat: RatioStatistic) -> FloatArray:
        """The estimate of every domain under each replicate's weights: (R, G)."""
        ty = self.replicate_totals(stat.y, stat)
        if stat.kind == "total":
            return ty
        inside = stat.groups < stat.n_groups
        x = stat.x if stat.x is not None else inside.astype(np.float64)
        tx = self.replicate_totals(x, stat)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.where(tx != 0, ty / np.where(tx != 0, tx, 1.0), np.nan)
        if np.isinf(out).any():  # a finite ratio beyond float64 (a denominator near 0)
            raise EstimationError(
                "a replicate estimate overflows float64 (its denominator is close to 0): "
                "no replicate variance can be computed; rescale the columns"
            )
        return np.asarray(out, dtype=np.float64)

    def _variance(self, full: FloatArray, reps: FloatArray) -> FloatArray:
        return replicate_variance(full, reps, scale=self.scale, rscales=self.rscales, mse=self.mse)

    def variances(
        self, stat: RatioStatistic, value: FloatArray, tx: FloatArray | None
    ) -> Variances:
        """Replicate variances of every domain (no design effect)."""
        reps = self.replicate_values(stat)
        return Variances(self._variance(value, reps), None, reps)

    def difference_variance(
        self, stat: RatioStatistic, value: FloatArray, tx: FloatArray | None, a: int, b: int
    ) -> float:
        """Replicate variance of the difference, from the two domains' replicates."""
        reps = self.replicate_values(stat)
        diff = reps[:, [a]] - reps[:, [b]]
        return float(self._variance(np.array([value[a] - value[b]]), diff)[0])

    def df_message(self) -> str:
        """The replicate design's degrees of freedom, in words."""
        return (
            "the replicate design has {df:g} degrees of freedom "
            "(rank of the replicate weights minus 1)"
        )
