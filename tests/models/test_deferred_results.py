"""``skm_index(..., by=)`` results built on use equal results built at once, in every use.

Reference: the same domains' :class:`SKMResult` objects built all at once by the bulk
builder (the code that built every ``by=`` result before results were deferred), held in
an ordinary :class:`DomainResults`. Each behaviour of a ``dict`` is checked on a fresh
deferred result (nothing built yet), on random small designs (hypothesis): weights,
strata, clusters, missing answers, one-respondent domains, one or two ``by`` columns.
"""

from __future__ import annotations

import copy
import json
import operator
import pickle
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from pydantic_core import PydanticSerializationError

import servqual as sq
from servqual.errors import InsufficientDataError, ItemError
from servqual.indices.skm_result import SKMResult
from servqual.models.frames import DomainResults


def _responses(seed: int, n: int, n_units: int, design: str) -> sq.Responses:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, 9)).astype(np.int8)
    codes[rng.random((n, 9)) < 0.15] = -1
    unit = rng.integers(0, n_units, n)
    shift = rng.integers(0, 2, n)
    first = np.unique(unit * 2 + shift, return_index=True)[1]
    codes[first] = rng.integers(0, 4, 9)  # every element answered in every domain
    columns: dict[str, Any] = {
        "unit": [f"u{u}" for u in unit],
        "shift": np.array(["am", "pm"])[shift],
        "w": rng.uniform(0.5, 3.0, n),
        "s": np.arange(n) % 2,
        "c": np.arange(n) // 2,
    }
    kwargs: dict[str, Any] = {
        "srs": {},
        "weighted": {"weights": "w"},
        "stratified": {"weights": "w", "strata": "s"},
        "clustered": {"strata": "s", "clusters": "c"},
    }[design]
    return sq.Responses(sq.instruments.SKM_2017, sq.Design(columns, **kwargs), codes)


def _index(r: sq.Responses, by: Any) -> DomainResults[SKMResult]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one-respondent domains warn
        return sq.skm_index(r, by=by)


def _both(
    res: DomainResults[SKMResult],
) -> tuple[DomainResults[SKMResult], DomainResults[SKMResult]]:
    """A fresh deferred copy of ``res`` (nothing built), and the reference built at once."""
    source = res.source
    assert source is not None
    lazy = DomainResults.deferred(list(res), source, by=res.by)
    eager = DomainResults(zip(list(res), source.build(range(len(res))), strict=True), by=res.by)
    assert eager.source is None
    return lazy, eager


def _outcome(use: Any, value: Any) -> str:
    """``repr`` of what ``use(value)`` returns or of the error it raises.

    The ``repr`` shows every field exactly; it stands in for ``==``, which a result with
    a NaN interval (a one-respondent domain) fails even against itself.
    """
    try:
        return repr(use(value))
    except Exception as exc:  # an error is an outcome to compare
        return repr(("raised", type(exc), str(exc)))


def _dump(value: Any) -> str:
    return json.dumps(value, default=lambda m: m.model_dump(mode="json"))


_USES = {  # each use, on a fresh deferred result and on the reference
    "len": len,
    "bool": bool,
    "iter": list,
    "reversed": lambda d: list(reversed(d)),
    "keys": lambda d: list(d.keys()),
    "values": lambda d: list(d.values()),
    "items": lambda d: list(d.items()),
    "getitem": lambda d: [d[k] for k in list(iter(d))[::-1]],
    "get": lambda d: [d.get(k) for k in list(iter(d))] + [d.get("nope", 1)],
    "in": lambda d: [k in d for k in [*iter(d), "nope"]],
    "dict": dict,
    "splat": lambda d: {**d},
    "kwargs": lambda d: (lambda **kw: kw)(**d) if all(isinstance(k, str) for k in d) else 0,
    "update": lambda d: (lambda out: (out.update(d), out)[1])({}),
    "copy_method": lambda d: (type(d.copy()), d.copy()),
    "or": lambda d: (d | {}, {} | d),
    "repr": repr,
    "json": _dump,
    "json_indent": lambda d: json.dumps(d, indent=1, default=lambda m: m.model_dump()),
    "eq_plain": lambda d: (d == dict(d), dict(d) == d, d != {}, operator.ne({}, d)),
    "pickle": lambda d: (lambda p: (type(p), p.by, p.key, p))(pickle.loads(pickle.dumps(d))),
    "copy": lambda d: (type(copy.copy(d)), copy.copy(d)),
    "deepcopy": lambda d: copy.deepcopy(d),
    "attrs": lambda d: (d.by, d.key),
    "rows": lambda d: json.dumps(d.to_rows(), default=str),
    "pydantic": lambda d: TypeAdapter(dict[Any, SKMResult]).dump_json(d.built()),
}
_CHANGES = {  # each change, then the whole dict compared
    "setitem": lambda d: d.__setitem__("new", d[next(iter(d))]),
    "delitem": lambda d: d.__delitem__(next(iter(d))),
    "pop": lambda d: d.pop(next(iter(d))),
    "pop_default": lambda d: d.pop("nope", None),
    "popitem": lambda d: d.popitem(),
    "setdefault": lambda d: d.setdefault(next(iter(d)), None),
    "update": lambda d: d.update({"new": d[next(iter(d))]}),
    "ior": lambda d: d.__ior__({"new": d[next(iter(d))]}),
    "clear": lambda d: d.clear(),
}


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(4, 40),
    n_units=st.integers(1, 8),
    design=st.sampled_from(["srs", "weighted", "stratified", "clustered"]),
    two=st.booleans(),
)
def test_deferred_results_equal_results_built_at_once(
    seed: int, n: int, n_units: int, design: str, two: bool
) -> None:
    res = _index(_responses(seed, n, n_units, design), ["unit", "shift"] if two else "unit")
    for name, use in _USES.items():
        lazy, eager = _both(res)
        assert _outcome(use, lazy) == _outcome(use, eager), name
    for name, change in _CHANGES.items():
        lazy, eager = _both(res)
        assert _outcome(change, lazy) == _outcome(change, eager), name
        assert repr(lazy) == repr(eager), name
        assert repr(dict(lazy)) == repr(dict(eager)), name
        assert lazy.source is None, name  # changed: an ordinary dict from now on
        rows = _outcome(DomainResults.to_rows, lazy)
        assert rows == _outcome(DomainResults.to_rows, eager), name
    lazy, eager = _both(res)
    assert lazy == lazy  # the same objects
    if not np.isnan(lazy.to_frame()["se"]).any():  # NaN fails == even against itself
        assert _both(res)[0] == lazy
        assert lazy == _both(res)[0] == eager
    for backend in ("pandas", "polars"):
        lazy, eager = _both(res)
        frame, ref = lazy.to_frame(backend), eager.to_frame(backend)
        if backend == "pandas":
            import pandas.testing

            pandas.testing.assert_frame_equal(frame, ref)
        else:
            assert frame.equals(ref)
            assert frame.schema == ref.schema


def test_a_lookup_builds_only_that_domain() -> None:
    r = _responses(1, 200, 20, "stratified")
    res = sq.skm_index(r, by="unit")
    assert len(res) == 20
    assert "u3" in res
    first = res["u3"]
    assert res["u3"] is first  # built once, then kept
    assert sum(isinstance(v, SKMResult) for v in dict.values(res)) == 1
    assert res.to_frame()["n"].sum() == 200  # the table builds nothing
    assert sum(isinstance(v, SKMResult) for v in dict.values(res)) == 1
    assert res.built() is res
    assert all(isinstance(v, SKMResult) for v in dict.values(res))
    assert res["u3"] is first
    with pytest.raises(KeyError):
        res["nope"]


def test_checks_run_when_the_index_is_computed_not_when_a_result_is_built() -> None:
    r = _responses(2, 30, 3, "srs")
    codes = r.codes.copy()
    codes[:, 4] = -1  # nobody answered U5
    bad = sq.Responses(r.instrument, r.design, codes)
    with pytest.raises(ItemError, match=r"element 'U5'.*answered by nobody in domain unit="):
        sq.skm_index(bad, by="unit")
    zero = sq.Responses(
        r.instrument, sq.Design({"unit": ["a"] * 30, "w": np.zeros(30)}, weights="w"), r.codes
    )
    with pytest.raises(InsufficientDataError, match=r"weight 0"):
        sq.skm_index(zero, by="unit")


def test_serializers_that_read_the_storage_refuse_the_placeholder_until_built() -> None:
    r = _responses(3, 40, 4, "weighted")
    adapter = TypeAdapter(dict[str, SKMResult])
    res = sq.skm_index(r, by="unit")
    assert repr(adapter.validate_python(res)) == repr(dict(res))  # validation calls items()
    res = sq.skm_index(r, by="unit")
    with pytest.raises(PydanticSerializationError, match="_Pending"):
        adapter.dump_json(res)  # pydantic-core's serializer reads the dict's storage
    with pytest.warns(UserWarning, match="SKMResult"):
        adapter.dump_python(res)
    assert adapter.dump_json(res.built()) == adapter.dump_json(dict(res))


@pytest.mark.parametrize(
    "kwargs",
    [{"method": "bootstrap", "n_resamples": 50, "seed": 1}, {"weights": "regulation"}],
)
def test_the_table_of_other_intervals_equals_the_one_built_from_results(
    kwargs: dict[str, Any],
) -> None:
    import pandas.testing

    r = _responses(4, 60, 3, "stratified")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sq.skm_index(r, by="unit", **kwargs)
    lazy, eager = _both(res)
    pandas.testing.assert_frame_equal(lazy.to_frame(), eager.to_frame())
    assert repr(lazy) == repr(eager)
