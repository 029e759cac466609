r"""``ReplicateDesign``: survey data delivered with replicate weights (R ``svrepdesign``).

Statistics offices often publish a file with the sampling weight and a set of replicate
weight columns (bootstrap, jackknife, BRR or Fay) instead of strata and clusters, which
they keep confidential. Every statistic is then re-evaluated with each replicate weight
column, and its variance is the scaled spread of those replicates
(:mod:`servqual.stats.replicate_variance`). All replicates are evaluated at once: one
matrix product :math:`W^\top [\,d\,y,\ d\,]` of the (n × R) replicate weights with the
domain-restricted columns the statistic needs; no loop over rows or replicates.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from servqual._frames import to_columns
from servqual.design._backends import Replication
from servqual.design._build import missing_mask, nonnegative
from servqual.design._estimators import NaPolicy
from servqual.design._shared import DesignBase, read_only
from servqual.errors import (
    DesignError,
    InsufficientDataError,
    ServqualTypeError,
    ValidationError,
)
from servqual.models.results import Estimate
from servqual.stats.greg import CalFun
from servqual.stats.replicate_variance import (
    ReplicateType,
    replicate_df,
    replicate_scales,
)

if TYPE_CHECKING:
    from servqual.design.quantiles import QuantileMethod
    from servqual.stats.weighted_quantile import QuantileRule

__all__ = ["ReplicateDesign", "ReplicateProportionMethod"]

FloatArray = npt.NDArray[np.float64]
ReplicateProportionMethod = Literal["logit", "xlogit", "asin", "beta", "mean"]


def _replicate_matrix(
    columns: dict[str, npt.NDArray[Any]], names: Sequence[str], n: int
) -> FloatArray:
    """The (n × R) replicate weights, each column checked (present, finite, non-negative)."""
    absent = [name for name in names if name not in columns]
    if absent:
        raise ValidationError(
            f"replicate weight column(s) {absent} not in the data; columns: {sorted(columns)}"
        )
    out = np.empty((n, len(names)))
    for j, name in enumerate(names):  # one pass per column, vectorized over rows
        values = columns[name]
        missing = np.flatnonzero(missing_mask(values))
        if missing.size:
            raise DesignError(f"replicate weight column {name!r} is missing in row {missing[0]}")
        out[:, j] = nonnegative(values, f"replicate weight column {name!r}")
    return out


class ReplicateDesign(DesignBase):
    r"""Survey data with a sampling weight and replicate weights (R ``svrepdesign``).

    Parameters
    ----------
    data : mapping or dataframe
        Column name → 1-D array, or a pandas/polars/pyarrow frame.
    weights : str
        Column of full-sample (sampling) weights.
    replicate_weights : list of str
        Columns of replicate weights, one per replicate, already combined with the
        sampling weights (R ``combined.weights=TRUE``, how offices publish them).
    type : {"bootstrap", "JK1", "JKn", "BRR", "Fay"}
        The replication method; it fixes the default ``scale`` (R's defaults):
        bootstrap :math:`1/(R-1)`, JK1 :math:`(R-1)/R`, JKn 1, BRR :math:`1/R`,
        Fay :math:`1/(R(1-\rho)^2)`.
    scale : float, optional
        Overall variance multiplier :math:`c` (not allowed with BRR and Fay).
    rscales : float or sequence of float, optional
        Per-replicate multipliers :math:`c_r` (default 1); required for JKn, where the
        replicates of stratum :math:`h` have :math:`(n_h-1)/n_h`.
    rho : float, optional
        Fay's coefficient in (0, 1); only with ``type="Fay"``.
    mse : bool
        Centre the replicates at the full-sample estimate (``True``) instead of their
        mean (``False``, R's default ``getOption("survey.replicates.mse")``).

    Raises
    ------
    servqual.errors.ValidationError
        If a named column is not in the data.
    servqual.errors.DesignError
        If a weight or replicate weight is missing, negative or not finite (naming the
        column and row), or there are fewer than 2 replicate columns.
    servqual.errors.ParameterError
        For an unknown ``type`` or scales that do not fit it (see ``rho``, ``scale``).

    Notes
    -----
    With replicate estimates :math:`\hat\theta_r` the variance is
    :math:`c \sum_r c_r (\hat\theta_r - \tilde\theta)^2` (R ``svrVar``), and intervals use
    the t distribution on ``df`` = rank of the replicate weight matrix − 1 (R
    ``degf``). Estimates carry no design effect (``deff=None``). The satisfaction
    indices (:func:`servqual.skm_index`, …) need a linearization :class:`~servqual.Design`;
    replicate designs give means, totals, ratios and proportions.

    Examples
    --------
    A delete-one jackknife (JK1) on four applicants: replicate ``i`` drops applicant
    ``i`` and gives the others weight 4/3. Its SE equals the textbook ``s/√n``:

    >>> import servqual as sq
    >>> jk = {f"r{i}": [0.0 if j == i else 4 / 3 for j in range(4)] for i in range(4)}
    >>> d = sq.ReplicateDesign({"score": [3, 4, 2, 4], "w": [1.0] * 4, **jk},
    ...                        weights="w", replicate_weights=list(jk), type="JK1")
    >>> d
    ReplicateDesign(n=4, replicates=4, type='JK1', scale=0.75, df=3)
    >>> est = d.mean("score")  # R: svymean(~score, svrepdesign(..., type="JK1"))
    >>> round(est.value, 2), round(est.se, 4), est.df
    (3.25, 0.4787, 3.0)

    The estimators are those of :class:`~servqual.Design` (``mean``, ``total``,
    ``ratio``, ``by``); replicate ``r`` re-evaluates each with its weights. Three
    bootstrap replicates of four rows:

    >>> boot = {"b1": [2.0, 0, 1, 1], "b2": [0.0, 1, 2, 1], "b3": [1.0, 1, 0, 2]}
    >>> d = sq.ReplicateDesign({"y": [1.0, 2, 3, 4], "x": [2.0, 2, 2, 4], "w": [1.0] * 4,
    ...                         **boot}, weights="w", replicate_weights=list(boot))
    >>> round(d.mean("y").value, 2), round(d.mean("y").se, 4)
    (2.5, 0.3819)
    >>> d.total("y").value, d.ratio("y", "x").value
    (10.0, 1.0)

    Domains (R ``svyby`` on a ``svrepdesign``): each domain's replicates use its rows.

    >>> jk = {f"r{i}": [0.0 if j == i else 6 / 5 for j in range(6)] for i in range(6)}
    >>> d = sq.ReplicateDesign({"paid": [10.0, 0, 5, 5, 0, 10], "desk": list("AABBBA"),
    ...                         "w": [1.0] * 6, **jk},
    ...                        weights="w", replicate_weights=list(jk), type="JK1")
    >>> {k: v.value for k, v in d.by("desk").total("paid").items()}
    {'A': 20.0, 'B': 10.0}
    """

    def __init__(
        self,
        data: Any,
        *,
        weights: str,
        replicate_weights: Sequence[str],
        type: ReplicateType = "bootstrap",  # R's argument name
        scale: float | None = None,
        rscales: float | Sequence[float] | None = None,
        rho: float | None = None,
        mse: bool = False,
    ) -> None:
        self._columns: dict[str, npt.NDArray[Any]] = to_columns(data)
        if isinstance(replicate_weights, str) or not all(
            isinstance(c, str) for c in replicate_weights
        ):
            raise ServqualTypeError(
                f"replicate_weights must be a list of column names, got {replicate_weights!r}"
            )
        names = list(replicate_weights)
        if len(names) < 2:
            raise DesignError(
                f"a replicate design needs at least 2 replicate weight columns, got {len(names)}"
            )
        if weights not in self._columns:
            raise ValidationError(
                f"weights column {weights!r} is not in the data; columns: {sorted(self._columns)}"
            )
        n = len(self._columns[weights])
        if n == 0:
            raise InsufficientDataError("the design has no rows")
        self._weights = nonnegative(self._columns[weights], "weights")
        self._replicates = _replicate_matrix(self._columns, names, n)
        self.weights_column = weights
        self.replicate_columns: tuple[str, ...] = tuple(names)
        self.type: ReplicateType = type
        self.scale, self.rscales = replicate_scales(
            type, len(names), scale=scale, rscales=rscales, rho=rho
        )
        self.rho = rho
        self.mse = bool(mse)
        self._backend = Replication(
            self._weights,
            self._replicates,
            scale=self.scale,
            rscales=self.rscales,
            mse=self.mse,
            df=replicate_df(self._replicates),
        )

    proportion_methods: tuple[str, ...] = get_args(ReplicateProportionMethod)
    """The interval methods of :meth:`proportion`."""

    @property
    def backend(self) -> Replication:
        """The variance backend: replicate weights (R ``svrVar``)."""
        return self._backend

    # --- introspection -------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        """Number of rows (respondents)."""
        return int(self._weights.shape[0])

    @property
    def n_replicates(self) -> int:
        """Number of replicate weight columns ``R``."""
        return int(self._replicates.shape[1])

    @property
    def df(self) -> float:
        """Degrees of freedom: rank of the replicate weight matrix minus 1 (R ``degf``)."""
        return self._backend.df

    @property
    def weights(self) -> FloatArray:
        """The full-sample weights (a read-only view)."""
        return read_only(self._weights)

    @property
    def replicate_weights(self) -> FloatArray:
        """The (n × R) replicate weights (a read-only view)."""
        return read_only(self._replicates)

    def __repr__(self) -> str:
        return (
            f"ReplicateDesign(n={self.n_rows}, replicates={self.n_replicates}, "
            f"type={self.type!r}, scale={self.scale:g}, df={self.df:g})"
        )

    # --- estimators (mean, total, ratio, by: see DesignBase) ------------------------
    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: ReplicateProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> Estimate:
        """Estimated share with ``col == value`` (R ``svyciprop(~I(col == value), repdesign)``).

        Parameters
        ----------
        col : str
            Any column (labels or numbers).
        value : object
            The category counted as a success.
        level : float
            Confidence level.
        method : {"logit", "xlogit", "asin", "beta", "mean"}
            ``"logit"`` (R's default) transforms every replicate share to the logit
            scale and takes the replicate variance there, as R's ``svyglm`` does on a
            replicate design; its ``ci.method`` is ``"replicate-logit"``, which
            :meth:`~servqual.Estimate.at_level` cannot recompute without the data. The
            others use the replicate SE of the share with the formulas of
            :mod:`servqual.stats.svyciprop` (R ``svyciprop(..., method=)``).
        na : {"fail", "domain"}
            As in :meth:`mean`.

        Returns
        -------
        Estimate
            ``se`` is the replicate SE of the share for every method.

        Warns
        -----
        servqual.errors.DegenerateDataWarning
            If the share is 0 or 1 (Clopper–Pearson on the rows), or ``df <= 0``.

        Examples
        --------
        >>> import servqual as sq
        >>> jk = {f"r{i}": [0.0 if j == i else 5 / 4 for j in range(5)] for i in range(5)}
        >>> d = sq.ReplicateDesign({"ok": ["y", "y", "n", "y", "n"], "w": [1.0] * 5, **jk},
        ...                        weights="w", replicate_weights=list(jk), type="JK1")
        >>> est = d.proportion("ok", "y")  # R: svyciprop(~I(ok == "y"), repdesign)
        >>> round(est.value, 2), round(est.se, 4), est.ci.method
        (0.6, 0.2449, 'replicate-logit')
        >>> round(est.ci.low, 3), round(est.ci.high, 3)
        (0.07, 0.968)
        """
        return self._proportion(col, value, level, method, na)

    def quantile(
        self,
        col: str,
        p: float,
        *,
        level: float = 0.95,
        method: QuantileMethod = "mean",
        rule: QuantileRule = "math",
        na: NaPolicy = "fail",
    ) -> Estimate:
        """The ``p`` quantile of ``col`` with a Woodruff interval (R ``svyquantile``).

        As :meth:`servqual.Design.quantile`, with the share's variance from the replicates
        (see :func:`servqual.design.quantiles.replicate_quantile`).
        """
        from servqual.design.quantiles import replicate_quantile

        return replicate_quantile(self, col, p, level=level, method=method, rule=rule, na=na)

    def calibrate(
        self,
        population: Mapping[str, float | Mapping[Hashable, float]],
        *,
        size: float | None = None,
        bounds: tuple[float, float] | None = None,
        calfun: CalFun = "linear",
        max_iter: int = 50,
        tol: float = 1e-7,
    ) -> ReplicateDesign:
        """A new replicate design, full-sample and replicate weights GREG-calibrated.

        R ``calibrate(svrepdesign, ...)``; arguments as :meth:`servqual.Design.calibrate`
        (see :func:`servqual.design.greg.calibrate_replicates`).
        """
        from servqual.design.greg import calibrate_replicates

        return calibrate_replicates(
            self, population, size=size, bounds=bounds, calfun=calfun, max_iter=max_iter, tol=tol
        )
