r"""What :class:`~servqual.Design` and :class:`~servqual.ReplicateDesign` share (private).

Data columns and the estimators, written once. A design kind only says how its variance
is computed (its :attr:`backend`) and which share intervals it offers; the estimators
below work on every kind through :mod:`servqual.design._front`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from servqual.design._backends import Backend
from servqual.design._build import attach_arrays, check_column_name
from servqual.design._estimators import IntervalKind, Kind, NaPolicy
from servqual.design._front import linear_estimates, proportion_estimates
from servqual.design.domains import DomainEstimator
from servqual.errors import ParameterError, ValidationError
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate

__all__ = ["DesignBase", "design_names", "read_only"]

Names = Any  # a column name, a list of names (one per stage), or None


def design_names(
    columns: dict[str, npt.NDArray[Any]],
    *,
    weights: object,
    strata: object,
    clusters: object,
    fpc: object,
) -> tuple[Names, Names, Names, Names]:
    """Design arguments as column names: arrays are stored as ``_weight``, ``_stratum`` ….

    For ``clusters`` and ``fpc``, a list or tuple naming a column of the data, or whose
    length is not the number of rows, is a list of names (one per stage); so is a value
    that is neither a name nor array-like (refused as a name). Any other list is an array
    of one value per row. ``columns`` is extended in place.
    """
    given = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
    n = len(next(iter(columns.values()))) if columns else 0
    stages = {
        field: list(value) if isinstance(value, list | tuple) else value
        for field, value in given.items()
        if field in ("clusters", "fpc") and _names_not_values(value, columns, n)
    }
    named = attach_arrays(columns, {k: v for k, v in given.items() if k not in stages})
    out = [stages[k] if k in stages else named[k] for k in given]
    return out[0], out[1], out[2], out[3]


def _names_not_values(value: object, columns: dict[str, npt.NDArray[Any]], n: int) -> bool:
    """Whether a ``clusters``/``fpc`` argument names columns rather than giving values."""
    if value is None or isinstance(value, str | np.ndarray):
        return False
    if isinstance(value, list | tuple):
        return len(value) != n or any(isinstance(v, str) and v in columns for v in value)
    return not hasattr(value, "__len__") and not hasattr(value, "__array__")


_RESPONDENT_ID = "_respondent_id"
"""The column ``Responses`` adds for its ids (``servqual._build.ID_COLUMN``; that module
imports this one): internal, so not listed to the user as one of the data's columns."""


class DesignBase:
    """Data columns and the estimators of a survey design; subclasses give the backend."""

    _columns: dict[str, npt.NDArray[Any]]
    proportion_methods: tuple[str, ...] = ()
    """The interval methods of ``proportion``."""

    @property
    def backend(self) -> Backend:
        """The variance backend (linearization or replicate weights)."""
        raise NotImplementedError  # pragma: no cover - every design kind defines it

    @property
    def columns(self) -> list[str]:
        """Names of the data columns."""
        return list(self._columns)

    def column(self, name: str) -> npt.NDArray[Any]:
        """One data column as a numpy array."""
        check_column_name(name, "column")
        if name not in self._columns:
            shown = sorted(c for c in self._columns if c != _RESPONDENT_ID)
            raise ValidationError(f"column {name!r} is not in the data; columns: {shown}")
        return self._columns[name]

    def _estimate(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: NaPolicy, interval: IntervalKind
    ) -> Estimate:
        """The estimate of the one all-rows domain (see :mod:`servqual.design.domains`)."""
        return linear_estimates(self, kind, cols, None, level=level, na=na, interval=interval)[0]

    def _proportion(
        self, col: str, value: object, level: float, method: str, na: NaPolicy
    ) -> Estimate:
        methods = self.proportion_methods
        one = proportion_estimates(
            self, col, value, None, level=level, method=method, methods=methods, na=na
        )
        return one[0]

    def _each(
        self, cols: Sequence[str], estimate: Callable[[str], Estimate]
    ) -> DomainResults[Estimate]:
        """One estimate per column, as one table keyed by column name."""
        if not isinstance(cols, list | tuple):
            key: Any = cols
            check_column_name(key, "column")  # None, a mapping, a set: a named type error
            self.column(key)  # a key that is not a column: named, with the columns
            raise ParameterError(f"give a column name or a list of column names, got {cols!r}")
        names = list(cols)
        if not names or not all(isinstance(c, str) for c in names):
            raise ParameterError(f"give a column name or a list of column names, got {cols!r}")
        if len(set(names)) < len(names):
            raise ParameterError(f"column names repeat in {names}")
        return DomainResults(((c, estimate(c)) for c in names), key="column")

    @overload
    def total(
        self,
        col: str,
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> Estimate: ...

    @overload
    def total(
        self,
        col: list[str] | tuple[str, ...],
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> DomainResults[Estimate]: ...

    def total(
        self,
        col: str | list[str] | tuple[str, ...],
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> Estimate | DomainResults[Estimate]:
        r"""Estimated population total of ``col`` (R ``svytotal(~col, design, deff=TRUE)``).

        Parameters
        ----------
        col : str or list of str
            A numeric column; a list of columns gives one estimate per column, as one
            :class:`~servqual.DomainResults` table keyed by ``column``.
        level : float
            Confidence level of the interval.
        na : {"fail", "domain"}
            Missing values: ``"fail"`` raises naming the first row; ``"domain"`` estimates
            over the rows with a value as a domain of the full design (R ``na.rm=TRUE``).
        interval : {"t", "normal"}
            ``"t"`` uses the design degrees of freedom (R ``confint(est, df=degf(design))``);
            ``"normal"`` the normal quantile (R ``confint(est)``) and ``df=None``.

        Returns
        -------
        Estimate
            :math:`\sum w y`. On a :class:`~servqual.Design`, with ``deff`` (R
            ``deff=TRUE``) and hence ``n_eff``; on a replicate design replicate ``r``
            gives :math:`\sum w_r y` and there is no design effect.

        Raises
        ------
        servqual.errors.ValidationError
            If ``col`` is missing, not numeric, or has a missing value with ``na="fail"``.

        Examples
        --------
        >>> import servqual as sq
        >>> sq.Design({"paid": [10.0, 0.0, 5.0, 5.0]}).total("paid").value
        20.0
        """
        if not isinstance(col, str):
            return self._each(col, lambda c: self._estimate("total", (c,), level, na, interval))
        return self._estimate("total", (col,), level, na, interval)

    @overload
    def mean(
        self,
        col: str,
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> Estimate: ...

    @overload
    def mean(
        self,
        col: list[str] | tuple[str, ...],
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> DomainResults[Estimate]: ...

    def mean(
        self,
        col: str | list[str] | tuple[str, ...],
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> Estimate | DomainResults[Estimate]:
        r"""Estimated population mean of ``col`` (R ``svymean(~col, design, deff=TRUE)``).

        Parameters
        ----------
        col : str or list of str
            A numeric column; a list of columns gives one estimate per column, as one
            :class:`~servqual.DomainResults` table keyed by ``column``.
        level, na, interval
            As in :meth:`total`.

        Returns
        -------
        Estimate
            ``value`` :math:`\bar y = \sum w y / \sum w`. Under linearization its variance
            is that of :math:`\sum w z` with :math:`z = (y - \bar y)/\sum w` and ``deff``
            is R's; replicate ``r`` of a replicate design gives
            :math:`\sum w_r y / \sum w_r`.

        Raises
        ------
        servqual.errors.InsufficientDataError
            If the weights (of the rows with a value) sum to zero.

        Examples
        --------
        >>> import servqual as sq
        >>> est = sq.Design({"score": [3, 4, 2, 4]}).mean("score")  # R: svymean(~score, d)
        >>> est.value, round(est.se, 4), est.df
        (3.25, 0.4787, 3.0)
        """
        if not isinstance(col, str):
            return self._each(col, lambda c: self._estimate("mean", (c,), level, na, interval))
        return self._estimate("mean", (col,), level, na, interval)

    def ratio(
        self,
        num: str,
        den: str,
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> Estimate:
        r"""Estimated ratio of the totals of ``num`` and ``den`` (R ``svyratio``).

        Under linearization the influence values are :math:`z = (y - \hat R x)/\hat X`
        and ``deff`` is R's ``svyratio(..., deff=TRUE)`` (the design effect of the total
        of ``z``); replicate ``r`` gives :math:`\sum w_r y / \sum w_r x`. With
        ``na="domain"`` a row missing either column is outside the domain.

        Raises
        ------
        servqual.errors.InsufficientDataError
            If the estimated total of ``den`` is zero.

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"staff_min": [30.0, 45, 20], "cases": [3.0, 5, 2]})
        >>> d.ratio("staff_min", "cases").value  # minutes of staff time per case
        9.5
        """
        return self._estimate("ratio", (num, den), level, na, interval)

    @overload
    def by(self, col: str) -> DomainEstimator[str]: ...  # type: ignore[overload-overlap]  # a str is also a Sequence[str]

    @overload
    def by(self, col: Sequence[str]) -> DomainEstimator[tuple[str, ...]]: ...

    def by(self, col: str | Sequence[str]) -> DomainEstimator[Any]:
        """Estimators per domain (category of ``col``), on the full design (R ``svyby``).

        ``col`` is one column (keys: its values as strings) or a list of columns (keys:
        tuples of strings, one per column, for the combinations that occur). See
        :class:`~servqual.design.DomainEstimator` and docs/domains.md.

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3], "desk": list("AABBBA")})
        >>> {k: round(v.value, 3) for k, v in d.by("desk").mean("score").items()}
        {'A': 3.333, 'B': 3.0}
        """
        return DomainEstimator(self, col)


def read_only(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """A read-only view of an array."""
    view: npt.NDArray[np.float64] = values.view()
    view.flags.writeable = False
    return view
