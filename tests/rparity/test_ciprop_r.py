"""svyciprop conventions against R survey 4.1.1: likelihood, unclipped asin/mean, domain df.

Reference values: tests/data/rparity.json (script tests/data/rparity.R):
``svyciprop(~I(cond), design, method=...)`` on apistrat, apiclus1 and the two-stage
apiclus2 design, and ``svyby(~I(ell == 0), ~stype, dclus1, svyciprop, vartype="ci",
method=...)`` with ``degf()`` of each domain's subset design.

- ``asin_unclipped``/``mean_unclipped`` are R's ``asin``/``mean`` numbers (R does not
  clip); servqual's ``asin``/``mean`` keep the interval inside [0, 1].
- ``likelihood`` follows R's profile (same grid, same FMM spline); R's point estimate
  comes from an iterative ``svyglm`` fit, so the bounds agree to 1e-3 relative (in
  practice 1e-6 to 2e-4), the tolerance the issue allows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import servqual as sq
from servqual.errors import ParameterError

_PATH = Path(__file__).resolve().parents[1] / "data" / "rparity.json"
_IDS = [r["id"] for r in json.loads(_PATH.read_text(encoding="utf-8"))["records"]]
R_METHOD = {"asin": "asin_unclipped", "mean": "mean_unclipped"}

DesignOf = Callable[[str], sq.Design]
Records = dict[str, dict[str, Any]]


def _target(r: dict[str, Any]) -> tuple[str, object]:
    return ("sch.wide", "Yes") if "sch.wide" in r["condition"] else ("ell", 0.0)


def _tol(method: str) -> float:
    if method == "likelihood":
        return 1e-3
    return 1e-7 if method == "logit" else 1e-9  # logit: R's svyglm fit


@pytest.mark.parametrize("rid", [i for i in _IDS if i.startswith("ciprop_d")])
def test_svyciprop_matches_r(rid: str, records: Records, design: DesignOf) -> None:
    r = records[rid]  # R: svyciprop(~I(cond), design, method = ...)
    col, value = _target(r)
    est = design(r["design"]).proportion(col, value, method=R_METHOD.get(r["method"], r["method"]))  # type: ignore[arg-type]
    assert est.value == pytest.approx(r["estimate"], rel=1e-8)
    assert est.se == pytest.approx(r["se"], rel=1e-9)
    assert est.df == r["df"]
    assert est.ci.low == pytest.approx(r["ci_low"], rel=_tol(r["method"]))
    assert est.ci.high == pytest.approx(r["ci_high"], rel=_tol(r["method"]))


@pytest.mark.parametrize("rid", [i for i in _IDS if i.startswith("ciprop_by_")])
def test_domain_intervals_use_each_domains_df(rid: str, records: Records, design: DesignOf) -> None:
    r = records[rid]  # R: svyby(~I(ell == 0), ~stype, dclus1, svyciprop, vartype="ci", method=)
    method = R_METHOD.get(r["method"], r["method"])
    res = design(r["design"]).by(r["by"]).proportion("ell", 0.0, method=method)  # type: ignore[arg-type]
    assert list(res) == r["domains"]
    for est, value, low, high, df in zip(
        res.values(), r["estimate"], r["ci_low"], r["ci_high"], r["df"], strict=True
    ):
        assert est.value == pytest.approx(value, rel=1e-8)
        assert est.df == df
        assert est.ci.low == pytest.approx(low, rel=_tol(r["method"]))
        assert est.ci.high == pytest.approx(high, rel=_tol(r["method"]))


def test_domain_df_design_keeps_the_full_design_df(design: DesignOf) -> None:
    # df="design": R's confint(svyby(...), df = degf(design)): every domain on 14 df
    d = design("dclus1")
    full = d.by("stype").proportion("ell", 0.0, df="design")
    assert {e.df for e in full.values()} == {14.0}
    own = d.by("stype").proportion("ell", 0.0)
    assert own["H"].df == 7.0
    assert own["H"].ci.width > full["H"].ci.width  # fewer df: a wider interval


def test_clipped_and_unclipped_mean(records: Records, design: DesignOf) -> None:
    # R: svyciprop(~I(ell == 0), dclus1, method = "mean") -> (-0.0267, 0.0704)
    r = records["ciprop_dclus1_ell0_mean"]
    d = design("dclus1")
    raw = d.proportion("ell", 0.0, method="mean_unclipped")
    clipped = d.proportion("ell", 0.0, method="mean")
    assert raw.ci.low == pytest.approx(r["ci_low"], rel=1e-9)
    assert raw.ci.low < 0
    assert clipped.ci.low == 0.0
    assert clipped.ci.high == raw.ci.high
    again = raw.at_level(0.95)  # recomputable from value, se and df
    assert again.ci.low == pytest.approx(raw.ci.low, rel=1e-12)


def test_likelihood_needs_the_data(design: DesignOf) -> None:
    est = design("dstrat").proportion("sch.wide", "Yes", method="likelihood")
    assert est.ci.method == "likelihood"
    with pytest.raises(ParameterError, match="cannot be recomputed without the data"):
        est.at_level(0.9)
    with pytest.raises(ParameterError, match="needs the data"):
        sq.stats.svy_proportion_interval(0.5, 0.1, 10, 20, 0.95, "likelihood")


def test_fmm_spline_reproduces_r_spline() -> None:
    # R: spline(c(0, 0.5, 1.3, 2, 3.1, 4), c(1, -0.2, 0.7, 2.5, 1.1, 0.3), n = 18)$y[2:4]
    from servqual.stats.likelihood_ci import fmm_spline

    x = np.array([0, 0.5, 1.3, 2, 3.1, 4.0])
    y = np.array([1, -0.2, 0.7, 2.5, 1.1, 0.3])
    _, values = fmm_spline(x, y, 18)
    np.testing.assert_allclose(
        values[1:4], [0.219532422387466, -0.174513698799524, -0.247274199747761], rtol=1e-13
    )


def test_likelihood_at_a_share_of_zero_keeps_the_boundary_interval() -> None:
    # no success in 20 rows: the design variance is 0, so every method (likelihood too)
    # reports Clopper-Pearson's [0, 1 - 0.025^(1/20)] with a warning
    from servqual.errors import DegenerateDataWarning

    d = sq.Design({"ok": [0] * 20})
    with pytest.warns(DegenerateDataWarning, match="0 or 1"):
        est = d.proportion("ok", 1, method="likelihood")
    assert est.ci.low == 0.0
    assert est.ci.high == pytest.approx(1 - 0.025 ** (1 / 20), rel=1e-12)
    assert est.ci.method == "likelihood"
