"""``servqual sample-size`` and ``servqual sample``: figures equal the library's (checked
against sample_size.json elsewhere), the written rows are the draw, bad input exits 2."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import servqual as sq
from servqual.cli import main


def _frame(tmp_path: Path, n: int = 60) -> Path:
    path = tmp_path / "frame.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "desk", "score"])
        for i in range(n):
            w.writerow([f"a{i}", "B" if i % 3 == 0 else "A", i % 4 + 1])
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_sample_size_side_by_side(capsys):
    assert main(["sample-size", "--population", "1200"]) == 0
    out = capsys.readouterr().out
    lines = {ln.split("  ")[0].strip(): ln.split() for ln in out.splitlines()[2:]}
    # Krejcie–Morgan 291 (table row 1200), Slovin 1200/(1 + 1200·0.0025) = 300, Cochran 292
    assert lines["Krejcie-Morgan (formula)"][2] == "291"
    assert lines["Krejcie-Morgan (table)"][2] == "291"
    assert lines["Slovin"][1] == "300"
    assert lines["Cochran (proportion)"][2] == "292"


def test_sample_size_margin(capsys):
    assert main(["sample-size", "--population", "100", "--margin", "0.1"]) == 0
    out = capsys.readouterr().out
    assert " 50 " in out  # Slovin N = 100, e = 0.1 -> exactly 50 (sample_size.json)


def test_sample_writes_selected_rows(tmp_path, capsys):
    frame = _frame(tmp_path)
    out = tmp_path / "sample.csv"
    record = tmp_path / "draw.json"
    code = main(
        ["sample", str(frame), "-n", "12", "--seed", "7", "-o", str(out), "--record", str(record)]
    )
    assert code == 0
    assert "selected 12 of 60 rows (seed 7)" in capsys.readouterr().out
    rows = _read(out)
    draw = sq.sampling.simple_random(60, 12, seed=7)
    assert [r["id"] for r in rows] == [f"a{i}" for i in draw.positions]
    assert {r["inclusion_probability"] for r in rows} == {"0.2"}
    assert {r["weight"] for r in rows} == {"5.0"}
    assert sq.Sample.model_validate_json(record.read_text(encoding="utf-8")) == draw


def test_sample_stratified_neyman(tmp_path, capsys):
    frame = _frame(tmp_path)
    assert (
        main(
            [
                "sample",
                str(frame),
                "-n",
                "10",
                "--strata",
                "desk",
                "--allocation",
                "neyman",
                "--sd-column",
                "score",
                "--seed",
                "3",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    scores = np.arange(60) % 4 + 1
    desk = np.where(np.arange(60) % 3 == 0, "B", "A")
    sd = {h: float(np.std(scores[desk == h], ddof=1)) for h in ("A", "B")}
    alloc = sq.sample_size.allocate({"A": 40, "B": 20}, 10, method="neyman", sd=sd)
    got = {h: sum(r["desk"] == h for r in rows) for h in ("A", "B")}
    assert got == alloc.sizes
    w = {r["desk"]: float(r["weight"]) for r in rows}
    assert w == {"A": 40 / alloc.sizes["A"], "B": 20 / alloc.sizes["B"]}


def test_sample_systematic(tmp_path, capsys):
    assert (
        main(["sample", str(_frame(tmp_path)), "-n", "6", "--method", "systematic", "--seed", "1"])
        == 0
    )
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    assert [r["id"] for r in rows] == [
        f"a{i}" for i in sq.sampling.systematic(60, 6, seed=1).positions
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "61", "--seed", "1"], "n = 61 is larger than the frame"),
        (
            ["-n", "5", "--seed", "1", "--strata", "office"],
            "--strata column 'office' is not in the frame",
        ),
        (
            ["-n", "5", "--seed", "1", "--strata", "desk", "--allocation", "neyman"],
            "needs --sd-column",
        ),
        (
            [
                "-n",
                "5",
                "--seed",
                "1",
                "--strata",
                "desk",
                "--allocation",
                "neyman",
                "--sd-column",
                "id",
            ],
            "must be numeric",
        ),
        (["-n", "3", "--seed", "1", "--strata", "desk", "--minimum", "2"], "cannot give 2 strata"),
    ],
)
def test_bad_input_exits_2(tmp_path, capsys, args, message):
    assert main(["sample", str(_frame(tmp_path)), *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_bad_options_exit_2(tmp_path, capsys):
    assert main(["sample-size", "--population", "100", "--margin", "1.5"]) == 2
    assert "margin must be in (0, 1)" in capsys.readouterr().err
    assert main(["sample-size", "--population", "0"]) == 2
    assert main(["sample", str(tmp_path / "missing.csv"), "-n", "3", "--seed", "1"]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["sample", str(_frame(tmp_path)), "-n", "3"]) == 2  # --seed is required
