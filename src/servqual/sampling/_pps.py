"""Probability-proportional-to-size selection: systematic PPS and Brewer's method."""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np

from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.sampling._frame import column_or_array, frame_size, make_rng, positive_count
from servqual.sampling._kernels import brewer, pps_probabilities, pps_systematic
from servqual.sampling._sample import Sample

__all__ = ["pps"]

_METHODS = ("systematic", "brewer")
_ALGORITHMS = {
    "systematic": (
        "pi_i = n x_i / sum(x) (certainty units pi = 1, repeated); u = Generator.random(); "
        "unit i is taken when an integer m has C_(i-1) < u + m <= C_i, C = cumsum(pi) in "
        "frame order"
    ),
    "brewer": (
        "Brewer (1975) draw by draw: at draw i unit k (not yet taken) has probability "
        "proportional to pi_k (n - a - pi_k) / (n - a - pi_k (n - i + 1)), a = sum of pi "
        "taken; one u = Generator.random() per draw inverts the cumulated probabilities"
    ),
}


def pps(
    frame: Any,
    n: int,
    *,
    sizes: Any,
    method: Literal["systematic", "brewer"] = "systematic",
    seed: Any,
) -> Sample:
    """Sample without replacement with probability proportional to a size measure.

    Parameters
    ----------
    frame : int, sequence or table
        The frame (e.g. service points, villages).
    n : int
        Sample size, ``1 <= n <= N``.
    sizes : str or array-like
        Size measure ``x_i > 0`` per unit (e.g. visitors per month), or a column name.
    method : {"systematic", "brewer"}
        Systematic PPS in frame order, or Brewer's draw-by-draw method (``O(n N)``, for
        frames up to some hundred thousand units).
    seed : int or numpy.random.Generator
        Randomness.

    Returns
    -------
    Sample
        ``π_i = n x_i / Σx`` exactly (both methods), weight ``1/π_i``. :meth:`Sample.to_design`
        uses the with-replacement variance approximation (no fpc), as R ``survey`` does
        for PPS designs without joint probabilities.

    Raises
    ------
    servqual.errors.ParameterError
        If ``n`` is out of range, ``method`` unknown or a size is not positive and finite.

    Warns
    -----
    servqual.errors.DegenerateDataWarning
        When units are so large that ``n x_i / Σx >= 1``: they are taken with certainty
        (``π = 1``) and the rest of the sample is spread over the other units.

    Notes
    -----
    Certainty units are found iteratively: set ``π = 1`` for units with
    ``π >= 1``, recompute ``π_i = (n - n_c) x_i / Σ_{rest} x`` for the rest, repeat.
    Systematic PPS (Madow 1949) takes unit ``i`` when ``(C_{i-1}, C_i]`` contains
    ``u + m`` for an integer ``m`` (``C`` the cumulated ``π``). Brewer's method: see
    :func:`servqual.sampling._kernels.brewer`.

    Examples
    --------
    Two of five village service points, by monthly visitors:

    >>> import servqual as sq
    >>> s = sq.sampling.pps(5, 2, sizes=[100, 300, 200, 250, 150], seed=5)
    >>> len(s), [round(float(p), 3) for p in s.inclusion_probabilities] != []
    (2, True)
    """
    size = frame_size(frame)
    count = positive_count(n, "n")
    if count > size:
        raise ParameterError(f"n = {count} is larger than the frame ({size} units)")
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {_METHODS}, got {method!r}")
    raw = column_or_array(frame, sizes, "sizes", size)
    try:
        x = raw.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError("sizes must be numbers within float64's range") from None
    bad = np.flatnonzero(~np.isfinite(x) | (x <= 0))
    if bad.size:
        i = int(bad[0])
        value = raw[i].item() if hasattr(raw[i], "item") else raw[i]
        raise ParameterError(f"sizes must be positive and finite; unit {i} has {value!r}")
    pi, n_certain = pps_probabilities(x, count)
    if n_certain:
        warnings.warn(
            f"{n_certain} unit(s) are so large that n x / sum(x) >= 1; they are taken with "
            "certainty (inclusion probability 1) and the rest of the sample spread over the "
            "others",
            DegenerateDataWarning,
            stacklevel=2,
        )
    rng, seed_int = make_rng(seed)
    certain = pi >= 1.0
    rest = np.where(certain, 0.0, pi)
    if count - n_certain == 0:
        chosen = np.flatnonzero(certain)
    elif method == "systematic":
        chosen = np.union1d(np.flatnonzero(certain), pps_systematic(rest, float(rng.random())))
    else:
        chosen = np.union1d(np.flatnonzero(certain), brewer(rest, rng))
    return Sample(
        method=f"pps_{method}",
        algorithm=_ALGORITHMS[method],
        seed=seed_int,
        population_size=size,
        positions=chosen,
        inclusion_probabilities=pi[chosen],
        weights=1.0 / pi[chosen],
        finite_population=False,
        population_sizes=(size,),
        sample_sizes=(int(chosen.size),),
    )
