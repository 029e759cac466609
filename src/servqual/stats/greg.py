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
``calfun="raking"`` (:math:`g = \operatorname{clip}(e^{x^\top\eta}, L, U)`) and
``"logit"`` (R's bounded logistic form, finite bounds required) use the same iteration
with R's ``cal.raking`` / ``cal.logit`` functions.

Variance. A GREG-calibrated estimator's linearized values are replaced by their
residuals from the weighted regression on :math:`x` with the weights *before*
calibration, as R's ``svyrecvar`` does: with :math:`u = x_{\text{row}}/(g\sqrt{w})`
(:math:`x_{\text{row}} = w g z` the weighted influence value) and :math:`X\sqrt{w}` the
scaled model matrix, :math:`x_{\text{row}} \leftarrow (u - \sqrt{w}X\hat\beta)\,g\sqrt w`
with :math:`\hat\beta` the least-squares fit of :math:`u` on :math:`X\sqrt w`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from servqual.errors import ConvergenceError, ParameterError

__all__ = ["CalFun", "GregStep", "greg_g", "greg_residual"]

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


CalFun = Literal["linear", "raking", "logit"]


def _fm1(u: FloatArray, lower: float, upper: float, calfun: str) -> FloatArray:
    """R ``cal.<calfun>$Fm1``: ``g - 1`` as a function of ``u = x'eta``."""
    if calfun == "linear":
        return np.asarray(np.clip(u + 1.0, lower, upper) - 1.0, dtype=np.float64)
    if calfun == "raking":
        with np.errstate(over="ignore"):
            return np.asarray(np.clip(np.exp(u), lower, upper) - 1.0, dtype=np.float64)
    a = (upper - lower) / ((upper - 1.0) * (1.0 - lower))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a * u)
        g = (lower * (upper - 1.0) + upper * (1.0 - lower) * e) / (upper - 1.0 + (1.0 - lower) * e)
    return np.asarray(g - 1.0, dtype=np.float64)


def _df(u: FloatArray, lower: float, upper: float, calfun: str) -> FloatArray:
    """R ``cal.<calfun>$dF`` (the raking one compares ``u``, not ``exp(u)``, with the bounds)."""
    inside = (u < upper - 1.0) & (u > lower - 1.0)
    if calfun == "linear":
        return inside.astype(np.float64)
    if calfun == "raking":
        with np.errstate(over="ignore"):
            return np.asarray(np.where(inside, np.exp(u), 0.0), dtype=np.float64)
    a = (upper - lower) / ((upper - 1.0) * (1.0 - lower))
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a * u)
        den = upper - 1.0 + (1.0 - lower) * e
        num = lower * (upper - 1.0) + upper * (1.0 - lower) * e
        out = upper * (1.0 - lower) * e * a / den - num * ((1.0 - lower) * e * a) / den**2
    return np.asarray(out, dtype=np.float64)


def greg_g(
    model: FloatArray,
    weights: FloatArray,
    population: FloatArray,
    *,
    bounds: tuple[float, float] = (-np.inf, np.inf),
    calfun: CalFun = "linear",
    max_iter: int = 50,
    tol: float = 1e-7,
) -> FloatArray:
    """The g-weights of calibration (R ``regcalibrate``, or ``grake`` with ``calfun``/bounds).

    Raises
    ------
    servqual.errors.ConvergenceError
        If the iteration does not meet the totals within ``max_iter`` steps.
    servqual.errors.ParameterError
        For ``calfun="logit"`` without finite bounds (R: "Logit calibration requires
        finite bounds").
    """
    lower, upper = bounds
    sample_total = model.T @ weights
    if calfun == "linear" and np.isinf(lower) and np.isinf(upper) and lower < 0 < upper:
        xtwx = (model * weights[:, None]).T @ model
        lam = np.linalg.solve(xtwx, population - sample_total)
        return np.asarray(1.0 + model @ lam, dtype=np.float64)
    if calfun == "logit" and not (np.isfinite(lower) and np.isfinite(upper) and lower < 1 < upper):
        raise ParameterError(
            f"calfun='logit' needs finite bounds with lower < 1 < upper, got {bounds}"
        )
    return _grake(model, weights, population, sample_total, lower, upper, calfun, max_iter, tol)


def _grake(
    model: FloatArray,
    weights: FloatArray,
    population: FloatArray,
    sample_total: FloatArray,
    lower: float,
    upper: float,
    calfun: str,
    max_iter: int,
    tol: float,
) -> FloatArray:
    """R ``grake``: Newton steps on eta, halving a step that gives non-finite g."""
    w = weights
    scales = population / sample_total
    scale = float(np.mean(scales)) if np.min(scales) > 20 else None
    if scale is not None:  # R: sampling weights rescaled when far from the totals
        w = w * scale
        sample_total = sample_total * scale
    eta = np.zeros(model.shape[1])
    xeta = model @ eta
    deriv = _df(xeta, lower, upper, calfun)
    it, achieved = 1, np.inf
    while True:
        tmat = (model * (w * deriv)[:, None]).T @ model
        misfit = population - sample_total - model.T @ (w * _fm1(xeta, lower, upper, calfun))
        step = np.linalg.pinv(tmat, rcond=256 * np.finfo(np.float64).eps) @ misfit
        eta = eta + step
        xeta = model @ eta
        g, deriv = 1.0 + _fm1(xeta, lower, upper, calfun), _df(xeta, lower, upper, calfun)
        while it < max_iter and not (np.isfinite(g).all() and np.isfinite(deriv).all()):
            it += 1
            step = step / 2.0
            eta = eta - step
            xeta = model @ eta
            g, deriv = 1.0 + _fm1(xeta, lower, upper, calfun), _df(xeta, lower, upper, calfun)
        misfit = population - sample_total - model.T @ (w * (g - 1.0))
        achieved = float(np.max(np.abs(misfit) / (1.0 + np.abs(population))))
        if achieved < tol:
            return np.asarray(g * scale if scale is not None else g, dtype=np.float64)
        it += 1
        if it > max_iter:
            raise ConvergenceError(
                f"calibration (calfun={calfun!r}, bounds {(lower, upper)}) did not meet the "
                f"population totals in {max_iter} iterations (largest relative misfit "
                f"{achieved:.3g}); widen the bounds"
            )


def greg_residual(x: FloatArray, step: GregStep) -> FloatArray:
    """Residuals (n, m) of weighted influence values ``x`` after a GREG step (R svyrecvar)."""
    root = np.sqrt(step.old_weights)
    scale = step.g * root
    u = x * np.where(scale != 0, 1.0 / np.where(scale != 0, scale, 1.0), 0.0)[:, None]
    design = step.model * root[:, None]
    beta = np.linalg.lstsq(design, u, rcond=None)[0]
    return np.asarray((u - design @ beta) * scale[:, None], dtype=np.float64)
