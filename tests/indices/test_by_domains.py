"""Indices with ``by=`` (all groups in one pass) against one group at a time.

Source of truth: the computation the indices used before, one row mask per group
(``item_means``/``mean_lin``/``share_lin``/``profile`` of that mask, then the design
variance of its influence values over the full design). Each index's ``by=`` path must
give the same values and standard errors on random stratified, clustered designs.
Several ``by`` columns must equal one combined column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq

REL = 1e-12


def _masks(design: sq.Design, by: str) -> Any:
    """``(key, mask)`` of each domain: the row masks the indices used one at a time."""
    labels = np.asarray(design.column(by))
    for value in np.unique(labels):
        yield str(value), labels == value


def test_several_by_columns_in_the_indices_equal_one_combined_column() -> None:
    rng = np.random.default_rng(11)
    n = 300
    scores = rng.integers(1, 5, size=(n, 9)).astype(np.float64)
    province = rng.choice(["Jawa Barat", "Bali"], n)
    unit = rng.choice(["Dinas 1", "Dinas 2", "Dinas 3"], n)
    combined = np.array([f"{a} / {b}" for a, b in zip(province, unit, strict=True)])
    r = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
    design = r.design.with_columns({"province": province, "unit": unit, "both": combined})
    r = sq.Responses(r.instrument, design, r.codes)
    two = sq.skm_index(r, by=["province", "unit"])
    one = sq.skm_index(r, by="both")
    assert list(two) == [tuple(k.split(" / ")) for k in one]
    for key, res in two.items():
        twin = one[" / ".join(key)]
        assert res.index == twin.index
        assert res.elements == twin.elements
        assert res.by == "province, unit"
        assert res.domain == " / ".join(key)
    ces = sq.Responses.from_arrays(rng.integers(1, 8, size=(n, 1)), sq.instruments.CES)
    ces = sq.Responses(
        ces.instrument,
        ces.design.with_columns({"p": province, "u": unit, "pu": combined}),
        ces.codes,
    )
    by_two = sq.ces(ces, by=["p", "u"])
    by_one = sq.ces(ces, by="pu")
    assert {" / ".join(k): v for k, v in by_two.items()} == by_one  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), clustered=st.booleans())
def test_csat_and_ces_by_equal_one_domain_at_a_time(seed: int, clustered: bool) -> None:
    # The slow reference: the per-domain masks the indices used before (mean_lin,
    # share_lin: the influence values of one domain over all rows, then its variance).
    from servqual.indices import _common as c
    from servqual.indices.csat import share_estimate, share_lin

    rng = np.random.default_rng(seed)
    n = 90
    answers = rng.integers(1, 6, n).astype(np.float64)
    answers[rng.random(n) < 0.1] = np.nan
    data = {"s": rng.integers(0, 3, n), "c": rng.integers(0, 30, n), "unit": rng.integers(0, 4, n)}
    design = sq.Design(
        data, strata="s", clusters="c" if clustered else None, lonely_psu="certainty"
    )
    r = sq.Responses.from_arrays(answers[:, None], sq.instruments.CSAT)
    r = sq.Responses(r.instrument, design, r.codes)
    fast = sq.csat(r, by="unit")
    arrays = design.arrays
    hit = answers >= 4
    for key, mask in _masks(design, "unit"):
        mean = c.estimate(c.mean_lin(answers, arrays, mask), arrays, 0.95)
        top = share_estimate(share_lin(answers, hit, arrays, mask), arrays, 0.95, "logit")
        assert fast[key].mean.value == pytest.approx(mean.value, rel=REL)
        assert fast[key].mean.se == pytest.approx(mean.se, rel=1e-9)
        assert fast[key].top_box.value == pytest.approx(top.value, rel=REL)
        assert fast[key].top_box.se == pytest.approx(top.se, rel=1e-9)
        assert fast[key].top_box.ci.low == pytest.approx(top.ci.low, rel=1e-9, abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), method=st.sampled_from(["adjusted_wald", "wald"]))
def test_nps_by_equals_one_domain_at_a_time(seed: int, method: str) -> None:
    from servqual.indices.nps import _estimate, _lin, _scores, _textbook_variance

    rng = np.random.default_rng(seed)
    n = 120
    answers = rng.integers(0, 11, n).astype(np.float64)
    answers[rng.random(n) < 0.1] = np.nan
    data = {"s": rng.integers(0, 2, n), "c": rng.integers(0, 40, n), "unit": rng.integers(0, 3, n)}
    design = sq.Design(data, strata="s", clusters="c", lonely_psu="certainty")
    r = sq.Responses.from_arrays(answers[:, None], sq.instruments.NPS)
    r = sq.Responses(r.instrument, design, r.codes)
    fast = sq.nps(r, by="unit", method=method)  # type: ignore[arg-type]
    y, arrays = _scores(answers), design.arrays
    for key, mask in _masks(design, "unit"):
        lin = _lin(y, arrays, mask, key)
        use = mask & ~np.isnan(y)
        w = arrays.weights
        shares = (w[use & (y > 0)].sum() / w[use].sum(), w[use & (y < 0)].sum() / w[use].sum())
        slow = _estimate(lin, shares, _textbook_variance(lin, arrays), method, 0.95)  # type: ignore[arg-type]
        assert fast[key].nps.value == pytest.approx(slow.value, rel=REL)
        assert fast[key].nps.se == pytest.approx(slow.se, rel=1e-9)
        assert fast[key].nps.ci.low == pytest.approx(slow.ci.low, rel=1e-9, abs=1e-9)
        assert fast[key].promoters == pytest.approx(100 * shares[0], rel=REL)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_csi_by_equals_one_domain_at_a_time(seed: int) -> None:
    from servqual.indices import _common as c
    from servqual.indices.csi import _compute

    rng = np.random.default_rng(seed)
    n, k = 100, 3
    inst = sq.Instrument(
        id="t",
        name="t",
        scale=sq.Scale(min=1, max=5),
        items=[sq.Item(id=f"Q{j}", text=f"Q{j}") for j in range(k)],
    )
    perf_v = rng.integers(1, 6, (n, k)).astype(np.float64)
    imp_v = rng.integers(1, 6, (n, k)).astype(np.float64)
    perf_v[rng.random((n, k)) < 0.05] = np.nan
    data = {"s": rng.integers(0, 2, n), "c": rng.integers(0, 30, n), "unit": rng.integers(0, 3, n)}
    design = sq.Design(data, strata="s", clusters="c", lonely_psu="certainty")
    perf = sq.Responses.from_arrays(perf_v, inst)
    imp = sq.Responses.from_arrays(imp_v, inst)
    perf = sq.Responses(inst, design, perf.codes)
    imp = sq.Responses(inst, design, imp.codes)
    fast = sq.csi(perf, imp, by="unit")
    for key, mask in _masks(design, "unit"):
        lin, mis, z_i, *_ = _compute(perf_v, imp_v, inst.item_ids, design.arrays, mask, 5)
        slow = c.estimate(lin, design.arrays, 0.95)
        assert fast[key].index.value == pytest.approx(slow.value, rel=REL)
        assert fast[key].index.se == pytest.approx(slow.se, rel=1e-9)
        assert fast[key].n == lin.n
        item = c.estimates(mis, z_i, [1] * k, design.arrays, 0.95)
        for j in range(k):
            assert fast[key].items[j].mis.se == pytest.approx(item[j].se, rel=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_servqual_profiles_by_equal_one_domain_at_a_time(seed: int) -> None:
    from servqual.indices._profile import profile

    rng = np.random.default_rng(seed)
    n = 80
    dims = ["tangibles", "tangibles", "assurance"]
    inst = sq.Instrument(
        id="t",
        name="t",
        scale=sq.Scale(min=1, max=7),
        items=[sq.Item(id=f"Q{j}", text=f"Q{j}", dimension=dims[j]) for j in range(3)],
    )
    p_v = rng.integers(1, 8, (n, 3)).astype(np.float64)
    e_v = rng.integers(1, 8, (n, 3)).astype(np.float64)
    p_v[rng.random((n, 3)) < 0.05] = np.nan
    data = {"s": rng.integers(0, 2, n), "c": rng.integers(0, 25, n), "unit": rng.integers(0, 3, n)}
    design = sq.Design(data, strata="s", clusters="c", lonely_psu="certainty")
    p = sq.Responses(inst, design, sq.Responses.from_arrays(p_v, inst).codes)
    e = sq.Responses(inst, design, sq.Responses.from_arrays(e_v, inst).codes)
    gaps_by = sq.servqual_gaps(p, e, by="unit")
    perf_by = sq.servperf(p, by="unit")
    for key, mask in _masks(design, "unit"):
        for fast, values in ((gaps_by[key], p_v - e_v), (perf_by[key], p_v)):
            slow = profile(values, inst, design.arrays, mask, 0.95)
            pairs = [(fast.overall, slow.overall)]
            pairs += [(fast.items[i], slow.items[i]) for i in slow.items]
            pairs += [(fast.dimensions[d], slow.dimensions[d]) for d in slow.dimensions]
            for a, b in pairs:
                assert a.value == pytest.approx(b.value, rel=REL, abs=1e-13)
                assert a.se == pytest.approx(b.se, rel=1e-9)
                assert a.n == b.n


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_ipa_by_equals_one_domain_at_a_time(seed: int) -> None:
    from servqual.indices import _common as c

    rng = np.random.default_rng(seed)
    n, k = 80, 3
    inst = sq.Instrument(
        id="t",
        name="t",
        scale=sq.Scale(min=1, max=5),
        items=[sq.Item(id=f"Q{j}", text=f"Q{j}") for j in range(k)],
    )
    p_v = rng.integers(1, 6, (n, k)).astype(np.float64)
    i_v = rng.integers(1, 6, (n, k)).astype(np.float64)
    i_v[rng.random((n, k)) < 0.05] = np.nan
    data = {"s": rng.integers(0, 2, n), "c": rng.integers(0, 25, n), "unit": rng.integers(0, 3, n)}
    design = sq.Design(data, strata="s", clusters="c", lonely_psu="certainty")
    perf = sq.Responses(inst, design, sq.Responses.from_arrays(p_v, inst).codes)
    imp = sq.Responses(inst, design, sq.Responses.from_arrays(i_v, inst).codes)
    fast = sq.ipa(perf, imp, by="unit")
    for key, mask in _masks(design, "unit"):
        means, z, counts = c.item_means(i_v, design.arrays, mask, inst.item_ids)
        slow = c.estimates(means, z, [int(x) for x in counts], design.arrays, 0.95)
        for j in range(k):
            assert fast[key].items[j].importance.value == pytest.approx(slow[j].value, rel=REL)
            assert fast[key].items[j].importance.se == pytest.approx(slow[j].se, rel=1e-9)
        assert fast[key].n == int(mask.sum())
