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


HOSTILE = "<script>alert(1)</script> | KTP\nrow"


@pytest.fixture(scope="module")
def hostile_report() -> sq.Report:
    """A report whose service id is hostile (HTML, ``|``, a newline)."""
    cat = sq.ServiceCatalog(
        services=(
            sq.Service(
                id=HOSTILE,
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
            "record_id": [1, 2],
            "service": [HOSTILE, HOSTILE],
            "received_at": ["2026-03-02T09:00", "2026-03-02T09:30"],
            "completed_at": ["2026-03-02T10:00", "2026-03-02T11:00"],
        },
        cat,
    )
    report = sq.skm_report(sq.data.load_demo(), by="service", records=recs, catalog=cat)
    assert report.compliance is not None
    return report


def test_hostile_service_name_in_text(hostile_report: sq.Report) -> None:
    # the section's rows: one line each, no tag, the newline gone (servqual._escape.plain_text)
    text = sq.render_text(hostile_report)
    section = text[text.index("Service-standard compliance") :]
    assert "<script>" not in text
    assert "‹script›alert(1)‹/script› | KTP row" in section
    assert not any(line.startswith("row") for line in section.splitlines())


def test_hostile_service_name_in_markdown(hostile_report: sq.Report) -> None:
    # ``|`` escaped keeps the table's columns; ``<`` as an entity (servqual._escape.markdown_text)
    md = sq.render_markdown(hostile_report)
    section = md[md.index("## Service-standard compliance") :]
    assert "<script>" not in md
    row = next(line for line in section.splitlines() if "alert(1)" in line)
    assert row.startswith("| &lt;script&gt;alert(1)&lt;/script&gt; \\| KTP row |")
    header = next(line for line in section.splitlines() if line.startswith("| Service"))
    assert row.replace("\\|", "").count("|") == header.count("|")


def test_hostile_service_name_in_html(hostile_report: sq.Report) -> None:
    page = sq.render_html(hostile_report)
    section = page[page.index('<section class="compliance-section">') :]
    assert "<script>" not in page
    assert '<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt; | KTP row</th>' in section
    assert section.count("<tr>") == 2  # header and the one service: no row broken open


def test_hostile_group_label_in_every_format() -> None:
    cat = sq.data.load_demo_catalog()
    recs = sq.data.load_demo_records()
    sec = compliance_section(recs, cat, calendar=sq.data.demo_calendar())
    row = sec.rows[0]
    bad = row.model_copy(
        update={"compliance": row.compliance.model_copy(update={"group": HOSTILE})}
    )
    sec = sec.model_copy(update={"rows": (bad,)})
    from servqual.report import compliance_section as cs

    text = "\n".join(cs.compliance_text_lines(sec))
    md = "\n".join(cs.compliance_markdown_lines(sec))
    page = "\n".join(cs.compliance_html_lines(sec))
    assert "KTP-el / ‹script›alert(1)‹/script› | KTP row" in text
    assert "KTP-el / &lt;script&gt;alert(1)&lt;/script&gt; \\| KTP row" in md
    assert "KTP-el / &lt;script&gt;alert(1)&lt;/script&gt; | KTP row" in page
    assert all("<script>" not in out for out in (text, md, page))


def test_withheld_groups_show_no_index_next_to_compliance() -> None:
    # demo groups (src/servqual/data/demo_skm.csv): Akta Kelahiran 73, Kartu Keluarga 132,
    # KTP-el 195 respondents; min_group_size=100 withholds Akta Kelahiran, and Kartu
    # Keluarga with it (complementary suppression: total minus KTP-el would reveal it)
    report = sq.skm_report(
        sq.data.load_demo(),
        by="service",
        records=sq.data.load_demo_records(),
        calendar=sq.data.demo_calendar(),
        min_group_size=100,
    )
    assert report.compliance is not None
    shown = {r.compliance.service: r.skm_index for r in report.compliance.rows}
    assert shown["KTP-el"] is not None
    assert shown["Kartu Keluarga"] is None
    assert shown["Akta Kelahiran"] is None
    text = sq.render_text(report)
    section = text[text.index("Service-standard compliance") :]
    assert "Kartu Keluarga  –" in section
