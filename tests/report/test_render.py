"""Report model and renderers: content, rounding only at render time, languages, JSON round trip.

Numbers shown are checked against the unrounded values of the SKMResult they come from
(and, for the 10-applicant survey, against explicit arithmetic in the comments).
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DegenerateDataWarning, ParameterError
from servqual.indices.skm import skm_index
from servqual.indices.skm_result import SKMResult
from servqual.report import (
    MethodNote,
    Report,
    method_note,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from servqual.report._labels import fmt

# Ten applicants rated a village office on three elements (1–4); the same survey as the
# skm_index docstring. NRR: U1 = 32/10 = 3.2, U2 = 31/10 = 3.1, U3 = 24/10 = 2.4;
# index = 25 · (3.2 + 3.1 + 2.4) / 3 = 72.5.
ANSWERS = np.array(
    [
        [3, 3, 2],
        [4, 3, 3],
        [3, 2, 2],
        [3, 3, 3],
        [4, 4, 3],
        [3, 3, 2],
        [2, 3, 2],
        [3, 4, 3],
        [4, 3, 3],
        [3, 3, 1],
    ]
)
VILLAGE = sq.Instrument(
    id="desa",
    name="Village office",
    scale=sq.Scale(min=1, max=4),
    items=[
        sq.Item(id="U1", text="Persyaratan", text_en="Requirements"),
        sq.Item(id="U2", text="Prosedur", text_en="Procedure"),
        sq.Item(id="U3", text="Waktu penyelesaian", text_en="Completion time"),
    ],
)


def _responses(answers: np.ndarray, group: list[str] | None = None) -> sq.Responses:
    columns: dict[str, object] = {"id": np.arange(len(answers))}
    if group is not None:
        columns["office"] = np.array(group)
    design = sq.Design(columns)
    return sq.Responses(VILLAGE, design, (answers - 1).astype(np.int8))


def _result(answers: np.ndarray = ANSWERS, **kw: object) -> SKMResult:
    res = skm_index(_responses(answers), **kw)  # type: ignore[arg-type]
    assert isinstance(res, SKMResult)
    return res


@pytest.fixture(scope="module")
def report() -> Report:
    return Report.from_skm(
        _result(),
        instrument=VILLAGE,
        title="SKM Desa Sukamaju <2026>",
        unit="Kantor Desa",
        period="2026",
        target_n=12,
        population=80,
        notes=("synthetic data",),
    )


def test_report_holds_unrounded_values(report: Report) -> None:
    res = _result()
    assert report.overall.index == res.index  # same Estimate, nothing rounded
    # explicit arithmetic: 25 · (3.2 + 3.1 + 2.4) / 3
    assert report.overall.index.value == pytest.approx(72.5, rel=1e-12)
    assert [e.nrr for e in report.overall.elements] == [e.nrr for e in res.elements]
    assert report.overall.n == 10
    assert report.overall.target_n == 12
    assert report.level == 0.95
    assert report.method.df == 9.0  # n − 1 under simple random sampling
    assert report.instrument == "desa"
    assert report.instrument_name == "Village office"


def test_weakest_are_lowest_nrr_lowest_first(report: Report) -> None:
    assert report.overall.weakest == ("U3", "U2", "U1")  # 2.4 < 3.1 < 3.2


def test_weakest_ties_keep_instrument_order() -> None:
    answers = np.array([[3, 2, 3], [3, 3, 2], [4, 2, 3], [4, 3, 2]])  # U2, U3 both 2.5
    rep = Report.from_skm(_result(answers), instrument=VILLAGE, min_group_size=0)  # 4 answers
    assert rep.overall.weakest == ("U2", "U3", "U1")


def test_text_shows_rounded_figures(report: Report) -> None:
    res = _result()
    text = render_text(report)
    ci = res.index.ci
    assert "SKM index 72.50" in text
    assert f"95% CI {ci.low:.2f}–{ci.high:.2f}" in text
    assert "grade C, Poor (Kurang baik)" in text  # 65.00 ≤ 72.50 < 76.61
    assert "Respondents: 10 (target 12; population 80)" in text
    for code, name, nrr, conv in [
        ("U1", "Requirements", "3.200", "80.00"),
        ("U2", "Procedure", "3.100", "77.50"),
        ("U3", "Completion time", "2.400", "60.00"),
    ]:
        line = next(line for line in text.splitlines() if line.startswith(code + " "))
        assert line.split()[-3:-1] == [nrr, conv]
        assert name in line
    assert "1. U3 Completion time (NRR 2.400)" in text
    assert "t interval with 9 df" in text
    assert "exact weights 1/3" in text
    assert "Notes: synthetic data" in text
    assert text.endswith("\n")


def test_crossing_note_names_the_threshold(report: Report) -> None:
    res = _result()
    assert res.crosses_grade_boundary  # interval straddles 76.61 (B) or 65.00 (C)
    text = render_text(report)
    cut = [t for t in (88.31, 76.61, 65.00) if res.index.ci.low < t <= res.index.ci.high]
    where = "; ".join(f"{t:.2f}" for t in cut)
    assert f"the interval crosses the grade boundary {where}: the grade is not" in text
    assert "melewati batas mutu" in render_text(report, language="id")


def test_indonesian_uses_decimal_comma_and_official_words(report: Report) -> None:
    text = render_text(report, language="id")
    assert "Indeks SKM 72,50" in text
    assert "mutu C, Kurang baik" in text
    assert "Persyaratan" in text
    assert "Requirements" not in text
    assert "selang t dengan 9 derajat bebas" in text
    assert "Unsur terlemah:" in text


def test_markdown_table(report: Report) -> None:
    md = render_markdown(report)
    assert md.startswith("# SKM Desa Sukamaju &lt;2026&gt;\n")  # a literal <, not a tag
    rows = [line for line in md.splitlines() if line.startswith("| U")]
    assert len(rows) == 3
    assert rows[2] == "| U3 | Completion time | 10 | 2.400 | 60.00 | D |"
    assert "*Method:* Linearization (delta method)" in md


def test_html_escapes_text(report: Report) -> None:
    page = render_html(report)
    assert "&lt;2026&gt;" in page
    assert "<2026>" not in page
    assert page.count("<tr>") == 4  # header + 3 elements
    assert 'lang="en"' in render_html(report)
    assert "72,50" in render_html(report, language="id")


def test_json_round_trips(report: Report) -> None:
    text = render_json(report)
    assert Report.model_validate_json(text) == report
    data = json.loads(text)
    assert data["overall"]["index"]["value"] == report.overall.index.value  # unrounded


def test_by_sections_in_group_order() -> None:
    group = ["Utara"] * 5 + ["Selatan"] * 5
    responses = _responses(ANSWERS, group)
    overall = skm_index(responses)
    groups = skm_index(responses, by="office")
    assert isinstance(overall, SKMResult)
    assert isinstance(groups, dict)
    rep = Report.from_skm(overall, groups=groups, by="office", instrument=VILLAGE)
    assert [s.group for s in rep.groups] == list(groups)
    assert [s.n for s in rep.sections] == [10, 5, 5]
    text = render_text(rep)
    assert "office: Selatan" in text
    assert "office: Utara" in text
    # each group section shows that group's index (domain estimate on the full design)
    for key, res in groups.items():
        assert f"SKM index {res.index.value:.2f}" in text.split(f"office: {key}")[1]


def test_regulation_weights_note() -> None:
    rep = Report.from_skm(_result(weights="regulation"), instrument=VILLAGE)
    assert rep.method.weight == 0.333  # 1/3 printed to 3 decimals
    assert "printed weights 0.333" in render_text(rep)


def test_stratified_design_in_method_note() -> None:
    design = sq.Design(
        {"office": np.array(["A"] * 5 + ["B"] * 5), "served": np.array([40.0] * 5 + [60.0] * 5)},
        strata="office",
        fpc="served",
    )
    responses = sq.Responses(VILLAGE, design, (ANSWERS - 1).astype(np.int8))
    overall = skm_index(responses)
    groups = skm_index(responses, by="office")
    assert isinstance(overall, SKMResult)
    assert isinstance(groups, dict)
    rep = Report.from_skm(overall, groups=groups, by="office", design=design)
    assert rep.method.strata == 2
    assert rep.method.fpc
    assert rep.method.df == 8.0  # 10 respondents − 2 strata
    assert rep.overall.population == 100  # 40 + 60
    assert [s.population for s in rep.groups] == [40, 60]
    assert "2 strata, finite-population correction" in render_text(rep)


def test_method_note_languages() -> None:
    m = MethodNote(
        interval="t", df=399.0, level=0.95, weights_mode="exact", weight=1 / 9, regime="ikm-2004"
    )
    assert "grades of Kepmenpan 25/2004" in method_note(m)
    assert "mutu menurut Kepmenpan 25/2004" in method_note(m, language="id")


@pytest.mark.parametrize("renderer", [render_text, render_markdown, render_html])
def test_unknown_language_is_refused(report: Report, renderer: object) -> None:
    with pytest.raises(ParameterError, match=r"language must be one of \['en', 'id'\], got 'fr'"):
        renderer(report, language="fr")  # type: ignore[operator]


def test_report_is_frozen(report: Report) -> None:
    with pytest.raises(Exception, match="frozen"):
        report.title = "x"  # type: ignore[misc]


@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), st.integers(0, 4))
def test_indonesian_number_is_english_with_swapped_separators(x: float, digits: int) -> None:
    en, id_ = fmt(x, digits, "en"), fmt(x, digits, "id")
    assert id_ == en.replace(",", "_").replace(".", ",").replace("_", ".")
    assert float(en.replace(",", "")) == pytest.approx(round(x, digits), abs=10.0**-digits)


def test_json_schema_describes_the_report() -> None:
    schema = Report.model_json_schema()
    assert {"overall", "groups", "method", "instrument"} <= set(schema["properties"])
    assert set(schema["required"]) == {"instrument", "instrument_name", "overall", "method"}


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 4), min_size=3, max_size=3), min_size=3, max_size=25).filter(
        lambda rows: (
            len({tuple(r) for r in rows}) > 1
            and all(len({r[j] for r in rows}) > 1 for j in range(3))
        )
    )
)
def test_report_properties(rows: list[list[int]]) -> None:
    with warnings.catch_warnings():
        # Varied answers can still give every respondent the same mean score (SE 0).
        warnings.simplefilter("ignore", DegenerateDataWarning)
        res = _result(np.array(rows))
    rep = Report.from_skm(res, instrument=VILLAGE, min_group_size=0)  # as few as 2 answers
    # weakest: the three NRRs in ascending order, each element once
    nrr = [rep.overall.element(c).nrr for c in rep.overall.weakest]
    assert nrr == sorted(e.nrr for e in res.elements)
    assert Report.model_validate_json(render_json(rep)) == rep
    text = render_text(rep)
    assert f"SKM index {res.index.value:.2f} " in text
    assert all(f"{e.code}  " in text for e in res.elements)
