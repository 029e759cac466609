"""Catalogs as JSON and CSV: round trips, and named errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

import servqual as sq
from servqual.errors import DataFormatError, ModelValidationError, ParameterError


def test_json_round_trip_keeps_everything(tmp_path: Path) -> None:
    cat = sq.data.load_demo_catalog()
    sq.write_catalog(cat, tmp_path / "c.json")
    assert sq.read_catalog(tmp_path / "c.json") == cat
    schema = sq.ServiceCatalog.model_json_schema()
    assert "complaint_time" in schema["$defs"]["ServiceStandard"]["properties"]


def test_csv_round_trip_keeps_time_fee_and_product(tmp_path: Path) -> None:
    cat = sq.data.load_demo_catalog()
    sq.write_catalog(cat, tmp_path / "c.csv")
    text = (tmp_path / "c.csv").read_text()
    assert text.splitlines()[1] == (
        "KTP-el,Penerbitan KTP-el,Dinas Kependudukan dan Pencatatan Sipil Kabupaten Sukamaju,"
        "warga,3,working_days,0,IDR,5,working_days,KTP-el"
    )
    back = sq.read_catalog(tmp_path / "c.csv")
    assert back.ids == cat.ids
    for a, b in zip(back.services, cat.services, strict=True):
        assert a.standard is not None
        assert b.standard is not None
        assert a.standard.completion_time == b.standard.completion_time.model_copy(
            update={"text": None}
        )  # type: ignore[union-attr]
        assert a.standard.fee.amount == b.standard.fee.amount  # type: ignore[union-attr]
        assert a.standard.complaint_time.value == b.standard.complaint_time.value  # type: ignore[union-attr]
    from servqual.standards.catalog_io import catalog_to_csv

    assert catalog_to_csv(back) == text


def test_csv_minimal_and_several_recipients() -> None:
    from servqual.standards.catalog_io import catalog_from_csv

    cat = catalog_from_csv(
        "id,name,provider,recipients,completion_time,completion_unit,fee\n"
        "pbg,PBG,DPMPTSP,badan usaha; warga,90,minutes,\n"
        "skck,SKCK,Polres,warga,,,30000\n"
    )
    pbg, skck = cat.services
    assert pbg.recipients == ("badan usaha", "warga")
    assert pbg.standard is not None
    assert pbg.standard.completion_time == sq.CompletionTime(value=90, unit="minutes")
    assert pbg.standard.fee is None
    assert skck.standard is not None
    assert skck.standard.completion_time is None
    assert str(skck.standard.fee.amount) == "30000"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("id,name,provider\nx,X,P\n", DataFormatError, r"lacks column\(s\) \['recipients'\]"),
        (
            "id,name,provider,recipients,tarif\nx,X,P,w,1\n",
            DataFormatError,
            r"unknown column\(s\) \['tarif'\]",
        ),
        (
            "id,name,provider,recipients,fee\nx,X,P,w,gratis\n",
            DataFormatError,
            r"catalog row 2 \(service 'x'\): fee 'gratis' is not a number",
        ),
        (
            "id,name,provider,recipients,completion_time\nx,X,P,w,3\n",
            DataFormatError,
            r"catalog row 2 \(service 'x'\): give both completion_time and completion_unit",
        ),
        (
            "id,name,provider,recipients,completion_time,completion_unit\nx,X,P,w,3,weeks\n",
            ModelValidationError,
            r"unit",
        ),
        ("id,name,provider,recipients,fee\nx,X,P,w,-1\n", ModelValidationError, r"amount"),
        (
            "id,name,provider,recipients\nx,X,P,w\nx,Y,P,w\n",
            ModelValidationError,
            r"duplicate service id 'x'",
        ),
    ],
)
def test_bad_csv(tmp_path: Path, text: str, error: type[Exception], match: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text(text)
    with pytest.raises(error, match=match):
        sq.read_catalog(path)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"must end in .json or .csv"):
        sq.read_catalog(tmp_path / "c.yaml")
    (tmp_path / "c.json").write_text("{services: []}")
    with pytest.raises(DataFormatError, match=r"c.json: not valid JSON"):
        sq.read_catalog(tmp_path / "c.json")
    (tmp_path / "c.json").write_text("[]")
    with pytest.raises(DataFormatError, match=r"a catalog is a JSON object"):
        sq.read_catalog(tmp_path / "c.json")
