"""SKMAccumulator: chunked reduce + merge gives exactly what ``sq.skm_index`` gives in memory.

The reference is ``sq.skm_index`` on the concatenated rows (itself checked against R
``survey``'s svycontrast in tests/indices/test_skm_designs.py), and the R values of
tests/data/skm_designs.json reproduced through the accumulator.
"""

from __future__ import annotations

import itertools
import json
import pickle
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import (
    DataFormatError,
    DesignError,
    InsufficientDataError,
    ParameterError,
    ScaleError,
    ValidationError,
)
from servqual.indices.grades import thresholds

SKM = sq.instruments.SKM_2017
ITEMS = list(SKM.item_ids)
REL = 1e-10


def _reversed_instrument() -> sq.Instrument:
    """SKM 2017 with U2 reverse-scored (NRR = 4 − mean code): exercises the sign."""
    items = tuple(
        item.model_copy(update={"reverse": True}) if item.id == "U2" else item for item in SKM.items
    )
    return SKM.model_copy(update={"items": items})


def _survey(seed: int, n: int, design: dict[str, bool], missing: float) -> dict[str, Any]:
    """Random answers (with blanks), strata with ≥ 2 PSUs each, clusters, weights, domains."""
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {}
    for item in ITEMS:
        answers = rng.integers(1, 5, n).astype(float)
        answers[rng.random(n) < missing] = np.nan
        answers[rng.integers(n)] = rng.integers(1, 5)  # every element answered at least once
        data[item] = answers
    n_strata = 2 if design["strata"] else 1
    stratum = np.arange(n) % n_strata  # ≥ 2 rows per stratum (n ≥ 4)
    rng.shuffle(stratum)
    data["stratum"] = np.array([f"s{h}" for h in stratum])
    # clusters nested in strata; labels repeat across strata (PSU = (stratum, cluster))
    data["cluster"] = np.where(np.arange(n) < 2 * n_strata, np.arange(n) // n_strata, 0)
    data["cluster"] = data["cluster"] + rng.integers(0, 4, n) * (np.arange(n) >= 2 * n_strata)
    data["w"] = rng.uniform(0.5, 3.0, n)
    data["region"] = rng.choice(["north", "south"], n)
    data["N"] = np.where(stratum == 0, 400.0, 250.0)
    return data


def _chunks(data: dict[str, Any], cuts: list[int]) -> list[dict[str, Any]]:
    n = len(data["w"])
    bounds = [0, *sorted({c % n for c in cuts} - {0}), n]
    return [{k: v[a:b] for k, v in data.items()} for a, b in itertools.pairwise(bounds)]


def _near_threshold(value: float, regime: Any) -> bool:
    """A value within rounding of a grade threshold: the grade there is a floating-point tie
    (e.g. 25 × 2.6 is 65.00000000000001 or 64.99999999999999 by summation order)."""
    return any(abs(value - t) <= 1e-9 * t for t in thresholds(regime))


def _compare(expected: sq.SKMResult, got: sq.SKMResult) -> None:
    # Reference: sq.skm_index on the same rows in memory.
    e, g = expected.index, got.index
    assert g.value == pytest.approx(e.value, rel=REL)
    assert g.se == pytest.approx(e.se, rel=REL, abs=1e-12, nan_ok=True)
    assert g.df == e.df
    assert g.n == e.n
    assert g.ci.low == pytest.approx(e.ci.low, rel=REL, nan_ok=True)
    assert g.ci.high == pytest.approx(e.ci.high, rel=REL, nan_ok=True)
    regime = expected.regime
    assert got.grade == expected.grade or _near_threshold(e.value, regime)
    assert got.crosses_grade_boundary == expected.crosses_grade_boundary or any(
        _near_threshold(x, regime) for x in (e.ci.low, e.ci.high)
    )
    for a, b in zip(expected.elements, got.elements, strict=True):
        assert (b.code, b.n) == (a.code, a.n)
        assert b.grade == a.grade or _near_threshold(a.converted, regime)
        assert b.nrr == pytest.approx(a.nrr, rel=REL)


def _run(fn: Any) -> tuple[Any, list[str]]:
    """Result (or the exception) and the warning messages of a call."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out: Any = fn()
        except sq.errors.ServqualError as exc:
            out = exc
    return out, [str(w.message) for w in caught]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(4, 40),
    strata=st.booleans(),
    clusters=st.booleans(),
    weights=st.booleans(),
    fpc=st.sampled_from([None, "column", "fraction", "mapping"]),
    by=st.booleans(),
    missing=st.sampled_from([0.0, 0.2, 0.6]),
    cuts=st.lists(st.integers(0, 1000), max_size=5),
    reverse=st.booleans(),
    lonely=st.sampled_from(["fail", "adjust", "certainty", "average", "remove"]),
)
def test_chunks_give_the_in_memory_result(
    seed: int,
    n: int,
    strata: bool,
    clusters: bool,
    weights: bool,
    fpc: str | None,
    by: bool,
    missing: float,
    cuts: list[int],
    reverse: bool,
    lonely: str,
) -> None:
    data = _survey(seed, n, {"strata": strata}, missing)
    inst = _reversed_instrument() if reverse else SKM
    if fpc == "fraction":
        data["N"] = np.where(data["stratum"] == "s0", 0.1, 0.25)
    design: dict[str, Any] = {
        "weights": "w" if weights else None,
        "strata": "stratum" if strata else None,
        "clusters": "cluster" if clusters else None,
        "fpc": "N" if fpc else None,
    }
    responses = sq.Responses.from_frame(data, inst).with_design(
        **{k: v for k, v in design.items() if v is not None}, lonely_psu=lonely
    )
    expected, expected_warnings = _run(lambda: sq.skm_index(responses, by="region" if by else None))
    if fpc == "mapping":  # the same populations as the column "N"
        design["fpc"] = {"s0": 400.0, "s1": 250.0} if strata else {None: 400.0}

    def accumulate() -> Any:
        acc = sq.SKMAccumulator(
            inst,
            **design,
            by="region" if by else None,
            lonely_psu=lonely,  # type: ignore[arg-type]
        )
        for chunk in _chunks(data, cuts):
            acc.update(chunk)
        return acc.result()

    got, got_warnings = _run(accumulate)
    if isinstance(expected, Exception):
        assert type(got) is type(expected)
        assert str(got) == str(expected)
        return
    assert got_warnings == expected_warnings
    if by:
        assert list(got) == list(expected)
        for key in expected:
            _compare(expected[key], got[key])
    else:
        _compare(expected, got)


def _filled(seed: int, n: int) -> dict[str, Any]:
    data = _survey(seed, n, {"strata": True}, 0.2)
    return data


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    cuts=st.lists(st.integers(0, 1000), min_size=2, max_size=5),
    order=st.randoms(use_true_random=False),
)
def test_merge_is_order_independent(seed: int, cuts: list[int], order: Any) -> None:
    data = _filled(seed, 30)
    parts = []
    for chunk in _chunks(data, cuts):
        acc = sq.SKMAccumulator(SKM, weights="w", strata="stratum", clusters="cluster")
        parts.append(acc.update(chunk))
    left = parts[0]
    for p in parts[1:]:
        left = left.merge(p)
    shuffled = list(parts)
    order.shuffle(shuffled)
    # a tree of merges in another order: ((a b) (c d)) …
    while len(shuffled) > 1:
        shuffled = [
            shuffled[i].merge(shuffled[i + 1]) if i + 1 < len(shuffled) else shuffled[i]
            for i in range(0, len(shuffled), 2)
        ]
    a, b = left.result(), shuffled[0].result()
    _compare(a, b)
    assert left.n == shuffled[0].n == 30


def test_merge_leaves_inputs_unchanged_and_pickles() -> None:
    data = _filled(1, 20)
    first, second = _chunks(data, [8])
    a = sq.SKMAccumulator(SKM, strata="stratum").update(first)
    b = pickle.loads(pickle.dumps(sq.SKMAccumulator(SKM, strata="stratum").update(second)))
    merged = a.merge(b)
    assert (a.n, b.n, merged.n) == (8, 12, 20)
    expected = sq.skm_index(sq.Responses.from_frame(data, SKM).with_design(strata="stratum"))
    _compare(expected, merged.result())


@pytest.mark.parametrize("library", ["pandas", "polars", "pyarrow"])
def test_frames_as_chunks(library: str) -> None:
    data = _filled(7, 30)
    data["region"] = data["region"].astype(object)
    lib = pytest.importorskip(library)
    chunks = _chunks(data, [10, 17])
    if library == "pandas":
        frames = [lib.DataFrame(c) for c in chunks]
    elif library == "polars":
        frames = [lib.DataFrame({k: list(v) for k, v in c.items()}) for c in chunks]
    else:
        frames = [lib.table({k: list(v) for k, v in c.items()}) for c in chunks]
    acc = sq.SKMAccumulator(SKM, weights="w", strata="stratum", clusters="cluster", by="region")
    for frame in frames:
        acc.update(frame)
    responses = sq.Responses.from_frame(data, SKM).with_design(
        weights="w", strata="stratum", clusters="cluster"
    )
    expected = sq.skm_index(responses, by="region")
    got = acc.result()
    assert list(got) == list(expected) == ["north", "south"]
    for key in expected:
        _compare(expected[key], got[key])


# --- R reference (tests/data/skm_designs.json, produced with R survey's svycontrast) ------
DATA = json.loads((Path(__file__).parent / "data" / "skm_designs.json").read_text())
DESIGNS: dict[str, dict[str, str]] = {
    "stratified_weighted": {"strata": "stratum", "weights": "w"},
    "stratified_fpc": {"strata": "stratum", "fpc": "N"},
    "clustered_stratified": {"strata": "stratum", "weights": "w", "clusters": "cluster"},
    "clustered_stratified_fpc": {
        "strata": "stratum",
        "weights": "w",
        "clusters": "cluster",
        "fpc": "Nc",
    },
    "clustered_only": {"weights": "w", "clusters": "psu"},
}


def _r_chunks() -> list[dict[str, Any]]:
    data = {k: np.asarray(v) for k, v in DATA["data"].items()}
    data["psu"] = np.array(
        [f"{s}-{c}" for s, c in zip(data["stratum"], data["cluster"], strict=True)]
    )
    return _chunks(data, [20, 51])  # 3 chunks; clusters are split across them


@pytest.mark.parametrize("design", sorted(DESIGNS))
@pytest.mark.parametrize("mode", ["exact", "regulation"])
def test_r_reference_through_three_chunks(design: str, mode: str) -> None:
    acc = sq.SKMAccumulator(SKM, **DESIGNS[design])  # type: ignore[arg-type]
    for chunk in _r_chunks():
        acc.update(chunk)
    est = acc.result(weights=mode).index
    ref = DATA["reference"][design][mode]  # R: svycontrast(svytotal(...), quote(25 * ...))
    assert est.value == pytest.approx(ref["value"], rel=1e-9)
    assert est.se == pytest.approx(ref["se"], rel=1e-9)
    assert est.df == ref["df"]
    assert est.ci.low == pytest.approx(ref["ci_low"], rel=1e-9)
    assert est.ci.high == pytest.approx(ref["ci_high"], rel=1e-9)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_r_reference_domains_through_three_chunks(design: str) -> None:
    acc = sq.SKMAccumulator(SKM, **DESIGNS[design], by="gender")  # type: ignore[arg-type]
    for chunk in _r_chunks():
        acc.update(chunk)
    by = acc.result()
    assert list(by) == ["L", "P"]
    for group in ("L", "P"):
        ref = DATA["reference"][design][f"domain_{group}"]  # R: svycontrast on subset()
        assert by[group].index.value == pytest.approx(ref["value"], rel=1e-9)
        assert by[group].index.se == pytest.approx(ref["se"], rel=1e-9)


def test_constant_answers_have_standard_error_zero() -> None:
    # skm_index: every influence value is 0 → se 0 exactly, with a DegenerateDataWarning.
    chunks = [{item: [3, 3] for item in ITEMS}, {item: [3, None, 3] for item in ITEMS}]
    acc = sq.SKMAccumulator(SKM)
    for chunk in chunks:
        acc.update(chunk)
    with pytest.warns(sq.errors.DegenerateDataWarning, match=r"standard error 0"):
        res = acc.result()
    assert (res.index.value, res.index.se) == (75.0, 0.0)
    lonely = sq.SKMAccumulator(SKM, strata="s").update(
        {**{item: [3, 3, 3] for item in ITEMS}, "s": ["a", "a", "b"]}
    )
    with pytest.raises(DesignError, match=r"stratum 'b' has only one PSU"):
        lonely.result()


# --- errors ------------------------------------------------------------------------------
def test_bad_answer_in_chunk_two_names_the_global_row() -> None:
    acc = sq.SKMAccumulator(SKM)
    acc.update({item: [4, 3, 3] for item in ITEMS})
    bad = {item: [4, 3] for item in ITEMS}
    bad["U3"] = [4, 6]
    with pytest.raises(ScaleError, match=r"answer to item 'U3' in row 4 is 6, outside the scale"):
        acc.update(bad)
    assert acc.n == 3  # the bad chunk left nothing behind


def test_bad_weight_names_the_global_row() -> None:
    acc = sq.SKMAccumulator(SKM, weights="w")
    acc.update({**{item: [4, 3] for item in ITEMS}, "w": [1.0, 2.0]})
    with pytest.raises(DesignError, match=r"weights must be a finite number >= 0; row 2 has -1"):
        acc.update({**{item: [4] for item in ITEMS}, "w": [-1.0]})


def test_inconsistent_fpc_across_chunks() -> None:
    acc = sq.SKMAccumulator(SKM, strata="s", fpc="N")
    acc.update({**{item: [4, 3] for item in ITEMS}, "s": ["a", "b"], "N": [100, 50]})
    with pytest.raises(DesignError, match=r"fpc of stratum 'b' is 50 in one chunk and 60"):
        acc.update({**{item: [4] for item in ITEMS}, "s": ["b"], "N": [60]})
    other = sq.SKMAccumulator(SKM, strata="s", fpc="N")
    other.update({**{item: [4, 3] for item in ITEMS}, "s": ["a", "a"], "N": [90, 90]})
    with pytest.raises(DesignError, match=r"fpc of stratum 'a' is 100 in one chunk and 90"):
        acc.merge(other)


def test_fpc_not_constant_within_a_stratum_and_missing_from_mapping() -> None:
    acc = sq.SKMAccumulator(SKM, strata="s", fpc="N")
    with pytest.raises(DesignError, match=r"fpc must be constant within a stratum; stratum 'a'"):
        acc.update({**{item: [4, 3] for item in ITEMS}, "s": ["a", "a"], "N": [100, 90]})
    with pytest.raises(DesignError, match=r"fpc must be a finite number > 0; stratum 'b' has 0"):
        sq.SKMAccumulator(SKM, strata="s", fpc={"a": 100, "b": 0})
    mapped = sq.SKMAccumulator(SKM, strata="s", fpc={"a": 100})
    with pytest.raises(DesignError, match=r"stratum 'b' has no population in the fpc mapping"):
        mapped.update({**{item: [4, 3] for item in ITEMS}, "s": ["a", "b"]})


def test_fpc_smaller_than_the_sample() -> None:
    acc = sq.SKMAccumulator(SKM, fpc={None: 2})
    acc.update({item: [4, 3, 2] for item in ITEMS})
    with pytest.raises(DesignError, match=r"fpc 2 in stratum None is smaller than the 3 sampled"):
        acc.result()


def test_empty_accumulator() -> None:
    acc = sq.SKMAccumulator(SKM)
    with pytest.raises(InsufficientDataError, match=r"got 0: .*the accumulator is empty"):
        acc.result()
    acc.update({item: [] for item in ITEMS})  # an empty chunk changes nothing
    acc.update({item: [4] for item in ITEMS})
    with pytest.raises(InsufficientDataError, match=r"at least 2 respondents, got 1"):
        acc.result()


def test_unknown_columns() -> None:
    with pytest.raises(DataFormatError, match=r"the chunk has no column 'U9' for item 'U9'"):
        sq.SKMAccumulator(SKM).update({item: [4] for item in ITEMS[:8]})
    chunk = {item: [4, 3] for item in ITEMS}
    with pytest.raises(DataFormatError, match=r"strata column 'desk' is not in the chunk"):
        sq.SKMAccumulator(SKM, strata="desk").update(chunk)
    with pytest.raises(DataFormatError, match=r"by column 'service' is not in the chunk"):
        sq.SKMAccumulator(SKM, by="service").update(chunk)


def test_missing_by_value_and_element_nobody_answered() -> None:
    acc = sq.SKMAccumulator(SKM, by="service")
    acc.update({**{item: [4, 3] for item in ITEMS}, "service": ["KTP", "KK"]})
    with pytest.raises(ValidationError, match=r"by column 'service' is missing in row 3: None"):
        acc.update({**{item: [4, 3] for item in ITEMS}, "service": ["KK", None]})
    chunk: dict[str, Any] = {item: [4, 3] for item in ITEMS}
    chunk["U8"] = [None, None]
    with pytest.raises(sq.errors.ItemError, match=r"element 'U8' .* was answered by nobody"):
        sq.SKMAccumulator(SKM).update(chunk).result()


def test_bad_arguments() -> None:
    with pytest.raises(ScaleError, match=r"needs elements answered on a 1–4 scale"):
        sq.SKMAccumulator(sq.instruments.SERVQUAL_22)
    with pytest.raises(ParameterError, match=r"lonely_psu must be one of"):
        sq.SKMAccumulator(SKM, lonely_psu="drop")  # type: ignore[arg-type]
    acc = sq.SKMAccumulator(SKM).update({item: [4, 3] for item in ITEMS})
    with pytest.raises(ParameterError, match=r"weights must be one of \['exact', 'regulation'\]"):
        acc.result(weights="rounded")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=r"different instruments, columns or options"):
        acc.merge(sq.SKMAccumulator(SKM, by="service"))
