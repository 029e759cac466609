"""R-parity fixtures: the data and reference values of tests/data/rparity.json.

The file was written by tests/data/rparity.R with R survey (its version is in the file's
``versions``); it holds every data column the tests use, so no test needs R.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import servqual as sq

PATH = Path(__file__).resolve().parents[1] / "data" / "rparity.json"
DATA: dict[str, Any] = json.loads(PATH.read_text(encoding="utf-8"))
RECORDS: dict[str, dict[str, Any]] = {r["id"]: r for r in DATA["records"]}
REL = 1e-9  # closed-form linearization
REL_ITER = 1e-7  # iteratively fitted R values (svyglm logit)


def column(values: list[Any]) -> np.ndarray:
    """A JSON column as a numpy array: numbers (null → NaN) or text (object)."""
    if all(v is None or isinstance(v, (int, float)) for v in values):
        return np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    return np.array(values, dtype=object)


def frame(name: str) -> dict[str, np.ndarray]:
    """One data set of the file as a mapping column → array."""
    return {k: column(v) for k, v in DATA["data"][name].items()}


def _apiclus2_strata() -> dict[str, np.ndarray]:
    cols = frame("apiclus2")
    cols.update(frame("apiclus2_strata"))
    return cols


def make_design(name: str) -> sq.Design:
    """The servqual design matching the R design called ``name`` in rparity.R."""
    pps = {
        "brewer": ("brewer", "HT"),
        "overton": ("overton", "HT"),
        "overton_yg": ("overton", "YG"),
        "hartley_rao": ("hartley_rao", "HT"),
        "hartley_rao_yg": ("hartley_rao", "YG"),
    }
    if name == "dstrat":
        return sq.Design(frame("apistrat"), strata="stype", weights="pw", fpc="fpc")
    if name == "dclus1":
        return sq.Design(frame("apiclus1"), clusters="dnum", weights="pw", fpc="fpc")
    if name in ("dclus2", "dclus2a"):
        return sq.Design(frame("apiclus2"), clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"])
    if name == "dclus2w":
        return sq.Design(
            frame("apiclus2"), clusters=["dnum", "snum"], fpc=["fpc1", "fpc2"], weights="pw"
        )
    if name == "dclus2s":
        return sq.Design(
            _apiclus2_strata(), clusters=["dnum", "snum"], fpc=["fpc1h", "fpc2"], strata="half"
        )
    if name == "dmu":
        return sq.Design(frame("mu284"), clusters=["id1", "id2"], fpc=["n1", "n2"])
    if name == "dnh":
        cols = frame("nhanes")
        cols["psu"] = np.array(
            [f"{s:g}.{p:g}" for s, p in zip(cols["SDMVSTRA"], cols["SDMVPSU"], strict=True)],
            dtype=object,
        )
        return sq.Design(cols, clusters="psu", strata="SDMVSTRA", weights="WTMEC2YR")
    if name in pps:
        method, variance = pps[name]
        return sq.Design(frame("election_pps"), fpc="p", pps=method, pps_variance=variance)
    if name == "hartley_rao_psum":
        return sq.Design(
            frame("election_pps"),
            fpc="p",
            pps="hartley_rao",
            pps_p2bar=DATA["data"]["election_psum"],
        )
    raise KeyError(name)


@pytest.fixture(scope="module")
def design() -> Callable[[str], sq.Design]:
    """``design("dclus1")`` → the servqual version of an R design of rparity.R."""
    cache: dict[str, sq.Design] = {}

    def get(name: str) -> sq.Design:
        if name not in cache:
            cache[name] = make_design(name)
        return cache[name]

    return get


def close(got: float, expected: float | None, rel: float = REL) -> bool:
    """Equal within ``rel`` (relative, absolute near 0); R's NA/NaN (null) matches NaN."""
    if expected is None:
        return math.isnan(got)
    return got == pytest.approx(expected, rel=rel, abs=rel * 1e-3)


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    """The reference records of rparity.json, by id."""
    return RECORDS


@pytest.fixture(scope="module")
def data_set() -> Callable[[str], dict[str, np.ndarray]]:
    """``data_set("apiclus1")`` → that data set of the file, column → array."""
    return frame
