"""``Sample``: JSON round trip, ``take`` in the frame's own library, ``to_design`` giving
the design R ``survey`` would build by hand (weights, strata, fpc), intercept sampling."""

from __future__ import annotations

import json

import numpy as np
import pytest

import servqual as sq
from servqual.errors import DataFormatError, ParameterError, ValidationError

smp = sq.sampling


def _draws():
    labels = ["ktp"] * 30 + ["akta"] * 20
    return [
        smp.simple_random(50, 8, seed=1),
        smp.simple_random(50, 8, seed=1, replace=True),
        smp.systematic(50, 8, seed=2),
        smp.bernoulli(50, 0.2, seed=3),
        smp.stratified(50, 10, strata=labels, seed=4),
        smp.pps(50, 5, sizes=np.arange(1, 51), method="brewer", seed=5),
        smp.pps(50, 5, sizes=np.arange(1, 51), seed=5),
    ]


@pytest.mark.parametrize("draw", _draws(), ids=lambda d: d.method)
def test_json_round_trip(draw):
    text = draw.model_dump_json()
    back = sq.Sample.model_validate_json(text)
    assert back == draw
    assert hash(back) == hash(draw)
    data = json.loads(text)
    assert data["positions"] == draw.positions.tolist()
    assert data["numpy_version"] == np.__version__
    assert data["generator"] == "PCG64"
    assert not back.positions.flags.writeable  # frozen arrays


def test_json_schema_describes_arrays():
    schema = sq.Sample.model_json_schema()
    assert schema["properties"]["positions"]["items"] == {"type": "integer"}


def test_redraw_from_the_record():
    draw = smp.stratified(50, 10, strata=["a"] * 25 + ["b"] * 25, seed=99)
    rec = json.loads(draw.model_dump_json())
    again = smp.stratified(
        rec["population_size"],
        dict(zip(rec["stratum_labels"], rec["sample_sizes"], strict=False)),
        strata=["a"] * 25 + ["b"] * 25,
        seed=rec["seed"],
    )
    assert again == draw


def test_take_in_each_library():
    s = smp.simple_random(6, 3, seed=7)
    pos = s.positions.tolist()
    ids = [f"r{i}" for i in range(6)]
    assert s.take(ids) == [ids[i] for i in pos]
    assert s.take(tuple(ids)) == tuple(ids[i] for i in pos)
    assert s.take(np.array(ids)).tolist() == [ids[i] for i in pos]
    assert s.take(6).tolist() == pos
    cols = s.take({"id": ids, "score": list(range(6))})
    assert cols["score"].tolist() == pos
    pd = pytest.importorskip("pandas")
    out = s.take(pd.DataFrame({"id": ids}, index=range(10, 16)))
    assert isinstance(out, pd.DataFrame)
    assert out["id"].tolist() == [ids[i] for i in pos]
    pl = pytest.importorskip("polars")
    out = s.take(pl.DataFrame({"id": ids}))
    assert isinstance(out, pl.DataFrame)
    assert out["id"].to_list() == [ids[i] for i in pos]
    pa = pytest.importorskip("pyarrow")
    out = s.take(pa.table({"id": ids}))
    assert isinstance(out, pa.Table)
    assert out.column("id").to_pylist() == [ids[i] for i in pos]


def test_frames_of_each_library_give_the_same_draw():
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    pa = pytest.importorskip("pyarrow")
    desk = ["A", "B"] * 20
    want = smp.stratified(40, 10, strata=desk, seed=3)
    for frame in (
        pd.DataFrame({"desk": desk}),
        pl.DataFrame({"desk": desk}),
        pa.table({"desk": desk}),
        {"desk": desk},
    ):
        assert smp.stratified(frame, 10, strata="desk", seed=3) == want


def test_to_design_stratified_matches_design_by_hand():
    labels = ["ktp"] * 30 + ["akta"] * 20
    s = smp.stratified(50, 10, strata=labels, seed=4)
    scores = np.linspace(2.0, 4.0, len(s))
    d = s.to_design({"score": scores})
    # the same design typed by hand, R: svydesign(ids=~1, strata=~h, fpc=~N_h, data=...)
    hand = sq.Design(
        {"score": scores, "h": s.strata, "N_h": s.unit_population_sizes},
        strata="h",
        fpc="N_h",
    )
    a, b = d.mean("score"), hand.mean("score")
    assert a.value == pytest.approx(b.value, rel=1e-12)
    assert a.se == pytest.approx(b.se, rel=1e-12)
    assert d.df == 8


def test_to_design_srs_fpc_and_subset():
    s = smp.simple_random(60, 10, seed=2)
    scores = np.arange(10, dtype=float) % 4 + 1
    d = s.to_design({"score": scores})
    # R: svydesign(ids=~1, fpc=~N): se = sqrt((1 - n/N) s^2 / n)
    se = np.sqrt((1 - 10 / 60) * scores.var(ddof=1) / 10)
    assert d.mean("score").se == pytest.approx(se, rel=1e-12)
    # non-response: 7 answers, any order, matched by position
    keep = [6, 0, 3, 9, 1, 4, 8]
    sub = s.to_design({"score": scores[keep], "pos": s.positions[keep]}, position="pos")
    assert sub.weights.tolist() == [6.0] * 7
    with pytest.raises(DataFormatError, match="data has 3 rows but the sample has 10 units"):
        s.to_design({"score": [1, 2, 3]})
    unknown = int(np.setdiff1d(np.arange(60), s.positions)[0])
    with pytest.raises(
        DataFormatError, match=f"row 0 has position {unknown}, which was not selected"
    ):
        s.to_design({"score": [1.0], "pos": [unknown]}, position="pos")
    with pytest.raises(ValidationError, match="already has a column 'sampling_weight'"):
        s.to_design({"score": scores, "sampling_weight": scores})


def test_to_design_without_fpc_for_pps_and_replacement():
    s = smp.pps(20, 4, sizes=np.arange(1, 21), seed=1)
    d = s.to_design({"y": [1.0, 2.0, 3.0, 4.0]})
    assert not d.arrays.has_fpc
    assert d.total("y").value == pytest.approx(float(np.dot(s.weights, [1, 2, 3, 4])))


def test_every_kth_selector():
    pick = smp.every_kth(5, seed=2)
    start = pick.start
    assert start == min(int(np.random.default_rng(2).random() * 5), 4)  # documented start
    one_by_one = [t for t in range(23) if pick()]
    assert one_by_one == list(range(start, 23, 5))
    other = smp.every_kth(5, seed=2)
    chunked = np.concatenate([other.feed(7), other.feed(16)])
    assert np.flatnonzero(chunked).tolist() == one_by_one
    s = pick.sample()
    assert s.population_size == 23
    assert s.positions.tolist() == one_by_one
    assert np.all(s.weights == 5.0)
    assert pick.selects(start + 10)
    assert not pick.selects(start + 1)
    with pytest.raises(ParameterError, match="k must be at least 1, got 0"):
        smp.every_kth(0, seed=1)


def test_reservoir_chunks_equal_one_by_one():
    items = [f"v{i}" for i in range(200)]
    single = smp.Reservoir(7, seed=11)
    for it in items:
        single.add(it)
    rng = np.random.default_rng(0)
    for _ in range(5):
        chunked = smp.Reservoir(7, seed=11)
        cuts = np.sort(rng.choice(np.arange(1, 200), size=6, replace=False)).tolist()
        for a, b in zip([0, *cuts], [*cuts, 200], strict=False):
            chunked.extend(items[a:b])
        assert chunked.items == single.items
        assert chunked.positions.tolist() == single.positions.tolist()
    assert single.items == [items[i] for i in single.positions]


def test_reservoir_is_algorithm_r():
    # slow Algorithm R with the documented draws
    rng = np.random.default_rng(3)
    slots = list(range(4))
    for t in range(4, 50):
        j = int(np.floor(rng.random() * (t + 1)))
        if j < 4:
            slots[j] = t
    r = smp.Reservoir(4, seed=3)
    r.extend(range(50))
    assert r.positions.tolist() == sorted(slots)
    s = r.sample()
    assert s.population_size == 50
    assert np.all(s.weights == 12.5)


def test_reservoir_before_full():
    r = smp.Reservoir(5, seed=1)
    assert r.add("a") is True
    r.extend(["b", "c"])
    assert r.items == ["a", "b", "c"]
    assert r.sample().inclusion_probabilities.tolist() == [1.0] * 3
    with pytest.raises(ParameterError, match="size must be at least 1"):
        smp.Reservoir(0, seed=1)
