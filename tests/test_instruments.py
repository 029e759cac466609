"""Built-in instruments: SKM 2017 and IKM 2004 as in the regulations (reference skm.md)."""

from __future__ import annotations

import json
import math
from importlib import resources

import pytest

import servqual as sq
from servqual.errors import ParameterError

# Element names and translations: reference skm.md, tables "SKM 2017" and "IKM 2004".
SKM_ELEMENTS = {
    "U1": ("Persyaratan", "Requirements"),
    "U2": ("Sistem, mekanisme, dan prosedur", "Systems, mechanisms and procedures"),
    "U3": ("Waktu penyelesaian", "Completion time"),
    "U4": ("Biaya/Tarif", "Cost/fee"),
    "U5": ("Produk spesifikasi jenis pelayanan", "Service product specification"),
    "U6": ("Kompetensi pelaksana", "Staff competence"),
    "U7": ("Perilaku pelaksana", "Staff behaviour"),
    "U8": (
        "Penanganan pengaduan, saran dan masukan",
        "Handling of complaints, suggestions and feedback",
    ),
    "U9": ("Sarana dan prasarana", "Facilities and infrastructure"),
}
IKM_ELEMENTS = {
    "U1": "Prosedur pelayanan",
    "U2": "Persyaratan pelayanan",
    "U3": "Kejelasan petugas pelayanan",
    "U4": "Kedisiplinan petugas pelayanan",
    "U5": "Tanggung jawab petugas pelayanan",
    "U6": "Kemampuan petugas pelayanan",
    "U7": "Kecepatan pelayanan",
    "U8": "Keadilan mendapatkan pelayanan",
    "U9": "Kesopanan dan keramahan petugas",
    "U10": "Kewajaran biaya pelayanan",
    "U11": "Kepastian biaya pelayanan",
    "U12": "Kepastian jadwal pelayanan",
    "U13": "Kenyamanan lingkungan",
    "U14": "Keamanan pelayanan",
}
GENERIC = ("Tidak baik", "Kurang baik", "Baik", "Sangat baik")


def test_skm_2017() -> None:
    skm = sq.instruments.SKM_2017
    assert skm.id == "skm-2017"
    assert skm.item_ids == tuple(SKM_ELEMENTS)
    for item in skm.items:
        assert (item.text, item.text_en) == SKM_ELEMENTS[item.id]
        assert item.labels is not None
        assert item.question
    assert (skm.scale.min, skm.scale.max, skm.scale.labels) == (1, 4, GENERIC)
    assert skm.metadata["grading"] == "skm-2017"
    assert skm.metadata["regulation_weight"] == "0.111"  # printed weight, skm.md
    # exact weight 1/9 (skm.md "Formula"), not the printed 0.111
    assert skm.weight_vector() == [1 / 9] * 9
    assert math.fsum(skm.weight_vector()) == 1.0


def test_skm_2017_item_labels() -> None:
    # skm.md: "U4: sangat mahal / cukup mahal / murah / gratis; U3: tidak cepat / ... "
    skm = sq.instruments.SKM_2017
    assert [skm.label("U4", v) for v in (1, 2, 3, 4)] == [
        "Sangat mahal",
        "Cukup mahal",
        "Murah",
        "Gratis",
    ]
    assert [skm.label("U3", v) for v in (1, 2, 3, 4)] == [
        "Tidak cepat",
        "Kurang cepat",
        "Cepat",
        "Sangat cepat",
    ]


def test_ikm_2004() -> None:
    ikm = sq.instruments.IKM_2004
    assert ikm.id == "ikm-2004"
    assert {i.id: i.text for i in ikm.items} == IKM_ELEMENTS
    assert ikm.item_ids == tuple(IKM_ELEMENTS)
    assert all(item.text_en for item in ikm.items)
    assert (ikm.scale.min, ikm.scale.max, ikm.scale.labels) == (1, 4, GENERIC)
    assert ikm.metadata["grading"] == "ikm-2004"
    assert ikm.metadata["regulation_weight"] == "0.071"
    assert ikm.weight_vector() == pytest.approx([1 / 14] * 14, rel=1e-15)


@pytest.mark.parametrize("name", ["skm-2017", "SKM_2017", "skm_2017", " Skm 2017 "])
def test_get_accepts_spellings(name: str) -> None:
    assert sq.instruments.get(name) is sq.instruments.SKM_2017


def test_get_unknown() -> None:
    with pytest.raises(ParameterError, match=r"unknown instrument 'skm-2018'; available: \[.*"):
        sq.instruments.get("skm-2018")
    with pytest.raises(ParameterError, match=r"instrument name must be a string, got 2017"):
        sq.instruments.get(2017)  # type: ignore[arg-type]


def test_available_lists_every_builtin() -> None:
    names = sq.instruments.available()
    assert {"skm-2017", "ikm-2004"} <= set(names)
    assert list(names) == sorted(names)
    for name in names:
        assert isinstance(sq.instruments.get(name), sq.Instrument)


def test_every_data_file_is_registered_and_valid() -> None:
    data = resources.files("servqual.instruments").joinpath("data")
    files = sorted(p.name for p in data.iterdir() if p.name.endswith(".json"))
    assert "skm_2017.json" in files
    for name in files:
        doc = json.loads(data.joinpath(name).read_text(encoding="utf-8"))
        inst = sq.Instrument.model_validate(doc)
        assert sq.instruments.get(name.removesuffix(".json")) == inst


def test_builtins_round_trip_through_json() -> None:
    for inst in (sq.instruments.SKM_2017, sq.instruments.IKM_2004):
        assert sq.Instrument.model_validate_json(inst.model_dump_json()) == inst
