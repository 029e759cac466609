"""Welch's t test of each group against the rest, from per-group sums (one pass)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import special

__all__ = ["welch_vs_rest"]

FloatArray = npt.NDArray[np.float64]


def welch_vs_rest(
    y: FloatArray, groups: npt.NDArray[np.intp], g: int, reference: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Welch's t test of each group against the other groups of the reference set.

    Returns the group sizes, group means, reference means (without the group), the
    standard error of each difference, two-sided p-values and Welch–Satterthwaite
    degrees of freedom (all centred on the overall mean, which cancels). A group of one
    has no variance: its p-value is 1.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([3.0, 3.5, 3.2, 2.0, 2.4, 2.2, 2.5])
    >>> n, mean, rest, se, p, df = welch_vs_rest(y, np.array([0, 0, 0, 1, 1, 1, 1]), 2,
    ...                                          np.array([True, True]))
    >>> round(float(p[0]), 3)  # scipy.stats.ttest_ind(a, b, equal_var=False).pvalue
    0.006
    """
    n = np.bincount(groups, minlength=g).astype(np.float64)
    d = y - y.mean()
    s1 = np.bincount(groups, weights=d, minlength=g)
    s2 = np.bincount(groups, weights=d * d, minlength=g)
    own = reference.astype(np.float64)
    n_rest = (n * own).sum() - n * own
    s1_rest = (s1 * own).sum() - s1 * own
    s2_rest = (s2 * own).sum() - s2 * own
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, mean_rest = s1 / n, s1_rest / n_rest
        var = (s2 - n * mean**2) / (n - 1.0)
        var_rest = (s2_rest - n_rest * mean_rest**2) / (n_rest - 1.0)
        a, b = var / n, var_rest / n_rest
        se = np.sqrt(a + b)
        df = (a + b) ** 2 / (a**2 / (n - 1.0) + b**2 / (n_rest - 1.0))
        t = (mean - mean_rest) / se
        p = np.where(se > 0, 2.0 * special.stdtr(df, -np.abs(t)), 1.0)
    p = np.where(np.isnan(p), 1.0, p)  # one respondent: no variance, no evidence
    return n, mean, mean_rest, se, p, df
