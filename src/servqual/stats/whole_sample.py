r"""Variance of a whole-sample estimate from per-stratum sums (the design's own domain).

The estimate of the whole design (no ``by``, no missing value left out) is the special
case of :func:`~servqual.stats.domain_variance.domain_variances` with one domain holding
every row: no domain codes are needed, so the sums are a ``bincount`` over the stratum
codes (each row its own PSU) or over the PSU codes and then the PSUs' strata:

.. math::

    S_h = \sum_{p \in h} t_p, \qquad Q_h = \sum_{p \in h} t_p^2, \qquad
    t_p = \sum_{i \in p} w_i z_i,

with the variance from :func:`~servqual.stats.domain_variance.variances_from_sums` and the
simple-random-sampling variance (the design effect's denominator) from ``Σ w``,
``Σ w z`` and ``Σ w z²``. The sums are added in the same order as the domain kernel's,
so the numbers are the same to the last bit; the difference is the passes over the rows
(one float buffer for ``z``, ``w z`` and its squares; no domain codes, no per-cell coding).
"""

from __future__ import annotations

import numpy as np

from servqual.stats.design_arrays import DesignArrays
from servqual.stats.domain_variance import StrataInfo, _sums, variances_from_sums
from servqual.stats.reduce import FloatArray
from servqual.stats.variance import srs_variance_from_sums

__all__ = ["whole_sample_variance"]


def whole_sample_variance(
    z: FloatArray, total_weight: float, design: DesignArrays
) -> tuple[FloatArray, FloatArray]:
    """Design variance and simple-random-sampling variance of ``Σ w z`` (each shape (1,)).

    Parameters
    ----------
    z : (n,) float array
        The influence values of every row (no row outside the estimate). Used as
        scratch space: it holds ``w z`` and then its squares on return.
    total_weight : float
        ``Σ w`` (the caller of a mean already has it).
    design : DesignArrays
        A one-stage design without calibration steps (``design.stages`` and
        ``design.calibration`` empty): others go through the domain kernel.

    Returns
    -------
    var, vsrs : (1,) float arrays
        Equal to :func:`~servqual.stats.domain_variance.domain_variances` and
        :func:`~servqual.stats.domain_variance.domain_srs_variances` of the one domain.

    Raises
    ------
    servqual.errors.DesignError
        If a stratum has a single PSU and the design's ``lonely_psu`` is ``"fail"``.
    servqual.errors.EstimationError
        If the weighted influence values are so large that their squared sums overflow.

    Examples
    --------
    >>> import numpy as np
    >>> from servqual.stats import DesignArrays
    >>> d = DesignArrays(np.ones(4), np.array([0, 0, 1, 1]), ("a", "b"), np.full(2, np.inf))
    >>> var, vsrs = whole_sample_variance(np.array([1.0, -1.0, 2.0, -2.0]), 4.0, d)
    >>> float(var[0]), float(vsrs[0])
    (20.0, 13.333333333333334)
    """
    if design.stages is not None or design.calibration:
        raise ValueError("whole_sample_variance needs a one-stage design without calibration")
    w = design.weights
    sum_wzz = np.einsum("i,i,i->", w, z, z)  # Σ w z², before z becomes w z; not BLAS
    wz = np.multiply(z, w, out=z)
    top = max(float(wz.max()), -float(wz.min()))  # = max |w z|, without an |.| temporary
    if not top <= np.sqrt(np.finfo(np.float64).max / (4.0 * max(design.n, 1))):
        design.check_magnitude(wz)  # raises, naming the value
    positive = design.n if w.min() > 0 else np.count_nonzero(w)
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = srs_variance_from_sums(
            np.array([float(positive)]),
            np.array([total_weight]),
            np.array([wz.sum()]),
            np.array([sum_wzz]),
        )
    n_h = len(design.strata)
    if design.psu_codes is None:  # each row its own PSU: t = w z
        s = _sums(design.stratum_codes, wz, n_h)
        q = _sums(design.stratum_codes, np.multiply(wz, wz, out=wz), n_h)
        occupied = design.stratum_rows > 0
    else:
        t = _sums(design.psu_codes, wz, design.n_psu)
        s = _sums(design.psu_strata, t, n_h)
        q = _sums(design.psu_strata, t * t, n_h)
        occupied = design.psu_per_stratum > 0
    h = np.flatnonzero(occupied)
    info = StrataInfo(design.psu_per_stratum, design.pop, design.strata, design.lonely_psu)
    var = variances_from_sums(h, np.zeros(h.shape[0], dtype=np.intp), s[h], q[h], 1, info)
    return var, vsrs
