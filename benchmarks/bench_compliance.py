"""Time ``sq.compliance`` on 10,000,000 service records against the same figures in pandas.

Both start from the same in-memory columns (record ids, service labels, received and
completed ``datetime64``, fee) and end with, per service: on-time, late and pending
counts against a working-day standard with holidays, the on-time share, the median and
90th percentile of working days taken, the share charged exactly the published fee and the
overcharged total. The pandas version is written the way an analyst would, with numpy's
``busday_count`` for the working days and one ``groupby``; it validates nothing and puts
no interval on anything. servqual also validates the records (duplicate ids, unknown
services, completion before receipt, negative fees) and computes Wilson and
order-statistic intervals.

Run: ``python benchmarks/bench_compliance.py [--n N] [--repeats R]`` (``run()`` from code).
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import servqual as sq

SERVICES = ("KTP-el", "Kartu Keluarga", "Akta Kelahiran")
STANDARD_DAYS = (3, 3, 5)


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    """Minimum wall time of ``repeats`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def make_records(n: int, seed: int = 2026) -> dict[str, np.ndarray[Any, Any]]:
    """A year of applications: 3 services, 0–10 working days taken, ~1 % open, ~2 % overcharged."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00", "s").astype(np.int64)
    received = start + rng.integers(0, 365 * 86_400, size=n)
    took = rng.gamma(2.0, 1.3, size=n) * 86_400 * 1.4
    completed = (received + took.astype(np.int64)).astype("datetime64[s]")
    completed[rng.random(n) < 0.01] = np.datetime64("NaT")
    fee = np.where(rng.random(n) < 0.02, 50_000.0, 0.0)
    return {
        "record_id": np.arange(n, dtype=np.int64),
        "service": np.array(SERVICES)[rng.integers(0, 3, size=n)],
        "received_at": received.astype("datetime64[s]"),
        "completed_at": completed,
        "fee": fee,
    }


def catalog() -> sq.ServiceCatalog:
    """Three services with working-day standards, free of charge."""
    return sq.ServiceCatalog(
        services=tuple(
            sq.Service(
                id=s,
                name=s,
                provider="Disdukcapil",
                recipients="warga",
                standard=sq.ServiceStandard(
                    completion_time=sq.CompletionTime(value=d, unit="working_days"),
                    fee=sq.Fee(amount=0),
                ),
            )
            for s, d in zip(SERVICES, STANDARD_DAYS, strict=True)
        )
    )


def with_servqual(cols: dict[str, Any], cat: sq.ServiceCatalog, cal: sq.WorkCalendar) -> Any:
    records = sq.ServiceRecords.from_frame(cols, cat)
    return sq.compliance(records, cat, calendar=cal)


def with_pandas(cols: dict[str, Any], holidays: list[str], *, categorical: bool = False) -> Any:
    import pandas as pd

    df = pd.DataFrame(cols)
    if categorical:  # the faster pandas idiom: service as a category, not Python strings
        df["service"] = pd.Categorical(cols["service"])
    std = df["service"].map(dict(zip(SERVICES, STANDARD_DAYS, strict=True)))
    end = max(df["received_at"].max(), df["completed_at"].max())
    rec_day = df["received_at"].values.astype("datetime64[D]")
    done = df["completed_at"].values
    is_open = np.isnat(done)
    done_day = np.where(is_open, rec_day, done.astype("datetime64[D]"))
    base = np.busday_offset(rec_day, 0, roll="backward", holidays=holidays)
    taken = np.busday_count(base + 1, done_day + 1, holidays=holidays)
    taken += ~np.is_busday(done_day, holidays=holidays)
    end_day = np.datetime64(end, "D")
    elapsed = np.busday_count(base + 1, end_day, holidays=holidays)
    df["status"] = np.where(
        ~is_open,
        np.where(taken <= std, "on_time", "late"),
        np.where(elapsed >= std, "late", "pending"),
    )
    df["taken"] = np.where(is_open, np.nan, taken)
    df["exact"] = df["fee"] == 0.0
    df["over"] = np.maximum(df["fee"] - 0.0, 0.0)
    g = df.groupby("service", observed=True)
    counts = g["status"].value_counts().unstack(fill_value=0)
    table = pd.DataFrame(
        {
            "on_time_share": counts["on_time"] / (counts["on_time"] + counts["late"]),
            "median": g["taken"].median(),
            "p90": g["taken"].quantile(0.9),
            "fee_exact": g["exact"].mean(),
            "overcharged": g["over"].sum(),
        }
    )
    return counts.join(table)


def run(n: int = 10_000_000, repeats: int = 3) -> float:
    """Print both timings and return the ratio servqual / pandas."""
    cols = make_records(n)
    cat = catalog()
    holidays = ["2026-03-19", "2026-03-20", "2026-05-01", "2026-06-01", "2026-08-17", "2026-12-25"]
    cal = sq.WorkCalendar(holidays=[np.datetime64(h).astype(object) for h in holidays])
    mine = with_servqual(cols, cat, cal)
    theirs = with_pandas(cols, holidays)
    same = with_pandas(cols, holidays, categorical=True)
    assert (same.values == theirs.values).all()
    for sid in SERVICES:  # the same numbers both ways
        assert mine[sid].n_on_time == theirs.loc[sid, "on_time"]
        assert mine[sid].n_late == theirs.loc[sid, "late"]
        assert mine[sid].median_time.value == theirs.loc[sid, "median"]
    t_pd = best_of(lambda: with_pandas(cols, holidays), repeats)
    t_cat = best_of(lambda: with_pandas(cols, holidays, categorical=True), repeats)
    t_sq = best_of(lambda: with_servqual(cols, cat, cal), repeats)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    print(f"{n:,} records, 3 services, working-day standard with holidays; min of {repeats}")
    ktp = mine["KTP-el"]
    print(f"KTP-el on time {ktp.on_time.value:.4f} (n {ktp.on_time.n:,}), pending {ktp.n_pending}")
    print(f"pandas (busday_count + groupby)          {t_pd * 1e3:9.1f} ms")
    print(f"pandas, service as a category            {t_cat * 1e3:9.1f} ms")
    print(
        f"ServiceRecords.from_frame + compliance   {t_sq * 1e3:9.1f} ms   ratio "
        f"{t_sq / t_pd:5.2f}x (vs the category idiom {t_sq / t_cat:5.2f}x)"
    )
    return t_sq / t_pd


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    run(args.n, args.repeats)


if __name__ == "__main__":
    main()
