"""Intervals never leave the range of their estimate (servqual.stats.intervals).

Property tests: ``clip_to_bounds`` against its obvious definition (the intersection of
two closed intervals, widened to hold the estimate), and the indices' intervals on small
random samples: inside the range, around the estimate, and untouched when already inside
(so R's ordinary intervals do not move).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.stats.intervals import clip_columns, clip_to_bounds, recompute_interval

finite = st.floats(-1e6, 1e6)


def _slow_clip(
    low: float, high: float, value: float, bounds: tuple[float, float]
) -> tuple[float, float]:
    lo, hi = min(bounds[0], value), max(bounds[1], value)
    return (sorted([lo, low, hi])[1], sorted([lo, high, hi])[1])


@given(a=finite, b=finite, value=finite, r=st.tuples(finite, finite))
def test_clip_matches_the_obvious_definition(
    a: float, b: float, value: float, r: tuple[float, float]
) -> None:
    low, high = min(a, b), max(a, b)
    bounds = (min(r), max(r))
    assert clip_to_bounds(low, high, value, bounds) == _slow_clip(low, high, value, bounds)


maybe_nan = st.one_of(finite, st.just(math.nan), st.just(-0.0), st.just(0.0))


@given(
    rows=st.lists(st.tuples(maybe_nan, maybe_nan, maybe_nan), max_size=20),
    r=st.tuples(finite, finite),
)
def test_clip_columns_equals_clip_to_bounds_row_by_row(
    rows: list[tuple[float, float, float]], r: tuple[float, float]
) -> None:
    # the vectorised cut of many domains against the one-estimate cut, NaN and signed zeros
    bounds = (min(r), max(r))
    low, high, value = np.array(rows, dtype=np.float64).reshape(-1, 3).T
    cut_low, cut_high = clip_columns(low, high, value, bounds)
    expected = [clip_to_bounds(lo, hi, v, bounds) for lo, hi, v in rows]
    got = list(zip(cut_low.tolist(), cut_high.tolist(), strict=True))
    assert [tuple(map(repr, pair)) for pair in got] == [tuple(map(repr, pair)) for pair in expected]


@given(value=finite, half=st.floats(0, 1e6), r=st.tuples(finite, finite))
def test_clipped_interval_is_in_range_and_holds_the_estimate(
    value: float, half: float, r: tuple[float, float]
) -> None:
    lo, hi = min(r), max(r)
    if not lo <= value <= hi:
        return
    low, high = clip_to_bounds(value - half, value + half, value, (lo, hi))
    assert lo <= low <= value <= high <= hi


def test_nan_interval_stays_nan_and_no_bounds_is_identity() -> None:
    low, high = clip_to_bounds(math.nan, math.nan, 1.0, (0.0, 2.0))
    assert math.isnan(low)
    assert math.isnan(high)
    assert clip_to_bounds(-5.0, 5.0, 0.0, None) == (-5.0, 5.0)


def test_recompute_keeps_the_range() -> None:
    low, high = recompute_interval("t", 99.0, 5.0, 3.0, 4, 0.99, (25.0, 100.0))
    assert high == 100.0
    assert low < 99.0


@given(
    codes=st.lists(st.lists(st.integers(1, 4), min_size=9, max_size=9), min_size=2, max_size=6),
    level=st.sampled_from([0.5, 0.9, 0.95, 0.99, 0.9999999]),
)
@settings(max_examples=60, deadline=None)
def test_skm_interval_of_small_samples_stays_in_25_to_100(
    codes: list[list[int]], level: float
) -> None:
    r = sq.Responses.from_arrays(codes, sq.instruments.SKM_2017)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.errors.DegenerateDataWarning)
        index = sq.skm_index(r, level=level).index
    assert 25.0 <= index.ci.low <= index.value <= index.ci.high <= 100.0
    again = index.at_level(0.999)
    assert 25.0 <= again.ci.low <= again.value <= again.ci.high <= 100.0


@given(
    scores=st.lists(st.integers(1, 5), min_size=2, max_size=8),
    level=st.sampled_from([0.8, 0.95, 0.999]),
)
@settings(max_examples=60, deadline=None)
def test_scale_means_stay_on_the_scale(scores: list[int], level: float) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sq.errors.DegenerateDataWarning)
        est = sq.csat(scores, level=level).mean
    assert 1.0 <= est.ci.low <= est.value <= est.ci.high <= 5.0


def test_ordinary_intervals_are_not_cut() -> None:
    # 200 respondents: the symmetric t interval is far inside 1–5 and stays symmetric
    scores = np.random.default_rng(2).integers(2, 6, 200).tolist()
    est = sq.csat(scores).mean
    assert est.ci.high - est.value == pytest.approx(est.value - est.ci.low, rel=1e-12)
    assert est.ci.low > 1.0
    assert est.ci.high < 5.0
