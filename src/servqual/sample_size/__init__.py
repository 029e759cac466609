"""How many respondents to select, and how to split them over strata.

Formulas: :func:`krejcie_morgan` (formula and the published 1970 table), :func:`slovin`,
:func:`for_proportion` (Cochran, Wald or Wilson), :func:`for_mean`,
:func:`for_difference` (two groups or two waves, with power); :func:`allocate` splits a
total over strata. Each returns a small frozen model; ``int(result)`` is the size.

>>> import servqual as sq
>>> [int(f(1200)) for f in (sq.sample_size.krejcie_morgan,)] + [
...     int(sq.sample_size.slovin(1200, 0.05)),
...     int(sq.sample_size.for_proportion(0.05, population=1200))]
[291, 300, 292]
"""

from servqual.sample_size._allocate import allocate, largest_remainder
from servqual.sample_size._difference import for_difference
from servqual.sample_size._formulas import for_mean, for_proportion, slovin
from servqual.sample_size._krejcie_morgan import KM_TABLE, krejcie_morgan
from servqual.sample_size._result import Allocation, SampleSize

__all__ = [
    "KM_TABLE",
    "Allocation",
    "SampleSize",
    "allocate",
    "for_difference",
    "for_mean",
    "for_proportion",
    "krejcie_morgan",
    "largest_remainder",
    "slovin",
]
