"""ServiceRecords: constructors agree, and each bad record is named in the error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest
from tests.standards.helpers import catalog

import servqual as sq
from servqual.errors import DataFormatError, RecordError

CAT = catalog()


def cols(**over: list[object]) -> dict[str, list[object]]:
    base: dict[str, list[object]] = {
        "record_id": ["a", "b", "c"],
        "service": ["ktp", "ktp", "ktp"],
        "received_at": ["2026-03-06T10:00", "2026-03-06T11:00", "2026-03-07T09:00"],
        "completed_at": ["2026-03-09T10:00", None, "2026-03-10T09:00"],
        "fee": [0, 0, 0],
    }
    base.update(over)
    return base


def test_constructors_agree(tmp_path: Path) -> None:
    data = cols()
    a = sq.ServiceRecords.from_frame(data, CAT)
    b = sq.ServiceRecords.from_records(
        [dict(zip(data, row, strict=True)) for row in zip(*data.values(), strict=True)], CAT
    )
    frame = pd.DataFrame(data)
    frame["received_at"] = pd.to_datetime(frame["received_at"])
    frame["completed_at"] = pd.to_datetime(frame["completed_at"])  # None → NaT
    c = sq.ServiceRecords.from_frame(frame, CAT)
    d = sq.ServiceRecords.from_frame(pl.DataFrame(data), CAT)
    path = tmp_path / "records.csv"
    pd.DataFrame(data).to_csv(path, index=False)
    e = sq.ServiceRecords.read_csv(path, CAT)
    for other in (b, c, d, e):
        assert other.received.seconds.tolist() == a.received.seconds.tolist()
        assert other.completed.missing.tolist() == [False, True, False]
        assert other.completed.seconds[~other.completed.missing].tolist() == (
            a.completed.seconds[~a.completed.missing].tolist()
        )


def test_custom_column_names() -> None:
    data = cols()
    renamed = {
        "id": data["record_id"],
        "layanan": data["service"],
        "masuk": data["received_at"],
        "selesai": data["completed_at"],
        "biaya": data["fee"],
    }
    recs = sq.ServiceRecords.from_frame(
        renamed,
        CAT,
        record_id="id",
        service="layanan",
        received_at="masuk",
        completed_at="selesai",
        fee="biaya",
    )
    assert recs.n == 3
    assert recs.fee.tolist() == [0.0, 0.0, 0.0]


def test_open_record_spellings() -> None:
    recs = sq.ServiceRecords.from_frame(
        cols(
            record_id=[1, 2, 3, 4, 5],
            service=["ktp"] * 5,
            received_at=["2026-03-06T10:00"] * 5,
            completed_at=[None, "", "NaT", float("nan"), pd.NaT],
            fee=[0] * 5,
        ),
        CAT,
    )
    assert recs.completed.missing.all()


@pytest.mark.parametrize(
    ("over", "error", "match"),
    [
        (
            {"service": ["ktp", "kk", "ktp"]},
            RecordError,
            r"1 record\(s\) name a service not in the catalog \(\['kk'\].*record_id 'b'",
        ),
        (
            {"record_id": ["a", "b", "a"]},
            RecordError,
            r"2 record\(s\) share a record_id.*record_id 'a', 'a'",
        ),
        (
            {"completed_at": ["2026-03-05T10:00", None, "2026-03-10T09:00"]},
            RecordError,
            r"1 record\(s\) were completed before they were received: record_id 'a'",
        ),
        ({"fee": [0, -5000, 0]}, RecordError, r"negative fee \(first -5000\): record_id 'b'"),
        ({"fee": [0, "gratis", 0]}, DataFormatError, r"fee 'gratis' of record 'b' is not a number"),
        (
            {"received_at": ["2026-03-06T10:00+07:00", "2026-03-06T11:00", "2026-03-07T09:00"]},
            RecordError,
            r"1 record\(s\) have time-zone-aware timestamps.*record_id 'a'",
        ),
        (
            {"received_at": ["2026-03-06T10:00", "kemarin", "2026-03-07T09:00"]},
            DataFormatError,
            r"column 'received_at': 'kemarin' of record 'b' is not a timestamp",
        ),
        (
            {"received_at": ["2026-03-06T10:00", None, "2026-03-07T09:00"]},
            RecordError,
            r"have no received_at timestamp: record_id 'b'",
        ),
    ],
)
def test_bad_records_are_named(
    over: dict[str, list[object]], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        sq.ServiceRecords.from_frame(cols(**over), CAT)


def test_missing_column_and_many_offenders() -> None:
    data = cols()
    del data["completed_at"]
    with pytest.raises(DataFormatError, match=r"no completed_at column 'completed_at'"):
        sq.ServiceRecords.from_frame(data, CAT)
    n = 8
    bad = {
        "record_id": list(range(n)),
        "service": ["x"] * n,
        "received_at": ["2026-03-06"] * n,
        "completed_at": [None] * n,
    }
    with pytest.raises(RecordError, match=r"8 record\(s\).*record_id 0, 1, 2, 3, 4 and 3 more"):
        sq.ServiceRecords.from_frame(bad, CAT)


def test_complaint_columns_checked() -> None:
    with pytest.raises(RecordError, match=r"complaint resolved before it was filed: record_id 'a'"):
        sq.ServiceRecords.from_frame(
            cols(
                complaint_at=["2026-03-09", None, None],
                complaint_resolved_at=["2026-03-08", None, None],
            ),
            CAT,
        )
    with pytest.raises(
        RecordError, match=r"complaint_resolved_at but no complaint_at: record_id 'c'"
    ):
        sq.ServiceRecords.from_frame(
            cols(complaint_at=[None, None, None], complaint_resolved_at=[None, None, "2026-03-08"]),
            CAT,
        )


def test_received_after_period_end_is_named() -> None:
    recs = sq.ServiceRecords.from_frame(cols(), CAT)
    with pytest.raises(RecordError, match=r"received after period_end: record_id 'c'"):
        sq.compliance(recs, CAT, period_end=dt.date(2026, 3, 6))


def test_aware_records_need_a_time_zone() -> None:
    recs = sq.ServiceRecords.from_frame(
        cols(received_at=["2026-03-06T10:00Z"] * 3, completed_at=[None] * 3), CAT
    )
    assert recs.aware
    with pytest.raises(sq.errors.ParameterError, match=r"timezone='Asia/Jakarta'"):
        sq.compliance(recs, CAT)


def test_compliance_argument_errors() -> None:
    recs = sq.ServiceRecords.from_frame(cols(), CAT)
    with pytest.raises(DataFormatError, match=r"no column 'unit'; columns: \[\]"):
        sq.compliance(recs, CAT, by="unit")
    with pytest.raises(sq.errors.ParameterError, match=r"level must be in \(0, 1\), got 95"):
        sq.compliance(recs, CAT, level=95)
    with pytest.raises(sq.errors.ParameterError, match=r"period_end 'June' is not an ISO date"):
        sq.compliance(recs, CAT, period_end="June")
    other = sq.ServiceCatalog(
        services=(sq.Service(id="kk", name="KK", provider="D", recipients="w"),)
    )
    with pytest.raises(RecordError, match=r"name services this catalog lacks \(\['ktp'\]\)"):
        sq.compliance(recs, other)


def test_concat_and_subset() -> None:
    recs = sq.ServiceRecords.from_frame(cols(), CAT)
    parts = [recs.subset(np.array([0])), recs.subset(np.array([1, 2]))]
    joined = sq.ServiceRecords.concat(parts)
    assert joined.record_ids.tolist() == ["a", "b", "c"]
    with pytest.raises(RecordError, match=r"share a record_id"):
        sq.ServiceRecords.concat([recs, recs])


def test_frame_feeds_stratified_sampling() -> None:
    recs = sq.data.load_demo_records()
    frame = recs.frame(period=(dt.date(2026, 4, 1), dt.date(2026, 6, 30)))
    assert set(frame["quarter"].tolist()) == {"2026-Q2"}
    sample = sq.sampling.stratified(frame, 40, strata="service", seed=3)
    counts = {s: int((np.asarray(sample.strata) == s).sum()) for s in set(sample.strata)}
    n_frame = {s: int((frame["service"] == s).sum()) for s in counts}
    # proportional allocation of 40 over the frame's services (largest remainder)
    alloc = sq.sample_size.allocate(n_frame, 40).sizes
    assert counts == dict(alloc)


def test_compliance_reads_frames_and_dicts_directly() -> None:
    data = cols()
    direct = sq.compliance(sq.ServiceRecords.from_frame(data, CAT), CAT)
    rows = [dict(zip(data, r, strict=True)) for r in zip(*data.values(), strict=True)]
    for other in (data, pd.DataFrame(data), rows):
        res = sq.compliance(other, CAT)  # type: ignore[arg-type]
        assert res["ktp"].model_dump_json() == direct["ktp"].model_dump_json()
    end = sq.compliance(data, CAT, period_end=np.datetime64("2026-03-10T00:00"))  # type: ignore[arg-type]
    assert end["ktp"].n_on_time == 1  # only 'a' (done 03-09) is complete by then
    with pytest.raises(
        sq.errors.ServqualTypeError, match=r"records must be servqual.ServiceRecords"
    ):
        sq.compliance(42, CAT)  # type: ignore[arg-type]


def test_frame_of_aware_records_uses_local_days() -> None:
    recs = sq.ServiceRecords.from_frame(
        cols(
            received_at=["2026-03-06T20:00Z", "2026-03-06T10:00Z", "2026-03-07T10:00Z"],
            completed_at=[None] * 3,
        ),
        CAT,
    )
    day = (dt.date(2026, 3, 7), dt.date(2026, 3, 7))
    assert recs.frame(period=day)["record_id"].tolist() == ["c"]  # UTC days
    # 20:00Z on the 6th is 03:00 on the 7th in Jakarta
    assert recs.frame(period=day, timezone="Asia/Jakarta")["record_id"].tolist() == ["a", "c"]


def test_compliance_by_refuses_a_missing_label() -> None:
    # The grouping policy of the whole library: a missing `by` value is an error naming
    # the column and the record, never a silent group "" in a published breakdown.
    recs = sq.ServiceRecords.from_frame(cols(unit=["North", None, "North"]), CAT)
    with pytest.raises(
        sq.errors.DesignError, match=r"by column 'unit' is missing in record_id 'b': None"
    ):
        sq.compliance(recs, CAT, by="unit")
    nan = sq.ServiceRecords.from_frame(cols(unit=[1.0, 2.0, float("nan")]), CAT)
    with pytest.raises(sq.errors.DesignError, match=r"in record_id 'c': nan"):
        sq.compliance(nan, CAT, by="unit")
    done = ["2026-03-09T10:00"] * 3
    recs = sq.ServiceRecords.from_frame(cols(unit=["N", "S", "N"], completed_at=done), CAT)
    ok = sq.compliance(recs, CAT, by="unit")
    assert sorted(ok) == [("ktp", "N"), ("ktp", "S")]
    assert [ok[k].n for k in sorted(ok)] == [2, 1]
