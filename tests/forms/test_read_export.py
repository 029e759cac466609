"""read_export: question headers and answer labels of Kobo, ODK and Google Forms exports.

Independent fact: the same answers written as numeric codes under item-id headers and read
by ``sq.read_csv`` give the same codes and the same SKM index (the numeric path is itself
checked against R survey in tests/indices/test_skm.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DataFormatError, ExportMappingError, ParameterError

SKM = sq.instruments.SKM_2017


def _write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def _label(item_id: str, value: float, language: str, rng: np.random.Generator) -> str:
    """A label as a person types it: any case, stray spaces, Indonesian or English."""
    if np.isnan(value):
        return ""
    item = SKM.item(item_id)
    labels = item.labels_en if language == "en" else item.labels
    assert labels is not None
    text = labels[int(value) - 1]
    style = rng.integers(3)
    text = text.upper() if style == 0 else text.lower() if style == 1 else text
    return "  " + text.replace(" ", "  ") + " " if rng.random() < 0.3 else text


def _demo_values() -> np.ndarray:
    return sq.data.load_demo().values()


def test_google_forms_labels_give_the_numeric_index(tmp_path: Path) -> None:
    values = _demo_values()[:120]
    rng = np.random.default_rng(7)
    header = ["Timestamp", "Jenis layanan"] + [it.question or it.text for it in SKM.items]
    rows = [header]
    numeric = [["service", *SKM.item_ids]]
    for i, row in enumerate(values):
        service = "KTP" if i % 3 else "KK"
        lang = "en" if i % 2 else "id"
        labels = [
            _label(item_id, v, lang, rng) for item_id, v in zip(SKM.item_ids, row, strict=True)
        ]
        rows.append([f"2026/03/02 09:{i % 60:02d}:00", service, *labels])
        numeric.append([service, *("" if np.isnan(v) else str(int(v)) for v in row)])
    exported = sq.read_export(_write_csv(tmp_path / "gf.csv", rows), "skm-2017")
    plain = sq.read_csv(_write_csv(tmp_path / "num.csv", numeric), SKM)
    np.testing.assert_array_equal(exported.codes, plain.codes)
    a, b = sq.skm_index(exported), sq.skm_index(plain)
    assert a.index == b.index
    assert exported.attribute("Timestamp")[0] == "2026/03/02 09:00:00"
    by = sq.skm_index(exported, by="Jenis layanan")
    assert set(by) == {"KK", "KTP"}


def test_google_forms_typo_names_label_item_and_rows(tmp_path: Path) -> None:
    header = ["Cap waktu"] + [it.question or it.text for it in SKM.items]
    good = ["Sangat sesuai", "Mudah", "Cepat", "Gratis", "Sesuai", "Kompeten",
            "Sopan dan ramah", "Dikelola dengan baik", "Baik"]  # fmt: skip
    rows = [header] + [["2026-03-02", *good] for _ in range(8)]
    rows[3][1] = "Sangat sesuaii"  # spreadsheet row 4
    rows[6][1] = "sangat  SESUAII"  # the same typo, other case: row 7
    rows[5][3] = "Cepet"  # U3, row 6
    path = _write_csv(tmp_path / "gf.csv", rows)
    with pytest.raises(ExportMappingError, match=r"item 'U1' .*'Sangat sesuaii' in row 4") as e:
        sq.read_export(path, SKM, source="google_forms")
    assert "'sangat  SESUAII' in row 7" in str(e.value)
    assert "item 'U3' (column 'Bagaimana pendapat Saudara tentang kecepatan" in str(e.value)
    assert e.value.unmapped == {
        "U1": {"Sangat sesuaii": [4], "sangat  SESUAII": [7]},
        "U3": {"Cepet": [6]},
    }
    fixed = sq.read_export(path, SKM, item_labels={"U1": {"Sangat sesuaii": 4}, "U3": {"cepet": 3}})
    assert fixed.values()[[2, 5], 0].tolist() == [4.0, 4.0]
    assert fixed.values()[4, 2] == 3.0


def test_kobo_groups_xlsx_and_metadata_columns(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["start", "_uuid", "jenis_kelamin", *(f"penilaian/{i}" for i in SKM.item_ids)])
    ws.append(["2026-03-02T09:00", "a1", "L", *(4 for _ in SKM.item_ids)])
    ws.append(["2026-03-02T09:05", "b2", "P", "Tidak sesuai", *([3.0] * 8)])
    book.save(tmp_path / "kobo.xlsx")
    r = sq.read_export(tmp_path / "kobo.xlsx", SKM, source="kobo", id_column="_uuid")
    assert r.values()[:, 0].tolist() == [4.0, 1.0]
    assert r.values()[1, 1:].tolist() == [3.0] * 8
    assert r.attributes == ["start", "jenis_kelamin"]
    assert r.respondent_ids.tolist() == ["a1", "b2"]


def test_group_prefix_before_a_text_with_a_slash(tmp_path: Path) -> None:
    header = [f"Penilaian layanan/{it.text}" for it in SKM.items]  # U4 is "Biaya/Tarif"
    cells = ["Baik"] * 3 + ["Gratis"] + ["Baik"] * 4 + ["3,0"]  # a code with a decimal comma
    path = _write_csv(tmp_path / "kobo.csv", [header, cells], delimiter=";")
    assert (
        sq.read_export(path, SKM, source="kobo").values()[0].tolist()
        == [3.0] * 3 + [4.0] + [3.0] * 5
    )


def test_odk_central_hyphen_groups_and_semicolon(tmp_path: Path) -> None:
    rows = [["SubmissionDate", "KEY", *(f"grp-{i}" for i in SKM.item_ids)]]
    rows.append(["2026-03-02", "uuid:1", *(["Baik"] * 9)])
    path = _write_csv(tmp_path / "odk.csv", rows, delimiter=";")
    assert sq.read_export(path, SKM, source="odk").values().tolist() == [[3.0] * 9]
    with pytest.raises(ExportMappingError, match=r"no header maps to item\(s\) \['U1'"):
        sq.read_export(path, SKM, source="google_forms")


def test_missing_item_lists_unrecognised_headers(tmp_path: Path) -> None:
    rows = [["Timestamp", "Sarana", *SKM.item_ids[:8]], ["t", "Baik", *(["4"] * 8)]]
    path = _write_csv(tmp_path / "x.csv", rows)
    with pytest.raises(
        ExportMappingError,
        match=r"item\(s\) \['U9'\].*'Timestamp' \(column 1\); 'Sarana' \(column 2\)",
    ):
        sq.read_export(path, SKM)
    r = sq.read_export(path, SKM, columns={"Sarana": "U9"})
    assert r.values()[0, 8] == 3.0


def test_two_headers_for_one_item(tmp_path: Path) -> None:
    rows = [["U1", "Persyaratan", *SKM.item_ids[1:]], ["4", "4", *(["4"] * 8)]]
    with pytest.raises(DataFormatError, match=r"'U1' \(column 1\) and 'Persyaratan' \(column 2\)"):
        sq.read_export(_write_csv(tmp_path / "x.csv", rows), SKM)


def test_bad_arguments(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "x.csv", [list(SKM.item_ids), ["4"] * 9])
    with pytest.raises(ParameterError, match=r"source must be one of .*'surveymonkey'"):
        sq.read_export(path, SKM, source="surveymonkey")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"unknown instrument 'skm-2099'"):
        sq.read_export(path, "skm-2099")
    with pytest.raises(ParameterError, match=r"label 'Top' for item 'U1' maps to 5"):
        sq.read_export(path, SKM, labels={"Top": 5})
    with pytest.raises(DataFormatError, match=r"weights column 'w' is not in x.csv"):
        sq.read_export(path, SKM, weights="w")
    _write_csv(tmp_path / "h.csv", [list(SKM.item_ids)])
    with pytest.raises(DataFormatError, match=r"h.csv has a header but no respondents"):
        sq.read_export(tmp_path / "h.csv", SKM)


def test_design_columns_are_numbers(tmp_path: Path) -> None:
    rows = [["w", "s", *SKM.item_ids], ["2,5", "A", *(["4"] * 9)], ["1.5", "A", *(["3"] * 9)]]
    path = _write_csv(tmp_path / "x.csv", rows, delimiter=";")
    r = sq.read_export(path, SKM, weights="w", strata="s")
    assert r.design.column("_weight").tolist() == [2.5, 1.5]
    rows[2][0] = "n/a"
    with pytest.raises(DataFormatError, match=r"row 3: column 'w' holds 'n/a', not a number"):
        sq.read_export(_write_csv(tmp_path / "y.csv", rows, ";"), SKM, weights="w")


@pytest.mark.parametrize("name", sq.instruments.available())
def test_every_builtin_label_set_reads_back(name: str, tmp_path: Path) -> None:
    """Each built-in instrument: every label of every language maps to its own value."""
    from servqual.forms._labels import LANGUAGES, answer_labels

    inst = sq.instruments.get(name)
    for lang in LANGUAGES:
        rows = [list(inst.item_ids)]
        for v in inst.scale.values:
            rows.append([answer_labels(inst, it, lang)[v - inst.scale.min] for it in inst.items])
        r = sq.read_export(_write_csv(tmp_path / f"{lang}.csv", rows), inst)
        expected = np.repeat(np.array(inst.scale.values, float)[:, None], len(inst.items), 1)
        np.testing.assert_array_equal(r.values(reverse=False), expected)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(0, 4), min_size=9, max_size=9), min_size=1, max_size=12))
def test_labels_and_codes_agree(tmp_path_factory: pytest.TempPathFactory, table: list) -> None:
    """Property: labels in either language decode to exactly the codes they stand for."""
    rng = np.random.default_rng(len(table))
    values = np.array(table, dtype=float)
    values[values == 0] = np.nan
    rows = [list(SKM.item_ids)]
    for row in values:
        lang = "en" if rng.random() < 0.5 else "id"
        rows.append([_label(i, v, lang, rng) for i, v in zip(SKM.item_ids, row, strict=True)])
    path = _write_csv(tmp_path_factory.mktemp("p") / "x.csv", rows)
    answered = values[~np.isnan(values).all(axis=1)]  # an all-blank line is no respondent
    if len(answered) == 0:
        with pytest.raises(DataFormatError, match="has a header but no respondents"):
            sq.read_export(path, SKM)
        return
    np.testing.assert_array_equal(sq.read_export(path, SKM).values(), answered)


@pytest.mark.parametrize(
    "header",
    [
        "U1. Persyaratan",
        "u1 - Requirements",
        "Persyaratan (U1)",
        "1. Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan "
        "jenis pelayanannya",  # no "?"
        "Persyaratan *",  # a required marker
        "data:penilaian:U1",
        "penilaian.U1",
    ],
)
def test_header_spellings_of_one_question(header: str, tmp_path: Path) -> None:
    rows = [[header, *SKM.item_ids[1:]], ["Sesuai", *(["3"] * 8)]]
    path = _write_csv(tmp_path / "x.csv", rows)
    assert sq.read_export(path, SKM).values()[0, 0] == 3.0


def test_numbered_labels_missing_texts_and_blank_edges(tmp_path: Path) -> None:
    rows = [
        ["Saran", *SKM.item_ids, "Saran", ""],
        ["ok", "4 - Sangat sesuai", *(["Baik (3)"] * 8), "lagi", ""],
        ["-", "N/A", *(["(2) Kurang baik"] * 8), "", ""],
    ]
    path = _write_csv(tmp_path / "x.csv", rows)
    r = sq.read_export(path, SKM, missing=["N/A"])
    assert r.values()[0].tolist() == [4.0] + [3.0] * 8
    assert np.isnan(r.values()[1, 0])
    assert r.values()[1, 1:].tolist() == [2.0] * 8
    assert r.attributes == ["Saran", "Saran (column 11)"]
    rows[1][1] = "3 - Sangat sesuai"  # the number and the label disagree
    with pytest.raises(ExportMappingError, match=r"'3 - Sangat sesuai' in row 2"):
        sq.read_export(_write_csv(tmp_path / "y.csv", rows), SKM, missing=["N/A"])
    with pytest.raises(ParameterError, match=r"missing must be a list of texts"):
        sq.read_export(path, SKM, missing="N/A")  # type: ignore[arg-type]


def test_repeated_question_and_headerless_data(tmp_path: Path) -> None:
    rows = [[*SKM.item_ids, "U9"], ["4"] * 10]
    with pytest.raises(DataFormatError, match=r"'U9' \(column 9\) and 'U9 \(column 10\)'"):
        sq.read_export(_write_csv(tmp_path / "x.csv", rows), SKM)
    rows = [[*SKM.item_ids, ""], ["4"] * 10]
    with pytest.raises(DataFormatError, match=r"column 10 has data but no header"):
        sq.read_export(_write_csv(tmp_path / "y.csv", rows), SKM)


def test_kobo_metadata_columns_are_attributes(tmp_path: Path) -> None:
    meta = ["start", "end", "today", "deviceid", "_id", "_uuid", "_submission_time",
            "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
            "_tags", "_index"]  # fmt: skip
    rows = [[*meta, *(f"group_x/{i}" for i in SKM.item_ids)], [*(["m"] * len(meta)), *(["4"] * 9)]]
    r = sq.read_export(_write_csv(tmp_path / "k.csv", rows, ";"), SKM, source="kobo")
    assert r.attributes == meta
    assert r.values().tolist() == [[4.0] * 9]


def test_typographic_quotes_and_old_workbooks(tmp_path: Path) -> None:
    inst = sq.instruments.SERVQUAL_22
    header = [it.text.replace("'", "’") for it in inst.items]  # as a form editor writes them
    rows = [header, ["Setuju"] * 11 + ["Agree"] * 11]
    r = sq.read_export(_write_csv(tmp_path / "sq.csv", rows), inst)
    assert r.values(reverse=False).tolist() == [[6.0] * 22]
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataFormatError, match=r"old.xls: .xls workbooks are not read; save"):
        sq.read_export(tmp_path / "old.xls", inst)


def test_rows_are_numbered_as_in_the_spreadsheet(tmp_path: Path) -> None:
    rows = [list(SKM.item_ids), ["Baik"] * 9, [""] * 9, ["", ""], ["Bagus", *(["Baik"] * 8)]]
    with pytest.raises(ExportMappingError, match=r"'Bagus' in row 5\b"):
        sq.read_export(_write_csv(tmp_path / "x.csv", rows), SKM)


def test_attributes_list_makes_every_other_header_an_error(tmp_path: Path) -> None:
    rows = [["Timestamp", "Usia", "Komentar", *SKM.item_ids], ["t", "30", "ok", *(["4"] * 9)]]
    path = _write_csv(tmp_path / "x.csv", rows)
    with pytest.raises(
        ExportMappingError,
        match=r"not in attributes=: 'Usia' \(column 2\); 'Komentar' \(column 3\)",
    ) as e:
        sq.read_export(path, SKM, attributes=["Timestamp"])
    assert e.value.unmapped == {"columns": {"Usia": [2], "Komentar": [3]}}
    r = sq.read_export(path, SKM, attributes=["Timestamp", "Usia", "Komentar"])
    assert r.attributes == ["Timestamp", "Usia", "Komentar"]
    with pytest.raises(DataFormatError, match=r"attributes column 'Umur' is not in x.csv"):
        sq.read_export(path, SKM, attributes=["Umur"])
