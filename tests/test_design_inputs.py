"""Design arguments as arrays, and lists of columns to mean/total/proportion.

Independent facts: R survey's stratified apistrat figures (design.json record 0, already
checked for named columns in test_design_reference.py) come out the same when the weights,
strata and fpc are given as arrays; a list of columns gives, row by row, the estimate of
each column alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DesignError, ParameterError


def _apistrat(reference: Any) -> dict[str, Any]:
    rec = reference("domains.json")["records"][0]
    data: dict[str, Any] = rec["inputs"]["data"]
    return data


def test_arrays_equal_named_columns(reference: Any) -> None:
    data = _apistrat(reference)
    named = sq.Design(data, weights="pw", strata="stype", fpc="fpc")
    plain = {k: v for k, v in data.items() if k not in ("pw", "stype", "fpc")}
    arrays = sq.Design(
        plain, weights=np.asarray(data["pw"]), strata=list(data["stype"]), fpc=data["fpc"]
    )
    assert arrays.mean("api00") == named.mean("api00")
    # the strata array is stored as the column _stratum, usable for domains too
    assert arrays.by("_stratum").mean("api00") == named.by("stype").mean("api00")
    assert {"_weight", "_stratum", "_fpc"} <= set(arrays.columns)


def test_array_arguments_are_checked() -> None:
    data = {"y": [1.0, 2.0, 3.0]}
    with pytest.raises(DesignError, match=r"weights has 2 values for 3 rows of data"):
        sq.Design(data, weights=[1.0, 2.0])
    with pytest.raises(DesignError, match=r"strata must be a column name or a 1-D array"):
        sq.Design(data, strata=[[1, 2, 3]])
    with pytest.raises(DesignError, match=r"already has a column '_weight'"):
        sq.Design({**data, "_weight": [1.0, 1.0, 1.0]}, weights=[1.0, 2.0, 3.0])
    with pytest.raises(DesignError, match=r"weights"):
        sq.Design(data, weights=[1.0, -2.0, 3.0])


def test_list_of_columns_is_one_table() -> None:
    d = sq.Design({"u1": [3, 4, 2, 4], "u2": [2.0, 2, 3, 4], "ok": ["y", "n", "y", "y"]})
    means = d.mean(["u1", "u2"])
    assert isinstance(means, sq.DomainResults)
    assert means == {"u1": d.mean("u1"), "u2": d.mean("u2")}
    assert d.total(("u1",)) == {"u1": d.total("u1")}
    assert d.proportion(["ok"], "y")["ok"] == d.proportion("ok", "y")
    frame = means.to_frame()
    assert frame.columns[0] == "column"
    assert frame["column"].tolist() == ["u1", "u2"]
    with pytest.raises(ParameterError, match=r"column names repeat in \['u1', 'u1'\]"):
        d.mean(["u1", "u1"])
    with pytest.raises(ParameterError, match=r"give a column name or a list of column names"):
        d.mean([])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=3, max_size=20))
def test_each_row_is_the_single_column_estimate(pairs: list[tuple[int, int]]) -> None:
    a, b = zip(*pairs, strict=True)
    if len(set(a)) < 2 or len(set(b)) < 2:
        return  # constant columns warn: covered elsewhere
    d = sq.Design({"a": list(a), "b": list(b)}, weights=np.linspace(1.0, 2.0, len(a)))
    table = d.mean(["a", "b"]).to_rows()
    for row, col in zip(table, ("a", "b"), strict=True):
        assert row.pop("column") == col
        single = d.mean(col).to_dict()
        assert list(row) == list(single)
        for key, value in single.items():
            assert row[key] == value or (value is None and np.isnan(row[key]))


def test_tuple_keys_give_one_column_per_by_column() -> None:
    # docs/frames.md: with several by columns the table has one key column per column
    d = sq.Design({"y": [3.0, 4, 2, 4, 3, 1], "desk": list("AABBAB"), "n": list("xxyyxy")})
    res = d.by(["desk", "n"]).mean("y")
    assert isinstance(res, sq.DomainResults)
    assert res.by == ("desk", "n")
    rows = res.to_rows()
    assert [(r["desk"], r["by_n"]) for r in rows] == [("A", "x"), ("B", "y")]
    assert [r["estimate"] for r in rows] == [res[k].value for k in res]
    frame = res.to_frame("polars")
    assert frame.columns[:3] == ["desk", "by_n", "estimate"]
    one = d.by(["desk"]).mean("y")  # one column: keys are its values, as with by="desk"
    assert list(one) == ["A", "B"]
    assert one.to_frame().columns[0] == "group"


def test_replicate_and_index_by_results_are_domain_results() -> None:
    jk = {f"r{i}": [0.0 if j == i else 6 / 5 for j in range(6)] for i in range(6)}
    data = {"y": [3.0, 4, 2, 4, 3, 1], "desk": list("AABBAB"), "w": [1.0] * 6, **jk}
    rep = sq.ReplicateDesign(data, weights="w", replicate_weights=list(jk), type="JK1")
    res = rep.by("desk").mean("y")
    assert isinstance(res, sq.DomainResults)
    assert res.to_frame()["group"].tolist() == ["A", "B"]
    survey = sq.data.load_demo()
    both = sq.skm_index(survey, by=["service", "gender"])
    assert isinstance(both, sq.DomainResults)
    frame = both.to_frame()
    assert list(zip(frame["service"], frame["gender"], strict=True)) == list(both)
