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
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from servqual.design._by import DomainKey
from servqual.design._estimators import estimates_from_variances
from servqual.engines.responses import EngineResponses
from servqual.errors import ItemError, ParameterError
from servqual.indices import _common as c
from servqual.models._base import FrozenModel
from servqual.models.frames import DomainResults
from servqual.models.instrument import Item
from servqual.models.results import Estimate
from servqual.responses import Responses
from servqual.stats.design_arrays import DesignArrays
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


@dataclass(frozen=True)
class IPAParts:
    """Per domain (G, k): item means, their variances and answer counts, of both forms.

    What the finishing step (:func:`ipa_results`) needs, from the rows in memory or
    from an engine's cell sums (:mod:`servqual.engines.ipa`). ``n`` (G,) counts the
    respondents with any answer.
    """

    p_mean: FloatArray
    p_var: FloatArray
    p_n: FloatArray
    i_mean: FloatArray
    i_var: FloatArray
    i_n: FloatArray
    n: npt.NDArray[np.intp]


def _grouped(
    perf: FloatArray,
    imp: FloatArray,
    arrays: DesignArrays,
    groups: npt.NDArray[np.intp],
    n_groups: int,
    ids: tuple[str, ...],
) -> IPAParts:
    """Item means of both forms and their variances in every domain, from the rows."""
    p_mean, p_z, p_n = c.grouped_item_means(perf, arrays, groups, n_groups, ids)
    p_var = c.column_variances(p_z, groups, n_groups, arrays)
    i_mean, i_z, i_n = c.grouped_item_means(imp, arrays, groups, n_groups, ids)
    i_var = c.column_variances(i_z, groups, n_groups, arrays)
    answered = (~np.isnan(perf) | ~np.isnan(imp)).any(axis=1)
    n_rows = np.bincount(groups[answered], minlength=n_groups).astype(np.intp)
    return IPAParts(p_mean, p_var, p_n, i_mean, i_var, i_n, n_rows)


def _check(performance: Responses, importance: Responses, crosshair: str) -> None:
    """The arguments every path checks first (crosshair, types, at least two items)."""
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


def _item(item: Item, est: tuple[Estimate, Estimate], lines: tuple[float, float]) -> IPAItem:
    """One item's quadrant, conformity and clarity from its two estimates and the lines."""
    i_est, p_est = est
    i_line, p_line = lines
    i_mean, p_mean = i_est.value, p_est.value
    hi_i, hi_p = _high(i_mean, i_line), _high(p_mean, p_line)
    number, name_en, name_id = QUADRANTS[(hi_i, hi_p)]
    return IPAItem(
        id=item.id,
        text=item.text,
        importance=i_est,
        performance=p_est,
        quadrant=number,  # type: ignore[arg-type]  # one of the four literals
        quadrant_en=name_en,
        quadrant_id=name_id,
        conformity=100.0 * float(p_mean / i_mean) if i_mean else float("nan"),
        clear=not (i_line in i_est.ci or p_line in p_est.ci),
    )


def ipa_results(
    parts: IPAParts,
    keys: list[DomainKey],
    forms: tuple[Responses, Responses],
    *,
    crosshair: Crosshair,
    df: float,
    level: float,
    by: str | Sequence[str] | None,
) -> IPAResult | DomainResults[IPAResult]:
    """The result models of every domain from its :class:`IPAParts` (no pass over rows)."""
    inst = forms[0].instrument
    si, sp = forms[1].instrument.scale, inst.scale
    k = len(inst.items)
    # every domain's item estimates in one call (rows of (G, k) flattened)
    all_p = estimates_from_variances(
        parts.p_mean.ravel(), parts.p_var.ravel(), parts.p_n.ravel(), df=df, level=level,
        bounds=c.scale_range(sp),
    )  # fmt: skip
    all_i = estimates_from_variances(
        parts.i_mean.ravel(), parts.i_var.ravel(), parts.i_n.ravel(), df=df, level=level,
        bounds=c.scale_range(si),
    )  # fmt: skip
    out: dict[DomainKey, IPAResult] = {}
    for g, label in enumerate(keys):  # loop over domains: results only, no pass over rows
        p_mean, i_mean = parts.p_mean[g], parts.i_mean[g]
        p_est, i_est = all_p[g * k : (g + 1) * k], all_i[g * k : (g + 1) * k]
        lines = (_line(i_mean, crosshair, si.min, si.max), _line(p_mean, crosshair, sp.min, sp.max))
        items = [_item(item, (i_est[j], p_est[j]), lines) for j, item in enumerate(inst.items)]
        out[label] = IPAResult(
            items=tuple(items),
            importance_line=lines[0],
            performance_line=lines[1],
            crosshair=crosshair,
            conformity=100.0 * float(p_mean.sum() / i_mean.sum()) if i_mean.sum() else float("nan"),
            n=int(parts.n[g]),
        )
    return DomainResults(out, by=by) if by is not None else out["all"]


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
        ids); the design comes from ``performance``. Or two sets of columns of one
        engine frame, reduced inside the engine (docs/engines.md).
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
    _check(performance, importance, crosshair)
    forms = (performance, importance)
    if isinstance(performance, EngineResponses) or isinstance(importance, EngineResponses):
        from servqual.engines.ipa import engine_ipa_parts

        keys, parts, df = engine_ipa_parts(performance, importance, by)
        return ipa_results(parts, keys, forms, crosshair=crosshair, df=df, level=level, by=by)
    c.check_paired(performance, importance, ("performance", "importance"))
    perf, imp = performance.values(), importance.values()
    arrays = performance.design.arrays
    keys, groups, n_groups = c.grouping(performance.design, by)
    parts = _grouped(perf, imp, arrays, groups, n_groups, performance.instrument.item_ids)
    return ipa_results(parts, keys, forms, crosshair=crosshair, df=arrays.df, level=level, by=by)
