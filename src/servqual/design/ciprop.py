"""R ``svyciprop`` semantics that need more than an estimate and its SE (private).

:func:`finish_proportions` is the last step of every design-based proportion
(``Design.proportion`` and ``design.by(...).proportion``):

- **domain df** — inside ``svyby(..., svyciprop)`` R takes ``degf()`` of each domain's
  subset design: the first-stage units with a row in the domain minus the strata with one
  (survey 4.1.1). With ``domain_df=True`` each domain's interval is recomputed with that
  df (value and SE unchanged);
- **likelihood** — R's profile-likelihood interval needs the rows (the deviance and the
  Pearson residuals of the domain): :func:`servqual.stats.likelihood_ci.likelihood_interval`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.design._inputs import present_df
from servqual.models.results import Estimate, Interval
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.likelihood_ci import likelihood_interval
from servqual.stats.svyciprop import svy_proportion_interval

__all__ = ["finish_proportions"]

FloatArray = npt.NDArray[np.float64]


def finish_proportions(
    arrays: DesignArrays,
    ests: list[Estimate],
    y: FloatArray,
    domains: FloatArray,
    *,
    level: float,
    method: str,
    domain_df: bool,
) -> list[Estimate]:
    """Apply R's per-domain df and the likelihood interval to proportion estimates.

    ``ests`` were made by the linearization estimators (with the ``logit`` interval when
    ``method`` is ``"likelihood"``); ``y`` is the 0/1 outcome and ``domains`` the n × G
    0/1 matrix of the rows in each domain with a value.
    """
    if method != "likelihood" and not domain_df:
        return ests
    out = []
    for j, est in enumerate(ests):
        rows = domains[:, j] > 0
        df = present_df(arrays, rows) if domain_df else est.df
        if not 0.0 < est.value < 1.0 or not est.se > 0:
            # a share of 0 or 1, or no variance: the boundary rule of svy_proportion_interval
            # (Clopper-Pearson on the rows, or [p, p]) already made the interval, whatever
            # the df
            ci = est.ci.model_copy(update={"method": method})
            out.append(est.model_copy(update={"ci": ci, "df": df}))
            continue
        if method == "likelihood":
            low, high = likelihood_interval(
                y[rows], arrays.weights[rows], est.value, est.se**2, df, level
            )
        else:
            lo, hi = svy_proportion_interval(est.value, est.se, df, est.n, level, method)
            low, high = float(lo[0]), float(hi[0])
        ci = Interval(low=low, high=high, level=level, method=method)
        out.append(est.model_copy(update={"ci": ci, "df": df}))
    return out
