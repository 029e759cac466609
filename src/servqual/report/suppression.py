"""Small-group suppression of a report: which figures are withheld, and why.

A published breakdown by group must not show the answers of a handful of people. A
figure (a group's index, an element's NRR and its n) is withheld when it rests on fewer
than ``min_group_size`` respondents (*primary* suppression, shown as ``n < 5``), and
further figures are withheld so that no withheld figure can be derived back from the
published total and the other published groups (*complementary* suppression).

The rule, on the table of sections (all respondents, then one row per group) × columns
(respondents, then each element):

1. **Groups.** A group with fewer than ``min_group_size`` respondents is withheld whole
   (n, index, every element). Among the groups, the withheld ones plus the respondents
   in no group (the *remainder*) must be none (a remainder alone needs at least
   ``min_group_size`` respondents), or at least two with together at least
   ``min_group_size`` respondents; otherwise the smallest published group is withheld
   too, and again until the condition holds. Otherwise ``total × n_total − Σ published
   group × n_group`` would return the single withheld group exactly.
2. **Elements.** In a published section, an element answered by fewer than
   ``min_group_size`` respondents (but at least one) is withheld (its NRR and its n). In
   each element's column the same condition as in 1 holds over the groups (withheld
   groups count, with their answer counts): otherwise the published group answered by
   the fewest respondents is withheld in that column. The per-element n differs from the
   group's n when answers are missing, so this is checked column by column.
3. **Index.** A section's index is ``25 Σ_j ω_j NRR_j``: with one element withheld and
   the index and the other elements published, the withheld NRR follows by subtraction.
   So a section with any withheld element also withholds its index (its grade and
   label). The other way round is safe: an index never needs hiding on its own, as it
   is a function of its published elements.

With every column holding none or at least two withheld cells, and every section with a
withheld element hiding its index, each withheld figure enters the published relations
(column totals, index definitions) only together with another unknown: none can be
solved for. The overall section is never withheld to protect a group; it is withheld
only where it itself rests on fewer than ``min_group_size`` respondents.
``min_group_size=0`` turns suppression off (the method note says so).

The functions here work on small lists of counts (sections × elements), never on rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from servqual.errors import ParameterError

if TYPE_CHECKING:
    from servqual.report.model import ElementRow, IndexSection
    from servqual.screening.models import Screening

__all__ = [
    "DEFAULT_MIN_GROUP_SIZE",
    "Plan",
    "Suppression",
    "check_min_group_size",
    "plan",
    "suppress_screening",
    "suppress_sections",
]

DEFAULT_MIN_GROUP_SIZE = 5
"""Fewest respondents a published figure may rest on, unless told otherwise."""

Suppression = Literal["small", "complementary"]
"""Why a figure is withheld: it rests on too few respondents, or it would reveal one that does."""


class Plan(NamedTuple):
    """What to withhold in a table of sections × elements (row 0 is the total)."""

    sections: list[Suppression | None]
    """Per section: withheld whole, and why (``None``: published)."""
    cells: list[list[Suppression | None]]
    """Per section and element: withheld, and why."""
    index_hidden: list[bool]
    """Per section: its index withheld."""


def check_min_group_size(value: object) -> int:
    """``min_group_size`` as an int of at least 0, or a named error."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(
            f"min_group_size must be a whole number of respondents (0 turns suppression "
            f"off), got {value!r}"
        )
    if value < 0:
        raise ParameterError(f"min_group_size must be at least 0, got {value}")
    return value


def _complete(counts: Sequence[int], hidden: list[bool], remainder: int, minimum: int) -> list[int]:
    """Positions to withhold as well so that the hidden set of one column is safe.

    Safe: no withheld cell with a positive count (and a remainder of none or at least
    ``minimum`` respondents), or at least two hidden cells (the remainder counts as one)
    holding together at least ``minimum`` respondents. The smallest published cell goes
    first (the first one on a tie).
    """
    hidden = list(hidden)
    added: list[int] = []
    while True:
        members = [n for n, h in zip(counts, hidden, strict=True) if h and n > 0]
        pooled = sum(members) + remainder
        if not members and (remainder == 0 or remainder >= minimum):
            return added  # nothing withheld; a leftover of at least ``minimum`` may show
        if len(members) + (remainder > 0) >= 2 and pooled >= minimum:
            return added
        free = [i for i, (n, h) in enumerate(zip(counts, hidden, strict=True)) if not h and n > 0]
        if not free:  # every group is hidden: the total then equals their pooled figure
            return added
        pick = min(free, key=lambda i: counts[i])
        hidden[pick] = True
        added.append(pick)


def plan(sizes: Sequence[int], counts: Sequence[Sequence[int]], min_group_size: int) -> Plan:
    """Decide which figures to withhold (see the module docstring for the rule).

    Parameters
    ----------
    sizes : sequence of int
        Respondents per section; ``sizes[0]`` is all respondents, then one per group.
    counts : sequence of sequences of int
        Per section, the number of respondents who answered each element.
    min_group_size : int
        Fewest respondents a published figure may rest on; 0 withholds nothing.

    Returns
    -------
    Plan

    Raises
    ------
    servqual.errors.ParameterError
        No sections, rows of different lengths, a negative count, or a bad
        ``min_group_size``.

    Examples
    --------
    Groups of 40, 30 and 2 respondents: the group of 2 is withheld, and so is the group
    of 30, else the total minus the group of 40 would give the group of 2.

    >>> from servqual.report.suppression import plan
    >>> p = plan([72, 40, 30, 2], [[72, 72], [40, 40], [30, 30], [2, 2]], 5)
    >>> p.sections
    [None, None, 'complementary', 'small']
    """
    min_group_size = check_min_group_size(min_group_size)
    _check_table(sizes, counts)
    n_sec = len(sizes)
    k = len(counts[0])
    sections: list[Suppression | None] = [None] * n_sec
    cells: list[list[Suppression | None]] = [[None] * k for _ in range(n_sec)]
    if min_group_size > 0:
        _plan_sections(sizes, sections, min_group_size)
        _plan_cells(counts, sections, cells, min_group_size)
    index_hidden = [
        sections[s] is not None or any(c is not None for c in cells[s]) for s in range(n_sec)
    ]
    return Plan(sections, cells, index_hidden)


def _check_table(sizes: Sequence[int], counts: Sequence[Sequence[int]]) -> None:
    if not sizes or len(counts) != len(sizes):
        raise ParameterError(
            f"plan needs one size and one row of counts per section, got {len(sizes)} sizes "
            f"and {len(counts)} rows"
        )
    for s, row in enumerate(counts):
        if len(row) != len(counts[0]):
            raise ParameterError(
                f"counts row {s} has {len(row)} elements, row 0 has {len(counts[0])}"
            )
        if sizes[s] < 0 or any(n < 0 for n in row):
            raise ParameterError(f"section {s} has a negative count: {sizes[s]}, {list(row)}")


def _plan_sections(sizes: Sequence[int], sections: list[Suppression | None], m: int) -> None:
    if sizes[0] < m:  # every group is a part of the total: all of them are small too
        sections[:] = ["small"] * len(sections)
        return
    groups = list(sizes[1:])
    for g, n in enumerate(groups, 1):
        if n < m:
            sections[g] = "small"
    hidden = [s is not None for s in sections[1:]]
    for g in _complete(groups, hidden, max(sizes[0] - sum(groups), 0), m):
        sections[g + 1] = "complementary"


def _plan_cells(
    counts: Sequence[Sequence[int]],
    sections: list[Suppression | None],
    cells: list[list[Suppression | None]],
    m: int,
) -> None:
    n_sec = len(counts)
    for s in range(n_sec):
        for j, n in enumerate(counts[s]):
            if sections[s] is not None:
                cells[s][j] = sections[s]
            elif 0 < n < m:
                cells[s][j] = "small"
    for j in range(len(counts[0])):
        if cells[0][j] is not None:  # no published total in this column
            continue
        column = [counts[s][j] for s in range(1, n_sec)]
        hidden = [cells[s][j] is not None for s in range(1, n_sec)]
        remainder = max(counts[0][j] - sum(column), 0)
        for g in _complete(column, hidden, remainder, m):
            cells[g + 1][j] = "complementary"


def suppress_sections(
    overall: IndexSection | None, groups: Sequence[IndexSection], min_group_size: int
) -> tuple[IndexSection | None, tuple[IndexSection, ...]]:
    """The sections with withheld figures blanked (``None``) and marked.

    Parameters
    ----------
    overall : IndexSection, optional
        All respondents. Without it (a plot of ``by=`` results alone) the total is taken
        as the sum of the groups and treated as published.
    groups : sequence of IndexSection
        One section per group.
    min_group_size : int
        Fewest respondents a published figure may rest on; 0 withholds nothing.

    Returns
    -------
    tuple
        The overall section (``None`` if none was given) and the group sections.
    """
    rows = list(groups) if overall is None else [overall, *groups]
    sizes = [_size(s) for s in rows]
    counts = [[_size(e) for e in s.elements] for s in rows]
    if overall is None:
        sizes.insert(0, sum(sizes))
        counts.insert(0, [sum(col) for col in zip(*counts, strict=True)] if counts else [])
    decided = plan(sizes, counts, min_group_size)
    offset = 0 if overall is not None else 1
    out = [_blank(section, decided, s + offset) for s, section in enumerate(rows)]
    if overall is None:
        return None, tuple(out)
    return out[0], tuple(out[1:])


def _size(obj: IndexSection | ElementRow) -> int:
    return 0 if obj.n is None else obj.n


def _blank(section: IndexSection, decided: Plan, s: int) -> IndexSection:
    why = decided.sections[s]
    elements = tuple(_blank_element(e, decided.cells[s][j]) for j, e in enumerate(section.elements))
    update: dict[str, object] = {"elements": elements, "suppressed": why}
    if decided.index_hidden[s]:
        update |= {"index": None, "grade": None, "label": None, "crosses_grade_boundary": None}
    if why is not None:
        update["n"] = None
    if any(e.suppressed for e in elements):  # rank only what is shown
        shown = [e for e in elements if e.nrr is not None and e.nrr == e.nrr]
        ranked = sorted(shown, key=lambda e: e.nrr or 0.0)  # stable: ties in instrument order
        update["weakest"] = tuple(e.code for e in ranked[: len(section.weakest)])
    return section.model_copy(update=update)


def _blank_element(element: ElementRow, why: Suppression | None) -> ElementRow:
    if why is None:
        return element
    blank = {"n": None, "nrr": None, "weighted_nrr": None, "converted": None, "grade": None}
    blank["ci"] = None  # an interval's ends would give the NRR back
    return element.model_copy(update={**blank, "suppressed": why})


def suppress_screening(screening: Screening, min_group_size: int) -> Screening:
    """The screening with the interviewer rows of small groups withheld, for a report.

    An interviewer's row shows the mean score of their respondents: a row resting on
    fewer than ``min_group_size`` respondents is withheld (``n`` and every figure
    ``None``), and further rows by the same rule as the groups of an index section, so
    that all respondents minus the published rows never give a withheld row back. The
    withheld interviewers are left out of the flagged list as well. The whole-sample
    figures (the ICC and its test) stay: they rest on every respondent.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.screening import demo_survey
    >>> from servqual.report.suppression import suppress_screening
    >>> s = sq.screen(demo_survey(), interviewer="staff")
    >>> [r.n for r in s.interviewer_effect.rows][:3]
    [46, 44, 58]
    >>> shown = suppress_screening(s, 59)  # every interviewer below 59: all withheld
    >>> {r.suppressed for r in shown.interviewer_effect.rows}, shown.interviewer_effect.flagged
    ({'small'}, ())
    """
    m = check_min_group_size(min_group_size)
    effect = screening.interviewer_effect
    if effect is None or m == 0:
        return screening
    sizes = [r.n or 0 for r in effect.rows]
    decided = plan([screening.n, *sizes], [[screening.n], *([n] for n in sizes)], m)
    blank = {"n": None, "mean": None, "difference": None, "p_value": None}
    blank |= {"p_adjusted": None, "flagged": None}
    rows = tuple(
        row if why is None else row.model_copy(update={**blank, "suppressed": why})
        for row, why in zip(effect.rows, decided.sections[1:], strict=True)
    )
    withheld = {r.interviewer for r in rows if r.suppressed is not None}
    flagged = tuple(name for name in effect.flagged if name not in withheld)
    update = {"interviewer_effect": effect.model_copy(update={"rows": rows, "flagged": flagged})}
    return screening.model_copy(update=update)
