"""``servqual schema``: the JSON Schema of every public model; real documents validate
against it (checked with the independent ``jsonschema`` validator)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import servqual as sq
from servqual.cli import main
from servqual.cli.schema_cmd import public_models

jsonschema = pytest.importorskip("jsonschema")


def _schema(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["schema", *args]) == 0
    schema: dict[str, Any] = json.loads(capsys.readouterr().out)
    return schema


def test_list_names_every_public_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--list"]) == 0
    names = capsys.readouterr().out.split()
    assert names == sorted(names)
    assert {"Instrument", "Estimate", "Report", "SKMResult", "Response"} <= set(names)
    assert set(names) == set(public_models())


@pytest.mark.parametrize("name", sorted(public_models()))
def test_every_schema_is_valid_json_schema(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    for mode in ("validation", "serialization"):
        schema = _schema(capsys, name.lower(), "--mode", mode)
        jsonschema.Draft202012Validator.check_schema(schema)


def test_documents_validate_against_their_schema(capsys: pytest.CaptureFixture[str]) -> None:
    instrument = sq.instruments.SKM_2017.model_dump(mode="json")
    jsonschema.validate(instrument, _schema(capsys, "Instrument"))
    report = json.loads(sq.render_json(sq.skm_report(sq.data.load_demo(), by="service")))
    jsonschema.validate(report, _schema(capsys, "Report", "--mode", "serialization"))
    bad = {**instrument, "scale": {"min": 1}}
    with pytest.raises(jsonschema.ValidationError, match="'max' is a required property"):
        jsonschema.validate(bad, _schema(capsys, "Instrument"))


def test_unknown_model_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "Nope"]) == 2
    assert "unknown model 'Nope'; models: ['CESResult'" in capsys.readouterr().err
    assert main(["schema"]) == 2
    assert "give a model name" in capsys.readouterr().err
