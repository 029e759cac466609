"""Cronbach's alpha (Feldt interval, psych ase) and item-total statistics against every record
of alpha.json (R psych::alpha, pingouin, explicit scipy Feldt)."""

from __future__ import annotations

import numpy as np
import pytest

import servqual as sq
from servqual.errors import InsufficientDataError, ServqualTypeError

RECORDS = ["m50x4_likert5", "m200x9_likert5", "m100x5_item3_reversed"]


def _record(reference, rid: str):
    return next(r for r in reference("alpha.json")["records"] if r["id"] == rid)


@pytest.mark.parametrize("rid", RECORDS)
def test_alpha_and_feldt(reference, rid: str) -> None:
    rec = _record(reference, rid)
    data = rec["inputs"]["data"]
    psych = rec["reference"]["psych"]
    a = sq.cronbach_alpha(data)
    assert a.value == pytest.approx(psych["raw_alpha"], rel=1e-9)  # psych raw_alpha
    assert a.se == pytest.approx(psych["ase"], rel=1e-9)  # psych ase
    assert a.n == rec["inputs"]["n"]
    assert a.ci.method == "feldt"
    assert a.ci.low == pytest.approx(psych["feldt_psych"]["lower"], rel=1e-9)  # psych alpha.ci
    assert a.ci.high == pytest.approx(psych["feldt_psych"]["upper"], rel=1e-9)
    feldt = rec["reference"]["feldt_explicit"]  # scipy stats.f.ppf, explicit formula
    assert a.df == feldt["df2"]
    for lvl, bounds in feldt["by_conf_level"].items():
        est = sq.cronbach_alpha(data, level=float(lvl))
        assert est.ci.low == pytest.approx(bounds["lower"], rel=1e-9)
        assert est.ci.high == pytest.approx(bounds["upper"], rel=1e-9)
        again = a.at_level(float(lvl))  # recomputed from (value, n, df) without data
        assert again.ci.low == pytest.approx(bounds["lower"], rel=1e-9)
        assert again.ci.high == pytest.approx(bounds["upper"], rel=1e-9)
    ping = rec["reference"]["pingouin"]["pairwise"]  # pingouin rounds to 3 decimals
    assert a.ci.low == pytest.approx(ping["ci95_rounded3"][0], abs=5e-4)
    assert a.at_level(0.90).ci.high == pytest.approx(ping["ci90_rounded3"][1], abs=5e-4)


@pytest.mark.parametrize("rid", RECORDS)
def test_item_total_correlations(reference, rid: str) -> None:
    rec = _record(reference, rid)
    psych = rec["reference"]["psych"]
    stats = sq.item_total_correlations(rec["inputs"]["data"])
    assert [s.id for s in stats] == [f"V{j + 1}" for j in range(rec["inputs"]["k"])]
    np.testing.assert_allclose([s.corrected_r for s in stats], psych["r_drop"], rtol=1e-9)
    np.testing.assert_allclose(
        [s.alpha_if_dropped for s in stats], psych["alpha_if_dropped"], rtol=1e-9
    )
    np.testing.assert_allclose(
        [s.corrected_r for s in stats], rec["reference"]["explicit_numpy"]["r_drop"], rtol=1e-9
    )


def test_reverse_keyed_item_from_the_instrument(reference) -> None:
    rec = _record(reference, "m100x5_item3_reversed")
    k = rec["inputs"]["k"]
    items = [sq.Item(id=f"X{j + 1}", text=f"x{j + 1}", reverse=(j == 2)) for j in range(k)]
    inst = sq.Instrument(id="r", name="r", scale=sq.Scale(min=1, max=5), items=items)
    responses = sq.Responses.from_arrays(np.array(rec["inputs"]["data"], float), inst)
    stats = sq.item_total_correlations(responses)
    assert [s.id for s in stats] == ["X1", "X2", "X3", "X4", "X5"]
    assert stats[2].corrected_r > 0  # negative (-0.62) before reverse scoring
    flipped = np.array(rec["inputs"]["data"], float)
    flipped[:, 2] = 6 - flipped[:, 2]
    assert sq.cronbach_alpha(responses).value == pytest.approx(sq.cronbach_alpha(flipped).value)


def test_missing_rows_are_dropped_listwise() -> None:
    rows = [[4, 5, 4], [3, 3, 4], [5, 5, 5], [2, 3, 2], [4, 4, 3], [3, 4, 4]]
    with_missing = [*rows, [None, 2, 3], [1, float("nan"), 2]]
    a, b = sq.cronbach_alpha(rows), sq.cronbach_alpha(with_missing)
    assert a == b
    assert b.n == 6


def test_errors() -> None:
    with pytest.raises(InsufficientDataError, match="at least 2 items, got 1"):
        sq.cronbach_alpha([[1], [2], [3]])
    with pytest.raises(
        InsufficientDataError, match="at least 2 rows without missing answers, got 1"
    ):
        sq.cronbach_alpha([[1, 2], [None, 3]])
    with pytest.raises(InsufficientDataError, match="zero variance"):
        sq.cronbach_alpha([[3, 3], [3, 3], [3, 3]])
    with pytest.raises(ServqualTypeError, match="2-D array"):
        sq.cronbach_alpha([1, 2, 3])
    two = sq.item_total_correlations([[1, 2], [2, 3], [3, 5]])
    assert np.isnan(two[0].alpha_if_dropped)  # one item left: no alpha
