"""``servqual compliance`` and the compliance section of ``servqual report``.

Counts are checked against the library call they print (itself checked by hand and
against numpy's business-day functions in tests/standards/).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import servqual as sq
from servqual.cli import main


def _demo() -> dict[str, sq.ServiceCompliance]:
    res = sq.compliance(
        sq.data.load_demo_records(), sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar()
    )
    return {str(k): v for k, v in res.items()}


def test_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compliance", "--demo"]) == 0
    out = capsys.readouterr().out
    ktp = _demo()["KTP-el"]
    line = next(x for x in out.splitlines() if x.startswith("KTP-el"))
    assert f"{100 * ktp.on_time.value:.1f}" in line  # type: ignore[union-attr]
    assert f" {ktp.n_late} " in line
    assert "Records: 600." in out


def test_demo_json_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "c.json"
    assert main(["compliance", "--demo", "--format", "json", "-o", str(out)]) == 0
    from servqual.report.compliance_section import ComplianceSection

    section = ComplianceSection.model_validate_json(out.read_text())
    assert [r.compliance.service for r in section.rows] == [
        "KTP-el",
        "Kartu Keluarga",
        "Akta Kelahiran",
    ]
    assert section.rows[0].compliance.n_on_time == _demo()["KTP-el"].n_on_time
    data = json.loads(out.read_text())
    assert data["n_records"] == 600


def test_own_files_with_calendar_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cat = tmp_path / "standards.csv"
    cat.write_text(
        "id,name,provider,recipients,completion_time,completion_unit,fee\n"
        "ktp,KTP-el,Disdukcapil,warga,3,working_days,0\n"
    )
    rec = tmp_path / "records.csv"
    rec.write_text(
        "record_id;service;received_at;completed_at;fee;unit\n"
        "1;ktp;2026-03-06T10:00;2026-03-11T12:00;0;A\n"  # on time
        "2;ktp;2026-03-06T10:00;2026-03-12T12:00;0;A\n"  # late; on time with the 10th off
        "3;ktp;2026-03-09T10:00;;0;B\n"  # open: due Thu 12th, late (Fri 13th with the 10th off)
    )
    hol = tmp_path / "holidays.txt"
    hol.write_text("# libur\n2026-03-10\n")
    args = [
        "compliance",
        str(rec),
        "--catalog",
        str(cat),
        "--delimiter",
        ";",
        "--period-end",
        "2026-03-12",
        "--format",
        "json",
    ]
    assert main(args) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    c = rows[0]["compliance"]["completion"]
    assert (c["n_on_time"], c["n_late"], c["n_pending"]) == (1, 2, 0)
    assert main([*args, "--holidays-file", str(hol)]) == 0
    c = json.loads(capsys.readouterr().out)["rows"][0]["compliance"]["completion"]
    assert (c["n_on_time"], c["n_late"], c["n_pending"]) == (2, 0, 1)
    assert main([*args, "--holidays", "2026-03-10", "--by", "unit"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["compliance"]["group"] for r in rows] == ["A", "B"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["compliance"], "give either RECORDS.csv or --demo"),
        (["compliance", "r.csv"], "give the service standards with --catalog FILE"),
        (["compliance", "--demo", "--holidays", "17-08-2026"], "expected ISO dates"),
        (["compliance", "--demo", "--weekend", "sat"], "expected weekday numbers"),
        (
            ["compliance", "--demo", "--timezone", "Mars/Olympus"],
            "unknown time zone 'Mars/Olympus'",
        ),
        (["compliance", "--demo", "--period-end", "2026-01-31"], "received after period_end"),
        (["compliance", "--demo", "--by", "kanal"], "no column 'kanal'"),
    ],
)
def test_errors_are_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_bad_holidays_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hol = tmp_path / "h.txt"
    hol.write_text("2026-03-10\nNyepi\n")
    assert main(["compliance", "--demo", "--holidays-file", str(hol)]) == 2
    assert "line 2: 'Nyepi' is not an ISO date" in capsys.readouterr().err


def test_report_demo_has_compliance_next_to_skm(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--demo", "--format", "json"]) == 0
    report = sq.Report.model_validate_json(capsys.readouterr().out)
    assert report.compliance is not None
    skm = {g.group: g for g in report.groups}
    for row in report.compliance.rows:
        assert row.skm_grade == skm[row.compliance.service].grade
        assert row.skm_index == skm[row.compliance.service].index
    assert report.overall.grade == "B"  # the survey's own figures are unchanged


def test_report_with_own_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cat = tmp_path / "c.json"
    sq.write_catalog(sq.data.load_demo_catalog(), cat)
    argv = [
        "report",
        str(sq.data.demo_path()),
        "--strata",
        "service",
        "--fpc",
        "population",
        "--by",
        "service",
        "--records",
        str(sq.data.demo_records_path()),
    ]
    assert main(argv) == 2
    assert "--records needs the service standards: --catalog FILE" in capsys.readouterr().err
    assert main([*argv, "--catalog", str(cat), "--format", "markdown"]) == 0
    assert "## Service-standard compliance" in capsys.readouterr().out


@pytest.mark.parametrize("target", ["records", "catalog"])
def test_output_never_overwrites_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    records = tmp_path / "records.csv"
    catalog = tmp_path / "catalog.json"
    records.write_bytes(sq.data.demo_records_path().read_bytes())
    catalog.write_bytes(sq.data.demo_catalog_path().read_bytes())
    before = {p: p.read_bytes() for p in (records, catalog)}
    out = records if target == "records" else catalog
    assert main(["compliance", str(records), "--catalog", str(catalog), "-o", str(out)]) == 2
    assert f"is the {target} file" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (records, catalog)} == before
    argv = ["report", "--demo", "--records", str(records), "--catalog", str(catalog)]
    assert main([*argv, "-o", str(out)]) == 2
    assert f"is the {target} file" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (records, catalog)} == before
