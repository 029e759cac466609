"""The HTML report in a real browser: headless Chromium opens ``servqual report --demo
--format html``; no console errors, every chart drawn, the numbers in the DOM equal the
JSON report, printing gives A4 pages. Skips (saying why) where Chromium is not installed;
CI installs Debian's ``chromium``. Set SERVQUAL_SCREENSHOT=docs/report-demo.png to refresh
the screenshot that docs/reports.md shows.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from servqual.cli import main

_DOM = """(() => {
  const num = el => el === null ? null : Number(el.dataset.value);
  const sections = [...document.querySelectorAll("section.index-section")].map(s => ({
    group: s.dataset.group ?? null,
    value: Number(s.querySelector("p.headline").dataset.value),
    low: Number(s.querySelector("p.headline").dataset.low),
    high: Number(s.querySelector("p.headline").dataset.high),
    headline: s.querySelector("p.headline").textContent,
    rows: [...s.querySelectorAll("table[data-table=elements] tbody tr")].map(tr => ({
      code: tr.querySelector("th").textContent,
      cells: [...tr.querySelectorAll("td")].map(td => td.textContent),
      values: [...tr.querySelectorAll("td.num")].map(num),
    })),
    bars: [...s.querySelectorAll("rect.bar")].map(r => ({
      key: r.dataset.key, value: num(r), width: r.getBBox().width })),
    whiskers: [...s.querySelectorAll("g.whisker")].map(g => ({
      key: g.dataset.key, low: Number(g.dataset.low), high: Number(g.dataset.high),
      width: g.getBBox().width })),
  }));
  const charts = [...document.querySelectorAll("svg.chart")].map(svg => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll("rect.bar, circle.point")];
    return { kind: svg.dataset.chart, width: box.width, height: box.height,
             marks: marks.length, drawn: marks.filter(m => m.getBBox().width > 0).length,
             title: svg.querySelector("title")?.textContent ?? "" };
  });
  const tables = [...document.querySelectorAll("table")].map(t => ({
    caption: t.querySelector("caption")?.textContent ?? "",
    scoped: [...t.querySelectorAll("th")].every(th => th.hasAttribute("scope")) }));
  return { doctype: document.doctype?.name, lang: document.documentElement.lang,
           charset: document.characterSet, title: document.title,
           sections, charts, tables,
           resources: performance.getEntriesByType("resource").length };
})()"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, chromium: Any) -> tuple[dict[str, Any], Any]:
    out = tmp_path_factory.mktemp("browser")
    page, data = out / "report.html", out / "report.json"
    assert main(["report", "--demo", "--format", "html", "-o", str(page)]) == 0
    assert main(["report", "--demo", "--format", "json", "-o", str(data)]) == 0
    for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
        chromium.page(domain)
    chromium.page("Emulation.setDeviceMetricsOverride", width=900, height=1200,
                  deviceScaleFactor=1, mobile=False)  # fmt: skip
    chromium.page("Page.navigate", url=page.as_uri())
    chromium.wait_for("Page.loadEventFired")
    return json.loads(data.read_text(encoding="utf-8")), chromium


def _errors(events: list[dict[str, Any]]) -> list[Any]:
    bad = []
    for ev in events:
        method, params = ev.get("method"), ev.get("params", {})
        if method == "Runtime.exceptionThrown":
            bad.append(params)
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            bad.append(params)
        if method == "Log.entryAdded" and params["entry"].get("level") == "error":
            bad.append(params["entry"])
    return bad


def test_no_console_errors_and_a_complete_document(demo: tuple[dict[str, Any], Any]) -> None:
    report, browser = demo
    dom = browser.evaluate(_DOM)
    assert _errors(browser.events) == []
    assert (dom["doctype"], dom["lang"], dom["charset"]) == ("html", "en", "UTF-8")
    assert dom["title"] == report["title"]
    assert dom["resources"] == 0  # nothing fetched: no network, no external files
    assert all(t["caption"] for t in dom["tables"])
    assert all(t["scoped"] for t in dom["tables"])


def test_every_chart_is_drawn(demo: tuple[dict[str, Any], Any]) -> None:
    report, browser = demo
    charts = browser.evaluate(_DOM)["charts"]
    kinds = [c["kind"] for c in charts]
    assert kinds.count("elements") == 1 + len(report["groups"])
    assert kinds.count("groups") == 1
    assert kinds.count("ipa") == (report["ipa"] is not None)
    for chart in charts:
        assert chart["width"] > 100
        assert chart["height"] > 50
        assert chart["title"]
        assert chart["marks"] > 0
        assert chart["drawn"] == chart["marks"], chart


def test_numbers_in_the_dom_equal_the_json_report(demo: tuple[dict[str, Any], Any]) -> None:
    report, browser = demo
    sections = browser.evaluate(_DOM)["sections"]
    expected = [report["overall"], *report["groups"]]
    assert [s["group"] for s in sections] == [e["group"] for e in expected]
    for got, want in zip(sections, expected, strict=True):
        index = want["index"]
        assert got["value"] == index["value"]
        assert (got["low"], got["high"]) == (index["ci"]["low"], index["ci"]["high"])
        shown = f"{index['value']:.2f} (95% CI {index['ci']['low']:.2f}–{index['ci']['high']:.2f})"
        assert shown in got["headline"]
        for row, element in zip(got["rows"], want["elements"], strict=True):
            assert row["code"] == element["code"]
            assert row["values"] == [element["n"], element["nrr"], element["converted"]]
            assert row["cells"][2:5] == [
                f"{element['nrr']:.3f}", f"{element['converted']:.2f}", element["grade"]
            ]  # fmt: skip
        bars = {b["key"]: b for b in got["bars"]}
        assert bars["index"]["value"] == index["value"]
        whiskers = {w["key"]: w for w in got["whiskers"]}
        assert (whiskers["index"]["low"], whiskers["index"]["high"]) == (
            index["ci"]["low"], index["ci"]["high"]
        )  # fmt: skip
        for element in want["elements"]:
            assert bars[element["code"]]["value"] == element["converted"]
            assert bars[element["code"]]["width"] > 0
            whisker = whiskers[element["code"]]
            assert (whisker["low"], whisker["high"]) == (
                element["ci"]["low"],
                element["ci"]["high"],
            )
            assert whisker["width"] > 0


def test_prints_to_a4_and_screenshot(demo: tuple[dict[str, Any], Any], tmp_path: Path) -> None:
    _, browser = demo
    pdf = browser.pdf()
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) >= 2  # several pages
    for w, h in boxes:
        assert (round(float(w)), round(float(h))) == (595, 842)  # A4 in points
    shot = tmp_path / "report.png"
    browser.screenshot(shot)
    assert shot.read_bytes().startswith(b"\x89PNG")
    target = os.environ.get("SERVQUAL_SCREENSHOT")
    if target:
        Path(target).write_bytes(shot.read_bytes())


def test_compliance_table_equals_the_json_report(demo: tuple[dict[str, Any], Any]) -> None:
    """The demo's compliance table: one scoped row per service, on-time share as in the JSON."""
    report, browser = demo
    rows = browser.evaluate(
        "[...document.querySelectorAll('table[data-table=compliance] tbody tr')].map(r => "
        "[r.querySelector('th[scope=row]').textContent, "
        "Number(r.querySelectorAll('td')[2].dataset.value)])"
    )
    want = [
        [r["compliance"]["service"], 100 * r["compliance"]["completion"]["on_time"]["value"]]
        for r in report["compliance"]["rows"]
    ]
    assert rows == want


def test_paper_questionnaire_prints_on_one_a4_sheet(
    demo: tuple[dict[str, Any], Any], tmp_path: Path
) -> None:
    _, browser = demo
    page = tmp_path / "kuesioner.html"
    assert main(["form", "skm-2017", "--format", "html", "-o", str(page)]) == 0
    browser.events.clear()
    browser.page("Page.navigate", url=page.as_uri())
    browser.wait_for("Page.loadEventFired")
    boxes = browser.evaluate(
        "[...document.querySelectorAll('.box')].filter(b => b.getBoundingClientRect().width > 0)"
        ".length"
    )
    assert boxes == 9 * 4 + 2 + 7 + 5  # every answer of every question has its tick box
    assert _errors(browser.events) == []
    pdf = browser.pdf()
    media = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert {(round(float(w)), round(float(h))) for w, h in media} == {(595, 842)}
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # the SKM form fits one sheet
