"""Benchmark rows for resampling, reliability and selection (see :mod:`cases`)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from cases import Case

import servqual as sq
from servqual.stats.bootstrap import bootstrap_mean

Array = np.ndarray[Any, Any]


# --- bootstrap ------------------------------------------------------------------------------
def _boot_setup(p: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(5)
    return {"y": rng.integers(1, 5, size=p["boot_rows"]).astype(np.float64), **p}


def _boot_floor(d: dict[str, Any]) -> tuple[float, float]:
    """Count the answers, then one multinomial draw per resample: the least work possible."""
    y, b = d["y"], d["resamples"]
    counts = np.bincount(y.astype(np.intp))
    values = np.flatnonzero(counts).astype(np.float64)
    counts = counts[counts > 0]
    draws = np.random.default_rng(1).multinomial(y.size, counts / y.size, size=b)
    means = draws @ values / y.size
    low, high = np.quantile(means, [0.025, 0.975])
    return float(low), float(high)


def _boot_servqual(d: dict[str, Any]) -> tuple[float, float]:
    res = bootstrap_mean(d["y"], n_resamples=d["resamples"], seed=1)
    return res.low, res.high


def _boot_scipy(d: dict[str, Any]) -> tuple[float, float]:
    from scipy import stats

    b = d["scipy_resamples"]
    res = stats.bootstrap(
        (d["y"],), np.mean, n_resamples=b, batch=max(1, 2_000_000 // d["y"].size),
        method="percentile", rng=np.random.default_rng(1),
    )  # fmt: skip
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


BOOT = Case(
    "bootstrap",
    "Bootstrap of a Likert mean, n = {boot_rows:,}, {resamples:,} resamples",
    _boot_setup,
    {
        "numpy bincount + multinomial (floor)": _boot_floor,
        "servqual bootstrap_mean": _boot_servqual,
        "scipy.stats.bootstrap (× resamples / scipy_resamples)": _boot_scipy,
    },
    "numpy bincount + multinomial (floor)",
)


# --- Cronbach's alpha ------------------------------------------------------------------------
def _alpha_setup(p: dict[str, Any]) -> dict[str, Any]:
    rng = np.random.default_rng(11)
    n = p["alpha_rows"]
    latent = rng.normal(size=(n, 1))
    x = np.clip(np.rint(3 + latent + rng.normal(size=(n, 20))), 1, 5)
    return {"x": x}


def _alpha_floor(d: dict[str, Any]) -> float:
    x = d["x"]
    k = x.shape[1]
    item_var = x.var(axis=0, ddof=1).sum()
    return float(k / (k - 1) * (1 - item_var / x.sum(axis=1).var(ddof=1)))


def _alpha_pingouin(d: dict[str, Any]) -> float:
    import pandas as pd
    import pingouin as pg

    if "frame" not in d:
        d["frame"] = pd.DataFrame(d["x"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(pg.cronbach_alpha(d["frame"])[0])


ALPHA = Case(
    "alpha",
    "Cronbach's alpha, {alpha_rows:,} × 20 numpy array",
    _alpha_setup,
    {
        "numpy item and total variances (floor)": _alpha_floor,
        "servqual cronbach_alpha (Feldt interval)": lambda d: sq.cronbach_alpha(d["x"]).value,
        "pingouin cronbach_alpha (DataFrame)": _alpha_pingouin,
    },
    "numpy item and total variances (floor)",
)


# --- stratified sample ----------------------------------------------------------------------
def _sample_setup(p: dict[str, Any]) -> dict[str, Any]:
    n_rows = p["frame_rows"]
    labels = np.random.default_rng(0).integers(0, 50, size=n_rows)
    counts = np.bincount(labels, minlength=50)
    n = n_rows // 100
    sizes = list(sq.sample_size.allocate(dict(enumerate(counts.tolist())), n).counts)
    return {"labels": labels, "n": n, "sizes": sizes}


def _sample_floor(d: dict[str, Any]) -> int:
    rng = np.random.default_rng(1)
    codes = d["labels"].astype(np.uint8)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(d["sizes"]))
    starts = np.concatenate(([0], np.cumsum(counts)))
    parts = [
        order[starts[h] + rng.choice(int(counts[h]), size, replace=False)]
        for h, size in enumerate(d["sizes"])
    ]
    return int(np.concatenate(parts).size)


def _sample_pandas(d: dict[str, Any]) -> int:
    import pandas as pd

    if "frame" not in d:
        d["frame"] = pd.DataFrame({"stratum": d["labels"]})
    return len(d["frame"].groupby("stratum").sample(frac=0.01, random_state=1))


SAMPLE = Case(
    "sample",
    "Stratified 1 % sample of {frame_rows:,} rows, 50 strata",
    _sample_setup,
    {
        "numpy sort + Generator.choice per stratum (floor)": _sample_floor,
        "servqual sampling.stratified": lambda d: len(
            sq.sampling.stratified(d["labels"].size, d["n"], strata=d["labels"], seed=1).positions
        ),
        "pandas groupby().sample(frac=0.01)": _sample_pandas,
    },
    "numpy sort + Generator.choice per stratum (floor)",
)
