"""Invariants of the numeric core (hypothesis).

- chunked reduce + merge equals one pass, for stratified and clustered designs, with
  clusters split across chunks and chunks that see only some strata;
- scaling all weights by a constant changes no mean and no proportion (value, SE, interval);
- every interval method nests as the level grows.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DegenerateDataWarning
from servqual.stats import covariance, finalize, merge, reduce, svy_proportion_interval
from servqual.stats.intervals import symmetric_interval


@st.composite
def _design(draw: st.DrawFn) -> dict[str, Any]:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n_strata = draw(st.integers(1, 4))
    psu_per = rng.integers(2, 5, n_strata)
    rows_per = [rng.integers(1, 5, k) for k in psu_per]
    strata = np.concatenate([np.full(r.sum(), h) for h, r in enumerate(rows_per)])
    psu = np.concatenate([np.repeat(np.arange(len(r)), r) for r in rows_per])
    n = strata.shape[0]
    return {
        "seed": seed,
        "strata": strata,
        "psu": psu,
        "w": rng.uniform(0.5, 5.0, n),
        "y": rng.normal(size=(n, 2)),
        "pop": psu_per + rng.integers(0, 10, n_strata),
        "clustered": draw(st.booleans()),
        "chunks": draw(st.integers(2, 4)),
    }


def _summary(d: dict[str, Any], rows: np.ndarray) -> Any:
    """Reduce some rows, with labels local to the chunk (as an engine partition would)."""
    s_labels, s_codes = np.unique(d["strata"][rows], return_inverse=True)
    pop = d["pop"][s_labels].astype(float)
    kwargs: dict[str, Any] = {}
    if d["clustered"]:
        keys = list(zip(d["strata"][rows].tolist(), d["psu"][rows].tolist(), strict=True))
        uniq = sorted(set(keys))
        index = {k: i for i, k in enumerate(uniq)}
        kwargs = {
            "psu_codes": np.array([index[k] for k in keys], dtype=np.intp),
            "psu_keys": uniq,
        }
    return reduce(
        d["y"][rows],
        weights=d["w"][rows],
        stratum_codes=s_codes.astype(np.intp).reshape(-1),
        strata=[int(s) for s in s_labels],
        pop=pop,
        **kwargs,
    )


def _cov(summary: Any) -> np.ndarray:
    # a sum over strata: the order in which chunks met the strata does not matter
    return covariance(finalize(summary), lonely_psu="fail")


@settings(max_examples=60, deadline=None)
@given(_design())
def test_chunked_reduce_and_merge_equals_one_pass(d: dict[str, Any]) -> None:
    n = d["strata"].shape[0]
    whole = _summary(d, np.arange(n))
    rng = np.random.default_rng(d["seed"])
    parts = np.array_split(rng.permutation(n), d["chunks"])  # clusters split over chunks
    merged = _summary(d, np.sort(parts[0]))
    for part in parts[1:]:
        merged = merge(merged, _summary(d, np.sort(part)))
    assert merged.n_rows == whole.n_rows
    np.testing.assert_allclose(finalize(merged).totals, finalize(whole).totals, rtol=1e-12)
    np.testing.assert_allclose(_cov(merged), _cov(whole), rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(_design(), st.floats(1e-3, 1e3))
def test_scaling_weights_changes_no_mean_or_proportion(d: dict[str, Any], c: float) -> None:
    data = {
        "y": d["y"][:, 0],
        "ok": d["y"][:, 1] > 0,
        "w": d["w"],
        "s": d["strata"],
        "p": d["psu"],
    }
    clusters = "p" if d["clustered"] else None
    base = sq.Design(data, weights="w", strata="s", clusters=clusters)
    scaled = sq.Design(dict(data, w=d["w"] * c), weights="w", strata="s", clusters=clusters)
    for get in (
        lambda x: x.mean("y"),
        lambda x: x.proportion("ok", True, method="mean"),
    ):
        with warnings.catch_warnings():  # a share of 0 or 1 warns the same on both
            warnings.simplefilter("ignore", DegenerateDataWarning)
            a, b = get(base), get(scaled)
        assert b.value == pytest.approx(a.value, rel=1e-9, abs=1e-12)
        assert b.se == pytest.approx(a.se, rel=1e-9, abs=1e-12)
        assert b.ci.low == pytest.approx(a.ci.low, rel=1e-9, abs=1e-12)
        assert b.ci.high == pytest.approx(a.ci.high, rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["t", "normal", "logit", "xlogit", "asin", "beta", "wilson", "mean"]),
    st.floats(0.01, 0.99),
    st.floats(1e-4, 0.3),
    st.one_of(st.none(), st.floats(1, 300)),
    st.integers(2, 500),
    st.floats(0.5, 0.98),
    st.floats(0.001, 0.019),
)
def test_intervals_nest_as_the_level_grows(
    method: str, p: float, se: float, df: float | None, n: int, level: float, step: float
) -> None:
    # Korn-Graubard scales n_eff by (t_{n-1} / t_df)²: it nests when df <= n - 1, which a
    # design always has (PSUs minus strata <= rows - 1).
    assume(method != "beta" or (df is not None and df <= n - 1))
    higher = level + step
    if method in ("t", "normal"):
        lo1, hi1 = symmetric_interval(p, se, None if method == "normal" else df, level)
        lo2, hi2 = symmetric_interval(p, se, None if method == "normal" else df, higher)
    else:
        l1, h1 = svy_proportion_interval(p, se, df, n, level, method)
        l2, h2 = svy_proportion_interval(p, se, df, n, higher, method)
        lo1, hi1, lo2, hi2 = float(l1[0]), float(h1[0]), float(l2[0]), float(h2[0])
    assert lo2 <= lo1 + 1e-12
    assert hi2 >= hi1 - 1e-12
    assert lo1 <= hi1
