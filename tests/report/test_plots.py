"""Plots: one artist per figure, at the coordinates the results and the regulations give.

Each drawn coordinate is compared with the number it must show: the result's own
fields (element ``nrr × 25``, index and interval bounds, IPA means and intervals, NPS
shares) and the grade thresholds printed in Permen PANRB 14/2017 and Kepmenpan 25/2004.
Also: Indonesian labels, drawing on a given Axes, saving a PNG, no pyplot and no global
style change, and the error when matplotlib is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.axes import Axes  # noqa: E402  # after the importorskip
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import servqual as sq  # noqa: E402
from servqual.errors import ParameterError, ServqualTypeError  # noqa: E402
from servqual.report.ipa_section import importance_responses  # noqa: E402

# Permen PANRB 14/2017 (A ≥ 88.31, B ≥ 76.61, C ≥ 65.00) and Kepmenpan 25/2004.
SKM_2017 = (88.31, 76.61, 65.00)
IKM_2004 = (81.26, 62.51, 43.76)

# Twenty answers: 8 promoters (9–10), 6 passives (7–8), 6 detractors (0–6), counted by hand.
NPS_ANSWERS = [10] * 5 + [9] * 3 + [8] * 4 + [7] * 2 + [5] * 3 + [2] * 3


@pytest.fixture(scope="module")
def demo() -> sq.Responses:
    return sq.data.load_demo()


@pytest.fixture(scope="module")
def skm(demo: sq.Responses) -> sq.SKMResult:
    result = sq.skm_index(demo)
    assert isinstance(result, sq.SKMResult)
    return result


@pytest.fixture(scope="module")
def ipa(demo: sq.Responses) -> sq.IPAResult:
    result = sq.ipa(demo, importance_responses(demo))
    assert isinstance(result, sq.IPAResult)
    return result


def _bars(ax: Axes) -> list[Any]:
    return [bar for c in ax.containers if isinstance(c, BarContainer) for bar in c]


def _vertical_lines(ax: Axes, *, dashed: bool) -> list[float]:
    """x of the full-height vertical lines (axvline), dashed or solid."""
    out = []
    for line in ax.lines:
        x = list(line.get_xdata())  # type: ignore[arg-type]
        if len(x) == 2 and x[0] == x[1] and (line.get_linestyle() != "-") is dashed:
            out.append(float(x[0]))
    return out


# --------------------------------------------------------------------------- SKM


def test_skm_one_bar_per_element_sorted_by_value(skm: sq.SKMResult) -> None:
    ax = sq.plot_skm(skm)
    bars = _bars(ax)
    assert len(bars) == len(skm.elements) == 9
    # bar ends at NRR × 25 (the converted value, definition in Permen PANRB 14/2017)
    expected = sorted(e.nrr * 25 for e in skm.elements)
    assert [b.get_x() + b.get_width() for b in bars] == pytest.approx(expected, abs=1e-12)
    assert all(b.get_x() == 25.0 for b in bars)  # from the scale floor
    by_value = sorted(skm.elements, key=lambda e: e.converted)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert [label.split()[0] for label in labels] == [e.code for e in by_value]
    assert labels[0] == "U3 Completion time"
    assert ax.get_xlabel() == "Converted value (NRR × 25)"
    assert ax.get_xlim() == (25.0, 100.0)


def test_skm_threshold_lines_and_grade_letters(skm: sq.SKMResult) -> None:
    ax = sq.plot_skm(skm)
    assert sorted(_vertical_lines(ax, dashed=True)) == sorted(SKM_2017)
    assert {t.get_text() for t in ax.texts} >= {"A", "B", "C", "D"}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Grade thresholds (SKM 2017)" in legend


def test_skm_thresholds_follow_the_regime(skm: sq.SKMResult) -> None:
    ikm = skm.model_copy(update={"regime": "ikm-2004"})
    ax = sq.plot_skm(ikm)
    assert sorted(_vertical_lines(ax, dashed=True)) == sorted(IKM_2004)


def test_skm_index_line_and_interval_band(skm: sq.SKMResult) -> None:
    ax = sq.plot_skm(skm)
    assert _vertical_lines(ax, dashed=False) == [pytest.approx(skm.index.value, abs=1e-12)]
    bands = [p for p in ax.patches if p not in _bars(ax)]
    low, high = skm.index.ci.low, skm.index.ci.high
    (band,) = bands
    xs = band.get_patch_transform().transform(band.get_path().vertices)[:, 0]
    assert (xs.min(), xs.max()) == pytest.approx((low, high), abs=1e-9)
    # the headline as servqual.render_text prints it
    assert ax.get_title() == "SKM index 78.77 (95% CI 78.01–79.53), grade B"


def test_skm_bars_coloured_by_grade(skm: sq.SKMResult) -> None:
    ax = sq.plot_skm(skm)
    by_value = sorted(skm.elements, key=lambda e: e.converted)
    colours = {e.grade: b.get_facecolor() for e, b in zip(by_value, _bars(ax), strict=True)}
    assert len(set(colours.values())) == len(colours) == 4  # U4 A, … , U3 D: four grades
    plain = sq.plot_skm(skm, show_grades=False)
    assert len({b.get_facecolor() for b in _bars(plain)}) == 1
    assert _vertical_lines(plain, dashed=True) == []
    assert not {t.get_text() for t in plain.texts} & {"A", "B", "C", "D"}


def test_skm_indonesian_labels(skm: sq.SKMResult) -> None:
    ax = sq.plot_skm(skm, language="id")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "U3 Waktu penyelesaian"
    assert "U1 Persyaratan" in labels
    assert ax.get_xlabel() == "Nilai konversi (NRR × 25)"
    assert ax.get_title() == "Indeks SKM 78,77 (95% SK 78,01–79,53), mutu B"  # decimal comma
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Batas mutu (SKM 2017)" in legend


def test_skm_long_names_are_wrapped(skm: sq.SKMResult) -> None:
    labels = [t.get_text() for t in sq.plot_skm(skm).get_yticklabels()]
    u8 = next(label for label in labels if label.startswith("U8"))
    assert u8 == "U8 Handling of complaints,\nsuggestions and feedback"


def test_skm_by_groups_as_grouped_bars(demo: sq.Responses) -> None:
    groups = sq.skm_index(demo, by="service")
    assert isinstance(groups, dict)
    ax = sq.plot_skm(groups)
    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(containers) == 3
    assert len(_bars(ax)) == 27  # 9 elements × 3 services
    for container, result in zip(containers, groups.values(), strict=True):
        ends = sorted(b.get_x() + b.get_width() for b in container)
        assert ends == pytest.approx(sorted(e.nrr * 25 for e in result.elements), abs=1e-12)
    solid = sorted(_vertical_lines(ax, dashed=False))
    assert solid == pytest.approx(sorted(r.index.value for r in groups.values()), abs=1e-12)
    assert ax.get_title() == "SKM index by service"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "KTP-el: SKM index 72.72 (95% CI 71.50–73.94)" in legend


def test_skm_report_with_groups_adds_the_overall_line(demo: sq.Responses) -> None:
    report = sq.skm_report(demo, by="service")
    ax = sq.plot_skm(report)
    assert len(_bars(ax)) == 27
    solid = _vertical_lines(ax, dashed=False)
    assert report.overall.index.value in solid
    assert len(solid) == 4  # three services and all respondents
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "All respondents: SKM index 78.77 (95% CI 78.01–79.53)" in legend


def test_skm_report_without_groups_is_one_panel(demo: sq.Responses, skm: sq.SKMResult) -> None:
    ax = sq.plot_skm(sq.skm_report(demo))
    assert len(_bars(ax)) == 9
    assert ax.get_title() == sq.plot_skm(skm).get_title()


def test_skm_domain_result_names_its_group(demo: sq.Responses) -> None:
    groups = sq.skm_index(demo, by="service")
    assert isinstance(groups, dict)
    ax = sq.plot_skm(groups["KTP-el"])
    assert ax.get_title().startswith("KTP-el: SKM index 72.72")


def test_skm_without_interval_or_answers(skm: sq.SKMResult) -> None:
    # a domain of one respondent has no interval; an element nobody answered has NaN
    nan = float("nan")
    elements = (skm.elements[0].model_copy(update={"nrr": nan, "converted": nan}),)
    ci = skm.index.ci.model_copy(update={"low": nan, "high": nan})
    bare = skm.model_copy(
        update={
            "elements": elements + skm.elements[1:],
            "index": skm.index.model_copy(update={"ci": ci}),
        }
    )
    ax = sq.plot_skm(bare)  # no warning (filterwarnings = error)
    assert ax.get_title() == "SKM index 78.77 (95% CI: no interval), grade B"
    assert ax.get_yticklabels()[0].get_text() == "U1 Requirements"  # NaN sorts first
    assert [p for p in ax.patches if p not in _bars(ax)] == []  # no band


def test_skm_draws_on_the_given_axes(skm: sq.SKMResult) -> None:
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert sq.plot_skm(skm, ax=right) is right
    assert len(_bars(right)) == 9
    assert _bars(left) == []


@pytest.mark.parametrize(
    ("result", "match"),
    [
        (42, r"plot_skm needs an SKMResult, .* got int"),
        ({}, "plot_skm needs an SKMResult, a non-empty dict"),
        ({"a": 1}, "got dict"),
    ],
)
def test_skm_wrong_input(result: object, match: str) -> None:
    with pytest.raises(ServqualTypeError, match=match):
        sq.plot_skm(result)  # type: ignore[arg-type]


def test_bad_language_and_axes(skm: sq.SKMResult) -> None:
    with pytest.raises(ParameterError, match=r"language must be one of \['en', 'id'\], got 'fr'"):
        sq.plot_skm(skm, language="fr")  # type: ignore[arg-type]
    with pytest.raises(ServqualTypeError, match="ax must be a matplotlib Axes or None, got str"):
        sq.plot_skm(skm, ax="left")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- IPA


def test_ipa_points_intervals_and_crosshair(ipa: sq.IPAResult) -> None:
    ax = sq.plot_ipa(ipa)
    (errorbars,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert errorbars.has_xerr
    assert errorbars.has_yerr
    x_segments, y_segments = errorbars.lines[2]
    # performance on x, importance on y (Martilla & James 1977; the IPAResult's axes)
    for seg, item in zip(x_segments.get_segments(), ipa.items, strict=True):
        assert seg[:, 0] == pytest.approx([item.performance.ci.low, item.performance.ci.high])
        assert seg[:, 1] == pytest.approx([item.importance.value] * 2)
    for seg, item in zip(y_segments.get_segments(), ipa.items, strict=True):
        assert seg[:, 1] == pytest.approx([item.importance.ci.low, item.importance.ci.high])
    assert ax.get_xlabel() == "Performance (mean)"
    assert ax.get_ylabel() == "Importance (mean)"
    lines = {(tuple(line.get_xdata()), tuple(line.get_ydata())) for line in ax.lines}  # type: ignore[arg-type]
    assert ((ipa.performance_line,) * 2, (0, 1)) in lines
    assert ((0, 1), (ipa.importance_line,) * 2) in lines


def test_ipa_clear_and_unclear_points(ipa: sq.IPAResult) -> None:
    ax = sq.plot_ipa(ipa)
    sizes = [len(c.get_offsets()) for c in ax.collections if c.get_label() in _CLEAR_LABELS]
    clear = sum(i.clear for i in ipa.items)
    assert sorted(sizes) == sorted([clear, len(ipa.items) - clear])  # demo: 7 clear, 2 not
    assert clear == 7


_CLEAR_LABELS = {"Quadrant clear", "Interval crosses a line"}


def test_ipa_labels_and_quadrant_names(ipa: sq.IPAResult) -> None:
    texts = {t.get_text() for t in sq.plot_ipa(ipa).texts}
    assert {i.id for i in ipa.items} <= texts
    assert {"I  Concentrate here", "II  Keep up the good work"} <= texts
    assert {"III  Low priority", "IV  Possible overkill"} <= texts
    bare = {t.get_text() for t in sq.plot_ipa(ipa, labels=False).texts}
    assert not {i.id for i in ipa.items} & bare


def test_ipa_indonesian(ipa: sq.IPAResult) -> None:
    ax = sq.plot_ipa(ipa, language="id")
    texts = {t.get_text() for t in ax.texts}
    assert {"I  Prioritas utama", "II  Pertahankan prestasi"} <= texts
    assert {"III  Prioritas rendah", "IV  Berlebihan"} <= texts
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Kinerja (rata-rata)", "Kepentingan (rata-rata)")
    assert ax.get_title() == "Analisis kepentingan–kinerja"


def test_ipa_limits_hold_every_interval(ipa: sq.IPAResult) -> None:
    ax = sq.plot_ipa(ipa)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for item in ipa.items:
        assert x0 < item.performance.ci.low
        assert item.performance.ci.high < x1
        assert y0 < item.importance.ci.low
        assert item.importance.ci.high < y1


def test_ipa_wrong_input(skm: sq.SKMResult) -> None:
    with pytest.raises(ServqualTypeError, match=r"plot_ipa needs an IPAResult .* got SKMResult"):
        sq.plot_ipa(skm)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- NPS


def test_nps_shares_and_interval() -> None:
    r = sq.nps(NPS_ANSWERS)
    ax = sq.plot_nps(r)
    bars = _bars(ax)
    assert [b.get_width() for b in bars] == pytest.approx([30.0, 30.0, 40.0])  # 6, 6, 8 of 20
    assert [b.get_x() for b in bars] == pytest.approx([0.0, 30.0, 60.0])
    (errorbar,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    (segment,) = errorbar.lines[2][0].get_segments()
    # the top axis maps a share s to 2s − 100, so an NPS v sits at (v + 100) / 2
    expected = [(r.nps.ci.low + 100) / 2, (r.nps.ci.high + 100) / 2]
    assert segment[:, 0] == pytest.approx(expected)
    (top,) = ax.child_axes
    assert top.get_xlabel() == "Net Promoter Score (−100 to 100)"
    assert ax.get_title().startswith("NPS 10.0 (95% CI −")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Detractors (0–6)", "Passives (7–8)", "Promoters (9–10)"]


def test_nps_indonesian() -> None:
    ax = sq.plot_nps(sq.nps(NPS_ANSWERS), language="id")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Detraktor (0–6)", "Pasif (7–8)", "Promotor (9–10)"]
    assert " s.d. " in ax.get_title()
    assert [t.get_text() for t in ax.texts if t.get_text()] == ["30,0 %", "30,0 %", "40,0 %"]


def test_nps_wrong_input() -> None:
    with pytest.raises(ServqualTypeError, match="plot_nps needs an NPSResult, got list"):
        sq.plot_nps([9, 10])  # type: ignore[arg-type]


# --------------------------------------------------------------------------- files, state


def test_each_plot_saves_a_png(tmp_path: Path, skm: sq.SKMResult, ipa: sq.IPAResult) -> None:
    axes = {
        "skm": sq.plot_skm(skm),
        "ipa": sq.plot_ipa(ipa),
        "nps": sq.plot_nps(sq.nps(NPS_ANSWERS)),
    }
    for name, ax in axes.items():
        path = tmp_path / f"{name}.png"
        fig = ax.figure
        assert isinstance(fig, Figure)
        fig.savefig(path, dpi=80)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        height, width = matplotlib.image.imread(path).shape[:2]
        assert (width, height) == pytest.approx(tuple(fig.get_size_inches() * 80), abs=1)


def test_no_global_style_change(skm: sq.SKMResult, ipa: sq.IPAResult) -> None:
    before = dict(matplotlib.rcParams)
    sq.plot_skm(skm)
    sq.plot_ipa(ipa)
    sq.plot_nps(sq.nps(NPS_ANSWERS))
    assert dict(matplotlib.rcParams) == before


def test_neither_import_nor_plot_loads_pyplot() -> None:
    code = (
        "import sys, servqual as sq\n"
        "assert 'matplotlib' not in sys.modules\n"
        "sq.plot_skm(sq.skm_index(sq.data.load_demo()))\n"
        "assert 'matplotlib' in sys.modules and 'matplotlib.pyplot' not in sys.modules\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", ["plot_skm", "plot_ipa", "plot_nps"])
def test_missing_matplotlib_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, name: str, skm: sq.SKMResult, ipa: sq.IPAResult
) -> None:
    for module in ("matplotlib", "matplotlib.figure", "matplotlib.axes"):
        monkeypatch.setitem(sys.modules, module, None)
    result = {"plot_skm": skm, "plot_ipa": ipa, "plot_nps": sq.nps(NPS_ANSWERS)}[name]
    with pytest.raises(ImportError, match=r'pip install "servqual\[plot\]"'):
        getattr(sq, name)(result)
