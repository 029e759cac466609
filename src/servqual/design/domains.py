"""Domain (subpopulation) estimation: ``design.by(col)``, as R's ``svyby``.

A domain estimate uses the rows of the domain for its point value, but its variance is
computed on the **full design**: rows outside the domain stay in their strata and PSUs with
influence value 0. So a cluster with no respondent in the domain still counts, the domain
size is treated as random, and the degrees of freedom are those of the whole design (R
``confint(svyby(...), df = degf(design))``). All domains are estimated together: one
reduce over the rows with one column per domain.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from servqual.design._build import category_codes
from servqual.design._estimators import (
    IntervalKind,
    NaPolicy,
    estimates,
    indicator,
    mean_kernel,
    numeric_values,
    ratio_kernel,
    total_kernel,
)
from servqual.design.comparisons import Comparison, check_comparable, comparison_from_influence
from servqual.errors import ParameterError, ValidationError
from servqual.models.results import Estimate
from servqual.stats.svyciprop import SVY_PROPORTION_METHODS, SvyProportionMethod

if TYPE_CHECKING:
    from servqual.design.design import Design

__all__ = ["DomainEstimator", "linearized_estimates", "proportion_estimates"]

FloatArray = npt.NDArray[np.float64]


def restrict_domains(matrix: FloatArray | None, present: npt.NDArray[np.bool_]) -> FloatArray:
    """Domain indicators of the rows that have a value (``None``: one all-rows domain)."""
    if matrix is None:
        return present.astype(np.float64)[:, None]
    return matrix * present[:, None]


def linearized_estimates(
    design: Design,
    kind: Literal["mean", "total", "ratio"],
    cols: tuple[str, ...],
    matrix: FloatArray | None,
    labels: Sequence[Hashable],
    *,
    level: float,
    na: NaPolicy,
    interval: IntervalKind,
) -> list[Estimate]:
    """One estimate per domain (column of the 0/1 ``matrix``) on the full design.

    ``cols`` is ``(col,)``, or ``(num, den)`` for a ratio; with ``na="domain"`` a row
    missing any of them is outside every domain. :class:`~servqual.Design`'s own
    estimators are the case of one all-rows domain (``matrix=None``) labelled ``None``.
    """
    parsed = [numeric_values(design.column(col), col, na) for col in cols]
    present = np.logical_and.reduce([ok for _, ok in parsed])
    d = restrict_domains(matrix, present)
    if kind == "ratio":
        value, z = ratio_kernel(design.arrays, parsed[0][0], parsed[1][0], d, labels)
    else:
        kernel = mean_kernel if kind == "mean" else total_kernel
        value, z = kernel(design.arrays, parsed[0][0], d, labels)
    return estimates(design.arrays, value, z, d, level=level, interval=interval)


def proportion_estimates(
    design: Design,
    col: str,
    value: object,
    matrix: FloatArray | None,
    labels: Sequence[Hashable],
    *,
    level: float,
    method: SvyProportionMethod,
    na: NaPolicy,
) -> list[Estimate]:
    """The share of ``col == value`` in each domain (column of ``matrix``), R ``svyciprop``."""
    if method not in SVY_PROPORTION_METHODS:
        raise ParameterError(
            f"method must be one of {list(SVY_PROPORTION_METHODS)}, got {method!r}"
        )
    y, present = indicator(design.column(col), col, value, na)
    d = restrict_domains(matrix, present)
    est, z = mean_kernel(design.arrays, y, d, labels)
    return estimates(design.arrays, est, z, d, level=level, proportion=method)


class DomainLabels:
    """The domains of one column: string labels and a 0/1 matrix (rows × domains).

    Shared by the domain estimators of :class:`~servqual.Design` and
    :class:`~servqual.ReplicateDesign`.
    """

    column: str
    labels: list[str]
    _raw_labels: list[Hashable]
    _matrix: FloatArray

    def _init_domains(self, values: npt.NDArray[Any], col: str) -> None:
        self.column = col
        codes, labels = category_codes(values, f"domain column {col!r}")
        self.labels = [str(label) for label in labels]
        self._raw_labels = labels
        self._matrix = np.zeros((values.shape[0], len(labels)))
        self._matrix[np.arange(values.shape[0]), codes] = 1.0

    def __repr__(self) -> str:
        return f"{type(self).__name__}(by={self.column!r}, domains={self.labels!r})"

    def _keyed(self, ests: list[Estimate]) -> dict[str, Estimate]:
        return dict(zip(self.labels, ests, strict=True))


class DomainEstimator(DomainLabels):
    """Estimators per domain of a design; each returns ``dict[str, Estimate]``.

    Made by :meth:`servqual.Design.by`. Keys are the domain labels as strings, in sorted
    order of the labels.

    Parameters
    ----------
    design : Design
        The full design.
    col : str
        The column whose categories are the domains (no missing labels).

    Examples
    --------
    Two service desks of a district office, rated 1–4:

    >>> import servqual as sq
    >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3, 4, 2], "desk": list("AABBBAAB")})
    >>> res = d.by("desk").mean("score")  # R: svyby(~score, ~desk, design, svymean)
    >>> sorted(res), round(res["A"].value, 2), res["A"].df
    (['A', 'B'], 3.5, 7.0)
    """

    def __init__(self, design: Design, col: str) -> None:
        self.design = design
        self._init_domains(design.column(col), col)

    def _domains(self, present: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
        return restrict_domains(self._matrix, present)

    def _estimates(
        self,
        kind: Literal["mean", "total", "ratio"],
        cols: tuple[str, ...],
        level: float,
        na: NaPolicy,
        interval: IntervalKind,
    ) -> dict[str, Estimate]:
        ests = linearized_estimates(
            self.design,
            kind,
            cols,
            self._matrix,
            self._raw_labels,
            level=level,
            na=na,
            interval=interval,
        )
        return self._keyed(ests)

    def mean(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> dict[str, Estimate]:
        """Domain means (R ``svyby(~col, ~by, design, svymean)``); arguments as ``Design.mean``."""
        return self._estimates("mean", (col,), level, na, interval)

    def total(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> dict[str, Estimate]:
        """Domain totals (R ``svyby(~col, ~by, design, svytotal)``)."""
        return self._estimates("total", (col,), level, na, interval)

    def ratio(
        self,
        num: str,
        den: str,
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> dict[str, Estimate]:
        """Domain ratios of totals (R ``svyby(~num, ~by, design, svyratio, denominator=~den)``)."""
        return self._estimates("ratio", (num, den), level, na, interval)

    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
    ) -> dict[str, Estimate]:
        """Domain shares of ``col == value`` (R ``svyby(~I(col == value), ~by, d, svyciprop)``)."""
        ests = proportion_estimates(
            self.design,
            col,
            value,
            self._matrix,
            self._raw_labels,
            level=level,
            method=method,
            na=na,
        )
        return self._keyed(ests)

    def difference(
        self,
        col: str,
        first: object,
        second: object,
        *,
        value: object = None,
        level: float = 0.95,
        na: NaPolicy = "fail",
    ) -> Comparison:
        r"""Difference of two domain means (or shares) on the same design, by linearization.

        The difference :math:`\hat\theta_1 - \hat\theta_2` has influence values
        :math:`z_1 - z_2`, so its variance :math:`V_1 + V_2 - 2C_{12}` includes the
        covariance of the two domains (non-zero when they share strata or PSUs).
        The interval uses the t quantile on the design degrees of freedom, and the
        p-value is two-sided from the same t distribution.

        Parameters
        ----------
        col : str
            The numeric column compared (or any column, with ``value``).
        first, second : object
            The two domain labels (compared as strings).
        value : object, optional
            If given, compare the shares of ``col == value`` instead of the means.
        level : float
            Confidence level.
        na : {"fail", "domain"}
            Missing values in ``col``.

        Returns
        -------
        Comparison
            ``difference`` (first − second), ``p_value``, the two domain estimates.

        Raises
        ------
        servqual.errors.ValidationError
            If a label is not a domain of the column.

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3, 4, 2], "desk": list("AABBBAAB")})
        >>> c = d.by("desk").difference("score", "A", "B")
        >>> round(c.difference.value, 2), 0 <= c.p_value <= 1
        (0.75, True)
        """
        idx = []
        for label in (first, second):
            if str(label) not in self.labels:
                raise ValidationError(
                    f"{label!r} is not a domain of {self.column!r}; domains: {self.labels}"
                )
            idx.append(self.labels.index(str(label)))
        raw = self.design.column(col)
        if value is None:
            y, present = numeric_values(raw, col, na)
        else:
            y, present = indicator(raw, col, value, na)
        d = self._domains(present)[:, idx]
        labels = [self._raw_labels[i] for i in idx]
        sizes = np.count_nonzero(d, axis=0)
        check_comparable((int(sizes[0]), int(sizes[1])), (first, second), repr(col))
        est, z = mean_kernel(self.design.arrays, y, d, labels)
        a = self.design.arrays
        pair = estimates(a, est, z, d, level=level)
        return comparison_from_influence(a, pair, z[:, 0] - z[:, 1], level=level)
