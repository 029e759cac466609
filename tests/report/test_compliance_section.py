"""The compliance section of a report: built from the same results, rendered everywhere."""

from __future__ import annotations

import pytest

import servqual as sq
from servqual.report.compliance_section import compliance_section


@pytest.fixture(scope="module")
def report() -> sq.Report:
    return sq.skm_report(
        sq.data.load_demo(),
        by="service",
        records=sq.data.load_demo_records(),
        calendar=sq.data.demo_calendar(),
    )


def test_section_holds_the_compliance_results(report: sq.Report) -> None:
    assert report.compliance is not None
    direct = sq.compliance(
        sq.data.load_demo_records(), sq.data.load_demo_catalog(), calendar=sq.data.demo_calendar()
    )
    assert [r.compliance.model_dump_json() for r in report.compliance.rows] == [
        v.model_dump_json() for v in direct.values()
    ]
    assert report.compliance.n_records == 600


def test_report_round_trips_json(report: sq.Report) -> None:
    text = sq.render_json(report)
    assert sq.Report.model_validate_json(text).model_dump_json() == report.model_dump_json()


@pytest.mark.parametrize("language", ["en", "id"])
def test_every_renderer_shows_it(report: sq.Report, language: str) -> None:
    title = "Service-standard compliance" if language == "en" else "Kepatuhan terhadap standar"
    assert title in sq.render_text(report, language=language)  # type: ignore[arg-type]
    assert f"## {title}" in sq.render_markdown(report, language=language)  # type: ignore[arg-type]
    html = sq.render_html(report, language=language)  # type: ignore[arg-type]
    assert f"<h2>{title}" in html
    assert "72" in html  # KTP-el's SKM index next to its compliance


def test_without_records_there_is_no_section() -> None:
    plain = sq.skm_report(sq.data.load_demo(), by="service")
    assert plain.compliance is None
    assert "compliance" not in sq.render_text(plain)


def test_service_ids_are_escaped_in_html() -> None:
    cat = sq.ServiceCatalog(
        services=(
            sq.Service(
                id="<b>x</b>",
                name="x",
                provider="p",
                recipients="w",
                standard=sq.ServiceStandard(
                    completion_time=sq.CompletionTime(value=1, unit="days")
                ),
            ),
        )
    )
    recs = sq.ServiceRecords.from_frame(
        {
            "record_id": [1],
            "service": ["<b>x</b>"],
            "received_at": ["2026-03-02T09:00"],
            "completed_at": ["2026-03-02T10:00"],
        },
        cat,
    )
    from servqual.report.compliance_section import compliance_html_lines

    lines = compliance_html_lines(compliance_section(recs, cat, level=0.9))
    assert any("&lt;b&gt;x&lt;/b&gt;" in x for x in lines)
    assert any("90% CI" in x for x in lines)
