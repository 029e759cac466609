"""Sample-size formulas against ``sample_size.json`` (explicit formulas cross-checked with R
and samplics) and the published Krejcie & Morgan (1970) table; allocation against
``sampling.json`` (R ``sampling``) and explicit formulas."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DesignError, ParameterError, ServqualTypeError

ss = sq.sample_size


def _records(reference, formula):
    return [
        r for r in reference("sample_size.json")["records"] if r["inputs"]["formula"] == formula
    ]


# --- Krejcie–Morgan -----------------------------------------------------------------------
def test_krejcie_morgan_every_record(reference):
    recs = _records(reference, "krejcie_morgan")
    assert len(recs) == 11
    for rec in recs:
        big_n = rec["inputs"]["N"]
        ref = rec["reference"]
        res = ss.krejcie_morgan(big_n)
        # sample_size.json: s_exact (python and R agree to 1e-12)
        assert res.exact == pytest.approx(ref["s_exact"], rel=1e-12), rec["id"]
        # int() rounds to nearest, as the published table does (file's conventions)
        assert int(res) == ref["s_round_half_up"], rec["id"]
        published = rec["published_table_1970"]["S"]
        if published is not None:
            assert int(ss.krejcie_morgan(big_n, table=True)) == published, rec["id"]
            assert int(res) == published, rec["id"]


def test_krejcie_morgan_differs_from_ceiling_where_the_file_says(reference):
    ids = set(
        reference("sample_size.json")["crosscheck_summary"][
            "krejcie_morgan_ceiling_differs_from_table"
        ]
    )
    for rec in _records(reference, "krejcie_morgan"):
        res = ss.krejcie_morgan(rec["inputs"]["N"])
        assert (int(res) != rec["reference"]["s_ceiling"]) == (rec["id"] in ids)


def test_table_rows_equal_the_rounded_formula():
    # Krejcie & Morgan (1970) Table 1: every printed S is the formula rounded half up
    assert len(ss.KM_TABLE) == 90
    for big_n, s in ss.KM_TABLE:
        exact = 3.841 * big_n * 0.25 / (0.05**2 * (big_n - 1) + 3.841 * 0.25)
        assert s == math.floor(exact + 0.5), big_n
        assert int(ss.krejcie_morgan(big_n, table=True)) == s


@pytest.mark.parametrize(
    ("population", "expected", "row"),
    [
        (100_000, 384, 1_000_000),  # no row 100,000: next larger row, formula gives 383
        (1201, 297, 1300),  # between rows: the next larger tabulated N
        (76_000, 384, 1_000_000),
        (2_000_000, 384, 1_000_000),  # above the table: the last row
        (11, 11, 15),  # row 15 says 14 > N: everyone
        (5, 5, 10),
    ],
)
def test_table_lookup_rule(population, expected, row):
    res = ss.krejcie_morgan(population, table=True)
    assert int(res) == expected
    assert res.inputs["table_row"] == row
    assert res.rounding == "table"


def test_krejcie_morgan_is_cochran_with_x2_3841():
    # s = n0 / (1 + (n0 - 1)/N) with n0 = 3.841 * 0.25 / 0.05^2 (algebra of the formula)
    n0 = 3.841 * 0.25 / 0.0025
    for big_n in (10, 123, 4567):
        assert ss.krejcie_morgan(big_n).exact == pytest.approx(n0 / (1 + (n0 - 1) / big_n))


# --- Slovin ---------------------------------------------------------------------------------
def test_slovin_every_record(reference):
    recs = _records(reference, "slovin")
    assert len(recs) == 22
    for rec in recs:
        res = ss.slovin(rec["inputs"]["N"], rec["inputs"]["e"])
        assert res.exact == pytest.approx(rec["reference"]["n_exact"], rel=1e-12), rec["id"]
        # ceil with the 1e-9 guard: N = 100, e = 0.1 gives 50, not 51
        assert int(res) == rec["reference"]["n_ceiling"], rec["id"]
        assert res.rounding == "up"


# --- Cochran --------------------------------------------------------------------------------
def test_cochran_every_record(reference):
    recs = _records(reference, "cochran")
    assert len(recs) == 72
    for rec in recs:
        inp, ref = rec["inputs"], rec["reference"]
        assert inp["z_fixed"] is None
        res = ss.for_proportion(inp["e"], level=inp["conf_level"], p=inp["p"], population=inp["N"])
        assert res.n0 == pytest.approx(ref["n0"], rel=1e-12), rec["id"]
        assert res.exact == pytest.approx(ref["n_exact"], rel=1e-12), rec["id"]
        assert int(res) == ref["n_ceiling"], rec["id"]


def test_cochran_simple_correction_variant():
    # the other form sources use: n0 / (1 + n0/N) (explicit formula)
    n0 = 1.959963984540054**2 * 0.25 / 0.05**2  # sample_size.json n0 for p = 0.5, e = 0.05
    res = ss.for_proportion(0.05, population=1000, correction="simple")
    assert res.exact == pytest.approx(n0 / (1 + n0 / 1000), rel=1e-12)
    default = ss.for_proportion(0.05, population=1000)
    assert default.exact > res.exact  # (n0 - 1) in the denominator: slightly larger
    assert int(default) - int(res) <= 1


def test_deff_and_response_rate():
    # explicit: n0 * deff, corrected, / response rate, rounded up
    n0 = 1.959963984540054**2 * 0.25 / 0.05**2
    m = n0 * 1.5
    want = m / (1 + (m - 1) / 2000) / 0.8
    res = ss.for_proportion(0.05, population=2000, deff=1.5, response_rate=0.8)
    assert res.exact == pytest.approx(want, rel=1e-12)
    assert int(res) == math.ceil(want)


def test_response_rate_never_exceeds_population():
    assert int(ss.for_proportion(0.05, population=50, response_rate=0.5)) == 50


def _wilson_half_width(n, p, z):
    return z / (n + z * z) * math.sqrt(n * p * (1 - p) + z * z / 4)


@pytest.mark.parametrize(("p", "e"), [(0.5, 0.05), (0.9, 0.03), (0.2, 0.1)])
def test_wilson_size_reaches_the_margin(p, e):
    z = 1.959963984540054
    res = ss.for_proportion(e, p=p, method="wilson")
    # Wilson half-width (Wilson 1927) at the exact n equals the margin
    assert _wilson_half_width(res.exact, p, z) == pytest.approx(e, rel=1e-9)
    assert _wilson_half_width(int(res), p, z) <= e < _wilson_half_width(int(res) - 1, p, z)


def test_for_mean_explicit():
    z = 1.959963984540054
    n0 = (z * 0.6 / 0.05) ** 2
    res = ss.for_mean(0.6, 0.05, population=1200)
    # default correction for a mean: n0 / (1 + n0/N), exact for S^2 with divisor N - 1
    assert res.exact == pytest.approx(n0 / (1 + n0 / 1200), rel=1e-12)
    assert int(res) == 379
    cochran = ss.for_mean(0.6, 0.05, population=1200, correction="cochran")
    assert cochran.exact == pytest.approx(n0 / (1 + (n0 - 1) / 1200), rel=1e-12)
    assert int(ss.for_mean(0.6, 0.05)) == math.ceil(n0)
    assert int(ss.for_mean(12.0, 2.0)) == math.ceil((z * 6) ** 2)  # margin >= 1 is fine


def test_for_difference_matches_r():
    # R 4.2.2: power.prop.test(p1 = .50, p2 = .75, power = .90, tol = 1e-12)$n
    # (tests/data/sampling_r.json; more settings in test_sampling_r.py)
    res = ss.for_difference(0.50, 0.75, power=0.9)
    assert res.exact == pytest.approx(76.706928451777443, rel=1e-9)
    assert int(res) == 77
    assert res.groups == 2
    assert res.total == 154
    # R 4.2.2: power.t.test(delta = 1, sd = 1, power = .90, tol = 1e-12)$n (the default
    # tolerance gives 22.021097703851229)
    t = ss.for_difference(0.0, 1.0, sd=1.0, power=0.9)
    assert t.exact == pytest.approx(22.021095570093962, rel=1e-9)
    # normal approximation: 2 (z_.975 + z_.9)^2 / 1 (explicit)
    normal = ss.for_difference(0.0, 1.0, sd=1.0, power=0.9, method="normal")
    assert normal.exact == pytest.approx(2 * (1.959963984540054 + 1.2815515655446004) ** 2)
    one = ss.for_difference(0.0, 1.0, sd=1.0, power=0.9, method="normal", alternative="one-sided")
    assert one.exact == pytest.approx(2 * (1.6448536269514722 + 1.2815515655446004) ** 2)


def test_sample_size_json_round_trip():
    for res in (
        ss.krejcie_morgan(500),
        ss.krejcie_morgan(500, table=True),
        ss.slovin(500, 0.05),
        ss.for_proportion(0.05, population=500),
        ss.for_difference(0.5, 0.6),
    ):
        back = type(res).model_validate_json(res.model_dump_json())
        assert back == res
        assert json.loads(res.model_dump_json())["n"] == int(res)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: ss.krejcie_morgan(0), ParameterError, "population must be at least 1, got 0"),
        (lambda: ss.krejcie_morgan(10.5), ServqualTypeError, "whole number, got 10.5"),
        (lambda: ss.slovin(100, 0.0), ParameterError, r"margin must be in \(0, 1\), got 0.0"),
        (lambda: ss.slovin(100, 1.0), ParameterError, r"margin must be in \(0, 1\), got 1.0"),
        (lambda: ss.for_proportion(0.05, level=1.0), ParameterError, r"level must be in \(0, 1\)"),
        (lambda: ss.for_proportion(-0.1), ParameterError, r"margin must be in \(0, 1\)"),
        (
            lambda: ss.for_proportion(0.05, method="exact"),
            ParameterError,
            "one of .'wald', 'wilson'",
        ),
        (
            lambda: ss.for_proportion(0.05, correction="x"),
            ParameterError,
            "one of .'cochran', 'simple'",
        ),
        (
            lambda: ss.for_proportion(0.05, response_rate=0),
            ParameterError,
            r"response_rate must be in \(0, 1\]",
        ),
        (lambda: ss.for_mean(0.0, 0.1), ParameterError, "sd must be greater than 0"),
        (lambda: ss.for_mean(1.0, -1), ParameterError, "margin must be greater than 0"),
        (lambda: ss.for_difference(0.5, 0.5), ParameterError, "equal .0.5.: no difference"),
        (lambda: ss.for_difference(0.5, 0.6, method="t"), ParameterError, "applies to means only"),
        (
            lambda: ss.for_difference(0.5, 0.6, power=1.0),
            ParameterError,
            r"power must be in \(0, 1\)",
        ),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- allocation -----------------------------------------------------------------------------
def _sampling_records(reference):
    return reference("sampling.json")["records"]


def test_allocations_every_record(reference):
    for rec in _sampling_records(reference):
        inp = rec["inputs"]
        sizes = dict(zip(inp["strata"], inp["N_h"], strict=True))
        sd = dict(zip(inp["strata"], inp["S_h"], strict=True))
        allocs = rec["reference"]["allocations"]
        prop = ss.allocate(sizes, inp["n"])
        # sampling.json: largest_remainder (Hamilton, ties to the stratum listed first)
        assert list(prop.sizes.values()) == allocs["proportional"]["largest_remainder"]
        assert list(prop.exact) == pytest.approx(allocs["proportional"]["exact"], rel=1e-12)
        for key in ("neyman", "neyman_capped"):
            ney = ss.allocate(sizes, inp["n"], method="neyman", sd=sd)
            assert list(ney.sizes.values()) == allocs[key]["largest_remainder"], rec["id"]
            assert list(ney.exact) == pytest.approx(allocs[key]["exact"], rel=1e-12)
            assert not any(allocs[key]["exceeds_N_h"])
            assert ney.take_all == ()


def test_neyman_capped_takes_all_and_reallocates():
    # explicit: shares 150*1000/1100 = 136.4 > 100 -> take all of A; B gets the other 50
    res = ss.allocate({"A": 100, "B": 1000}, 150, method="neyman", sd={"A": 10.0, "B": 0.1})
    assert res.sizes == {"A": 100, "B": 50}
    assert res.take_all == ("A",)


def test_capping_cascades():
    # explicit iteration: shares 21.4 / 17.1 / 21.4 -> A capped at 10; the other 50 split
    # 800:1000 gives B 22.2 > 20 -> B capped too; C gets the remaining 30
    res = ss.allocate(
        {"A": 10, "B": 20, "C": 1000}, 60, method="neyman", sd={"A": 100, "B": 40, "C": 1}
    )
    assert res.sizes == {"A": 10, "B": 20, "C": 30}
    assert set(res.take_all) == {"A", "B"}


def test_minimum_is_honoured():
    res = ss.allocate({"big": 10_000, "small": 30}, 100)  # proportional would give 0.3
    assert res.sizes == {"big": 98, "small": 2}
    assert ss.allocate({"big": 10_000, "tiny": 1}, 100).sizes == {"big": 99, "tiny": 1}
    assert ss.allocate({"big": 10_000, "small": 30}, 100, minimum=0).sizes == {
        "big": 100,
        "small": 0,
    }


def test_equal_and_optimal():
    assert ss.allocate({"a": 50, "b": 60, "c": 70}, 10, method="equal").sizes == {
        "a": 4,
        "b": 3,
        "c": 3,  # 3.33 each: the remainder unit to the first listed
    }
    # optimal: n_h ∝ N_h S_h / sqrt(c_h) (Cochran 1977, 5.24): 100*[1, 1/2] / 1.5
    res = ss.allocate(
        {"a": 1000, "b": 1000}, 90, method="optimal", sd={"a": 1, "b": 1}, cost={"a": 1, "b": 4}
    )
    assert res.sizes == {"a": 60, "b": 30}


def test_ties_go_to_the_first_listed():
    # fractional parts 0.5 / 0.5: one extra unit, to the stratum listed first
    assert ss.allocate({"x": 10, "y": 10}, 3, minimum=0).sizes == {"x": 2, "y": 1}
    assert ss.allocate({"y": 10, "x": 10}, 3, minimum=0).sizes == {"y": 2, "x": 1}


def _slow_largest_remainder(sizes, n):
    exact = [Fraction(n * s, sum(sizes)) for s in sizes]
    base = [math.floor(x) for x in exact]
    rank = sorted(range(len(sizes)), key=lambda i: (-(exact[i] - base[i]), i))
    for i in rank[: n - sum(base)]:
        base[i] += 1
    return base


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 500), min_size=1, max_size=8),
    frac=st.floats(0.01, 1.0),
    minimum=st.integers(0, 3),
    sds=st.lists(st.floats(0.0, 5.0), min_size=8, max_size=8),
)
def test_allocation_properties(sizes, frac, minimum, sds):
    strata = {f"h{i}": s for i, s in enumerate(sizes)}
    n = max(1, int(frac * sum(sizes)))
    if sum(min(minimum, s) for s in sizes) > n:
        with pytest.raises(ParameterError, match="cannot give"):
            ss.allocate(strata, n, minimum=minimum)
        return
    for method, sd in (("proportional", None), ("neyman", dict(zip(strata, sds, strict=False)))):
        res = ss.allocate(strata, n, method=method, sd=sd, minimum=minimum)
        assert sum(res.counts) == n
        for c, s in zip(res.counts, sizes, strict=True):
            assert min(minimum, s) <= c <= s
    if minimum == 0:
        # no caps or floors can bind for proportional: plain Hamilton rounding
        assert list(ss.allocate(strata, n, minimum=0).counts) == _slow_largest_remainder(sizes, n)


def test_allocation_json_round_trip_keeps_label_types():
    res = ss.allocate({1: 100, "b": 50}, 30)
    back = ss.Allocation.model_validate_json(res.model_dump_json())
    assert back == res
    assert back.sizes == {1: 20, "b": 10}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"stratum_sizes": {"a": 10}, "n": 11}, ParameterError, "n = 11 is larger than the 10"),
        ({"stratum_sizes": {"a": 10}, "n": 0}, ParameterError, "n must be at least 1, got 0"),
        ({"stratum_sizes": {"a": 10, "b": 0}, "n": 5}, DesignError, "stratum 'b' is empty"),
        ({"stratum_sizes": {}, "n": 5}, ParameterError, "non-empty mapping"),
        ({"stratum_sizes": {"a": 10, "b": 10}, "n": 3}, ParameterError, "at least 2 units each"),
        (
            {"stratum_sizes": {"a": 10}, "n": 5, "method": "neyman"},
            ParameterError,
            "sd is required",
        ),
        (
            {"stratum_sizes": {"a": 10}, "n": 5, "method": "neyman", "sd": {"b": 1}},
            ParameterError,
            "sd has no value for stratum 'a'",
        ),
        (
            {"stratum_sizes": {"a": 10}, "n": 5, "method": "neyman", "sd": {"a": -1}},
            ParameterError,
            "sd for stratum 'a' must be positive",
        ),
        (
            {"stratum_sizes": {"a": 10}, "n": 5, "method": "optimal", "sd": {"a": 1}},
            ParameterError,
            "cost is required",
        ),
        (
            {"stratum_sizes": {"a": 10}, "n": 5, "method": "best"},
            ParameterError,
            "method must be one of .'proportional', 'neyman', 'equal', 'optimal'",
        ),
        ({"stratum_sizes": {"a": 10.5}, "n": 5}, ServqualTypeError, "size of stratum 'a' must be"),
    ],
)
def test_allocation_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        ss.allocate(**kwargs)


def _slow_capped_neyman(sizes, sds, n):
    """sampling.json convention 'neyman_capped': cap at N_h, re-share the rest, repeat."""
    fixed = {}
    while True:
        free = [i for i in range(len(sizes)) if i not in fixed]
        left = n - sum(fixed.values())
        total = sum(Fraction(sizes[i]) * Fraction(sds[i]) for i in free)
        share = {i: left * Fraction(sizes[i]) * Fraction(sds[i]) / total for i in free}
        over = [i for i in free if share[i] > sizes[i]]
        if not over:
            return [fixed.get(i, share.get(i)) for i in range(len(sizes))]
        fixed.update({i: Fraction(sizes[i]) for i in over})


@settings(max_examples=200, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 300), min_size=1, max_size=7),
    sds=st.lists(st.floats(0.01, 50.0), min_size=7, max_size=7),
    frac=st.floats(0.01, 1.0),
)
def test_neyman_cap_equals_iterative_take_all(sizes, sds, frac):
    n = max(1, int(frac * sum(sizes)))
    strata = {f"h{i}": s for i, s in enumerate(sizes)}
    sd = dict(zip(strata, sds, strict=False))
    res = ss.allocate(strata, n, method="neyman", sd=sd, minimum=0)
    want = _slow_capped_neyman(sizes, sds[: len(sizes)], n)
    assert list(res.exact) == pytest.approx([float(x) for x in want], rel=1e-12, abs=1e-12)
