"""Fuzz: every public function that takes data, given arguments of the wrong type.

A wrong type (None, text, a list of columns, a mapping, a number, a nested list, an
array of objects) must give a servqual error naming it, never an ``AttributeError`` or a
bare ``TypeError``. See tests/fuzz/conftest.py for the contract.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import servqual as sq

FUZZ = settings(
    max_examples=int(os.environ.get("SERVQUAL_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

junk = st.one_of(
    st.sampled_from([None, "", "abc", 0, -1, 2.5, float("nan"), True, 10**400, b"x"]),
    st.sampled_from([[], [None], ["y"], [[1, 2], [3]], {}, {"y": None}, {"y": [1, "a"]}]),
    st.just(np.array([object(), 1], dtype=object)),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=2)), max_size=4),
)

_R = sq.Responses.from_arrays([[1, 2], [2, 3], [3, 3]], sq.Instrument(
    id="t", name="t", scale=sq.Scale(min=1, max=5),
    items=[sq.Item(id="Q1", text="a", dimension="d1"), sq.Item(id="Q2", text="b", dimension="d2")],
))  # fmt: skip
_D = sq.Design({"y": [1.0, 2.0, 3.0], "g": ["a", "b", "a"]})

CALLS: list[tuple[str, Callable[[Any], Any]]] = [
    ("Design", lambda j: sq.Design(j)),
    ("Design weights", lambda j: sq.Design({"y": [1, 2]}, weights=j)),
    ("Design.mean", lambda j: _D.mean(j)),
    ("Design.proportion", lambda j: _D.proportion("g", j)),
    ("Design.by", lambda j: _D.by(j)),
    ("Design.poststratify", lambda j: _D.poststratify("g", j)),
    ("Design.rake", lambda j: _D.rake(j)),
    ("mean_ci", lambda j: sq.mean_ci(j)),
    ("proportion_ci", lambda j: sq.proportion_ci(j, 10)),
    ("Responses", lambda j: sq.Responses(j, _D, np.zeros((3, 2), np.int8))),
    ("from_arrays", lambda j: sq.Responses.from_arrays(j, sq.instruments.CSAT)),
    ("from_arrays instrument", lambda j: sq.Responses.from_arrays([[1]], j)),
    ("from_records", lambda j: sq.Responses.from_records(j, sq.instruments.CSAT)),
    ("from_frame", lambda j: sq.Responses.from_frame(j, sq.instruments.CSAT)),
    ("read_csv", lambda j: sq.read_csv(j, sq.instruments.CSAT)),
    ("skm_index", lambda j: sq.skm_index(j)),
    ("csat", lambda j: sq.csat(j)),
    ("nps", lambda j: sq.nps(j)),
    ("ces", lambda j: sq.ces(j)),
    ("csi", lambda j: sq.csi(j, _R)),
    ("ipa", lambda j: sq.ipa(_R, j)),
    ("servqual_gaps", lambda j: sq.servqual_gaps(j, _R)),
    ("servperf", lambda j: sq.servperf(j)),
    ("servperf by", lambda j: sq.servperf(_R, by=j)),
    ("csat level", lambda j: sq.csat([1, 2, 3], level=j)),
    ("cronbach_alpha", lambda j: sq.cronbach_alpha(j)),
    ("compare", lambda j: sq.compare(j, j)),
    ("rescale_0_100", lambda j: sq.rescale_0_100(j, (1, 5))),
    ("csi_band", lambda j: sq.csi_band(j)),
    ("krejcie_morgan", lambda j: sq.sample_size.krejcie_morgan(j)),
    ("for_proportion", lambda j: sq.sample_size.for_proportion(j)),
    ("allocate", lambda j: sq.sample_size.allocate(j, 5)),
    ("simple_random", lambda j: sq.sampling.simple_random(j, 2, seed=1)),
    ("simple_random n", lambda j: sq.sampling.simple_random(10, j, seed=1)),
    ("simple_random seed", lambda j: sq.sampling.simple_random(10, 2, seed=j)),
    ("stratified", lambda j: sq.sampling.stratified(4, 2, strata=j, seed=1)),
    ("pps", lambda j: sq.sampling.pps(3, 1, sizes=j, seed=1)),
    ("Reservoir", lambda j: sq.sampling.Reservoir(j, seed=1)),
    ("every_kth", lambda j: sq.sampling.every_kth(j, seed=1)),
    ("take", lambda j: sq.sampling.simple_random(3, 2, seed=1).take(j)),
]


@given(call=st.sampled_from(CALLS), value=junk)
@FUZZ
def test_wrong_types_are_named_errors(contract: Any, call: Any, value: Any) -> None:
    contract(call[1], value)
