"""Vectorized screening kernels against slow, obvious loops (hypothesis), and the
interviewer tests against scipy's Welch t test and Holm's adjustment written out
(Holm 1979: the i-th smallest p times m − i + 1, made monotone)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from servqual.screening.interviewer import holm
from servqual.screening.patterns import _longest_runs
from servqual.screening.timing import timing_flags
from servqual.stats.welch import welch_vs_rest


def _slow_runs(row: list[int]) -> int:
    best = cur = 0
    prev = None
    for v in row:
        if v < 0:
            cur, prev = 0, None
            continue
        cur = cur + 1 if v == prev else 1
        prev = v
        best = max(best, cur)
    return best


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 30), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_longest_runs_equal_a_loop(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    codes = rng.integers(-1, 3, size=(n, k)).astype(np.int8)
    assert _longest_runs(codes).tolist() == [_slow_runs(r) for r in codes.tolist()]


def _slow_timing(t, src, min_s, window, size):
    n = len(t)
    speed = [False] * n
    bursts = []
    for s in sorted(set(src)):
        rows = sorted(
            (i for i in range(n) if src[i] == s and not np.isnan(t[i])), key=lambda i: (t[i], i)
        )
        for a, b in itertools.pairwise(rows):
            if t[b] - t[a] < min_s:
                speed[b] = True
        covered = [False] * len(rows)
        for i in range(len(rows) - size + 1):
            if t[rows[i + size - 1]] - t[rows[i]] <= window:
                for j in range(i, i + size):
                    covered[j] = True
        run: list[int] = []
        for j, c in enumerate([*covered, False]):
            if c:
                run.append(rows[j])
            elif run:
                bursts.append(sorted(run))
                run = []
    return speed, sorted(bursts)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 40), st.integers(1, 4), st.integers(2, 5), st.integers(0, 2**32 - 1))
def test_timing_flags_equal_a_loop(n: int, sources: int, size: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.round(rng.uniform(0, 3000, n))
    t[rng.random(n) < 0.1] = np.nan
    src = rng.integers(0, sources, n).astype(str)
    speed, bursts = timing_flags(t, src, min_seconds=60.0, burst_seconds=400.0, burst_size=size)
    ref_speed, ref_bursts = _slow_timing(t, src.tolist(), 60.0, 400.0, size)
    assert speed.tolist() == ref_speed
    assert sorted(bursts) == ref_bursts


def _slow_holm(p: list[float]) -> list[float]:
    m = len(p)
    order = sorted(range(m), key=lambda i: p[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, p[i] * (m - rank)))
        out[i] = running
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=20))
def test_holm_equals_the_written_out_procedure(p: list[float]) -> None:
    np.testing.assert_allclose(holm(np.array(p)), _slow_holm(p), rtol=1e-12)


def test_welch_against_scipy() -> None:
    rng = np.random.default_rng(2)
    groups = rng.integers(0, 4, 90)
    y = rng.normal(3, 0.5, 90) + 0.2 * groups
    _, mean, mean_rest, se, p, df = welch_vs_rest(y, groups, 4, np.ones(4, dtype=bool))
    for g in range(4):
        ref = stats.ttest_ind(y[groups == g], y[groups != g], equal_var=False)
        assert p[g] == pytest.approx(ref.pvalue, rel=1e-10)
        assert (mean[g] - mean_rest[g]) / se[g] == pytest.approx(ref.statistic, rel=1e-10)
        assert df[g] == pytest.approx(ref.df, rel=1e-10)
    # with group 3 out of the reference, group 0 is compared with groups 1 and 2 only
    p2 = welch_vs_rest(y, groups, 4, np.array([True, True, True, False]))[4]
    ref = stats.ttest_ind(y[groups == 0], y[(groups == 1) | (groups == 2)], equal_var=False)
    assert p2[0] == pytest.approx(ref.pvalue, rel=1e-10)
