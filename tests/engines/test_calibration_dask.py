"""Calibrated and bootstrap estimates from a Dask DataFrame on a LocalCluster of two workers.

Independent fact: the in-memory calibrated ``Design`` and bootstrap ``skm_index`` (see
test_calibration_engines.py, test_bootstrap_engines.py); here the weighted counts of the
calibration cells, the estimators' cell sums and the answer patterns come from two Dask
worker processes (rel 1e-9; the bootstrap SE exactly).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import servqual as sq

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pytest.importorskip("narwhals")

pytestmark = [
    # narwhals announces that its Dask support moves to a separate package (not yet
    # released); the support itself is unchanged
    pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals:FutureWarning"),
    # the cluster's own shutdown notices
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

KW = {"weights": "w", "strata": "province", "clusters": "village"}
CHANNELS = {"desk": 50_000, "web": 30_000, "phone": 20_000}
PROVINCES = {"Aceh": 10_000, "Bali": 40_000, "Jambi": 25_000, "Riau": 25_000}


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _close(a: sq.Estimate, b: sq.Estimate) -> None:
    assert [b.value, b.se, b.ci.low, b.ci.high, b.n, b.df or -1.0] == pytest.approx(
        [a.value, a.se, a.ci.low, a.ci.high, a.n, a.df or -1.0], rel=1e-9
    )


def test_calibrated_designs_on_two_workers(client: Any, make_survey: Callable[..., Any]) -> None:
    frame = make_survey(1500, 11)
    assert len(client.scheduler_info()["workers"]) == 2
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=4)
    calibrations: list[Callable[[Any], Any]] = [
        lambda d: d.poststratify("channel", CHANNELS),
        lambda d: d.rake({"channel": CHANNELS, "province": PROVINCES}),
    ]
    post, raked = (calibrate(sq.Design(frame, **KW)) for calibrate in calibrations)
    post_dd, raked_dd = (calibrate(sq.Design(ddf, **KW)) for calibrate in calibrations)
    _close(post.mean("minutes"), post_dd.mean("minutes"))
    _close(raked.proportion("cases", 2.0), raked_dd.proportion("cases", 2.0))
    want, got = raked.by("unit").total("cases"), raked_dd.by("unit").total("cases")
    assert len(want) == 50
    assert list(got) == list(want)
    for key in want:
        _close(want[key], got[key])


def test_calibrated_skm_index_on_two_workers(client: Any, make_survey: Callable[..., Any]) -> None:
    frame = make_survey(1500, 11)
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=4)
    skm = sq.instruments.SKM_2017
    memory = sq.Responses.from_frame(frame, skm, **KW).poststratify("channel", CHANNELS)
    engine = sq.Responses.from_frame(ddf, skm, **KW).poststratify("channel", CHANNELS)
    _close(sq.skm_index(memory).index, sq.skm_index(engine).index)
    want, got = sq.skm_index(memory, by="unit"), sq.skm_index(engine, by="unit")
    assert list(got) == list(want)
    for key in want:
        _close(want[key].index, got[key].index)


def test_bootstrap_skm_index_on_two_workers(client: Any, make_survey: Callable[..., Any]) -> None:
    """The answer patterns summed by the workers give the in-memory replicates."""
    frame = make_survey(1500, 11)
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=4)
    kw = {"weights": "w", "strata": "province"}
    run = {"method": "bootstrap", "seed": 7, "n_resamples": 300, "by": "channel"}
    want = sq.skm_index(sq.Responses.from_frame(frame, sq.instruments.SKM_2017, **kw), **run)
    got = sq.skm_index(sq.Responses.from_frame(ddf, sq.instruments.SKM_2017, **kw), **run)
    for key in want:
        assert got[key].index.se == want[key].index.se
        _close(want[key].index, got[key].index)
