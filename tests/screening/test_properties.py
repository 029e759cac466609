"""Invariants (hypothesis): screening does not depend on the order of the respondents or
on the names of the interviewers; reliability does not depend on the order of the items,
and pairwise equals listwise deletion when nothing is missing."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq


def _survey(seed: int, n: int):
    rng = np.random.default_rng(seed)
    answers = (
        np.digitize(1.0 + 0.7 * rng.normal(size=(n, 1)) + rng.normal(size=(n, 9)), [-0.8, 0.3, 1.6])
        + 1.0
    )
    answers[rng.random((n, 9)) < 0.03] = np.nan
    answers[: n // 10] = 4.0
    answers[n - 3 :] = answers[5]
    staff = rng.choice(np.array(["A", "B", "C", "D"]), n)
    mode = rng.choice(np.array(["counter", "online"]), n)
    return answers, staff, mode


def _screen(answers, staff, mode, ids):
    r = sq.Responses.from_arrays(
        answers,
        sq.instruments.SKM_2017,
        attributes={"staff": staff, "mode": mode},
        respondent_ids=ids,
    )
    return sq.screen(r, interviewer="staff", mode="mode")


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(40, 120))
def test_screening_ignores_row_order_and_interviewer_names(seed: int, n: int) -> None:
    answers, staff, mode = _survey(seed, n)
    ids = np.array([f"R{i}" for i in range(n)])
    base = _screen(answers, staff, mode, ids)
    perm = np.random.default_rng(seed + 1).permutation(n)
    renamed = np.array([{"A": "w", "B": "x", "C": "y", "D": "z"}[s] for s in staff])
    other = _screen(answers[perm], renamed[perm], mode[perm], ids[perm])
    # which copy of a duplicate group is kept follows the row order; the rest does not
    copies = {i for g in base.duplicates for i in g}
    assert set(other.flagged_ids) - copies == set(base.flagged_ids) - copies
    assert set(other.straight_liners) == set(base.straight_liners)
    assert {frozenset(g) for g in other.duplicates} == {frozenset(g) for g in base.duplicates}
    back = {"w": "A", "x": "B", "y": "C", "z": "D"}
    assert sorted(back[f] for f in other.interviewer_effect.flagged) == sorted(
        base.interviewer_effect.flagged
    )
    assert other.interviewer_effect.icc.value == pytest.approx(
        base.interviewer_effect.icc.value, rel=1e-9
    )
    assert other.mode_effect.difference.value == pytest.approx(
        base.mode_effect.difference.value, rel=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(8, 60), st.integers(2, 7))
def test_reliability_invariants(seed: int, n: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.round(3 + rng.normal(size=(n, 1)) + rng.normal(size=(n, k)))
    if (np.ptp(x, axis=0) == 0).any():
        return  # a constant item: ZeroVarianceError, tested elsewhere
    a = sq.cronbach_alpha(x)
    perm = rng.permutation(k)
    assert sq.cronbach_alpha(x[:, perm]).value == pytest.approx(a.value, rel=1e-9, abs=1e-12)
    assert sq.cronbach_alpha(x, missing="pairwise").value == pytest.approx(
        a.value, rel=1e-12, abs=1e-12
    )
    assert a.value <= 1.0
    if k >= 4:  # three items identify one factor exactly: Heywood cases are common
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sq.errors.DegenerateDataWarning)
            t = sq.reliability_table(x)
            scaled = x * np.arange(1, k + 1)  # standardized alpha ignores each item's unit
            again = sq.reliability_table(scaled)
        assert again.std_alpha == pytest.approx(t.std_alpha, rel=1e-9, abs=1e-12)
        assert again.omega_total == pytest.approx(t.omega_total, rel=1e-6)
