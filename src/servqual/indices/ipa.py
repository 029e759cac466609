r"""Importance–performance analysis (Martilla & James 1977).

Per item: mean importance ``I_j`` and mean performance ``P_j`` (design means with
intervals). Axes: **performance on the horizontal axis (x), importance on the vertical
axis (y)**, as in the Indonesian *diagram Kartesius*. The cross-hair is at

- ``"data"`` (default, the usual Indonesian practice): the grand means of the item means,
  ``Ī = mean_j I_j`` and ``P̄ = mean_j P_j``;
- ``"scale"``: the midpoints ``(min + max)/2`` of the importance and performance scales;
- ``"median"``: the medians of the item means.

Quadrants (an item *at* a cross-hair line counts as high):

========================  ====================  ===========================
importance / performance  English               Indonesian
========================  ====================  ===========================
high / low                Concentrate here      Prioritas utama
high / high               Keep up the good work Pertahankan prestasi
low / low                 Low priority          Prioritas rendah
low / high                Possible overkill     Berlebihan
========================  ====================  ===========================

Conformity level (*tingkat kesesuaian*) = ``100 · P_j / I_j`` percent. An item's
quadrant is *statistically clear* when neither of its intervals contains the cross-hair
line it is classified against (the cross-hair itself is taken as fixed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from servqual.design._by import DomainKey
from servqual.design._estimators import estimates_from_variances
from servqual.errors import ItemError, ParameterError
from servqual.indices import _common as c
from servqual.models._base import FrozenModel
from servqual.models.frames import DomainResults
from servqual.models.results import Estimate
from servqual.responses import Responses
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.intervals import Bounds
from servqual.stats.quantiles import check_level

FloatArray = npt.NDArray[np.float64]

__all__ = ["QUADRANTS", "IPAItem", "IPAResult", "ipa"]

Crosshair = Literal["data", "scale", "median"]
_CROSSHAIRS = ("data", "scale", "median")

QUADRANTS: dict[tuple[bool, bool], tuple[str, str, str]] = {
    (True, False): ("I", "Concentrate here", "Prioritas utama"),
    (True, True): ("II", "Keep up the good work", "Pertahankan prestasi"),
    (False, False): ("III", "Low priority", "Prioritas rendah"),
    (False, True): ("IV", "Possible overkill", "Berlebihan"),
}
"""``(high importance, high performance) → (number, English, Indonesian)``."""


class IPAItem(FrozenModel):
    """One item on the importance–performance grid.

    Parameters
    ----------
    id, text : str
        Item id and wording.
    importance, performance : Estimate
        Mean importance and mean performance.
    quadrant : str
        ``"I"`` … ``"IV"`` (I: concentrate here, II: keep up, III: low priority,
        IV: possible overkill).
    quadrant_en, quadrant_id : str
        The quadrant's English and Indonesian names.
    conformity : float
        ``100 · performance / importance`` (percent).
    clear : bool
        Neither interval contains its cross-hair line.

    Examples
    --------
    Four visitors to a permit counter rated performance and importance on 1–4:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="c", name="Counter", scale=sq.Scale(min=1, max=4),
    ...     items=[sq.Item(id="U1", text="Requirements"), sq.Item(id="U2", text="Speed"),
    ...            sq.Item(id="U3", text="Fee")])
    >>> d = sq.Design({"id": np.arange(4)})
    >>> p = np.array([[3, 2, 4], [3, 2, 3], [4, 1, 4], [3, 2, 3]], "int8")
    >>> i = np.array([[3, 4, 2], [4, 4, 2], [3, 4, 3], [3, 4, 2]], "int8")
    >>> r = sq.ipa(sq.Responses(inst, d, p - 1), sq.Responses(inst, d, i - 1))
    >>> u2 = r.items[1]
    >>> u2.id, u2.quadrant, u2.quadrant_en, round(u2.performance.value, 2), u2.clear
    ('U2', 'I', 'Concentrate here', 1.75, True)
    """

    id: str
    text: str
    importance: Estimate
    performance: Estimate
    quadrant: Literal["I", "II", "III", "IV"]
    quadrant_en: str
    quadrant_id: str
    conformity: float
    clear: bool


class IPAResult(FrozenModel):
    """Importance–performance analysis of one group.

    Parameters
    ----------
    items : tuple of IPAItem
        One per item, in item order.
    importance_line, performance_line : float
        The cross-hair (y = importance, x = performance).
    crosshair : {"data", "scale", "median"}
        How the cross-hair was placed.
    conformity : float
        Overall conformity ``100 · Σ P_j / Σ I_j`` (percent).
    n : int
        Respondents in the group.

    Examples
    --------
    Four visitors to a permit counter rated performance and importance on 1–4:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="c", name="Counter", scale=sq.Scale(min=1, max=4),
    ...     items=[sq.Item(id="U1", text="Requirements"), sq.Item(id="U2", text="Speed"),
    ...            sq.Item(id="U3", text="Fee")])
    >>> d = sq.Design({"id": np.arange(4)})
    >>> p = np.array([[3, 2, 4], [3, 2, 3], [4, 1, 4], [3, 2, 3]], "int8")
    >>> i = np.array([[3, 4, 2], [4, 4, 2], [3, 4, 3], [3, 4, 2]], "int8")
    >>> r = sq.ipa(sq.Responses(inst, d, p - 1), sq.Responses(inst, d, i - 1))
    >>> round(r.importance_line, 2), round(r.performance_line, 2), r.crosshair
    (3.17, 2.83, 'data')
    >>> round(r.conformity, 1), r.n
    (89.5, 4)
    """

    items: tuple[IPAItem, ...]
    importance_line: float
    performance_line: float
    crosshair: Crosshair
    conformity: float
    n: int = Field(ge=0)

    def quadrant(self, number: str) -> tuple[str, ...]:
        """Ids of the items in quadrant ``"I"`` … ``"IV"``."""
        return tuple(i.id for i in self.items if i.quadrant == number)


def _line(means: npt.NDArray[np.float64], crosshair: Crosshair, lo: int, hi: int) -> float:
    if crosshair == "data":
        return float(means.mean())
    if crosshair == "median":
        return float(np.median(means))
    return (lo + hi) / 2.0


def _high(value: float, line: float) -> bool:
    """At or above the line (a relative 1e-12 tolerance absorbs rounding of the grand mean)."""
    return value >= line - 1e-12 * max(1.0, abs(line))


def _grouped_estimates(
    values: FloatArray,
    arrays: DesignArrays,
    groups: npt.NDArray[np.intp],
    n_groups: int,
    ids: tuple[str, ...],
    level: float,
    bounds: Bounds,
) -> list[tuple[FloatArray, list[Estimate]]]:
    """Item means and their estimates (cut to the scale's ``bounds``) in every domain."""
    means, z, counts = c.grouped_item_means(values, arrays, groups, n_groups, ids)
    var = c.column_variances(z, groups, n_groups, arrays)
    return [
        (
            means[g],
            estimates_from_variances(
                means[g], var[g], counts[g], df=arrays.df, level=level, bounds=bounds
            ),
        )
        for g in range(n_groups)
    ]


def ipa(
    performance: Responses,
    importance: Responses,
    *,
    crosshair: Crosshair = "data",
    level: float = 0.95,
    by: str | Sequence[str] | None = None,
) -> IPAResult | DomainResults[IPAResult]:
    r"""Importance–performance analysis: means, quadrants, conformity, clarity.

    Parameters
    ----------
    performance, importance : Responses
        Performance and importance answers of the same respondents (same rows, same item
        ids); the design comes from ``performance``.
    crosshair : {"data", "scale", "median"}
        Where the cross-hair lines are (see the module docstring).
    level : float
        Confidence level of the means' intervals (and of the clarity check).
    by : str or list of str, optional
        One result per group of this respondent attribute.
        Several columns: one result per combination, keyed by a tuple of strings.

    Returns
    -------
    IPAResult or dict of str (or tuple of str) to IPAResult

    Raises
    ------
    servqual.errors.ItemError
        Fewer than two items, or the forms have different items.
    servqual.errors.RespondentError
        The forms have different respondents.
    servqual.errors.ParameterError
        An unknown ``crosshair``.

    Notes
    -----
    High importance: ``I_j ≥ Ī``; high performance: ``P_j ≥ P̄``. With a data-centred
    cross-hair the quadrants do not change when a constant is added to every importance.

    Examples
    --------
    Four applicants rated three counter services (1–4):

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="c", name="Counter", scale=sq.Scale(min=1, max=4),
    ...     items=[sq.Item(id="U1", text="Requirements"), sq.Item(id="U2", text="Speed"),
    ...            sq.Item(id="U3", text="Fee")])
    >>> d = sq.Design({"id": np.arange(4)})
    >>> p = np.array([[3, 2, 4], [3, 2, 3], [4, 1, 4], [3, 2, 3]], "int8")
    >>> i = np.array([[3, 4, 2], [4, 4, 2], [3, 4, 3], [3, 4, 2]], "int8")
    >>> perf, imp = sq.Responses(inst, d, p - 1), sq.Responses(inst, d, i - 1)
    >>> r = sq.ipa(perf, imp)
    >>> [(i.id, i.quadrant_en) for i in r.items]
    [('U1', 'Keep up the good work'), ('U2', 'Concentrate here'), ('U3', 'Possible overkill')]
    >>> r.quadrant("I"), round(r.items[1].conformity, 1)
    (('U2',), 43.8)
    """
    level = check_level(level)
    if crosshair not in _CROSSHAIRS:
        raise ParameterError(f"crosshair must be one of {list(_CROSSHAIRS)}, got {crosshair!r}")
    c.check_responses(performance, "performance")
    c.check_responses(importance, "importance")
    inst = performance.instrument
    if len(inst.items) < 2:
        raise ItemError(
            f"importance–performance analysis needs at least 2 items; instrument "
            f"{inst.id!r} has {len(inst.items)}"
        )
    c.check_paired(performance, importance, ("performance", "importance"))
    perf, imp = performance.values(), importance.values()
    arrays = performance.design.arrays
    ids = inst.item_ids
    keys, groups, n_groups = c.grouping(performance.design, by)
    si, sp = importance.instrument.scale, inst.scale
    p_all = _grouped_estimates(perf, arrays, groups, n_groups, ids, level, c.scale_range(sp))
    i_all = _grouped_estimates(imp, arrays, groups, n_groups, ids, level, c.scale_range(si))
    answered = (~np.isnan(perf) | ~np.isnan(imp)).any(axis=1)
    n_rows = np.bincount(groups[answered], minlength=n_groups)
    out: dict[DomainKey, IPAResult] = {}
    for g, label in enumerate(keys):  # loop over domains: results only, no pass over rows
        (p_mean, p_est), (i_mean, i_est) = p_all[g], i_all[g]
        i_line = _line(i_mean, crosshair, si.min, si.max)
        p_line = _line(p_mean, crosshair, sp.min, sp.max)
        items = []
        for j, item in enumerate(inst.items):
            hi_i, hi_p = _high(i_mean[j], i_line), _high(p_mean[j], p_line)
            number, name_en, name_id = QUADRANTS[(hi_i, hi_p)]
            clear = not (i_line in i_est[j].ci or p_line in p_est[j].ci)
            items.append(
                IPAItem(
                    id=item.id,
                    text=item.text,
                    importance=i_est[j],
                    performance=p_est[j],
                    quadrant=number,  # type: ignore[arg-type]  # one of the four literals
                    quadrant_en=name_en,
                    quadrant_id=name_id,
                    conformity=100.0 * float(p_mean[j] / i_mean[j]) if i_mean[j] else float("nan"),
                    clear=clear,
                )
            )
        n = int(n_rows[g])
        out[label] = IPAResult(
            items=tuple(items),
            importance_line=i_line,
            performance_line=p_line,
            crosshair=crosshair,
            conformity=100.0 * float(p_mean.sum() / i_mean.sum()) if i_mean.sum() else float("nan"),
            n=n,
        )
    return DomainResults(out, by=by) if by is not None else out["all"]
