"""servqual: service-quality metrics with honest confidence intervals.

>>> import servqual as sq
>>> sq.Design({"score": [3, 4, 2, 4]}).mean("score").value
3.25
"""

from servqual import errors
from servqual.design import Design
from servqual.models import Estimate, Instrument, Interval, Item, Scale
from servqual.responses import Responses

__version__ = "0.1.0.dev0"

__all__ = [
    "Design",
    "Estimate",
    "Instrument",
    "Interval",
    "Item",
    "Responses",
    "Scale",
    "__version__",
    "errors",
]
