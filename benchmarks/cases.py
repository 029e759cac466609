"""The benchmark rows: for each, how to build the data and who computes the same figure.

Each :class:`Case` builds its data once per process (``setup``, from a fixed seed, so every
implementation of a row sees the same numbers) and lists its implementations: the
*floor* (the fastest honest way to touch the same bytes, no validation, no labels),
servqual, and the peers a user would otherwise pick. Every implementation returns the
figure it computed, printed beside its time so that the table shows they agree.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import servqual as sq

Array = np.ndarray[Any, Any]
Impl = Callable[[Any], Any]


@dataclass(frozen=True)
class Case:
    """One row group of the table: a figure, its data and its implementations."""

    key: str
    title: str
    setup: Callable[[dict[str, Any]], Any]
    impls: dict[str, Impl]
    floor: str


def _likert(rng: np.random.Generator, n: int) -> Array:
    return rng.integers(1, 5, size=n).astype(np.float64)


# --- SKM index --------------------------------------------------------------------------
def _skm_setup(p: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(2017)
    n = p["skm_rows"]
    codes = rng.integers(0, 4, size=(n, 9)).astype(np.int8)
    codes[rng.random((n, 9)) < 0.02] = -1
    column_major = np.ascontiguousarray(codes.T)
    responses = sq.Responses(sq.instruments.SKM_2017, sq.Design({"row": np.arange(n)}), codes)
    return {"cm": column_major, "responses": responses}


def _skm_floor(d: dict[str, Any]) -> float:
    """Integer column sums of the column-major codes (missing -1 not left out)."""
    sums = d["cm"].sum(axis=1, dtype=np.int64)
    return float(25.0 * (sums.sum() / d["cm"].size + 1.0))


def _skm_first_call(d: dict[str, Any]) -> float:
    """The index on responses whose column-major copy is not made yet (a first call)."""
    d["responses"].__dict__.pop("columns", None)
    return float(sq.skm_index(d["responses"]).index.value)


def _skm_polars(d: dict[str, Any]) -> float:
    import polars as pl

    if "pl" not in d:  # built once: the frame is the data, as the codes are for the others
        columns = {
            f"U{j + 1}": pl.Series(np.where(c < 0, np.nan, c + 1.0)).fill_nan(None).cast(pl.Int8)
            for j, c in enumerate(d["cm"])
        }
        d["pl"] = pl.DataFrame(columns)
    means = d["pl"].select(pl.all().mean()).row(0)
    return float(25.0 * np.mean(means))


SKM = Case(
    "skm",
    "SKM index, {skm_rows:,} × 9 int8 answers",
    _skm_setup,
    {
        "numpy column-major mean of the codes (floor)": _skm_floor,
        "servqual skm_index (index, SE, interval)": lambda d: (
            sq.skm_index(d["responses"]).index.value
        ),
        "servqual skm_index, first call (column-major copy included)": _skm_first_call,
        "polars mean of 9 Int8 columns (nulls skipped)": _skm_polars,
    },
    "numpy column-major mean of the codes (floor)",
)


# --- by= domains ------------------------------------------------------------------------
def _by_setup(p: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(8)
    n, g = p["by_rows"], p["groups"]
    y = _likert(rng, n)
    groups = rng.integers(0, g, size=n)
    return {"y": y, "g": groups, "G": g, "design": sq.Design({"y": y, "g": groups})}


def _by_floor(d: dict[str, Any]) -> float:
    g, y, G = d["g"], d["y"], d["G"]
    n = np.bincount(g, minlength=G).astype(np.float64)
    s1 = np.bincount(g, weights=y, minlength=G)
    s2 = np.bincount(g, weights=y * y, minlength=G)
    mean = s1 / n
    with np.errstate(divide="ignore", invalid="ignore"):  # one-row groups: no variance
        var = (s2 - s1 * mean) / (n - 1)
    return float(mean[0]) if var.size else float("nan")


def _by_polars(d: dict[str, Any]) -> float:
    import polars as pl

    if "pl" not in d:
        d["pl"] = pl.DataFrame({"y": d["y"], "g": d["g"]})
    out = d["pl"].group_by("g").agg(pl.col("y").mean().alias("m"), pl.col("y").var(), pl.len())
    return float(out.filter(pl.col("g") == 0)["m"][0])


def _by_servqual(d: dict[str, Any]) -> float:
    return d["design"].by("g").mean("y")["0"].value  # type: ignore[no-any-return]


def by_case(groups: int) -> Case:
    """Domain means and SEs with ``groups`` domains."""
    return Case(
        f"by{groups}",
        "Domain means, {by_rows:,} rows, " + f"{groups:,} groups",
        lambda p: _by_setup({**p, "groups": groups}),
        {
            "numpy bincount n, Σy, Σy² (floor)": _by_floor,
            "servqual Design.by(g).mean(y)": _by_servqual,
            "polars group_by(g).agg(mean, var, len)": _by_polars,
        },
        "numpy bincount n, Σy, Σy² (floor)",
    )


# --- design mean --------------------------------------------------------------------------
def _design_setup(p: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(3)
    n, h = p["design_rows"], 50
    strata = rng.integers(0, h, size=n)
    y = np.clip(np.rint(3.0 + rng.normal(0, 0.4, h)[strata] + rng.normal(0, 0.8, n)), 1, 4)
    w = rng.uniform(5.0, 50.0, size=h)[strata]
    psu = strata * 100 + rng.integers(0, 100, size=n) if p.get("clustered") else None
    return {"y": y, "s": strata, "w": w, "psu": psu, "H": h}


def _design_floor(d: dict[str, Any]) -> tuple[float, float]:
    y, s, w, h = d["y"], d["s"], d["w"], d["H"]
    total_w = w.sum()
    mean = float((w * y).sum() / total_w)  # not np.dot: a BLAS call stalls on a busy machine
    z = w * (y - mean) / total_w
    if d["psu"] is not None:  # PSU totals first (the labels are codes 100 h + k), then strata
        z = np.bincount(d["psu"], weights=z)
        occupied = np.bincount(d["psu"], minlength=z.size) > 0
        z, s = z[occupied], np.flatnonzero(occupied) // 100
    n_h = np.bincount(s, minlength=h).astype(np.float64)
    s1 = np.bincount(s, weights=z, minlength=h)
    s2 = np.bincount(s, weights=z * z, minlength=h)
    return mean, float(np.sum(n_h / (n_h - 1.0) * (s2 - s1 * s1 / n_h))) ** 0.5


def _design_servqual(d: dict[str, Any]) -> tuple[float, float]:
    data = {"y": d["y"], "s": d["s"], "w": d["w"]}
    clusters = None
    if d["psu"] is not None:
        data["c"] = d["psu"]
        clusters = "c"
    est = sq.Design(data, strata="s", weights="w", clusters=clusters).mean("y")
    return est.value, est.se


def _design_samplics(d: dict[str, Any]) -> tuple[float, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

        est = TaylorEstimator(PopParam.mean)
        est.estimate(y=d["y"], samp_weight=d["w"], stratum=d["s"], psu=d["psu"], remove_nan=False)
    return float(est.point_est), float(est.stderror)


def _design_svy(d: dict[str, Any]) -> tuple[float, float]:
    import polars as pl
    import svy

    columns = {"y": d["y"], "s": d["s"], "w": d["w"]}
    if d["psu"] is not None:
        columns["c"] = d["psu"]
    design = svy.Design(stratum="s", wgt="w", psu="c" if d["psu"] is not None else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = svy.Sample(pl.DataFrame(columns), design).estimation.mean("y")
    first = est.estimates[0]
    return float(first.est), float(first.se)


def design_case(clustered: bool) -> Case:
    """Stratified (and optionally clustered) weighted mean, construction included."""
    kind = "stratified + 5,000 clusters" if clustered else "stratified"
    return Case(
        "design_clustered" if clustered else "design",
        "Design mean, {design_rows:,} rows, 50 strata, " + kind + ", weights",
        lambda p: _design_setup({**p, "clustered": clustered}),
        {
            "numpy bincount floor": _design_floor,
            "servqual Design(...).mean (construction included)": _design_servqual,
            "svy Sample(...).estimation.mean": _design_svy,
            "samplics TaylorEstimator('mean')": _design_samplics,
        },
        "numpy bincount floor",
    )


# --- CSV report ---------------------------------------------------------------------------
def _csv_report(d: dict[str, Any], by: str | None) -> str:
    from servqual.cli import main

    argv = ["report", d["path"], "--quiet", "-o", os.devnull]
    if by:
        argv += ["--by", by]
    with contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    return f"exit {code}"


def _csv_polars(d: dict[str, Any]) -> float:
    import polars as pl

    frame = pl.read_csv(d["path"])
    return float(25.0 * np.mean(frame.select(pl.col(f"U{j}").mean() for j in range(1, 10)).row(0)))


def _csv_pandas(d: dict[str, Any]) -> float:
    import pandas as pd

    frame = pd.read_csv(d["path"])
    return float(25.0 * frame[[f"U{j}" for j in range(1, 10)]].mean().mean())


CSV = Case(
    "csv",
    "CSV report, {csv_rows:,} rows × 17 columns",
    lambda p: {"path": p["csv_path"]},
    {
        "polars read_csv + mean of 9 answer columns (floor)": _csv_polars,
        "servqual report FILE": lambda d: _csv_report(d, None),
        "servqual report FILE --by province (34)": lambda d: _csv_report(d, "province"),
        "pandas read_csv + mean": _csv_pandas,
    },
    "polars read_csv + mean of 9 answer columns (floor)",
)


def write_csv(path: str, n: int, seed: int = 1) -> None:
    """A national-style survey file: 8 text/number columns and 9 answers, ~2 % blank."""
    rng = np.random.default_rng(seed)
    header = "id,province,unit,service,gender,age,education,job," + ",".join(
        f"U{j}" for j in range(1, 10)
    )
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + "\n")
        for start in range(0, n, 100_000):
            m = min(n, start + 100_000) - start
            answers = rng.integers(1, 5, size=(m, 9)).astype(str)
            answers[rng.random((m, 9)) < 0.02] = ""
            unit = rng.integers(0, 2000, size=m)
            i = np.arange(start, start + m)
            lines = [
                f"r{i[r]},P{unit[r] % 34},U{unit[r]:05d},S{i[r] % 7},{'LP'[i[r] % 2]},"
                f"{20 + i[r] % 50},E{i[r] % 5},J{i[r] % 9}," + ",".join(answers[r])
                for r in range(m)
            ]
            f.write("\n".join(lines) + "\n")
