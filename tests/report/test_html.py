"""The standalone HTML report without a browser: document structure, accessibility,
escaping, charts drawn from the model's numbers, generic sections, print rules.
(tests/browser/test_report_page.py opens the same page in Chromium.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.models._base import FrozenModel
from servqual.report import Report
from servqual.report._svg import Bar, bar_chart


@pytest.fixture(scope="module")
def report() -> Report:
    return sq.skm_report(sq.data.load_demo(), by="service", title="SKM <2026> & co")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_a_complete_standalone_document(report: Report) -> None:
    page = sq.render_html(report, language="id")
    assert page.startswith('<!DOCTYPE html>\n<html lang="id">\n<head>\n<meta charset="utf-8">')
    assert "<title>SKM &lt;2026&gt; &amp; co</title>" in page
    assert page.rstrip().endswith("</html>")
    assert "@page { size: A4" in page
    assert "@media print" in page
    for fetch in ("<script", "<link", "<img", " src=", " href=", "url(", "@import"):
        assert fetch not in page
    assert "78,77" in page  # Indonesian decimal comma


def test_tables_are_accessible(report: Report) -> None:
    tags = _tags(sq.render_html(report))
    assert all(attrs.get("scope") in ("col", "row") for tag, attrs in tags if tag == "th")
    page = sq.render_html(report)
    assert page.count("<table") == page.count("<caption>") == 1 + len(report.groups) + 1
    svgs = [attrs for tag, attrs in tags if tag == "svg"]
    assert len(svgs) == 1 + 1 + len(report.groups) + 1  # elements ×4, groups, IPA
    assert all(a["role"] == "img" and a["aria-labelledby"] for a in svgs)


def test_charts_draw_the_model_numbers(report: Report) -> None:
    tags = _tags(sq.render_html(report))
    bars = [a for tag, a in tags if tag == "rect" and "bar" in (a.get("class") or "")]
    overall = report.overall
    drawn = {
        a["data-key"]: float(a["data-value"] or "nan") for a in bars[: len(overall.elements) + 1]
    }
    assert drawn == {
        **{r.code: r.converted for r in overall.elements},
        "index": overall.index.value,
    }
    group_bars = [a for a in bars if a["data-key"] in {s.group for s in report.groups}]
    assert [float(a["data-value"] or "nan") for a in group_bars[: len(report.groups)]] == [
        s.index.value for s in report.groups
    ]
    points = [a for tag, a in tags if tag == "circle"]
    assert report.ipa is not None
    assert [a["data-key"] for a in points] == [i.id for i in report.ipa.items]


def test_group_labels_are_escaped_everywhere() -> None:
    r = sq.Responses.from_frame(
        {**{f"U{j}": [4, 3, 3, 4, 2, 3] for j in range(1, 10)}, "desk": ["<b>"] * 3 + ["B&B"] * 3},
        "skm-2017",
    )
    page = sq.render_html(sq.skm_report(r, by="desk"))
    assert "<b>" not in page.split("</style>")[1]
    assert 'data-group="&lt;b&gt;"' in page
    assert "B&amp;B" in page


def test_fragment_mode(report: Report) -> None:
    fragment = sq.render_html(report, standalone=False)
    assert fragment.startswith('<section class="servqual-report" lang="en">')
    assert "<!DOCTYPE" not in fragment
    assert fragment in sq.render_html(report)


class _Extra(FrozenModel):
    met: int
    share: sq.Estimate
    services: tuple[sq.Service, ...] = ()


class _ReportWithMore(Report):
    staffing: _Extra | None = None


def test_unknown_sections_render_generically(report: Report) -> None:
    share = sq.mean_ci([0.0, 1.0, 1.0, 1.0])
    extended = _ReportWithMore(**dict(report), staffing=_Extra(met=12, share=share))
    page = sq.render_html(extended)
    section = page.split('<section class="extra-section" data-field="staffing">')[1]
    assert "<h2>Staffing</h2>" in section
    assert re.search(r'<th scope="row">met</th><td>12</td>', section)
    assert f"{share.value:.2f} ({share.ci.low:.2f}–{share.ci.high:.2f})" in section


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 120, allow_nan=False), min_size=1, max_size=12))
def test_bar_widths_follow_the_axis(values: list[float]) -> None:
    """Slow reference: width = (clip(v, 25, 100) − 25) / 75 × plot width (450 px)."""
    svg = bar_chart("t", [Bar(str(i), "x", v) for i, v in enumerate(values)], cuts=(65.0,),
                    title="t", desc="d", kind="elements")  # fmt: skip
    widths = [float(w) for w in re.findall(r'class="bar" [^>]* width="([\d.]+)"', svg)]
    assert len(widths) == len(values)
    for v, w in zip(values, widths, strict=True):
        assert w == pytest.approx((min(max(v, 25.0), 100.0) - 25.0) / 75.0 * 450.0, abs=0.006)


def test_element_intervals_are_design_means_of_the_answers(report: Report) -> None:
    """Each element's NRR is the design mean of its answers (na="domain"); its interval,
    × 25, is the whisker. Cross-check against Design.mean on the same answers."""
    demo = sq.data.load_demo()
    values = demo.values()
    for j, row in enumerate(report.overall.elements):
        d = demo.design.with_columns({"x": values[:, j]})
        est = d.mean("x", na="domain")  # R: svymean(~x, des, na.rm = TRUE)
        assert 25 * est.value == pytest.approx(row.converted, rel=1e-12)
        assert row.ci is not None
        assert (row.ci.low, row.ci.high) == pytest.approx((25 * est.ci.low, 25 * est.ci.high))
    for section in report.groups:
        assert all(
            r.ci is not None and r.ci.low <= r.converted <= r.ci.high for r in section.elements
        )
    tags = _tags(sq.render_html(report))
    whiskers = [a for tag, a in tags if tag == "g" and a.get("class") == "whisker"]
    first = {a["data-key"]: float(a["data-low"] or "nan") for a in whiskers[:9]}
    assert first == {r.code: r.ci.low for r in report.overall.elements if r.ci is not None}


def test_withheld_numbers_do_not_reappear() -> None:
    """A withheld figure (small-group suppression prints "n < 5") stays out of the charts
    and the data- attributes too: desks of 30, 30 and 2 applicants, the desk of 2 and
    (complementary) the first desk of 30 withheld. tests/report/test_suppression.py runs
    the reader's attack on every format."""
    rng = np.random.default_rng(11)
    scores = rng.integers(1, 5, size=(62, 9)).astype(float)
    desks = np.array(["A"] * 30 + ["B"] * 30 + ["C"] * 2)
    responses = sq.Responses.from_arrays(
        scores, sq.instruments.SKM_2017, attributes={"desk": desks}
    )
    truth = sq.skm_report(responses, by="desk", min_group_size=0)
    report = sq.skm_report(responses, by="desk")
    assert [g.suppressed for g in report.groups] == ["complementary", None, "small"]
    page = sq.render_html(report)
    for group in (truth.groups[0], truth.groups[2]):
        part = page.split(f'data-group="{group.group}"')[1].split("</section>")[0]
        assert group.index is not None
        assert f'"{group.index.value!r}"' not in page
        for row in group.elements:  # a mean of 30 answers may equal another group's
            assert row.ci is not None
            for value in (row.converted, row.nrr):
                assert f'"{value!r}"' not in part
            for value in (row.ci.low, row.ci.high):  # a zero-width one may be a round 75.0
                assert value == round(value, 2) or f'"{value!r}"' not in page
        assert "n &lt; 5" in part or "withheld" in part
        assert 'class="bar' not in part
        assert "data-value" not in part


def test_ipa_chart_places_points_on_the_zoomed_axes(report: Report) -> None:
    """Slow reference: x = 70 + (performance − lo)/(hi − lo)·380, y likewise from the top;
    the range is the data's, widened to half points."""
    from servqual.report._svg import ipa_range

    assert report.ipa is not None
    lo, hi = ipa_range(report.ipa)
    values = [v for i in report.ipa.items for v in (i.importance.value, i.performance.value)]
    assert lo <= min(values) < lo + 0.5
    assert hi - 0.5 < max(values) <= hi
    points = {a["data-key"]: a for tag, a in _tags(sq.render_html(report)) if tag == "circle"}
    for item in report.ipa.items:
        a = points[item.id]
        x = 70 + (item.performance.value - lo) / (hi - lo) * 380
        y = 20 + 380 - (item.importance.value - lo) / (hi - lo) * 380
        assert float(a["cx"] or "nan") == pytest.approx(x, abs=0.006)
        assert float(a["cy"] or "nan") == pytest.approx(y, abs=0.006)


@pytest.mark.parametrize("kind", ["report", "report-id", "paper", "paper-en"])
def test_pages_parse_without_errors(kind: str, report: Report) -> None:
    """An independent HTML5 parser (html5lib, WHATWG rules, strict) finds no parse error."""
    html5lib = pytest.importorskip("html5lib")
    page = {
        "report": lambda: sq.render_html(report),
        "report-id": lambda: sq.render_html(report, language="id"),
        "paper": lambda: sq.instruments.SKM_2017.to_html_form(),
        "paper-en": lambda: sq.instruments.SERVQUAL_22.to_html_form(language="en"),
    }[kind]()
    html5lib.HTMLParser(strict=True).parse(page)
