"""IPA: quadrants by explicit means (Martilla & James 1977 conventions of indices.md),
cross-hair choices, conformity, clarity, invariance property, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import ItemError, ParameterError


def _inst(k: int, lo: int = 1, hi: int = 4) -> sq.Instrument:
    items = [sq.Item(id=f"U{j + 1}", text=f"Element {j + 1}") for j in range(k)]
    return sq.Instrument(id="u", name="u", scale=sq.Scale(min=lo, max=hi), items=items)


PERF = np.array([[3, 2, 4, 1], [3, 2, 3, 2], [4, 1, 4, 1], [3, 2, 3, 2]], float)
IMP = np.array([[3, 4, 2, 1], [4, 4, 2, 2], [3, 4, 3, 1], [3, 4, 2, 2]], float)


def test_quadrants_from_explicit_means() -> None:
    inst = _inst(4)
    r = sq.ipa(sq.Responses.from_arrays(PERF, inst), sq.Responses.from_arrays(IMP, inst))
    p, i = PERF.mean(axis=0), IMP.mean(axis=0)
    assert r.performance_line == pytest.approx(p.mean())
    assert r.importance_line == pytest.approx(i.mean())
    expected = {
        (True, False): ("I", "Concentrate here", "Prioritas utama"),
        (True, True): ("II", "Keep up the good work", "Pertahankan prestasi"),
        (False, False): ("III", "Low priority", "Prioritas rendah"),
        (False, True): ("IV", "Possible overkill", "Berlebihan"),
    }
    for j, item in enumerate(r.items):
        key = (bool(i[j] >= i.mean()), bool(p[j] >= p.mean()))
        assert (item.quadrant, item.quadrant_en, item.quadrant_id) == expected[key]
        assert item.conformity == pytest.approx(100 * p[j] / i[j])
        assert item.performance.value == pytest.approx(p[j])
    assert [it.quadrant for it in r.items] == ["II", "I", "IV", "III"]
    assert r.quadrant("I") == ("U2",)
    assert r.conformity == pytest.approx(100 * p.sum() / i.sum())


def test_crosshair_choices() -> None:
    inst = _inst(4)
    perf, imp = sq.Responses.from_arrays(PERF, inst), sq.Responses.from_arrays(IMP, inst)
    scale = sq.ipa(perf, imp, crosshair="scale")
    assert (scale.importance_line, scale.performance_line) == (2.5, 2.5)
    med = sq.ipa(perf, imp, crosshair="median")
    assert med.performance_line == pytest.approx(np.median(PERF.mean(axis=0)))
    with pytest.raises(
        ParameterError, match=r"crosshair must be one of \['data', 'scale', 'median'\]"
    ):
        sq.ipa(perf, imp, crosshair="mean")  # type: ignore[arg-type]


def test_statistically_clear() -> None:
    rng = np.random.default_rng(1)
    n = 400
    perf = np.column_stack([np.full(n, 4.0), rng.integers(1, 5, n), np.full(n, 1.0)])
    imp = np.column_stack([np.full(n, 4.0), rng.integers(1, 5, n), np.full(n, 1.0)])
    inst = _inst(3)
    r = sq.ipa(sq.Responses.from_arrays(perf, inst), sq.Responses.from_arrays(imp, inst))
    assert r.items[0].clear
    assert r.items[2].clear
    assert not r.items[1].clear  # its means sit on the grand mean's neighbourhood (2.5)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.lists(
            st.lists(st.integers(1, 4), min_size=2 * k, max_size=2 * k), min_size=2, max_size=8
        )
    ),
    st.integers(-3, 20),
)
def test_quadrant_invariant_to_shifting_importance(rows, shift: int) -> None:
    data = np.array(rows, float)
    k = data.shape[1] // 2
    perf, imp = data[:, :k], data[:, k:]
    inst = _inst(k)
    shifted = _inst(k, lo=1 + shift, hi=4 + shift)  # same answers, importance + shift
    a = sq.ipa(sq.Responses.from_arrays(perf, inst), sq.Responses.from_arrays(imp, inst))
    b = sq.ipa(sq.Responses.from_arrays(perf, inst), sq.Responses.from_arrays(imp + shift, shifted))
    assert [x.quadrant for x in a.items] == [x.quadrant for x in b.items]


def test_by_groups() -> None:
    inst = _inst(4)
    attrs = {"service": ["ktp", "ktp", "kk", "kk"]}
    r = sq.ipa(
        sq.Responses.from_arrays(PERF, inst, attributes=attrs),
        sq.Responses.from_arrays(IMP, inst, attributes=attrs),
        by="service",
    )
    assert sorted(r) == ["kk", "ktp"]
    assert r["kk"].n == 2


def test_single_item_is_an_error() -> None:
    inst = _inst(1)
    one = sq.Responses.from_arrays([[3.0], [4.0]], inst)
    with pytest.raises(ItemError, match="needs at least 2 items; instrument 'u' has 1"):
        sq.ipa(one, one)
