"""The same estimates from a Dask DataFrame on a LocalCluster of two worker processes.

Independent fact: the in-memory numpy path (see test_design_engines.py); here the reduce
step runs in the Dask workers and only the cell sums come back (rel 1e-9).
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
    # another cluster on the machine holds the default HTTP port: this one takes another
    pytest.mark.filterwarnings("ignore:Port 8787 is already in use:UserWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

KW = {"weights": "w", "strata": "province", "clusters": "village"}
SKM = sq.instruments.SKM_2017


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    # a free port for the dashboard: a fixed one clashes with another cluster on the machine
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _close(a: sq.Estimate, b: sq.Estimate) -> None:
    assert [b.value, b.se, b.ci.low, b.ci.high, b.n, b.df or -1.0] == pytest.approx(
        [a.value, a.se, a.ci.low, a.ci.high, a.n, a.df or -1.0], rel=1e-9
    )


def test_two_worker_processes_give_the_in_memory_estimates(
    client: Any, make_survey: Callable[..., Any]
) -> None:
    frame = make_survey(1500, 11)
    assert len(client.scheduler_info()["workers"]) == 2
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=4)
    memory, engine = sq.Design(frame, **KW), sq.Design(ddf, **KW)
    assert engine.engine == "dask"
    _close(memory.ratio("minutes", "cases"), engine.ratio("minutes", "cases"))
    _close(memory.proportion("channel", "web"), engine.proportion("channel", "web"))
    a = sq.skm_index(sq.Responses.from_frame(frame, SKM, **KW))
    b = sq.skm_index(sq.Responses.from_frame(ddf, SKM, **KW))
    _close(a.index, b.index)
    by_a = sq.skm_index(sq.Responses.from_frame(frame, SKM, **KW), by="unit")
    by_b = sq.skm_index(sq.Responses.from_frame(ddf, SKM, **KW), by="unit")
    assert len(by_a) == 50
    assert list(by_b) == list(by_a)
    for key in by_a:
        _close(by_a[key].index, by_b[key].index)
    item = sq.instruments.NPS.item_ids[0]
    nps_frame = frame.rename({"nps": item})
    nps_a = sq.nps(sq.Responses.from_frame(nps_frame, sq.instruments.NPS, **KW))
    nps_dd = dd.from_pandas(nps_frame.to_pandas(), npartitions=4)
    nps_b = sq.nps(sq.Responses.from_frame(nps_dd, sq.instruments.NPS, **KW))
    _close(nps_a.nps, nps_b.nps)


def test_paired_form_indices_on_two_workers(
    client: Any, make_survey: Callable[..., Any], forms: Any
) -> None:
    frame = forms.add(make_survey(1500, 11))
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=4)
    memory, engine = forms.pair(frame, **KW), forms.pair(ddf, **KW)
    csi_a, csi_b = sq.csi(*memory, by="unit"), sq.csi(*engine, by="unit")
    assert len(csi_a) == 50
    assert list(csi_b) == list(csi_a)
    for key in csi_a:
        _close(csi_a[key].index, csi_b[key].index)
    ipa_a, ipa_b = sq.ipa(*memory), sq.ipa(*engine)
    for item_a, item_b in zip(ipa_a.items, ipa_b.items, strict=True):  # type: ignore[union-attr]
        _close(item_a.importance, item_b.importance)
        assert item_b.quadrant == item_a.quadrant
    points = {d: frame[col].to_numpy() for d, col in forms.points.items()}
    gaps_a = sq.servqual_gaps(*memory, importance_points=points)
    gaps_b = sq.servqual_gaps(*engine, importance_points=forms.points)
    _close(gaps_a.overall, gaps_b.overall)  # type: ignore[union-attr]
    _close(gaps_a.weighted, gaps_b.weighted)  # type: ignore[union-attr,arg-type]


def test_partition_reduce_without_keys_with_fpc_and_errors(
    client: Any, make_survey: Callable[..., Any]
) -> None:
    # each partition is reduced to its cells where it lives; the merge is Dask's group-by
    import polars as pl

    from servqual.errors import DesignError, ScaleError

    frame = make_survey(900, 3).with_columns(N=pl.lit(2000.0))
    ddf = dd.from_pandas(frame.to_pandas(), npartitions=3)
    _close(sq.Design(frame).mean("minutes"), sq.Design(ddf).mean("minutes"))
    fpc = {"strata": "province", "clusters": "village", "fpc": "N"}
    a = sq.skm_index(sq.Responses.from_frame(frame, SKM, **fpc), by="unit")
    b = sq.skm_index(sq.Responses.from_frame(ddf, SKM, **fpc), by="unit")
    for key in a:
        _close(a[key].index, b[key].index)
    hit = pl.int_range(pl.len()) == 7
    no_unit = frame.with_columns(pl.when(hit).then(None).otherwise(pl.col("unit")).alias("unit"))
    responses = sq.Responses.from_frame(dd.from_pandas(no_unit.to_pandas(), npartitions=3), SKM)
    with pytest.raises(DesignError, match=r"by column 'unit' is missing in a row \(a dask frame"):
        sq.skm_index(responses, by="unit")
    bad = frame.with_columns(pl.when(hit).then(-1.0).otherwise(pl.col("w")).alias("w"))
    with pytest.raises(DesignError, match=r"weights must be .*; a row \(a dask frame .* -1\.0"):
        sq.Design(dd.from_pandas(bad.to_pandas(), npartitions=3), weights="w")
    off = frame.with_columns(pl.when(hit).then(7).otherwise(pl.col("U2")).alias("U2"))
    with pytest.raises(ScaleError, match=r"answer to item 'U2' in a row \(a dask frame .* is 7"):
        sq.Responses.from_frame(dd.from_pandas(off.to_pandas(), npartitions=3), SKM)
