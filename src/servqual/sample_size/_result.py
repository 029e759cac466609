"""Result models of the sample-size formulas and of stratum allocation."""

from __future__ import annotations

from typing import Literal, TypeAlias

from pydantic import Field

from servqual.models._base import FrozenModel

__all__ = ["Allocation", "Label", "SampleSize"]

#: A stratum label as it can appear in JSON: text or a number.
Label: TypeAlias = str | int | float


class SampleSize(FrozenModel):
    """A sample size, with the inputs and the formula that produced it.

    ``int(result)`` is the number of respondents to select.

    Parameters
    ----------
    n : int
        The size to use (rounded as ``rounding`` says; per group when ``groups`` > 1).
    exact : float
        The unrounded value of the formula, after every adjustment (design effect,
        finite population, response rate).
    n0 : float or None
        The infinite-population size, where the formula has one.
    method : str
        Which formula: ``"krejcie_morgan"``, ``"krejcie_morgan_table"``, ``"slovin"``,
        ``"cochran"``, ``"wilson"``, ``"mean"``, ``"difference_proportions"``,
        ``"difference_means"``.
    rounding : {"up", "nearest", "table"}
        How ``exact`` became ``n``.
    formula : str
        The formula in plain text.
    inputs : dict
        The arguments, so the result can be checked and re-run.
    groups : int
        Number of groups the size applies to (2 for a comparison; total = ``n * groups``).

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.sample_size.slovin(1200, 0.05)  # a district office serving 1,200 people
    >>> int(r), r.method, r.formula
    (300, 'slovin', 'n = N / (1 + N e^2)')
    >>> r.inputs
    {'population': 1200, 'margin': 0.05}
    """

    n: int = Field(ge=1)
    exact: float
    n0: float | None = None
    method: str
    rounding: Literal["up", "nearest", "table"]
    formula: str
    inputs: dict[str, float | int | str | None]
    groups: int = Field(default=1, ge=1)

    def __int__(self) -> int:
        return self.n

    def __index__(self) -> int:
        return self.n

    @property
    def total(self) -> int:
        """The size over all groups, ``n * groups``."""
        return self.n * self.groups


class Allocation(FrozenModel):
    """A sample size split over strata.

    Parameters
    ----------
    method : str
        ``"proportional"``, ``"neyman"``, ``"equal"`` or ``"optimal"``.
    n : int
        The total sample size; ``sum(counts) == n``.
    strata : tuple
        Stratum labels in the order given.
    population : tuple of int
        Units per stratum, ``N_h``.
    counts : tuple of int
        The allocation ``n_h`` (same order as ``strata``).
    exact : tuple of float
        The unrounded allocation after take-all caps and minimums.
    take_all : tuple
        Strata whose allocation was capped at their size (every unit taken).
    minimum : int
        The minimum per stratum that was requested.

    Examples
    --------
    300 interviews over three services of a civil-registry office, in proportion to the
    people each served:

    >>> import servqual as sq
    >>> a = sq.sample_size.allocate({"KTP": 600, "KK": 450, "Akta": 150}, 300)
    >>> a.sizes, a.exact
    ({'KTP': 150, 'KK': 113, 'Akta': 37}, (150.0, 112.5, 37.5))
    """

    method: str
    n: int = Field(ge=1)
    strata: tuple[Label, ...]
    population: tuple[int, ...]
    counts: tuple[int, ...]
    exact: tuple[float, ...]
    take_all: tuple[Label, ...] = ()
    minimum: int = Field(default=2, ge=0)

    def __int__(self) -> int:
        return self.n

    @property
    def sizes(self) -> dict[Label, int]:
        """Mapping stratum → allocated sample size ``n_h``."""
        return dict(zip(self.strata, self.counts, strict=True))

    @property
    def fractions(self) -> dict[Label, float]:
        """Mapping stratum → sampling fraction ``n_h / N_h``."""
        return {h: c / p for h, c, p in zip(self.strata, self.counts, self.population, strict=True)}
