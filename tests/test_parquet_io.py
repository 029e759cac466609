"""``sq.read_parquet`` reads the same responses as ``Responses.from_frame`` of the table.

Independent fact: the in-memory constructor on the same columns (pyarrow writes the
file; the reader codes it one batch at a time, here forced to 7 rows per batch).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import servqual as sq
from servqual import parquet_io
from servqual.cli import main
from servqual.data import demo_path
from servqual.errors import DataFormatError, RespondentError, ScaleError
from servqual.report import Report

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pacsv = pytest.importorskip("pyarrow.csv")

SKM = sq.instruments.SKM_2017


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_io, "_BATCH", 7)


def _table(n: int = 40, seed: int = 5) -> Any:
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {f"U{j}": rng.integers(1, 5, n) for j in range(1, 10)}
    answers = cols["U4"].astype(float)
    answers[::6] = np.nan
    cols["U4"] = pa.array(answers, from_pandas=True).cast(pa.int64())
    cols |= {
        "desk": rng.choice(["A", "B", "C"], n),
        "w": rng.uniform(1, 3, n),
        "village": rng.integers(0, 6, n),
        "note": ["x"] * n,
    }
    return pa.table(cols)


def _write(table: Any, tmp_path: Path, name: str = "survey.parquet") -> Path:
    path = tmp_path / name
    pq.write_table(table, path, row_group_size=9)
    return path


def test_same_responses_as_from_frame(tmp_path: Path) -> None:
    table = _table()
    path = _write(table, tmp_path)
    got = sq.read_parquet(path, SKM, weights="w", clusters="village", attributes=["desk"])
    want = sq.Responses.from_frame(table.to_pandas(), SKM, weights="w", clusters="village")
    assert np.array_equal(got.codes, want.codes)
    assert got.attributes == ["w", "village", "desk"]  # only what was asked for is read
    a, b = sq.skm_index(got, by="desk"), sq.skm_index(want, by="desk")
    assert {k: v.index.value for k, v in a.items()} == {k: v.index.value for k, v in b.items()}
    assert a["A"].index.se == pytest.approx(b["A"].index.se, rel=1e-12)


def test_all_other_columns_by_default_and_items_mapping(tmp_path: Path) -> None:
    table = _table().rename_columns(
        ["q1", *[f"U{j}" for j in range(2, 10)], "desk", "w", "village", "note"]
    )
    got = sq.read_parquet(_write(table, tmp_path), SKM, items={"U1": "q1"})
    assert got.attributes == ["desk", "w", "village", "note"]
    assert got.codes[:, 0].tolist() == (np.asarray(table["q1"]) - 1).tolist()


def test_answer_outside_the_scale_names_file_row_and_item(tmp_path: Path) -> None:
    table = _table()
    u3 = np.asarray(table["U3"]).copy()
    u3[23] = 7  # in the fourth batch of 7 rows
    path = _write(table.set_column(2, "U3", pa.array(u3)), tmp_path)
    with pytest.raises(
        ScaleError,
        match=r"answer to item 'U3' in .*survey\.parquet row 23 is 7, outside the scale 1–4",
    ):
        sq.read_parquet(path, SKM)


def test_bad_files_and_columns(tmp_path: Path) -> None:
    path = _write(_table(), tmp_path)
    with pytest.raises(DataFormatError, match=r"has no clusters column 'psu'"):
        sq.read_parquet(path, SKM, clusters="psu")
    with pytest.raises(DataFormatError, match=r"has no column 'U9' for item 'U9'"):
        sq.read_parquet(_write(_table().drop(["U9"]), tmp_path, "short.parquet"), SKM)
    with pytest.raises(DataFormatError, match=r"has no column 'unit'"):
        sq.read_parquet(path, SKM, attributes=["unit"])
    text = tmp_path / "survey.csv"
    text.write_text("U1\n1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"is not a readable Parquet file"):
        sq.read_parquet(text, SKM)
    with pytest.raises(DataFormatError, match=r"is not a Parquet file"):
        sq.read_parquet(tmp_path / "absent.parquet", SKM)
    with pytest.raises(RespondentError, match=r"has no rows"):
        sq.read_parquet(_write(_table().slice(0, 0), tmp_path, "empty.parquet"), SKM)


def test_report_of_a_parquet_file_equals_the_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.parquet"
    pq.write_table(pacsv.read_csv(demo_path()), path, row_group_size=50)
    design = ["--strata", "service", "--fpc", "population"]
    assert main(["report", str(demo_path()), "--format", "json", *design]) == 0
    from_csv = Report.model_validate_json(capsys.readouterr().out)
    assert main(["report", str(path), "--format", "json", *design]) == 0
    from_parquet = Report.model_validate_json(capsys.readouterr().out)
    assert from_parquet.overall == from_csv.overall
    assert from_parquet.method == from_csv.method


def test_report_of_a_parquet_file_by_group_and_text_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.parquet"
    pq.write_table(pacsv.read_csv(demo_path()), path, row_group_size=50)
    design = ["--strata", "service", "--fpc", "population", "--by", "service", "--quiet"]
    assert main(["report", str(demo_path()), "--format", "json", *design]) == 0
    from_csv = Report.model_validate_json(capsys.readouterr().out)
    assert main(["report", str(path), "--format", "json", *design]) == 0
    from_parquet = Report.model_validate_json(capsys.readouterr().out)
    assert from_parquet.groups == from_csv.groups
    assert main(["report", str(path), "--thousands", ".", *design]) == 2
    assert "--thousands is for numbers written as text" in capsys.readouterr().err
    assert main(["report", str(path), "--by", "U1"]) == 2
    assert "--by U1: 'U1' is an answer to the instrument" in capsys.readouterr().err
