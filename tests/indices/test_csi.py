"""CSI: the thesis step of indices.json, linearization by the numerical delta method on the
item totals (R svycontrast-style), bands, the 100 % ceiling, pairing errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import InsufficientDataError, ItemError, RespondentError


def _instrument(k: int, lo: int = 1, hi: int = 5) -> sq.Instrument:
    items = [sq.Item(id=f"Q{j + 1}", text=f"Item {j + 1}") for j in range(k)]
    return sq.Instrument(id=f"i{k}", name="test", scale=sq.Scale(min=lo, max=hi), items=items)


def _column(mean: float, n: int) -> np.ndarray:
    """n answers of 3 and 4 with the given mean (n·(mean − 3) fours)."""
    fours = round(n * (mean - 3))
    return np.r_[np.full(fours, 4.0), np.full(n - fours, 3.0)]


def test_reference_thesis_step(reference) -> None:
    rec = reference("indices.json")["csi"][0]  # published thesis step; "agrees to rounding"
    n = 10_000
    imp_means = [rec["item"]["mis"], *([3.77] * 24), 3.6707]  # Σ MIS = 98.0157
    imp = np.column_stack([_column(m, n) for m in imp_means])
    perf = np.column_stack([_column(rec["item"]["mss"], n)] + [_column(3.5, n)] * 25)
    inst = _instrument(26)
    r = sq.csi(sq.Responses.from_arrays(perf, inst), sq.Responses.from_arrays(imp, inst))
    assert r.sum_mis == pytest.approx(rec["sum_mis"], rel=1e-12)
    first = r.items[0]
    assert first.mis.value == pytest.approx(rec["item"]["mis"], rel=1e-12)
    assert first.mss.value == pytest.approx(rec["item"]["mss"], rel=1e-12)
    # The thesis prints MIS and MSS to 3 decimals (±5e-4), which moves WF by up to
    # 100·5e-4/98 ≈ 5.1e-4 and WS by about 5.1e-4·3.98 + 3.94·5e-4 ≈ 4e-3: "to rounding".
    assert first.wf == pytest.approx(rec["item"]["wf_percent"], abs=5.2e-4)
    assert first.ws == pytest.approx(rec["item"]["ws"], abs=4e-3)
    assert first.ws == pytest.approx(first.wf * first.mss.value, rel=1e-12)
    assert r.weighted_total == pytest.approx(sum(i.ws for i in r.items), rel=1e-12)
    assert r.index.value == pytest.approx(r.weighted_total / 5, rel=1e-12)


def _data(seed: int, n: int = 40, k: int = 4):
    rng = np.random.default_rng(seed)
    perf = rng.integers(1, 6, (n, k)).astype(float)
    imp = rng.integers(2, 6, (n, k)).astype(float)
    perf[rng.random((n, k)) < 0.1] = np.nan
    imp[rng.random((n, k)) < 0.1] = np.nan
    strata = np.repeat(["a", "b"], n // 2)
    weights = np.where(strata == "a", 2.0, 5.0)
    return perf, imp, strata, weights


def _csi_of_totals(t: np.ndarray, k: int, hs: int) -> float:
    ty_i, ta_i, ty_p, ta_p = t[:k], t[k : 2 * k], t[2 * k : 3 * k], t[3 * k :]
    mis, mss = ty_i / ta_i, ty_p / ta_p
    return 100.0 * float((mis / mis.sum()) @ mss) / hs


def test_linearization_matches_numerical_delta_method() -> None:
    perf, imp, strata, weights = _data(3)
    k = perf.shape[1]
    inst = _instrument(k)
    design = {"weights": weights, "strata": strata}
    r = sq.csi(
        sq.Responses.from_arrays(perf, inst, **design),
        sq.Responses.from_arrays(imp, inst, **design),
    )
    # per-row contributions to the totals: y·a and a for importance and performance
    u = np.column_stack(
        [np.nan_to_num(imp), ~np.isnan(imp), np.nan_to_num(perf), ~np.isnan(perf)]
    ).astype(float)
    t = weights @ u
    assert r.index.value == pytest.approx(_csi_of_totals(t, k, 5), rel=1e-12)
    h = 1e-6 * np.abs(t)
    grad = np.array(
        [
            (
                _csi_of_totals(t + np.eye(len(t))[j] * h[j], k, 5)
                - _csi_of_totals(t - np.eye(len(t))[j] * h[j], k, 5)
            )
            / (2 * h[j])
            for j in range(len(t))
        ]
    )
    lin = u @ grad
    d = sq.Design({"z": lin, "w": weights, "s": strata}, weights="w", strata="s")
    ref = d.total("z")  # R: svycontrast(svytotal(...), gradient)
    assert r.index.se == pytest.approx(ref.se, rel=1e-6)
    assert r.index.df == d.df


def test_bands_and_boundary() -> None:
    assert sq.csi_band(100.0) == ("Sangat puas", "Very satisfied")
    assert sq.csi_band(65.99)[0] == "Cukup puas"
    assert sq.csi_band(51.0)[0] == "Cukup puas"  # 51–65.99, not the misprinted 51–60
    assert sq.csi_band(50.99)[0] == "Kurang puas"
    assert sq.csi_band(34.99)[0] == "Tidak puas"


def test_by_and_compare() -> None:
    perf, imp, _strata, weights = _data(5, n=60)
    inst = _instrument(4)
    kw = {"weights": weights, "attributes": {"district": np.tile(["x", "y", "z"], 20)}}
    p, i = sq.Responses.from_arrays(perf, inst, **kw), sq.Responses.from_arrays(imp, inst, **kw)
    res = sq.csi(p, i, by="district")
    assert sorted(res) == ["x", "y", "z"]
    c = sq.csi_compare(p, i, by="district", groups=("x", "y"))
    assert c.difference.value == pytest.approx(res["x"].index.value - res["y"].index.value)
    assert 0.0 <= c.p_value <= 1.0
    w = sq.csi_compare(p, i, (p, i))
    assert w.difference.value == pytest.approx(0.0)
    assert w.p_value == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda k: st.tuples(
            st.lists(st.lists(st.integers(1, 5), min_size=k, max_size=k), min_size=2, max_size=12),
            st.lists(st.lists(st.integers(1, 5), min_size=k, max_size=k), min_size=2, max_size=12),
        )
    )
)
def test_csi_never_over_100(rows) -> None:
    perf, imp = rows
    n = min(len(perf), len(imp))
    k = len(perf[0])
    inst = _instrument(k)
    r = sq.csi(
        sq.Responses.from_arrays(np.array(perf[:n], float), inst),
        sq.Responses.from_arrays(np.array(imp[:n], float), inst),
    )
    assert 20.0 - 1e-9 <= r.index.value <= 100.0 + 1e-12  # between min/max and 100 %


def test_errors() -> None:
    inst = _instrument(2)
    zero = _instrument(2, lo=0, hi=4)
    perf = sq.Responses.from_arrays([[3.0, 4.0], [2.0, 5.0]], inst)
    with pytest.raises(InsufficientDataError, match="mean importance is zero for every item"):
        sq.csi(perf, sq.Responses.from_arrays([[0.0, 0.0], [0.0, 0.0]], zero))
    with pytest.raises(RespondentError, match="performance has 2 respondents but importance has 3"):
        sq.csi(perf, sq.Responses.from_arrays([[3.0, 4.0]] * 3, inst))
    with pytest.raises(ItemError, match=r"only in performance: \['Q2'\], only in importance: \[\]"):
        sq.csi(perf, sq.Responses.from_arrays([[3.0], [4.0]], _instrument(1)))
