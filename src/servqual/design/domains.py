"""Domain (subpopulation) estimation: ``design.by(col)``, as R's ``svyby``.

A domain estimate uses the rows of the domain for its point value, but its variance is
computed on the **full design**: rows outside the domain stay in their strata and PSUs with
influence value 0. So a cluster with no respondent in the domain still counts, the domain
size is treated as random, and the degrees of freedom are those of the whole design (R
``confint(svyby(...), df = degf(design))``). On a replicate design each domain's
estimate is re-evaluated with every replicate's weights (R ``svyby`` on a
``svrepdesign``).

All domains are estimated together, in memory proportional to the rows plus the domains:
each row belongs to one domain, so the estimator keeps one influence value per row and
reduces it by ``bincount`` over (stratum, PSU, domain) cells
(:mod:`servqual.stats.domain_variance`); a million domains work. The covariance of two
domains is computed only by :meth:`DomainEstimator.difference`, which needs it.

Keys. ``by("unit")`` keys each domain by the value as a string (``"Bogor"``, ``"3"``);
``by(["province", "unit"])`` by a tuple of strings (``("Jawa Barat", "Bogor")``), one
per column, for the combinations that occur, sorted column by column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from servqual.design._backends import Variances
from servqual.design._build import category_codes
from servqual.design._by import DomainKey, Domains, code_domains
from servqual.design._estimators import IntervalKind, Kind, NaPolicy, indicator, numeric_values
from servqual.design._front import (
    Estimable,
    domain_estimates,
    evaluate,
    linear_estimates,
    proportion_estimates,
    statistic,
)
from servqual.design.comparisons import Comparison, check_comparable, comparison_from_variance
from servqual.errors import ValidationError
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate
from servqual.stats.svyciprop import SvyProportionMethod

__all__ = ["DomainEstimator", "DomainKey", "design_domains"]

K = TypeVar("K", str, tuple[str, ...])
_REPR_KEYS = 5
"""Domain keys a ``repr`` shows before it summarises."""


def design_domains(design: Estimable, by: str | Sequence[str]) -> Domains:
    """The domains of ``by`` (one column or several); a missing label names its row."""

    def coder(values: npt.NDArray[Any], name: str) -> tuple[Any, list[Any]]:
        return category_codes(values, f"domain column {name!r}")

    return code_domains(design.column, by, coder)


class LinearDomainMethods:
    """``mean``, ``total`` and ``ratio`` per domain, for any estimator with ``_linear``.

    Shared by the in-memory :class:`DomainEstimator` and the engines' domain estimators:
    they differ only in how ``_linear`` reaches the data.
    """

    def _linear(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: NaPolicy, interval: IntervalKind
    ) -> DomainResults[Estimate]:
        raise NotImplementedError  # pragma: no cover - every subclass defines it

    def mean(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> DomainResults[Estimate]:
        """Domain means (R ``svyby(~col, ~by, design, svymean)``); arguments as ``Design.mean``."""
        return self._linear("mean", (col,), level, na, interval)

    def total(
        self, col: str, *, level: float = 0.95, na: NaPolicy = "fail", interval: IntervalKind = "t"
    ) -> DomainResults[Estimate]:
        """Domain totals (R ``svyby(~col, ~by, design, svytotal)``)."""
        return self._linear("total", (col,), level, na, interval)

    def ratio(
        self,
        num: str,
        den: str,
        *,
        level: float = 0.95,
        na: NaPolicy = "fail",
        interval: IntervalKind = "t",
    ) -> DomainResults[Estimate]:
        """Domain ratios of totals (R ``svyby(~num, ~by, design, svyratio, denominator=~den)``)."""
        return self._linear("ratio", (num, den), level, na, interval)


class DomainEstimator(LinearDomainMethods, Generic[K]):
    """Estimators per domain of a design, each returning a :class:`~servqual.DomainResults`.

    A ``DomainResults`` is a ``dict`` of :class:`~servqual.Estimate` keyed by domain, with
    ``to_frame()``.

    Made by :meth:`servqual.Design.by` and :meth:`servqual.ReplicateDesign.by`; the
    estimators are the design's own (:meth:`~servqual.Design.mean`, …) restricted to each
    domain, with the full design's degrees of freedom. Keys are the domain labels as
    strings (one ``by`` column) or tuples of strings (several), in sorted order.

    Parameters
    ----------
    design : Design or ReplicateDesign
        The full design.
    by : str or list of str
        The column(s) whose categories (or combinations) are the domains.

    Examples
    --------
    Two service desks of a district office, rated 1–4:

    >>> import servqual as sq
    >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3, 4, 2], "desk": list("AABBBAAB"),
    ...                "shift": ["am", "pm"] * 4})
    >>> res = d.by("desk").mean("score")  # R: svyby(~score, ~desk, design, svymean)
    >>> sorted(res), round(res["A"].value, 2), res["A"].df
    (['A', 'B'], 3.5, 7.0)
    >>> both = d.by(["desk", "shift"]).mean("score")  # R: svyby(~score, ~desk + shift, ...)
    >>> list(both), both[("A", "pm")].value
    ([('A', 'am'), ('A', 'pm'), ('B', 'am'), ('B', 'pm')], 3.5)
    """

    def __init__(self, design: Estimable, by: str | Sequence[str]) -> None:
        self.design = design
        self.domains = design_domains(design, by)
        self.column = self.domains.name

    @property
    def labels(self) -> list[K]:
        """The domain keys, in order."""
        return list(self.domains.keys)  # type: ignore[arg-type]  # K is the key type of by

    def __repr__(self) -> str:
        """The ``by`` column(s) and the first keys (all of them when there are few)."""
        keys = self.domains.keys
        if len(keys) <= _REPR_KEYS:
            return f"{type(self).__name__}(by={self.column!r}, domains={keys!r})"
        first = ", ".join(repr(key) for key in keys[:_REPR_KEYS])
        return (
            f"{type(self).__name__}(by={self.column!r}, domains=[{first}, ...], "
            f"n_domains={len(keys)})"
        )

    def _keyed(self, ests: list[Estimate]) -> DomainResults[Estimate]:
        by = self.domains.by
        return DomainResults(zip(self.labels, ests, strict=True), by=by[0] if len(by) == 1 else by)

    def _linear(
        self, kind: Kind, cols: tuple[str, ...], level: float, na: NaPolicy, interval: IntervalKind
    ) -> DomainResults[Estimate]:
        return self._keyed(
            linear_estimates(
                self.design, kind, cols, self.domains, level=level, na=na, interval=interval
            )
        )

    def proportion(
        self,
        col: str,
        value: object,
        *,
        level: float = 0.95,
        method: SvyProportionMethod = "logit",
        na: NaPolicy = "fail",
        df: Literal["domain", "design"] = "domain",
    ) -> DomainResults[Estimate]:
        """Domain shares of ``col == value`` (R ``svyby(~I(col == value), ~by, d, svyciprop)``).

        ``method`` as in the design's ``proportion`` (``Design.proportion``;
        ``ReplicateDesign.proportion`` has no ``"wilson"``). ``df="domain"`` (the
        default, R survey 4.1.1's semantics): on a :class:`~servqual.Design`, each
        domain's interval uses the df of the domain's subset design (its PSUs minus its
        strata), as ``svyciprop`` inside ``svyby`` does; ``df="design"`` uses the full
        design's df (R's ``confint(svyby(...), df=degf(design))``). A replicate design
        keeps its own df (rank of the replicate weights minus 1) either way.
        """
        ests = proportion_estimates(
            self.design,
            col,
            value,
            self.domains,
            level=level,
            method=method,
            methods=self.design.proportion_methods,
            na=na,
            df=df,
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
        r"""Difference of two domain means (or shares) on the same design.

        Under linearization the difference :math:`\hat\theta_1 - \hat\theta_2` has
        influence values :math:`z_1 - z_2`, so its variance :math:`V_1 + V_2 - 2C_{12}`
        includes the covariance of the two domains (non-zero when they share strata or
        PSUs): the one covariance computed, for this pair only. On a replicate design it
        is the replicate variance of the replicates' differences. The interval uses the t
        quantile on the design degrees of freedom, and the p-value is two-sided from the
        same t distribution.

        Parameters
        ----------
        col : str
            The numeric column compared (or any column, with ``value``).
        first, second : object
            The two domain keys (compared as strings; a tuple with several ``by`` columns).
        value : object, optional
            If given, compare the shares of ``col == value`` instead of the means.
        level : float
            Confidence level.
        na : {"fail", "domain"}
            Missing values in ``col``.

        Returns
        -------
        Comparison
            ``difference`` (first − second), ``p_value``, the two domain estimates;
            ``method`` is ``"linearization"`` or ``"replicate"``.

        Raises
        ------
        servqual.errors.ValidationError
            If a key is not a domain of the column(s).

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3, 4, 2], "desk": list("AABBBAAB")})
        >>> c = d.by("desk").difference("score", "A", "B")
        >>> round(c.difference.value, 2), 0 <= c.p_value <= 1
        (0.75, True)
        """
        idx = []
        for key in (first, second):
            i = self.domains.index(key)
            if i is None:
                raise ValidationError(
                    f"{key!r} is not a domain of {self.column!r}; domains: {self.labels}"
                )
            idx.append(i)
        raw = self.design.column(col)
        ys = [numeric_values(raw, col, na) if value is None else indicator(raw, col, value, na)]
        stat = statistic("mean", ys, self.domains)
        two = np.array(idx)
        sizes = stat.counts()[two]
        check_comparable((int(sizes[0]), int(sizes[1])), (first, second), repr(col))
        est, tx, var = evaluate(self.design, stat)
        backend = self.design.backend
        sub = Variances(var.var[two], None if var.deff is None else var.deff[two])
        pair = domain_estimates(
            backend,
            est[two],
            sub,
            sizes,
            backend.df,
            level,
            several=True,
            bounds=None if value is None else (0.0, 1.0),
        )
        v = backend.difference_variance(stat, est, tx, idx[0], idx[1])
        return comparison_from_variance(pair, v, backend.df, level=level, method=backend.name)
