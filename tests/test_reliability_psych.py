"""Reliability against R psych on psych's bfi agreeableness items A1–A5 (2800 rows, with
missing answers; A1 reverse-keyed): tests/data/screening_r.json, written by
tests/data/screening_r.R (psych::alpha, psych::fa). Item tests against scipy.stats.pearsonr;
the vectorized covariance kernel against a slow pairwise loop (hypothesis)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import servqual as sq
from servqual.errors import InsufficientDataError, ParameterError, ZeroVarianceError
from servqual.stats.alpha import alpha_if_dropped, r_drop
from servqual.stats.item_covariance import item_moments

DATA = json.loads((Path(__file__).parent / "data" / "screening_r.json").read_text())
BFI = DATA["bfi_agreeableness"]


def _bfi_array() -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in BFI["data"]], float)


def _bfi_responses() -> sq.Responses:
    items = [sq.Item(id=i, text=i, reverse=(i == "A1")) for i in BFI["items"]]
    inst = sq.Instrument(
        id="bfi-a", name="Agreeableness", scale=sq.Scale(min=1, max=6), items=items
    )
    return sq.Responses.from_arrays(_bfi_array(), inst)


def test_pairwise_alpha_matches_psych_on_bfi() -> None:
    a = sq.cronbach_alpha(_bfi_responses(), missing="pairwise")
    assert a.value == pytest.approx(BFI["raw_alpha"], abs=1e-8)  # psych raw_alpha
    assert a.se == pytest.approx(BFI["ase"], abs=1e-8)  # psych ase, n = 2800 rows
    assert a.n == BFI["n_rows"]
    assert (a.ci.low, a.ci.high) == pytest.approx(BFI["feldt95"], abs=1e-8)  # psych alpha.ci
    ci90 = a.at_level(0.90).ci
    assert (ci90.low, ci90.high) == pytest.approx(BFI["feldt90"], abs=1e-8)


def test_pairwise_table_matches_psych_on_bfi() -> None:
    t = sq.reliability_table(_bfi_responses(), missing="pairwise")
    assert t.std_alpha == pytest.approx(BFI["std_alpha"], abs=1e-8)  # psych std.alpha
    np.testing.assert_allclose([i.corrected_r for i in t.items], BFI["r_drop"], atol=1e-8)
    np.testing.assert_allclose(
        [i.alpha_if_dropped for i in t.items], BFI["alpha_if_dropped"], atol=1e-8
    )
    np.testing.assert_allclose(
        [i.std_alpha_if_dropped for i in t.items], BFI["std_alpha_if_dropped"], atol=1e-8
    )
    assert [i.n for i in t.items] == BFI["n_answered"]  # psych item.stats$n
    assert [i.id for i in t.items] == BFI["items"]
    # psych::fa(fm = "minres") stops at its optimizer's tolerance (~1e-7 here)
    np.testing.assert_allclose(t.loadings, BFI["loadings_minres"], atol=1e-6)
    lam = np.array(BFI["loadings_minres"])
    omega = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum())  # McDonald on psych's λ
    assert t.omega_total == pytest.approx(omega, abs=1e-6)


def test_listwise_matches_psych_on_complete_rows() -> None:
    ref = DATA["bfi_agreeableness_listwise"]  # psych::alpha(complete rows)
    a = sq.cronbach_alpha(_bfi_responses())
    assert a.n == ref["n"]
    assert a.value == pytest.approx(ref["raw_alpha"], abs=1e-10)
    assert a.se == pytest.approx(ref["ase"], abs=1e-10)
    items = sq.item_total_correlations(_bfi_responses())
    np.testing.assert_allclose([i.corrected_r for i in items], ref["r_drop"], atol=1e-10)
    np.testing.assert_allclose(
        [i.alpha_if_dropped for i in items], ref["alpha_if_dropped"], atol=1e-10
    )


def test_numeric_fast_path_equals_the_object_path() -> None:
    x = _bfi_array()
    x[:, 0] = 7 - x[:, 0]
    as_objects = [[None if math.isnan(v) else int(v) for v in row] for row in x.tolist()]
    for missing in ("listwise", "pairwise"):
        fast = sq.cronbach_alpha(x, missing=missing)
        slow = sq.cronbach_alpha(as_objects, missing=missing)
        assert fast.value == pytest.approx(slow.value, rel=1e-13)
        assert fast.value == pytest.approx(
            sq.cronbach_alpha(x.astype(np.float32), missing=missing).value, rel=1e-12
        )


def test_item_tests_match_scipy_pearsonr() -> None:
    rng = np.random.default_rng(7)
    latent = rng.normal(size=(60, 1))
    x = np.clip(np.round(3 + latent + rng.normal(scale=0.9, size=(60, 5))), 1, 5)
    items = sq.item_total_correlations(x, level=0.90)
    for j, item in enumerate(items):
        rest = x.sum(axis=1) - x[:, j]
        ref = stats.pearsonr(x[:, j], rest)  # scipy: r, p, Fisher z interval
        assert item.corrected_r == pytest.approx(ref.statistic, rel=1e-10)
        assert item.p_value == pytest.approx(ref.pvalue, rel=1e-8)
        ci = ref.confidence_interval(confidence_level=0.90)
        assert (item.ci.low, item.ci.high) == pytest.approx((ci.low, ci.high), rel=1e-10)
        t = stats.t.ppf(0.95, 58)  # r table: n = 60, 10% two-sided
        assert item.critical_r == pytest.approx(t / math.sqrt(58 + t * t), rel=1e-12)
        assert item.valid == (item.corrected_r > item.critical_r)


def test_critical_r_is_the_published_r_table() -> None:
    # r tabel product moment, 5% two-sided: n = 30 -> 0.361, n = 100 -> 0.197 (df = n - 2)
    rng = np.random.default_rng(3)
    for n, printed in ((30, 0.361), (100, 0.197)):
        x = rng.integers(1, 5, size=(n, 4)).astype(float)
        assert round(sq.item_total_correlations(x)[0].critical_r, 3) == printed


def _slow_pairwise_cov(x: np.ndarray) -> np.ndarray:
    k = x.shape[1]
    out = np.full((k, k), np.nan)
    for a in range(k):
        for b in range(k):
            rows = ~np.isnan(x[:, a]) & ~np.isnan(x[:, b])
            if rows.sum() >= 2:
                out[a, b] = np.cov(x[rows, a], x[rows, b], ddof=1)[0, 1]
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.integers(3, 40),
    st.integers(2, 6),
    st.floats(0.0, 0.4),
    st.integers(0, 2**32 - 1),
)
def test_pairwise_kernel_equals_a_slow_loop(n: int, k: int, share: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 6, size=(n, k)).astype(float)
    x[rng.random((n, k)) < share] = np.nan
    m = item_moments(x, "pairwise")
    np.testing.assert_allclose(m.cov, _slow_pairwise_cov(x), rtol=1e-9, atol=1e-12)
    complete = x[~np.isnan(x).any(axis=1)]
    if complete.shape[0] >= 2:
        lw = item_moments(x, "listwise")
        np.testing.assert_allclose(lw.cov, np.cov(complete, rowvar=False), rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(5, 30), st.integers(3, 6), st.integers(0, 2**32 - 1))
def test_closed_forms_equal_explicit_deletion(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, k)) + rng.normal(size=(n, 1))
    cov = np.cov(x, rowvar=False)
    for j in range(k):
        rest = np.delete(x, j, axis=1)
        c = np.cov(rest, rowvar=False)
        explicit = (k - 1) / (k - 2) * (1 - np.trace(c) / c.sum())
        assert alpha_if_dropped(cov)[j] == pytest.approx(explicit, rel=1e-9, abs=1e-12)
        r = np.corrcoef(x[:, j], rest.sum(axis=1))[0, 1]
        assert r_drop(cov)[j] == pytest.approx(r, rel=1e-9, abs=1e-12)


def test_zero_variance_is_one_named_error_everywhere() -> None:
    rows = [[3, 4, 2], [3, 2, 4], [3, 4, 3], [3, 1, 2]]
    for fn in (sq.cronbach_alpha, sq.item_total_correlations, sq.reliability_table):
        with pytest.raises(
            ZeroVarianceError,
            match=r"item 'V1' has zero variance \(every answer is 3 over 4 rows\)",
        ):
            fn(rows)
        with pytest.raises(ZeroVarianceError, match="item 'V1'"):
            fn(rows, missing="pairwise")


def test_pairwise_errors_name_the_pair() -> None:
    rows = [[1, None, 2], [2, None, 3], [None, 3, 1], [4, 1, 2]]
    with pytest.raises(
        InsufficientDataError, match="items 'V1' and 'V2' were answered together by 1"
    ):
        sq.cronbach_alpha(rows, missing="pairwise")
    with pytest.raises(ParameterError, match=r"missing must be one of \['listwise', 'pairwise'\]"):
        sq.cronbach_alpha(rows, missing="available")
    with pytest.raises(ParameterError, match="method must be one of"):
        sq.cronbach_alpha(rows, method="wald")
    with pytest.raises(sq.errors.ServqualTypeError, match="item 'V2' in row 1 is inf"):
        sq.cronbach_alpha([[1, 2], [2, float("inf")], [3, 3]])


def test_bootstrap_interval_is_seeded_and_covers_alpha() -> None:
    x = np.clip(np.round(_bfi_array()[:400]), 1, 6)
    x[:, 0] = 7 - x[:, 0]
    a = sq.cronbach_alpha(x, method="bootstrap", seed=11, n_resamples=400, missing="pairwise")
    b = sq.cronbach_alpha(x, method="bootstrap", seed=11, n_resamples=400, missing="pairwise")
    assert a == b
    assert a.ci.method == "bootstrap"
    feldt = sq.cronbach_alpha(x, missing="pairwise")
    assert a.value == feldt.value
    # percentile interval and Feldt agree to within sampling noise of 400 resamples
    assert a.ci.low == pytest.approx(feldt.ci.low, abs=0.03)
    assert a.ci.high == pytest.approx(feldt.ci.high, abs=0.03)
    assert a.se == pytest.approx(feldt.se, rel=0.25)
    with pytest.raises(ParameterError, match="cannot be recomputed"):
        a.at_level(0.9)
    with pytest.raises(ParameterError, match="n_resamples must be an integer"):
        sq.cronbach_alpha(x, method="bootstrap", n_resamples=1)


def test_heywood_case_warns_and_bounds_the_communality() -> None:
    rng = np.random.default_rng(1755)
    x = np.round(3 + rng.normal(size=(26, 1)) + rng.normal(size=(26, 3)))
    with pytest.warns(sq.errors.DegenerateDataWarning, match="Heywood case"):
        t = sq.reliability_table(x)
    assert max(t.loadings) ** 2 == pytest.approx(0.995)
    assert 0 < t.omega_total < 1
