"""The report's element intervals: 25 × the design mean of each element over those who
answered it (R ``svymean`` on that subset). The report computes it as the ratio
Σ w·y·a / Σ w·a (R ``svyratio``), whose influence values are the subset mean's; this test
pins that the two give the same interval on designs with strata, clusters, weights, fpc
and post-stratification."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import servqual as sq

SKM = sq.instruments.SKM_2017


def _survey(kind: str, seed: int) -> sq.Responses:
    rng = np.random.default_rng(seed)
    n = 60
    scores = rng.integers(1, 5, size=(n, 9)).astype(np.float64)
    scores[rng.random((n, 9)) < 0.15] = np.nan
    scores[0] = 3.0
    design: dict[str, Any] = {}
    if kind in ("weights", "strata", "clusters", "post"):
        design["weights"] = rng.uniform(1.0, 5.0, n)
    if kind in ("strata", "clusters"):
        design["strata"] = np.arange(n) % 3
    if kind == "clusters":
        design["clusters"] = np.arange(n) // 4
    if kind == "fpc":
        design["fpc"] = np.full(n, 500)
    sex = {"sex": np.array(["L", "P"] * (n // 2))}
    r = sq.Responses.from_arrays(scores, SKM, attributes=sex, **design)
    return r.poststratify("sex", {"L": 300.0, "P": 200.0}) if kind == "post" else r


@pytest.mark.parametrize("kind", ["srs", "fpc", "weights", "strata", "clusters", "post"])
@pytest.mark.parametrize("seed", [1, 2])
def test_element_interval_is_the_subset_mean_interval(kind: str, seed: int) -> None:
    r = _survey(kind, seed)
    report = sq.skm_report(r, min_group_size=0)
    values = r.values()
    cols = {f"e{j}": values[:, j] for j in range(9)}
    subset = r.design.with_columns(cols).mean(list(cols), na="domain")
    for j, row in enumerate(report.overall.elements):
        want = subset[f"e{j}"].ci
        np.testing.assert_allclose(
            [row.ci.low, row.ci.high], [25 * want.low, 25 * want.high], rtol=1e-12
        )
