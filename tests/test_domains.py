"""Domain estimation (``design.by``) against R ``svyby`` (domains.json) and a slow reference.

The slow reference is the textbook formula written with explicit loops: per domain, the
influence values ``1_d (y - ȳ_d) / N_d`` are summed per PSU, and the variance is
``Σ_h (1 - f_h) n_h/(n_h - 1) Σ_i (t_hi - t̄_h)²`` over **all** PSUs of the design.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import (
    DegenerateDataWarning,
    DesignError,
    InsufficientDataError,
    ValidationError,
)

REL = 1e-9


def test_apistrat_svyby_mean(reference: Any) -> None:
    rec = reference("domains.json")["records"][0]
    ref = rec["reference"]
    # R: svyby(~api00, ~stype, svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc,
    #    data=apistrat), svymean); confint(res, level, df=degf(design))
    design = sq.Design(rec["inputs"]["data"], weights="pw", strata="stype", fpc="fpc")
    res = design.by("stype").mean("api00")
    assert list(res) == ref["domains"]
    for i, label in enumerate(ref["domains"]):
        est = res[label]
        assert est.value == pytest.approx(ref["estimate"][i], rel=REL)
        assert est.se == pytest.approx(ref["se"][i], rel=REL)
        assert est.df == ref["degf"]
        assert est.n == ref["n_sample"][i]
        for level_key, bounds in ref["ci_t"].items():
            got = est.at_level(float(level_key))
            assert got.ci.low == pytest.approx(bounds["lower"][i], rel=REL)
            assert got.ci.high == pytest.approx(bounds["upper"][i], rel=REL)
        for level_key, bounds in ref["ci_normal"].items():
            got = design.by("stype").mean("api00", interval="normal", level=float(level_key))
            assert got[label].ci.low == pytest.approx(bounds["lower"][i], rel=REL)
            assert got[label].ci.high == pytest.approx(bounds["upper"][i], rel=REL)
    # domain sizes: R svyby(~one, ~stype, design, svytotal) with zero SE (domains = strata)
    ones = design.with_columns({"one": np.ones(design.n_rows)})
    sizes = ones.by("stype").total("one")
    for i, label in enumerate(ref["domains"]):
        assert sizes[label].value == pytest.approx(ref["domain_size_estimate"][i], rel=REL)
        assert sizes[label].se == pytest.approx(ref["domain_size_se"][i], abs=1e-6)


def _slow_domain_means(
    y: list[float],
    dom: list[str],
    w: list[float],
    strata: list[int],
    psu: list[int],
    pop: dict[int, float] | None,
) -> dict[str, tuple[float, float]]:
    """Domain means and SEs with explicit loops (the obvious, slow implementation)."""
    out = {}
    for label in sorted(set(dom)):
        size = sum(wi for wi, di in zip(w, dom, strict=True) if di == label)
        tot = sum(wi * yi for wi, yi, di in zip(w, y, dom, strict=True) if di == label)
        mean = tot / size
        psu_tot: dict[tuple[int, int], float] = defaultdict(float)
        for i in range(len(y)):
            z = (y[i] - mean) / size if dom[i] == label else 0.0
            psu_tot[(strata[i], psu[i])] += w[i] * z
        var = 0.0
        for h in sorted(set(strata)):
            totals = [t for (s, _), t in psu_tot.items() if s == h]
            n_h = len(totals)
            t_bar = sum(totals) / n_h
            f = n_h / pop[h] if pop is not None else 0.0
            var += (1 - f) * n_h / (n_h - 1) * sum((t - t_bar) ** 2 for t in totals)
        out[label] = (mean, math.sqrt(var))
    return out


@st.composite
def _designs(draw: st.DrawFn) -> dict[str, Any]:
    n_strata = draw(st.integers(1, 3))
    rows: dict[str, list[Any]] = {"y": [], "dom": [], "w": [], "s": [], "c": []}
    pop = {}
    for h in range(n_strata):
        n_psu = draw(st.integers(2, 4))
        pop[h] = float(n_psu + draw(st.integers(0, 20)))
        for c in range(n_psu):
            for _ in range(draw(st.integers(1, 4))):
                rows["y"].append(draw(st.integers(1, 5)))
                rows["dom"].append(draw(st.sampled_from(["A", "B", "C"])))
                rows["w"].append(draw(st.floats(0.5, 10.0)))
                rows["s"].append(h)
                rows["c"].append(c)
    rows["N"] = [pop[h] for h in rows["s"]]
    rows["fpc"] = draw(st.booleans())
    return rows


@settings(max_examples=40, deadline=None)
@given(_designs())
def test_domain_means_equal_slow_reference(rows: dict[str, Any]) -> None:
    data = {k: v for k, v in rows.items() if k != "fpc"}
    design = sq.Design(
        data, weights="w", strata="s", clusters="c", fpc="N" if rows["fpc"] else None
    )
    pop = dict(zip(rows["s"], rows["N"], strict=True)) if rows["fpc"] else None
    slow = _slow_domain_means(rows["y"], rows["dom"], rows["w"], rows["s"], rows["c"], pop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # single-row domains
        fast = design.by("dom").mean("y")
    assert list(fast) == list(slow)
    for label, (mean, se) in slow.items():
        assert fast[label].value == pytest.approx(mean, rel=1e-9)
        if rows["dom"].count(label) == 1:
            assert math.isnan(fast[label].se)  # one row: no standard error, said by a warning
        else:
            assert fast[label].se == pytest.approx(se, rel=1e-7, abs=1e-12)
        assert fast[label].df == design.df


def test_domains_are_one_reduce_not_subsets() -> None:
    # A cluster with no member of domain B still counts in B's variance (R svyby keeps the
    # full design): compare with estimating on the subset, which would lose the cluster.
    data = {
        "y": [1.0, 2.0, 3.0, 4.0, 2.0, 5.0, 3.0, 1.0],
        "dom": ["A", "A", "A", "B", "A", "B", "B", "A"],
        "c": [1, 1, 2, 2, 3, 3, 4, 4],
    }
    design = sq.Design(data, clusters="c")
    res = design.by("dom").mean("y")
    slow = _slow_domain_means(data["y"], data["dom"], [1.0] * 8, [0] * 8, data["c"], None)
    assert res["B"].se == pytest.approx(slow["B"][1], rel=1e-12)
    assert res["B"].df == 3.0  # 4 clusters - 1 stratum, not the 3 clusters holding B


def test_missing_values_in_domain_keep_clusters() -> None:
    # na="domain": rows without a value are outside the domain but stay in the design.
    y = [1.0, np.nan, 3.0, 4.0, np.nan, 5.0]
    design = sq.Design({"y": y, "c": [1, 1, 2, 2, 3, 3], "g": list("ABABAB")}, clusters="c")
    with pytest.raises(ValidationError, match=r"column 'y' has a missing .* row 1: nan"):
        design.by("g").mean("y")
    res = design.by("g").mean("y", na="domain")
    ys = [0.0 if math.isnan(v) else v for v in y]
    dom = ["A" if g == "A" and not math.isnan(v) else "-" for g, v in zip("ABABAB", y, strict=True)]
    slow = _slow_domain_means(ys, dom, [1.0] * 6, [0] * 6, [1, 1, 2, 2, 3, 3], None)
    assert res["A"].value == pytest.approx(slow["A"][0])
    assert res["A"].se == pytest.approx(slow["A"][1], rel=1e-12)
    assert res["A"].n == 2


def test_domain_totals_ratios_and_proportions() -> None:
    data = {
        "y": [3.0, 4.0, 2.0, 4.0, 3.0, 1.0],
        "x": [1.0, 2.0, 1.0, 2.0, 2.0, 1.0],
        "g": list("AABBAB"),
        "ok": ["y", "n", "y", "n", "n", "y"],
    }
    design = sq.Design(data)
    by = design.by("g")
    totals = by.total("y")
    # domain total = total of y·1_d on the full design
    full = design.with_columns({"yA": np.where(np.array(data["g"]) == "A", data["y"], 0.0)})
    assert totals["A"].value == pytest.approx(full.total("yA").value)
    assert totals["A"].se == pytest.approx(full.total("yA").se)
    ratios = by.ratio("y", "x")
    assert ratios["A"].value == pytest.approx((3 + 4 + 3) / (1 + 2 + 2))
    shares = by.proportion("ok", "y", method="mean")
    means = design.with_columns({"oky": (np.array(data["ok"]) == "y") * 1.0}).by("g").mean("oky")
    assert shares["B"].value == pytest.approx(means["B"].value)
    assert shares["B"].se == pytest.approx(means["B"].se)
    with pytest.warns(sq.errors.DegenerateDataWarning, match="0 or 1"):
        none = by.proportion("ok", "maybe")
    # share 0 in a domain of 3 rows: Clopper-Pearson upper bound 1 - 0.025^(1/3)
    assert none["B"].ci.low == 0.0
    assert none["B"].ci.high == pytest.approx(1 - 0.025 ** (1 / 3), rel=1e-12)


def test_empty_domain_and_bad_labels() -> None:
    design = sq.Design({"y": [1.0, np.nan, 3.0, np.nan], "g": list("ABAB")})
    with pytest.raises(InsufficientDataError, match="domain 'B' has no rows"):
        design.by("g").mean("y", na="domain")
    with pytest.raises(DesignError, match="domain column 'g' is missing in row 1"):
        sq.Design({"y": [1.0, 2.0], "g": ["A", None]}).by("g")
    with pytest.raises(ValidationError, match="'Z' is not a domain of 'g'"):
        sq.Design({"y": [1.0, 2.0, 3.0], "g": list("ABA")}).by("g").difference("y", "A", "Z")
    with pytest.raises(sq.errors.ParameterError, match="method must be one of"):
        design.by("g").proportion("g", "A", method="exact")  # type: ignore[arg-type]
