"""The instrument by name ("skm-2017") everywhere an instrument is accepted: each entry
point gives exactly what the Instrument object gives (one resolver,
servqual.instruments.resolve)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import servqual as sq
from servqual.errors import ParameterError, ServqualTypeError

SKM = sq.instruments.SKM_2017
ROWS = [[4, 3, 3, 2, 4, 3, 3, 4, 2], [3, 3, 4, 4, 3, 2, 3, 3, 3], [2, 4, 3, 3, 3, 3, 4, 2, 3]]


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "skm.csv"
    lines = [",".join(SKM.item_ids), *(",".join(map(str, r)) for r in ROWS)]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _build(kind: str, instrument: Any, tmp_path: Path) -> Any:
    frame = {i: [r[j] for r in ROWS] for j, i in enumerate(SKM.item_ids)}
    if kind == "from_records":
        records = [{"respondent_id": k, "answers": dict(zip(SKM.item_ids, r, strict=True))}
                   for k, r in enumerate(ROWS)]  # fmt: skip
        return sq.Responses.from_records(records, instrument).values()
    if kind == "from_arrays":
        return sq.Responses.from_arrays(np.array(ROWS), instrument).values()
    if kind == "from_frame":
        return sq.Responses.from_frame(frame, instrument).values()
    if kind == "read_csv":
        return sq.read_csv(_csv(tmp_path), instrument).values()
    if kind == "read_export":
        return sq.read_export(_csv(tmp_path), instrument).values()
    if kind == "accumulator":
        return sq.SKMAccumulator(instrument).update(frame).result()
    if kind == "paper":
        return sq.forms.to_html_form(instrument)
    if kind == "xlsform":
        from servqual.forms.xlsform import xlsform_sheets

        return xlsform_sheets(instrument)
    if kind == "report":
        result = sq.skm_index(sq.Responses.from_arrays(np.array(ROWS), SKM))
        return sq.Report.from_skm(result, instrument=instrument)
    raise AssertionError(kind)


KINDS = ["from_records", "from_arrays", "from_frame", "read_csv", "read_export",
         "accumulator", "paper", "xlsform", "report"]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_name_gives_what_the_object_gives(kind: str, tmp_path: Path) -> None:
    by_object = _build(kind, SKM, tmp_path)
    for name in ("skm-2017", "SKM_2017", " skm 2017 "):
        by_name = _build(kind, name, tmp_path)
        if isinstance(by_object, np.ndarray):
            np.testing.assert_array_equal(by_name, by_object)
        else:
            assert by_name == by_object


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_name_lists_the_available_ones(kind: str, tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match=r"unknown instrument 'skm-1999'; available: \["):
        _build(kind, "skm-1999", tmp_path)


def test_resolve_refuses_other_types() -> None:
    with pytest.raises(ServqualTypeError, match=r"instrument must be an Instrument or the name"):
        sq.instruments.resolve(2017)  # type: ignore[arg-type]
