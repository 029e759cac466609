"""Built-in index instruments: structure as indices.md states it (SERVQUAL 4/5/4/4/5 items on
1–7 with the 1988 negatively worded items reversed; NPS 0–10; CSAT 1–5; CES 1–7 high = easy;
the ten public-service principles)."""

from __future__ import annotations

from collections import Counter

import servqual as sq

INST = sq.instruments


def test_servqual_forms() -> None:
    for form in (INST.SERVQUAL_22, INST.SERVQUAL_22_E):
        assert (form.scale.min, form.scale.max) == (1, 7)
        counts = Counter(item.dimension for item in form.items)
        assert counts == {
            "tangibles": 4,
            "reliability": 5,
            "responsiveness": 4,
            "assurance": 4,
            "empathy": 5,
        }
        reversed_ids = [item.id for item in form.items if item.reverse]
        assert reversed_ids == ["S1", "S2", "S3", "S4", "E1", "E2", "E3", "E4", "E5"]
    assert INST.SERVQUAL_22.item_ids == INST.SERVQUAL_22_E.item_ids
    assert INST.SERVQUAL_22.metadata["form"] == "perception"
    assert INST.SERVQUAL_22_E.metadata["form"] == "expectation"
    assert INST.get("servqual-22-e") is INST.SERVQUAL_22_E


def test_single_item_instruments() -> None:
    assert (INST.NPS.scale.min, INST.NPS.scale.max, len(INST.NPS.items)) == (0, 10, 1)
    assert (INST.CSAT.scale.min, INST.CSAT.scale.max) == (1, 5)
    assert (INST.CES.scale.min, INST.CES.scale.max) == (1, 7)
    assert INST.CES.metadata["direction"].startswith("high = easy")


def test_pelayanan_prima() -> None:
    pp = INST.PELAYANAN_PRIMA
    assert pp.item_ids == tuple(f"P{j}" for j in range(1, 11))
    assert all(item.text and item.text_en for item in pp.items)
    assert [item.dimension for item in pp.items] == [
        "simplicity",
        "clarity",
        "time_certainty",
        "accuracy",
        "facilities",
        "security",
        "responsibility",
        "ease_of_access",
        "discipline_courtesy_friendliness",
        "comfort",
    ]
