"""The bundled demo survey: reproducible from its committed generator, and loadable.

Source of truth: ``scripts/make_demo.py`` (fixed seed, raw PCG64 bits only). The shipped
file must be exactly what the generator writes; the story it tells (three services with
different grades, completion time weakest) is checked against ``skm_index``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import servqual as sq
from servqual.csv_io import read_csv
from servqual.data import DEMO, demo_path
from servqual.indices.skm import skm_index
from servqual.indices.skm_result import SKMResult

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_demo.py"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def responses() -> sq.Responses:
    return read_csv(
        demo_path(),
        sq.instruments.SKM_2017,
        strata=str(DEMO["strata"]),
        fpc=str(DEMO["fpc"]),
        id_column=str(DEMO["id_column"]),
    )


def test_generator_reproduces_shipped_file_byte_for_byte(generator: ModuleType) -> None:
    data = generator.build_csv()
    assert data == generator.build_csv()  # deterministic within a run
    assert data == demo_path().read_bytes()  # and equal to the installed package data


def test_file_layout() -> None:
    text = demo_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    assert header[:6] == [
        "respondent_id",
        "service",
        "gender",
        "age_band",
        "education",
        "occupation",
    ]
    assert header[6:15] == [f"U{j}" for j in range(1, 10)]
    assert header[15:24] == [f"imp_U{j}" for j in range(1, 10)]
    assert header[24:] == ["population"]
    assert len(lines) == 401
    assert not text.startswith("\ufeff")
    assert "\r" not in text


def test_loads_with_read_csv(responses: sq.Responses) -> None:
    assert responses.n == 400
    assert responses.instrument.item_ids == tuple(f"U{j}" for j in range(1, 10))
    assert responses.respondent_ids[0] == "R001"
    assert len(set(responses.respondent_ids.tolist())) == 400
    arrays = responses.design.arrays
    assert len(arrays.strata) == 3
    assert arrays.has_fpc
    assert sorted(arrays.pop.tolist()) == [1560.0, 2850.0, 4210.0]
    assert sum(arrays.pop.tolist()) == DEMO["population"]
    assert arrays.df == 397.0  # 400 respondents − 3 strata


def test_attributes_are_the_skm_questionnaire_ones(responses: sq.Responses) -> None:
    design = responses.design
    assert set(design.column("gender").tolist()) == {"Laki-laki", "Perempuan"}
    assert set(design.column("service").tolist()) == {"KTP-el", "Kartu Keluarga", "Akta Kelahiran"}
    for col in ("age_band", "education", "occupation"):
        assert 4 <= len(set(design.column(col).tolist())) <= 7


def test_answers_missing_and_importance(responses: sq.Responses) -> None:
    answered = responses.answered()
    missing = (~answered).sum(axis=0)
    assert missing.sum() > 0  # some blanks
    assert int(np.argmax(missing)) == 7  # U8 (complaints) is skipped most often
    assert answered.all(axis=1).mean() > 0.85  # most respondents answer everything
    for j in range(1, 10):
        imp = responses.design.column(f"imp_U{j}")
        values = {v for v in imp.tolist() if v != ""}
        assert values <= {"1", "2", "3", "4"}


def test_story_grades_differ_by_service_and_u3_is_weakest(responses: sq.Responses) -> None:
    overall = skm_index(responses)
    assert isinstance(overall, SKMResult)
    assert overall.grade == "B"
    assert overall.weakest(1)[0].code == "U3"
    by = skm_index(responses, by="service")
    assert isinstance(by, dict)
    assert {k: r.grade for k, r in by.items()} == {
        "Akta Kelahiran": "A",
        "KTP-el": "C",
        "Kartu Keluarga": "B",
    }
    assert all(r.weakest(1)[0].code == "U3" for r in by.values())


def test_target_n_is_krejcie_morgan_for_the_population() -> None:
    # Krejcie & Morgan (1970): s = χ² N P(1−P) / (d² (N−1) + χ² P(1−P)), χ² = 3.841,
    # P = 0.5, d = 0.05, rounded to the nearest integer as the published table is.
    n_pop = int(DEMO["population"])
    s = 3.841 * n_pop * 0.25 / (0.05**2 * (n_pop - 1) + 3.841 * 0.25)
    assert DEMO["target_n"] == round(s) == 368


def test_load_demo_is_the_same_survey(responses: sq.Responses) -> None:
    demo = sq.data.load_demo()
    assert np.array_equal(demo.codes, responses.codes)
    assert demo.design.strata_column == "service"
    assert demo.design.fpc_column == "population"
