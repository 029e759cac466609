"""Integer answers are range-checked in their own type: same codes and errors as floats.

Reference: the float path of ``encode_matrix`` (cast to float64, check, code), which the
integer path replaces; and hand-written codes for a 1–4 scale.
"""

from __future__ import annotations

import re
import tracemalloc
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual._answers import encode_columns, encode_matrix
from servqual.errors import ScaleError

DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16]


def _row(i: int) -> str:
    return f"row {i}"


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    k=st.integers(1, 5),
    dtype=st.sampled_from(DTYPES),
    low=st.integers(0, 3),
    span=st.integers(1, 10),
    spill=st.booleans(),
)
def test_integer_path_equals_float_path(
    seed: int, n: int, k: int, dtype: Any, low: int, span: int, spill: bool
) -> None:
    rng = np.random.default_rng(seed)
    scale = sq.Scale(min=low, max=low + span)
    hi = low + span + (2 if spill else 0)
    scores = rng.integers(0 if spill else low, hi, size=(n, k), endpoint=True).astype(dtype)
    items = [f"Q{j}" for j in range(k)]
    try:
        expected = encode_matrix(scores.astype(np.float64), items, scale, _row)
    except ScaleError as exc:
        with pytest.raises(ScaleError, match=re.escape(str(exc))):
            encode_matrix(scores, items, scale, _row)
        with pytest.raises(ScaleError, match=re.escape(str(exc))):
            encode_columns(list(scores.T), items, scale, _row)
        return
    got = encode_matrix(scores, items, scale, _row)
    assert got.dtype == np.int8
    np.testing.assert_array_equal(got, expected)
    by_column = encode_columns(list(scores.T), items, scale, _row)  # frames give columns
    np.testing.assert_array_equal(by_column, expected)


def test_wide_valued_scale_codes_from_zero() -> None:
    scale = sq.Scale(min=200, max=210)
    scores = np.array([[200, 210], [205, 201]], dtype=np.int64)
    assert encode_matrix(scores, ["a", "b"], scale, _row).tolist() == [[0, 10], [5, 1]]


def test_int8_input_needs_no_float_copy() -> None:
    scores = np.random.default_rng(1).integers(1, 5, size=(200_000, 9)).astype(np.int8)
    tracemalloc.start()
    r = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    np.testing.assert_array_equal(r.codes, scores - 1)
    # one byte a cell for the codes and one for the mask; a float64 copy would be 8 more
    assert peak < 4 * scores.nbytes


def test_int8_out_of_range_names_row_and_item() -> None:
    scores = np.full((3, 9), 2, dtype=np.int8)
    scores[2, 4] = 5
    scores[1, 7] = -3
    with pytest.raises(
        ScaleError, match=r"item 'U8' in row 1 is -3, outside the scale 1–4 \(2 bad"
    ):
        sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
