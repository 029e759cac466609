"""Small-group suppression: no figure of a small group is shown or recoverable.

The attack checked here is the one a reader can do with a published report: the total
times its n, minus every published group times its n, divided by the n left over. With
suppression on it must not return the small group's figures in any output format (each
output is parsed back, so the test sees what a reader sees); with suppression off the same
attack does return them, which shows the attack is real. The rule itself is checked on
random tables by an attacker who knows every published figure and every count and solves
the linear relations between them (column totals, index definitions).
"""

from __future__ import annotations

import html
import json
import re
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.errors import DegenerateDataWarning, ParameterError, ServqualTypeError
from servqual.report import Report, render_html, render_json, render_markdown, render_text
from servqual.report.suppression import Plan, plan

CODES = [f"U{j}" for j in range(1, 10)]
SIZES = {"Loket A": 40, "Loket B": 30, "Loket C": 2}


def _survey(answered_u5_in_a: int | None = None) -> sq.Responses:
    """Desks of 40, 30 and 2 applicants; desk C answered 1 and 2 (easy to spot)."""
    rng = np.random.default_rng(2026)
    blocks, desks = [], []
    for desk, n in SIZES.items():
        if desk == "Loket C":
            blocks.append(np.array([[1] * 9, [2] * 9]))  # NRR 1.5, index 37.5
        else:
            blocks.append(rng.integers(2, 5, size=(n, 9)))
        desks += [desk] * n
    scores = np.vstack(blocks).astype(float)
    if answered_u5_in_a is not None:
        scores[answered_u5_in_a:40, 4] = np.nan
    return sq.Responses.from_arrays(
        scores, sq.instruments.SKM_2017, attributes={"desk": np.array(desks)}
    )


def _truth(responses: sq.Responses) -> dict[str, Any]:
    """Desk C's figures straight from its answers (unweighted means of 2 people)."""
    rows = responses.values()[-2:]
    nrr = rows.mean(axis=0)
    return {"nrr": dict(zip(CODES, nrr.tolist(), strict=True)), "index": 25 * nrr.mean()}


# ------------------------------------------------------------------ parsing each output

Section = dict[str, Any]  # {"n": int | None, "index": float | None, "elements": {code: (n, nrr)}}


def _number(text: str) -> float | None:
    text = text.strip().replace(",", "")
    return float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else None


def _section(title: str, lines: list[str], row_cells: Any) -> Section:
    body = "\n".join(lines)
    index = re.search(r"SKM index (\d+\.\d+) \(", body)
    n = re.search(r"Respondents: ([\d,]+)", body)
    elements = {}
    for line in lines:
        cells = row_cells(line)
        if cells and cells[0] in CODES:
            count, nrr = _number(cells[2]), _number(cells[3])
            elements[cells[0]] = (None if count is None else int(count), nrr)
    return {
        "title": title,
        "n": int(n.group(1).replace(",", "")) if n else None,
        "index": float(index.group(1)) if index else None,
        "elements": elements,
        "body": body,
    }


def _split(lines: list[str], is_title: Any, row_cells: Any) -> dict[str, Section]:
    out: dict[str, Section] = {}
    title, chunk = None, []
    for line in [*lines, None]:
        new = line is None or is_title(line)
        if new and title is not None:
            out[title] = _section(title, chunk, row_cells)
        if line is None:
            break
        if new:
            title, chunk = is_title(line), []
        else:
            chunk.append(line)
    return out


def parse_text(text: str) -> dict[str, Section]:
    def title(line: str) -> str | None:
        m = re.fullmatch(r"desk: (.+)|(All respondents)", line)
        return (m.group(1) or m.group(2)) if m else None

    return _split(text.splitlines(), title, lambda line: re.split(r"\s{2,}", line.strip()))


def parse_markdown(text: str) -> dict[str, Section]:
    def title(line: str) -> str | None:
        m = re.fullmatch(r"## (?:desk: (.+)|(All respondents))", line)
        return (m.group(1) or m.group(2)) if m else None

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip("|").split("|")] if line.startswith("|") else []

    return _split(text.splitlines(), title, cells)


def parse_html(text: str) -> dict[str, Section]:
    def title(line: str) -> str | None:
        m = re.fullmatch(r"<h2>(?:desk: (.+)|(All respondents))</h2>", line)
        return html.unescape(m.group(1) or m.group(2)) if m else None

    def cells(line: str) -> list[str]:  # the row's code is a <th scope="row">
        found = re.findall(r"<t[dh](?:\s[^>]*)?>(.*?)</t[dh]>", line)
        return [html.unescape(c) for c in found]

    sections = _split(text.splitlines(), title, cells)
    for s in sections.values():  # headline and n from the text without tags
        body = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", s["body"])).split())
        index = re.search(r"SKM index (\d+\.\d+) \(", body)
        n = re.search(r"Respondents: ([\d,]+)", body)
        s["index"] = float(index.group(1)) if index else None
        s["n"] = int(n.group(1).replace(",", "")) if n else None
    return sections


def parse_json(text: str) -> dict[str, Section]:
    data = json.loads(text)
    out = {}
    for sec in [data["overall"], *data["groups"]]:
        title = sec["group"] or "All respondents"
        index = None if sec["index"] is None else sec["index"]["value"]
        elements = {e["code"]: (e["n"], e["nrr"]) for e in sec["elements"]}
        out[title] = {"n": sec["n"], "index": index, "elements": elements, "body": json.dumps(sec)}
    return out


PARSERS = {
    "text": (render_text, parse_text),
    "markdown": (render_markdown, parse_markdown),
    "html": (render_html, parse_html),
    "json": (lambda r: render_json(r), parse_json),
}


def _recover(sections: dict[str, Section]) -> dict[str, tuple[float | None, int]]:
    """The attack on desk C: (total × n − Σ other published group × n) / n left."""
    total = sections["All respondents"]
    groups = [s for k, s in sections.items() if k not in ("All respondents", "Loket C")]
    out: dict[str, tuple[float | None, int]] = {}
    for code in CODES:
        n_t, v_t = total["elements"][code]
        shown = [g["elements"][code] for g in groups if g["elements"].get(code, (None,))[0]]
        shown = [(n, v) for n, v in shown if v is not None]
        left = n_t - sum(n for n, _ in shown)
        rest = (n_t * v_t - sum(n * v for n, v in shown)) / left if left else None
        out[code] = (rest, left)
    shown_idx = [(g["n"], g["index"]) for g in groups if g["n"] and g["index"] is not None]
    left = total["n"] - sum(n for n, _ in shown_idx)
    rest = (total["n"] * total["index"] - sum(n * v for n, v in shown_idx)) / left
    out["index"] = (rest, left)
    return out


@pytest.mark.parametrize("fmt", list(PARSERS))
def test_group_of_two_is_neither_shown_nor_recoverable(fmt: str) -> None:
    responses = _survey()
    truth = _truth(responses)
    render, parse = PARSERS[fmt]
    report = sq.skm_report(responses, by="desk")
    sections = parse(render(report))
    assert set(sections) == {"All respondents", *SIZES}
    small = sections["Loket C"]
    assert small["n"] is None
    assert small["index"] is None
    assert all(v == (None, None) for v in small["elements"].values())  # no row or markers
    if fmt != "json":
        assert "n < 5" in html.unescape(small["body"])
    # the group of 30 is withheld too: else total − group of 40 − group of 30 = group of 2
    assert sections["Loket B"]["index"] is None
    assert sections["Loket A"]["index"] is not None
    for key, (rest, left) in _recover(sections).items():
        assert left == 32, key  # the leftover pools desks B and C: 30 + 2 respondents
        wanted = truth["index"] if key == "index" else truth["nrr"][key]
        assert rest is not None
        assert abs(rest - wanted) > 0.5, key  # desk C's 1.5 (37.5 on the index) is not found


@pytest.mark.parametrize("fmt", list(PARSERS))
def test_without_suppression_the_attack_recovers_the_group(fmt: str) -> None:
    responses = _survey()
    truth = _truth(responses)
    render, parse = PARSERS[fmt]
    report = sq.skm_report(responses, by="desk", min_group_size=0)
    sections = parse(render(report))
    assert sections["Loket C"]["n"] == 2
    for key, (rest, left) in _recover(sections).items():
        assert left == 2
        wanted = truth["index"] if key == "index" else truth["nrr"][key]
        assert rest == pytest.approx(wanted, abs=0.4 if key == "index" else 0.04), key
    assert "suppression off (min_group_size = 0)" in render_text(report)


def test_an_element_answered_by_few_is_withheld_with_its_index() -> None:
    # Desk A: only 3 of 40 answered U5. U5 of desk A is withheld (n < 5), and desk A's
    # index too: the index and the 8 shown NRRs would give U5 back.
    responses = _survey(answered_u5_in_a=3)
    report = sq.skm_report(responses, by="desk")
    a, b, c = report.groups
    assert a.element("U5").suppressed == "small"
    assert (a.element("U5").nrr, a.element("U5").n) == (None, None)
    assert (a.index, a.grade, a.n) == (None, None, 40)
    assert a.element("U1").nrr is not None
    assert (b.suppressed, c.suppressed) == ("complementary", "small")
    assert "U5" not in a.weakest
    text = render_text(report)
    assert "SKM index withheld: it would reveal a withheld element" in text
    assert re.search(r"U5 .*n < 5", text)


def test_overall_element_answered_by_few() -> None:
    scores = np.random.default_rng(5).integers(1, 5, size=(20, 9)).astype(float)
    scores[3:, 6] = np.nan  # U7 answered by 3 of 20
    responses = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017)
    report = sq.skm_report(responses)
    assert report.overall.element("U7").suppressed == "small"
    assert report.overall.index is None  # it would give U7 back
    assert report.overall.n == 20
    assert sq.skm_report(responses, min_group_size=3).overall.index is not None


def test_no_warning_tells_about_a_withheld_group() -> None:
    # Desk C alone: one respondent. skm_index warns about it; the report does not repeat it
    # while the desk is withheld, and does with suppression off.
    scores = np.random.default_rng(8).integers(1, 5, size=(21, 9)).astype(float)
    desks = np.array(["A"] * 10 + ["B"] * 10 + ["C"])
    responses = sq.Responses.from_arrays(
        scores, sq.instruments.SKM_2017, attributes={"desk": desks}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = sq.skm_report(responses, by="desk")
    assert report.groups[2].suppressed == "small"
    with pytest.warns(DegenerateDataWarning, match="1 respondent in domain desk='C'"):
        sq.skm_report(responses, by="desk", min_group_size=0)


def test_ipa_section_follows_the_threshold() -> None:
    # The IPA table shows means over everyone: an item with 3 importance answers is a
    # mean of 3 people, so the section is left out (with a warning saying why).
    rng = np.random.default_rng(9)
    scores = rng.integers(1, 5, size=(20, 9)).astype(float)
    importance = rng.integers(1, 5, size=(20, 9)).astype(float)
    importance[3:, 7] = np.nan  # imp_U8 answered by 3
    attributes = {f"imp_U{j + 1}": importance[:, j] for j in range(9)}
    responses = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017, attributes=attributes)
    with pytest.warns(DegenerateDataWarning, match="item 'U8' has fewer than 5 answers"):
        report = sq.skm_report(responses)
    assert report.ipa is None
    assert sq.skm_report(responses, min_group_size=3).ipa is not None


def test_json_round_trips_and_holds_no_withheld_figure() -> None:
    responses = _survey()
    report = sq.skm_report(responses, by="desk")
    text = render_json(report)
    assert Report.model_validate_json(text) == report
    small = json.loads(text)["groups"][2]
    assert small["suppressed"] == "small"
    assert (small["n"], small["index"], small["weakest"]) == (None, None, [])
    assert {e["nrr"] for e in small["elements"]} == {None}
    assert json.loads(text)["method"]["min_group_size"] == 5


def _figures(section: Any) -> set[str]:
    """Every unrounded number of a section as ``repr`` writes it (as ``data-`` attributes do)."""
    out = set()
    if section.index is not None:
        out |= {repr(section.index.value), repr(section.index.ci.low), repr(section.index.ci.high)}
    for e in section.elements:
        out |= {repr(e.nrr), repr(e.converted), repr(e.weighted_nrr)}
        if e.ci is not None:
            out |= {repr(e.ci.low), repr(e.ci.high)}
    return out


def _html_part(page: str, group: str) -> str:
    return page.split(f'data-group="{group}"')[1].split("</section>")[0]


def test_withheld_figures_carry_no_interval_anywhere() -> None:
    # An element's interval is 25 × (NRR ± margin): its midpoint is the NRR itself, so a
    # withheld cell must not keep it, in the model, the JSON or the HTML (data- attributes,
    # chart marks). The same survey with suppression off gives the figures to look for.
    responses = _survey()
    report = sq.skm_report(responses, by="desk")
    shown = sq.skm_report(responses, by="desk", min_group_size=0)
    a, b, c = report.groups
    assert all(e.ci is not None for e in (*report.overall.elements, *a.elements))
    assert all(e.ci is None for e in (*b.elements, *c.elements))
    assert all(e.ci is not None for g in shown.groups for e in g.elements)
    data = json.loads(render_json(report))
    assert [e["ci"] for g in data["groups"][1:] for e in g["elements"]] == [None] * 18
    page = render_html(report)
    for hidden, truth in zip((b, c), shown.groups[1:], strict=True):
        part = _html_part(page, str(hidden.group))
        assert "data-value" not in part
        assert "data-low" not in part
        assert 'class="bar' not in part
        assert 'class="whisker' not in part
        assert "<svg" not in part
        assert "<table" not in part
        leaked = {f for f in _figures(truth) if f'"{f}"' in page}  # as an attribute value
        assert not leaked, leaked
    groups = page.split('data-chart="groups"')[1].split("</svg>")[0]
    assert re.findall(r'class="(\w+)" data-key="Loket [BC]"', groups) == ["withheld"] * 2
    assert "n &lt; 5" in groups


def test_a_withheld_element_carries_no_interval() -> None:
    # Desk A published, its U5 (3 answers) and therefore its index withheld.
    responses = _survey(answered_u5_in_a=3)
    report = sq.skm_report(responses, by="desk")
    truth = sq.skm_report(responses, by="desk", min_group_size=0).groups[0]
    a = report.groups[0]
    assert (a.element("U5").ci, a.index) == (None, None)
    assert a.element("U1").ci is not None
    part = _html_part(render_html(report), "Loket A")
    assert 'data-key="U5"' in part  # a bar-less row saying why
    assert re.findall(r'class="(\w+)" data-key="U5"', part) == ["withheld"]
    assert 'data-key="index"' not in part  # no index bar: it is withheld
    assert 'data-key="U1"' in part
    assert "data-low" in part
    leaked = {repr(truth.element("U5").nrr), repr(truth.element("U5").converted)}
    ci = truth.element("U5").ci
    assert ci is not None
    leaked |= {repr(ci.low), repr(ci.high), repr(truth.index.value)}
    assert not {f for f in leaked if f'"{f}"' in part}


def test_plot_draws_no_withheld_group() -> None:
    pytest.importorskip("matplotlib")
    responses = _survey()
    report = sq.skm_report(responses, by="desk")
    ax = sq.plot_skm(report)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(t.startswith("Loket A") for t in labels)
    assert not any("Loket B" in t or "Loket C" in t for t in labels)
    ax = sq.plot_skm(sq.skm_index(responses, by="desk"))  # the same rule for results
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any("Loket B" in t or "Loket C" in t for t in labels)
    ax = sq.plot_skm(sq.skm_index(responses, by="desk"), min_group_size=0)
    assert any("Loket C" in t.get_text() for t in ax.get_legend().get_texts())


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (-1, ParameterError, "min_group_size must be at least 0, got -1"),
        (2.5, ParameterError, "min_group_size must be a whole number.*got 2.5"),
        (True, ParameterError, "min_group_size must be a whole number.*got True"),
    ],
)
def test_bad_min_group_size(value: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        sq.skm_report(_survey(), min_group_size=value)  # type: ignore[arg-type]


def test_notes_one_string_is_one_note() -> None:
    report = sq.skm_report(_survey(), notes="abc")
    assert report.notes == ("abc",)
    assert sq.skm_report(_survey(), notes=["a", "b"]).notes == ("a", "b")
    with pytest.raises(ServqualTypeError, match=r"notes\[1\] must be a string, got 3"):
        sq.skm_report(_survey(), notes=["a", 3])  # type: ignore[list-item]
    with pytest.raises(ServqualTypeError, match="notes must be a string or a sequence"):
        sq.skm_report(_survey(), notes=5)  # type: ignore[arg-type]


# ------------------------------------------------------------ the rule on random tables


def _attack(sizes: list[int], counts: list[list[int]], p: Plan, m: int) -> list[str]:
    """Hidden figures an attacker can solve for, knowing all counts and shown figures."""
    n_sec, k = len(sizes), len(counts[0])
    unknown: dict[tuple[str, int, int], int] = {}

    def var(key: tuple[str, int, int]) -> int:
        return unknown.setdefault(key, len(unknown))

    relations: list[dict[int, float]] = []
    for s in range(n_sec):  # index definitions: index − Σ w_j NRR_j = 0
        rel: dict[int, float] = {}
        if p.index_hidden[s]:
            rel[var(("index", s, 0))] = 1.0
        for j in range(k):
            if p.cells[s][j] is not None and counts[s][j] > 0:
                rel[var(("cell", s, j))] = -1.0 / k
        relations.append(rel)
    for j in range(k):  # column totals: n_j NRR_j = Σ_g n_gj NRR_gj + remainder
        rel = {}
        if p.cells[0][j] is not None and counts[0][j] > 0:
            rel[var(("cell", 0, j))] = float(counts[0][j])
        for s in range(1, n_sec):
            if p.cells[s][j] is not None and counts[s][j] > 0:
                rel[var(("cell", s, j))] = -float(counts[s][j])
        left = counts[0][j] - sum(counts[s][j] for s in range(1, n_sec))
        if left > 0:
            rel[var(("rest", 0, j))] = -float(left)
        relations.append(rel)
    if not unknown:
        return []
    a = np.zeros((len(relations), len(unknown)))
    for r, rel in enumerate(relations):
        for v, c in rel.items():
            a[r, v] = c
    rank = np.linalg.matrix_rank(a)
    solved = []
    for key, v in unknown.items():
        e = np.zeros(len(unknown))
        e[v] = 1.0
        if _sensitive(key, counts, p, m) and np.linalg.matrix_rank(np.vstack([a, e])) == rank:
            solved.append(f"{key[0]} of section {key[1]}, element {key[2]}")
    return solved


def _sensitive(key: tuple[str, int, int], counts: list[list[int]], p: Plan, m: int) -> bool:
    """A figure on fewer than m people: a small cell, a small section's index, a small rest.

    A complementary cell rests on at least m people: if it can be solved for, nothing
    small is revealed (the algebra would also solve for the small ones if it could).
    """
    kind, s, j = key
    if kind == "cell":
        return p.cells[s][j] == "small"
    if kind == "index":
        return p.sections[s] == "small"
    left = counts[0][j] - sum(c[j] for c in counts[1:])
    return 0 < left < m


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[int], list[list[int]], int]:
    k = draw(st.integers(1, 4))
    n_groups = draw(st.integers(1, 5))
    sizes, counts = [], []
    for _ in range(n_groups + draw(st.sampled_from([0, 0, 1]))):  # maybe a remainder
        size = draw(st.integers(1, 14))
        sizes.append(size)
        answered = [draw(st.sampled_from([size, size, draw(st.integers(0, size))]))
                    for _ in range(k - 1)]  # fmt: skip
        counts.append([size, *answered])  # everyone answered something
    total = [sum(col) for col in zip(*counts, strict=True)]
    return [sum(sizes), *sizes[:n_groups]], [total, *counts[:n_groups]], draw(st.integers(1, 6))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(tables())
def test_no_withheld_figure_can_be_solved_for(
    table: tuple[list[int], list[list[int]], int],
) -> None:
    sizes, counts, m = table
    p = plan(sizes, counts, m)
    assert _attack(sizes, counts, p, m) == []
    for s, size in enumerate(sizes):  # primary: everything under m is withheld
        if size < m:
            assert p.sections[s] == "small"
        for j, n in enumerate(counts[s]):
            if 0 < n < m:
                assert p.cells[s][j] is not None
            if p.cells[s][j] is not None:
                assert p.index_hidden[s]
    for j in range(len(counts[0])):  # what is hidden in a column pools at least m people
        if p.cells[0][j] is None:
            hidden = [counts[s][j] for s in range(1, len(sizes)) if p.cells[s][j] and counts[s][j]]
            left = counts[0][j] - sum(counts[s][j] for s in range(1, len(sizes)))
            assert not hidden or sum(hidden) + left >= m


def test_the_attacker_wins_against_primary_suppression_alone() -> None:
    # Hide only what rests on fewer than 5 people, as a naive report would: solved.
    sizes, counts = [72, 40, 30, 2], [[72, 72], [40, 40], [30, 30], [2, 2]]
    naive = Plan(
        [None, None, None, "small"], [[None] * 2] * 3 + [["small"] * 2], [False] * 3 + [True]
    )
    assert sorted(_attack(sizes, counts, naive, 5)) == [
        "cell of section 3, element 0",
        "cell of section 3, element 1",
        "index of section 3, element 0",
    ]
    full = plan(sizes, counts, 5)
    assert full.sections == [None, None, "complementary", "small"]
    assert _attack(sizes, counts, full, 5) == []
    # An element answered by 3 of a group of 40: hiding it alone leaks it via the index.
    counts = [[72, 72], [40, 3], [30, 30]]
    naive = Plan([None] * 3, [[None, None], [None, "small"], [None, None]], [False] * 3)
    assert "cell of section 1, element 1" in _attack([72, 40, 30], counts, naive, 5)
    assert _attack([72, 40, 30], counts, plan([72, 40, 30], counts, 5), 5) == []


def test_an_element_column_gets_its_own_complement() -> None:
    # Groups of 40, 30, 35; U2 answered by 3 in the first: no group is small, but in U2's
    # column the smallest other answer count (30) is withheld, and both indices with it.
    counts = [[105, 68], [40, 3], [30, 30], [35, 35]]
    p = plan([105, 40, 30, 35], counts, 5)
    assert p.sections == [None] * 4
    assert [row[1] for row in p.cells] == [None, "small", "complementary", None]
    assert [row[0] for row in p.cells] == [None] * 4
    assert p.index_hidden == [False, True, True, False]
    assert _attack([105, 40, 30, 35], counts, p, 5) == []


@pytest.mark.parametrize(
    ("sizes", "counts", "match"),
    [
        ([], [], "one size and one row of counts per section, got 0 sizes"),
        ([5, 5], [[5]], "got 2 sizes and 1 rows"),
        ([5, 5], [[5, 5], [5]], "counts row 1 has 1 elements, row 0 has 2"),
        ([5, -1], [[5], [1]], r"section 1 has a negative count: -1, \[1\]"),
    ],
)
def test_plan_refuses_a_bad_table(sizes: list[int], counts: list[list[int]], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        plan(sizes, counts, 5)


def test_remainder_counts_as_a_hidden_group() -> None:
    # 3 respondents with no group value: total − groups gives them, so a group goes too.
    p = plan([73, 40, 30], [[73], [40], [30]], 5)
    assert p.sections == [None, None, "complementary"]
    # 10 without a group value may be derived: a figure of 10 people is not a small group
    assert plan([80, 40, 30], [[80], [40], [30]], 5).sections == [None, None, None]
