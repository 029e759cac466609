r"""Design-based tests: two-group t test (R ``svyttest``) and tests of association (``svychisq``).

Both are built on influence values and the design's variance backend, so they work on
every design kind (stratified, clustered, two-stage, PPS, calibrated).

**t test.** The difference of the means of ``col`` in the two groups,
:math:`\hat\mu_2 - \hat\mu_1` (groups in sorted order of their labels, as R's factor
levels), with influence values :math:`z_2 - z_1`. It equals the slope of R's
``svyglm(col ~ group)``; its t statistic is referred to a t distribution on
``degf(design) - 1`` degrees of freedom, as survey 4.1.1 does (the regression's residual
df), and so is its interval.

**Rao–Scott.** For an :math:`r \times c` table, :math:`\hat p` are the estimated cell
shares with design covariance :math:`V`. Pearson's :math:`X^2` is computed on the table of
weighted counts scaled to the number of rows :math:`N` (R ``svytable(..., Ntotal=N)``).
With :math:`C` the interaction columns of the saturated model projected off the main
effects and :math:`D = \operatorname{diag}(\hat p)`, the generalised design effects are the
eigenvalues of :math:`\Delta = (C^\top D^{-1} C/N)^{-1}(C^\top D^{-1} V D^{-1} C)`:

- ``"F"`` (second order, the default): :math:`F = X^2/\operatorname{tr}\Delta` on
  :math:`d_0 = (\operatorname{tr}\Delta)^2/\operatorname{tr}\Delta^2` and
  :math:`d_0\,\nu` degrees of freedom, :math:`\nu` the design df;
- ``"Chisq"`` (first order): :math:`X^2/\bar\delta` against :math:`\chi^2` on
  :math:`(r-1)(c-1)` df, :math:`\bar\delta` the mean of the diagonal of :math:`\Delta`.
  R prints the unadjusted :math:`X^2` beside this p-value; ``statistic`` here is the
  adjusted value and ``pearson`` the one R prints;
- ``"Wald"`` and ``"adjWald"``: the Wald test of the :math:`(r-1)(c-1)` interaction
  contrasts :math:`T_{ij} - T_{i\cdot}T_{\cdot j}/T` of the estimated totals, divided by
  its df (on :math:`\nu`), or Felligi's adjustment (on :math:`\nu - (r-1)(c-1) + 1`).

References
----------
Rao, J. N. K. and Scott, A. J. (1984). On chi-squared tests for multiway contingency
tables with cell proportions estimated from survey data. *Annals of Statistics* 12, 46–60.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np
import numpy.typing as npt
from pydantic import Field

from servqual.design._inputs import (
    NaPolicy,
    check_choice,
    codes_of,
    numeric_column,
    present_df,
)
from servqual.design.design import estimate_from_variance
from servqual.errors import InsufficientDataError, ValidationError
from servqual.models._base import FrozenModel
from servqual.models.results import Estimate
from servqual.stats.categorical import share_covariance
from servqual.stats.design_arrays import (
    DesignArrays,
    linearized_covariance,
    linearized_variance,
)

if TYPE_CHECKING:
    from servqual.design.design import Design

__all__ = ["ChisqResult", "ChisqStatistic", "TTestResult", "design_chisq", "design_ttest"]


def _scipy_stats() -> ModuleType:
    """``scipy.stats``, imported where used so that ``import servqual`` stays cheap."""
    from scipy import stats

    return stats


FloatArray = npt.NDArray[np.float64]
ChisqStatistic = Literal["F", "Chisq", "Wald", "adjWald"]
_STATISTICS: tuple[str, ...] = get_args(ChisqStatistic)


class TTestResult(FrozenModel):
    """A design-based t test of the difference of two group means (R ``svyttest``).

    Parameters
    ----------
    difference : Estimate
        Mean of the second group minus mean of the first, with a t interval on ``df``.
    statistic : float
        ``difference / se``.
    df : float
        Degrees of freedom: the design's minus one (survey 4.1.1).
    p_value : float
        Two-sided p-value from the t distribution on ``df``.
    groups : tuple of str
        The (first, second) group labels, in sorted order.

    Examples
    --------
    Do women and men rate the counter differently?

    >>> import servqual as sq
    >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3, 4, 2], "sex": list("FFMMMFFM")})
    >>> res = d.ttest("score", "sex")  # R: svyttest(score ~ sex, d)
    >>> res.groups, round(res.statistic, 3), round(res.p_value, 3)
    (('F', 'M'), -1.449, 0.197)
    """

    difference: Estimate
    statistic: float = Field(allow_inf_nan=True)
    df: float
    p_value: float = Field(allow_inf_nan=True)
    groups: tuple[str, str]


class ChisqResult(FrozenModel):
    """A design-based test of association in a two-way table (R ``svychisq``).

    Parameters
    ----------
    statistic : float
        The test statistic (F, adjusted chi-square or Wald, per ``method``).
    df : float
        Numerator degrees of freedom (or the chi-square df).
    df_denominator : float or None
        Denominator degrees of freedom of an F reference distribution.
    p_value : float
        Upper-tail p-value.
    pearson : float
        Pearson's :math:`X^2` of the weighted table scaled to the number of rows (what R
        prints as ``X-squared``).
    method : str
        ``"F"``, ``"Chisq"``, ``"Wald"`` or ``"adjWald"``.

    Examples
    --------
    Is satisfaction independent of the district office? (24 applicants)

    >>> import servqual as sq
    >>> d = sq.Design({"satisfied": list("YYNYYNYNYYNY" * 2),
    ...                "office": list("AAAABBBBCCCC" * 2)})
    >>> res = d.chisq("satisfied", "office")  # R: svychisq(~satisfied + office, d)
    >>> res.method, round(res.pearson, 3), round(res.p_value, 3)
    ('F', 1.5, 0.493)
    """

    statistic: float = Field(allow_inf_nan=True)
    df: float = Field(allow_inf_nan=True)
    df_denominator: float | None = Field(default=None, allow_inf_nan=True)
    p_value: float = Field(allow_inf_nan=True)
    pearson: float = Field(allow_inf_nan=True)
    method: str


def _domain_mean(
    y: FloatArray, w: FloatArray, member: npt.NDArray[np.bool_], label: object
) -> tuple[float, FloatArray]:
    size = float(np.dot(w, member))
    if size <= 0:
        raise InsufficientDataError(f"group {label!r} has no row with a positive weight")
    mean = float(np.dot(w * member, y)) / size
    return mean, np.where(member, (y - mean) / size, 0.0)


def design_ttest(
    design: Design, col: str, group: str, *, level: float = 0.95, na: NaPolicy = "fail"
) -> TTestResult:
    """Two-group design-based t test; see :meth:`Design.ttest`."""
    y, ok_y = numeric_column(design, col, na)
    codes, labels, ok_g = codes_of(design, group, na)
    present = ok_y & ok_g
    used = np.unique(codes[present])
    if used.shape[0] != 2:
        shown = [labels[int(c)] for c in used][:5]
        raise ValidationError(
            f"group column {group!r} must have exactly two groups among the rows used; "
            f"it has {used.shape[0]}: {shown!r}"
        )
    a = design.arrays
    first, second = (present & (codes == int(c)) for c in used)
    m1, z1 = _domain_mean(y, a.weights, first, labels[int(used[0])])
    m2, z2 = _domain_mean(y, a.weights, second, labels[int(used[1])])
    df = present_df(a, present) - 1.0
    var = float(linearized_variance(z2 - z1, a)[0])
    diff = estimate_from_variance(m2 - m1, var, n=int(present.sum()), df=df, level=level)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.float64(diff.value) / np.float64(diff.se)
    p = float(2.0 * _scipy_stats().t.sf(abs(t), df)) if df > 0 else float("nan")
    return TTestResult(
        difference=diff,
        statistic=float(t),
        df=df,
        p_value=p,
        groups=(str(labels[int(used[0])]), str(labels[int(used[1])])),
    )


def _cell_indicators(
    present: npt.NDArray[np.bool_], cells: npt.NDArray[np.intp], n_cells: int
) -> FloatArray:
    """0/1 cell indicators (rows × cells) of the rows with a value: the row-level path."""
    rows = np.flatnonzero(present)
    ind = np.zeros((present.shape[0], n_cells))
    ind[rows, cells[rows]] = 1.0
    return ind


def _pearson(counts: FloatArray) -> float:
    """Pearson's X² of a table (R ``chisq.test(correct=FALSE)``)."""
    n = counts.sum()
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum((counts - expected) ** 2 / expected))


def _design_effects(shares: FloatArray, v: FloatArray, nr: int, nc: int, n_rows: int) -> FloatArray:
    """Rao–Scott's Δ for cell shares (cells in R's order: rows vary fastest)."""
    rows = np.tile(np.arange(nr), nc)
    cols = np.repeat(np.arange(nc), nr)
    main = np.column_stack(
        [np.ones(nr * nc)]
        + [(rows == i).astype(float) for i in range(1, nr)]
        + [(cols == j).astype(float) for j in range(1, nc)]
    )
    inter = np.column_stack(
        [((rows == i) & (cols == j)).astype(float) for j in range(1, nc) for i in range(1, nr)]
    )
    coef = np.linalg.lstsq(main, inter, rcond=None)[0]
    c = inter - main @ coef
    inv = np.where(shares == 0, 0.0, 1.0 / np.where(shares == 0, 1.0, shares))
    denom = c.T @ (inv[:, None] / n_rows * c)
    numer = c.T @ (inv[:, None] * v * inv[None, :]) @ c
    return np.asarray(np.linalg.solve(denom, numer), dtype=np.float64)


def design_chisq(
    design: Design,
    rows: str,
    cols: str,
    *,
    statistic: ChisqStatistic = "F",
    na: NaPolicy = "domain",
) -> ChisqResult:
    """Rao–Scott / Wald test of association of two columns; see :meth:`Design.chisq`."""
    check_choice(statistic, "statistic", _STATISTICS)
    r_codes, r_labels, ok_r = codes_of(design, rows, na)
    c_codes, c_labels, ok_c = codes_of(design, cols, na)
    present = ok_r & ok_c
    nr, nc = len(r_labels), len(c_labels)
    for name, k in ((rows, nr), (cols, nc)):
        if k < 2:
            raise ValidationError(f"column {name!r} needs at least two categories; it has {k}")
    a = design.arrays
    w = a.weights * present
    size = float(w.sum())
    n_all = design.n_rows  # R: N = nrow(model.matrix(..., na.pass)), every row
    cell_of = np.where(present, r_codes + nr * c_codes, 0)
    counts = np.bincount(cell_of, weights=w, minlength=nr * nc).reshape(nc, nr).T
    pearson = _pearson(counts / size * n_all)
    nu = a.df
    if statistic in ("Wald", "adjWald"):
        ind = _cell_indicators(present, r_codes + nr * c_codes, nr * nc)
        return _wald(a, ind, present, nr, nc, pearson, nu, statistic)
    cells = r_codes + nr * c_codes
    fast = share_covariance(a, cells, present, nr * nc)
    if fast is not None:  # one-stage, uncalibrated: from (unit, cell) sums
        shares, v = fast
    else:  # calibrated or multistage: the row-level influence values
        shares = counts.T.reshape(-1) / size
        z = _cell_indicators(present, cells, nr * nc) - shares[None, :]
        z /= size
        z[~present] = 0.0
        v = linearized_covariance(z, a)
    delta = _design_effects(shares, v, nr, nc, n_all)
    trace = float(np.trace(delta))
    if statistic == "F":
        d0 = trace**2 / float(np.trace(delta @ delta))
        f = pearson / trace
        p = float(_scipy_stats().f.sf(f, d0, d0 * nu))
        return ChisqResult(
            statistic=f, df=d0, df_denominator=d0 * nu, p_value=p, pearson=pearson, method="F"
        )
    k = delta.shape[0]
    adjusted = pearson / float(np.mean(np.diagonal(delta)))
    p = float(_scipy_stats().chi2.sf(adjusted, k))
    return ChisqResult(statistic=adjusted, df=float(k), p_value=p, pearson=pearson, method="Chisq")


def _wald(
    a: DesignArrays,
    ind: FloatArray,
    present: npt.NDArray[np.bool_],
    nr: int,
    nc: int,
    pearson: float,
    nu: float,
    statistic: str,
) -> ChisqResult:
    """Wald test of the interaction contrasts of the estimated totals (R ``Wald``/``adjWald``)."""
    w = a.weights * present
    cells = (w @ ind).reshape(nc, nr).T  # T_ij
    row_t, col_t, total = cells.sum(axis=1), cells.sum(axis=0), float(cells.sum())
    r_ind = ind.reshape(-1, nc, nr).sum(axis=1)
    c_ind = ind.reshape(-1, nc, nr).sum(axis=2)
    one = present.astype(np.float64)
    pairs = [(i, j) for j in range(1, nc) for i in range(1, nr)]
    y = np.array([cells[i, j] - row_t[i] * col_t[j] / total for i, j in pairs])
    z = np.column_stack(
        [
            ind[:, i + nr * j]
            - col_t[j] / total * r_ind[:, i]
            - row_t[i] / total * c_ind[:, j]
            + row_t[i] * col_t[j] / total**2 * one
            for i, j in pairs
        ]
    )
    v = linearized_covariance(z, a)
    wald = float(y @ np.linalg.solve(v, y))
    numdf = float((nr - 1) * (nc - 1))
    if statistic == "Wald":
        stat, dendf = wald / numdf, nu
    else:
        dendf = nu - numdf + 1.0
        stat = wald * dendf / (numdf * nu)
    p = float(_scipy_stats().f.sf(stat, numdf, dendf))
    return ChisqResult(
        statistic=stat, df=numdf, df_denominator=dendf, p_value=p, pearson=pearson, method=statistic
    )
