"""Bad input to the R-parity estimators: servqual.errors exceptions naming field, row, value."""

from __future__ import annotations

import math

import numpy as np
import pytest

import servqual as sq
from servqual.errors import InsufficientDataError, ParameterError, ValidationError

DATA = {
    "days": [3.0, 5.0, float("nan"), 8.0, 6.0, 5.0],
    "desk": ["A", "A", "B", "B", "C", "C"],
    "sex": ["F", "M", "F", "M", "F", None],
    "ok": ["y", "n", "y", "y", "n", "y"],
}


@pytest.fixture
def design() -> sq.Design:
    return sq.Design(DATA)


def test_quantile_arguments(design: sq.Design) -> None:
    with pytest.raises(ValidationError, match=r"column 'days' has a missing value in row 2: nan"):
        design.quantile("days", 0.5)
    with pytest.raises(ParameterError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        design.quantile("days", 1.5, na="domain")
    with pytest.raises(
        ParameterError,
        match=r"rule must be one of \['math', 'school', 'hf7', 'shahvaish'\], got 'hf9'",
    ):
        design.quantile("days", 0.5, rule="hf9", na="domain")  # type: ignore[arg-type]
    with pytest.raises(
        ParameterError, match=r"method must be one of \['mean', 'beta', 'xlogit', 'asin'\]"
    ):
        design.quantile("days", 0.5, method="score", na="domain")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"column 'desk' is not numeric"):
        design.quantile("desk", 0.5)


def test_quantile_na_domain_uses_the_rows_with_a_value(design: sq.Design) -> None:
    # R: svyquantile(~days, d, 0.5, na.rm=TRUE): the median of 3, 5, 8, 6, 5 is 5
    est = design.quantile("days", 0.5, na="domain")
    assert est.value == 5.0
    assert est.n == 5
    assert est.df == 4.0


def test_quantile_interval_cannot_be_recomputed_without_data(design: sq.Design) -> None:
    est = design.quantile("days", 0.5, na="domain")
    with pytest.raises(
        ParameterError, match=r"'woodruff-mean' cannot be recomputed without the data"
    ):
        est.at_level(0.9)


def test_ttest_needs_two_groups(design: sq.Design) -> None:
    with pytest.raises(
        ValidationError,
        match=r"group column 'desk' must have exactly two groups .* it has 3: \['A', 'B', 'C'\]",
    ):
        design.ttest("days", "desk", na="domain")
    with pytest.raises(ValidationError, match=r"column 'sex' has a missing value in row 5: None"):
        sq.Design({"y": [1.0, 2, 3, 4, 5, 6], "sex": DATA["sex"]}).ttest("y", "sex")


def test_chisq_arguments(design: sq.Design) -> None:
    with pytest.raises(
        ParameterError,
        match=r"statistic must be one of \['F', 'Chisq', 'Wald', 'adjWald'\], got 'lincom'",
    ):
        design.chisq("ok", "sex", statistic="lincom")  # type: ignore[arg-type]
    one = sq.Design({"a": ["x"] * 4, "b": ["u", "v", "u", "v"]})
    with pytest.raises(
        ValidationError, match=r"column 'a' needs at least two categories; it has 1"
    ):
        one.chisq("a", "b")
    with pytest.raises(ValidationError, match=r"column 'sex' has a missing value in row 5"):
        design.chisq("ok", "sex", na="fail")


def test_contrast_arguments(design: sq.Design) -> None:
    with pytest.raises(ParameterError, match=r"coefficients must be a non-empty mapping"):
        design.contrast({})
    with pytest.raises(
        ParameterError, match=r"coefficient of 'days' must be a finite number, got nan"
    ):
        design.contrast({"days": math.nan})
    with pytest.raises(ParameterError, match=r"with by=, name the estimated column with column="):
        design.contrast({"A": 1}, by="desk")
    with pytest.raises(
        ValidationError, match=r"'D' is not a domain of 'desk'; domains: \['A', 'B', 'C'\]"
    ):
        design.contrast({"A": 1, "D": -1}, column="days", by="desk", na="domain")
    with pytest.raises(ValidationError, match=r"column 'nope' is not in the data"):
        design.contrast({"nope": 1})


def test_variance_needs_two_rows() -> None:
    with pytest.raises(InsufficientDataError, match=r"the design has 1 rows of positive weight"):
        sq.Design({"y": [1.0]}).variance("y")


def test_contrast_with_weights_is_the_weighted_combination() -> None:
    # two columns, equal weights: mean(a) - mean(b) and its SE from the paired differences
    a = np.array([3.0, 4.0, 2.0, 5.0])
    b = np.array([2.0, 4.0, 1.0, 3.0])
    d = sq.Design({"a": a, "b": b})
    est = d.contrast({"a": 1, "b": -1})
    diff = a - b
    assert est.value == pytest.approx(diff.mean())
    assert est.se == pytest.approx(diff.std(ddof=1) / 2.0)
