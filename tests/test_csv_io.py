"""read_csv: BOM, ',' or ';', blank cells, item columns by header, errors naming file/line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import servqual as sq
from servqual.errors import DataFormatError, DesignError, RespondentError, ScaleError
from servqual.responses import MISSING

SKM = sq.instruments.SKM_2017
HEADER = ["id", "layanan", "U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8", "U9", "bobot"]
ROWS = [
    ["r1", "KTP", "4", "3", "3", "4", "3", "3", "4", "3", "3", "1.5"],
    ["r2", "KK", "3", "", "2", "4", "3", "3", "3", "3", "2", "2"],
    ["r3", "KTP", "2", "2", "2", "2", "2", "2", "2", "2", "2", "1"],
]


def _write(
    path: Path,
    rows: list[list[str]],
    sep: str = ",",
    *,
    bom: bool = False,
    newline: str = "\n",
    header: list[str] | None = None,
) -> Path:
    lines = [sep.join(header or HEADER)] + [sep.join(r) for r in rows]
    text = newline.join(lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _expected_codes() -> list[list[int]]:
    return [[int(c) - 1 if c else MISSING for c in row[2:11]] for row in ROWS]


@pytest.mark.parametrize("sep", [",", ";", "\t"])
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_separators_bom_newlines(tmp_path: Path, sep: str, bom: bool, newline: str) -> None:
    path = _write(tmp_path / "survey.csv", ROWS, sep, bom=bom, newline=newline)
    r = sq.read_csv(path, SKM, id_column="id")
    assert r.codes.tolist() == _expected_codes()
    assert r.respondent_ids.tolist() == ["r1", "r2", "r3"]
    assert r.attributes == ["layanan", "bobot"]
    assert r.attribute("layanan").tolist() == ["KTP", "KK", "KTP"]


def test_blank_answer_is_missing_and_row_stays(tmp_path: Path) -> None:
    r = sq.read_csv(_write(tmp_path / "a.csv", ROWS), SKM)
    assert r.n == 3
    assert r.codes[1, 1] == MISSING
    assert np.isnan(r.values()[1, 1])
    assert r.respondent_ids.tolist() == [0, 1, 2]


def test_item_columns_in_any_order(tmp_path: Path) -> None:
    order = [0, 1, *range(10, 1, -1), 11]  # items U9 … U1
    header = [HEADER[i] for i in order]
    rows = [[row[i] for i in order] for row in ROWS]
    r = sq.read_csv(_write(tmp_path / "b.csv", rows, header=header), SKM)
    assert r.codes.tolist() == _expected_codes()


def test_weights_with_decimal_comma(tmp_path: Path) -> None:
    rows = [[*row[:-1], row[-1].replace(".", ",")] for row in ROWS]
    path = _write(tmp_path / "c.csv", rows, ";")
    r = sq.read_csv(path, SKM, weights="bobot", strata="layanan")
    assert r.design.weights.tolist() == [1.5, 2.0, 1.0]
    assert r.design.df == 1.0  # 3 PSUs - 2 strata


def test_explicit_delimiter_and_encoding(tmp_path: Path) -> None:
    rows = [["r1", "Désa", *["4"] * 9, "1"]]
    path = tmp_path / "latin.csv"
    text = "|".join(HEADER) + "\n" + "|".join(rows[0]) + "\n"
    path.write_bytes(text.encode("latin-1"))
    r = sq.read_csv(path, SKM, delimiter="|", encoding="latin-1")
    assert r.attribute("layanan").tolist() == ["Désa"]
    with pytest.raises(DataFormatError, match=r"latin.csv is not valid utf-8: byte 0xe9"):
        sq.read_csv(path, SKM, delimiter="|")


def test_quoted_fields_and_trailing_empty_rows(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        ",".join(HEADER) + '\n"r1","Akta, kelahiran",4,4,4,4,4,4,4,4,4,1\n,,,,,,,,,,,\n\n',
        encoding="utf-8",
    )
    r = sq.read_csv(path, SKM)
    assert r.n == 1
    assert r.attribute("layanan").tolist() == ["Akta, kelahiran"]


def test_answer_outside_scale_names_file_line_item(tmp_path: Path) -> None:
    rows = [list(r) for _ in range(6) for r in ROWS]
    rows[15][4] = "6"  # item U3 of data row 15 = file line 17
    path = _write(tmp_path / "survey.csv", rows)
    with pytest.raises(ScaleError, match=r"answer to item 'U3' in .*survey.csv line 17 is 6, "):
        sq.read_csv(path, SKM)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2.5", r"item 'U2' in .*d.csv line 3 is 2.5, not an integer"),
        ("abc", r"item 'U2' in .*d.csv line 3 is 'abc', not an integer"),
        ("0", r"item 'U2' in .*d.csv line 3 is 0, outside the scale 1–4"),
    ],
)
def test_bad_answers(tmp_path: Path, cell: str, message: str) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][3] = cell
    with pytest.raises(ScaleError, match=message):
        sq.read_csv(_write(tmp_path / "d.csv", rows), SKM)


def test_missing_item_column(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "U3"]
    rows = [[c for h, c in zip(HEADER, r, strict=True) if h != "U3"] for r in ROWS]
    path = _write(tmp_path / "e.csv", rows, header=header)
    with pytest.raises(DataFormatError, match=r"e.csv has no column for item 'U3' of 'skm-2017'"):
        sq.read_csv(path, SKM)


def test_ragged_row(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[2] = rows[2][:-1]
    path = _write(tmp_path / "f.csv", rows)
    with pytest.raises(DataFormatError, match=r"f.csv line 4 has 11 fields but the header has 12"):
        sq.read_csv(path, SKM)


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("", DataFormatError, r"g.csv is empty: no header line"),
        (",".join(HEADER) + "\n", RespondentError, r"g.csv has a header but no data rows"),
        ("U1,U1,U2\n1,2,3\n", DataFormatError, r"g.csv line 1: column 'U1' appears twice"),
        (
            ",".join(HEADER) + ",_weight\n" + ",".join(ROWS[0]) + ",1\n",
            Exception,
            r"column name '_weight' is reserved",
        ),
    ],
)
def test_empty_and_bad_headers(
    tmp_path: Path, content: str, error: type[Exception], message: str
) -> None:
    path = tmp_path / "g.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error, match=message):
        sq.read_csv(path, SKM)


@pytest.mark.parametrize(
    ("column", "value", "kwargs", "error", "message"),
    [
        (11, "-1", {"weights": "bobot"}, DesignError, r"weights must be .*h.csv line 3 has -1"),
        (11, "", {"weights": "bobot"}, DesignError, r"weights must be .*h.csv line 3 has no value"),
        (11, "x", {"weights": "bobot"}, DesignError, r"weights must be .*h.csv line 3 has 'x'"),
        (
            1,
            "",
            {"strata": "layanan"},
            DesignError,
            r"strata must be given .*h.csv line 3 has no value",
        ),
        (
            0,
            "r1",
            {"id_column": "id"},
            RespondentError,
            r"duplicate respondent id 'r1' in .*h.csv line 2 and .*h.csv line 3",
        ),
        (
            0,
            " ",
            {"id_column": "id"},
            RespondentError,
            r"respondent id must be given .*h.csv line 3",
        ),
        (0, "r2", {"weights": "w"}, DataFormatError, r"h.csv has no weights column 'w'"),
    ],
)
def test_bad_design_columns(
    tmp_path: Path,
    column: int,
    value: str,
    kwargs: dict[str, str],
    error: type[Exception],
    message: str,
) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][column] = value
    with pytest.raises(error, match=message):
        sq.read_csv(_write(tmp_path / "h.csv", rows), SKM, **kwargs)  # type: ignore[arg-type]


def test_same_codes_as_from_arrays(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    scores = rng.integers(1, 5, size=(50, 9)).astype(float)
    scores[rng.random(scores.shape) < 0.1] = np.nan
    lines = [",".join(SKM.item_ids)]
    lines += [",".join("" if np.isnan(v) else str(int(v)) for v in row) for row in scores]
    path = tmp_path / "i.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = sq.read_csv(str(path), SKM)
    np.testing.assert_array_equal(r.codes, sq.Responses.from_arrays(scores, SKM).codes)
