"""Interviewer ICC(1) against R: psych::ICC on a balanced 6 × 15 design and a one-way
ANOVA by hand (aov) on an unbalanced one (tests/data/screening_r.json, written by
tests/data/screening_r.R); the same numbers through sq.screen."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import servqual as sq
from servqual.stats.icc import one_way_icc

DATA = json.loads((Path(__file__).parents[1] / "data" / "screening_r.json").read_text())


def test_balanced_matches_psych_icc() -> None:
    ref = DATA["icc_balanced"]  # psych::ICC(x)$results["ICC1", ]
    y = np.array(ref["scores"])
    g = np.array(ref["interviewer"]) - 1
    r = one_way_icc(y, g, 6, 0.95)
    assert r.icc == pytest.approx(ref["icc"], abs=1e-12)
    assert (r.low, r.high) == pytest.approx((ref["lower"], ref["upper"]), abs=1e-12)
    assert r.f_statistic == pytest.approx(ref["F"], rel=1e-12)
    assert (r.df1, r.df2) == (ref["df1"], ref["df2"])
    assert r.p_value == pytest.approx(ref["p"], rel=1e-9)


@pytest.mark.parametrize(("level", "key"), [(0.95, "ci95"), (0.90, "ci90")])
def test_unbalanced_matches_aov_by_hand(level: float, key: str) -> None:
    ref = DATA["icc_unbalanced"]  # summary(aov(y ~ interviewer)), n0 formula, qf
    labels = np.array(ref["interviewer"])
    _, g = np.unique(labels, return_inverse=True)
    r = one_way_icc(np.array(ref["scores"]), g, 7, level)
    assert r.msb == pytest.approx(ref["msb"], rel=1e-12)
    assert r.msw == pytest.approx(ref["msw"], rel=1e-12)
    assert r.n0 == pytest.approx(ref["n0"], rel=1e-12)
    assert r.icc == pytest.approx(ref["icc"], abs=1e-12)
    assert (r.low, r.high) == pytest.approx(tuple(ref[key]), abs=1e-12)
    assert r.p_value == pytest.approx(ref["p"], rel=1e-9)


def test_screen_icc_is_the_icc_of_respondent_means() -> None:
    rng = np.random.default_rng(4)
    staff = np.repeat(["A", "B", "C", "D", "E"], [12, 30, 9, 25, 24])
    shift = {"A": 0.0, "B": 0.3, "C": -0.2, "D": 0.5, "E": 0.1}
    lat = 2.8 + np.array([shift[s] for s in staff])[:, None] + rng.normal(0, 0.7, (100, 9))
    answers = np.clip(np.round(lat), 1, 4)
    answers[3, 4] = np.nan  # a skipped element: the mean is over answered elements
    r = sq.Responses.from_arrays(answers, sq.instruments.SKM_2017, attributes={"staff": staff})
    s = sq.screen(r, interviewer="staff", level=0.90)
    _, g = np.unique(staff, return_inverse=True)
    ref = one_way_icc(np.nanmean(answers, axis=1), g, 5, 0.90)
    icc = s.interviewer_effect.icc
    assert icc.value == pytest.approx(ref.icc, rel=1e-12)
    assert (icc.ci.low, icc.ci.high) == pytest.approx((ref.low, ref.high), rel=1e-12)
    assert icc.ci.level == 0.90
    assert s.interviewer_effect.p_value == pytest.approx(ref.p_value, rel=1e-12)
