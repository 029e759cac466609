"""Random selection of respondents; every draw returns a :class:`Sample`.

From a list (frame): :func:`simple_random`, :func:`systematic`, :func:`stratified`,
:func:`bernoulli`, :func:`pps`. At the counter, with no list: :func:`every_kth` and
:class:`Reservoir`. Every function takes ``seed`` (an int for
``numpy.random.default_rng`` — PCG64 — or a ``Generator``) and consumes randomness only
through ``Generator.random``; the algorithm is recorded in ``Sample.algorithm``.

>>> import servqual as sq
>>> s = sq.sampling.simple_random(1200, 291, seed=2024)
>>> len(s), round(float(s.weights[0]), 3)
(291, 4.124)
"""

from servqual.sampling._intercept import EveryKth, Reservoir, every_kth
from servqual.sampling._methods import bernoulli, simple_random, systematic
from servqual.sampling._pps import pps
from servqual.sampling._sample import Sample
from servqual.sampling._stratified import stratified

__all__ = [
    "EveryKth",
    "Reservoir",
    "Sample",
    "bernoulli",
    "every_kth",
    "pps",
    "simple_random",
    "stratified",
    "systematic",
]
