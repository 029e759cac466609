"""Every failure of the command line is exit code 2 and one line; outputs are safe.

Each test states the bullet of the command-line contract it pins: one-line errors (also
from argparse and from an unexpected defect), no overwritten input, "cannot write",
delimiter and encoding for ``sample``, population counts with thousands separators,
``--by`` on an answer column, the instruments ``report`` takes, IKM titles, formula-safe
CSV output and ``--min-group-size``.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from servqual.cli import main
from servqual.report import Report


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err  # one line, no traceback
    assert "Traceback" not in captured.err
    return captured.err


def _survey(path: Path, *, sep: str = ",", population: str | None = None, n: int = 30) -> Path:
    rng = np.random.default_rng(11)
    answers = rng.integers(1, 5, size=(n, 9))
    header = ["id", "desk", *(f"U{j}" for j in range(1, 10))]
    header += ["population"] if population is not None else []
    lines = [sep.join(header)]
    for i in range(n):
        row = [f"r{i}", "AB"[i % 2], *map(str, answers[i])]
        lines.append(sep.join(row + ([population] if population is not None else [])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ one-line failures


def test_unknown_encoding_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    survey = _survey(tmp_path / "s.csv")
    err = _error(capsys, ["report", str(survey), "--encoding", "klingon"])
    assert "unknown encoding 'klingon'" in err
    frame = tmp_path / "frame.csv"
    frame.write_text("id\na\nb\n", encoding="utf-8")
    err = _error(capsys, ["sample", str(frame), "-n", "1", "--seed", "1", "--encoding", "x"])
    assert "unknown encoding 'x'" in err


def test_no_traceback_from_the_real_command(tmp_path: Path) -> None:
    survey = _survey(tmp_path / "s.csv")
    proc = subprocess.run(
        [sys.executable, "-m", "servqual", "report", str(survey), "--encoding", "klingon"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("servqual report: error: argument --encoding: unknown encoding")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--demo", "--level", "2"], "argument --level: expected a number in (0, 1)"),
        (["report", "--demo", "--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
        (["report", "--demo", "--min-group-size", "-1"], "expected a non-negative integer"),
        (["report", "--demo", "--nosuch"], "unrecognized arguments: --nosuch"),
        (["sample", "x.csv", "-n", "0", "--seed", "1"], "expected a positive integer"),
        (["nosuch"], "invalid choice: 'nosuch'"),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert message in _error(capsys, argv)


def test_a_defect_is_still_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from servqual.cli import report_cmd

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(report_cmd, "_build", broken)
    err = _error(capsys, ["report", "--demo"])
    assert "unexpected KeyError: 'boom' (a bug in servqual" in err


def test_field_over_the_csv_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _survey(tmp_path / "big.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("r1,", '"' + "x" * (csv.field_size_limit() + 10) + '",', 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # the chunked reader keeps a long cell whole (no csv-module field limit): no error
    assert main(["report", str(path), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "SKM index" in captured.out
    assert captured.err == ""


# --------------------------------------------------------------- outputs and inputs


@pytest.mark.parametrize("spelling", ["same", "dotted"])
def test_output_never_overwrites_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    survey = _survey(tmp_path / "s.csv")
    before = survey.read_bytes()
    target = str(survey) if spelling == "same" else str(tmp_path / "." / "s.csv")
    err = _error(capsys, ["report", str(survey), "-o", target])
    assert "is the input file; choose another file name" in err
    err = _error(capsys, ["report", str(survey), "--plot", str(survey)])
    assert "--plot" in err
    frame = tmp_path / "frame.csv"
    frame.write_text("id\na\nb\nc\n", encoding="utf-8")
    err = _error(capsys, ["sample", str(frame), "-n", "1", "--seed", "1", "-o", str(frame)])
    assert "is the frame; choose another file name" in err
    record = ["--record", str(frame)]
    err = _error(capsys, ["sample", str(frame), "-n", "1", "--seed", "1", *record])
    assert "--record" in err
    assert survey.read_bytes() == before
    assert frame.read_text(encoding="utf-8") == "id\na\nb\nc\n"


def test_write_error_says_cannot_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-such-dir" / "report.txt"
    err = _error(capsys, ["report", "--demo", "-o", str(missing)])
    assert err.startswith(f"servqual: error: cannot write {missing}: the directory ")
    err = _error(capsys, ["report", "--demo", "-o", str(tmp_path)])  # a directory
    assert "cannot write" in err
    frame = tmp_path / "frame.csv"
    frame.write_text("id\na\nb\nc\n", encoding="utf-8")
    err = _error(capsys, ["sample", str(frame), "-n", "1", "--seed", "1", "-o", str(missing)])
    assert "cannot write" in err
    argv = ["sample", str(frame), "-n", "1", "--seed", "1", "--record", str(missing)]
    assert "cannot write" in _error(capsys, argv)


# ------------------------------------------------------------ sample: CSV dialects


def test_sample_detects_semicolons_and_reads_cp1252(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = tmp_path / "frame.csv"
    rows = ["id;desa;luas"] + [f"a{i};Désa {i % 3};{i},5" for i in range(30)]
    frame.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    assert "--encoding" in _error(capsys, ["sample", str(frame), "-n", "5", "--seed", "3"])
    out = tmp_path / "out.csv"
    argv = ["sample", str(frame), "-n", "5", "--seed", "3", "--encoding", "cp1252", "-o", str(out)]
    assert main(argv) == 0
    capsys.readouterr()
    with out.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f, delimiter=";"))  # written with the frame's separator
    assert table[0] == ["id", "desa", "luas", "inclusion_probability", "weight"]
    assert all(r[1].startswith("Désa ") and r[2].endswith(",5") for r in table[1:])
    assert len(table) == 6
    argv = ["sample", str(frame), "-n", "5", "--seed", "3", "--encoding", "cp1252"]
    assert main([*argv, "--delimiter", "tab"]) == 0  # forced: one column "id;desa;luas"
    first = capsys.readouterr().out.splitlines()[0]
    assert first == "id;desa;luas\tinclusion_probability\tweight"


def test_sample_output_neutralises_formulas(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # OWASP CSV injection: text starting with = + - @ tab or CR must not run as a formula
    names = ['=HYPERLINK("http://x","y")', "+62 811", "-cmd|' /C calc'!A0", "@SUM(A1)", "\tx",
             "\rx", "plain", "-5", "+1.5", "3"]  # fmt: skip
    frame = tmp_path / "frame.csv"
    with frame.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["=name", "value"])
        w.writerows([n, str(i - 4)] for i, n in enumerate(names))
    out = tmp_path / "out.csv"
    assert main(["sample", str(frame), "-n", "10", "--seed", "1", "-o", str(out)]) == 0
    capsys.readouterr()
    with out.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    assert table[0][0] == "'=name"
    got = {r[0]: r[1] for r in table[1:]}
    expected = {"'" + n for n in names[:6]} | {"plain", "-5", "+1.5", "3"}
    assert set(got) == expected
    assert {r[1] for r in table[1:]} == {str(i - 4) for i in range(10)}  # numbers untouched
    assert {float(r[3]) for r in table[1:]} == {1.0}  # weights stay numbers


# --------------------------------------------------- population counts, thousands


def test_population_with_thousands_dot_is_refused_or_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    grouped = _survey(tmp_path / "grouped.csv", sep=";", population="4.210")
    plain = _survey(tmp_path / "plain.csv", sep=";", population="4210")
    err = _error(capsys, ["report", str(grouped), "--fpc", "population"])
    assert "holds '4.210'" in err
    assert "line 2" in err
    assert "--thousands ." in err
    assert main(["report", str(plain), "--fpc", "population", "--format", "json"]) == 0
    want = Report.model_validate_json(capsys.readouterr().out)
    argv = ["report", str(grouped), "--fpc", "population", "--thousands", ".", "--format", "json"]
    assert main(argv) == 0
    got = Report.model_validate_json(capsys.readouterr().out)
    assert got == want
    assert got.overall.population == 4210
    # R survey: SRS variance times (1 − n/N) with N = 4210, not 4.21
    assert got.method.fpc


def test_population_125_000_is_not_125(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grouped = _survey(tmp_path / "g.csv", sep=";", population="125.000")
    assert "holds '125.000'" in _error(capsys, ["report", str(grouped), "--fpc", "population"])
    argv = ["report", str(grouped), "--fpc", "population", "--thousands", ".", "--format", "json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["population"] == 125000


def test_fractional_population_count_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path / "f.csv", population="42.5")
    err = _error(capsys, ["report", str(path), "--fpc", "population"])
    assert "holds '42.5': a population count must be a whole number" in err
    fraction = _survey(tmp_path / "fr.csv", population="0.25")  # a sampling fraction is fine
    assert main(["report", str(fraction), "--fpc", "population", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["overall"]["population"] == 120


def test_thousands_must_differ_from_the_separator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path / "c.csv", population="4210")
    err = _error(capsys, ["report", str(path), "--fpc", "population", "--thousands", ","])
    assert "thousands must be '.' or ',' and differ from the separator ','" in err


# ------------------------------------------------------------ --by, instruments, IKM


def test_by_an_answer_column_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, ["report", "--demo", "--by", "U3"])
    assert "'U3' is an answer to the instrument, not a respondent attribute" in err
    err = _error(capsys, ["report", str(_survey(tmp_path / "s.csv")), "--by", "_fpc"])
    assert "no column '_fpc'; the respondent columns are ['id', 'desk']" in err
    assert "_respondent_id" not in err
    err = _error(capsys, ["report", "--demo", "--by", "nosuch"])
    assert "_respondent_id" not in err
    assert "'service'" in err


def test_instrument_help_lists_what_report_takes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "one of: ikm-2004, pelayanan-prima, skm-2017" in help_text
    err = _error(capsys, ["report", "--demo", "--instrument", "nps"])
    assert "unknown instrument 'nps'; report takes one of: ikm-2004, pelayanan-prima" in err


def test_ikm_2004_report_is_titled_ikm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(4)
    header = ",".join(["id", *(f"U{j}" for j in range(1, 15))])
    rows = [",".join([f"r{i}", *map(str, rng.integers(1, 5, 14))]) for i in range(25)]
    path = tmp_path / "ikm.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert main(["report", str(path), "--instrument", "ikm-2004"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Community satisfaction index (IKM)\n")
    assert "IKM index " in out
    assert "SKM" not in out
    assert main(["report", str(path), "--instrument", "ikm-2004", "--language", "id"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Indeks Kepuasan Masyarakat (IKM)\n")
    assert "Indeks IKM " in out
    assert "grades of Kepmenpan 25/2004" in render_ikm_note(path, capsys)


def render_ikm_note(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["report", str(path), "--instrument", "ikm-2004", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Community satisfaction index (IKM)")
    return out


# --------------------------------------------------------------- --min-group-size


def test_min_group_size_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _survey(tmp_path / "s.csv", n=12)  # desks A and B: 6 each
    assert main(["report", str(path), "--by", "desk", "--format", "json"]) == 0
    shown = Report.model_validate_json(capsys.readouterr().out)
    assert [g.suppressed for g in shown.groups] == [None, None]
    argv = ["report", str(path), "--by", "desk", "--min-group-size", "7"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.count("Figures withheld: fewer than 7 respondents (n < 7)") == 2
    assert "Respondents: 12" in out  # the total stays
    assert main([*argv, "--format", "json"]) == 0
    hidden = Report.model_validate_json(capsys.readouterr().out)
    assert [g.n for g in hidden.groups] == [None, None]
    assert hidden.method.min_group_size == 7
