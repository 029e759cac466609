"""``read_parquet(progress=True)`` and ``servqual report x.parquet`` draw the CSV progress bar.

The same display as :func:`servqual.read_csv` (rows read with the share of the file's
rows, elapsed time, rate) on stderr only, advanced after each batch read;
``--quiet`` silences it and the report on stdout does not change.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import servqual as sq
from servqual import _progress, parquet_io
from servqual.cli import main

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ITEMS = [f"U{j}" for j in range(1, 10)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _survey(tmp_path: Path, n: int = 60) -> Path:
    cols: dict[str, Any] = {
        item: [1 + (i + j) % 4 for i in range(n)] for j, item in enumerate(ITEMS)
    }
    cols["desk"] = [f"D{i % 3}" for i in range(n)]
    path = tmp_path / "national.parquet"
    pq.write_table(pa.table(cols), path, row_group_size=25)
    return path


def test_progress_on_stderr_after_each_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[int] = []
    update = _progress.Progress.update

    def record(self: _progress.Progress, done: int, **kw: Any) -> None:
        seen.append(done)
        update(self, done, **kw)

    monkeypatch.setattr(_progress.Progress, "update", record)
    monkeypatch.setattr(parquet_io, "_BATCH", 10)
    path = _survey(tmp_path)
    r = sq.read_parquet(path, sq.instruments.SKM_2017, progress=True)
    out = capsys.readouterr()
    assert r.n == 60
    assert out.out == ""
    assert "reading national.parquet: 60 rows, 100%" in out.err
    assert "rows/s" in out.err
    assert seen == [10, 20, 30, 40, 50, 60]  # one update per batch read
    quiet = sq.read_parquet(path, sq.instruments.SKM_2017)
    assert capsys.readouterr().err == ""
    assert np.array_equal(quiet.codes, r.codes)


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> tuple[str, str]:
    err = _Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert main(argv) == 0
    return capsys.readouterr().out, err.getvalue()


def test_report_progress_when_stderr_is_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _survey(tmp_path)
    out, err = _run(monkeypatch, capsys, ["report", str(path), "--by", "desk"])
    assert "reading national.parquet: 60 rows, 100%" in err
    assert "rows/s" in err
    quiet_out, quiet_err = _run(monkeypatch, capsys, ["report", str(path), "--by", "desk", "-q"])
    assert quiet_err == ""
    assert quiet_out == out
    assert "desk: D2" in out


def test_report_no_progress_when_stderr_is_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(_survey(tmp_path))]) == 0
    assert capsys.readouterr().err == ""
