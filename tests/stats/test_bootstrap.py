"""Bootstrap of totals: exact resampling distribution, intervals, seeds, validation.

Independent facts checked: the exact distribution of resampled totals (enumerated by
hand on tiny samples), the bootstrap covariance ``n_h Σ̂_h`` of with-replacement sums, the
linearization t interval of a mean (explicit formula ``ȳ ± t s/√n``), and the jackknife
acceleration written as a plain loop over left-out rows (Efron 1987).
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from servqual.errors import (
    DegenerateDataWarning,
    DesignError,
    ParameterError,
    ServqualTypeError,
    ValidationError,
)
from servqual.stats import bootstrap as bt
from servqual.stats import bootstrap_ci as ci
from servqual.stats import resample as rs


def _ratio(t: np.ndarray) -> np.ndarray:
    return t[:, 0] / t[:, 1]


def _sum0(t: np.ndarray) -> np.ndarray:
    return t[:, 0]


# --- the resampling distribution ---------------------------------------------------------


def _exact_pmf(rows: list[float]) -> dict[float, float]:
    """Distribution of the sum of n draws with replacement from n rows, by enumeration."""
    n = len(rows)
    counts = Counter(sum(rows[i] for i in idx) for idx in itertools.product(range(n), repeat=n))
    return {k: v / n**n for k, v in counts.items()}


@pytest.mark.parametrize(
    "common",
    [
        8,  # default: tiny stratum, every vector rare (index resampling of rare rows)
        1,  # every vector common: all counts from one multinomial draw per resample
        2,  # common [1] and [3], rare [2], [4], [5]: both paths in one stratum
        10**9,  # every vector rare: pure index resampling through bincount
    ],
)
def test_resampled_totals_have_the_exact_distribution(
    monkeypatch: pytest.MonkeyPatch, common: int
) -> None:
    # exact pmf of Σ of 6 draws from the rows, enumerated over all 6⁶ index tuples
    monkeypatch.setattr(rs, "_COMMON", common)
    rows = [1.0, 1.0, 3.0, 3.0, 4.0, 2.0]
    b = 30_000
    parts = rs.patterns_by_stratum(np.array(rows)[:, None], np.zeros(6, dtype=np.intp))
    totals = rs.resample_totals(parts, b, np.random.default_rng(11))[:, 0]
    observed = Counter(totals.tolist())
    for value, p in _exact_pmf(rows).items():
        tol = 4.5 * math.sqrt(p * (1 - p) / b) + 1e-9  # binomial Monte Carlo error
        assert abs(observed.get(value, 0) / b - p) < tol, (value, p)
    assert set(observed) <= set(_exact_pmf(rows))


def test_stratified_totals_match_row_resampling_moments() -> None:
    # Row resampling within strata: E T* = T, Cov T* = Σ_h n_h Σ̂_h (Σ̂_h with divisor n_h).
    rng = np.random.default_rng(5)
    n = 400
    v = np.column_stack(
        [rng.integers(1, 5, n), rng.integers(0, 2, n), rng.choice([0.5, 2.0], n)]
    ).astype(float)
    v[:150] = [4.0, 1.0, 2.0]  # one common vector next to rare ones
    codes = np.repeat([0, 1, 2], [100, 180, 120])
    b = 20_000
    totals = rs.resample_totals(rs.patterns_by_stratum(v, codes), b, np.random.default_rng(1))
    cov = sum(np.sum(codes == h) * np.cov(v[codes == h].T, ddof=0) for h in range(3))
    sd = np.sqrt(np.diag(cov))
    np.testing.assert_allclose(totals.mean(axis=0), v.sum(axis=0), atol=float(5 * sd.max() / 141))
    np.testing.assert_allclose(np.cov(totals.T), cov, atol=0.06 * float(sd.max()) ** 2)

    # plain row resampling (the slow, obvious implementation) agrees too
    g = np.random.default_rng(2)
    plain = sum(
        v[codes == h][g.integers(0, int(np.sum(codes == h)), (4000, int(np.sum(codes == h))))].sum(
            axis=1
        )
        for h in range(3)
    )
    np.testing.assert_allclose(np.var(plain, axis=0), np.var(totals, axis=0), rtol=0.1)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 1), st.integers(-3, 3)),
        min_size=1,
        max_size=200,
    )
)
def test_distinct_rows_reconstructs_the_rows(rows: list[tuple[int, int, int]]) -> None:
    v = np.array(rows, dtype=float)
    patterns, counts = rs.distinct_rows(v)
    expected = Counter(map(tuple, v.tolist()))
    assert dict(zip(map(tuple, patterns.tolist()), counts.tolist(), strict=True)) == expected


def test_distinct_rows_falls_back_on_a_key_collision(monkeypatch: pytest.MonkeyPatch) -> None:
    # coefficients (1, 1): rows (1, 2) and (2, 1) share a key but differ
    monkeypatch.setattr(rs, "_HASH_COEF", np.ones(2))
    monkeypatch.setattr(rs, "_small_integer_rows", lambda v, counts: None)  # the hash path
    patterns, counts = rs.distinct_rows([[1, 2], [2, 1], [1, 2]])
    assert patterns.tolist() == [[1.0, 2.0], [2.0, 1.0]]
    assert counts.tolist() == [2, 1]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    m=st.integers(1, 4),
    spread=st.sampled_from([1.0, 3.0, 1e6]),
    fraction=st.booleans(),
    weighted=st.booleans(),
)
def test_counting_and_hashing_paths_equal_numpy_unique(
    seed: int, n: int, m: int, spread: float, fraction: bool, weighted: bool
) -> None:
    # the slow, obvious reference: numpy.unique(axis=0) and a bincount of its inverse
    rng = np.random.default_rng(seed)
    v = np.floor(rng.uniform(-spread, spread, size=(n, m)))
    if fraction:
        v[rng.integers(0, n)] += 0.5  # one non-integer value: the hashing path
    counts = rng.integers(1, 4, size=n) if weighted else None
    ref, inverse = np.unique(v, axis=0, return_inverse=True)
    ref_counts = np.bincount(inverse.reshape(-1), weights=counts).astype(int)
    patterns, got = rs.distinct_rows(v, counts)
    order = np.lexsort(patterns.T[::-1])
    np.testing.assert_array_equal(patterns[order], ref)
    np.testing.assert_array_equal(got[order], ref_counts)


def test_every_resample_keeps_the_stratum_sizes() -> None:
    # a column of ones totals n_h in every resample of stratum h (counts sum to n_h)
    codes = np.repeat([0, 1], [1000, 37])
    v = np.column_stack([np.ones(1037), codes, np.arange(1037) % 3])
    totals = rs.resample_totals(rs.patterns_by_stratum(v, codes), 300, np.random.default_rng(0))
    assert np.all(totals[:, 0] == 1037)
    assert np.all(totals[:, 1] == 37)


# --- seeds and results ---------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), method=st.sampled_from(["percentile", "bca"]))
def test_same_seed_same_result(seed: int, method: str) -> None:
    y = np.arange(50) % 4 + 1.0
    v = np.column_stack([y, np.ones(50)])
    kwargs = {"statistic": _ratio, "n_resamples": 200, "method": method}
    a = bt.bootstrap_totals(v, seed=seed, **kwargs)  # type: ignore[arg-type]
    b = bt.bootstrap_totals(v, seed=np.random.default_rng(seed), **kwargs)  # type: ignore[arg-type]
    assert np.array_equal(a.replicates, b.replicates)
    assert (a.low, a.high, a.se) == (b.low, b.high, b.se)


def test_generator_state_advances() -> None:
    rng = np.random.default_rng(3)
    v = np.column_stack([np.arange(30) % 4.0, np.ones(30)])
    first = bt.bootstrap_totals(v, statistic=_ratio, n_resamples=50, seed=rng)
    second = bt.bootstrap_totals(v, statistic=_ratio, n_resamples=50, seed=rng)
    assert not np.array_equal(first.replicates, second.replicates)


@settings(max_examples=20, deadline=None)
@given(
    half=st.lists(st.integers(1, 4), min_size=3, max_size=40),
    seed=st.integers(0, 1000),
)
def test_percentile_interval_contains_the_point_for_symmetric_data(
    half: list[int], seed: int
) -> None:
    # data symmetric about its mean: the bootstrap distribution of the mean is symmetric
    y = np.array(half + [5 - a for a in half], dtype=float)
    res = bt.bootstrap_mean(y, n_resamples=400, seed=seed)
    assert res.value == pytest.approx(2.5)
    assert res.low <= res.value <= res.high


@settings(max_examples=20, deadline=None)
@given(level=st.floats(0.5, 0.95), seed=st.integers(0, 100))
def test_intervals_nest_as_the_level_grows(level: float, seed: int) -> None:
    y = np.arange(40) % 4 + 1.0
    lo = bt.bootstrap_mean(y, level=level, n_resamples=300, seed=seed)
    hi = bt.bootstrap_mean(y, level=level + 0.04, n_resamples=300, seed=seed)
    assert hi.low <= lo.low <= lo.high <= hi.high


def test_percentile_agrees_with_linearization_on_a_large_srs() -> None:
    # n = 20,000 Likert answers; linearization: ȳ ± t_{0.975, n-1} s/√n (R: svymean + confint
    # with df = degf). Monte Carlo sd of a 2.5% bootstrap quantile with B = 2000 is about
    # √(.025·.975/B)/φ(1.96)·se ≈ 0.06 se; the tolerance is 0.25 se (about 4 sd).
    rng = np.random.default_rng(2024)
    y = rng.choice([1.0, 2.0, 3.0, 4.0], size=20_000, p=[0.05, 0.15, 0.5, 0.3])
    res = bt.bootstrap_mean(y, n_resamples=2000, seed=7)
    se = y.std(ddof=1) / math.sqrt(y.size)
    q = stats.t.ppf(0.975, y.size - 1)
    assert res.value == pytest.approx(y.mean(), rel=1e-12)
    assert res.se == pytest.approx(se, rel=0.1)  # sd of B = 2000 replicates: ±1.6% per sd
    assert res.low == pytest.approx(y.mean() - q * se, abs=0.25 * se)
    assert res.high == pytest.approx(y.mean() + q * se, abs=0.25 * se)


def test_stratified_mean_agrees_with_linearization() -> None:
    # Stratified mean Σ W_h ȳ_h; se² = Σ W_h² s_h²/n_h (R: svymean on svydesign(strata=)),
    # times (n_h - 1)/n_h for the naive bootstrap, which is within the tolerance here.
    rng = np.random.default_rng(8)
    sizes = np.array([3000, 1500, 500])
    codes = np.repeat(np.arange(3), sizes)
    y = np.concatenate([rng.choice([2.0, 3, 4], s, p=[0.2, 0.5, 0.3]) for s in sizes])
    w = np.repeat([2.0, 6.0, 10.0], sizes)
    res = bt.bootstrap_mean(y, strata=codes, weights=w, n_resamples=2000, seed=1)
    share = np.bincount(codes, weights=w) / w.sum()  # W_h = N_h / N
    var = sum(share[h] ** 2 * y[codes == h].var(ddof=1) / sizes[h] for h in range(3))
    assert res.value == pytest.approx(np.dot(w, y) / w.sum(), rel=1e-12)
    assert res.se == pytest.approx(math.sqrt(var), rel=0.1)


# --- BCa -------------------------------------------------------------------------------------


def _loop_acceleration(v: np.ndarray, codes: np.ndarray, statistic: object) -> float:
    """Efron's jackknife acceleration, one left-out row at a time, per stratum."""
    total = v.sum(axis=0)
    num = den = 0.0
    for h in np.unique(codes):
        rows = np.flatnonzero(codes == h)
        n_h = rows.size
        theta = np.array([statistic((total - v[i])[None, :])[0] for i in rows])  # type: ignore[operator]
        infl = (n_h - 1) * (theta.mean() - theta)
        num += float(np.sum(infl**3)) / n_h**3
        den += float(np.sum(infl**2)) / n_h**2
    return num / (6 * den**1.5)


def test_acceleration_equals_the_row_by_row_jackknife() -> None:
    rng = np.random.default_rng(4)
    n = 90
    v = np.column_stack([rng.choice([1.0, 1, 1, 2, 4], n), rng.choice([1.0, 2.0], n)])
    for codes in (np.zeros(n, dtype=np.intp), np.repeat([0, 1, 2], 30)):
        parts = rs.patterns_by_stratum(v, codes)
        a = ci.acceleration(_ratio, parts, v.sum(axis=0))
        assert a == pytest.approx(_loop_acceleration(v, codes, _ratio), rel=1e-9)


def test_bca_moves_the_interval_of_a_right_skewed_mean_upwards() -> None:
    # Mean of right-skewed answers: acceleration and bias correction are positive, so BCa
    # reads higher quantiles than the percentile method (Efron & Tibshirani 1993, ch. 14).
    y = np.array([1.0] * 40 + [2.0] * 10 + [4.0] * 6 + [9.0] * 4)
    v = np.column_stack([y, np.ones_like(y)])
    assert ci.acceleration(_ratio, rs.patterns_by_stratum(v, np.zeros(60, np.intp)), v.sum(0)) > 0
    perc = bt.bootstrap_mean(y, n_resamples=4000, seed=5)
    bca = bt.bootstrap_mean(y, n_resamples=4000, seed=5, method="bca")
    assert np.array_equal(perc.replicates, bca.replicates)
    assert bca.low > perc.low
    assert bca.high > perc.high


def test_bca_agrees_with_scipy() -> None:
    # scipy.stats.bootstrap(method="BCa") on the same data; both are Monte Carlo estimates
    # (B = 4000 each), so they agree within a fraction of the standard error.
    y = np.array([1.0] * 40 + [2.0] * 10 + [4.0] * 6 + [9.0] * 4 + [3.0] * 13)
    ours = bt.bootstrap_mean(y, n_resamples=4000, seed=5, method="bca")
    ref = stats.bootstrap((y,), np.mean, n_resamples=4000, method="BCa", rng=6)
    tol = 0.15 * ours.se
    assert ours.low == pytest.approx(ref.confidence_interval.low, abs=tol)
    assert ours.high == pytest.approx(ref.confidence_interval.high, abs=tol)


def test_bca_is_nan_with_a_warning_when_every_replicate_is_on_one_side() -> None:
    # statistic above every replicate: z0 = Φ⁻¹(1) is infinite
    v = np.column_stack([np.arange(10.0), np.ones(10)])

    def stat(t: np.ndarray) -> np.ndarray:
        return np.where(t[:, 1] == 10, 1e9, 0.0) if t.shape[0] == 1 else t[:, 0]

    with pytest.warns(DegenerateDataWarning, match="BCa interval is undefined"):
        res = bt.bootstrap_totals(v, statistic=stat, n_resamples=50, method="bca", seed=1)
    assert math.isnan(res.low)
    assert math.isnan(res.high)


def test_non_finite_replicates_are_left_out_with_a_warning() -> None:
    # element answered by one respondent of 20: resamples without it give 0/0
    answered = np.zeros(20)
    answered[0] = 1.0
    v = np.column_stack([3.0 * answered, answered])
    with pytest.warns(DegenerateDataWarning, match=r"\d+ of 500 bootstrap replicates are not"):
        res = bt.bootstrap_totals(v, statistic=_ratio, n_resamples=500, seed=2)
    assert res.value == 3.0
    assert (res.low, res.high) == (3.0, 3.0)
    assert np.isnan(res.replicates).any()


def test_constant_data_give_a_zero_width_interval() -> None:
    res = bt.bootstrap_mean(np.full(30, 4.0), n_resamples=100, seed=0, method="bca")
    assert (res.value, res.se, res.low, res.high) == (4.0, 0.0, 4.0, 4.0)


# --- validation ------------------------------------------------------------------------------


def test_errors_name_the_bad_argument() -> None:
    v = np.column_stack([np.arange(6.0), np.ones(6)])
    with pytest.raises(ParameterError, match=r"n_resamples is 0, but a 0.95 interval needs"):
        bt.bootstrap_totals(v, statistic=_ratio, n_resamples=0)
    with pytest.raises(ParameterError, match=r"n_resamples must be an integer, got 2.5"):
        bt.bootstrap_totals(v, statistic=_ratio, n_resamples=2.5)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"level must be in \(0, 1\), got 1.5"):
        bt.bootstrap_totals(v, statistic=_ratio, level=1.5)
    with pytest.raises(ParameterError, match=r"method must be one of \['percentile', 'bca'\]"):
        bt.bootstrap_totals(v, statistic=_ratio, method="BCa")  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match="statistic must be callable"):
        bt.bootstrap_totals(v, statistic=3)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match="seed must be an int or numpy Generator"):
        bt.bootstrap_totals(v, statistic=_ratio, seed="1")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"returned shape \(\)"):
        bt.bootstrap_totals(v, statistic=lambda t: t.sum())
    with pytest.raises(ValidationError, match=r"values must be finite; row 2"):
        bt.bootstrap_totals(np.where(np.arange(6)[:, None] == 2, np.nan, v), statistic=_ratio)
    with pytest.raises(ValidationError, match=r"at least 2 respondents, got 1"):
        bt.bootstrap_totals(v[:1], statistic=_ratio)


def test_strata_errors() -> None:
    v = np.column_stack([np.arange(6.0), np.ones(6)])
    with pytest.raises(
        DesignError, match=r"stratum 7 has 1 respondent\(s\); the bootstrap needs at least 2"
    ):
        bt.bootstrap_totals(v, strata=[1, 1, 1, 2, 2, 7], statistic=_ratio)
    with pytest.raises(ValidationError, match=r"strata must be an integer array of shape \(6,\)"):
        bt.bootstrap_totals(v, strata=["a"] * 6, statistic=_ratio)
    with pytest.raises(
        ValidationError, match=r"weights must be finite and non-negative; row 1 has -1.0"
    ):
        bt.bootstrap_mean([1.0, 2.0, 3.0], weights=[1.0, -1.0, 1.0])


def test_design_mean_uses_weights_and_strata_and_refuses_clusters() -> None:
    import servqual as sq

    data = {"y": [3.0, 4, 3, 2, 4, 3, 3, 4], "s": [1, 1, 1, 1, 2, 2, 2, 2], "w": [1.0] * 8}
    d = sq.Design(data, strata="s", weights="w")
    res = bt.bootstrap_design_mean(d.arrays, d.numeric("y"), n_resamples=200, seed=1)
    same = bt.bootstrap_mean(data["y"], strata=data["s"], n_resamples=200, seed=1)
    assert np.array_equal(res.replicates, same.replicates)
    clustered = sq.Design({**data, "c": [1, 1, 2, 2, 3, 3, 4, 4]}, strata="s", clusters="c")
    with pytest.raises(DesignError, match="this design samples clusters"):
        bt.bootstrap_design_mean(clustered.arrays, clustered.numeric("y"))


def test_a_non_finite_estimate_gives_no_interval_with_a_warning() -> None:
    v = np.column_stack([np.arange(5.0), np.zeros(5)])  # 0/0 and x/0 everywhere
    with (
        pytest.warns(DegenerateDataWarning, match="40 of 40 bootstrap replicates"),
        pytest.warns(DegenerateDataWarning, match="statistic is inf on the full sample"),
    ):
        res = bt.bootstrap_totals(v, statistic=_ratio, n_resamples=40, seed=0)
    assert math.isnan(res.se)
    assert math.isnan(res.low)


def test_counts_equal_repeating_the_rows_whatever_the_number_of_patterns() -> None:
    # 40 integer patterns standing for 3,000 respondents: the counting path is chosen by
    # the respondents (21³ values ≤ 4·3000 + 1024), as for the repeated rows, so an
    # engine's aggregated answer patterns draw the resamples of the rows themselves
    rng = np.random.default_rng(8)
    patterns = np.column_stack([rng.integers(0, 21, 40) for _ in range(3)]).astype(float)
    patterns[:, 0] = 0.0
    patterns[[0, 1], 0] = 20.0  # each column spans 0–20
    freq = rng.multinomial(3000, np.full(40, 1 / 40))
    rows = np.repeat(patterns, freq, axis=0)
    kw = {"statistic": lambda t: t[:, 1] / (1.0 + t[:, 2]), "n_resamples": 200, "seed": 2}
    agg = bt.bootstrap_totals(patterns, counts=freq, **kw)  # type: ignore[arg-type]
    full = bt.bootstrap_totals(rows, **kw)  # type: ignore[arg-type]
    assert np.array_equal(agg.replicates, full.replicates)


def test_counts_equal_repeating_the_rows() -> None:
    # aggregated data (one row per pattern with its frequency) = the repeated rows
    patterns = np.array([[4.0, 1], [3.0, 1], [2.0, 1], [0.0, 0], [1.0, 1]])
    freq = np.array([30, 50, 12, 0, 3])
    strata = np.array([0, 0, 1, 1, 1])
    rows = np.repeat(patterns, freq, axis=0)
    kw = {"statistic": _ratio, "n_resamples": 300, "seed": 4, "method": "bca"}
    agg = bt.bootstrap_totals(patterns, counts=freq, strata=strata, **kw)  # type: ignore[arg-type]
    full = bt.bootstrap_totals(rows, strata=np.repeat(strata, freq), **kw)  # type: ignore[arg-type]
    assert np.array_equal(agg.replicates, full.replicates)
    assert (agg.value, agg.low, agg.high) == (full.value, full.low, full.high)
    with pytest.raises(ValidationError, match=r"counts must be >= 0; row 1 has -1"):
        bt.bootstrap_totals(patterns, counts=[1, -1, 1, 1, 1], statistic=_ratio)
    with pytest.raises(DesignError, match=r"stratum 1 has 0 respondent\(s\)"):
        bt.bootstrap_totals(patterns, counts=[5, 5, 0, 0, 0], strata=strata, statistic=_ratio)


def test_threads_do_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rs, "_BLOCK_CELLS", 64)  # many small blocks of resamples
    rng = np.random.default_rng(9)
    v = np.column_stack([rng.integers(1, 5, 300), rng.integers(0, 2, 300)]).astype(float)
    strata = np.repeat([0, 1], 150)
    kw = {"statistic": _ratio, "strata": strata, "n_resamples": 500, "seed": 3}
    one = bt.bootstrap_totals(v, workers=1, **kw)  # type: ignore[arg-type]
    three = bt.bootstrap_totals(v, workers=3, **kw)  # type: ignore[arg-type]
    assert np.array_equal(one.replicates, three.replicates)
    with pytest.raises(ParameterError, match=r"workers must be an integer >= 1, got 0"):
        bt.bootstrap_totals(v, workers=0, statistic=_ratio)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 300),
    low=st.integers(-3, 3),
    span=st.integers(0, 6),
    method=st.sampled_from(["percentile", "bca"]),
)
def test_mean_of_answers_by_counts_equals_row_resampling(
    seed: int, n: int, low: int, span: int, method: str
) -> None:
    # reference: the general path, every row a row of the (n, 2) totals array
    y = np.random.default_rng(seed).integers(low, low + span, size=n, endpoint=True).astype(float)
    fast = bt.bootstrap_mean(y, seed=seed, n_resamples=200, method=method)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        rows = bt.bootstrap_totals(
            np.column_stack([y, np.ones_like(y)]),
            statistic=_ratio,
            seed=seed,
            n_resamples=200,
            method=method,  # type: ignore[arg-type]
        )
    np.testing.assert_array_equal(fast.replicates, rows.replicates)
    assert (fast.value, fast.low, fast.high) == (rows.value, rows.low, rows.high) or (
        math.isnan(fast.low) and math.isnan(rows.low)
    )
