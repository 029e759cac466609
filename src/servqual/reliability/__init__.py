"""Reliability of a multi-item scale: alpha, item–total statistics, omega.

Missing answers: ``missing="listwise"`` (rows with any missing answer are left out; the
default) or ``"pairwise"`` (each covariance from the rows that answered both items, as
R's ``psych::alpha`` does by default). Reliability is a property of the instrument in
the sample, so the survey design's weights are not used (as in psych and pingouin).
Reverse-scored items of a :class:`~servqual.Responses` are flipped first
(``Item.reverse``); a plain array is used as given.

Zero variance: an item that every respondent answered the same way makes every
reliability figure 0/0; every function here raises
:class:`~servqual.errors.ZeroVarianceError` naming the item and its value.
"""

from servqual.reliability.alpha import AlphaMethod, cronbach_alpha
from servqual.reliability.items import ItemTotal, item_total_correlations
from servqual.reliability.table import ReliabilityTable, reliability_table

__all__ = [
    "AlphaMethod",
    "ItemTotal",
    "ReliabilityTable",
    "cronbach_alpha",
    "item_total_correlations",
    "reliability_table",
]
