"""``servqual report``: output, formats, exit codes and one-line errors.

Figures are checked against an independent computation: the stratified NRR (weights
N_h / n_h, answered respondents only) done here in plain numpy from the CSV text.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import servqual as sq
from servqual.cli import main
from servqual.data import demo_path
from servqual.report import Report


def _demo_index_by_hand() -> float:
    """25 · mean of the nine weighted NRRs, weights N_h / n_h (stratified by service)."""
    with demo_path().open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    service = np.array([r["service"] for r in rows])
    pop = np.array([float(r["population"]) for r in rows])
    n_h = {s: np.count_nonzero(service == s) for s in set(service.tolist())}
    w = pop / np.array([n_h[s] for s in service.tolist()])
    nrr = []
    for j in range(1, 10):
        y = np.array([float(r[f"U{j}"]) if r[f"U{j}"] else np.nan for r in rows])
        ok = ~np.isnan(y)
        nrr.append(np.sum(w[ok] * y[ok]) / np.sum(w[ok]))
    return 25 * float(np.mean(nrr))


def _write(path: Path, rows: list[list[object]]) -> Path:
    header = ["id", "desk", *(f"U{j}" for j in range(1, 10))]
    lines = [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _survey(tmp_path: Path) -> Path:
    rng = np.random.default_rng(7)
    answers = rng.integers(2, 5, size=(30, 9))
    rows = [[f"r{i}", "AB"[i % 2], *answers[i].tolist()] for i in range(30)]
    return _write(tmp_path / "survey.csv", rows)


def test_demo_prints_index_grade_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--demo"]) == 0
    out = capsys.readouterr().out
    assert f"SKM index {_demo_index_by_hand():.2f} (95% CI " in out
    assert "grade B, Good (Baik)" in out
    assert "Respondents: 400 (target 368; population 8,620)" in out
    assert "1. U3 Completion time" in out
    assert "service: KTP-el" in out
    assert "t interval with 397 df; 3 strata, finite-population correction" in out


def test_demo_json_round_trips_into_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--demo", "--format", "json"]) == 0
    out = capsys.readouterr().out
    report = Report.model_validate_json(out)
    assert json.loads(report.model_dump_json()) == json.loads(out)
    assert report.overall.index.value == pytest.approx(_demo_index_by_hand(), rel=1e-12)
    assert report.overall.n == 400
    assert [s.group for s in report.groups] == ["Akta Kelahiran", "KTP-el", "Kartu Keluarga"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--language", "id"], "Indeks SKM "),
        (["--format", "markdown"], "| U1 | Requirements |"),
        (["--format", "html"], '<section class="servqual-report" lang="en">'),
        (["--level", "0.9"], "(90% CI "),
    ],
)
def test_demo_formats(capsys: pytest.CaptureFixture[str], args: list[str], expected: str) -> None:
    assert main(["report", "--demo", *args]) == 0
    assert expected in capsys.readouterr().out


def test_user_file_with_population_applies_fpc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path)
    assert main(["report", str(path), "--format", "json"]) == 0
    plain = Report.model_validate_json(capsys.readouterr().out)
    assert main(["report", str(path), "--format", "json", "--population", "120"]) == 0
    fpc = Report.model_validate_json(capsys.readouterr().out)
    assert plain.method.df == fpc.method.df == 29.0  # n − 1
    assert fpc.overall.index.value == plain.overall.index.value
    # R survey: the SRS variance is multiplied by (1 − n/N)
    ratio = fpc.overall.index.se / plain.overall.index.se
    assert ratio == pytest.approx(np.sqrt(1 - 30 / 120), rel=1e-12)
    assert fpc.overall.population == 120
    assert fpc.method.fpc
    assert not plain.method.fpc


def test_user_file_by_and_regulation_weights(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path)
    assert main(["report", str(path), "--format", "json"]) == 0
    exact = Report.model_validate_json(capsys.readouterr().out)
    argv = ["report", str(path), "--format", "json", "--by", "desk", "--weights", "regulation"]
    assert main(argv) == 0
    reg = Report.model_validate_json(capsys.readouterr().out)
    # printed weights: 9 × 0.111 = 0.999, so the index is 0.999 × the exact one
    assert reg.overall.index.value == pytest.approx(0.999 * exact.overall.index.value, rel=1e-12)
    assert [s.group for s in reg.groups] == ["A", "B"]
    assert [s.n for s in reg.groups] == [15, 15]


def test_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.md"
    assert main(["report", "--demo", "--format", "markdown", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert target.read_text(encoding="utf-8").startswith("# Survei Kepuasan Masyarakat 2026")


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err
    assert err.count("\n") == 1, err  # one line, no traceback
    assert "Traceback" not in err
    return err


def test_answer_outside_scale_names_file_row_column_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "bad.csv", [["r1", "A", 4, 3, 3, 4, 3, 3, 4, 3, 3],
                                         ["r2", "A", 3, 3, 7, 4, 3, 3, 3, 3, 2]])  # fmt: skip
    err = _error(capsys, ["report", str(path)])
    assert err.startswith("servqual: error: ")
    assert "bad.csv line 3" in err  # file and row (line 3 = second data row)
    assert "'U3'" in err  # column
    assert " 7, outside the scale 1–4" in err  # value


def test_non_integer_answer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "half.csv", [["r1", "A", 4, 3, 3, 4, 3, 3, 4, 3, 3],
                                          ["r2", "A", 3, 3, 3, 4, 3.5, 3, 3, 3, 2]])  # fmt: skip
    err = _error(capsys, ["report", str(path)])
    assert "half.csv line 3" in err
    assert "'U5'" in err
    assert "3.5" in err


def test_missing_item_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "short.csv"
    path.write_text("id,U1,U2\nr1,4,3\nr2,3,3\n", encoding="utf-8")
    err = _error(capsys, ["report", str(path)])
    assert "short.csv has no column for item 'U3'" in err


def test_ragged_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "ragged.csv", [["r1", "A", 4, 3, 3, 4, 3, 3, 4, 3, 3],
                                            ["r2", "A", 3, 3, 3, 4]])  # fmt: skip
    err = _error(capsys, ["report", str(path)])
    assert "ragged.csv line 3 has 6 fields but the header has 11" in err


def test_a_one_respondent_group_is_reported_without_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "tiny.csv", [["r1", "A", 4, 3, 3, 4, 3, 3, 4, 3, 3],
                                          ["r2", "A", 3, 3, 3, 4, 3, 3, 3, 3, 2],
                                          ["r3", "B", 3, 3, 3, 4, 3, 3, 3, 3, 2]])  # fmt: skip
    assert main(["report", str(path), "--by", "desk", "--min-group-size", "0"]) == 0
    captured = capsys.readouterr()
    assert "no interval" in captured.out
    # The degenerate-data warning becomes one note line on stderr, no traceback.
    assert captured.err.startswith("servqual: note: 1 respondent in domain desk='B'")
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "no-such-file.csv"], "cannot read no-such-file.csv"),
        (["report"], "give a survey file FILE.csv, or --demo"),
        (["report", "x.csv", "--demo"], "either FILE.csv or --demo"),
        (["report", "--demo", "--instrument", "skm-2017", "--by", "nosuch"], "'nosuch'"),
        (["report", "x.csv", "--strata", "desk", "--population", "50"], "--fpc"),
    ],
)
def test_usage_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert message in _error(capsys, argv)


def test_unknown_instrument(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, ["report", str(_survey(tmp_path)), "--instrument", "skm-1999"])
    assert "unknown instrument 'skm-1999'" in err


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--demo", "--level", "1.5"]) == 2
    assert "expected a number in (0, 1), got '1.5'" in capsys.readouterr().err
    assert main(["report", "--demo", "--format", "pdf"]) == 2
    assert main([]) == 2


def test_version_via_python_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "servqual", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"servqual {sq.__version__}"


def _png(path: Path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_writes_skm_and_ipa_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "skm.png"
    assert main(["report", "--demo", "--language", "id", "--plot", str(target)]) == 0
    assert "Indeks SKM " in capsys.readouterr().out  # the report is still printed
    assert _png(target)
    assert _png(tmp_path / "skm-ipa.png")  # the demo has importance answers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skm-ipa.png", "skm.png"]


def test_plot_without_importance_answers_writes_only_skm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "plots"
    out.mkdir()
    assert main(["report", str(_survey(tmp_path)), "--plot", str(out / "a.svg")]) == 0
    capsys.readouterr()
    assert [p.name for p in out.iterdir()] == ["a.svg"]
    assert (out / "a.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("skm.xyz", "the extension must name an image format, one of ["),
        ("skm", "the extension must name an image format"),
        ("no-such-dir/skm.png", "does not exist"),
    ],
)
def test_plot_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    pytest.importorskip("matplotlib")
    err = _error(capsys, ["report", "--demo", "--plot", str(tmp_path / name)])
    assert f"--plot {tmp_path / name}: " in err
    assert message in err


def test_plot_without_matplotlib_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("matplotlib", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, module, None)
    err = _error(capsys, ["report", "--demo", "--plot", str(tmp_path / "skm.png")])
    assert 'plotting needs matplotlib; install it with: pip install "servqual[plot]"' in err
    assert list(tmp_path.iterdir()) == []


def test_encoding_and_delimiter_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A spreadsheet export in Windows-1252 with ';' separators, as Indonesian offices send.
    rows = ["id;desk;" + ";".join(f"U{j}" for j in range(1, 10))]
    rows += [f"r{i};Loket é;" + ";".join(str(2 + (i + j) % 3) for j in range(9)) for i in range(6)]
    path = tmp_path / "export.csv"
    path.write_bytes(("\n".join(rows) + "\n").encode("cp1252"))
    err = _error(capsys, ["report", str(path), "--id-column", "id"])
    assert "--encoding" in err
    argv = ["report", str(path), "--id-column", "id", "--encoding", "cp1252", "--by", "desk"]
    assert main([*argv, "--delimiter", ";"]) == 0
    assert "Loket é" in capsys.readouterr().out
