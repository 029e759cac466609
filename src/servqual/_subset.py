"""Leave respondents out of a :class:`~servqual.Responses` (``Responses.drop``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from servqual._build import ID_COLUMN, Parts
from servqual.errors import RespondentError
from servqual.responses import Responses

__all__ = ["drop_respondents"]


def drop_respondents(responses: Responses, ids: Iterable[Any]) -> Responses:
    """The survey without the given respondents (ids matched by their text).

    Raises
    ------
    servqual.errors.RespondentError
        An id that is not a respondent of the survey, or no respondent left.
    """
    wanted = np.asarray(list(ids), dtype=object).astype(str)
    have = np.asarray(responses.respondent_ids).astype(str)  # in C: no loop over rows
    unknown = wanted[~np.isin(wanted, have)]
    if unknown.size:
        raise RespondentError(
            f"respondent id {str(unknown[0])!r} is not in this survey "
            f"({unknown.size} unknown id(s))"
        )
    keep = ~np.isin(have, wanted)
    if not keep.any():
        raise RespondentError(f"dropping {wanted.size} id(s) leaves no respondent")
    d = responses.design
    columns = {c: d.column(c)[keep] for c in d.columns}
    ids_kept = columns.pop(ID_COLUMN)
    names: dict[str, Any] = {  # a column name, or one per stage of a multistage design
        "weights": d.weights_column,
        "strata": d.strata_column,
        "clusters": d.clusters_column,
        "fpc": d.fpc_column,
    }
    parts = Parts(responses.codes[keep], ids_kept, columns, names, lambda i: f"row {i}")
    return Responses._from_parts(responses.instrument, parts, d.arrays.lonely_psu)
