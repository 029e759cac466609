"""The design engine: survey designs, their estimators and variance backends.

One subpackage holds what R's ``survey`` calls a design: :class:`Design` (strata,
clusters, weights, fpc; linearization variance), :class:`ReplicateDesign` (replicate
weights), domain estimation (``design.by(...)``), calibration (post-stratification and
raking) and comparisons of two estimates. Indices and the CLI import from here; the
numeric kernels they share live in :mod:`servqual.stats`.

>>> from servqual.design import Design
>>> Design({"score": [3, 4, 2, 4]}).mean("score").value
3.25
"""

from servqual.design.association import ChisqResult, TTestResult
from servqual.design.calibration import poststratify, rake
from servqual.design.comparisons import Comparison, compare, newcombe_difference
from servqual.design.design import Design, estimate_from_variance
from servqual.design.domains import DomainEstimator
from servqual.design.replicates import ReplicateDesign

__all__ = [
    "ChisqResult",
    "Comparison",
    "Design",
    "DomainEstimator",
    "ReplicateDesign",
    "TTestResult",
    "compare",
    "estimate_from_variance",
    "newcombe_difference",
    "poststratify",
    "rake",
]
