r"""GREG (linear) calibration: g-weights with optional bounds, and the calibration residuals.

Weights. With auxiliary variables :math:`x_i` (a row of the model matrix), sampling
weights :math:`w_i` and population totals :math:`T_x`, linear calibration finds
:math:`g_i = 1 + x_i^\top\lambda` with :math:`\sum_i w_i g_i x_i = T_x`:
:math:`\lambda = (\sum w x x^\top)^{-1}(T_x - \hat T_x)` (R ``regcalibrate``). With
bounds :math:`L \le g \le U` the linear function is truncated, :math:`g_i = 1 +
\operatorname{clip}(x_i^\top\eta, L - 1, U - 1)`, and :math:`\eta` is found by R's
Newton iteration (``grake`` with ``cal.linear``: at most ``max_iter`` steps, stopping when
every :math:`|T_x - \sum w g x|/(1 + |T_x|) <` ``tol``; weights first rescaled by the mean
ratio of population to sample totals when every ratio exceeds 20, as R does).

Variance. A GREG-calibrated estimator's linearized values are replaced by their
residuals from the weighted regression on :math:`x` with the weights *before*
calibration, as R's ``svyrecvar`` does: with :math:`u = x_{\text{row}}/(g\sqrt{w})`
(:math:`x_{\text{row}} = w g z` the weighted influence value) and :math:`X\sqrt{w}` the
scaled model matrix, :math:`x_{\text{row}} \leftarrow (u - \sqrt{w}X\hat\beta)\,g\sqrt w`
with :math:`\hat\beta` the least-squares fit of :math:`u` on :math:`X\sqrt w`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servqual.errors import ConvergenceError

__all__ = ["GregStep", "greg_g", "greg_residual"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GregStep:
    """One linear calibration, as R ``calibrate`` records it (``greg_calibration``).

    Attributes
    ----------
    model : (n, p) float array
        The auxiliary variables (model matrix).
    old_weights : (n,) float array
        The weights before calibration.
    g : (n,) float array
        The g-weights: calibrated weights are ``old_weights * g``.
    """

    model: FloatArray
    old_weights: FloatArray
    g: FloatArray


def _clip(u: FloatArray, lower: float, upper: float) -> FloatArray:
    """R ``cal.linear$Fm1``: ``clip(u + 1, lower, upper) - 1``."""
    return np.asarray(np.clip(u + 1.0, lower, upper) - 1.0, dtype=np.float64)


def greg_g(
    model: FloatArray,
    weights: FloatArray,
    population: FloatArray,
    *,
    bounds: tuple[float, float] = (-np.inf, np.inf),
    max_iter: int = 50,
    tol: float = 1e-7,
) -> FloatArray:
    """The g-weights of linear calibration (R ``regcalibrate``, or ``grake`` with bounds).

    Raises
    ------
    servqual.errors.ConvergenceError
        If the bounded iteration does not meet the totals within ``max_iter`` steps.
    """
    lower, upper = bounds
    sample_total = model.T @ weights
    if np.isinf(lower) and np.isinf(upper) and lower < 0 < upper:
        xtwx = (model * weights[:, None]).T @ model
        lam = np.linalg.solve(xtwx, population - sample_total)
        return np.asarray(1.0 + model @ lam, dtype=np.float64)
    w = weights
    scales = population / sample_total
    scale = float(np.mean(scales)) if np.min(scales) > 20 else None
    if scale is not None:  # R: sampling weights rescaled when far from the totals
        w = w * scale
        sample_total = sample_total * scale
    eta = np.zeros(model.shape[1])
    xeta = model @ eta
    deriv = ((xeta < upper - 1) & (xeta > lower - 1)).astype(np.float64)
    achieved = np.inf
    for _ in range(max_iter):
        tmat = (model * (w * deriv)[:, None]).T @ model
        misfit = population - sample_total - model.T @ (w * _clip(xeta, lower, upper))
        eta = eta + np.linalg.pinv(tmat, rcond=256 * np.finfo(np.float64).eps) @ misfit
        xeta = model @ eta
        deriv = ((xeta < upper - 1) & (xeta > lower - 1)).astype(np.float64)
        misfit = population - sample_total - model.T @ (w * _clip(xeta, lower, upper))
        achieved = float(np.max(np.abs(misfit) / (1.0 + np.abs(population))))
        if achieved < tol:
            g = 1.0 + _clip(xeta, lower, upper)
            return np.asarray(g * scale if scale is not None else g, dtype=np.float64)
    raise ConvergenceError(
        f"calibration with bounds {bounds} did not meet the population totals in {max_iter} "
        f"iterations (largest relative misfit {achieved:.3g}); widen the bounds"
    )


def greg_residual(x: FloatArray, step: GregStep) -> FloatArray:
    """Residuals (n, m) of weighted influence values ``x`` after a GREG step (R svyrecvar)."""
    root = np.sqrt(step.old_weights)
    scale = step.g * root
    u = x * np.where(scale != 0, 1.0 / np.where(scale != 0, scale, 1.0), 0.0)[:, None]
    design = step.model * root[:, None]
    beta = np.linalg.lstsq(design, u, rcond=None)[0]
    return np.asarray((u - design @ beta) * scale[:, None], dtype=np.float64)
