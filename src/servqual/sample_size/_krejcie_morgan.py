"""Krejcie & Morgan (1970): the formula and the published table."""

from __future__ import annotations

import bisect
import math

from servqual.sample_size._result import SampleSize
from servqual.sample_size._validate import check_population, guard_extremes

__all__ = ["KM_TABLE", "krejcie_morgan"]

_X2 = 3.841  # chi-square with 1 df at 0.95, as printed by Krejcie & Morgan
_P = 0.5
_D = 0.05

#: Krejcie & Morgan (1970), Table 1: population size N → sample size S (90 rows).
KM_TABLE: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40),
    (50, 44), (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70),
    (90, 73), (95, 76), (100, 80), (110, 86), (120, 92), (130, 97), (140, 103),
    (150, 108), (160, 113), (170, 118), (180, 123), (190, 127), (200, 132), (210, 136),
    (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159), (280, 162),
    (290, 165), (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196),
    (420, 201), (440, 205), (460, 210), (480, 214), (500, 217), (550, 226), (600, 234),
    (650, 242), (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274),
    (1000, 278), (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306),
    (1600, 310), (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327),
    (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346), (4000, 351),
    (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368),
    (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (1000000, 384),
)  # fmt: skip
_TABLE_N = [row[0] for row in KM_TABLE]


def _formula(population: int) -> float:
    pq = _P * (1.0 - _P)
    return _X2 * population * pq / (_D**2 * (population - 1) + _X2 * pq)


def _table_lookup(population: int) -> tuple[int, int]:
    """Tabulated (N, S) used for ``population``: the row itself, else the next larger N."""
    i = bisect.bisect_left(_TABLE_N, population)
    return KM_TABLE[min(i, len(KM_TABLE) - 1)]


@guard_extremes
def krejcie_morgan(population: int, *, table: bool = False) -> SampleSize:
    r"""Sample size from Krejcie & Morgan (1970), by formula or from the published table.

    Parameters
    ----------
    population : int
        Number of people served in the period (the frame size ``N``), at least 1.
    table : bool
        ``False`` (default): evaluate the formula and round to the nearest integer.
        ``True``: look the size up in the published Table 1 (90 rows, N = 10 … 1,000,000).

    Returns
    -------
    SampleSize
        ``int(result)`` is the size; ``result.exact`` the unrounded formula value.

    Raises
    ------
    servqual.errors.ParameterError
        If ``population`` is below 1.
    servqual.errors.ServqualTypeError
        If ``population`` is not a whole number.

    Notes
    -----
    The formula is

    .. math:: s = \frac{X^2 N P(1-P)}{d^2 (N-1) + X^2 P(1-P)}

    with :math:`X^2 = 3.841` (chi-square, 1 df, 0.95), :math:`P = 0.5` and
    :math:`d = 0.05`. It is Cochran's size for a *proportion* with the finite-population
    correction :math:`n_0 / (1 + (n_0 - 1)/N)`, :math:`n_0 = X^2 P(1-P)/d^2 = 384.1`.
    The published table rounds :math:`s` to the nearest integer (where the table
    differs from :math:`\lceil s \rceil`, e.g. N = 50, 500, 2000, it equals the
    rounded value), so ``int()`` of the formula result is rounded half up to match it.

    Table lookup rule: a tabulated N gives its S; an N between two rows takes the row of
    the next *larger* tabulated N (conservative: never fewer respondents than the
    formula needs, since S grows with N); N above 1,000,000 takes 384. The result never
    exceeds N (small N between rows: everyone is surveyed). The table has no row for
    100,000, so the lookup gives 384 there while the formula gives 383.

    References
    ----------
    Krejcie, R. V. and Morgan, D. W. (1970). Determining sample size for research
    activities. *Educational and Psychological Measurement* 30, 607–610.

    Examples
    --------
    A district office served 1,200 applicants last quarter:

    >>> import servqual as sq
    >>> int(sq.sample_size.krejcie_morgan(1200))
    291
    >>> int(sq.sample_size.krejcie_morgan(100_000)), int(
    ...     sq.sample_size.krejcie_morgan(100_000, table=True))
    (383, 384)
    """
    n_pop = check_population(population)
    exact = _formula(n_pop)
    inputs: dict[str, float | int | str | None] = {
        "population": n_pop,
        "X2": _X2,
        "P": _P,
        "d": _D,
    }
    formula = "s = X2 N P (1 - P) / (d^2 (N - 1) + X2 P (1 - P))"
    if table:
        row_n, row_s = _table_lookup(n_pop)
        inputs["table_row"] = row_n
        return SampleSize(
            n=min(row_s, n_pop),
            exact=exact,
            method="krejcie_morgan_table",
            rounding="table",
            formula=f"Krejcie & Morgan (1970) Table 1, row N = {row_n} (next tabulated N >= N)",
            inputs=inputs,
        )
    n0 = _X2 * _P * (1.0 - _P) / _D**2
    return SampleSize(
        n=max(1, math.floor(exact + 0.5)),
        exact=exact,
        n0=n0,
        method="krejcie_morgan",
        rounding="nearest",
        formula=formula,
        inputs=inputs,
    )
