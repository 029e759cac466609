"""BLAS limited to one thread inside the small-matrix reductions, restored afterwards.

Source of the numbers: threadpoolctl's own report of the BLAS pool size.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import pytest

from servqual.indices._skm_kernel import element_sums
from servqual.stats import _threads
from servqual.stats.reduce import reduce

threadpoolctl = pytest.importorskip("threadpoolctl")


def _blas_threads() -> list[int]:
    return [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]


def test_one_thread_inside_restored_after() -> None:
    before = _blas_threads()
    with _threads.single_threaded_blas():
        assert set(_blas_threads()) <= {1}
    assert _blas_threads() == before


class _Recorder:
    """A stand-in controller that records each limit asked for."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    @contextlib.contextmanager
    def limit(self, **kwargs: object) -> Iterator[None]:
        self.calls.append(kwargs)
        yield


def test_reductions_ask_for_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    recorder = _Recorder()
    monkeypatch.setattr(_threads, "_controller", lambda: recorder)
    x = np.arange(20.0).reshape(10, 2)
    s = reduce(
        x,
        weights=np.ones(10),
        stratum_codes=np.zeros(10, dtype=np.intp),
        strata=[None],
        pop=np.array([np.inf]),
    )
    np.testing.assert_array_equal(s.cross[0], x.T @ x)
    assert recorder.calls == [{"limits": 1, "user_api": "blas"}]
    codes = np.array([[0, 1], [2, -1]], dtype=np.int8)
    element_sums(codes, np.ones(2), None, 1)
    assert len(recorder.calls) == 2


def test_without_threadpoolctl_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_threads, "_controller", lambda: None)
    with _threads.single_threaded_blas():
        value = float(np.ones(3) @ np.ones(3))
    assert value == 3.0
