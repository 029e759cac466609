"""Regression tests: crashes that must be named errors (issue 9, item 3).

Each input here used to raise a bare ``TypeError``, ``KeyError``, ``LookupError``,
``OverflowError``, ``ZeroDivisionError``, ``FileNotFoundError`` or ``MemoryError``; now a
``servqual.errors`` exception names the field, the row or item, and the value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import servqual as sq
from servqual.errors import (
    DataFormatError,
    DesignError,
    ParameterError,
    ScaleError,
    ServqualTypeError,
    ValidationError,
)

FRAME = pd.DataFrame(
    {
        "y": [1.0, 2, 3, 4, 5, 6],
        "s": ["a", "a", None, "b", "b", "b"],
        "m": ["a", 1, "a", 2, "b", "b"],
        "c": [1, 1, 2, 2, 3, float("nan")],
    }
)


# --- one policy for missing or mixed labels in by / strata / cluster columns ------------


def test_missing_stratum_is_an_error_naming_the_row_and_how_to_recode() -> None:
    with pytest.raises(DesignError, match=r"strata is missing in row 2: nan; recode"):
        sq.Design(FRAME, strata="s")


def test_missing_cluster_is_an_error_naming_the_row() -> None:
    with pytest.raises(DesignError, match=r"clusters is missing in row 5: nan"):
        sq.Design(FRAME, clusters="c")


def test_missing_labels_are_counted_and_the_first_rows_listed() -> None:
    values = np.array(["a", None, None, "b", None, None, None, None, None], dtype=object)
    with pytest.raises(
        DesignError, match=r"row 1, row 2, row 4, row 5, row 6 and 2 more: None \(7 rows in all\)"
    ):
        sq.Design({"y": np.arange(9.0), "g": values}, strata="g")


def test_missing_by_label_is_the_same_error_for_design_and_indices() -> None:
    with pytest.raises(DesignError, match=r"domain column 's' is missing in row 2.*recode"):
        sq.Design(FRAME).by("s").mean("y")
    r = sq.Responses.from_frame(
        {"satisfaction": [1, 2, 3, 4, 5, 5], "s": FRAME["s"]}, sq.instruments.CSAT
    )
    with pytest.raises(DesignError, match=r"by column 's' is missing in row 2.*recode"):
        sq.csat(r, by="s")
    with pytest.raises(DesignError, match=r"by column 's' is missing in row 2"):
        sq.ces(
            sq.Responses.from_frame(
                {"effort": [1, 2, 3, 4, 5, 5], "s": FRAME["s"]}, sq.instruments.CES
            ),
            by="s",
        )


def test_several_by_columns_follow_the_same_policy() -> None:
    # each column of by=[...] is coded by the one grouping-column policy
    frame = {**FRAME, "k": ["x"] * 6}
    with pytest.raises(DesignError, match=r"domain column 's' is missing in row 2.*recode"):
        sq.Design(frame).by(["k", "s"]).mean("y")
    with pytest.raises(DesignError, match=r"domain column 'm' mixes"):
        sq.Design(frame).by(["k", "m"]).mean("y")
    r = sq.Responses.from_frame(
        {"satisfaction": [1, 2, 3, 4, 5, 5], "k": frame["k"], "s": FRAME["s"]},
        sq.instruments.CSAT,
    )
    with pytest.raises(DesignError, match=r"by column 's' is missing in row 2.*recode"):
        sq.csat(r, by=["k", "s"])


def test_mixed_types_in_strata_are_an_error_naming_both_values() -> None:
    with pytest.raises(DesignError, match=r"strata mixes .*'a' \(str\) in row 0 and 1 \(int\)"):
        sq.Design(FRAME, strata="m")


def test_mixed_types_in_by_are_an_error_for_every_estimator() -> None:
    d = sq.Design(FRAME)
    with pytest.raises(DesignError, match=r"domain column 'm' mixes"):
        d.by("m").mean("y")
    with pytest.raises(DesignError, match=r"column 'm' mixes"):
        d.proportions("m")
    r = sq.Responses.from_frame(
        {"satisfaction": [1, 2, 3, 4, 5, 5], "m": FRAME["m"]}, sq.instruments.CSAT
    )
    with pytest.raises(DesignError, match=r"by column 'm' mixes"):
        sq.csat(r, by="m")


# --- wrong argument types --------------------------------------------------------------


# a list of names is several columns (one estimate each), so only None and a mapping here
@pytest.mark.parametrize("bad", [None, {"y": 1}])
def test_a_column_key_that_is_not_one_name_is_a_type_error(bad: object) -> None:
    with pytest.raises(ServqualTypeError, match="column must name one column"):
        sq.Design(FRAME).mean(bad)  # type: ignore[arg-type]


def test_a_design_field_given_a_list_is_a_type_error() -> None:
    with pytest.raises(ServqualTypeError, match=r"weights must name one column .*\['y'\]"):
        sq.Design(FRAME, weights=["y"])  # type: ignore[arg-type]
    # a list of names is several by columns; a mapping is not a column name
    with pytest.raises(ServqualTypeError, match="by must be a column name"):
        sq.Design(FRAME).by({"s": 1})  # type: ignore[call-overload]


# --- huge integers and extreme margins in the sample-size formulas -----------------------


def test_a_huge_population_is_refused_by_name() -> None:
    with pytest.raises(ParameterError, match=r"population must be at most 2\*\*53"):
        sq.sample_size.krejcie_morgan(10**20)
    with pytest.raises(ParameterError, match=r"population must be at most 2\*\*53"):
        sq.sample_size.slovin(10**400, 0.05)


@pytest.mark.parametrize("margin", [1e-300, 1e-200])
def test_an_extreme_margin_is_a_parameter_error(margin: float) -> None:
    with pytest.raises(ParameterError, match=r"too extreme|too small"):
        sq.sample_size.for_proportion(margin)
    with pytest.raises(ParameterError, match=r"too extreme|too small"):
        sq.sample_size.for_proportion(margin, population=10**6)


def test_a_mean_size_that_overflows_is_a_parameter_error() -> None:
    with pytest.raises(ParameterError, match="the sample size is inf"):
        sq.sample_size.for_mean(1e300, 1e-300)


def test_an_ordinary_margin_is_unchanged() -> None:
    # Cochran (1977): z = 1.96, p = 0.5, e = 0.05 → n0 = 384.16 → 385
    assert int(sq.sample_size.for_proportion(0.05)) == 385


# --- read_csv --------------------------------------------------------------------------

INST = sq.Instrument(
    id="t",
    name="two items",
    scale=sq.Scale(min=1, max=4),
    items=[sq.Item(id="U1", text="a"), sq.Item(id="U2", text="b")],
)


@pytest.fixture
def small_csv(tmp_path: Path) -> Path:
    path = tmp_path / "answers.csv"
    path.write_text("U1,U2\n1,2\n3,4\n", encoding="utf-8")
    return path


def test_read_csv_unknown_encoding(small_csv: Path) -> None:
    with pytest.raises(ParameterError, match=r"unknown encoding 'nope'"):
        sq.read_csv(small_csv, INST, encoding="nope")


def test_read_csv_encoding_that_is_not_text(small_csv: Path) -> None:
    with pytest.raises(DataFormatError, match=r"cannot be decoded as rot13"):
        sq.read_csv(small_csv, INST, encoding="rot13")


@pytest.mark.parametrize("bad", ["ab", "", 5])
def test_read_csv_bad_delimiter(small_csv: Path, bad: object) -> None:
    with pytest.raises(ParameterError, match="delimiter must be one character"):
        sq.read_csv(small_csv, INST, delimiter=bad)  # type: ignore[arg-type]


def test_read_csv_quote_as_delimiter(small_csv: Path) -> None:
    with pytest.raises(ParameterError, match="delimiter cannot be a quote"):
        sq.read_csv(small_csv, INST, delimiter='"')


def test_read_csv_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"cannot read .*nothing\.csv: No such file"):
        sq.read_csv(tmp_path / "nothing.csv", INST)


def test_read_csv_directory(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="cannot read"):
        sq.read_csv(tmp_path, INST)


def test_read_csv_field_over_the_csv_limit(tmp_path: Path) -> None:
    # before: a bare csv.Error; the chunked reader has no field limit and keeps the cell
    path = tmp_path / "big.csv"
    path.write_text("U1,U2,note\n1,2," + "x" * 200_000 + "\n", encoding="utf-8")
    r = sq.read_csv(path, INST)
    assert r.attribute("note").tolist() == ["x" * 200_000]


def test_read_csv_path_of_the_wrong_type() -> None:
    with pytest.raises(ServqualTypeError, match="path must be a file path, got 3"):
        sq.read_csv(3, INST)  # type: ignore[arg-type]


# --- one column in two roles ------------------------------------------------------------

ANSWERS = {"satisfaction": [1, 2, 3, 4, 5, 5], "id": list("abcdef"), "w": [1, 2, 1, 2, 1, 2]}


@pytest.mark.parametrize("field", ["strata", "clusters"])
def test_one_column_as_id_and_design_column_is_refused(field: str) -> None:
    # before: KeyError 'id'
    with pytest.raises(DesignError, match=rf"{field} column 'id' is also the respondent id"):
        sq.Responses.from_frame(ANSWERS, sq.instruments.CSAT, id_column="id", **{field: "id"})


def test_one_column_as_id_and_strata_in_a_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("satisfaction,id\n1,a\n2,b\n3,c\n", encoding="utf-8")
    with pytest.raises(DesignError, match="strata column 'id' is also the respondent id"):
        sq.read_csv(path, sq.instruments.CSAT, strata="id", id_column="id")


def test_one_column_as_strata_and_clusters_is_refused() -> None:
    # before: silently a design with 0 degrees of freedom
    with pytest.raises(DesignError, match="strata and clusters both name column 'w'"):
        sq.Design(ANSWERS, strata="w", clusters="w")


# --- huge Python integers and negative seeds -----------------------------------------------


def test_huge_integers_are_named_errors() -> None:
    huge = 10**400
    with pytest.raises(ValidationError, match="column 'y' holds an integer beyond float64"):
        sq.Design({"y": [huge, 1]}).mean("y")
    with pytest.raises(DesignError, match="weights must be numeric and within float64"):
        sq.Design({"y": [1, 1], "w": [huge, 1]}, weights="w")
    with pytest.raises(ValidationError, match="values holds an integer beyond float64"):
        sq.mean_ci([huge, 1])
    with pytest.raises(ParameterError, match="successes is beyond float64's range"):
        sq.proportion_ci(huge, huge * 10)
    with pytest.raises(ParameterError, match=r"level must be in \(0, 1\)"):
        sq.mean_ci([1, 2, 3], level=huge)
    with pytest.raises(ScaleError, match="answer to item 'U1' in row 0"):
        sq.Responses.from_arrays([[huge] * 9], sq.instruments.SKM_2017)
    with pytest.raises(ScaleError, match="NPS answer in row 0"):
        sq.nps([huge, 1])
    with pytest.raises(ParameterError, match=r"frame size must be at most 2\*\*62"):
        sq.sampling.simple_random(huge, 5, seed=1)


def test_negative_seeds_are_parameter_errors() -> None:
    # before: numpy's ValueError "expected non-negative integer"
    r = sq.Responses.from_arrays(np.ones((5, 9)), sq.instruments.SKM_2017)
    with pytest.raises(ParameterError, match="seed must be non-negative, got -1"):
        sq.skm_index(r, method="bootstrap", seed=-1)
    with pytest.raises(ParameterError, match="seed must be non-negative, got -1"):
        sq.nps(list(range(11)) * 3, method="bootstrap", seed=-1)
    with pytest.raises(ParameterError, match="seed must be non-negative, got -1"):
        sq.sampling.simple_random(100, 5, seed=-1)


def test_for_difference_with_extreme_arguments_is_a_parameter_error() -> None:
    # found by the fuzz suite: scipy's root finder raised a bare ValueError
    with pytest.raises(ParameterError, match="too extreme for float64"):
        sq.sample_size.for_difference(3.0, 3.5, sd=5.9e307, level=0.5)


def test_every_kth_interval_beyond_2_to_the_53_is_refused() -> None:
    # found by the fuzz suite: OverflowError drawing the start
    with pytest.raises(ParameterError, match=r"k must be at most 2\*\*53"):
        sq.sampling.every_kth(10**400, seed=0)


# --- wrong argument types to the indices and helpers ---------------------------------------


def test_indices_refuse_what_is_not_responses() -> None:
    # before: AttributeError ('list' object has no attribute 'instrument')
    with pytest.raises(ServqualTypeError, match=r"performance must be a servqual\.Responses"):
        sq.csi([[1]], [[1]])  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match=r"performance must be a servqual\.Responses"):
        sq.ipa(None, None)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match=r"perceptions must be a servqual\.Responses"):
        sq.servqual_gaps(None, None)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match=r"perceptions must be a servqual\.Responses"):
        sq.servperf([[1, 2]])  # type: ignore[arg-type]


def test_helpers_refuse_arguments_of_the_wrong_type() -> None:
    with pytest.raises(ServqualTypeError, match="first must be an Estimate, got NoneType"):
        sq.compare(None, None)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match=r"scale must be a Scale or a \(min, max\) pair"):
        sq.rescale_0_100(3, None)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match="columns must map column names to arrays"):
        sq.Design({"y": [1, 2]}).with_columns(None)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match="records must be an iterable"):
        sq.Responses.from_records(None, sq.instruments.CSAT)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match="items must map item ids to column names"):
        sq.Responses.from_frame(
            {"satisfaction": [1, 2]},
            sq.instruments.CSAT,
            items=["x"],  # type: ignore[arg-type]
        )


def test_huge_counts_in_newcombe_and_pps_sizes_are_named_errors() -> None:
    with pytest.raises(ParameterError, match=r"n1 must be at most 2\*\*53"):
        sq.newcombe_difference(10**400, 10**401, 1, 2)
    with pytest.raises(ParameterError, match="sizes must be numbers within float64's range"):
        sq.sampling.pps(3, 2, sizes=[1, 10**400, 2], seed=1)
    with pytest.raises(ParameterError, match=r"population must be at most 2\*\*53 .*1000"):
        sq.sample_size.krejcie_morgan(10**400)


def test_wrong_types_found_by_the_fuzz_suite() -> None:
    # each was a bare TypeError, ValueError, AttributeError or OverflowError
    # a name (str) is a built-in instrument (instruments.resolve); other types are refused
    with pytest.raises(ServqualTypeError, match=r"instrument must be an Instrument or the name"):
        sq.Responses.from_arrays([[1]], {})  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match=r"instrument must be an Instrument or the name"):
        sq.read_csv("answers.csv", 2017)  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match="must map names to columns"):
        sq.sampling.simple_random({"y": None}, 2, seed=1)
    with pytest.raises(ServqualTypeError, match="must map names to columns"):
        sq.sampling.simple_random(3, 2, seed=1).take({"y": None})
    with pytest.raises(DataFormatError, match="strata must be one value per unit"):
        sq.sampling.stratified(4, 2, strata=[[1, 2], [3]], seed=1)
    with pytest.raises(ValidationError, match="values must be one-dimensional"):
        sq.mean_ci([[1, 2], [3]])
    with pytest.raises(ParameterError, match="percent must be a CSI in 0–100"):
        sq.csi_band(10**400)
    with pytest.raises(ParameterError, match="value must be a finite number"):
        sq.rescale_0_100(float("nan"), (1, 5))
    with pytest.raises(ParameterError, match="value must be a finite number"):
        sq.rescale_0_100(10**400, (1, 5))
