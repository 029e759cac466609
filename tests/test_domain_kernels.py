"""Domain kernels (``by=``) against the dense rows × domains computation they replace.

Source of truth: the dense computation below, the previous implementation (a 0/1 domain
matrix, one influence column per domain, :func:`servqual.stats.linearized_variance` of
all columns; replicate totals by dense products ``Wᵀ [D y, D x]``), obvious and
rows × domains in memory. The per (stratum, PSU, domain)
kernels must give the same values, standard errors and design effects to 1e-12 on small
random designs: strata, clusters, unequal weights, fpc, every lonely-PSU policy, missing
values (``na="domain"``), post-stratified and raked designs, and replicate weights.
Several ``by`` columns must give exactly what one combined column gives.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import servqual as sq
import servqual.stats.domain_variance as domain_variance
from servqual.errors import (
    DegenerateDataWarning,
    InsufficientDataError,
    ParameterError,
    ServqualTypeError,
    ValidationError,
)
from servqual.stats import DesignArrays, linearized_variance, srs_variance
from servqual.stats.domain_variance import domain_variances
from servqual.stats.replicate_variance import replicate_variance

REL = 1e-12

# --- the dense computation (the previous implementation), the slow reference --------
FloatArray = npt.NDArray[np.float64]


def domain_matrix(labels: Any, present: Any = None) -> tuple[list[Any], FloatArray]:
    """Sorted domain labels and the (n × G) 0/1 matrix of rows with a value."""
    values = np.asarray(labels)
    uniq = sorted(set(values.tolist()))
    d = (values[:, None] == np.array(uniq, dtype=values.dtype)[None, :]).astype(np.float64)
    if present is not None:
        d *= np.asarray(present, dtype=np.float64)[:, None]
    return uniq, d


def dense_kernel(
    kind: Literal["mean", "total", "ratio"],
    weights: FloatArray,
    d: FloatArray,
    y: FloatArray,
    x: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Domain values and the (n × G) influence values of a mean, total or ratio."""
    ty = (weights * y) @ d
    if kind == "total":
        return ty, d * y[:, None]
    den = np.ones_like(y) if kind == "mean" else x
    assert den is not None
    tx = (weights * den) @ d
    value = ty / tx
    return value, d * (y[:, None] - value[None, :] * den[:, None]) / tx[None, :]


def dense_linearized(
    kind: Literal["mean", "total", "ratio"],
    arrays: DesignArrays,
    d: FloatArray,
    y: FloatArray,
    x: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Values, variances, SRS variances (the design effect's denominator) per domain,
    and the uncentred second moment ``Σ (w z)²`` (the scale of the rounding error).
    """
    value, z = dense_kernel(kind, arrays.weights, d, y, x)
    var = linearized_variance(z, arrays)
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = srs_variance(z, arrays.weights[:, None] * d)
    wz = arrays.weights[:, None] * z
    return value, var, vsrs, np.einsum("ij,ij->j", wz, wz)


def dense_replicate(
    kind: Literal["mean", "total", "ratio"],
    weights: FloatArray,
    replicates: FloatArray,
    d: FloatArray,
    y: FloatArray,
    x: FloatArray | None,
    *,
    scale: float,
    rscales: FloatArray,
    mse: bool,
) -> tuple[FloatArray, FloatArray]:
    """Values and replicate variances per domain, by dense products ``Wᵀ [D y, D x]``."""
    if kind == "total":
        block = d * y[:, None]
        full, reps = weights @ block, replicates.T @ block
    else:
        den = d if kind == "mean" else d * np.asarray(x)[:, None]
        num = d * y[:, None]
        full = (weights @ num) / (weights @ den)
        with np.errstate(divide="ignore", invalid="ignore"):
            reps = (replicates.T @ num) / (replicates.T @ den)
    var = replicate_variance(full, reps, scale=scale, rscales=rscales, mse=mse)
    return full, var


# --- the properties ------------------------------------------------------------------


def _close_var(se: float, var: float, moment: float) -> None:
    """``se²`` equals the dense variance to 1e-12, relative to it or to the second moment
    ``Σ (w z)²`` from which it is computed (its rounding error, when the variance is ~0).
    """
    if math.isnan(var):
        assert math.isnan(se)
        return
    # a domain with a constant y has z of pure rounding noise (~1e-16), so its moment is
    # itself ~1e-31: 1e-24 is the floor below which a variance is zero for these data
    assert se * se == pytest.approx(max(var, 0.0), rel=REL, abs=max(REL * moment, 1e-24))


@st.composite
def designs(draw: st.DrawFn) -> dict[str, Any]:
    """A small random design: data, design arguments and an optional calibration."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(8, 80))
    n_strata = draw(st.integers(1, 3))
    data: dict[str, Any] = {
        "y": rng.integers(1, 6, n).astype(np.float64),
        "x": rng.uniform(1.0, 3.0, n),
        "s": rng.integers(0, n_strata, n),
        "c": rng.integers(0, draw(st.integers(1, 6)), n),
        "w": rng.uniform(0.5, 4.0, n),
        "g": rng.choice(list("ABCDE")[: draw(st.integers(1, 5))], n),
        "post": rng.permutation(np.arange(n) % 2),  # both categories always sampled
        "gender": rng.permutation((np.arange(n) // 3) % 2),
    }
    if draw(st.booleans()):  # missing values: na="domain" puts those rows outside
        data["y"][rng.random(n) < 0.15] = np.nan
    data["N"] = np.full(n, 400.0)
    kind = draw(st.sampled_from(["plain", "strata", "clusters", "fpc", "poststratify", "rake"]))
    return {"data": data, "kind": kind, "lonely": draw(st.sampled_from(LONELY))}


LONELY = ["adjust", "adjust_zero", "remove", "certainty", "average"]


def _design(case: dict[str, Any]) -> sq.Design:
    data, kind = case["data"], case["kind"]
    args: dict[str, Any] = {"weights": "w", "lonely_psu": case["lonely"]}
    if kind != "plain":
        args["strata"] = "s"
    if kind in ("clusters", "fpc", "rake"):
        args["clusters"] = "c"
    if kind == "fpc":
        args["fpc"] = "N"
    design = sq.Design(data, **args)
    if kind == "poststratify":
        return design.poststratify("post", {0: 150.0, 1: 90.0})
    if kind == "rake":
        margins = {"post": {0: 150.0, 1: 90.0}, "gender": {0: 100.0, 1: 140.0}}
        try:
            return design.rake(margins, max_iter=500, tol=1e-9)
        except sq.errors.ConvergenceError:
            assume(False)  # a tiny sample that IPF cannot fit to these margins
    return design


def _compare_linear(design: sq.Design, kind: str, cols: tuple[str, ...]) -> None:
    y = design.column(cols[0])
    present = ~np.isnan(y)
    if kind == "ratio":
        present &= ~np.isnan(design.column(cols[1]))
    labels, d = domain_matrix(design.column("g"), present)
    if np.any(d.sum(axis=0) == 0):
        return  # a domain with no value: both raise (tested elsewhere)
    x = None if kind != "ratio" else np.nan_to_num(design.column(cols[1]))
    value, var, vsrs, moment = dense_linearized(kind, design.arrays, d, np.nan_to_num(y), x)  # type: ignore[arg-type]
    by = design.by("g")
    est = {"mean": by.mean, "total": by.total}.get(kind)
    fast = est(cols[0], na="domain") if est else by.ratio(*cols, na="domain")
    for j, label in enumerate(labels):
        e = fast[str(label)]
        assert e.value == pytest.approx(value[j], rel=REL)
        assert e.n == int(d[:, j].sum())
        if e.n < 2 and len(labels) > 1:
            assert math.isnan(e.se)  # one row: no SE (said by a warning)
            continue
        _close_var(e.se, var[j], moment[j])
        if e.deff is not None:
            assert e.deff == pytest.approx(var[j] / vsrs[j], rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(case=designs(), kind=st.sampled_from(["mean", "total", "ratio"]))
def test_domain_estimators_equal_the_dense_computation(case: dict[str, Any], kind: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # lonely PSUs, one-row domains
        design = _design(case)
        cols = ("y", "x") if kind == "ratio" else ("y",)
        _compare_linear(design, kind, cols)


@settings(max_examples=40, deadline=None)
@given(case=designs())
def test_domain_proportions_equal_the_dense_computation(case: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        design = _design(case)
        labels, d = domain_matrix(design.column("g"))
        hit = (design.column("post") == 1).astype(np.float64)
        value, var, _, moment = dense_linearized("mean", design.arrays, d, hit)
        fast = design.by("g").proportion("post", 1, method="mean")
        for j, label in enumerate(labels):
            assert fast[str(label)].value == pytest.approx(value[j], rel=REL)
            _close_var(fast[str(label)].se, var[j], moment[j])


@settings(max_examples=40, deadline=None)
@given(case=designs())
def test_domain_difference_equals_the_dense_influence_difference(case: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        design = _design(case)
        labels, d = domain_matrix(design.column("g"))
        if len(labels) < 2:
            return
        if np.count_nonzero(d[:, :2], axis=0).min() < 2:
            # one respondent has no estimable variance: refused (tests/regressions)
            with pytest.raises(InsufficientDataError, match="at least 2 in each group"):
                design.by("g").difference("x", labels[0], labels[1])
            return
        _, z = dense_kernel("mean", design.arrays.weights, d, design.column("x"))
        slow = float(linearized_variance(z[:, 0] - z[:, 1], design.arrays)[0])
        c = design.by("g").difference("x", labels[0], labels[1])
        moment = float(np.sum((design.arrays.weights * (z[:, 0] - z[:, 1])) ** 2))
        _close_var(c.difference.se, slow, moment)


@st.composite
def replicate_designs(draw: st.DrawFn) -> dict[str, Any]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(6, 60))
    n_rep = draw(st.integers(2, 12))
    data: dict[str, Any] = {
        "y": rng.integers(1, 6, n).astype(np.float64),
        "x": rng.uniform(1.0, 3.0, n),
        "w": rng.uniform(0.5, 4.0, n),
        "g": rng.choice(list("ABCD")[: draw(st.integers(1, 4))], n),
    }
    reps = rng.uniform(0.0, 8.0, (n, n_rep)) * (rng.random((n, n_rep)) > 0.1)
    for r in range(n_rep):
        data[f"r{r}"] = reps[:, r]
    return {
        "data": data,
        "type": draw(st.sampled_from(["bootstrap", "JK1"])),
        "mse": draw(st.booleans()),
        "n_rep": n_rep,
    }


@settings(max_examples=50, deadline=None)
@given(case=replicate_designs(), kind=st.sampled_from(["mean", "total", "ratio"]))
def test_replicate_domains_equal_the_dense_products(case: dict[str, Any], kind: str) -> None:
    names = [f"r{r}" for r in range(case["n_rep"])]
    data = case["data"]
    design = sq.ReplicateDesign(
        data, weights="w", replicate_weights=names, type=case["type"], mse=case["mse"]
    )
    labels, d = domain_matrix(data["g"])
    x = data["x"] if kind == "ratio" else None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", DegenerateDataWarning)  # replicates without weight
        try:
            value, var = dense_replicate(
                kind,  # type: ignore[arg-type]
                design.weights,
                design.replicate_weights,
                d,
                data["y"],
                x,
                scale=design.scale,
                rscales=design.rscales,
                mse=design.mse,
            )
        except sq.errors.InsufficientDataError:
            return  # a domain whose every replicate is empty: both refuse
        by = design.by("g")
        fast = by.ratio("y", "x") if kind == "ratio" else getattr(by, kind)("y")
    for j, label in enumerate(labels):
        assert fast[str(label)].value == pytest.approx(value[j], rel=REL)
        # a replicate variance is a sum of squared differences of replicate estimates
        # summed in another order by the two paths: ~1e-12 relative rounding is observed
        # (1.1e-12 at worst in a long random search), so allow a few ulps more than REL
        se = fast[str(label)].se
        if math.isnan(var[j]):
            assert math.isnan(se)
        else:
            assert se * se == pytest.approx(
                max(var[j], 0.0), rel=4 * REL, abs=max(4 * REL * float(np.nanmax(var)), 1e-24)
            )


@settings(max_examples=30, deadline=None)
@given(case=designs())
def test_several_by_columns_equal_one_combined_column(case: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        design = _design(case)
        combined = np.array(
            [f"{g}|{p}" for g, p in zip(design.column("g"), design.column("post"), strict=True)]
        )
        wide = design.with_columns({"gp": combined})
        two = wide.by(["g", "post"]).mean("x")
        one = wide.by("gp").mean("x")
    assert len(two) == len(one)
    for (g, p), est in two.items():
        # the same numbers, bit for bit (JSON, so that a NaN interval compares equal)
        assert est.model_dump_json() == one[f"{g}|{p}"].model_dump_json()


def test_several_by_columns_on_a_replicate_design() -> None:
    jk = {f"r{i}": [0.0 if j == i else 8 / 7 for j in range(8)] for i in range(8)}
    data = {
        "y": [3.0, 4, 2, 4, 3, 3, 4, 2],
        "a": list("AABBAABB"),
        "b": list("xyxyxyxy"),
        "w": [1.0] * 8,
        **jk,
    }
    data["ab"] = [f"{a}{b}" for a, b in zip(data["a"], data["b"], strict=True)]
    d = sq.ReplicateDesign(data, weights="w", replicate_weights=list(jk), type="JK1")
    two = d.by(["a", "b"]).mean("y")
    one = d.by("ab").mean("y")
    assert {a + b: v for (a, b), v in two.items()} == one


def test_a_million_domains_in_rows_plus_domains_memory() -> None:
    # 1,000,000 domains on 1,500,000 rows: the dense path would need 1.5e12 cells.
    rng = np.random.default_rng(3)
    n, groups = 1_500_000, 1_000_000
    g = rng.integers(0, groups, n)
    z = rng.normal(size=n)
    arrays = DesignArrays(np.ones(n), np.zeros(n, dtype=np.intp), (None,), np.array([np.inf]))
    var = domain_variances(z, g, groups, arrays)
    # unclustered, unstratified: V_g = n/(n-1) (Σ_g z² - (Σ_g z)²/n), by explicit sums
    s1 = np.bincount(g, weights=z, minlength=groups)
    s2 = np.bincount(g, weights=z * z, minlength=groups)
    np.testing.assert_allclose(var, n / (n - 1) * (s2 - s1 * s1 / n), rtol=1e-12, atol=1e-300)


@settings(max_examples=20, deadline=None)
@given(case=designs())
def test_sparse_cells_equal_the_dense_cells(case: dict[str, Any]) -> None:
    # Force the numpy.unique path of cell_sums (used when cells outnumber rows).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)
        design = _design({**case, "kind": "clusters"})
        arrays = design.arrays
        g = np.unique(design.column("g"), return_inverse=True)[1].reshape(-1)
        z = design.column("x")
        dense = domain_variances(z, g, int(g.max()) + 1, arrays)
        old = domain_variance._DENSE_CELLS
        domain_variance._DENSE_CELLS = 0
        try:
            sparse = domain_variances(z, g, int(g.max()) + 1, arrays)
        finally:
            domain_variance._DENSE_CELLS = old
    np.testing.assert_allclose(sparse, dense, rtol=1e-12, atol=1e-300)


def test_calibrated_domains_in_blocks_equal_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    n = 60
    data = {"x": rng.uniform(1, 3, n), "g": rng.integers(0, 7, n), "post": rng.integers(0, 2, n)}
    design = sq.Design(data).poststratify("post", {0: 100.0, 1: 50.0})
    whole = design.by("g").mean("x")
    monkeypatch.setattr(domain_variance, "_BLOCK_VALUES", 2 * n)  # two domains a block
    blocks = design.by("g").mean("x")
    for key, est in whole.items():
        assert blocks[key].se == pytest.approx(est.se, rel=1e-13)


def test_by_arguments_are_checked() -> None:
    d = sq.Design({"y": [1.0, 2.0, 3.0, 4.0], "a": list("xxyy"), "b": [1, 1, 2, 2]})
    with pytest.raises(ParameterError, match="by is an empty list"):
        d.by([])
    with pytest.raises(ServqualTypeError, match=r"by must name columns \(str\); got 3"):
        d.by(["a", 3])  # type: ignore[list-item]
    with pytest.raises(ParameterError, match=r"by names a column twice: \['a', 'a'\]"):
        d.by(["a", "a"])
    with pytest.raises(ServqualTypeError, match="by must be a column name"):
        d.by(7)  # type: ignore[call-overload]
    with pytest.raises(ValidationError, match="column 'zz' is not in the data"):
        d.by(["a", "zz"])
    mixed = np.array([1, "1"], dtype=object)
    with pytest.raises(ValidationError, match="domain column 'a' mixes values of types that"):
        sq.Design({"y": [1.0, 2.0], "a": mixed}).by("a")
    with pytest.raises(ValidationError, match=r"\('x', 9\) is not a domain of 'a, b'"):
        d.by(["a", "b"]).difference("y", ("x", 1), ("x", 9))
    c = d.by(["a", "b"]).difference("y", ("y", 2), ("x", 1))
    assert c.difference.value == pytest.approx(2.0)


@settings(max_examples=30, deadline=None)
@given(case=replicate_designs())
def test_replicate_difference_is_the_replicate_variance_of_differences(
    case: dict[str, Any],
) -> None:
    names = [f"r{r}" for r in range(case["n_rep"])]
    data = case["data"]
    design = sq.ReplicateDesign(
        data, weights="w", replicate_weights=names, type=case["type"], mse=case["mse"]
    )
    labels, d = domain_matrix(data["g"])
    assume(len(labels) >= 2)
    assume(np.count_nonzero(d[:, :2], axis=0).min() >= 2)  # one respondent: refused
    num = d * data["y"][:, None]
    with np.errstate(all="ignore"):
        full = (design.weights @ num) / (design.weights @ d)
        reps = (design.replicate_weights.T @ num) / (design.replicate_weights.T @ d)
    assume(np.isfinite(reps[:, :2]).all())
    diff = reps[:, [0]] - reps[:, [1]]
    slow = replicate_variance(
        full[:1] - full[1:2], diff, scale=design.scale, rscales=design.rscales, mse=design.mse
    )[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateDataWarning)  # other domains' empty replicates
        c = design.by("g").difference("y", labels[0], labels[1])
    assert c.method == "replicate"
    assert c.difference.value == pytest.approx(full[0] - full[1], rel=REL, abs=1e-12)
    _close_var(c.difference.se, slow, float(np.max(reps[:, :2] ** 2)))
