r"""Profile-likelihood interval of a design-based proportion (R ``svyciprop(method="likelihood")``).

R fits the intercept-only quasi-binomial model ``svyglm(y ~ 1)`` and calls
``confint(fit, method="likelihood", ddf=degf(design))``, which survey 4.1.1 computes as
follows, reproduced here step by step:

1. :math:`\lambda = \hat V_{\text{design}}(\hat\beta)/\hat V_{\text{naive}}(\hat\beta)
   = n\,\hat V(\hat p)/(\hat p(1-\hat p))` (``n`` rows in the model), and
   :math:`\alpha = \Phi(t_{(1-\text{level})/2,\,df}\sqrt\lambda)/2`;
2. the binomial deviance :math:`D(b)` with prior weights :math:`W = w/\bar w` is profiled
   from :math:`\hat\beta = \operatorname{logit}\hat p` in steps of
   :math:`\delta = z_{\max}/5` standard errors (:math:`z_{\max} = \sqrt{F_{1,n-1}^{-1}(1-\alpha)}`,
   at most 9 steps each way, stopping past :math:`z_{\max}`), with signed roots
   :math:`z = \pm\sqrt{(D(b) - D(\hat\beta))/\phi}` and :math:`\phi` the design variance of
   the Pearson residuals :math:`(y - \hat p)/\sqrt{\hat p(1-\hat p)}` (R
   ``summary.svyglm``'s dispersion, ``svyvar``; :math:`k/(k-1)` for ``k`` rows);
3. an interpolating cubic spline (R ``spline()``, Forsythe–Malcolm–Moler end conditions,
   evaluated at ``3 ×`` the number of profile points) of :math:`z` against :math:`b`, and
   linear interpolation of its inverse at :math:`\pm\Phi^{-1}(2\alpha)`;
4. the bounds on the proportion scale, :math:`\operatorname{expit}`.

The point :math:`\hat p` is the weighted share (R's comes from an iterative fit, equal to
about 1e-10), so the interval matches R to the precision of that fit.
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.errors import EstimationError

__all__ = ["fmm_spline", "likelihood_interval"]


def _scipy_stats() -> ModuleType:
    """``scipy.stats``, imported where used so that ``import servqual`` stays cheap."""
    from scipy import stats

    return stats


FloatArray = npt.NDArray[np.float64]
_MAX_STEPS = 10  # R MASSprofile_glm's maxsteps


def fmm_spline(x: FloatArray, y: FloatArray, n_out: int) -> tuple[FloatArray, FloatArray]:
    """R ``spline(x, y, n=n_out, method="fmm")``: values at ``n_out`` equally spaced points.

    ``x`` must be strictly increasing (R first averages ties; the profile has none).
    """
    n = x.shape[0]
    xs = np.linspace(x[0], x[-1], n_out)
    if n < 2:
        return xs, np.full(n_out, y[0] if n else math.nan)
    b, c, d = np.zeros(n), np.zeros(n), np.zeros(n)
    if n < 3:
        b[:] = (y[1] - y[0]) / (x[1] - x[0])
    else:
        _fmm_coefficients(x, y, b, c, d)
    i = np.clip(np.searchsorted(x, xs, side="right") - 1, 0, n - 1)
    dx = xs - x[i]
    return xs, y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]))


def _fmm_coefficients(
    x: FloatArray, y: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray
) -> None:
    """R's ``fmm_spline`` (splines.c): cubic coefficients, in place (a recurrence over knots)."""
    n = x.shape[0]
    nm1 = n - 1
    d[0] = x[1] - x[0]
    c[1] = (y[1] - y[0]) / d[0]
    for i in range(1, nm1):  # loop over the profile's knots (at most 19), not over rows
        d[i] = x[i + 1] - x[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (y[i + 1] - y[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0], b[nm1] = -d[0], -d[n - 2]
    c[0] = c[nm1] = 0.0
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4])
    for i in range(1, n):
        t = d[i - 1] / b[i - 1]
        b[i] -= t * d[i - 1]
        c[i] -= t * c[i - 1]
    c[nm1] /= b[nm1]
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1])
    for i in range(nm1):
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] *= 3.0
    c[nm1] *= 3.0
    d[nm1] = d[n - 2]


def _deviance(b: float, y: FloatArray, w: FloatArray) -> float:
    mu = float(special.expit(b))
    return float(-2.0 * np.sum(w * (y * math.log(mu) + (1.0 - y) * math.log1p(-mu))))


def likelihood_interval(
    y: FloatArray,
    weights: FloatArray,
    p: float,
    variance: float,
    df: float | None,
    level: float,
) -> tuple[float, float]:
    """R's profile-likelihood interval for the share ``p`` of ``y`` (0/1) in the model rows.

    Parameters
    ----------
    y, weights : (m,) arrays
        The 0/1 outcome and sampling weights of the rows in the model (a domain's rows).
    p, variance : float
        The weighted share and its design variance.
    df : float or None
        Design degrees of freedom (``None``: normal).
    level : float
        Confidence level.

    Raises
    ------
    servqual.errors.EstimationError
        If the profile finds a better fit than ``p`` (R stops there too).
    """
    m = y.shape[0]
    if not 0.0 < p < 1.0 or not variance > 0 or m < 2 or (df is not None and df <= 0):
        return math.nan, math.nan
    w = weights / weights.mean()
    beta = float(special.logit(p))
    se = math.sqrt(variance) / (p * (1.0 - p))
    lam = variance * m / (p * (1.0 - p))
    tail = (1.0 - level) / 2.0
    q = float(_scipy_stats().norm.ppf(tail) if df is None else _scipy_stats().t.ppf(tail, df))
    alpha = float(_scipy_stats().norm.cdf(q * math.sqrt(lam))) / 2.0
    zmax = math.sqrt(float(_scipy_stats().f.isf(alpha, 1, m - 1)))
    step_size = zmax / 5.0
    # R residuals.svyglm: Pearson residuals without the prior weights, (y - mu)/sqrt(V(mu))
    resid = (y - p) / math.sqrt(p * (1.0 - p))
    rbar = float(np.dot(weights, resid) / weights.sum())
    k = np.count_nonzero(weights)
    dispersion = float(np.dot(weights, (resid - rbar) ** 2) / weights.sum()) * k / (k - 1)
    d0 = _deviance(beta, y, w)
    bs, zs = [beta], [0.0]
    for sign in (-1.0, 1.0):
        step, z = 0, 0.0
        while (step := step + 1) < _MAX_STEPS and abs(z) < zmax:
            b = beta + sign * step * step_size * se
            zz = (_deviance(b, y, w) - d0) / dispersion
            if zz <= -0.001:
                raise EstimationError(
                    "profiling the likelihood found a better fit than the estimate"
                )
            z = sign * math.sqrt(max(zz, 0.0))
            bs.append(b)
            zs.append(z)
    order = np.argsort(zs, kind="stable")
    bx, zy = np.asarray(bs)[order], np.asarray(zs)[order]
    sx, sy = fmm_spline(bx, zy, 3 * bx.shape[0])
    cutoff = float(_scipy_stats().norm.ppf(2.0 * alpha))
    inv = np.argsort(sy, kind="stable")
    low, high = (
        float(np.interp(c, sy[inv], sx[inv], left=math.nan, right=math.nan))
        for c in (cutoff, -cutoff)
    )
    return float(special.expit(low)), float(special.expit(high))
