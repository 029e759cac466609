r"""Linear 0–100 rescaling of mean scores (ACSI-style indices).

For a mean on the scale ``min … max``: ``(mean − min) / (max − min) × 100``. Standard
error and interval bounds scale by the same factor (a linear map keeps a t or normal
interval exact).
"""

from __future__ import annotations

import math

from servqual.errors import ParameterError, ServqualTypeError
from servqual.models.instrument import Scale
from servqual.models.results import Estimate, Interval

__all__ = ["rescale_0_100"]

_LINEAR = ("t", "normal")


def rescale_0_100(value: Estimate | float, scale: Scale | tuple[int, int]) -> Estimate | float:
    """Rescale a mean score (or its :class:`Estimate`) from ``scale`` to 0–100.

    Parameters
    ----------
    value : Estimate or float
        A mean on the scale (for example ``csat(...).mean`` or a SERVPERF dimension mean).
    scale : Scale or (min, max)
        The scale of ``value``.

    Returns
    -------
    Estimate or float
        The same kind as ``value``: ``(value − min) / (max − min) × 100``; an Estimate
        keeps its method, level, n and df, with ``se`` and bounds scaled.

    Raises
    ------
    servqual.errors.ParameterError
        A scale with ``max <= min``, a value that is not finite, or an Estimate whose
        interval is not linear (``t`` or ``normal``): a transformed interval cannot be
        rescaled and recomputed later.

    Examples
    --------
    A district office's mean satisfaction of 5.5 on a 1–7 scale:

    >>> import servqual as sq
    >>> round(sq.rescale_0_100(5.5, (1, 7)), 2)
    75.0
    >>> est = sq.csat([5, 4, 4, 3, 5, 2, 4, 4, 5, 3, 4, 1]).mean
    >>> r = sq.rescale_0_100(est, sq.Scale(min=1, max=5))
    >>> round(r.value, 1), r.ci.method
    (66.7, 't')
    """
    if isinstance(scale, Scale):
        lo, hi = scale.min, scale.max
    elif isinstance(scale, (tuple, list)) and len(scale) == 2:
        lo, hi = scale
    else:
        raise ServqualTypeError(f"scale must be a Scale or a (min, max) pair, got {scale!r}")
    if not hi > lo:
        raise ParameterError(f"scale max {hi} must be above min {lo}")
    factor = 100.0 / (hi - lo)
    if isinstance(value, Estimate):
        if value.ci.method not in _LINEAR:
            raise ParameterError(
                f"only a linear interval ({list(_LINEAR)}) can be rescaled, got "
                f"{value.ci.method!r}; rescale the mean, not a share"
            )
        ci = Interval(
            low=(value.ci.low - lo) * factor,
            high=(value.ci.high - lo) * factor,
            level=value.ci.level,
            method=value.ci.method,
        )
        b = value.bounds
        bounds = None if b is None else ((b[0] - lo) * factor, (b[1] - lo) * factor)
        update = {"value": (value.value - lo) * factor, "se": value.se * factor, "ci": ci}
        return value.model_copy(update={**update, "bounds": bounds})
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ServqualTypeError(f"value must be an Estimate or a number, got {value!r}")
    number = float(value) if not isinstance(value, int) or abs(value) < 2**1000 else math.inf
    if not math.isfinite(number):
        raise ParameterError(f"value must be a finite number, got {value!r:.40}")
    return (number - lo) * factor
