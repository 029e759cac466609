"""Satisfaction indices computed from :class:`~servqual.Responses`.

Each index computes per-respondent linearized values and hands them to the numeric core
(:mod:`servqual.stats`) for its variance; no index computes a quantile itself.
"""

from servqual.indices.skm import skm_index
from servqual.indices.skm_result import SKMElement, SKMResult

__all__ = ["SKMElement", "SKMResult", "skm_index"]
