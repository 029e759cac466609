"""Allocation of a sample over strata, rounded by largest remainder."""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

from servqual.errors import DesignError, ParameterError, ServqualTypeError
from servqual.sample_size._result import Allocation, Label
from servqual.sample_size._validate import guard_extremes

__all__ = ["allocate", "largest_remainder"]

AllocationMethod = Literal["proportional", "neyman", "equal", "optimal"]
_METHODS = ("proportional", "neyman", "equal", "optimal")


def _label(key: Any) -> Label:
    value = key.item() if hasattr(key, "item") else key
    if isinstance(value, (str, int, float)):
        return value
    raise ServqualTypeError(f"stratum labels must be text or numbers, got {key!r}")


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ServqualTypeError(f"{what} must be a whole number, got {value!r}")
    return int(value)


def _per_stratum(values: Mapping[Any, Any] | None, strata: list[Any], name: str) -> list[Fraction]:
    if values is None:
        raise ParameterError(f"{name} is required for this allocation method")
    out = []
    for h in strata:
        if h not in values:
            raise ParameterError(f"{name} has no value for stratum {h!r}")
        v = values[h]
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise ParameterError(f"{name} for stratum {h!r} must be a finite number, got {v!r}")
        if v < 0 or (name == "cost" and v <= 0):
            raise ParameterError(f"{name} for stratum {h!r} must be positive, got {v!r}")
        out.append(Fraction(repr(float(v))))  # the decimal it prints as: 1.2 is 6/5
    return out


def largest_remainder(exact: list[Fraction], n: int) -> list[int]:
    """Round ``exact`` (summing to ``n``) to integers summing to ``n``.

    Floors first, then one more unit to each of the ``n - sum(floors)`` largest
    fractional parts; ties go to the stratum listed first. Computed in exact rational
    arithmetic, so ``33.3`` and ``33.300000000000004`` cannot break a tie.

    Parameters
    ----------
    exact : list of Fraction
        The unrounded sizes, summing to ``n``.
    n : int
        The total to keep.

    Returns
    -------
    list of int
        The rounded sizes, in the order of ``exact``, summing to ``n``.

    Examples
    --------
    100 interviews shared equally over three service desks:

    >>> from fractions import Fraction
    >>> import servqual as sq
    >>> sq.sample_size.largest_remainder([Fraction(100, 3)] * 3, 100)
    [34, 33, 33]
    """
    floors = [math.floor(x) for x in exact]
    short = n - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return floors


def _clipped_total(
    lam: Fraction, weights: list[Fraction], lower: list[int], upper: list[int]
) -> Fraction:
    return sum(
        (
            min(max(lam * w, Fraction(lo)), Fraction(up))
            for w, lo, up in zip(weights, lower, upper, strict=True)
        ),
        Fraction(0),
    )


def _solve(
    weights: list[Fraction], n: int, lower: list[int], upper: list[int]
) -> tuple[list[Fraction], list[int]]:
    """Share ``n`` in proportion to ``weights`` within ``[lower, upper]`` per stratum.

    Finds ``λ`` with ``Σ clip(λ a_h, l_h, u_h) = n`` exactly (the sum is piecewise linear
    in ``λ``; its breakpoints are ``l_h/a_h`` and ``u_h/a_h``). Without minimums this is
    the iterative take-all rule: cap at ``N_h``, re-share the rest, repeat. Strata with
    zero weight keep their minimum unless the others cannot absorb ``n``; then they share
    the rest equally.
    """
    if all(w == 0 for w in weights):
        weights = [Fraction(1)] * len(weights)
    points = sorted(
        {Fraction(0)}
        | {
            Fraction(b) / w
            for w, lo, up in zip(weights, lower, upper, strict=True)
            if w > 0
            for b in (lo, up)
        }
    )

    def total(i: int) -> Fraction:
        return _clipped_total(points[i], weights, lower, upper)

    # binary search for the first breakpoint whose total reaches n (totals increase)
    lo_i, hi_i = 0, len(points)
    while lo_i < hi_i:
        mid = (lo_i + hi_i) // 2
        if total(mid) >= n:
            hi_i = mid
        else:
            lo_i = mid + 1
    k = lo_i if lo_i < len(points) else None
    if k is None:  # the weighted strata are full; zero-weight strata take the rest
        lam = points[-1]
        zero = [i for i, w in enumerate(weights) if w == 0]
        rest = n - total(len(points) - 1) + sum(lower[i] for i in zero)
        sub, _ = _solve(
            [Fraction(1)] * len(zero), int(rest), [lower[i] for i in zero], [upper[i] for i in zero]
        )
        shares = [
            min(max(lam * w, Fraction(lo)), Fraction(up))
            for w, lo, up in zip(weights, lower, upper, strict=True)
        ]
        for i, x in zip(zero, sub, strict=True):
            shares[i] = x
    else:
        t_k = total(k)
        if t_k == n or k == 0:
            lam = points[k]
        else:
            lo_p, hi_p, t_prev = points[k - 1], points[k], total(k - 1)
            lam = lo_p + (n - t_prev) * (hi_p - lo_p) / (t_k - t_prev)
        shares = [
            min(max(lam * w, Fraction(lo)), Fraction(up))
            for w, lo, up in zip(weights, lower, upper, strict=True)
        ]
    capped = [
        i for i, (w, up) in enumerate(zip(weights, upper, strict=True)) if w > 0 and lam * w >= up
    ]
    return shares, capped


def _check(
    stratum_sizes: Mapping[Any, Any], n: Any, minimum: Any
) -> tuple[list[Any], list[int], int, int]:
    if not isinstance(stratum_sizes, Mapping) or not stratum_sizes:
        raise ParameterError("stratum_sizes must be a non-empty mapping stratum → number of units")
    strata = list(stratum_sizes)
    sizes = [_count(stratum_sizes[h], f"size of stratum {h!r}") for h in strata]
    for h, size in zip(strata, sizes, strict=True):
        if size < 1:
            raise DesignError(f"stratum {h!r} is empty (size {size}); drop it or merge it")
    n_int = _count(n, "n")
    if n_int < 1:
        raise ParameterError(f"n must be at least 1, got {n_int}")
    if n_int > sum(sizes):
        raise ParameterError(f"n = {n_int} is larger than the {sum(sizes)} units in all strata")
    m = _count(minimum, "minimum")
    if m < 0:
        raise ParameterError(f"minimum must be >= 0, got {m}")
    floor_total = sum(min(m, s) for s in sizes)
    if floor_total > n_int:
        raise ParameterError(
            f"n = {n_int} cannot give {len(strata)} strata at least {m} units each "
            f"(needs {floor_total}); lower minimum or raise n"
        )
    return strata, sizes, n_int, m


@guard_extremes
def allocate(
    stratum_sizes: Mapping[Any, int],
    n: int,
    *,
    method: AllocationMethod = "proportional",
    sd: Mapping[Any, float] | None = None,
    cost: Mapping[Any, float] | None = None,
    minimum: int = 2,
) -> Allocation:
    r"""Split a sample of ``n`` over strata; integer sizes that sum to ``n``.

    Parameters
    ----------
    stratum_sizes : mapping
        Stratum label → number of units ``N_h`` (each at least 1).
    n : int
        Total sample size, ``1 <= n <= sum(N_h)``.
    method : {"proportional", "neyman", "equal", "optimal"}
        ``n_h`` proportional to ``N_h``, to ``N_h S_h`` (Neyman), equal, or to
        ``N_h S_h / sqrt(c_h)`` (cost-optimal).
    sd : mapping, optional
        Stratum → anticipated standard deviation ``S_h`` (>= 0); needed for ``"neyman"``
        and ``"optimal"``.
    cost : mapping, optional
        Stratum → cost per interview ``c_h`` (> 0); needed for ``"optimal"``.
    minimum : int
        Units guaranteed per stratum (or all of it when smaller); 2 is the least that
        gives a variance within the stratum.

    Returns
    -------
    Allocation
        ``.sizes`` maps stratum → ``n_h``; ``.take_all`` lists capped strata.

    Raises
    ------
    servqual.errors.ParameterError
        If ``n`` is out of range, ``minimum`` cannot be met, ``sd``/``cost`` is missing or
        invalid, or ``method`` is unknown.
    servqual.errors.DesignError
        If a stratum is empty.

    Notes
    -----
    Exact shares :math:`x_h = n\, a_h / \sum_g a_g` with :math:`a_h = N_h`, :math:`N_h S_h`,
    :math:`1` or :math:`N_h S_h/\sqrt{c_h}`. With bounds
    :math:`l_h = \min(\text{minimum}, N_h)` and :math:`u_h = N_h`, the shares are
    :math:`x_h = \min(\max(\lambda a_h, l_h), u_h)` with :math:`\lambda` solving
    :math:`\sum_h x_h = n` exactly: a stratum whose share exceeds :math:`N_h` is taken
    whole (take-all) and the rest re-shared among the others (the iterative rule of
    ``sampling.json``'s ``neyman_capped``), and a stratum below the minimum is raised to it.
    Rounding is by largest remainder (Hamilton): floors, then one unit to each of the
    largest fractional parts, ties to the stratum listed first. ``sd`` and ``cost`` are
    read as the decimals they print as (``1.2`` is exactly 6/5, not the nearest binary
    double), so :math:`400 \times 1.2` and :math:`1200 \times 0.4` tie as they do on paper.
    Rounding never breaks the bounds: a share with a fractional part lies strictly below
    its (integer) cap.

    Examples
    --------
    Three service counters served 500, 300 and 200 people; scores vary most at the second:

    >>> import servqual as sq
    >>> sizes = {"ktp": 500, "kk": 300, "akta": 200}
    >>> sq.sample_size.allocate(sizes, 100).sizes
    {'ktp': 50, 'kk': 30, 'akta': 20}
    >>> sq.sample_size.allocate(sizes, 100, method="neyman",
    ...                         sd={"ktp": 10, "kk": 20, "akta": 5}).sizes
    {'ktp': 42, 'kk': 50, 'akta': 8}
    """
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {_METHODS}, got {method!r}")
    strata, sizes, n_int, m = _check(stratum_sizes, n, minimum)
    if method == "proportional":
        weights = [Fraction(s) for s in sizes]
    elif method == "equal":
        weights = [Fraction(1)] * len(sizes)
    else:
        s_h = _per_stratum(sd, strata, "sd")
        weights = [Fraction(size) * s for size, s in zip(sizes, s_h, strict=True)]
        if method == "optimal":
            c_h = _per_stratum(cost, strata, "cost")
            weights = [w / Fraction(math.sqrt(c)) for w, c in zip(weights, c_h, strict=True)]
    exact, capped = _solve(weights, n_int, [min(m, s) for s in sizes], sizes)
    counts = largest_remainder(exact, n_int)
    return Allocation(
        method=method,
        n=n_int,
        strata=tuple(_label(h) for h in strata),
        population=tuple(sizes),
        counts=tuple(counts),
        exact=tuple(float(x) for x in exact),
        take_all=tuple(_label(strata[i]) for i in capped),
        minimum=m,
    )
