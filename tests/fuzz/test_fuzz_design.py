"""Fuzz: Design and its estimators, domains, mean_ci and proportion_ci keep the contract.

See tests/fuzz/conftest.py for the contract (only servqual errors, no silent NaN, no
interval outside its range or without its estimate).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import servqual as sq

FUZZ = settings(
    max_examples=int(os.environ.get("SERVQUAL_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

numbers = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.floats(min_value=-1e3, max_value=1e3),
    st.sampled_from([0.0, 1e-300, 1e160, -1e160, 1e308, 10**30, 10**400]),
)
maybe_missing = st.one_of(numbers, st.none(), st.just(float("nan")))
labels = st.one_of(
    st.sampled_from(["a", "b", "c"]),
    st.integers(0, 3),
    st.sampled_from([None, float("nan"), "", "a|b", True]),
)
levels = st.one_of(
    st.sampled_from([0.95, 0.5, 0.9999999, 1e-9]),
    st.floats(min_value=-1, max_value=2),
    st.sampled_from([0, 1, 10**400, float("nan"), "0.95"]),
)
column_keys = st.one_of(
    st.sampled_from(["y", "x", "g", "w", "s", "c", "nope"]),
    st.sampled_from([None, 3, ("y",)]),
    st.just(["y"]),
)


@st.composite
def designs(draw: st.DrawFn) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """Columns y, x (numbers), g (labels), w (weights), s, c (design labels) and options."""
    n = draw(st.integers(1, 12))
    simple = st.lists(st.integers(1, 5), min_size=n, max_size=n)
    data = {
        "y": draw(st.one_of(simple, st.lists(maybe_missing, min_size=n, max_size=n))),
        "x": draw(st.one_of(simple, st.lists(numbers, min_size=n, max_size=n))),
        "g": draw(st.lists(labels, min_size=n, max_size=n)),
        "w": draw(
            st.lists(
                st.one_of(st.floats(0, 1e3), st.sampled_from([0.0, 1e308, -1.0, 10**400])),
                min_size=n,
                max_size=n,
            )
        ),
        "s": draw(st.lists(st.sampled_from(["h1", "h2"]), min_size=n, max_size=n)),
        "c": draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)),
    }
    options = {
        "weights": draw(st.sampled_from([None, "w"])),
        "strata": draw(st.sampled_from([None, "s", "g"])),
        "clusters": draw(st.sampled_from([None, "c", "s"])),
        "lonely_psu": draw(st.sampled_from(["fail", "remove", "certainty", "average"])),
    }
    return data, options


def _design(contract: Any, data: dict[str, list[Any]], options: dict[str, Any]) -> Any:
    design = contract(sq.Design, data, **options)
    event("built" if design is not None else "refused")
    return design


@given(spec=designs(), level=levels, key=column_keys)
@FUZZ
def test_design_estimators(contract: Any, spec: Any, level: Any, key: Any) -> None:
    d = _design(contract, *spec)
    if d is None:
        return
    for method in ("mean", "total"):
        contract(getattr(d, method), key, level=level)
        contract(getattr(d, method), "y", level=level, na="domain")
    contract(d.ratio, "y", "x", level=level)
    contract(d.proportions, key)


@given(
    spec=designs(),
    value=st.one_of(labels, st.just([1, 2]), st.just(np.array([1]))),
    method=st.sampled_from(["logit", "xlogit", "asin", "beta", "wilson", "mean", "Wald"]),
    level=levels,
)
@FUZZ
def test_design_proportion(contract: Any, spec: Any, value: Any, method: Any, level: Any) -> None:
    d = _design(contract, *spec)
    if d is not None:
        contract(d.proportion, "g", value, level=level, method=method)
        contract(d.proportion, "y", 1, level=level, method=method, na="domain")


@given(spec=designs(), by=column_keys, level=levels, pair=st.tuples(labels, labels))
@FUZZ
def test_design_domains(contract: Any, spec: Any, by: Any, level: Any, pair: Any) -> None:
    d = _design(contract, *spec)
    if d is None:
        return
    dom = contract(d.by, by)
    if dom is None:
        return
    contract(dom.mean, "y", level=level)
    contract(dom.total, "x", level=level)
    contract(dom.proportion, "y", 1, level=level)
    contract(dom.difference, "y", *pair, level=level)
    contract(dom.difference, "y", *pair, value=2, level=level)


@given(spec=designs(), level=levels)
@FUZZ
def test_design_calibration(contract: Any, spec: Any, level: Any) -> None:
    d = _design(contract, *spec)
    if d is None:
        return
    new = contract(d.poststratify, "s", {"h1": 100, "h2": 50})
    if new is not None:
        contract(new.mean, "y", level=level)
    raked = contract(d.rake, {"s": {"h1": 10, "h2": 20}, "c": {0: 5, 1: 5, 2: 5, 3: 5}})
    if raked is not None:
        contract(raked.mean, "x", level=level)


@given(
    values=st.one_of(
        st.lists(numbers, max_size=8),
        st.lists(maybe_missing, max_size=5),
        st.sampled_from(["abc", None, [[1, 2]], 3]),
    ),
    level=levels,
    population=st.one_of(st.none(), st.integers(-1, 20), st.just(10**400), st.just(2.5)),
)
@FUZZ
def test_mean_ci(contract: Any, values: Any, level: Any, population: Any) -> None:
    contract(sq.mean_ci, values, level=level, population_size=population)


@given(
    x=st.one_of(st.integers(-2, 30), st.sampled_from([10**18, 10**400, 2.5, None, "3"])),
    n=st.one_of(st.integers(-1, 30), st.sampled_from([10**18, 10**19, 10**400, 0.0])),
    level=levels,
    method=st.sampled_from(["wilson", "agresti_coull", "clopper_pearson", "jeffreys", "wald", "x"]),
)
@FUZZ
def test_proportion_ci(contract: Any, x: Any, n: Any, level: Any, method: Any) -> None:
    ci = contract(sq.proportion_ci, x, n, level=level, method=method)
    if ci is not None:
        assert 0.0 <= ci.low <= ci.high <= 1.0
        p = x / n
        # Jeffreys' equal-tailed posterior interval shrinks to the posterior median as the
        # level goes to 0, which is not x/n: it need not contain the estimate
        if method != "jeffreys":
            assert ci.low - 1e-12 <= p <= ci.high + 1e-12, (ci, p)


@given(
    a=st.builds(sq.mean_ci, st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=6, unique=True)),
    b=st.builds(sq.mean_ci, st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=6, unique=True)),
    level=levels,
)
@FUZZ
def test_compare_independent(contract: Any, a: Any, b: Any, level: Any) -> None:
    contract(sq.compare, a, b, level=level)
    contract(a.at_level, level)


@given(
    spec=designs(),
    reps=st.lists(
        st.lists(st.floats(0.5, 10), min_size=12, max_size=12),
        min_size=1,
        max_size=4,
    ),
    valid_weights=st.booleans(),
    kind=st.sampled_from(["bootstrap", "JK1", "BRR", "Fay", "other"]),
    level=levels,
)  # fmt: skip
@FUZZ
def test_replicate_design(
    contract: Any, spec: Any, reps: Any, valid_weights: bool, kind: Any, level: Any
) -> None:
    data, _ = spec
    n = len(data["y"])
    columns = dict(data)
    if valid_weights:  # otherwise the fuzzed weights, often unusable
        columns["w"] = [1.0 + i for i in range(n)]
    names = []
    for i, rep in enumerate(reps):
        columns[f"r{i}"] = rep[:n]
        names.append(f"r{i}")
    extra = {"rho": 0.5} if kind == "Fay" else {}
    d = contract(sq.ReplicateDesign, columns, weights="w", replicate_weights=names, type=kind,
                 **extra)  # fmt: skip
    event("built" if d is not None else "refused")
    if d is None:
        return
    contract(d.mean, "y", level=level)
    contract(d.total, "x", level=level)
    contract(d.ratio, "y", "x", level=level)
    contract(d.proportion, "g", "a", level=level)
    dom = contract(d.by, "s")
    if dom is not None:
        contract(dom.mean, "y", level=level)
        contract(dom.proportion, "g", "a", level=level)
