"""Results as frames: DomainResults.to_frame equals R svyby's table (domains.json, record 0),
pandas and polars give equal frames, and index results list each estimate by its path."""

from __future__ import annotations

import math
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.models.frames import FRAME_COLUMNS, estimate_rows

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")

COLUMNS = ["group", *FRAME_COLUMNS]


def _apistrat(reference: Any) -> tuple[sq.Design, dict[str, Any]]:
    rec = reference("domains.json")["records"][0]
    design = sq.Design(rec["inputs"]["data"], weights="pw", strata="stype", fpc="fpc")
    return design, rec["reference"]


def test_by_mean_frame_is_the_svyby_table(reference: Any) -> None:
    # R: svyby(~api00, ~stype, dstrat, svymean); confint(res, df = degf(dstrat))
    design, ref = _apistrat(reference)
    res = design.by("stype").mean("api00")
    assert isinstance(res, sq.DomainResults)
    assert isinstance(res, dict)
    assert res.by == "stype"
    frame = res.to_frame()
    assert list(frame.columns) == COLUMNS
    assert frame["group"].tolist() == ref["domains"]
    np.testing.assert_allclose(frame["estimate"], ref["estimate"], rtol=1e-9)
    np.testing.assert_allclose(frame["se"], ref["se"], rtol=1e-9)
    np.testing.assert_allclose(frame["ci_low"], ref["ci_t"]["0.95"]["lower"], rtol=1e-9)
    np.testing.assert_allclose(frame["ci_high"], ref["ci_t"]["0.95"]["upper"], rtol=1e-9)
    assert frame["df"].tolist() == [ref["degf"]] * 3
    assert frame["n"].tolist() == ref["n_sample"]
    assert set(frame["method"]) == {"t"}
    assert frame["level"].tolist() == [0.95] * 3


def test_pandas_and_polars_frames_are_equal(reference: Any) -> None:
    design, _ = _apistrat(reference)
    for res in (
        design.by("stype").mean("api00"),
        design.by("stype").total("enroll"),
        design.by("stype").proportion("sch.wide", "Yes"),
        design.proportions("stype"),
    ):
        a = res.to_frame("pandas")
        b = res.to_frame("polars").to_pandas()
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
        assert a.dtypes["n"].kind == "i"
        assert b.dtypes["n"].kind == "i"


def test_index_results_list_every_estimate() -> None:
    demo = sq.data.load_demo()
    skm = sq.skm_index(demo, by="service")
    frame = skm.to_frame()
    assert list(frame.columns) == ["group", *FRAME_COLUMNS]  # one estimate: the index
    assert frame["estimate"].tolist() == [r.index.value for r in skm.values()]
    assert frame["ci_low"].tolist() == [r.index.ci.low for r in skm.values()]
    scores = np.array([5, 4, 3, 5, 2, 4, 5, 1, 4, 5] * 4)
    csat = sq.csat(
        sq.Responses.from_arrays(
            scores[:, None], sq.instruments.CSAT, attributes={"g": scores % 2}
        ),
        by="g",
    )
    assert [name for name, _ in estimate_rows(csat["0"])] == ["top_box.", "mean."]
    table = csat.to_frame()
    assert list(table.columns) == ["group", "quantity", *FRAME_COLUMNS]
    assert table["quantity"].tolist() == ["top_box", "mean", "top_box", "mean"]
    assert table["estimate"].tolist()[:2] == [csat["0"].top_box.value, csat["0"].mean.value]
    scores = np.tile(np.arange(11), 6)
    nps = sq.nps(
        sq.Responses.from_arrays(scores[:, None], sq.instruments.NPS, attributes={"g": scores % 2}),
        by="g",
    )
    polars_table = nps.to_frame("polars")
    assert polars_table.columns == ["group", *FRAME_COLUMNS]
    assert polars_table["estimate"].to_list() == [nps["0"].nps.value, nps["1"].nps.value]


def test_missing_df_and_deff_are_nan_and_bad_backend() -> None:
    res = sq.DomainResults({"a": sq.mean_ci([1, 2, 3]).model_copy(update={"df": None})}, by="x")
    row = res.to_rows()[0]
    assert math.isnan(row["df"])
    assert math.isnan(row["deff"])
    with pytest.raises(
        ParameterError, match=r"backend must be one of \['pandas', 'polars'\], got 'arrow'"
    ):
        res.to_frame("arrow")  # type: ignore[arg-type]
    again = pickle.loads(pickle.dumps(res))
    assert again == res
    assert again.by == "x"


def test_skm_result_to_frame_is_the_element_table() -> None:
    res = sq.skm_index(sq.data.load_demo())
    a, b = res.to_frame(), res.to_frame("polars").to_pandas()
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert a.to_dict("records") == res.element_table()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("ABC"), st.integers(1, 4)), min_size=6, max_size=30),
)
def test_rows_are_the_estimates(data: list[tuple[str, int]]) -> None:
    """Property: each frame row is exactly the domain's Estimate.to_dict (slow reference)."""
    groups = [g for g, _ in data]
    if min(groups.count(g) for g in set(groups)) < 2:
        return
    d = sq.Design({"g": groups, "y": [float(y) for _, y in data]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # a constant group: se 0
        res = d.by("g").mean("y")
    frame = res.to_frame()
    for i, (group, est) in enumerate(res.items()):
        row = frame.iloc[i].to_dict()
        assert row.pop("group") == group
        expected = {k: (math.nan if v is None else v) for k, v in est.to_dict().items()}
        for key, value in expected.items():
            assert row[key] == value or (math.isnan(row[key]) and math.isnan(value))


def test_ipa_by_group_lists_item_estimates() -> None:
    rng = np.random.default_rng(5)
    perf = rng.integers(1, 5, size=(40, 9))
    imp = rng.integers(1, 5, size=(40, 9))
    desk = {"desk": np.array(["A", "B"] * 20)}
    p = sq.Responses.from_arrays(perf, "skm-2017", attributes=desk)
    i = sq.Responses.from_arrays(imp, "skm-2017", attributes=desk)
    res = sq.ipa(p, i, by="desk")
    frame = res.to_frame()
    assert len(frame) == 2 * 9 * 2  # groups × items × (importance, performance)
    first = frame.iloc[0]
    assert (first["group"], first["quantity"]) == ("A", "items.U1.importance")
    assert first["estimate"] == res["A"].items[0].importance.value
    pd.testing.assert_frame_equal(frame, res.to_frame("polars").to_pandas(), check_dtype=False)


def test_replicate_design_domains_are_a_table_too() -> None:
    rng = np.random.default_rng(2)
    n = 30
    reps = {f"r{j}": rng.uniform(0.5, 2.0, n) for j in range(6)}
    data = {"y": rng.integers(1, 5, n).astype(float), "g": np.array(list("AB") * 15),
            "w": np.ones(n), **reps}  # fmt: skip
    design = sq.ReplicateDesign(data, weights="w", replicate_weights=list(reps))
    res = design.by("g").mean("y")
    assert isinstance(res, sq.DomainResults)
    assert res.by == "g"
    frame = res.to_frame("polars")
    assert frame["group"].to_list() == ["A", "B"]
    assert frame["se"].to_list() == [res["A"].se, res["B"].se]
