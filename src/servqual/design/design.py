"""``Design``: data columns plus the sampling design (weights, strata, clusters, fpc).

The design owns the variance: estimators compute a point value and per-row linearized
values, and hand them to the numeric core in :mod:`servqual.stats`, which reduces them
over strata and PSUs (R ``survey``'s ``svyrecvar`` with its with-replacement
approximation for the first stage).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from servqual._frames import to_columns
from servqual.design import calibration
from servqual.design._assemble import build_arrays
from servqual.design._backends import Linearization
from servqual.design._build import check_column_name
from servqual.design._estimators import (
    NaPolicy,
    estimate_from_variance,
    indicator,
    numeric_values,
)
from servqual.design._front import shares
from servqual.design._shared import DesignBase, design_names, read_only
from servqual.design._statistics import SurveyStatistics
from servqual.design.multistage import PPSMethod, PPSVariance, build_staged, check_pps
from servqual.engines._native import is_engine_frame
from servqual.errors import DesignError, ServqualTypeError, ValidationError
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate
from servqual.stats.calibration import CalibrationStep
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.svyciprop import SVY_PROPORTION_METHODS, SvyProportionMethod
from servqual.stats.variance import LonelyPSU, check_lonely_psu

__all__ = ["Design", "estimate_from_variance"]


class Design(SurveyStatistics, DesignBase):
    """Columns of survey data with their sampling design.

    Parameters
    ----------
    data : mapping or dataframe
        Column name → 1-D array, or a pandas/polars/pyarrow frame.
    weights : str or 1-D array-like, optional
        Column of sampling weights (inverse inclusion probabilities). Without it, rows
        get equal weight 1, or ``N_h / n_h`` when ``fpc`` is given (as R's ``svydesign``).
        Each design argument is a column name, or an array of one value per row (stored
        as the column ``_weight``, ``_stratum``, ``_cluster`` or ``_fpc``).
    strata : str or 1-D array-like, optional
        Column of stratum labels.
    clusters : str, list of str or 1-D array-like, optional
        Column of first-stage unit (cluster) labels, nested within strata. Without it,
        each row is its own sampling unit. A list names one column per stage of a
        multistage design (R ``ids=~psu+ssu``; see :mod:`servqual.design.multistage`).
    fpc : str, list of str or 1-D array-like, optional
        Column with the population count of first-stage units in the row's stratum
        (clusters when there are clusters, otherwise people), or in the whole population
        when unstratified. Values in (0, 1] are read as sampling fractions instead. A
        list gives one column per stage (R ``fpc=~fpc1+fpc2``); for ``pps``, each unit's
        inclusion probability.
    pps : {"brewer", "overton", "hartley_rao"}, optional
        PPS sampling without replacement (R ``svydesign(pps="brewer")``, ``"overton"``,
        ``HR()``), with the inclusion probabilities in ``fpc``.
    pps_variance : {"HT", "YG"}
        Horvitz–Thompson or Yates–Grundy form for ``"overton"`` and ``"hartley_rao"``.
    pps_p2bar : float, optional
        Hartley–Rao's mean squared inclusion probability ``sum(pi**2) / n`` (R
        ``HR(psum)``); by default, as R's ``HR()``, the stratum's mean probability.
    lonely_psu : {"fail", "adjust", "adjust_zero", "remove", "certainty", "average"}
        What to do with a stratum holding a single PSU, with R's meanings
        (``options(survey.lonely.psu=)``): ``"fail"`` raises
        :class:`~servqual.errors.DesignError`; ``"remove"`` gives the stratum no variance
        contribution and warns; ``"certainty"`` does the same silently (the PSU was
        sampled with certainty); ``"adjust"`` centres the lonely PSU at the grand mean of
        all PSU totals (``"adjust_zero"``: at zero, R survey 4.1.1's ``"adjust"``);
        ``"average"`` gives it the average contribution of the other
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
        weights: str | npt.ArrayLike | None = None,
        strata: str | npt.ArrayLike | None = None,
        clusters: str | Sequence[str] | npt.ArrayLike | None = None,
        fpc: str | Sequence[str] | npt.ArrayLike | None = None,
        lonely_psu: LonelyPSU = "fail",
        pps: PPSMethod | None = None,
        pps_variance: PPSVariance = "HT",
        pps_p2bar: float | None = None,
    ) -> None:
        self._columns: dict[str, npt.NDArray[Any]] = to_columns(data)
        for field, given in (("weights", weights), ("strata", strata)):
            if isinstance(given, list | tuple) and all(
                isinstance(v, str) and v in self._columns for v in given
            ):
                check_column_name(given, field)
        names: tuple[Any, Any, Any, Any] = design_names(
            self._columns, weights=weights, strata=strata, clusters=clusters, fpc=fpc
        )
        wcol, scol, ccol, fcol = names
        self.weights_column: str | None = wcol
        self.strata_column: str | None = scol
        self.clusters_column: str | Sequence[str] | None = ccol
        self.fpc_column: str | Sequence[str] | None = fcol
        for field, name in (
            ("weights", wcol),
            ("strata", scol),
            ("clusters", ccol),
            ("fpc", fcol),
        ):
            for one in name if isinstance(name, list | tuple) else [name]:
                if one is not None:
                    check_column_name(one, field)
                if one is not None and (not isinstance(one, str) or one not in self._columns):
                    raise ValidationError(
                        f"{field} column {one!r} is not in the data; "
                        f"columns: {sorted(self._columns)}"
                    )
        if scol is not None and isinstance(ccol, str) and scol == ccol:
            raise DesignError(
                f"strata and clusters both name column {scol!r}: every stratum would hold "
                "one cluster and no variance could be estimated; name the cluster column"
            )
        if pps is not None or not isinstance(ccol, str | None) or not isinstance(fcol, str | None):
            self._arrays = build_staged(
                self._columns,
                weights=wcol,
                strata=scol,
                clusters=ccol,
                fpc=fcol,
                pps=check_pps(pps),
                pps_variance=pps_variance,
                pps_p2bar=pps_p2bar,
                lonely_psu=check_lonely_psu(lonely_psu),
            )
            return
        self._arrays = build_arrays(
            self._columns,
            weights=wcol,
            strata=scol,
            clusters=ccol,
            fpc=fcol,
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
    @overload
    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> Estimate: ...

    @overload
    def proportion(
        self,
        col: list[str] | tuple[str, ...],
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> DomainResults[Estimate]: ...

    def proportion(
        self,
        col: str | list[str] | tuple[str, ...],
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> Estimate | DomainResults[Estimate]:
        """Estimated share of the population with ``col == value`` (R ``svyciprop``).

        Parameters
        ----------
        col : str or list of str
            Any column (labels or numbers); a list of columns gives one estimate per
            column, as one :class:`~servqual.DomainResults` table keyed by ``column``.
        value : object
            The category counted as a success.
        level : float
            Confidence level of the interval.
        method : {"logit", "xlogit", "asin", "beta", "wilson", "mean", "asin_unclipped", \
"mean_unclipped", "likelihood"}
            The interval (R ``svyciprop(..., method=)``; ``"wilson"`` is the Wilson score
            interval with the effective sample size; ``"likelihood"`` R's profile
            likelihood; ``*_unclipped`` R's numbers, which may leave [0, 1]). Formulas in
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
        if not isinstance(col, str):
            return self._each(col, lambda c: self._proportion(c, value, level, method, na))
        return self._proportion(col, value, level, method, na)

    def proportions(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail"
    ) -> DomainResults[Estimate]:
        """Share of each category of ``col`` (R ``svymean`` of a factor), with t intervals.

        Returns
        -------
        DomainResults[Estimate]
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
        return DomainResults(shares(self, raw, present, level=level, name=col), by=col)

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
        if not isinstance(columns, Mapping):
            raise ServqualTypeError(
                f"columns must map column names to arrays, got {type(columns).__name__}"
            )
        new = dict(self._columns)
        for name, values in columns.items():
            arr = np.asarray(values)
            if arr.shape != (self.n_rows,):
                raise ValidationError(
                    f"column {name!r} has shape {arr.shape}, expected ({self.n_rows},)"
                )
            new[name] = arr
        return Design._from_arrays(new, self._arrays, self)
