"""The contract every public function of servqual keeps, checked on fuzzed inputs.

``contract(fn, *args, **kwargs)`` calls ``fn`` and asserts:

1. it returns, or raises an exception from :mod:`servqual.errors` (any other exception —
   a bare ``TypeError``, ``KeyError``, ``IndexError``, ``OverflowError``,
   ``ZeroDivisionError``, ``MemoryError``, numpy's ``ValueError`` — propagates and fails
   the test);
2. every warning is a :class:`servqual.errors.ServqualWarning` (no numpy
   ``RuntimeWarning`` from an overflow or a division by zero);
3. no silent NaN: an :class:`~servqual.Estimate` in the result has a finite value,
   standard error and interval unless a :class:`~servqual.errors.DegenerateDataWarning`
   said why;
4. no interval leaves the estimate's range (``Estimate.bounds``), and every interval
   except a bootstrap's contains its estimate.

The number of examples per test is bounded (``SERVQUAL_FUZZ_EXAMPLES``, default 100);
in CI the "ci" hypothesis profile (tests/conftest.py) derandomizes the search, so a run
is reproducible.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import pydantic
import pytest

from servqual.errors import DegenerateDataWarning, ServqualError, ServqualWarning
from servqual.models.results import Estimate, Interval

Contract = Callable[..., Any]


def _close_below(a: float, b: float) -> bool:
    """``a <= b`` up to rounding of the larger magnitude."""
    return a <= b + 1e-9 * max(1.0, abs(a), abs(b))


def _check_interval(ci: Interval, where: str) -> None:
    both_nan = math.isnan(ci.low) and math.isnan(ci.high)
    assert both_nan or not (math.isnan(ci.low) or math.isnan(ci.high)), f"{where}: half NaN"
    assert both_nan or ci.low <= ci.high, f"{where}: low {ci.low} > high {ci.high}"


def _check_estimate(est: Estimate, warned: bool, where: str) -> None:
    _check_interval(est.ci, where)
    finite = all(math.isfinite(x) for x in (est.value, est.se, est.ci.low, est.ci.high))
    assert finite or warned, f"{where}: silent NaN or infinity in {est!r}"
    if not math.isfinite(est.ci.low) or not math.isfinite(est.ci.high):
        return
    if est.bounds is not None:
        lo, hi = est.bounds
        assert _close_below(lo, est.ci.low), f"{where}: {est.ci} leaves the range {est.bounds}"
        assert _close_below(est.ci.high, hi), f"{where}: {est.ci} leaves the range {est.bounds}"
    if not est.ci.method.startswith("bootstrap") and math.isfinite(est.value):
        assert _close_below(est.ci.low, est.value), f"{where}: {est.ci} excludes {est.value}"
        assert _close_below(est.value, est.ci.high), f"{where}: {est.ci} excludes {est.value}"


def check_result(result: Any, warned: bool, where: str = "result", depth: int = 0) -> None:
    """Walk a result (models, mappings, sequences) and check every Estimate and Interval."""
    if depth > 6:
        return
    if isinstance(result, Estimate):
        _check_estimate(result, warned, where)
    elif isinstance(result, Interval):
        _check_interval(result, where)
    elif isinstance(result, pydantic.BaseModel):
        for name in type(result).model_fields:
            check_result(getattr(result, name), warned, f"{where}.{name}", depth + 1)
    elif isinstance(result, dict):
        for key, value in result.items():
            check_result(value, warned, f"{where}[{key!r}]", depth + 1)
    elif isinstance(result, (list, tuple)):
        for i, value in enumerate(result):
            check_result(value, warned, f"{where}[{i}]", depth + 1)
    elif isinstance(result, float):
        assert not math.isnan(result) or warned, f"{where}: silent NaN"


def run_contract(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` under the contract; the result, or ``None`` after a servqual error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        message = "returned"
        try:
            result = fn(*args, **kwargs)
        except ServqualError as exc:
            message, result = str(exc), None
    assert message, f"{fn!r} raised a servqual error without a message"
    foreign = [w for w in caught if not issubclass(w.category, ServqualWarning)]
    assert not foreign, f"non-servqual warnings: {[str(w.message) for w in foreign]}"
    warned = any(issubclass(w.category, DegenerateDataWarning) for w in caught)
    if result is not None:
        check_result(result, warned, getattr(fn, "__name__", "result"))
    return result


@pytest.fixture(scope="session")
def contract() -> Contract:
    """The contract checker (see the module docstring)."""
    return run_contract
