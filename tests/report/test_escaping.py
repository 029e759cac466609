"""Hostile labels (service, group, unit, element names, notes) cannot break a report.

Each output is read back the way its reader would: Markdown through a CommonMark parser
with GitHub tables (markdown-it-py), HTML through the standard library's HTML parser,
JSON through ``json``, text line by line. No label may add a tag, a table cell, a line or
a heading, and every label must still read as itself.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual._escape import markdown_text, one_line, plain_text, plot_text
from servqual.report import Report, render_html, render_json, render_markdown, render_text

SCRIPT = "<script>alert('x')</script>"
GROUPS = [SCRIPT, "Loket | 2\nbaris dua", "`rm -rf` *bold* [a](http://x)", "<img src=x onerror=1>"]
NAMES = ["Biaya | tarif\n# heading", f"Waktu {SCRIPT}", "Prosedur `kode`", "Hasil &amp; &lt;"]

HOSTILE = sq.Instrument(
    id="hostile",
    name="Instrument <b>x</b> | y",
    scale=sq.Scale(min=1, max=4),
    items=[sq.Item(id=f"U{j + 1}", text=name) for j, name in enumerate(NAMES)],
)


def _report(**kw: object) -> Report:
    rng = np.random.default_rng(3)
    scores = rng.integers(1, 5, size=(6 * len(GROUPS), len(NAMES))).astype(float)
    desks = np.repeat(np.array(GROUPS, dtype=object), 6)
    responses = sq.Responses.from_arrays(scores, HOSTILE, attributes={"desk | <i>": desks})
    return sq.skm_report(
        responses,
        by="desk | <i>",
        title="Title\n# injected <script>",
        unit="Unit <b>bold</b> | x",
        period="2026\r\n| a | b |",
        notes=["<img src=x onerror=alert(1)>", "a|b\nc"],
        **kw,  # type: ignore[arg-type]
    )


class _Tags(HTMLParser):
    """Every start tag and every table row's cell count of an HTML text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[int] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th"):
            self.rows[-1] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse_html(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _check_html(page: str) -> None:
    parsed = _parse_html(page)
    document = {"html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2"}
    text = {"p", "strong", "em", "figure", "figcaption"}
    table = {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    svg = {"svg", "title", "desc", "rect", "line", "g", "text", "circle"}
    assert set(parsed.tags) <= document | text | table | svg  # no label added a tag
    assert set(parsed.rows) == {6}  # no label added or split a cell
    text = " ".join("".join(parsed.text).split())
    assert SCRIPT in text  # shown as the text it is
    assert "<img src=x onerror=1>" in text


def test_html_escapes_every_label() -> None:
    _check_html(render_html(_report()))


def test_markdown_renders_labels_as_text() -> None:
    markdown_it = pytest.importorskip("markdown_it")
    md = render_markdown(_report())
    assert "<script" not in md
    assert "<img" not in md
    assert "<b>" not in md
    page = markdown_it.MarkdownIt("commonmark").enable("table").render(md)
    parsed = _parse_html(page)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert "b" not in parsed.tags
    assert "a" not in parsed.tags  # [a](http://x) stays text
    assert parsed.tags.count("h1") == 1  # "# injected" did not start a heading
    assert parsed.tags.count("h2") == 1 + len(GROUPS)
    assert set(parsed.rows) == {6}  # "|" in a label did not add a cell
    text = " ".join("".join(parsed.text).split())
    assert SCRIPT in text
    assert "`rm -rf` *bold* [a](http://x)" in text
    assert "Hasil &amp; &lt;" in text  # entities stay literal
    assert "Biaya | tarif # heading" in text


def test_text_keepsone_line_per_label() -> None:
    text = render_text(_report())
    assert "<script" not in text
    assert "<img" not in text
    assert f"desk | ‹i›: {plain_text(SCRIPT)}" in text.splitlines()
    assert "desk | ‹i›: Loket | 2 baris dua" in text.splitlines()
    assert "Period: 2026 | a | b |" in text.splitlines()
    assert "Notes: a|b c" in text.splitlines()
    for line in text.splitlines():  # every table row of every section is whole
        if line.startswith(("U1 ", "U2 ", "U3 ", "U4 ")):
            assert line.rstrip()[-1] in "ABCD"


def test_json_is_safe_in_a_script_block_and_round_trips() -> None:
    report = _report()
    text = render_json(report)
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert Report.model_validate_json(text) == report
    assert {g["group"] for g in json.loads(text)["groups"]} == set(GROUPS)


def test_withheld_sections_escape_too() -> None:
    report = _report(min_group_size=7)  # every group of 6 is withheld
    assert all(s.suppressed == "small" for s in report.groups)
    _check_html(render_html(report))
    assert "<script" not in render_markdown(report)
    assert "<script" not in render_text(report)


def test_plot_labels_take_dollars_literally() -> None:
    pytest.importorskip("matplotlib")
    assert plot_text("Rp $5$ | a\nb") == r"Rp \$5\$ | a b"
    rng = np.random.default_rng(3)
    scores = rng.integers(1, 5, size=(12, 4)).astype(float)
    desks = np.repeat(np.array(["$\\frac{$", "$x$"], dtype=object), 6)
    responses = sq.Responses.from_arrays(scores, HOSTILE, attributes={"desk": desks})
    ax = sq.plot_skm(sq.skm_index(responses, by="desk"))
    ax.figure.canvas.draw()  # a bad mathtext label would raise here
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith(r"\$\frac{\$: SKM index") for t in labels), labels


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=40))
def test_markdown_label_is_one_cell_of_literal_text(label: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    row = f"| a | {markdown_text(label)} |"
    page = (
        markdown_it.MarkdownIt("commonmark")
        .enable("table")
        .render(f"| x | y |\n| --- | --- |\n{row}\n")
    )
    parsed = _parse_html(page)
    assert set(parsed.tags) <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert parsed.rows == [2, 2]
    cell = "".join(parsed.text).split("a", 1)  # header "xy", then "a", then the label
    shown = " ".join(cell[1].split()) if len(cell) > 1 else ""
    assert shown == " ".join(one_line(label).split())
