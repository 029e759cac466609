"""Models built in bulk without per-object validation equal validated ones (same JSON)."""

from __future__ import annotations

import math

import numpy as np
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

import servqual as sq
from servqual.indices.grades import GRADES, grade_codes, grade_of
from servqual.models.results import many_estimates


def _same_as_validated(model: sq.Estimate | sq.SKMResult) -> None:
    """Equal to its validated twin, same fields set, same JSON both ways."""
    cls = type(model)
    twin = cls.model_validate(model.model_dump())
    assert model == twin
    assert model.model_fields_set == twin.model_fields_set
    assert model.model_dump_json() == twin.model_dump_json()
    assert repr(model) == repr(twin)
    assert cls.model_validate_json(model.model_dump_json()) == model


def test_many_estimates_equal_validated_ones() -> None:
    ests = many_estimates(
        np.array([1.5, 2.0]),
        np.array([0.1, 0.0]),
        np.array([1.3, 2.0]),
        np.array([1.7, 2.0]),
        np.array([10, 3]),
        df=9.0,
        level=0.95,
        method="t",
        deff=np.array([1.2, np.nan]),
    )
    for est in ests:
        _same_as_validated(est)
        assert type(est.value) is float
        assert type(est.n) is int
        assert type(est.df) is float
    assert ests[1].deff is None
    assert ests[0].at_level(0.9).ci.width < ests[0].ci.width


def test_many_estimates_nan_interval_round_trips() -> None:
    (est,) = many_estimates(
        [3.0], [math.nan], [math.nan], [math.nan], [1], df=None, level=0.9, method="normal"
    )
    back = sq.Estimate.model_validate_json(est.model_dump_json())
    assert est.model_dump_json() == back.model_dump_json()
    assert math.isnan(back.se)
    assert back.df is None


def test_many_estimates_validate_when_a_constraint_fails() -> None:
    # a bad value anywhere in the arrays is refused by the models' own validation
    with pytest.raises(sq.errors.ValidationError, match="standard error must be >= 0"):
        many_estimates(
            [1.0, 2.0], [0.1, -1.0], [0.9, 1.0], [1.1, 3.0], [5, 5], df=4.0, level=0.95, method="t"
        )
    with pytest.raises(sq.errors.ValidationError, match="is above high"):
        many_estimates([1.0], [0.1], [2.0], [1.0], [5], df=4.0, level=0.95, method="t")


def test_domain_estimates_equal_validated_ones() -> None:
    # R: svyby(~y, ~g, design, svymean): the models, not the numbers, are checked here
    rng = np.random.default_rng(3)
    d = sq.Design(
        {"y": rng.normal(size=60), "g": rng.integers(0, 7, 60), "w": rng.uniform(1, 2, 60)},
        weights="w",
    )
    for est in d.by("g").mean("y").values():
        _same_as_validated(est)


def test_skm_domain_results_equal_validated_ones() -> None:
    rng = np.random.default_rng(11)
    scores = rng.integers(1, 5, size=(300, 9)).astype(np.float64)
    scores[rng.random((300, 9)) < 0.05] = np.nan
    responses = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
    design = responses.design.with_columns({"unit": rng.integers(0, 12, 300)})
    responses = sq.Responses(responses.instrument, design, responses.codes)
    results = sq.skm_index(responses, by="unit")
    assert len(results) == 12
    for key, res in results.items():
        _same_as_validated(res)
        assert res.domain == key
        assert res.by == "unit"
        for element in res.elements:
            assert type(element.n) is int
            assert type(element.nrr) is float
    whole = sq.skm_index(responses)
    _same_as_validated(whole)


@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30),
    st.sampled_from(["skm-2017", "ikm-2004"]),
)
def test_grade_codes_match_grade_of(values: list[float], regime: str) -> None:
    # the vectorised grades against the scalar reference, NaN and infinities included
    codes = grade_codes(np.array(values, dtype=np.float64), regime)  # type: ignore[arg-type]
    assert [GRADES[c] for c in codes.tolist()] == [grade_of(v, regime) for v in values]  # type: ignore[arg-type]


def test_models_built_together_stay_independent() -> None:
    # they share the (frozen) set of fields set; a copy with an update gets its own
    first, second = many_estimates(
        [1.0, 2.0], [0.1, 0.2], [0.8, 1.6], [1.2, 2.4], [5, 5], df=4.0, level=0.95, method="t"
    )
    wider = first.at_level(0.99)
    assert wider.ci.level == 0.99
    assert first.ci.level == 0.95
    assert second.model_fields_set == set(sq.Estimate.model_fields)
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        first.value = 3.0  # type: ignore[misc]
