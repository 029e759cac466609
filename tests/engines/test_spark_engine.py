"""The same estimates from a PySpark DataFrame in local mode (two cores).

Independent fact: the in-memory numpy path (see test_design_engines.py). Skipped, with
the reason, when pyspark or a Java runtime is missing (pyspark is not in the test extra:
CI installs it when it fits, see changes/engines-ci.txt).
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import servqual as sq

pyspark_sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed")
pytest.importorskip("narwhals")
if shutil.which("java") is None:
    pytest.skip("no Java runtime on the PATH: PySpark cannot start", allow_module_level=True)

KW = {"weights": "w", "strata": "province", "clusters": "village"}
SKM = sq.instruments.SKM_2017


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the JVM's start-up notices
        spark_ctx = (
            pyspark_sql.SparkSession.builder.master("local[2]")
            .appName("servqual-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate()
        )
    yield spark_ctx
    spark_ctx.stop()


def _close(a: sq.Estimate, b: sq.Estimate) -> None:
    assert [b.value, b.se, b.ci.low, b.ci.high, b.n, b.df or -1.0] == pytest.approx(
        [a.value, a.se, a.ci.low, a.ci.high, a.n, a.df or -1.0], rel=1e-9
    )


def test_local_spark_gives_the_in_memory_estimates(
    spark: Any, make_survey: Callable[..., Any]
) -> None:
    frame = make_survey(1500, 11)
    sdf = spark.createDataFrame(frame.rows(), schema=frame.columns)
    memory, engine = sq.Design(frame, **KW), sq.Design(sdf, **KW)
    assert engine.engine == "spark"
    _close(memory.ratio("minutes", "cases"), engine.ratio("minutes", "cases"))
    _close(memory.proportion("channel", "web"), engine.proportion("channel", "web"))
    a = sq.skm_index(sq.Responses.from_frame(frame, SKM, **KW), by="unit")
    b = sq.skm_index(sq.Responses.from_frame(sdf, SKM, **KW), by="unit")
    assert len(a) == 50
    assert list(b) == list(a)
    for key in a:
        _close(a[key].index, b[key].index)


def test_paired_form_indices_in_local_spark(
    spark: Any, make_survey: Callable[..., Any], forms: Any
) -> None:
    frame = forms.add(make_survey(1500, 11))
    sdf = spark.createDataFrame(frame.rows(), schema=frame.columns)
    memory, engine = forms.pair(frame, **KW), forms.pair(sdf, **KW)
    csi_a, csi_b = sq.csi(*memory, by="unit"), sq.csi(*engine, by="unit")
    assert len(csi_a) == 50
    assert list(csi_b) == list(csi_a)
    for key in csi_a:
        _close(csi_a[key].index, csi_b[key].index)
    ipa_a, ipa_b = sq.ipa(*memory), sq.ipa(*engine)
    for item_a, item_b in zip(ipa_a.items, ipa_b.items, strict=True):  # type: ignore[union-attr]
        _close(item_a.performance, item_b.performance)
        assert item_b.quadrant == item_a.quadrant
    points = {d: frame[col].to_numpy() for d, col in forms.points.items()}
    gaps_a = sq.servqual_gaps(*memory, importance_points=points)
    gaps_b = sq.servqual_gaps(*engine, importance_points=forms.points)
    _close(gaps_a.overall, gaps_b.overall)  # type: ignore[union-attr]
    _close(gaps_a.weighted, gaps_b.weighted)  # type: ignore[union-attr,arg-type]


def test_calibration_and_bootstrap_in_local_spark(
    spark: Any, make_survey: Callable[..., Any]
) -> None:
    """Post-stratified, raked and bootstrap estimates (see test_calibration_engines.py)."""
    frame = make_survey(1500, 11)
    sdf = spark.createDataFrame(frame.rows(), schema=frame.columns)
    channels = {"desk": 50_000, "web": 30_000, "phone": 20_000}
    provinces = {"Aceh": 10_000, "Bali": 40_000, "Jambi": 25_000, "Riau": 25_000}
    want = sq.Design(frame, **KW).poststratify("channel", channels).by("unit").mean("minutes")
    got = sq.Design(sdf, **KW).poststratify("channel", channels).by("unit").mean("minutes")
    for key in want:
        _close(want[key], got[key])
    margins = {"channel": channels, "province": provinces}
    a = sq.skm_index(sq.Responses.from_frame(frame, SKM, **KW).rake(margins))
    b = sq.skm_index(sq.Responses.from_frame(sdf, SKM, **KW).rake(margins))
    _close(a.index, b.index)
    kw = {"weights": "w", "strata": "province"}
    run = {"method": "bootstrap", "seed": 2, "n_resamples": 300}
    a = sq.skm_index(sq.Responses.from_frame(frame, SKM, **kw), **run)
    b = sq.skm_index(sq.Responses.from_frame(sdf, SKM, **kw), **run)
    assert b.index.se == a.index.se
