"""The design engine: survey designs, their estimators and variance backends.

One subpackage holds what R's ``survey`` calls a design: :class:`Design` (strata,
clusters, weights, fpc; linearization variance), :class:`ReplicateDesign` (replicate
weights), domain estimation (``design.by(...)``), calibration (post-stratification and
raking) and comparisons of two estimates. Indices and the CLI import from here; the
numeric kernels they share live in :mod:`servqual.stats`.

Layout, in import order (each module imports only those above it, so there are no
import circles):

- ``_build``: design columns validated into :class:`~servqual.stats.DesignArrays`;
- ``_estimators``: the estimators, each written once (point value and influence values
  of every domain, :class:`~servqual.design._estimators.RatioStatistic`);
- ``_backends``: the variance backends, linearization and replicate weights (the only
  place where design kinds differ);
- ``_by``: domain codes of one or several ``by`` columns;
- ``_front``: estimator + backend → :class:`~servqual.Estimate` per domain;
- ``comparisons``, ``domains`` (``design.by(...)``), ``_shared`` (the estimators both
  designs inherit), ``calibration`` (asks the design for a calibrated copy), and the two
  design kinds ``design`` and ``replicates``.

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
