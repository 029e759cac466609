"""The screening section in every report format: the numbers of the Screening model,
rounded only by the renderer; escaping of interviewer labels in Markdown and HTML."""

from __future__ import annotations

import numpy as np
import pytest

import servqual as sq
from servqual.report.screening_section import render_screening
from servqual.screening import demo_survey


@pytest.fixture(scope="module")
def screened() -> tuple[sq.Responses, sq.Screening]:
    r = demo_survey()
    return r, sq.screen(r, interviewer="staff", mode="mode", timestamp="submitted")


def test_report_renders_the_section_in_every_format(screened) -> None:
    r, s = screened
    report = sq.skm_report(r, screening=s)
    icc = f"ICC {s.interviewer_effect.icc.value:.3f}"
    for text in (sq.render_text(report), sq.render_markdown(report), sq.render_html(report)):
        assert "Data-quality screening" in text
        assert icc in text
        assert f"{s.sensitivity.kept.value:.2f} (grade {s.sensitivity.kept_grade})" in text
    again = sq.Report.model_validate_json(sq.render_json(report))
    assert again.screening is not None
    assert again.screening.flagged_ids == s.flagged_ids


def test_report_without_screening_is_unchanged(screened) -> None:
    r, _ = screened
    assert "screening" not in sq.render_text(sq.skm_report(r)).lower()


def test_labels_are_escaped() -> None:
    rng = np.random.default_rng(3)
    answers = np.clip(
        np.round(3 + 0.6 * rng.normal(size=(60, 1)) + 0.7 * rng.normal(size=(60, 9))), 1, 4
    )
    staff = np.repeat(["<b>Ani</b>", "Budi|x", "*Citra*"], 20)
    r = sq.Responses.from_arrays(answers, sq.instruments.SKM_2017, attributes={"staff": staff})
    s = sq.screen(r, interviewer="staff")
    page = render_screening(s, format="html")
    assert "<b>Ani</b>" not in page
    assert "&lt;b&gt;Ani&lt;/b&gt;" in page
    md = render_screening(s, format="markdown")
    assert "Budi\\|x" in md
    assert "\\*Citra\\*" in md
    with pytest.raises(sq.errors.ParameterError, match="format must be one of"):
        render_screening(s, format="pdf")  # type: ignore[arg-type]


def test_hostile_interviewer_label_and_respondent_id_are_escaped_in_every_format() -> None:
    """An interviewer label and a respondent id with ``<script>``, ``|`` and a line break:
    escaped as every other label (plain_text, markdown_text, HTML), never raw."""
    rng = np.random.default_rng(5)
    answers = np.clip(
        np.round(3 + 0.6 * rng.normal(size=(60, 1)) + 0.7 * rng.normal(size=(60, 9))), 1, 4
    )
    answers[:20] = np.clip(answers[:20] - 1, 1, 4)  # the hostile interviewer departs
    answers[0] = 4  # a straight-liner: its id is among the flagged forms
    hostile = "<script>alert(1)</script>|Ani\nBudi"
    staff = np.repeat([hostile, "Citra", "Dewi"], 20)
    ids = np.array(["<script>x</script>|r\n0", *(f"r{i}" for i in range(1, 60))])
    r = sq.Responses.from_arrays(
        answers, sq.instruments.SKM_2017, attributes={"staff": staff}, respondent_ids=ids
    )
    s = sq.screen(r, interviewer="staff")
    assert ids[0] in s.flagged_ids
    assert s.interviewer_effect is not None
    assert hostile in s.interviewer_effect.flagged  # named in the statements, not only the table
    report = sq.skm_report(r, screening=s)
    text = sq.render_text(report)
    md = sq.render_markdown(report)
    page = sq.render_html(report)
    for out in (text, md, page, sq.render_json(report), render_screening(s, format="json")):
        assert "<script>" not in out
        assert "Ani\nBudi" not in out
    section = text.split("Data-quality screening", 1)[1]
    assert "‹script›alert(1)‹/script›|Ani Budi" in section  # plain_text: one line, no tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\|Ani Budi" in md  # markdown_text
    table_rows = [line for line in md.splitlines() if line.startswith("| &lt;script")]
    assert len(table_rows) == 1
    assert table_rows[0].count(" | ") == 6
    assert 'class="screening-section"' in page
    assert 'data-field="screening"' not in page
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;|Ani Budi</th>' in page
    assert "departing from the rest: &lt;script&gt;alert(1)&lt;/script&gt;|Ani Budi" in page
    for fmt_ in ("text", "markdown", "html"):
        assert "<script>" not in render_screening(s, format=fmt_)  # type: ignore[arg-type]


def test_small_interviewer_rows_are_withheld_in_a_report() -> None:
    # Budi keeps 2 of his forms: his row (mean of 2 respondents) is withheld, and so is
    # the smallest other row (Ani, 46), else all respondents minus the published rows
    # would give Budi's figures back.
    r = demo_survey()
    staff = np.asarray(r.attribute("staff"))
    budi = r.respondent_ids[staff == "Budi"]
    r = r.drop(budi[2:].tolist())
    s = sq.screen(r, interviewer="staff")
    rows = {row.interviewer: row for row in s.interviewer_effect.rows}
    assert rows["Budi"].n == 2
    assert rows["Budi"].mean is not None
    report = sq.skm_report(r, screening=s)
    shown = {row.interviewer: row for row in report.screening.interviewer_effect.rows}
    assert shown["Budi"].suppressed == "small"
    assert shown["Ani"].suppressed == "complementary"
    for name in ("Budi", "Ani"):
        assert shown[name].n is None
        assert shown[name].mean is None
        assert shown[name].difference is None
        assert shown[name].flagged is None
    assert all(shown[k] == rows[k] for k in ("Citra", "Dewi", "Eko", "Fajar"))
    budi_mean = f"{rows['Budi'].mean:.2f}"
    again = sq.Report.model_validate_json(sq.render_json(report))
    assert again.screening.interviewer_effect.rows == report.screening.interviewer_effect.rows
    for text in (sq.render_text(report), sq.render_markdown(report), sq.render_html(report)):
        assert "Interviewer rows withheld: 2" in text
        assert budi_mean not in text
        assert f"{rows['Ani'].mean:.2f}" not in text
    assert str(rows["Budi"].mean) not in sq.render_json(report)
    # min_group_size=0 publishes every row as screen computed it
    everything = sq.skm_report(r, screening=s, min_group_size=0)
    assert everything.screening == s
