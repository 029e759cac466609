"""Slovin, Cochran (proportion and mean) and two-group comparison sample sizes."""

from __future__ import annotations

import math
from typing import Literal

from servqual.errors import ParameterError
from servqual.sample_size._result import SampleSize
from servqual.sample_size._validate import (
    ceil_guarded,
    check_deff_rate,
    check_fraction,
    check_population,
    check_positive,
    guard_extremes,
)
from servqual.stats.quantiles import check_level, critical_value

__all__ = ["for_mean", "for_proportion", "slovin"]

Correction = Literal["cochran", "simple"]
_CORRECTIONS = ("cochran", "simple")


def _correct(n0: float, population: int | None, correction: str) -> float:
    """Finite-population correction of ``n0``: Cochran's or the simple form."""
    if correction not in _CORRECTIONS:
        raise ParameterError(f"correction must be one of {_CORRECTIONS}, got {correction!r}")
    if population is None:
        return n0
    if correction == "cochran":
        return n0 / (1.0 + (n0 - 1.0) / population)
    return n0 / (1.0 + n0 / population)


def _adjusted(
    n0: float, deff: float, rate: float, population: int | None, correction: str
) -> tuple[float, str]:
    """``(exact size, formula of the correction)``: ``n0 · deff``, corrected, over the rate."""
    exact = _correct(n0 * deff, population, correction) / rate
    if population is None:
        return exact, ""
    if correction == "cochran":
        return exact, "; n = n0 / (1 + (n0 - 1) / N)"
    return exact, "; n = n0 / (1 + n0 / N)"


def _finish(exact: float, population: int | None) -> int:
    n = ceil_guarded(exact)
    return n if population is None else min(n, population)


@guard_extremes
def slovin(population: int, margin: float) -> SampleSize:
    """Slovin's sample size ``N / (1 + N e²)``, rounded up.

    Parameters
    ----------
    population : int
        Frame size ``N``, at least 1.
    margin : float
        Margin of error ``e`` in (0, 1), e.g. 0.05.

    Returns
    -------
    SampleSize

    Raises
    ------
    servqual.errors.ParameterError
        If ``population < 1`` or ``margin`` is outside (0, 1).

    Notes
    -----
    :math:`n = N / (1 + N e^2)`. It is Cochran's size for a proportion with
    :math:`z = 2`, :math:`p = 0.5` in the simple finite-population form
    (:math:`n_0 = 1/e^2`, :math:`n = n_0/(1 + n_0/N)`); it carries no confidence
    level of its own. Rounded up with a 1e-9 guard so that exact integers computed with
    float noise (N = 100, e = 0.1 → 50) are not bumped.

    Examples
    --------
    >>> import servqual as sq
    >>> int(sq.sample_size.slovin(1200, 0.05))
    300
    """
    n_pop = check_population(population)
    e = check_fraction(margin, "margin")
    exact = n_pop / (1.0 + n_pop * e * e)
    return SampleSize(
        n=_finish(exact, n_pop),
        exact=exact,
        n0=1.0 / (e * e),
        method="slovin",
        rounding="up",
        formula="n = N / (1 + N e^2)",
        inputs={"population": n_pop, "margin": e},
    )


def _wilson_n0(p: float, margin: float, z: float) -> float:
    """Smallest real n with Wilson half-width ``<= margin`` at observed proportion ``p``.

    Solves ``z² (n p q + z²/4) = e² (n + z²)²`` (the larger root).
    """
    a = margin * margin
    b = 2.0 * margin * margin * z * z - z * z * p * (1.0 - p)
    c = margin * margin * z**4 - z**4 / 4.0
    return (-b + math.sqrt(b * b - 4.0 * a * c)) / (2.0 * a)


@guard_extremes
def for_proportion(
    margin: float,
    *,
    level: float = 0.95,
    p: float = 0.5,
    population: int | None = None,
    deff: float = 1.0,
    response_rate: float = 1.0,
    method: Literal["wald", "wilson"] = "wald",
    correction: Correction = "cochran",
) -> SampleSize:
    r"""Sample size to estimate a proportion within ``± margin`` (Cochran), rounded up.

    Parameters
    ----------
    margin : float
        Half-width of the interval, in (0, 1).
    level : float
        Confidence level in (0, 1).
    p : float
        Anticipated proportion in (0, 1); 0.5 is the most conservative.
    population : int, optional
        Frame size ``N`` for the finite-population correction.
    deff : float
        Design effect (> 0) multiplying ``n0``.
    response_rate : float
        Expected response rate in (0, 1]; the size is divided by it (capped at ``N``).
    method : {"wald", "wilson"}
        ``"wald"``: :math:`n_0 = z^2 p(1-p)/e^2`. ``"wilson"``: the smallest ``n`` whose
        Wilson interval at ``p`` has half-width at most ``margin``.
    correction : {"cochran", "simple"}
        Finite-population correction: ``"cochran"`` :math:`n_0/(1 + (n_0 - 1)/N)`
        (default) or ``"simple"`` :math:`n_0/(1 + n_0/N)`.

    Returns
    -------
    SampleSize

    Raises
    ------
    servqual.errors.ParameterError
        If an argument is outside its range or a method is unknown.

    Notes
    -----
    :math:`n = \lceil n_0 \cdot deff / (1 + (n_0 \cdot deff - 1)/N) / r \rceil`.
    Sources mix two corrections. Under simple random sampling without replacement the
    variance of a sample proportion is :math:`\frac{N-n}{N-1} \frac{p(1-p)}{n}`;
    setting :math:`z \sqrt{\cdot} = e` and solving gives exactly
    :math:`n_0/(1 + (n_0 - 1)/N)` (Cochran 1977, eq. 4.2). The simple form
    :math:`n_0/(1 + n_0/N)` replaces :math:`(N-n)/(N-1)` by :math:`1 - n/N`; the two
    differ by less than one unit for ``N`` above a few dozen. The default is the exact
    one; it also reproduces Krejcie–Morgan (with :math:`z^2 = 3.841`) and samplics.

    Examples
    --------
    The share of applicants satisfied, within ±5 points, from 1,200 served:

    >>> import servqual as sq
    >>> r = sq.sample_size.for_proportion(0.05, population=1200)
    >>> int(r), round(r.n0, 1)
    (292, 384.1)
    """
    e = check_fraction(margin, "margin")
    level = check_level(level)
    p = check_fraction(p, "p")
    n_pop = None if population is None else check_population(population)
    deff, rate = check_deff_rate(deff, response_rate)
    z = critical_value(level)
    if method == "wald":
        n0 = z * z * p * (1.0 - p) / (e * e)
        formula = "n0 = z^2 p (1 - p) / e^2"
    elif method == "wilson":
        n0 = _wilson_n0(p, e, z)
        formula = "n0: Wilson half-width at p equals e"
    else:
        raise ParameterError(f"method must be one of ('wald', 'wilson'), got {method!r}")
    exact, fpc_formula = _adjusted(n0, deff, rate, n_pop, correction)
    return SampleSize(
        n=_finish(exact, n_pop),
        exact=exact,
        n0=n0,
        method="cochran" if method == "wald" else "wilson",
        rounding="up",
        formula=formula + fpc_formula,
        inputs={
            "margin": e,
            "level": level,
            "p": p,
            "population": n_pop,
            "deff": deff,
            "response_rate": rate,
            "correction": correction,
        },
    )


@guard_extremes
def for_mean(
    sd: float,
    margin: float,
    *,
    level: float = 0.95,
    population: int | None = None,
    deff: float = 1.0,
    response_rate: float = 1.0,
    correction: Correction = "simple",
) -> SampleSize:
    r"""Sample size to estimate a mean within ``± margin``, rounded up.

    Parameters
    ----------
    sd : float
        Anticipated standard deviation (> 0), in the units of the mean.
    margin : float
        Half-width of the interval (> 0), in the same units (not limited to (0, 1)).
    level : float
        Confidence level in (0, 1).
    population : int, optional
        Frame size ``N`` for the finite-population correction.
    deff : float
        Design effect (> 0).
    response_rate : float
        Expected response rate in (0, 1].
    correction : {"simple", "cochran"}
        ``"simple"`` :math:`n_0/(1 + n_0/N)` (default) or ``"cochran"``
        :math:`n_0/(1 + (n_0 - 1)/N)`.

    Returns
    -------
    SampleSize

    Raises
    ------
    servqual.errors.ParameterError
        If an argument is outside its range.

    Notes
    -----
    :math:`n_0 = z^2 S^2 / e^2`. The variance of a mean under simple random sampling
    without replacement is :math:`(1 - n/N) S^2/n` with :math:`S^2` the population
    variance with divisor :math:`N - 1` (what a sample standard deviation estimates), so
    the exact correction for a mean is the simple one, :math:`n_0/(1 + n_0/N)` — the
    default here. (For a proportion, :math:`p(1-p)` is the divisor-:math:`N` variance,
    which is why :func:`for_proportion` defaults to the other form.)

    Examples
    --------
    SKM element scores on 1–4 have a standard deviation near 0.6; a mean within ±0.05:

    >>> import servqual as sq
    >>> int(sq.sample_size.for_mean(0.6, 0.05, population=1200))
    379
    """
    s = check_positive(sd, "sd")
    e = check_positive(margin, "margin")
    level = check_level(level)
    n_pop = None if population is None else check_population(population)
    deff, rate = check_deff_rate(deff, response_rate)
    z = critical_value(level)
    n0 = (z * s / e) ** 2
    exact, fpc_formula = _adjusted(n0, deff, rate, n_pop, correction)
    return SampleSize(
        n=_finish(exact, n_pop),
        exact=exact,
        n0=n0,
        method="mean",
        rounding="up",
        formula="n0 = z^2 sd^2 / e^2" + fpc_formula,
        inputs={
            "sd": s,
            "margin": e,
            "level": level,
            "population": n_pop,
            "deff": deff,
            "response_rate": rate,
            "correction": correction,
        },
    )
