"""The R-parity estimators as methods of :class:`~servqual.Design` (private mixin).

Each method validates nothing itself and delegates to the module that holds the
estimator (:mod:`~servqual.design.quantiles`, :mod:`~servqual.design.contrasts`,
:mod:`~servqual.design.association`); every one of them works on any design kind through
the design's variance backend.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, cast, overload

from servqual.design._inputs import NaPolicy
from servqual.models.results import Estimate

if TYPE_CHECKING:
    from servqual.design.association import ChisqResult, ChisqStatistic, TTestResult
    from servqual.design.contrasts import ContrastStatistic
    from servqual.design.design import Design
    from servqual.design.quantiles import QuantileMethod
    from servqual.stats.greg import CalFun
    from servqual.stats.weighted_quantile import QuantileRule

__all__ = ["SurveyStatistics"]


class SurveyStatistics:
    """Quantiles, variance, contrasts and tests of a design (mixed into ``Design``)."""

    @overload
    def quantile(
        self,
        col: str,
        p: float,
        *,
        level: float = ...,
        method: QuantileMethod = ...,
        rule: QuantileRule = ...,
        na: NaPolicy = ...,
        by: None = None,
    ) -> Estimate: ...

    @overload
    def quantile(
        self,
        col: str,
        p: float,
        *,
        level: float = ...,
        method: QuantileMethod = ...,
        rule: QuantileRule = ...,
        na: NaPolicy = ...,
        by: str,
    ) -> dict[str, Estimate]: ...

    def quantile(
        self,
        col: str,
        p: float,
        *,
        level: float = 0.95,
        method: QuantileMethod = "mean",
        rule: QuantileRule = "math",
        na: NaPolicy = "fail",
        by: str | None = None,
    ) -> Estimate | dict[str, Estimate]:
        """The ``p`` quantile of ``col`` with a Woodruff interval (R ``svyquantile``, survey 4.1).

        Parameters
        ----------
        col : str
            A numeric column.
        p : float
            The probability, in [0, 1] (0.5 for the median).
        level : float
            Confidence level.
        method : {"mean", "beta", "xlogit", "asin"}
            Interval of the share below the quantile (R ``interval.type``); ``"mean"`` is
            R's default.
        rule : {"math", "school", "hf7", "shahvaish"}
            Quantile rule (R ``qrule``); see :mod:`servqual.stats.weighted_quantile`.
        na : {"fail", "domain"}
            ``"domain"`` uses the rows with a value (R ``na.rm=TRUE``; the df is then that
            of the rows used, as R's subset design).
        by : str, optional
            A column whose categories are domains: one quantile per domain (R
            ``svyby(~col, ~by, d, svyquantile, ci=TRUE)``; each with its domain's df).

        Returns
        -------
        Estimate or dict[str, Estimate]
            ``ci.method`` is ``"woodruff-<method>"``; a bound whose share falls outside
            [0, 1] is NaN, and so is ``se`` (R: the interval width over ``2 t``). With
            ``by``, keyed by domain label.

        Raises
        ------
        servqual.errors.ParameterError
            If ``p``, ``method`` or ``rule`` is not allowed.

        Examples
        --------
        A district office timed 12 ID-card applications (days), two service points:

        >>> import servqual as sq
        >>> d = sq.Design({"days": [3, 5, 4, 8, 6, 5, 7, 2, 9, 4, 6, 5],
        ...                "point": list("AAAAAABBBBBB")}, clusters="point")
        >>> med = d.quantile("days", 0.5)  # R: svyquantile(~days, d, 0.5)
        >>> med.value, med.df
        (5.0, 1.0)
        """
        from servqual.design.quantiles import design_quantile, domain_quantiles

        design = cast("Design", self)
        if by is not None:
            return domain_quantiles(
                design, col, p, by, level=level, method=method, rule=rule, na=na
            )
        return design_quantile(design, col, p, level=level, method=method, rule=rule, na=na)

    def variance(self, col: str, *, level: float = 0.95, na: NaPolicy = "fail") -> Estimate:
        """Estimated population variance of ``col`` (R ``svyvar``), with its standard error.

        See :mod:`servqual.design.contrasts` for the formula; the interval is t on the
        design df.

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"score": [3, 4, 3, 2, 4, 3, 3, 4, 2, 3]})
        >>> round(d.variance("score").value, 4)  # R: svyvar(~score, d)
        0.5444
        """
        from servqual.design.contrasts import design_variance

        return design_variance(cast("Design", self), col, level=level, na=na)

    def contrast(
        self,
        coefficients: Mapping[Hashable, float],
        *,
        column: str | None = None,
        by: str | None = None,
        statistic: ContrastStatistic = "mean",
        level: float = 0.95,
        na: NaPolicy = "fail",
    ) -> Estimate:
        """A linear combination of means or totals, with its design SE (R ``svycontrast``).

        Parameters
        ----------
        coefficients : mapping
            Without ``by``: column → coefficient (``{"api00": 1, "api99": -1}``). With
            ``by``: domain label → coefficient, for the estimates of ``column`` in each
            domain (labels compared as strings).
        column : str, optional
            The estimated column when ``by`` is given.
        by : str, optional
            A column whose categories are the domains.
        statistic : {"mean", "total"}
            What is estimated for each term.
        level, na
            As in :meth:`mean`.

        Examples
        --------
        This semester's index minus the average of the last two semesters:

        >>> import servqual as sq
        >>> d = sq.Design({"index": [80, 78, 85, 70, 74, 76, 72, 71, 69],
        ...                "semester": ["s3"] * 3 + ["s2"] * 3 + ["s1"] * 3})
        >>> c = d.contrast({"s3": 1, "s2": -0.5, "s1": -0.5}, column="index", by="semester")
        >>> round(c.value, 3)  # R: svycontrast(svyby(~index, ~semester, d, svymean), ...)
        9.0
        """
        from servqual.design.contrasts import design_contrast

        return design_contrast(
            cast("Design", self),
            coefficients,
            column=column,
            by=by,
            statistic=statistic,
            level=level,
            na=na,
        )

    def calibrate(
        self,
        population: Mapping[str, float | Mapping[Hashable, float]],
        *,
        size: float | None = None,
        bounds: tuple[float, float] | None = None,
        calfun: CalFun = "linear",
        max_iter: int = 50,
        tol: float = 1e-7,
    ) -> Design:
        """A new design with GREG (linear) calibrated weights (R ``calibrate``).

        Parameters
        ----------
        population : mapping
            Column → population total (numeric column) or column → {category: count}
            (categorical column; every category in the data needs a count).
        size : float, optional
            The population size (the model's intercept); needed when no categorical
            margin is given, checked against the margins' sums otherwise.
        bounds : (lower, upper), optional
            Bounds on the g-weights (R ``bounds=c(lower, upper)``), met by R's Newton
            iteration; ``None``: unbounded (R's closed form for ``"linear"``).
        calfun : {"linear", "raking", "logit"}
            R's calibration function (``calfun=``); ``"logit"`` needs finite bounds.
        max_iter, tol
            Iterations and relative misfit of the bounded iteration (R ``maxit``,
            ``epsilon``).

        Returns
        -------
        Design
            Weights ``w g``; estimators' variances use the regression residuals (R's
            ``svyrecvar``). See :mod:`servqual.stats.greg`.

        Raises
        ------
        servqual.errors.ConvergenceError
            If the bounded iteration fails.
        servqual.errors.ValidationError
            A category without a population count, margins that disagree on the size.

        Examples
        --------
        Two desks; the office served 60 people at desk A and 40 at desk B:

        >>> import servqual as sq
        >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3], "desk": list("AABBBA")})
        >>> cal = d.calibrate({"desk": {"A": 60, "B": 40}})  # R: calibrate(d, ~desk, pop)
        >>> [round(float(w), 3) for w in cal.weights]
        [20.0, 20.0, 13.333, 13.333, 13.333, 20.0]
        """
        from servqual.design.greg import calibrate

        return calibrate(
            cast("Design", self),
            population,
            size=size,
            bounds=bounds,
            calfun=calfun,
            max_iter=max_iter,
            tol=tol,
        )

    def trim_weights(
        self, *, lower: float = -math.inf, upper: float = math.inf, strict: bool = False
    ) -> Design:
        """A new design with weights trimmed to [lower, upper] (R ``trimWeights``).

        Weights outside are set to the bound and the amount trimmed is shared equally
        among the other rows (R's rule); ``strict=True`` repeats until every weight is
        inside. Calibration steps are kept, as in R.

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"y": [1.0, 2, 3, 4], "w": [1.0, 2, 3, 10]}, weights="w")
        >>> d.trim_weights(upper=6).weights.tolist()
        [2.333..., 3.333..., 4.333..., 6.0]
        """
        from servqual.design.greg import trim_weights

        return trim_weights(cast("Design", self), lower=lower, upper=upper, strict=strict)

    def ttest(
        self, col: str, group: str, *, level: float = 0.95, na: NaPolicy = "fail"
    ) -> TTestResult:
        """Design-based t test of the difference of the means of two groups (R ``svyttest``).

        The difference is the mean of the second group minus that of the first, in
        sorted order of the labels (R's factor levels); df is the design's minus one.

        Raises
        ------
        servqual.errors.ValidationError
            If ``group`` does not have exactly two groups among the rows used.

        Examples
        --------
        >>> import servqual as sq
        >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3, 4, 2], "sex": list("FFMMMFFM")})
        >>> res = d.ttest("score", "sex")  # R: svyttest(score ~ sex, d)
        >>> res.groups, round(res.difference.value, 2), res.df
        (('F', 'M'), -0.75, 6.0)
        """
        from servqual.design.association import design_ttest

        return design_ttest(cast("Design", self), col, group, level=level, na=na)

    def chisq(
        self,
        rows: str,
        cols: str,
        *,
        statistic: ChisqStatistic = "F",
        na: NaPolicy = "domain",
    ) -> ChisqResult:
        """Test of association of two categorical columns (R ``svychisq``, Rao–Scott).

        Parameters
        ----------
        rows, cols : str
            The two categorical columns.
        statistic : {"F", "Chisq", "Wald", "adjWald"}
            ``"F"``: Rao–Scott second-order correction (R's default); ``"Chisq"``:
            first-order; ``"Wald"``/``"adjWald"``: Wald tests. See
            :mod:`servqual.design.association`.
        na : {"domain", "fail"}
            Rows missing either column are left out (R ``na.rm=TRUE``, the default), or
            raise.

        Examples
        --------
        Is satisfaction independent of the applicant's sex?

        >>> import servqual as sq
        >>> d = sq.Design({"satisfied": list("YYNYYNYNYYNY" * 2),
        ...                "sex": list("FFFFMMMMFFMM" * 2)})
        >>> res = d.chisq("satisfied", "sex")  # R: svychisq(~satisfied + sex, d)
        >>> res.method, 0 <= res.p_value <= 1
        ('F', True)
        """
        from servqual.design.association import design_chisq

        return design_chisq(cast("Design", self), rows, cols, statistic=statistic, na=na)
