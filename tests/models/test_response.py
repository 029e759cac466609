"""Response: one respondent's record; strict answers, design fields, JSON round trip."""

from __future__ import annotations

import json
import math

import numpy as np
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

import servqual as sq


def test_defaults() -> None:
    r = sq.Response(respondent_id="r1", answers={"U1": 4})
    assert r.attributes == {}
    assert r.weight == 1.0
    assert (r.stratum, r.cluster, r.fpc) == (None, None, None)


def test_integral_floats_and_numpy_ints_become_int() -> None:
    r = sq.Response(respondent_id=7, answers={"U1": 3.0, "U2": np.int64(2), "U3": math.nan})
    assert r.answers == {"U1": 3, "U2": 2, "U3": None}
    assert type(r.answers["U1"]) is int


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2.5, r"answer to item 'U3' is 2.5, not an integer"),
        ("abc", r"answer to item 'U3' is 'abc', not an integer"),
        ("3", r"answer to item 'U3' is '3', not an integer"),
        (True, r"answer to item 'U3' is True, not an integer \(a boolean is not a rating\)"),
        (np.bool_(False), r"answer to item 'U3' is .*False.*, not an integer"),
        (math.inf, r"answer to item 'U3' is inf, not an integer"),
    ],
)
def test_non_integer_answers_refused(value: object, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        sq.Response(respondent_id="r1", answers={"U3": value})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weight": -1.0}, r"weight\n.*greater than or equal to 0"),
        ({"weight": math.nan}, r"weight\n.*finite number"),
        ({"weight": math.inf}, r"weight\n.*finite number"),
        ({"fpc": 0}, r"fpc\n.*greater than 0"),
        ({"respondent_id": True}, r"respondent_id must be a str or int, got True"),
        ({"answers": {"": 1}}, r"item ids must be non-empty strings, got ''"),
        ({"answers": [1, 2]}, r"answers\n.*valid dictionary"),
        ({"comment": "x"}, r"Extra inputs are not permitted"),
    ],
)
def test_invalid_records(kwargs: dict[str, object], message: str) -> None:
    data: dict[str, object] = {"respondent_id": "r1", "answers": {"U1": 1}}
    data.update(kwargs)
    with pytest.raises(pydantic.ValidationError, match=message):
        sq.Response.model_validate(data)


def test_json_round_trip() -> None:
    r = sq.Response(
        respondent_id="r001",
        answers={"U1": 4, "U2": None},
        attributes={"service": "KTP-el", "age": 34, "first_visit": True, "score": 2.5},
        weight=12.5,
        stratum="kecamatan-1",
        cluster=3,
        fpc=400,
    )
    again = sq.Response.model_validate_json(r.model_dump_json())
    assert again == r
    assert type(again.attributes["age"]) is int
    assert type(again.attributes["first_visit"]) is bool


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=4),
        st.one_of(st.none(), st.integers(-100, 100)),
        max_size=6,
    ),
    st.one_of(st.integers(0, 10**6), st.text(max_size=8)),
)
def test_json_round_trip_property(answers: dict[str, int | None], rid: int | str) -> None:
    r = sq.Response(respondent_id=rid, answers=answers)
    assert sq.Response.model_validate_json(r.model_dump_json()) == r


def test_json_schema() -> None:
    schema = sq.Response.model_json_schema()
    assert schema["required"] == ["respondent_id", "answers"]
    assert schema["additionalProperties"] is False
    answers = schema["properties"]["answers"]["additionalProperties"]
    assert {"type": "integer"} in answers["anyOf"]
    json.dumps(schema)
