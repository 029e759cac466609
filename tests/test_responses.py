"""Responses constructors: records, arrays and frames give the same int8 codes and design."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import servqual as sq
from servqual.errors import (
    DataFormatError,
    DesignError,
    ItemError,
    ParameterError,
    RespondentError,
    ScaleError,
    ServqualTypeError,
    ValidationError,
)
from servqual.responses import MISSING

SKM = sq.instruments.SKM_2017
IDS = SKM.item_ids


def _scores(n: int = 6, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = rng.integers(1, 5, size=(n, 9)).astype(float)
    out[1, 2] = np.nan
    out[4, :] = np.nan  # a respondent who answered nothing stays
    return out


# --- from_arrays ---------------------------------------------------------------------
def test_from_arrays_codes_layout() -> None:
    scores = _scores()
    r = sq.Responses.from_arrays(scores, SKM)
    assert r.codes.dtype == np.int8
    assert r.codes.shape == (6, 9)
    assert not r.codes.flags.writeable
    assert r.codes[1, 2] == MISSING
    assert (r.codes[4] == MISSING).all()
    np.testing.assert_array_equal(r.values(), scores)
    assert r.n == len(r) == 6
    assert r.respondent_ids.tolist() == list(range(6))
    assert r.attributes == []


def test_from_arrays_accepts_none_and_int_lists() -> None:
    rows = [[4, 3, None, 2, 1, 4, 4, 3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1]]
    r = sq.Responses.from_arrays(rows, SKM)
    assert r.codes[0].tolist() == [3, 2, -1, 1, 0, 3, 3, 2, 2]
    ints = sq.Responses.from_arrays(np.array([[4] * 9, [2] * 9], dtype=np.uint8), SKM)
    assert ints.codes[:, 0].tolist() == [3, 1]


def test_from_arrays_design_and_attributes() -> None:
    scores = _scores()
    r = sq.Responses.from_arrays(
        scores,
        SKM,
        weights=[1.0, 2.0, 1.0, 2.0, 1.0, 2.0],
        strata=["a", "a", "a", "b", "b", "b"],
        fpc=[30, 30, 30, 40, 40, 40],
        attributes={"service": ["KTP"] * 3 + ["KK"] * 3},
        respondent_ids=["r1", "r2", "r3", "r4", "r5", "r6"],
    )
    assert r.design.weights.tolist() == [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]
    assert r.design.df == 4.0  # 6 PSUs - 2 strata (R degf)
    assert r.design.arrays.has_fpc
    assert r.attributes == ["service"]
    assert r.attribute("service").tolist() == ["KTP"] * 3 + ["KK"] * 3
    assert r.respondent_ids.tolist() == ["r1", "r2", "r3", "r4", "r5", "r6"]


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 30), st.just(9)),
        elements=st.one_of(st.integers(1, 4).map(float), st.just(np.nan)),
    )
)
def test_arrays_codes_values_round_trip(scores: np.ndarray) -> None:
    r = sq.Responses.from_arrays(scores, SKM)
    np.testing.assert_array_equal(r.values(), scores)
    np.testing.assert_array_equal(r.answered(), ~np.isnan(scores))
    # slow, obvious reference for the codes
    expected = [[-1 if np.isnan(v) else int(v) - 1 for v in row] for row in scores]
    assert r.codes.tolist() == expected


def test_reverse_item_values_flipped_codes_raw() -> None:
    inst = sq.Instrument(
        id="t",
        name="t",
        scale=sq.Scale(min=1, max=5),
        items=[sq.Item(id="a", text="a"), sq.Item(id="b", text="b", reverse=True)],
    )
    r = sq.Responses.from_arrays([[5, 5], [2, None]], inst)
    assert r.codes.tolist() == [[4, 4], [1, -1]]
    assert r.values()[:, 1].tolist()[0] == 1.0
    assert np.isnan(r.values()[1, 1])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (6, r"answer to item 'U3' in row 4 is 6, outside the scale 1–4"),
        (0, r"answer to item 'U3' in row 4 is 0, outside the scale 1–4"),
        (2.5, r"answer to item 'U3' in row 4 is 2.5, not an integer"),
        (np.inf, r"answer to item 'U3' in row 4 is inf, not an integer"),
        ("abc", r"answer to item 'U3' in row 4 is 'abc', not an integer"),
        (True, r"answer to item 'U3' in row 4 is True, not an integer \(a boolean"),
    ],
)
def test_from_arrays_bad_answer(value: object, message: str) -> None:
    rows: list[list[object]] = [[3] * 9 for _ in range(6)]
    rows[4][2] = value
    with pytest.raises(ScaleError, match=message):
        sq.Responses.from_arrays(np.array(rows, dtype=object), SKM)


def test_first_bad_answer_in_row_order_and_count() -> None:
    scores = np.full((20, 9), 3.0)
    scores[17, 2] = 6
    scores[19, 0] = 7
    with pytest.raises(ScaleError, match=r"item 'U3' in row 17 is 6, .*\(2 bad answers in all\)"):
        sq.Responses.from_arrays(scores, SKM)


def test_boolean_array_refused() -> None:
    with pytest.raises(ScaleError, match=r"item 'U1' in row 0 is True, not an integer"):
        sq.Responses.from_arrays(np.ones((2, 9), dtype=bool), SKM)


@pytest.mark.parametrize(
    ("scores", "error", "message"),
    [
        (np.full((0, 9), 3.0), RespondentError, r"no respondents: scores has 0 rows"),
        (np.full((3, 8), 3.0), DataFormatError, r"one column per item of 'skm-2017' \(9: U1, "),
        (np.full(9, 3.0), DataFormatError, r"got shape \(9,\)"),
        ([[1, 2], [1, 2, 3]], DataFormatError, r"scores must be a rectangular 2-D array"),
    ],
)
def test_from_arrays_bad_shape(scores: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        sq.Responses.from_arrays(scores, SKM)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"weights": [1, 1, -2, 1, 1, 1]},
            DesignError,
            r"weights must be a finite number >= 0; row 2 has -2",
        ),
        (
            {"weights": [1, 1, 1, np.nan, 1, np.nan]},
            DesignError,
            r"weights must be .*; row 3 has no value \(2 rows in all\)",
        ),
        ({"fpc": [0] * 6}, DesignError, r"fpc must be a finite number > 0; row 0 has 0"),
        ({"strata": ["a", None, "b", "b", "a", "a"]}, DesignError, r"strata .*row 1 has no value"),
        ({"weights": [1, 2]}, DataFormatError, r"weights must be a 1-D array .*\(6\), got"),
        ({"attributes": {"g": [1]}}, DataFormatError, r"attribute 'g' must be a 1-D array"),
        ({"attributes": {"_weight": [1] * 6}}, ValidationError, r"'_weight' is reserved"),
        (
            {"respondent_ids": ["a", "b", "c", "b", "e", "f"]},
            RespondentError,
            r"duplicate respondent id 'b' in row 1 and row 3",
        ),
        (
            {"respondent_ids": ["a", "b", None, "d", "e", "f"]},
            RespondentError,
            r"respondent id must be given for every respondent; row 2 has no value",
        ),
    ],
)
def test_from_arrays_bad_design(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        sq.Responses.from_arrays(_scores(), SKM, **kwargs)  # type: ignore[arg-type]


# --- from_records --------------------------------------------------------------------
def test_from_records_dicts_and_models() -> None:
    records = [
        {"respondent_id": "a", "answers": {"U1": 4, "U9": 1}, "attributes": {"g": "L"}},
        sq.Response(respondent_id="b", answers={"U2": 3, "U1": None}, attributes={"age": 30}),
        {"respondent_id": "c", "answers": {}},
    ]
    r = sq.Responses.from_records(iter(records), SKM)
    assert r.codes.tolist() == [
        [3, -1, -1, -1, -1, -1, -1, -1, 0],
        [-1, 2, -1, -1, -1, -1, -1, -1, -1],
        [-1] * 9,
    ]
    assert r.respondent_ids.tolist() == ["a", "b", "c"]
    assert r.attributes == ["g", "age"]
    assert r.attribute("g").tolist() == ["L", None, None]
    assert r.attribute("age").tolist() == [None, 30, None]
    assert r.design.weights.tolist() == [1.0, 1.0, 1.0]
    assert r.design.weights_column is None


def test_from_records_design_fields() -> None:
    records = [
        sq.Response(respondent_id=i, answers={"U1": 3}, weight=w, stratum=s, fpc=f)
        for i, (w, s, f) in enumerate(
            [(2.0, "x", 10), (1.0, "x", 10), (4.0, "y", 20), (4, "y", 20)]
        )
    ]
    r = sq.Responses.from_records(records, SKM)
    assert r.design.weights.tolist() == [2.0, 1.0, 4.0, 4.0]
    assert r.design.df == 2.0
    assert r.attributes == []  # design fields are not attributes


def test_from_records_equal_to_from_arrays() -> None:
    scores = _scores()
    records = [
        {
            "respondent_id": i,
            "answers": {
                k: (None if np.isnan(v) else int(v)) for k, v in zip(IDS, row, strict=True)
            },
        }
        for i, row in enumerate(scores)
    ]
    a = sq.Responses.from_records(records, SKM)
    b = sq.Responses.from_arrays(scores, SKM)
    np.testing.assert_array_equal(a.codes, b.codes)


@pytest.mark.parametrize(
    ("records", "error", "message"),
    [
        ([], RespondentError, r"no records: the survey has no respondents"),
        (
            [
                {"respondent_id": 1, "answers": {"U1": 3}},
                {"respondent_id": 2, "answers": {"U3": 6}},
            ],
            ScaleError,
            r"answer to item 'U3' in record 1 \(respondent 2\) is 6, outside the scale 1–4",
        ),
        (
            [
                {"respondent_id": 1, "answers": {"U1": 3}},
                {"respondent_id": 2, "answers": {"U3": 2.5}},
            ],
            ScaleError,
            r"answer to item 'U3' in record 1 is 2.5, not an integer",
        ),
        (
            [{"respondent_id": 1, "answers": {"U1": True}}],
            ScaleError,
            r"answer to item 'U1' in record 0 is True, not an integer",
        ),
        (
            [{"respondent_id": 1, "answers": {"U10": 3}}],
            ItemError,
            r"record 0 \(respondent 1\) answers unknown item 'U10'; instrument 'skm-2017'",
        ),
        (
            [{"respondent_id": "x", "answers": {}}, {"respondent_id": "x", "answers": {}}],
            RespondentError,
            r"duplicate respondent id 'x' in record 0 .* and record 1",
        ),
        (
            [{"respondent_id": 1, "answers": {}, "weight": -1}],
            DesignError,
            r"record 0: weight: .*greater than or equal to 0 \(got -1\)",
        ),
        (
            [
                {"respondent_id": 1, "answers": {}, "stratum": "a"},
                {"respondent_id": 2, "answers": {}},
            ],
            DesignError,
            r"strata must be given for every respondent; record 1 \(respondent 2\) has no value",
        ),
        (["not a record"], ServqualTypeError, r"record 0 must be a Response or a mapping, got str"),
        ({"respondent_id": 1}, ServqualTypeError, r"records must be an iterable"),
    ],
)
def test_from_records_bad(records: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        sq.Responses.from_records(records, SKM)  # type: ignore[arg-type]


def test_mixed_id_types_duplicate_check() -> None:
    records = [{"respondent_id": 1, "answers": {}}, {"respondent_id": "1", "answers": {}}]
    r = sq.Responses.from_records(records, SKM)  # 1 and "1" are different ids
    assert r.respondent_ids.tolist() == [1, "1"]
    with pytest.raises(RespondentError, match=r"duplicate respondent id 1 in record 0"):
        sq.Responses.from_records([*records, {"respondent_id": 1, "answers": {}}], SKM)


# --- from_frame ----------------------------------------------------------------------
def _frame_dict() -> dict[str, list[object]]:
    scores = _scores()
    data: dict[str, list[object]] = {"id": [f"r{i}" for i in range(6)]}
    data["service"] = ["KTP", "KK", "KTP", "KK", "KTP", "KK"]
    for j, item in enumerate(IDS):
        data[item] = [None if np.isnan(v) else int(v) for v in scores[:, j]]
    data["w"] = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]
    return data


@pytest.mark.parametrize("kind", ["dict", "pandas", "polars", "pyarrow"])
def test_from_frame_libraries(kind: str) -> None:
    data = _frame_dict()
    if kind == "pandas":
        frame: object = pd.DataFrame(data)
    elif kind == "polars":
        frame = pl.DataFrame(data)
    elif kind == "pyarrow":
        pa = pytest.importorskip("pyarrow")
        frame = pa.table(data)
    else:
        frame = data
    r = sq.Responses.from_frame(frame, SKM, weights="w", id_column="id")
    np.testing.assert_array_equal(r.codes, sq.Responses.from_arrays(_scores(), SKM).codes)
    assert r.respondent_ids.tolist() == data["id"]
    assert r.attributes == ["service", "w"]
    assert r.attribute("service").tolist() == data["service"]
    assert r.design.weights.tolist() == data["w"]


def test_from_frame_pandas_nullable_int() -> None:
    frame = pd.DataFrame({k: pd.array([4, None, 2], dtype="Int64") for k in IDS})
    r = sq.Responses.from_frame(frame, SKM)
    assert r.codes[:, 0].tolist() == [3, -1, 1]


@settings(max_examples=25, deadline=None)
@given(st.permutations(list(range(11))))
def test_column_permutation_gives_identical_codes(order: list[int]) -> None:
    data = _frame_dict()
    names = list(data)
    shuffled = pd.DataFrame({names[i]: data[names[i]] for i in order})
    r = sq.Responses.from_frame(shuffled, SKM)
    np.testing.assert_array_equal(r.codes, sq.Responses.from_arrays(_scores(), SKM).codes)


def test_from_frame_items_mapping() -> None:
    data = _frame_dict()
    data["q3"] = data.pop("U3")
    r = sq.Responses.from_frame(data, SKM, items={"U3": "q3"})
    assert r.codes[1, 2] == MISSING
    assert "q3" not in r.attributes
    with pytest.raises(ItemError, match=r"unknown item id 'U99'"):
        sq.Responses.from_frame(data, SKM, items={"U99": "q3"})


@pytest.mark.parametrize(
    ("change", "kwargs", "error", "message"),
    [
        ("drop U3", {}, DataFormatError, r"no column 'U3' for item 'U3' of 'skm-2017'"),
        ("none", {"weights": "weight"}, DataFormatError, r"weights column 'weight' is not in"),
        ("none", {"id_column": "rid"}, DataFormatError, r"id_column column 'rid' is not in"),
        ("empty", {}, RespondentError, r"no respondents: the frame has 0 rows"),
        ("bad", {"id_column": "id"}, ScaleError, r"item 'U2' in row 3 \(respondent 'r3'\) is 5"),
        ("dup", {"id_column": "id"}, RespondentError, r"duplicate respondent id 'r0' in row 0"),
        ("negw", {"weights": "w"}, DesignError, r"weights must be .* row 5 has -1"),
    ],
)
def test_from_frame_bad(
    change: str, kwargs: dict[str, str], error: type[Exception], message: str
) -> None:
    frame = pd.DataFrame(_frame_dict())
    if change == "drop U3":
        frame = frame.drop(columns="U3")
    elif change == "empty":
        frame = frame.iloc[:0]
    elif change == "bad":
        frame.loc[3, "U2"] = 5
    elif change == "dup":
        frame.loc[2, "id"] = "r0"
    elif change == "negw":
        frame.loc[5, "w"] = -1
    with pytest.raises(error, match=message):
        sq.Responses.from_frame(frame, SKM, **kwargs)  # type: ignore[arg-type]


def test_from_frame_float_column_with_nan() -> None:
    frame = pd.DataFrame(_scores(), columns=list(IDS))
    r = sq.Responses.from_frame(frame, SKM)
    np.testing.assert_array_equal(r.values(), _scores())


# --- attributes and design -----------------------------------------------------------
def test_attribute_unknown() -> None:
    r = sq.Responses.from_frame(_frame_dict(), SKM)
    with pytest.raises(ParameterError, match=r"no respondent attribute 'gender'; attributes: \["):
        r.attribute("gender")
    with pytest.raises(ParameterError, match=r"no respondent attribute '_respondent_id'"):
        r.attribute("_respondent_id")


def test_with_design() -> None:
    r = sq.Responses.from_frame(_frame_dict(), SKM, id_column="id")
    d = r.with_design(strata="service", weights="w", fpc=[30, 40] * 3)
    assert d.design.df == 4.0
    assert d.design.weights.tolist() == _frame_dict()["w"]
    assert d.codes is r.codes
    assert d.respondent_ids.tolist() == r.respondent_ids.tolist()
    plain = d.with_design()
    assert plain.design.weights_column is None
    with pytest.raises(ParameterError, match=r"no respondent attribute 'region'"):
        r.with_design(strata="region")
    with pytest.raises(DataFormatError, match=r"fpc must have one value per respondent \(6\)"):
        r.with_design(fpc=[1, 2])


def test_large_arrays_are_coded_quickly() -> None:
    # vectorized: 200,000 respondents x 9 items in well under a second
    rng = np.random.default_rng(3)
    scores = rng.integers(1, 5, size=(200_000, 9)).astype(np.float64)
    scores[rng.random(scores.shape) < 0.05] = np.nan
    r = sq.Responses.from_arrays(scores, SKM)
    assert int((r.codes == MISSING).sum()) == int(np.isnan(scores).sum())


def test_from_frame_duplicate_item_column() -> None:
    frame = pd.DataFrame(_frame_dict())
    frame = pd.concat([frame, frame[["U1"]]], axis=1)
    with pytest.raises(DataFormatError, match=r"column 'U1' must be 1-D, got shape \(6, 2\)"):
        sq.Responses.from_frame(frame, SKM)


def test_integer_matrix_out_of_scale_first_in_row_order() -> None:
    scores = np.full((5, 9), 2, dtype=np.int64)
    scores[3, 8] = 9
    scores[4, 0] = -3
    with pytest.raises(ScaleError, match=r"item 'U9' in row 3 is 9, outside the scale 1–4 \(2 "):
        sq.Responses.from_arrays(scores, SKM)


def test_with_design_keeps_reserved_design_columns() -> None:
    r = sq.Responses.from_arrays(_scores(), SKM, weights=[1.0, 2.0] * 3)
    again = r.with_design(weights=r.design.weights_column, fpc=[100] * 6)
    assert again.design.weights.tolist() == [1.0, 2.0] * 3
    assert again.design.arrays.has_fpc


def test_calibrated_responses_keep_answers_and_use_calibrated_design() -> None:
    frame = {f"U{j}": [4, 3, 3, 3, 2, 4] for j in range(1, 10)}
    frame["sex"] = ["L", "L", "L", "L", "P", "P"]
    r = sq.Responses.from_frame(frame, sq.instruments.SKM_2017)
    ps = r.poststratify("sex", {"L": 600, "P": 400})
    assert ps.codes is r.codes
    by_hand = sq.Responses(
        r.instrument, r.design.poststratify("sex", {"L": 600, "P": 400}), r.codes
    )
    assert sq.skm_index(ps).index == sq.skm_index(by_hand).index
    raked = r.rake({"sex": {"L": 600, "P": 400}})
    assert raked.design.weights.tolist() == pytest.approx(ps.design.weights.tolist())
    assert r.design.weights.tolist() == [1.0] * 6  # the original is unchanged


def test_codes_are_private_to_the_responses() -> None:
    # Writing to the caller's array afterwards must not change the survey (nor its
    # column-major copy), and the caller's array stays writeable.
    codes = np.repeat(np.array([[1], [2], [3], [2]], dtype=np.int8), 9, axis=1)
    r = sq.Responses(sq.instruments.SKM_2017, sq.Design({"i": np.arange(4)}), codes)
    before = sq.skm_index(r).index
    codes[:] = 0
    assert codes.flags.writeable
    assert r.codes.tolist() == [[1] * 9, [2] * 9, [3] * 9, [2] * 9]
    assert r.columns.tolist() == [[1, 2, 3, 2]] * 9
    assert sq.skm_index(r).index == before
    assert before.value == 25.0 * (1.0 + 2.0)  # mean code 2 → mean score 3


def test_unknown_column_lists_only_the_users_columns() -> None:
    from servqual._build import ID_COLUMN
    from servqual.design._shared import _RESPONDENT_ID

    assert ID_COLUMN == _RESPONDENT_ID
    r = sq.Responses.from_frame(
        {f"U{j}": [4, 3, 3] for j in range(1, 10)} | {"desk": ["A", "B", "A"]},
        sq.instruments.SKM_2017,
    )
    with pytest.raises(
        sq.errors.ValidationError, match=r"'unit' is not in the data; columns: \['desk'\]$"
    ):
        sq.skm_index(r, by="unit")
