"""Design behaviour: lonely-PSU policies, missing values, design effects, proportion edge cases.

Expected numbers are worked by hand from the with-replacement variance formula
``Σ_h (1 - f_h) n_h/(n_h - 1) Σ_i (t_hi - t̄_h)²`` (R ``survey``'s ``svyrecvar``) or by an
explicit formula written in the test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

import servqual as sq
from servqual.errors import (
    DegenerateDataWarning,
    DesignError,
    InsufficientDataError,
    ParameterError,
    ValidationError,
)

# Strata a (y = 1, 3), b (a single PSU, y = 5), c (y = 2, 6); unweighted.
LONELY = {"y": [1.0, 3.0, 5.0, 2.0, 6.0], "s": ["a", "a", "b", "c", "c"]}
# Stratum contributions to Var(total): a: 2·((1-2)² + (3-2)²) = 4; c: 2·(2² + 2²) = 16.


def test_lonely_psu_fail_is_the_default() -> None:
    with pytest.raises(DesignError, match=r"stratum 'b' has only one PSU, .* lonely_psu="):
        sq.Design(LONELY, strata="s").total("y")


def test_lonely_psu_remove_warns_and_drops_the_stratum() -> None:
    d = sq.Design(LONELY, strata="s", lonely_psu="remove")
    with pytest.warns(DegenerateDataWarning, match=r"single PSU \(\['b'\]\) handled by"):
        est = d.total("y")
    assert est.se**2 == pytest.approx(4 + 16)  # R: options(survey.lonely.psu="remove")


def test_lonely_psu_certainty_is_silent() -> None:
    # R: "certainty" gives the same result as "remove" without a warning (pytest turns
    # any warning into an error here).
    est = sq.Design(LONELY, strata="s", lonely_psu="certainty").total("y")
    assert est.se**2 == pytest.approx(4 + 16)


def test_lonely_psu_adjust_centres_at_grand_mean() -> None:
    d = sq.Design(LONELY, strata="s", lonely_psu="adjust")
    with pytest.warns(DegenerateDataWarning, match="lonely_psu='adjust'"):
        est = d.total("y")
    grand = sum(LONELY["y"]) / 5  # total over the 5 PSUs (R survey >= 4.2)
    assert est.se**2 == pytest.approx(4 + 16 + (5 - grand) ** 2)
    with pytest.warns(DegenerateDataWarning):
        mean = d.mean("y")
    # for a mean the linearized PSU totals have grand mean 0: (w z)² for the lonely PSU
    z_b = (5 - 17 / 5) / 5
    assert mean.se**2 == pytest.approx((4 + 16) / 25 + z_b**2)


def test_lonely_psu_average_scales_the_others() -> None:
    d = sq.Design(LONELY, strata="s", lonely_psu="average")
    with pytest.warns(DegenerateDataWarning):
        est = d.total("y")
    assert est.se**2 == pytest.approx((4 + 16) * 3 / 2)  # 3 strata, 2 with >= 2 PSUs


def test_certainty_stratum_by_fpc_is_never_lonely() -> None:
    # fpc = 1 PSU in stratum b: sampled with certainty, contributes 0 even with "fail".
    data = dict(LONELY, N=[10, 10, 1, 10, 10])
    est = sq.Design(data, strata="s", fpc="N").total("y")
    # weights N_h / n_h: a and c get 5; contributions scaled by (1 - 2/10) and 5²
    assert est.se**2 == pytest.approx(0.8 * 25 * (4 + 16))


def test_bad_lonely_psu_policy() -> None:
    with pytest.raises(ParameterError, match=r"lonely_psu must be one of \['fail'"):
        sq.Design(LONELY, strata="s", lonely_psu="drop")  # type: ignore[arg-type]


def test_missing_values_fail_names_the_row() -> None:
    d = sq.Design({"y": [3.0, None, 4.0]})
    with pytest.raises(ValidationError, match=r"column 'y' has a missing .* row 1: None"):
        d.mean("y")
    with pytest.raises(ValidationError, match=r"na must be one of \['fail', 'domain'\]"):
        d.mean("y", na="drop")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="non-finite value in row 0: inf"):
        sq.Design({"y": [np.inf, 1.0]}).mean("y", na="domain")


def test_missing_values_as_domain_keep_the_design() -> None:
    # R: svymean(~y, design, na.rm=TRUE): rows without y leave the estimate but not the design
    y = [1.0, np.nan, 3.0, 4.0, np.nan, 2.0]
    c = [1, 1, 2, 2, 3, 3]
    d = sq.Design({"y": y, "c": c}, clusters="c")
    est = d.mean("y", na="domain")
    assert est.value == pytest.approx(2.5)
    assert est.n == 4
    assert est.df == 2.0  # 3 clusters - 1: the cluster totals keep all three clusters
    z = np.array([(v - 2.5) / 4 if not math.isnan(v) else 0.0 for v in y])
    t = np.bincount(np.array(c) - 1, weights=z)
    assert est.se**2 == pytest.approx(3 / 2 * ((t - t.mean()) ** 2).sum(), rel=1e-12)
    total = d.total("y", na="domain")
    assert total.value == pytest.approx(10.0)
    ratio = sq.Design({"y": y, "x": [1.0] * 6}).ratio("y", "x", na="domain")
    assert ratio.value == pytest.approx(2.5)


def test_deff_formula_and_effective_n() -> None:
    # R: svymean(~y, svydesign(ids=~1, weights=~w, data), deff=TRUE):
    # deff = v / (svyvar(y) (N - n)/(N n)) with N = Σ w, svyvar the weighted variance n/(n-1)
    rng = np.random.default_rng(1)
    y = rng.integers(1, 5, 40).astype(float)
    w = rng.uniform(5, 20, 40)
    est = sq.Design({"y": y, "w": w}, weights="w").mean("y")
    big_n, n = w.sum(), 40
    mean = np.dot(w, y) / big_n
    svyvar = np.dot(w, (y - mean) ** 2) / big_n * n / (n - 1)
    vsrs = svyvar * (big_n - n) / (big_n * n)
    assert est.deff == pytest.approx(est.se**2 / vsrs, rel=1e-12)
    assert est.n_eff == pytest.approx(n / est.deff, rel=1e-12)
    # without expansion weights (Σ w = n) R's "replace" form: deff 1 under equal weights
    plain = sq.Design({"y": y}).mean("y")
    assert plain.deff == pytest.approx(1.0, rel=1e-12)


def _score_limits(p: float, n_eff: float, q: float) -> tuple[float, float]:
    """Wilson limits as roots of (p - π)² = q² π(1 - π)/n (brute force, brentq)."""

    def f(pi: float) -> float:
        return (p - pi) ** 2 - q * q * pi * (1 - pi) / n_eff

    return optimize.brentq(f, 1e-15, p), optimize.brentq(f, p, 1 - 1e-15)


def test_wilson_uses_effective_n_and_t_quantile() -> None:
    rng = np.random.default_rng(7)
    data = {
        "ok": rng.choice(["yes", "no"], 60, p=[0.7, 0.3]),
        "s": np.repeat(["a", "b", "c"], 20),
        "w": rng.uniform(1, 4, 60),
    }
    d = sq.Design(data, weights="w", strata="s")
    est = d.proportion("ok", "yes", method="wilson")
    n_eff = est.value * (1 - est.value) / est.se**2
    q = stats.t.ppf(0.975, d.df)
    low, high = _score_limits(est.value, n_eff, q)
    assert est.ci.low == pytest.approx(low, rel=1e-9)
    assert est.ci.high == pytest.approx(high, rel=1e-9)
    assert est.at_level(0.95).ci.low == pytest.approx(low, rel=1e-9)


def test_proportion_at_the_boundary_is_clopper_pearson_with_a_warning() -> None:
    d = sq.Design({"ok": ["yes"] * 12, "s": ["a"] * 6 + ["b"] * 6}, strata="s")
    for method in ("logit", "xlogit", "beta", "wilson", "mean", "asin"):
        with pytest.warns(DegenerateDataWarning, match="proportion is 0 or 1"):
            est = d.proportion("ok", "yes", method=method)  # type: ignore[arg-type]
        assert est.value == 1.0
        # Clopper-Pearson for 12/12: lower = 0.025^(1/12)
        assert est.ci.low == pytest.approx(0.025 ** (1 / 12), rel=1e-12)
        assert est.ci.high == 1.0
        assert est.ci.width > 0
    with pytest.warns(DegenerateDataWarning, match="proportion is 0 or 1"):
        none = d.proportion("ok", "no")
    assert (none.ci.low, none.ci.high) == (0.0, pytest.approx(1 - 0.025 ** (1 / 12)))


def test_no_degrees_of_freedom_gives_nan_with_a_reason() -> None:
    # one PSU per stratum: df = 2 PSUs - 2 strata = 0
    d = sq.Design(
        {"y": [1.0, 2.0, 3.0, 4.0], "c": [1, 1, 2, 2], "s": list("aabb")},
        clusters="c",
        strata="s",
        lonely_psu="certainty",
    )
    assert d.df == 0
    with pytest.warns(DegenerateDataWarning, match="0 degrees of freedom"):
        est = d.mean("y")
    assert math.isnan(est.ci.low)
    assert math.isnan(est.ci.high)
    with pytest.warns(DegenerateDataWarning, match="degrees of freedom"):
        prop = d.proportion("y", 1.0)
    assert math.isnan(prop.ci.low)


def test_proportion_errors() -> None:
    d = sq.Design({"ok": ["yes", "no", None]})
    with pytest.raises(ValidationError, match=r"column 'ok' has a missing value in row 2"):
        d.proportion("ok", "yes")
    est = d.proportion("ok", "yes", na="domain", method="mean")
    assert est.value == 0.5
    assert est.n == 2
    with pytest.raises(ParameterError, match=r"method must be one of \['logit'"):
        d.proportion("ok", "yes", method="score")  # type: ignore[arg-type]
    with pytest.raises(InsufficientDataError, match="the design has no rows with a value"):
        sq.Design({"y": [np.nan, np.nan]}).mean("y", na="domain")
    with pytest.raises(ValidationError, match="interval must be one of"):
        sq.Design({"y": [1.0, 2.0]}).mean("y", interval="z")  # type: ignore[arg-type]


def test_calibration_methods_delegate_and_leave_the_design_unchanged() -> None:
    data = {"y": [1.0, 2.0, 3.0, 4.0], "g": list("aabb"), "h": list("abab")}
    d = sq.Design(data)
    post = d.poststratify("g", {"a": 60, "b": 40})
    assert isinstance(post, sq.Design)
    assert post.weights.sum() == pytest.approx(100)
    assert d.weights.sum() == 4  # the original is unchanged
    raked = d.rake({"g": {"a": 60, "b": 40}, "h": {"a": 50, "b": 50}})
    assert raked.weights.sum() == pytest.approx(100)


def test_ratio_deff_is_deff_of_the_total_of_its_residuals() -> None:
    # R svyratio(..., deff=TRUE): deff(svytotal(r, design)) with r = (y - R x) / X̂
    rng = np.random.default_rng(5)
    y, x, w = rng.uniform(1, 9, 30), rng.uniform(1, 9, 30), rng.uniform(2, 8, 30)
    d = sq.Design({"y": y, "x": x, "w": w, "s": np.repeat([0, 1, 2], 10)}, weights="w", strata="s")
    est = d.ratio("y", "x")
    r = (y - est.value * x) / np.dot(w, x)
    total = d.with_columns({"r": r}).total("r")
    assert est.deff == pytest.approx(total.deff, rel=1e-10)
    assert est.se == pytest.approx(total.se, rel=1e-10)


def test_proportions_of_numbers_and_missing() -> None:
    d = sq.Design({"answer": [1.0, 2.0, np.nan, 2.0, 4.0]})
    with pytest.raises(ValidationError, match="row 2: nan"):
        d.proportions("answer")
    shares = d.proportions("answer", na="domain")
    assert list(shares) == ["1.0", "2.0", "4.0"]
    assert shares["2.0"].value == pytest.approx(0.5)
    assert sum(s.value for s in shares.values()) == pytest.approx(1.0)


def test_domain_estimator_repr_and_labels() -> None:
    by = sq.Design({"y": [1.0, 2.0, 3.0], "g": [2, 1, 2]}).by("g")
    assert by.labels == ["1", "2"]
    assert repr(by) == "DomainEstimator(by='g', domains=['1', '2'])"


def test_domain_estimator_repr_summarises_many_domains() -> None:
    # a million-domain estimator prints the count and the first keys, not every key
    many = sq.Design({"y": np.ones(12), "g": np.arange(12)}).by("g")
    text = repr(many)
    assert text == ("DomainEstimator(by='g', domains=['0', '1', '2', '3', '4', ...], n_domains=12)")


def test_census_proportion_is_known_exactly() -> None:
    # fpc = number of rows: every unit observed, variance 0 (R: zero-width interval too)
    d = sq.Design({"ok": ["yes", "no", "yes", "yes"], "N": [4] * 4}, fpc="N")
    for method in ("logit", "beta", "wilson", "mean"):
        est = d.proportion("ok", "yes", method=method)  # type: ignore[arg-type]
        assert est.se == 0.0
        assert (est.ci.low, est.ci.high) == (0.75, 0.75)
