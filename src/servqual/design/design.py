"""``Design``: data columns plus the sampling design (weights, strata, clusters, fpc).

The design owns the variance: estimators compute a point value and per-row linearized
values, and hand them to the numeric core in :mod:`servqual.stats`, which reduces them
over strata and PSUs (R ``survey``'s ``svyrecvar`` with its with-replacement
approximation for the first stage).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._frames import to_columns
from servqual.design import calibration
from servqual.design._backends import Linearization
from servqual.design._build import build_arrays
from servqual.design._estimators import (
    NaPolicy,
    estimate_from_variance,
    indicator,
    numeric_values,
)
from servqual.design._front import shares
from servqual.design._shared import DesignBase, read_only
from servqual.engines._native import is_engine_frame
from servqual.errors import ValidationError
from servqual.models.results import Estimate
from servqual.stats.calibration import CalibrationStep
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.svyciprop import SVY_PROPORTION_METHODS, SvyProportionMethod
from servqual.stats.variance import LonelyPSU, check_lonely_psu

__all__ = ["Design", "estimate_from_variance"]


class Design(DesignBase):
    """Columns of survey data with their sampling design.

    Parameters
    ----------
    data : mapping or dataframe
        Column name → 1-D array, or a pandas/polars/pyarrow frame.
    weights : str, optional
        Column of sampling weights (inverse inclusion probabilities). Without it, rows
        get equal weight 1, or ``N_h / n_h`` when ``fpc`` is given (as R's ``svydesign``).
    strata : str, optional
        Column of stratum labels.
    clusters : str, optional
        Column of first-stage unit (cluster) labels, nested within strata. Without it,
        each row is its own sampling unit.
    fpc : str, optional
        Column with the population count of first-stage units in the row's stratum
        (clusters when there are clusters, otherwise people), or in the whole population
        when unstratified. Values in (0, 1] are read as sampling fractions instead.
    lonely_psu : {"fail", "adjust", "remove", "certainty", "average"}
        What to do with a stratum holding a single PSU, with R's meanings
        (``options(survey.lonely.psu=)``): ``"fail"`` raises
        :class:`~servqual.errors.DesignError`; ``"remove"`` gives the stratum no variance
        contribution and warns; ``"certainty"`` does the same silently (the PSU was
        sampled with certainty); ``"adjust"`` centres the lonely PSU at the grand mean of
        all PSU totals; ``"average"`` gives it the average contribution of the other
        strata. A stratum whose ``fpc`` equals its sampled PSUs is a certainty stratum
        under every policy (no variance, no error). See :func:`servqual.stats.covariance`.

    Notes
    -----
    Estimators (:meth:`mean`, :meth:`total`, :meth:`ratio`, :meth:`proportion`,
    :meth:`proportions`) return :class:`~servqual.Estimate` with ``deff``, R's
    ``deff=TRUE`` design effect (so ``n_eff = n / deff``). Missing values in an analysis
    column raise an error naming the row unless ``na="domain"``, which treats the rows
    with a value as a domain of the full design (R ``na.rm=TRUE``). :meth:`by` gives
    domain estimates, :meth:`poststratify` and :meth:`rake` calibrated designs.

    Examples
    --------
    Ten applicants of a district office rated the service 1–4; the office served 60 people:

    >>> import servqual as sq
    >>> d = sq.Design({"score": [3, 4, 3, 2, 4, 3, 3, 4, 2, 3], "N": [60] * 10}, fpc="N")
    >>> est = d.mean("score")  # R: svymean(~score, svydesign(ids=~1, fpc=~N, data=df))
    >>> round(est.value, 2), round(est.se, 4), est.df
    (3.1, 0.213, 9.0)
    """

    proportion_methods: tuple[str, ...] = SVY_PROPORTION_METHODS
    """The interval methods of :meth:`proportion`."""

    def __new__(cls, data: Any = None, *args: Any, **kwargs: Any) -> Design:
        """A lazy engine frame (Polars lazy, DuckDB, Dask, Spark) gets an engine design."""
        if cls is Design and is_engine_frame(data):
            from servqual.engines.design import EngineDesign  # the engine layer, on demand

            return super().__new__(EngineDesign)
        return super().__new__(cls)

    def __init__(
        self,
        data: Any,
        *,
        weights: str | None = None,
        strata: str | None = None,
        clusters: str | None = None,
        fpc: str | None = None,
        lonely_psu: LonelyPSU = "fail",
    ) -> None:
        self._columns: dict[str, npt.NDArray[Any]] = to_columns(data)
        self.weights_column = weights
        self.strata_column = strata
        self.clusters_column = clusters
        self.fpc_column = fpc
        for field, name in (
            ("weights", weights),
            ("strata", strata),
            ("clusters", clusters),
            ("fpc", fpc),
        ):
            if name is not None and name not in self._columns:
                raise ValidationError(
                    f"{field} column {name!r} is not in the data; columns: {sorted(self._columns)}"
                )
        self._arrays = build_arrays(
            self._columns,
            weights=weights,
            strata=strata,
            clusters=clusters,
            fpc=fpc,
            lonely_psu=check_lonely_psu(lonely_psu),
        )

    @classmethod
    def _from_arrays(
        cls,
        columns: dict[str, npt.NDArray[Any]],
        arrays: DesignArrays,
        template: Design | None = None,
    ) -> Design:
        obj = cls.__new__(cls)
        obj._columns = columns
        obj.weights_column = template.weights_column if template else None
        obj.strata_column = template.strata_column if template else None
        obj.clusters_column = template.clusters_column if template else None
        obj.fpc_column = template.fpc_column if template else None
        obj._arrays = arrays
        return obj

    # --- introspection -------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        """Number of rows (respondents)."""
        return len(next(iter(self._columns.values()))) if self._columns else 0

    @property
    def backend(self) -> Linearization:
        """The variance backend: linearization on strata and PSUs (R ``svyrecvar``)."""
        return Linearization(self._arrays)

    @property
    def arrays(self) -> DesignArrays:
        """The design as plain arrays, for the numeric core."""
        return self._arrays

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """The sampling weights (a read-only view)."""
        return read_only(self._arrays.weights)

    @property
    def df(self) -> float:
        """Design degrees of freedom: first-stage units minus strata (R ``degf``)."""
        return self._arrays.df

    def numeric(self, name: str) -> npt.NDArray[np.float64]:
        """A data column as float64; missing values are an error naming the row."""
        return numeric_values(self.column(name), name, "fail")[0]

    def __repr__(self) -> str:
        a = self._arrays
        parts = [
            f"n={a.n}",
            f"strata={len(a.strata) if self.strata_column else 0}",
            f"psu={a.n_psu}",
            f"df={a.df:g}",
        ]
        if a.has_fpc:
            parts.append("fpc")
        return f"Design({', '.join(parts)})"

    # --- estimators (mean, total, ratio, by: see DesignBase) ------------------------
    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> Estimate:
        """Estimated share of the population with ``col == value`` (R ``svyciprop``).

        Parameters
        ----------
        col : str
            Any column (labels or numbers).
        value : object
            The category counted as a success.
        level : float
            Confidence level of the interval.
        method : {"logit", "xlogit", "asin", "beta", "wilson", "mean"}
            The interval (R ``svyciprop(..., method=)``; ``"wilson"`` is the Wilson score
            interval with the effective sample size). Formulas in
            :mod:`servqual.stats.svyciprop`; all use the design degrees of freedom.
        na : {"fail", "domain"}
            As in :meth:`total`.

        Returns
        -------
        Estimate
            ``value`` the weighted share, ``se`` its linearization SE (the same for every
            method), ``ci.method`` the method; ``at_level`` recomputes it.

        Warns
        -----
        servqual.errors.DegenerateDataWarning
            If the share is 0 or 1 (the interval is then Clopper–Pearson on the rows), or
            the design has no degrees of freedom (NaN interval).

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"ok": ["yes"] * 30 + ["no"] * 10})
        >>> est = d.proportion("ok", "yes")
        >>> round(est.value, 2), round(est.ci.low, 3), round(est.ci.high, 3)
        (0.75, 0.587, 0.864)
        """
        return self._proportion(col, value, level, method, na)

    def proportions(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail"
    ) -> dict[str, Estimate]:
        """Share of each category of ``col`` (R ``svymean`` of a factor), with t intervals.

        Returns
        -------
        dict[str, Estimate]
            Keyed by the category as a string, in sorted order of the categories.

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"channel": ["web", "desk", "web", "web"]})
        >>> {k: round(v.value, 2) for k, v in d.proportions("channel").items()}
        {'desk': 0.25, 'web': 0.75}
        """
        raw = self.column(col)
        _, present = indicator(raw, col, None, na)
        return shares(self, raw, present, level=level)

    def poststratify(self, col: str, population: Mapping[Hashable, float]) -> Design:
        """A new design post-stratified on ``col`` to the population counts (R ``postStratify``).

        See :func:`servqual.design.calibration.poststratify`; the original design is unchanged.
        """
        return calibration.poststratify(self, col, population)

    def rake(
        self,
        margins: Mapping[str, Mapping[Hashable, float]],
        *,
        max_iter: int = 50,
        tol: float = 1e-10,
    ) -> Design:
        """A new design raked to the population margins (R ``rake``).

        See :func:`servqual.design.calibration.rake`; the original design is unchanged.
        """
        return calibration.rake(self, margins, max_iter=max_iter, tol=tol)

    def calibrated(
        self, *, weights: npt.NDArray[np.float64], steps: tuple[CalibrationStep, ...]
    ) -> Design:
        """The same data and sampling design with calibrated ``weights`` (and their steps)."""
        arrays = self._arrays.with_weights(weights, calibration=self._arrays.calibration + steps)
        return Design._from_arrays(dict(self._columns), arrays, self)

    def with_columns(self, columns: Mapping[str, npt.ArrayLike]) -> Design:
        """A design with extra (or replaced) data columns and the same sampling design."""
        new = dict(self._columns)
        for name, values in columns.items():
            arr = np.asarray(values)
            if arr.shape != (self.n_rows,):
                raise ValidationError(
                    f"column {name!r} has shape {arr.shape}, expected ({self.n_rows},)"
                )
            new[name] = arr
        return Design._from_arrays(new, self._arrays, self)
