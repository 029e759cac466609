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
from servqual.errors import DesignError, InsufficientDataError, ValidationError
from servqual.models.results import Estimate, Interval
from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.intervals import symmetric_interval
from servqual.stats.quantiles import check_level
from servqual.stats.variance import LonelyPSU, check_lonely_psu

__all__ = ["Design", "estimate_from_variance"]


def estimate_from_variance(
    value: float,
    variance: float,
    *,
    n: int,
    df: float | None,
    level: float,
    deff: float | None = None,
) -> Estimate:
    """Build an :class:`Estimate` with a symmetric t (or normal) interval.

    Used by every linearization-based estimator; ``df=None`` means a normal quantile.
    """
    level = check_level(level)
    se = float(np.sqrt(variance)) if variance >= 0 else float("nan")
    low, high = symmetric_interval(value, se, df, level)
    method = "normal" if df is None else "t"
    return Estimate(
        value=value,
        se=se,
        ci=Interval(low=low, high=high, level=level, method=method),
        n=n,
        df=df,
        deff=deff,
    )


def _labels(values: npt.NDArray[Any], field: str) -> tuple[npt.NDArray[np.intp], list[Hashable]]:
    """Codes and labels of a categorical design column; missing labels are an error."""
    for i, v in enumerate(values.tolist()) if values.dtype.kind in "OUSf" else ():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            raise DesignError(f"{field} is missing in row {i}: {v!r}")
    uniq, codes = np.unique(values, return_inverse=True)
    return codes.astype(np.intp).reshape(-1), [u.item() if hasattr(u, "item") else u for u in uniq]


def _weights(values: npt.NDArray[Any], field: str) -> npt.NDArray[np.float64]:
    try:
        w = values.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise DesignError(f"{field} must be numeric: {exc}") from None
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        i = int(bad[0])
        raise DesignError(
            f"{field} must be finite and non-negative; row {i} has {values[i]!r}"
            + (f" ({bad.size} rows in all)" if bad.size > 1 else "")
        )
    return w


class Design:
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
        What to do with a stratum holding a single PSU (R's ``survey.lonely.psu``).

    Examples
    --------
    Ten applicants of a district office rated the service 1–4; the office served 60 people:

    >>> import servqual as sq
    >>> d = sq.Design({"score": [3, 4, 3, 2, 4, 3, 3, 4, 2, 3], "N": [60] * 10}, fpc="N")
    >>> est = d.mean("score")  # R: svymean(~score, svydesign(ids=~1, fpc=~N, data=df))
    >>> round(est.value, 2), round(est.se, 4), est.df
    (3.1, 0.213, 9.0)
    """

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
        self._arrays = self._build_arrays(check_lonely_psu(lonely_psu))

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

    def _build_arrays(self, lonely_psu: LonelyPSU) -> DesignArrays:
        n = self.n_rows
        if n == 0:
            raise InsufficientDataError("the design has no rows")
        if self.strata_column is not None:
            s_codes, strata = _labels(self._columns[self.strata_column], "strata")
        else:
            s_codes, strata = np.zeros(n, dtype=np.intp), [None]
        psu_codes: npt.NDArray[np.intp] | None = None
        psu_keys: tuple[Hashable, ...] | None = None
        if self.clusters_column is not None:
            c_codes, c_labels = _labels(self._columns[self.clusters_column], "clusters")
            pair = s_codes.astype(np.int64) * len(c_labels) + c_codes
            uniq, psu_codes = np.unique(pair, return_inverse=True)
            psu_codes = psu_codes.astype(np.intp).reshape(-1)
            psu_keys = tuple(
                (strata[int(p) // len(c_labels)], c_labels[int(p) % len(c_labels)]) for p in uniq
            )
            n_psu_h = np.bincount(uniq // len(c_labels), minlength=len(strata))
        else:
            n_psu_h = np.bincount(s_codes, minlength=len(strata))
        pop = np.full(len(strata), np.inf)
        if self.fpc_column is not None:
            pop = self._population(s_codes, strata, n_psu_h)
        if self.weights_column is not None:
            w = _weights(self._columns[self.weights_column], "weights")
        elif self.fpc_column is not None:
            w = (pop / n_psu_h)[s_codes]
        else:
            w = np.ones(n)
        return DesignArrays(w, s_codes, tuple(strata), pop, psu_codes, psu_keys, lonely_psu)

    def _population(
        self, s_codes: npt.NDArray[np.intp], strata: list[Hashable], n_psu_h: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.float64]:
        assert self.fpc_column is not None
        f = _weights(self._columns[self.fpc_column], "fpc")
        lo = np.full(len(strata), np.inf)
        hi = np.full(len(strata), -np.inf)
        np.minimum.at(lo, s_codes, f)
        np.maximum.at(hi, s_codes, f)
        diff = np.flatnonzero(lo != hi)
        if diff.size:
            h = int(diff[0])
            raise DesignError(
                f"fpc must be constant within a stratum; stratum {strata[h]!r} has "
                f"values from {lo[h]!r} to {hi[h]!r}"
            )
        if np.all((lo > 0) & (lo <= 1)):
            return np.asarray(n_psu_h / lo, dtype=np.float64)  # sampling fractions
        small = np.flatnonzero(lo < n_psu_h)
        if small.size:
            h = int(small[0])
            raise DesignError(
                f"fpc {lo[h]:g} in stratum {strata[h]!r} is smaller than the "
                f"{int(n_psu_h[h])} sampled units there"
            )
        return lo

    # --- introspection -------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        """Number of rows (respondents)."""
        return len(next(iter(self._columns.values()))) if self._columns else 0

    @property
    def columns(self) -> list[str]:
        """Names of the data columns."""
        return list(self._columns)

    @property
    def arrays(self) -> DesignArrays:
        """The design as plain arrays, for the numeric core."""
        return self._arrays

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """The sampling weights (a read-only view)."""
        w: npt.NDArray[np.float64] = self._arrays.weights.view()
        w.flags.writeable = False
        return w

    @property
    def df(self) -> float:
        """Design degrees of freedom: first-stage units minus strata (R ``degf``)."""
        return self._arrays.df

    def column(self, name: str) -> npt.NDArray[Any]:
        """One data column as a numpy array."""
        if name not in self._columns:
            raise ValidationError(
                f"column {name!r} is not in the data; columns: {sorted(self._columns)}"
            )
        return self._columns[name]

    def numeric(self, name: str) -> npt.NDArray[np.float64]:
        """A data column as float64; missing values are an error naming the row."""
        raw = self.column(name)
        try:
            y = raw.astype(np.float64)
        except (TypeError, ValueError):
            raise ValidationError(f"column {name!r} is not numeric (dtype {raw.dtype})") from None
        bad = np.flatnonzero(~np.isfinite(y))
        if bad.size:
            i = int(bad[0])
            raise ValidationError(
                f"column {name!r} has a missing or non-finite value in row {i}: {raw[i]!r}"
            )
        return y

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

    # --- estimators ----------------------------------------------------------------
    def total(self, col: str, *, level: float = 0.95) -> Estimate:
        """Estimated population total of ``col`` (R ``svytotal``)."""
        y = self.numeric(col)
        a = self._arrays
        value = float(np.dot(a.weights, y))
        var = float(linearized_variance(y, a)[0])
        return estimate_from_variance(value, var, n=a.n, df=a.df, level=level)

    def mean(self, col: str, *, level: float = 0.95) -> Estimate:
        """Estimated population mean of ``col`` (R ``svymean``)."""
        y = self.numeric(col)
        a = self._arrays
        total_w = float(a.weights.sum())
        if total_w <= 0:
            raise InsufficientDataError("the weights sum to zero: no mean can be estimated")
        value = float(np.dot(a.weights, y)) / total_w
        var = float(linearized_variance((y - value) / total_w, a)[0])
        return estimate_from_variance(value, var, n=a.n, df=a.df, level=level)

    def ratio(self, num: str, den: str, *, level: float = 0.95) -> Estimate:
        """Estimated ratio of the totals of ``num`` and ``den`` (R ``svyratio``)."""
        y = self.numeric(num)
        x = self.numeric(den)
        a = self._arrays
        tx = float(np.dot(a.weights, x))
        if tx == 0:
            raise InsufficientDataError(f"the estimated total of {den!r} is zero: no ratio")
        value = float(np.dot(a.weights, y)) / tx
        var = float(linearized_variance((y - value * x) / tx, a)[0])
        return estimate_from_variance(value, var, n=a.n, df=a.df, level=level)

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
