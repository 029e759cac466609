"""The numeric core: reduce rows to mergeable sums, then estimate variances and intervals.

Pure numpy/scipy; no pydantic. Indices and the design call this; they never compute a
variance or a quantile themselves.
"""

from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.intervals import recompute_interval, symmetric_interval
from servqual.stats.quantiles import check_level, critical_value
from servqual.stats.reduce import Moments, Summary, finalize, merge, reduce
from servqual.stats.svyciprop import svy_proportion_interval
from servqual.stats.variance import covariance, design_df, srs_variance

__all__ = [
    "DesignArrays",
    "Moments",
    "Summary",
    "check_level",
    "covariance",
    "critical_value",
    "design_df",
    "finalize",
    "linearized_variance",
    "merge",
    "recompute_interval",
    "reduce",
    "srs_variance",
    "svy_proportion_interval",
    "symmetric_interval",
]
