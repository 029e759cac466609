"""read_csv in chunks: every chunk size and both tokenizers give the whole-file result.

Independent facts checked: the whole-file reading (one chunk, the ``csv`` module) is the
reference; a hand-written list of expected codes for the blank-row and long-cell cases;
tracemalloc for the memory of a file with one 131,000-character cell.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DataFormatError, ParameterError, ScaleError, ServqualTypeError

SKM = sq.instruments.SKM_2017
ITEMS = list(SKM.item_ids)
WHOLE = 10**9  # one chunk: the whole file

answer = st.sampled_from(["1", "2", "3", "4", "", " 2 ", "3.0", "nan"])
text = st.sampled_from(["KTP", "KK", " KK ", "", "Akta, lahir", 'say "hi"', "baris\nbaru", "é"])
weight = st.sampled_from(["1", "2.5", "0", "1e1", " 3 "])


def _cell(value: str, sep: str) -> str:
    if any(c in value for c in (sep, '"', "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def survey(draw: Any) -> tuple[str, int]:
    sep = draw(st.sampled_from([",", ";"]))
    n = draw(st.integers(1, 25))
    lines = [sep.join(["id", "service", *ITEMS, "w", "note"])]
    ids = draw(st.permutations(range(n)))
    for i in range(n):
        if draw(st.integers(0, 9)) == 0:  # a row of empty cells or an empty line
            lines.append(draw(st.sampled_from(["", sep * 12])))
        cells = [f"r{ids[i]}", draw(text), *[draw(answer) for _ in ITEMS], draw(weight)]
        cells.append(draw(text))
        lines.append(sep.join(_cell(c, sep) for c in cells))
    bom = "\ufeff" if draw(st.booleans()) else ""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return bom + newline.join(lines) + newline, n


def _read(path: Path, **kwargs: Any) -> sq.Responses:
    return sq.read_csv(path, SKM, id_column="id", weights="w", **kwargs)


def _same(a: sq.Responses, b: sq.Responses) -> None:
    np.testing.assert_array_equal(a.codes, b.codes)
    assert a.codes.dtype == b.codes.dtype == np.int8
    assert a.respondent_ids.tolist() == b.respondent_ids.tolist()
    assert a.attributes == b.attributes
    for name in a.attributes:
        assert a.attribute(name).tolist() == b.attribute(name).tolist()
    np.testing.assert_array_equal(a.design.weights, b.design.weights)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=survey(), chunk=st.integers(1, 30))
def test_every_chunk_size_and_engine_equals_whole_file(
    tmp_path: Path, data: tuple[str, int], chunk: int
) -> None:
    content, n = data
    path = tmp_path / "s.csv"
    path.write_bytes(content.encode("utf-8"))
    whole = _read(path, chunk_rows=WHOLE, engine="python")
    assert whole.n == n
    _same(_read(path, chunk_rows=chunk, engine="python"), whole)
    _same(_read(path, chunk_rows=chunk, engine="pyarrow"), whole)
    subset = _read(path, chunk_rows=chunk, attributes=["service"])
    assert subset.attributes == ["service", "w"]
    np.testing.assert_array_equal(subset.codes, whole.codes)


count = st.sampled_from(["4.210", "125.000", "4210", " 1.250 ", "", "0.5", "1.234.567"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    counts=st.lists(count, min_size=1, max_size=25),
    chunk=st.integers(1, 30),
    thousands=st.sampled_from([None, "."]),
)
def test_thousands_and_count_checks_do_not_depend_on_chunks(
    tmp_path: Path, counts: list[str], chunk: int, thousands: str | None
) -> None:
    # the weights and fpc columns read with thousands= (or refused without it) give the
    # same values, or the same error naming the same line, whatever the chunk size
    lines = [";".join(["id", *ITEMS, "w", "N"])]
    for i, c in enumerate(counts):
        lines.append(";".join([f"r{i}", *"343434343", "1.000", c]))
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def outcome(**kwargs: Any) -> object:
        try:
            r = sq.read_csv(path, SKM, id_column="id", thousands=thousands, **kwargs)
        except (DataFormatError, ParameterError, sq.errors.ValidationError) as exc:
            return type(exc), str(exc)
        return r.attribute("N").tolist(), r.design.weights.tolist()

    whole = outcome(chunk_rows=WHOLE, engine="python")
    assert outcome(chunk_rows=chunk, engine="python") == whole
    assert outcome(chunk_rows=chunk, engine="pyarrow") == whole


def test_blank_rows_dropped_at_chunk_boundaries(tmp_path: Path) -> None:
    rows = ["a,1,2,3,4,1,2,3,4,1", ",,,,,,,,,,", "", "b,4,,3,4,1,2,3,4,1", ",,,"]
    path = tmp_path / "b.csv"
    path.write_text("unit," + ",".join(ITEMS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    for engine in ("python", "pyarrow"):
        for chunk in (1, 2, 3, 100):
            r = sq.read_csv(path, SKM, chunk_rows=chunk, engine=engine)  # type: ignore[arg-type]
            assert r.codes[:, :3].tolist() == [[0, 1, 2], [3, -1, 2]]
            assert r.attribute("unit").tolist() == ["a", "b"]


def test_row_blank_in_read_columns_but_not_in_others_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "note," + ",".join(ITEMS) + "\nx,1,1,1,1,1,1,1,1,1\nonly a note,,,,,,,,,\n",
        encoding="utf-8",
    )
    for engine in ("python", "pyarrow"):
        r = sq.read_csv(path, SKM, attributes=[], engine=engine)  # type: ignore[arg-type]
        assert r.n == 2
        assert r.attributes == []
        assert r.codes[1].tolist() == [-1] * 9


def test_long_text_cell_costs_its_own_bytes(tmp_path: Path) -> None:
    # one 131,000-character cell in a 270 kB file: a fixed-width str array asked 10.7 GiB
    path = tmp_path / "long.csv"
    rows = [
        f"S{i % 3},{'x' * 131_000 if i == 5 else 'ok'}," + ",".join("3" * 9) for i in range(2000)
    ]
    path.write_text("service,comment," + ",".join(ITEMS) + "\n" + "\n".join(rows) + "\n")
    for engine in ("python", "pyarrow"):
        tracemalloc.start()
        r = sq.read_csv(path, SKM, engine=engine)  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(r.attribute("comment")[5]) == 131_000
        assert r.attribute("comment")[6] == "ok"
        assert peak < 64 * 2**20


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_bad_answers_counted_over_all_chunks(tmp_path: Path, engine: str) -> None:
    rows = [",".join(["3"] * 9)] * 10
    rows[4] = "3,3,7," + ",".join(["3"] * 6)  # line 6
    rows[8] = "9," + ",".join(["3"] * 8)
    path = tmp_path / "bad.csv"
    path.write_text(",".join(ITEMS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    message = r"item 'U3' in .*bad.csv line 6 is 7, outside the scale 1–4 \(2 bad answers in all\)"
    with pytest.raises(ScaleError, match=message):
        sq.read_csv(path, SKM, chunk_rows=3, engine=engine)  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["python", "pyarrow"])
def test_ragged_row_named_by_line_after_quoted_newline(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "rag.csv"
    path.write_text(
        "note," + ",".join(ITEMS) + '\n"two\nlines",' + ",".join("1" * 9) + "\nx,1,2\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError, match=r"rag.csv line 4 has 3 fields but the header has 10"):
        sq.read_csv(path, SKM, chunk_rows=1, engine=engine)  # type: ignore[arg-type]


def test_decode_error_gives_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    head = ",".join(ITEMS) + "\n" + "\n".join([",".join("2" * 9)] * 3000) + "\n"
    path.write_bytes(head.encode() + b"\xe9" + b",1,1,1,1,1,1,1,1\n")
    offset = len(head.encode())
    with pytest.raises(DataFormatError, match=rf"byte 0xe9 at position {offset};"):
        sq.read_csv(path, SKM, chunk_rows=7)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"chunk_rows": 0}, ParameterError, r"chunk_rows must be a positive integer, got 0"),
        ({"chunk_rows": True}, ParameterError, r"chunk_rows must be a positive integer"),
        ({"engine": "rust"}, ParameterError, r"engine must be one of .*'python'.*got 'rust'"),
        ({"attributes": "unit"}, ServqualTypeError, r"attributes must be a list of column"),
        ({"attributes": ["nope"]}, DataFormatError, r"has no attribute column 'nope'"),
    ],
)
def test_bad_options(tmp_path: Path, kwargs: dict[str, Any], error: type, message: str) -> None:
    path = tmp_path / "o.csv"
    path.write_text("unit," + ",".join(ITEMS) + "\na," + ",".join("1" * 9) + "\n")
    with pytest.raises(error, match=message):
        sq.read_csv(path, SKM, **kwargs)


def test_progress_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.csv"
    path.write_text(",".join(ITEMS) + "\n" + "\n".join([",".join("4" * 9)] * 50) + "\n")
    r = sq.read_csv(path, SKM, progress=True, chunk_rows=10)
    out = capsys.readouterr()
    assert r.n == 50
    assert out.out == ""
    assert "reading p.csv: 50 rows, 100%" in out.err


def test_pyarrow_engine_decodes_the_given_encoding(tmp_path: Path) -> None:
    # cp1252 "Ã©" is the bytes of UTF-8 "é": read as UTF-8 it would silently change
    path = tmp_path / "cp.csv"
    path.write_bytes(
        ("unit," + ",".join(ITEMS) + "\nDÃ©sa," + ",".join("2" * 9) + "\n").encode("cp1252")
    )
    for engine in ("python", "pyarrow"):
        r = sq.read_csv(path, SKM, encoding="cp1252", engine=engine)  # type: ignore[arg-type]
        assert r.attribute("unit").tolist() == ["DÃ©sa"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [('a"b', 'a"b'), ('"a"b', "ab"), (' "a"', '"a"'), ('"a" ', "a"), ('"a""b"', 'a"b')],
)
def test_odd_quoting_reads_alike_in_both_engines(tmp_path: Path, cell: str, expected: str) -> None:
    # the csv module's reading of quotes inside and around unquoted fields is the reference
    path = tmp_path / "q.csv"
    path.write_text(f"note,{','.join(ITEMS)}\n{cell},{','.join('1' * 9)}\n", encoding="utf-8")
    for engine in ("python", "pyarrow"):
        r = sq.read_csv(path, SKM, engine=engine)  # type: ignore[arg-type]
        assert r.attribute("note").tolist() == [expected]
