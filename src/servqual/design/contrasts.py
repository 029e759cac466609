r"""Linear contrasts of estimates (R ``svycontrast``) and the population variance (``svyvar``).

**Contrasts.** For estimates :math:`\hat\theta_k` (means or totals of several columns, or
the means of one column in several domains) with influence values :math:`z_k`, the
contrast :math:`\sum_k c_k \hat\theta_k` has influence values :math:`\sum_k c_k z_k`, so
its variance — covariances between the estimates included — is one call of the design's
variance backend. ``svycontrast(svyby(..., covmat=TRUE), c(...))`` and
``svycontrast(svymean(~a+b, d), c(...))`` in R.

**Variance.** R's ``svyvar`` estimates the population variance of ``y`` as the weighted
mean of :math:`u = (y - \bar y)^2\,n/(n-1)`, with :math:`n` the rows of non-zero weight
in the design (before any missing values are dropped, as survey 4.1.1 counts them), and
its standard error as that of the mean of :math:`u` (the estimated mean :math:`\bar y`
contributes nothing to the first-order variance).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from servqual.design._inputs import NaPolicy, check_choice, codes_of, numeric_column
from servqual.design.design import estimate_from_variance
from servqual.errors import InsufficientDataError, ParameterError, ValidationError
from servqual.models.results import Estimate
from servqual.stats.design_arrays import linearized_variance

if TYPE_CHECKING:
    from servqual.design.design import Design

__all__ = ["ContrastStatistic", "design_contrast", "design_variance"]

FloatArray = npt.NDArray[np.float64]
ContrastStatistic = Literal["mean", "total"]


def _influence(
    y: FloatArray, w: FloatArray, member: npt.NDArray[np.bool_], statistic: str, what: str
) -> tuple[float, FloatArray]:
    """Point value and influence values of a mean or total over the rows of ``member``."""
    if statistic == "total":
        return float(np.dot(w * member, y)), np.where(member, y, 0.0)
    size = float(np.dot(w, member))
    if size <= 0:
        raise InsufficientDataError(f"{what} has no row with a value and a positive weight")
    mean = float(np.dot(w * member, y)) / size
    return mean, np.where(member, (y - mean) / size, 0.0)


def _coefficients(coefficients: Mapping[Hashable, float]) -> list[tuple[Hashable, float]]:
    if not isinstance(coefficients, Mapping) or not coefficients:
        raise ParameterError(
            f"coefficients must be a non-empty mapping of name → number, got {coefficients!r}"
        )
    out = []
    for key, c in coefficients.items():
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not np.isfinite(c):
            raise ParameterError(f"coefficient of {key!r} must be a finite number, got {c!r}")
        out.append((key, float(c)))
    return out


def design_contrast(
    design: Design,
    coefficients: Mapping[Hashable, float],
    *,
    column: str | None = None,
    by: str | None = None,
    statistic: ContrastStatistic = "mean",
    level: float = 0.95,
    na: NaPolicy = "fail",
) -> Estimate:
    """A linear combination of estimates; see :meth:`Design.contrast`."""
    check_choice(statistic, "statistic", ("mean", "total"))
    coefs = _coefficients(coefficients)
    a = design.arrays
    value = 0.0
    z = np.zeros(design.n_rows)
    rows = np.zeros(design.n_rows, dtype=bool)
    if by is None:
        if column is not None:
            raise ParameterError("column is only used with by=; without it the keys are columns")
        for key, c in coefs:
            y, present = numeric_column(design, str(key), na)
            v, zk = _influence(y, a.weights, present, statistic, f"column {key!r}")
            value += c * v
            z += c * zk
            rows |= present
    else:
        if column is None:
            raise ParameterError("with by=, name the estimated column with column=")
        y, present = numeric_column(design, column, na)
        codes, labels, ok = codes_of(design, by, "fail")
        index = {str(label): i for i, label in enumerate(labels)}
        for key, c in coefs:
            if str(key) not in index:
                raise ValidationError(f"{key!r} is not a domain of {by!r}; domains: {list(index)}")
            member = present & ok & (codes == index[str(key)])
            v, zk = _influence(y, a.weights, member, statistic, f"domain {key!r} of {by!r}")
            value += c * v
            z += c * zk
            rows |= member
    var = float(linearized_variance(z, a)[0])
    return estimate_from_variance(value, var, n=int(rows.sum()), df=a.df, level=level)


def design_variance(
    design: Design, col: str, *, level: float = 0.95, na: NaPolicy = "fail"
) -> Estimate:
    """Population variance of ``col`` (R ``svyvar``); see :meth:`Design.variance`."""
    y, present = numeric_column(design, col, na)
    a = design.arrays
    n = float(np.count_nonzero(a.weights))  # survey 4.1.1: counted before na.rm
    if n < 2:
        raise InsufficientDataError(
            f"the design has {n:g} rows of positive weight; a variance needs 2"
        )
    mean, _ = _influence(y, a.weights, present, "mean", f"column {col!r}")
    u = (y - mean) ** 2 * n / (n - 1.0)
    value, z = _influence(u, a.weights, present, "mean", f"column {col!r}")
    var = float(linearized_variance(z, a)[0])
    return estimate_from_variance(value, var, n=int(present.sum()), df=a.df, level=level)
