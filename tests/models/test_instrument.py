"""Scale, Item, Instrument: validation, labels, weights, JSON round trip and schema."""

from __future__ import annotations

import json
import math

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import ItemError, ScaleError

GENERIC = ("Tidak baik", "Kurang baik", "Baik", "Sangat baik")


def _instrument(**kw: object) -> sq.Instrument:
    items = [sq.Item(id="Q1", text="Speed"), sq.Item(id="Q2", text="Courtesy")]
    args: dict[str, object] = {"id": "t", "name": "T", "scale": sq.Scale(min=1, max=4)}
    args["items"] = items
    args.update(kw)
    return sq.Instrument.model_validate(args)


def test_scale_levels_values_and_labels() -> None:
    s = sq.Scale(min=1, max=4, labels=GENERIC)
    assert s.levels == 4
    assert s.values == (1, 2, 3, 4)
    assert s.label(1) == "Tidak baik"
    assert 3 in s
    assert 5 not in s
    assert True not in s
    assert sq.Scale(min=0, max=10).label(7) is None


@pytest.mark.parametrize("value", [0, 5, -1])
def test_scale_label_outside_scale(value: int) -> None:
    with pytest.raises(ScaleError, match=rf"answer {value} is outside the scale 1–4"):
        sq.Scale(min=1, max=4, labels=GENERIC).label(value)


def test_scale_check_refuses_non_integers() -> None:
    with pytest.raises(ScaleError, match=r"answer True is not an integer"):
        sq.Scale(min=1, max=4).check(True)
    with pytest.raises(ScaleError, match=r"answer 2.5 is not an integer"):
        sq.Scale(min=1, max=4).check(2.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min": 4, "max": 1}, r"scale max 1 must be above min 4"),
        ({"min": 0, "max": 200}, r"at most 127 levels, got 201"),
        ({"min": 1, "max": 4, "labels": ("a", "b")}, r"has 4 levels but 2 labels"),
    ],
)
def test_scale_invalid(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        sq.Scale.model_validate(kwargs)


def test_item_label_falls_back_to_scale() -> None:
    scale = sq.Scale(min=1, max=4, labels=GENERIC)
    fee = sq.Item(id="U4", text="Biaya", labels=("Sangat mahal", "Cukup mahal", "Murah", "Gratis"))
    assert fee.label(1, scale) == "Sangat mahal"
    assert sq.Item(id="U1", text="Persyaratan").label(2, scale) == "Kurang baik"
    assert sq.Item(id="U1", text="x").label(2, sq.Scale(min=1, max=4)) is None
    with pytest.raises(ScaleError, match="outside the scale 1–4"):
        fee.label(0, scale)


def test_instrument_weights_normalised_and_lookups() -> None:
    inst = _instrument(weights={"Q1": 3, "Q2": 1})
    assert inst.weights == {"Q1": 0.75, "Q2": 0.25}
    assert inst.weight_vector() == [0.75, 0.25]
    assert inst.item_ids == ("Q1", "Q2")
    assert inst.index("Q2") == 1
    assert inst.item("Q1").text == "Speed"
    assert inst["Q2"].text == "Courtesy"
    assert _instrument().weights == {"Q1": 0.5, "Q2": 0.5}
    assert _instrument().grading is None
    assert _instrument(metadata={"grading": "skm-2017"}).grading == "skm-2017"


def test_instrument_label_lookup() -> None:
    inst = _instrument(scale=sq.Scale(min=1, max=4, labels=GENERIC))
    assert inst.label("Q1", 4) == "Sangat baik"
    with pytest.raises(ItemError, match=r"unknown item id 'Q9' for instrument 't'"):
        inst.label("Q9", 4)


def test_unknown_item_lookup() -> None:
    with pytest.raises(ItemError, match=r"unknown item id 'Q3' for instrument 't'; items"):
        _instrument().index("Q3")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"items": [sq.Item(id="Q1", text="a"), sq.Item(id="Q1", text="b")]},
            r"duplicate item id 'Q1'",
        ),
        ({"weights": {"Q1": 1, "Q3": 1}}, r"weight given for unknown item id 'Q3'"),
        ({"weights": {"Q1": 1}}, r"no weight for item 'Q2'"),
        ({"weights": {"Q1": 1, "Q2": -1}}, r"weight of item 'Q2' must be positive"),
        ({"weights": {"Q1": 1, "Q2": math.nan}}, r"weight of item 'Q2' must be positive"),
        ({"items": []}, r"at least 1 item"),
        (
            {"items": [sq.Item(id="Q1", text="a", labels=("x", "y"))]},
            r"item 'Q1' has 2 labels for a 4-level scale",
        ),
        ({"extra": 1}, r"Extra inputs are not permitted"),
    ],
)
def test_instrument_invalid(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        _instrument(**kwargs)


def test_instrument_is_frozen() -> None:
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        _instrument().name = "other"  # type: ignore[misc]


def test_json_round_trip() -> None:
    inst = _instrument(
        scale=sq.Scale(min=1, max=4, labels=GENERIC),
        weights={"Q1": 2, "Q2": 1},
        metadata={"grading": "skm-2017"},
    )
    again = sq.Instrument.model_validate_json(inst.model_dump_json())
    assert again == inst
    item = sq.Item(id="U4", text="Biaya", text_en="Fee", labels=("a", "b", "c", "d"), reverse=True)
    assert sq.Item.model_validate_json(item.model_dump_json()) == item
    scale = sq.Scale(min=0, max=10)
    assert sq.Scale.model_validate_json(scale.model_dump_json()) == scale


@given(st.lists(st.floats(min_value=1e-3, max_value=1e3), min_size=1, max_size=12))
def test_weights_sum_to_one_and_survive_json(raw: list[float]) -> None:
    items = [sq.Item(id=f"Q{j}", text="q") for j in range(len(raw))]
    inst = sq.Instrument(
        id="h",
        name="h",
        scale=sq.Scale(min=1, max=5),
        items=items,
        weights={f"Q{j}": w for j, w in enumerate(raw)},
    )
    assert math.isclose(math.fsum(inst.weight_vector()), 1.0, rel_tol=1e-15)
    again = sq.Instrument.model_validate_json(inst.model_dump_json())
    assert again.weight_vector() == pytest.approx(inst.weight_vector(), rel=1e-15)


def test_json_schema() -> None:
    schema = sq.Instrument.model_json_schema()
    assert set(schema["required"]) == {"id", "name", "scale", "items"}
    assert schema["additionalProperties"] is False
    assert {"Scale", "Item"} <= set(schema["$defs"])
    assert "question" in schema["$defs"]["Item"]["properties"]
    json.dumps(schema)  # serialisable


def test_model_errors_are_both_pydantic_and_servqual_errors() -> None:
    # App code catches pydantic's error; analysts catch servqual's: both work.
    import pydantic

    from servqual.errors import ModelValidationError, ValidationError

    with pytest.raises(ModelValidationError, match="duplicate item id 'Q1'") as info:
        sq.Instrument(
            id="x",
            name="x",
            scale=sq.Scale(min=1, max=4),
            items=[sq.Item(id="Q1", text="a"), sq.Item(id="Q1", text="b")],
        )
    assert isinstance(info.value, pydantic.ValidationError)
    assert isinstance(info.value, ValidationError)
    assert info.value.errors()[0]["loc"] == ("items",)
