"""``servqual report``: progress on stderr only when it is a terminal, ``--quiet`` silences it.

The report itself must not change: the same stdout with and without the display.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from servqual.cli import main

ITEMS = [f"U{j}" for j in range(1, 10)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _survey(tmp_path: Path) -> Path:
    path = tmp_path / "national.csv"
    rows = [
        f"D{i % 3},note {i}," + ",".join(str(1 + (i + j) % 4) for j in range(9)) for i in range(60)
    ]
    path.write_text("desk,note," + ",".join(ITEMS) + "\n" + "\n".join(rows) + "\n")
    return path


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> tuple[str, str]:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert main(argv) == 0
    return capsys.readouterr().out, err.getvalue()


def test_progress_when_stderr_is_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path)
    out, err = _run(monkeypatch, capsys, ["report", str(path), "--by", "desk"])
    assert "reading national.csv: 60 rows, 100%" in err
    assert "rows/s" in err
    quiet_out, quiet_err = _run(monkeypatch, capsys, ["report", str(path), "--by", "desk", "-q"])
    assert quiet_err == ""
    assert quiet_out == out
    assert "desk: D2" in out


def test_no_progress_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(_survey(tmp_path))]) == 0
    assert capsys.readouterr().err == ""


def test_unknown_by_column_names_the_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(_survey(tmp_path)), "--by", "unit"]) == 2
    err = capsys.readouterr().err
    # checked on the header before reading (only by and importance columns are read)
    assert "--by unit: no column 'unit'; the respondent columns are ['desk', 'note']" in err
