"""The fast construction and whole-sample paths of ``Design`` against the general ones.

Each property draws a small random design (hypothesis): strata with one PSU under every
``lonely_psu`` policy, clusters nested in strata or not, weights with zeros, fpc, missing
values under each ``na`` policy, labels as integers, floats, strings and pandas
categoricals. It checks that

- the whole-design ``mean``/``total``/``ratio`` (:mod:`servqual.design._whole`) gives
  the estimate of the general domain path (the same function with the fast path turned
  off), or the same error, or the same warnings;
- ``build_arrays`` (:mod:`servqual.design._assemble`: kept row counts, clusters coded
  as PSUs when they nest) gives the arrays of the plain ``numpy.unique`` construction;

and pins the errors of the one-reduction checks (weights, fpc, analysed values, labels):
a fast path must not skip a check.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
import servqual.design._build as design_build
import servqual.design._front as front
from servqual.errors import DesignError, ServqualError, ValidationError
from servqual.stats import DesignArrays

_POLICIES = ["fail", "adjust", "adjust_zero", "remove", "certainty", "average"]


_LABELS = ["code", "int", "wide", "float", "str", "cat"]


def _labels(codes: np.ndarray[Any, Any], kind: str) -> Any:
    if kind == "code":  # already 0 … k-1 (the column itself is the code)
        return codes
    if kind == "wide":  # too wide a range to count
        return codes * 10**12 - 5
    if kind == "int":
        return codes * 3 + 7
    if kind == "float":
        return codes.astype(np.float64) / 2.0
    if kind == "str":
        return np.array([f"u{c:02d}" for c in codes])
    return pd.Categorical([f"c{c}" for c in codes])


@st.composite
def _designs(draw: st.DrawFn) -> dict[str, Any]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 40))
    n_strata = draw(st.integers(1, 4))
    s = rng.integers(0, n_strata, n)
    data: dict[str, Any] = {
        "y": np.round(rng.normal(3.0, 1.0, n), 2),
        "x": rng.uniform(0.5, 2.0, n),
        "s": _labels(s, draw(st.sampled_from(_LABELS))),
    }
    kwargs: dict[str, Any] = {"strata": "s" if n_strata > 1 or draw(st.booleans()) else None}
    clusters = draw(st.sampled_from(["none", "nested", "dense", "crossed"]))
    n_psu = np.bincount(s, minlength=n_strata)
    if clusters != "none":
        k = rng.integers(0, draw(st.integers(1, 5)), n)
        c = k if clusters == "crossed" else s * 10 + k  # crossed: a label in several strata
        if clusters == "dense":  # 0 … k-1 in stratum order, or shuffled
            c = np.unique(c, return_inverse=True)[1].reshape(-1)
            if draw(st.booleans()):
                c = rng.permutation(int(c.max()) + 1)[c]
        data["c"] = _labels(c, draw(st.sampled_from(_LABELS)))
        kwargs["clusters"] = "c"
        n_psu = np.bincount(np.unique(s * 1000 + c) // 1000, minlength=n_strata)
    if draw(st.booleans()):
        w = rng.uniform(0.5, 30.0, n)
        if draw(st.booleans()):
            w[rng.random(n) < 0.2] = 0.0
        data["w"] = w
        kwargs["weights"] = "w"
    if draw(st.booleans()):  # population PSU count per stratum, at least the sample's
        data["N"] = (n_psu + rng.integers(0, 20, n_strata))[s].astype(np.float64)
        kwargs["fpc"] = "N"
    if draw(st.booleans()):
        data["y"][rng.random(n) < 0.15] = np.nan
    if draw(st.booleans()):
        data["y"] = np.rint(np.nan_to_num(data["y"], nan=3.0)).astype(np.int64)
    kwargs["lonely_psu"] = draw(st.sampled_from(_POLICIES))
    return {"data": data, "kwargs": kwargs}


def _run(f: Any) -> tuple[str, Any, list[str]]:
    """What ``f()`` gives: ("ok", result) or ("error", type and message), with warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out: tuple[str, Any] = ("ok", f())
        except ServqualError as exc:
            out = ("error", (type(exc).__name__, str(exc)))
    return out[0], out[1], [f"{w.category.__name__}: {w.message}" for w in caught]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    return bool(abs(a - b) <= 1e-12 * max(abs(a), abs(b)) + 1e-300)


def _same_estimate(fast: sq.Estimate, slow: sq.Estimate) -> None:
    for field in ("value", "se", "deff", "df"):
        assert _close(getattr(fast, field), getattr(slow, field)), field
    assert _close(fast.ci.low, slow.ci.low)
    assert _close(fast.ci.high, slow.ci.high)
    assert (fast.n, fast.ci.method, fast.ci.level) == (slow.n, slow.ci.method, slow.ci.level)


@settings(max_examples=150, deadline=None)
@given(
    case=_designs(),
    kind=st.sampled_from(["mean", "total", "ratio"]),
    na=st.sampled_from(["fail", "domain"]),
    interval=st.sampled_from(["t", "normal"]),
)
def test_whole_sample_estimates_match_the_domain_path(
    case: dict[str, Any], kind: str, na: str, interval: str
) -> None:
    built = _run(lambda: sq.Design(case["data"], **case["kwargs"]))
    if built[0] == "error":
        return  # e.g. fpc smaller than the sample: construction, not estimation
    design = built[1]

    def estimate() -> sq.Estimate:
        if kind == "ratio":
            return design.ratio("y", "x", na=na, interval=interval)
        return getattr(design, kind)("y", na=na, interval=interval)  # type: ignore[no-any-return]

    fast = _run(estimate)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(front, "whole_sample", lambda *args: None)
        slow = _run(estimate)
    assert fast[0] == slow[0]
    assert fast[2] == slow[2]
    if fast[0] == "error":
        assert fast[1] == slow[1]
    else:
        _same_estimate(fast[1], slow[1])


def _reference_arrays(data: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The design's codes, counts and PSU keys by ``numpy.unique``, the plain construction."""
    n = len(data["y"])
    s_labels: list[Any] = [None]
    s_codes = np.zeros(n, dtype=np.intp)
    if kwargs.get("strata"):
        s_uniq, s_codes = np.unique(np.asarray(data["s"]), return_inverse=True)
        s_labels, s_codes = s_uniq.tolist(), s_codes.reshape(-1)
    out: dict[str, Any] = {"stratum_codes": s_codes, "stratum_rows": np.bincount(s_codes)}
    if kwargs.get("clusters"):
        c_uniq, c_codes = np.unique(np.asarray(data["c"]), return_inverse=True)
        k = len(c_uniq)
        pairs, psu = np.unique(s_codes * k + c_codes.reshape(-1), return_inverse=True)
        out["psu_codes"] = psu.reshape(-1)
        out["psu_strata"] = pairs // k
        out["psu_per_stratum"] = np.bincount(pairs // k, minlength=len(s_labels))
        out["psu_keys"] = [(s_labels[p // k], c_uniq.tolist()[p % k]) for p in pairs.tolist()]
    return out


@settings(max_examples=150, deadline=None)
@given(case=_designs())
def test_construction_matches_the_plain_unique_codes(case: dict[str, Any]) -> None:
    kwargs = {k: v for k, v in case["kwargs"].items() if k != "fpc"}
    arrays: DesignArrays = sq.Design(case["data"], **kwargs).arrays
    ref = _reference_arrays(case["data"], kwargs)
    if "psu_keys" in ref:
        assert list(arrays.psu_keys or ()) == ref.pop("psu_keys")
    for name, expected in ref.items():
        np.testing.assert_array_equal(getattr(arrays, name), expected, err_msg=name)
    # a fresh DesignArrays recomputes what construction kept: the same numbers
    fresh = arrays.with_weights(arrays.weights)
    for name in ("stratum_rows", "psu_strata", "psu_per_stratum"):
        np.testing.assert_array_equal(getattr(fresh, name), getattr(arrays, name), err_msg=name)


def test_clusters_out_of_stratum_order_are_renumbered_as_pairs() -> None:
    # cluster 0 lies in stratum "b", cluster 1 in "a": the PSUs are ordered (a, 1), (b, 0)
    d = sq.Design(
        {"y": [1.0, 2, 3, 4, 5, 6], "s": list("bbaabb"), "c": [0, 0, 1, 1, 2, 2]},
        strata="s",
        clusters="c",
    )
    assert d.arrays.psu_keys == (("a", 1), ("b", 0), ("b", 2))
    assert d.arrays.psu_codes.tolist() == [1, 1, 0, 0, 2, 2]


# --- the one-reduction checks raise what the row-by-row checks raised -------------------
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.nan, r"weights must be finite and non-negative; row 2 has nan"),
        (np.inf, r"weights must be finite and non-negative; row 2 has inf"),
        (-1.0, r"weights must be finite and non-negative; row 2 has -1.0"),
        (1e-200, r"weights must be 0 or between 1e-100 and 1e100 .* row 2 has 1e-200"),
        (1e200, r"weights must be 0 or between 1e-100 and 1e100 .* row 2 has 1e\+200"),
    ],
)
def test_bad_weights_are_named_on_the_fast_path(bad: float, message: str) -> None:
    w = np.full(5, 2.0)
    w[2] = bad
    with pytest.raises(DesignError, match=message):
        sq.Design({"y": np.arange(5.0), "w": w}, weights="w")


def test_fpc_errors_are_named_on_the_fast_path() -> None:
    with pytest.raises(DesignError, match=r"fpc must be finite and non-negative; row 1 has nan"):
        sq.Design({"y": [1.0, 2.0, 3.0], "N": [9.0, np.nan, 9.0]}, fpc="N")


def test_zero_weights_pass_and_the_column_is_not_copied() -> None:
    w = np.array([0.0, 2.0, 3.0, 0.0, 1.0])
    d = sq.Design({"y": np.arange(5.0), "w": w}, weights="w")
    assert np.shares_memory(d.arrays.weights, w)
    assert not d.arrays.weights.flags.writeable
    assert d.mean("y").value == pytest.approx((2.0 + 6.0 + 4.0) / 6.0)  # Σwy / Σw
    assert w.flags.writeable  # the caller's array is untouched


@pytest.mark.parametrize(
    ("bad", "na", "message"),
    [
        (np.nan, "fail", r"column 'y' has a missing or non-finite value in row 3: nan"),
        (np.inf, "fail", r"column 'y' has a missing or non-finite value in row 3: inf"),
        (np.inf, "domain", r"column 'y' has a missing or non-finite value in row 3: inf"),
        (1e200, "fail", r"column 'y' has 1e\+200 in row 3, beyond ±1e100"),
    ],
)
def test_bad_values_are_named_on_the_whole_sample_path(bad: float, na: str, message: str) -> None:
    y = np.arange(6.0)
    y[3] = bad
    d = sq.Design({"y": y, "s": [0, 0, 0, 1, 1, 1]}, strata="s")
    for call in (d.mean, d.total):
        with pytest.raises(ValidationError, match=message):
            call("y", na=na)  # type: ignore[operator]
    with pytest.raises(ValidationError, match=message):
        d.ratio("y", "y", na=na)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("labels", "shown"),
    [
        ([1.0, np.nan, 2.0, 2.0], "nan"),
        (np.array(["a", None, "b", "b"], dtype=object), "None"),
    ],
)
def test_missing_labels_are_named_on_the_fast_path(labels: Any, shown: str) -> None:
    for field in ("strata", "clusters"):
        with pytest.raises(DesignError, match=rf"{field} is missing in row 1: {shown}"):
            sq.Design({"y": [1.0, 2.0, 3.0, 4.0], "g": labels}, **{field: "g"})


def test_lonely_psu_fails_on_the_whole_sample_path() -> None:
    d = sq.Design({"y": [1.0, 2.0, 3.0], "s": [0, 0, 1]}, strata="s")
    with pytest.raises(DesignError, match="stratum 1 has only one PSU"):
        d.mean("y")


def test_the_whole_sample_path_is_taken_where_it_applies() -> None:
    from servqual.design._whole import whole_sample

    data = {"y": [1.0, 2.0, 4.0, 3.0], "s": [0, 0, 1, 1], "w": [1.0, 2.0, 1.0, 2.0]}
    d = sq.Design(data, strata="s", weights="w")
    assert whole_sample(d, "mean", ("y",), "fail") is not None
    assert whole_sample(d.poststratify("s", {0: 10.0, 1: 20.0}), "mean", ("y",), "fail") is None
    d_missing = sq.Design({**data, "y": [1.0, np.nan, 4.0, 3.0]}, strata="s", weights="w")
    assert whole_sample(d_missing, "mean", ("y",), "domain") is None


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    dtype=st.sampled_from([np.float64, np.float32]),
    low=st.integers(-50, 50),
    span=st.sampled_from([0, 1, 7, 500, 10**6]),
    halves=st.booleans(),
    negative_zero=st.booleans(),
)
def test_float_labels_by_counting_match_unique(
    seed: int, n: int, dtype: Any, low: int, span: int, halves: bool, negative_zero: bool
) -> None:
    from servqual.design._build import factorize

    rng = np.random.default_rng(seed)
    values = (low + rng.integers(0, span + 1, n)).astype(dtype)
    if halves:
        values[rng.random(n) < 0.1] += dtype(0.5)  # a fraction: numpy.unique decides
    if negative_zero:
        values[rng.random(n) < 0.2] = dtype(-0.0)
    codes, uniq = factorize(values)
    ref_uniq, ref_codes = np.unique(values, return_inverse=True)
    np.testing.assert_array_equal(uniq, ref_uniq)
    assert uniq.dtype == ref_uniq.dtype
    assert np.signbit(uniq).tolist() == np.signbit(ref_uniq).tolist()
    np.testing.assert_array_equal(codes, ref_codes.reshape(-1))


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 3000),
    n_labels=st.sampled_from([1, 3, 200, 2000]),
    intruder=st.sampled_from([None, 7, 2.5]),
)
def test_many_text_labels_by_hashing_match_unique(
    seed: int, n: int, n_labels: int, intruder: Any
) -> None:
    from servqual.design._build import factorize

    rng = np.random.default_rng(seed)
    labels = np.array([f"v{rng.integers(0, 10**6)}" for _ in range(n_labels)], dtype=object)
    values = labels[rng.integers(0, n_labels, n)]
    if intruder is not None:  # a number among text: numpy.unique refuses to order them
        values[rng.integers(1, n)] = intruder  # row 0 keeps its text
        with pytest.raises(TypeError):
            np.unique(values)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(design_build, "_SAMPLE", 16)
            with pytest.raises(TypeError):
                factorize(values)
        return
    with pytest.MonkeyPatch.context() as m:
        m.setattr(design_build, "_SAMPLE", 16)  # a small sample misses most labels
        codes, uniq = factorize(values)
    ref_uniq, ref_codes = np.unique(values, return_inverse=True)
    assert uniq.dtype == ref_uniq.dtype == np.dtype(object)
    assert uniq.tolist() == ref_uniq.tolist()
    np.testing.assert_array_equal(codes, ref_codes.reshape(-1))
