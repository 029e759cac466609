"""``servqual screen``: formats, the unvalidated-file fallback, exit codes and errors.
Figures are those of sq.screen on the same data (checked against R and slow loops in
tests/screening/)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

import servqual as sq
from servqual.cli import main
from servqual.screening import demo_survey


def _write_demo(path: Path, *, bad_answer: bool = False, repeat_id: bool = False) -> Path:
    r = demo_survey()
    values = r.values()
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["form", *r.instrument.item_ids, "staff", "mode", "submitted"])
        for i in range(r.n):
            answers = [int(x) for x in values[i]]
            if bad_answer and i == 3:
                answers[1] = 7
            form = "F001" if repeat_id and i == 1 else r.respondent_ids[i]
            extra = [r.attribute(c)[i] for c in ("staff", "mode", "submitted")]
            w.writerow([form, *answers, *extra])
    return path


def test_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Data-quality screening\n")
    s = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    assert f"flagged: {len(s.flagged_ids)} " in out
    assert "departing from the rest: Eko." in out


def test_file_json_equals_the_library(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write_demo(tmp_path / "survey.csv")
    args = ["--id-column", "form", "--interviewer", "staff", "--mode", "mode"]
    assert main(["screen", str(path), *args, "--timestamp", "submitted", "--format", "json"]) == 0
    got = sq.Screening.model_validate_json(capsys.readouterr().out)
    want = sq.screen(demo_survey(), interviewer="staff", mode="mode", timestamp="submitted")
    assert got.flagged_ids == want.flagged_ids
    assert got.duplicates == want.duplicates
    assert got.sensitivity is not None
    assert got.sensitivity.kept.value == pytest.approx(want.sensitivity.kept.value, rel=1e-12)


def test_out_of_range_and_repeated_ids_are_screened_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_demo(tmp_path / "raw.csv", bad_answer=True, repeat_id=True)
    assert main(["screen", str(path), "--id-column", "form", "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["out_of_range"] == {"count": 1, "items": {"U2": 1}, "ids": ["F004"]}
    assert ["F001", "F001"] in got["duplicates"]
    assert got["sensitivity"] is None


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_formats_and_language(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--demo", "--format", fmt, "--language", "id"]) == 0
    out = capsys.readouterr().out
    assert "Pemeriksaan kualitas data" in out
    assert ("<table" in out) == (fmt == "html")


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "screen.md"
    assert main(["screen", "--demo", "--format", "markdown", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("## Data-quality screening")


def test_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen"]) == 2
    assert "give FILE.csv or --demo" in capsys.readouterr().err
    path = _write_demo(tmp_path / "s.csv")
    assert main(["screen", str(path), "--interviewer", "desk"]) == 2
    assert "no respondent attribute 'desk'" in capsys.readouterr().err
    assert main(["screen", str(tmp_path / "none.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["screen", "--demo", "--level", "2"]) == 2
    bad = _write_demo(tmp_path / "bad.csv", bad_answer=True)
    assert main(["screen", str(bad), "--interviewer", "desk"]) == 2
    assert "no column 'desk'" in capsys.readouterr().err
    assert np.isfinite(0.0)
