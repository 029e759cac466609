"""XLSForm out and paper form: structure, validity by pyxform (ODK's own converter), round trip.

Round trip: instrument → XLSForm → a Kobo-style export built only from the workbook's
``survey``/``choices`` sheets (group-prefixed field names, option labels) → read_export →
the same SKM index as the numeric file read by ``sq.read_csv``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import servqual as sq
from servqual.cli import main
from servqual.errors import ParameterError
from servqual.forms.xlsform import PROFILE_QUESTIONS, xlsform_sheets

openpyxl = pytest.importorskip("openpyxl")


def _sheets(path: Path) -> dict[str, list[list[str]]]:
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [
            ["" if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)
        ]
        for ws in book.worksheets
    }


def test_skm_xlsform_sheets(tmp_path: Path) -> None:
    sheets = _sheets(sq.instruments.SKM_2017.to_xlsform(tmp_path / "skm.xlsx"))
    assert list(sheets) == ["survey", "choices", "settings"]
    survey = sheets["survey"]
    names = [row[1] for row in survey[1:]]
    assert names[: len(PROFILE_QUESTIONS)] == [q.name for q in PROFILE_QUESTIONS]
    assert names[len(PROFILE_QUESTIONS) + 1 : -1] == list(sq.instruments.SKM_2017.item_ids)
    assert all(row[-1] == "yes" for row in survey[1:] if row[0].startswith("select_one ans"))
    u4 = [row for row in sheets["choices"] if row[0] == "ans_U4"]
    assert u4 == [
        ["ans_U4", "1", "Sangat mahal", "Very expensive"],
        ["ans_U4", "2", "Cukup mahal", "Fairly expensive"],
        ["ans_U4", "3", "Murah", "Cheap"],
        ["ans_U4", "4", "Gratis", "Free"],
    ]
    assert "ans_U5" not in {row[0] for row in sheets["choices"]}  # U5 shares U1's list
    assert sheets["settings"][1][:2] == [sq.instruments.SKM_2017.name, "skm_2017"]


@pytest.mark.parametrize("name", sq.instruments.available())
def test_every_builtin_converts_with_pyxform(name: str, tmp_path: Path) -> None:
    pyxform = pytest.importorskip("pyxform.xls2xform")
    path = sq.instruments.get(name).to_xlsform(tmp_path / f"{name}.xlsx")
    result = pyxform.convert(xlsform=str(path), validate=False)
    assert result.warnings == []
    for item_id in sq.instruments.get(name).item_ids:
        assert f"/data/penilaian/{item_id}" in result.xform
    assert 'lang="English (en)"' in result.xform


def test_xlsform_kobo_export_round_trip(tmp_path: Path) -> None:
    skm = sq.instruments.SKM_2017
    sheets = _sheets(skm.to_xlsform(tmp_path / "skm.xlsx"))
    choice = {(r[0], r[1]): (r[2], r[3]) for r in sheets["choices"][1:]}
    items = [r for r in sheets["survey"][1:] if r[1] in skm.item_ids]
    values = sq.data.load_demo().values()
    rng = np.random.default_rng(3)
    header = ["_id", "_submission_time", "jenis_kelamin", *(f"penilaian/{r[1]}" for r in items)]
    export, numeric = [header], [list(skm.item_ids)]
    for i, row in enumerate(values):
        cells = []
        for (kind, *_), v in zip(items, row, strict=True):
            lang = int(rng.integers(2))
            cells.append("" if np.isnan(v) else choice[kind.split()[1], str(int(v))][lang])
        export.append([str(i), "2026-03-02T10:00:00", "LP"[i % 2], *cells])
        numeric.append(["" if np.isnan(v) else str(int(v)) for v in row])
    for name, rows in (("kobo.csv", export), ("num.csv", numeric)):
        with (tmp_path / name).open("w", newline="", encoding="utf-8") as f:
            csv.writer(f, delimiter=";").writerows(rows)
    a = sq.skm_index(sq.read_export(tmp_path / "kobo.csv", "skm-2017", source="kobo"))
    b = sq.skm_index(sq.read_csv(tmp_path / "num.csv", skm))
    assert a == b


def test_profile_switch_and_bad_names() -> None:
    plain = xlsform_sheets("csat")["survey"]
    assert [r[1] for r in plain[1:]] == ["penilaian", "satisfaction", "penilaian"]
    with_profile = xlsform_sheets("csat", profile=True)["survey"]
    assert len(with_profile) == len(plain) + len(PROFILE_QUESTIONS)
    with pytest.raises(ParameterError, match=r"'1st' is not a valid XLSForm field name"):
        xlsform_sheets("csat", group="1st")


def test_paper_form_is_a_complete_printable_document() -> None:
    page = sq.instruments.SKM_2017.to_html_form(language="en")
    assert page.startswith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
    assert "@page { size: A4" in page
    assert "Very expensive" in page
    assert "http" not in page
    assert page.count('<li class="q">') == 9 + len(PROFILE_QUESTIONS)
    with pytest.raises(ParameterError, match=r"language must be one of \['id', 'en'\], got 'fr'"):
        sq.forms.to_html_form("skm-2017", language="fr")  # type: ignore[arg-type]


def test_form_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "skm.xlsx"
    assert main(["form", "skm-2017", "--format", "xlsform", "-o", str(out)]) == 0
    assert _sheets(out)["survey"][1][1] == "tanggal"
    assert main(["form", "ikm-2004", "--format", "html", "--language", "en"]) == 0
    assert "Not easy" in capsys.readouterr().out
    assert main(["form", "nope"]) == 2
    assert "unknown instrument 'nope'" in capsys.readouterr().err
    assert main(["form", "skm-2017", "--format", "xlsform"]) == 2
    assert "--format xlsform writes a workbook: give -o FILE.xlsx" in capsys.readouterr().err
