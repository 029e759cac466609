"""The CSI's result models and interpretation bands (see :mod:`servqual.indices.csi`)."""

from __future__ import annotations

import numpy as np
from pydantic import Field

from servqual.errors import ParameterError, ServqualTypeError
from servqual.models._base import FrozenModel
from servqual.models.results import Estimate

__all__ = ["CSI_BANDS", "CSIItem", "CSIResult", "csi_band"]

CSI_BANDS: tuple[tuple[float, str, str], ...] = (
    (81.0, "Sangat puas", "Very satisfied"),
    (66.0, "Puas", "Satisfied"),
    (51.0, "Cukup puas", "Fairly satisfied"),
    (35.0, "Kurang puas", "Less than satisfied"),
    (0.0, "Tidak puas", "Not satisfied"),
)
"""``(lower bound %, Indonesian label, English label)``, highest band first."""


class CSIItem(FrozenModel):
    """One item's steps of the CSI computation.

    Parameters
    ----------
    id : str
        Item id.
    mis, mss : Estimate
        Mean importance and mean satisfaction (performance).
    wf : float
        Weighting factor in percent, ``100 · MIS / Σ MIS``.
    ws : float
        Weighted score ``WF · MSS``.

    Examples
    --------
    Five patients of a health centre rated performance and importance on 1–5:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="pk", name="Puskesmas", scale=sq.Scale(min=1, max=5),
    ...     items=[sq.Item(id="Q1", text="Waiting time"), sq.Item(id="Q2", text="Courtesy")])
    >>> d = sq.Design({"id": np.arange(5)})
    >>> perf = sq.Responses(inst, d, np.array([[3, 4], [2, 4], [3, 3], [2, 4], [3, 4]], "int8") - 1)
    >>> imp = sq.Responses(inst, d, np.array([[5, 4], [5, 3], [4, 4], [5, 4], [5, 3]], "int8") - 1)
    >>> q1 = sq.csi(perf, imp).items[0]
    >>> q1.id, round(q1.mis.value, 2), round(q1.mss.value, 2), round(q1.wf, 2), round(q1.ws, 2)
    ('Q1', 4.8, 2.6, 57.14, 148.57)
    """

    id: str
    mis: Estimate
    mss: Estimate
    wf: float
    ws: float


class CSIResult(FrozenModel):
    """Customer Satisfaction Index of one group.

    Parameters
    ----------
    index : Estimate
        CSI in percent (0–100), t interval on the design df.
    band, band_en : str
        The interpretation band of ``index.value`` (Indonesian, English).
    crosses_band_boundary : bool
        Whether the interval contains a band boundary (the band is then uncertain).
    items : tuple of CSIItem
        Per-item steps, in item order.
    sum_mis : float
        ``Σ MIS``.
    weighted_total : float
        ``WT = Σ WS`` (WF in percent).
    scale_max : int
        ``HS``, the performance scale's maximum.
    n : int
        Respondents in the group.

    Examples
    --------
    Five patients of a health centre rated performance and importance on 1–5:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="pk", name="Puskesmas", scale=sq.Scale(min=1, max=5),
    ...     items=[sq.Item(id="Q1", text="Waiting time"), sq.Item(id="Q2", text="Courtesy")])
    >>> d = sq.Design({"id": np.arange(5)})
    >>> perf = sq.Responses(inst, d, np.array([[3, 4], [2, 4], [3, 3], [2, 4], [3, 4]], "int8") - 1)
    >>> imp = sq.Responses(inst, d, np.array([[5, 4], [5, 3], [4, 4], [5, 4], [5, 3]], "int8") - 1)
    >>> r = sq.csi(perf, imp)
    >>> round(r.index.value, 2), r.band_en, round(r.weighted_total, 2), r.n
    (62.29, 'Fairly satisfied', 311.43, 5)
    """

    index: Estimate
    band: str
    band_en: str
    crosses_band_boundary: bool
    items: tuple[CSIItem, ...]
    sum_mis: float
    weighted_total: float
    scale_max: int
    n: int = Field(ge=0)


def csi_band(percent: float) -> tuple[str, str]:
    """``(Indonesian, English)`` band of a CSI in percent.

    Raises
    ------
    servqual.errors.ServqualTypeError
        If ``percent`` is not a number.
    servqual.errors.ParameterError
        If ``percent`` is NaN or outside 0–100 (a CSI is a percentage).

    Examples
    --------
    >>> import servqual as sq
    >>> sq.csi_band(80.99), sq.csi_band(81.0)
    (('Puas', 'Satisfied'), ('Sangat puas', 'Very satisfied'))
    """
    if isinstance(percent, bool) or not isinstance(percent, (int, float, np.integer, np.floating)):
        raise ServqualTypeError(f"percent must be a number, got {percent!r}")
    if not -1e-9 <= percent <= 100.0 + 1e-9:  # NaN fails this; rounding may not
        raise ParameterError(f"percent must be a CSI in 0–100, got {percent!r}")
    for low, label, label_en in CSI_BANDS:
        if percent >= low:
            return label, label_en
    return CSI_BANDS[-1][1], CSI_BANDS[-1][2]
