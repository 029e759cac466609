"""ServiceStandard (14 components of Permen PANRB 15/2014), Service, ServiceCatalog."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pydantic
import pytest

import servqual as sq
from servqual.errors import ParameterError


def _standard() -> sq.ServiceStandard:
    return sq.ServiceStandard(
        requirements=("Surat pengantar RT/RW", "Kartu Keluarga"),
        procedure=("Ambil nomor antrean", "Verifikasi", "Perekaman", "Pencetakan"),
        completion_time=sq.CompletionTime(value=1, unit="working_days", text="1 hari kerja"),
        fee=sq.Fee(amount=0, text="Tidak dipungut biaya"),
        product="KTP-el",
        complaints="Kotak saran, SP4N-LAPOR!",
        legal_basis=("UU 24/2013",),
        facilities=("Ruang tunggu", "Kursi roda"),
        staff_competence="SMA, pelatihan perekaman",
        supervision="Kepala seksi",
        staff_count=4,
        service_guarantee="Maklumat pelayanan",
        security_guarantee="Data dijaga kerahasiaannya",
        performance_evaluation="Evaluasi triwulanan",
    )


def _catalog() -> sq.ServiceCatalog:
    return sq.ServiceCatalog(
        services=[
            sq.Service(id="ktp", name="KTP-el", provider="Disdukcapil", recipients="warga"),
            sq.Service(
                id="akta",
                name="Akta kelahiran",
                provider="Disdukcapil",
                recipients=("warga", "orang asing"),
            ),
            sq.Service(id="pbg", name="PBG", provider="DPMPTSP", recipients="badan usaha"),
        ]
    )


def test_fourteen_components_in_two_groups() -> None:
    # Permen PANRB 15/2014: 6 delivery + 8 management components (reference skm.md).
    s = sq.ServiceStandard
    assert len(s.DELIVERY) == 6
    assert len(s.MANAGEMENT) == 8
    # plus DETAILS: complaint_time, the machine-readable part of "complaints"
    assert set(s.DELIVERY) | set(s.MANAGEMENT) | set(s.DETAILS) == set(s.model_fields)
    assert set(s.NAMES_ID) == set(s.DELIVERY) | set(s.MANAGEMENT)


def test_groups_and_missing() -> None:
    std = _standard()
    assert std.missing() == ()
    assert list(std.group("delivery")) == list(sq.ServiceStandard.DELIVERY)
    assert std.group("management")["staff_count"] == 4
    draft = sq.ServiceStandard(product="KTP-el")
    assert draft.missing()[0] == "requirements"
    assert len(draft.missing()) == 13
    with pytest.raises(ParameterError, match=r"group must be one of .*'delivery'.*got 'other'"):
        std.group("other")  # type: ignore[arg-type]


def test_completion_time_and_fee() -> None:
    assert sq.CompletionTime(value=2, unit="hours").as_timedelta() == dt.timedelta(hours=2)
    assert sq.CompletionTime(value=3, unit="days").as_timedelta() == dt.timedelta(days=3)
    with pytest.raises(ParameterError, match=r"3 working days has no fixed calendar length"):
        sq.CompletionTime(value=3, unit="working_days").as_timedelta()
    assert sq.Fee(amount=0).is_free
    fee = sq.Fee(amount="12500.50", currency="IDR")
    assert fee.amount == Decimal("12500.50")
    assert not fee.is_free


@pytest.mark.parametrize(
    ("model", "kwargs", "message"),
    [
        (sq.CompletionTime, {"value": 0, "unit": "days"}, "greater than 0"),
        (sq.CompletionTime, {"value": 1, "unit": "weeks"}, "'minutes', 'hours', 'days'"),
        (sq.Fee, {"amount": -1}, "greater than or equal to 0"),
        (sq.Fee, {"amount": 1, "currency": "rupiah"}, "should match pattern"),
        (sq.ServiceStandard, {"staff_count": -2}, "greater than or equal to 0"),
        (sq.ServiceStandard, {"cost": 1}, "Extra inputs are not permitted"),
        (
            sq.Service,
            {"id": "a", "name": "A", "provider": "P", "recipients": ()},
            "at least 1 item",
        ),
        (
            sq.Service,
            {"id": "a", "name": "A", "provider": "P", "recipients": ("x", "x")},
            "recipient group 'x' is listed twice",
        ),
    ],
)
def test_invalid(model: type[pydantic.BaseModel], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        model.model_validate(kwargs)


def test_catalog_lookups() -> None:
    cat = _catalog()
    assert len(cat) == 3
    assert "ktp" in cat
    assert "kk" not in cat
    assert cat.ids == ("ktp", "akta", "pbg")
    assert cat.providers == ("Disdukcapil", "DPMPTSP")
    assert cat.recipient_groups == ("warga", "orang asing", "badan usaha")
    assert cat.service("akta").name == "Akta kelahiran"
    assert [s.id for s in cat.by_provider("Disdukcapil")] == ["ktp", "akta"]
    assert [s.id for s in cat.for_recipient("orang asing")] == ["akta"]
    assert cat.providers_for("warga") == ("Disdukcapil",)
    assert cat.recipients_of("Disdukcapil") == ("warga", "orang asing")
    assert cat.serves("DPMPTSP", "badan usaha")
    assert not cat.serves("DPMPTSP", "warga")
    assert cat.by_provider("nobody") == ()


def test_catalog_unknown_and_duplicate_ids() -> None:
    with pytest.raises(ParameterError, match=r"unknown service id 'kk'; services: \['ktp'"):
        _catalog().service("kk")
    svc = sq.Service(id="ktp", name="KTP-el", provider="D", recipients="warga")
    with pytest.raises(pydantic.ValidationError, match=r"duplicate service id 'ktp'"):
        sq.ServiceCatalog(services=[svc, svc])


def test_json_round_trips() -> None:
    std = _standard()
    assert sq.ServiceStandard.model_validate_json(std.model_dump_json()) == std
    svc = sq.Service(id="ktp", name="KTP-el", provider="D", recipients="warga", standard=std)
    assert sq.Service.model_validate_json(svc.model_dump_json()) == svc
    cat = _catalog()
    assert sq.ServiceCatalog.model_validate_json(cat.model_dump_json()) == cat
    t = sq.CompletionTime(value=90, unit="minutes")
    assert sq.CompletionTime.model_validate_json(t.model_dump_json()) == t
    fee = sq.Fee(amount="0.10", currency="USD")
    assert sq.Fee.model_validate_json(fee.model_dump_json()) == fee


def test_json_schema() -> None:
    schema = sq.ServiceCatalog.model_json_schema()
    assert {"Service", "ServiceStandard", "CompletionTime", "Fee"} <= set(schema["$defs"])
    std = schema["$defs"]["ServiceStandard"]
    assert len(std["properties"]) == 14 + len(sq.ServiceStandard.DETAILS)
    assert std["additionalProperties"] is False
    unit = schema["$defs"]["CompletionTime"]["properties"]["unit"]
    assert unit["enum"] == ["minutes", "hours", "days", "working_days"]
