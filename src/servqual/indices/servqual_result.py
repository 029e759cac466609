"""The result models of SERVQUAL gaps and SERVPERF (see :mod:`servqual.indices.servqual`)."""

from __future__ import annotations

from pydantic import Field

from servqual.models._base import FrozenModel
from servqual.models.results import Estimate

__all__ = ["ServperfResult", "ServqualResult"]


class ServqualResult(FrozenModel):
    """SERVQUAL gaps ``P − E`` of one group.

    Parameters
    ----------
    items : dict of str to Estimate
        Gap per item id, in item order.
    dimensions : dict of str to Estimate
        Gap per dimension (mean of its items' gaps), in order of first appearance.
    overall : Estimate
        Unweighted SERVQUAL: the mean of the dimension gaps.
    weighted : Estimate or None
        Weighted SERVQUAL (importance points / 100 × dimension gap, per respondent,
        averaged), when points were given.
    n : int
        Respondents with at least one paired answer.

    Examples
    --------
    Four clients of a land office rated perceptions and expectations on 1–7:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="mini", name="Mini SERVQUAL", scale=sq.Scale(min=1, max=7),
    ...     items=[sq.Item(id="R1", text="Keeps promises", dimension="reliability"),
    ...            sq.Item(id="R2", text="Error-free records", dimension="reliability")])
    >>> design = sq.Design({"id": [1, 2, 3, 4]})
    >>> p = sq.Responses(inst, design, np.array([[5, 6], [4, 4], [6, 5], [3, 4]], "int8") - 1)
    >>> e = sq.Responses(inst, design, np.array([[7, 7], [6, 5], [6, 6], [5, 6]], "int8") - 1)
    >>> g = sq.servqual_gaps(p, e)
    >>> round(g.dimensions["reliability"].value, 2), g.weighted, g.n
    (-1.38, None, 4)
    """

    items: dict[str, Estimate]
    dimensions: dict[str, Estimate]
    overall: Estimate
    weighted: Estimate | None = None
    n: int = Field(ge=0)


class ServperfResult(FrozenModel):
    """SERVPERF (perceptions only) of one group: item, dimension and overall means.

    Parameters
    ----------
    items, dimensions : dict of str to Estimate
        Mean perception per item and per dimension.
    overall : Estimate
        Mean of the dimension means.
    n : int
        Respondents with at least one answer.

    Examples
    --------
    Four clients of a land office rated perceptions on 1–7:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="mini", name="Mini SERVQUAL", scale=sq.Scale(min=1, max=7),
    ...     items=[sq.Item(id="R1", text="Keeps promises", dimension="reliability"),
    ...            sq.Item(id="R2", text="Error-free records", dimension="reliability")])
    >>> design = sq.Design({"id": [1, 2, 3, 4]})
    >>> p = sq.Responses(inst, design, np.array([[5, 6], [4, 4], [6, 5], [3, 4]], "int8") - 1)
    >>> r = sq.servperf(p)
    >>> round(r.items["R1"].value, 2), round(r.overall.value, 2), r.n
    (4.5, 4.62, 4)
    """

    items: dict[str, Estimate]
    dimensions: dict[str, Estimate]
    overall: Estimate
    n: int = Field(ge=0)
