"""Checks on the answer patterns alone: missingness, straight-lining, duplicates, range.

All work on the (n × k) ``int8`` codes: row-wise comparisons and one sort of the rows
(``np.unique`` on a byte view of each row), no Python loop over respondents.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from servqual.screening._input import Survey
from servqual.screening._input import row_ids as _ids
from servqual.screening.chance import fit
from servqual.screening.models import Duplicates, Missingness, OutOfRange, StraightLining

__all__ = [
    "Chance",
    "duplicate_groups",
    "missingness",
    "out_of_range",
    "respondent_scores",
    "straight_lining",
]

CodeArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]
IdGroups = list[list[int]]  # groups of row positions

MIN_ITEMS = 3
"""Straight-lining needs at least this many items: two equal answers are no pattern."""


def missingness(s: Survey) -> tuple[Missingness, BoolArray]:
    """Blank answers per item and per respondent; the rows with no answer at all."""
    blank = s.codes < 0
    per_row = blank.sum(axis=1)
    k = s.codes.shape[1]
    items = dict(zip(s.instrument.item_ids, (int(v) for v in blank.sum(axis=0)), strict=True))
    counts = np.bincount(per_row, minlength=k + 1)
    empty = per_row == k
    out = Missingness(
        items=items,
        per_respondent={j: int(c) for j, c in enumerate(counts) if c},
        empty=_ids(s, np.flatnonzero(empty)),
    )
    return out, empty


def straight_lining(s: Survey, probs: Chance) -> tuple[StraightLining, BoolArray]:
    """Same answer to every item; the longest run of identical consecutive answers."""
    codes = s.codes
    k = codes.shape[1]
    # constant patterns were found once per distinct pattern: spread them to the rows
    same = probs.straight[probs.inverse] & (k >= MIN_ITEMS)
    runs = _longest_runs(codes)
    expected = probs.straight_expected if k >= MIN_ITEMS else 0.0
    count = int(same.sum())
    if count == 0:
        p = 1.0
    elif expected <= 0:
        p = 0.0
    else:  # P(X ≥ count) for X ~ Poisson(expected)
        p = float(special.pdtrc(count - 1, expected))
    result = StraightLining(
        count=count,
        longest_run={r: int(c) for r, c in enumerate(np.bincount(runs)) if c},
        expected=expected,
        p_value=min(max(p, 0.0), 1.0),
    )
    return result, same


def _longest_runs(codes: CodeArray) -> npt.NDArray[np.intp]:
    """Longest run of identical consecutive answered items, per row (vectorized over rows)."""
    k = codes.shape[1]
    best = np.where(codes[:, 0] >= 0, 1, 0).astype(np.intp)
    current = best.copy()
    for j in range(1, k):  # a loop over items, each step over every row at once
        answered = codes[:, j] >= 0
        same = answered & (codes[:, j] == codes[:, j - 1])
        current = np.where(same, current + 1, answered.astype(np.intp))
        np.maximum(best, current, out=best)
    return best


class Chance:
    """Distinct patterns, their counts and chance probabilities (fitted once)."""

    def __init__(self, s: Survey) -> None:
        codes = np.ascontiguousarray(s.codes)
        rows = codes.view(np.dtype((np.void, codes.shape[1]))).ravel()
        _, first, inverse, counts = np.unique(
            rows, return_index=True, return_inverse=True, return_counts=True
        )
        self.first = first
        self.inverse = inverse.ravel()
        self.counts = counts
        self.patterns = codes[first]
        levels = s.instrument.scale.max - s.instrument.scale.min + 1
        model = fit(self.patterns, counts, levels)
        self.prob = model.probs
        self.repeat_prob = model.without_repeats(self.patterns, counts)
        complete = (self.patterns >= 0).all(axis=1)
        self.straight = complete & (self.patterns == self.patterns[:, :1]).all(axis=1)
        n = codes.shape[0]
        # every constant pattern, observed or not, under the model: Σ_c P(c, c, …, c)
        constant = np.repeat(np.arange(levels, dtype=np.int8)[:, None], codes.shape[1], axis=1)
        self.straight_expected = n * float(model.probability(constant).sum())


def duplicate_groups(
    s: Survey, chance: Chance, level: float, record: npt.NDArray[Any] | None
) -> tuple[IdGroups, Duplicates]:
    """Row groups: repeated ids, repeated whole records, answer vectors beyond chance."""
    n = s.codes.shape[0]
    groups: IdGroups = []
    groups += _same_value_groups(s.ids)
    if record is not None:  # same answers and same timestamp/interviewer: a double entry
        both = np.column_stack([chance.inverse, record])
        groups += _same_value_groups(np.unique(both, axis=0, return_inverse=True)[1].ravel())
    repeated = chance.counts >= 2
    # Conditional on one copy, the other n − 1 respondents hold ≥ c − 1 copies by chance;
    # Bonferroni over the distinct patterns seen. Constant patterns are straight-lining.
    p = special.bdtrc(chance.counts - 2, n - 1, chance.repeat_prob)
    alpha = (1.0 - level) / len(chance.counts)
    beyond = repeated & (p < alpha) & ~chance.straight
    if beyond.any():
        order = np.argsort(chance.inverse, kind="stable")
        starts = np.searchsorted(chance.inverse[order], np.flatnonzero(beyond))
        for start, c in zip(starts, chance.counts[beyond], strict=True):
            groups.append(sorted(order[start : start + c].tolist()))
    groups = _unique_groups(groups)
    # P(a respondent's pattern is given by at least one other): Σ_y P(y)(1 − (1 − P(y))^(n−1))
    expected_share = float((chance.prob * -np.expm1((n - 1) * np.log1p(-chance.prob))).sum())
    stats = Duplicates(
        repeated_share=float(chance.counts[repeated].sum()) / n,
        expected_share=min(1.0, expected_share),
    )
    return groups, stats


def _same_value_groups(values: npt.NDArray[Any]) -> IdGroups:
    keys = values.astype(str) if values.dtype == object else values
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    if not (counts >= 2).any():
        return []
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return [
        sorted(order[st : st + c].tolist()) for st, c in zip(starts, counts, strict=True) if c >= 2
    ]


def _unique_groups(groups: IdGroups) -> IdGroups:
    seen: set[tuple[int, ...]] = set()
    out = []
    for g in sorted(groups):
        key = tuple(g)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def out_of_range(s: Survey) -> OutOfRange:
    """Answers outside the scale (raw input only), per item, and the rows holding them."""
    per_item = s.bad.sum(axis=0)
    return OutOfRange(
        count=int(per_item.sum()),
        items={i: int(c) for i, c in zip(s.instrument.item_ids, per_item, strict=True) if c},
        ids=_ids(s, np.flatnonzero(s.bad.any(axis=1))),
    )


def respondent_scores(s: Survey) -> npt.NDArray[np.float64]:
    """Each respondent's weighted mean answer (reverse-scored items flipped); NaN if blank."""
    inst = s.instrument
    values = s.codes.astype(np.float64) + inst.scale.min
    flip = np.array([item.reverse for item in inst.items])
    values[:, flip] = inst.scale.min + inst.scale.max - values[:, flip]
    answered = s.codes >= 0
    w = np.array([(inst.weights or {}).get(i, 1.0) for i in inst.item_ids])
    num = np.where(answered, values, 0.0) @ w
    den = answered.astype(np.float64) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(den > 0, num / den, np.nan), dtype=np.float64)
