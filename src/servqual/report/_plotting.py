"""Helpers of :mod:`servqual.report.plots`: words, colours, labels, and the SKM drawing.

Nothing here imports matplotlib at module level; :func:`require_matplotlib` imports it
when a plot is drawn.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from servqual.errors import ServqualTypeError, ValidationError
from servqual.indices.grades import THRESHOLDS, Regime, grade_of, thresholds
from servqual.indices.skm_result import SKMResult
from servqual.models.results import Estimate
from servqual.report._labels import Language, fmt, fmt_level, word
from servqual.report.model import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

MISSING_MATPLOTLIB = 'plotting needs matplotlib; install it with: pip install "servqual[plot]"'

# Okabe & Ito's colour-blind-safe palette.
GRADE_COLORS = {"A": "#009E73", "B": "#56B4E9", "C": "#E69F00", "D": "#D55E00"}
GROUP_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
PLAIN = "#0072B2"
REGIME_NAMES = {"skm-2017": "SKM 2017", "ikm-2004": "IKM 2004"}
SCALE = (25.0, 100.0)  # converted values: NRR 1–4 × 25

WORDS = {
    "converted": ("Converted value (NRR × 25)", "Nilai konversi (NRR × 25)"),
    "by": ("SKM index by {by}", "Indeks SKM per {by}"),
    "thresholds": ("Grade thresholds", "Batas mutu"),
    "ipa": ("Importance–performance analysis", "Analisis kepentingan–kinerja"),
    "performance": ("Performance (mean)", "Kinerja (rata-rata)"),
    "importance": ("Importance (mean)", "Kepentingan (rata-rata)"),
    "clear": ("Quadrant clear", "Kuadran jelas"),
    "unclear": ("Interval crosses a line", "Interval memotong garis"),
    "detractors": ("Detractors (0–6)", "Detraktor (0–6)"),
    "passives": ("Passives (7–8)", "Pasif (7–8)"),
    "promoters": ("Promoters (9–10)", "Promotor (9–10)"),
    "shares": ("Share of respondents (%)", "Persentase responden (%)"),
    "nps_axis": ("Net Promoter Score (−100 to 100)", "Net Promoter Score (−100 s.d. 100)"),
    "share_row": ("Shares", "Persentase"),
}


def w(key: str, language: Language) -> str:
    en, id_ = WORDS[key]
    return en if language == "en" else id_


def require_matplotlib() -> None:
    """Import matplotlib, or raise an ``ImportError`` saying how to install it.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    """
    try:
        import matplotlib.figure  # noqa: F401  # imported for the check only
    except ImportError as exc:
        raise ImportError(MISSING_MATPLOTLIB) from exc


def axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new constrained-layout Figure (no pyplot)."""
    require_matplotlib()
    from matplotlib.axes import Axes as AxesClass
    from matplotlib.figure import Figure

    if ax is None:
        return Figure(figsize=size, layout="constrained").add_subplot()
    if not isinstance(ax, AxesClass):
        raise ServqualTypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def level(est: Estimate, language: Language) -> str:
    return fmt_level(est.ci.level, language)


def ci_text(est: Estimate, language: Language, digits: int = 2) -> str:
    """``95% CI 78.01–79.53``; with a negative bound ``95% CI −24.7 to 42.1``."""
    ci = est.ci
    if not finite(ci.low, ci.high):
        return f"{level(est, language)} {word('ci', language)}: {word('no_interval', language)}"
    if ci.low < 0:
        to = " to " if language == "en" else " s.d. "
        bounds = minus(fmt(ci.low, digits, language)) + to + minus(fmt(ci.high, digits, language))
    else:
        bounds = f"{fmt(ci.low, digits, language)}–{fmt(ci.high, digits, language)}"
    return f"{level(est, language)} {word('ci', language)} {bounds}"


def minus(text: str) -> str:
    """A typographic minus sign instead of the hyphen."""
    return text.replace("-", "−")


def finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


# --------------------------------------------------------------------------- SKM


class _Series(NamedTuple):
    label: str | None
    est: Estimate
    grade: str
    values: dict[str, float]  # element code → converted value


class _SKMData(NamedTuple):
    series: list[_Series]
    overall: _Series | None  # all respondents, with a grouped Report
    names: dict[str, tuple[str, str | None]]  # code → (name, English name)
    regime: Regime
    by: str | None


def _series(label: str | None, section: Any) -> _Series:
    values = {e.code: float(e.converted) for e in section.elements}
    return _Series(label, section.index, section.grade, values)


def _names(elements: Any) -> dict[str, tuple[str, str | None]]:
    return {e.code: (e.name, e.name_en) for e in elements}


def skm_data(result: object, language: Language) -> _SKMData:
    """Normalize an SKMResult, a ``by=`` mapping of them, or a Report."""
    if isinstance(result, SKMResult):
        series = [_series(result.domain, result)]
        return _SKMData(series, None, _names(result.elements), result.regime, result.by)
    if isinstance(result, Report):
        regime = result.method.regime
        if regime not in THRESHOLDS:
            raise ValidationError(f"the report has an unknown grading regime {regime!r}")
        overall = _series(word("all", language), result.overall)
        groups = [_series(s.group, s) for s in result.groups]
        return _SKMData(
            groups or [overall._replace(label=None)],
            overall if groups else None,
            _names(result.overall.elements),
            cast(Regime, regime),
            result.by,
        )
    if isinstance(result, Mapping) and result:
        results = list(result.values())
        if all(isinstance(r, SKMResult) for r in results):
            if len({r.regime for r in results}) > 1:
                raise ValidationError("the results to plot use different grading regimes")
            series = [_series(str(key), r) for key, r in result.items()]
            first = results[0]
            return _SKMData(series, None, _names(first.elements), first.regime, first.by)
    raise ServqualTypeError(
        "plot_skm needs an SKMResult, a non-empty dict of them (skm_index(..., by=)) or a "
        f"Report, got {type(result).__name__}"
    )


def sorted_codes(data: _SKMData) -> list[str]:
    """Element codes by converted value, lowest first (bottom of the plot); NaN first."""
    basis = [data.overall] if data.overall is not None else data.series

    def key(code: str) -> float:
        values = [s.values.get(code, math.nan) for s in basis]
        finite = [v for v in values if math.isfinite(v)]
        return sum(finite) / len(finite) if finite else -math.inf

    return sorted(data.names, key=key)


def element_label(code: str, data: _SKMData, language: Language) -> str:
    name, name_en = data.names[code]
    text = name_en if language == "en" and name_en else name
    return "\n".join(textwrap.wrap(f"{code} {text}", 30))


def skm_title(data: _SKMData, language: Language) -> str:
    if len(data.series) > 1:
        return w("by", language).format(by=data.by or word("group", language).lower())
    s = data.series[0]
    value = fmt(s.est.value, 2, language)
    text = f"{word('index', language)} {value} ({ci_text(s.est, language)}), "
    text += f"{word('grade', language)} {s.grade}"
    return text if s.label is None else f"{s.label}: {text}"


def skm_bars_single(
    ax: Axes, s: _Series, codes: list[str], regime: Regime, grades: bool, language: Language
) -> None:

    values = [s.values[c] for c in codes]
    colors = [
        GRADE_COLORS[grade_of(v, regime)] if grades and math.isfinite(v) else PLAIN for v in values
    ]
    floor = SCALE[0]
    bars = ax.barh(
        range(len(codes)),
        [v - floor for v in values],
        left=floor,
        height=0.62,
        color=colors,
        zorder=2,
    )
    texts = ax.bar_label(
        bars, labels=[fmt(v, 2, language) for v in values], padding=3, fontsize=8, zorder=4
    )
    for text in texts:
        text.set_bbox({"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85})
    label = f"{word('index', language)} {fmt(s.est.value, 2, language)}"
    _index_line(ax, s.est, "0.1", label, ci_text(s.est, language), zorder=3)


def skm_bars_grouped(ax: Axes, data: _SKMData, codes: list[str], language: Language) -> None:
    m = len(data.series)
    height = 0.84 / m
    floor = SCALE[0]
    for g, s in enumerate(data.series):
        color = GROUP_COLORS[g % len(GROUP_COLORS)]
        y = [i + (m - 1 - 2 * g) * height / 2 for i in range(len(codes))]  # first group on top
        widths = [s.values.get(c, math.nan) - floor for c in codes]
        label = f"{s.label}: {_index_text(s.est, language)}"
        ax.barh(y, widths, left=floor, height=height * 0.92, color=color, label=label, zorder=2)
        _index_line(ax, s.est, color, None, "", zorder=1.5)  # behind the bars
    if data.overall is not None:
        label = f"{data.overall.label}: {_index_text(data.overall.est, language)}"
        _index_line(ax, data.overall.est, "0.1", label, None, zorder=1.6)


def _index_text(est: Estimate, language: Language) -> str:
    return f"{word('index', language)} {fmt(est.value, 2, language)} ({ci_text(est, language)})"


def _index_line(
    ax: Axes, est: Estimate, color: str, label: str | None, band: str | None, *, zorder: float
) -> None:
    """The index as a vertical line; its interval as a shaded band unless ``band`` is None."""
    ax.axvline(est.value, color=color, lw=1.6, zorder=zorder, label=label)
    if band is not None and finite(est.ci.low, est.ci.high):
        alpha = 0.25 if band else 0.15
        ax.axvspan(
            est.ci.low, est.ci.high, color=color, alpha=alpha, lw=0, zorder=1, label=band or None
        )


def grade_lines(ax: Axes, regime: Regime, k: int, language: Language) -> None:
    cuts = thresholds(regime)
    for i, t in enumerate(cuts):
        label = f"{w('thresholds', language)} ({REGIME_NAMES[regime]})" if i == 0 else None
        ax.axvline(t, color="0.35", ls=(0, (2, 2)), lw=0.9, zorder=3, label=label)
    edges = [SCALE[1], *cuts, SCALE[0]]
    for grade, hi, lo in zip("ABCD", edges[:-1], edges[1:], strict=True):
        ax.text(
            (hi + lo) / 2,
            k - 0.05,
            grade,
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold",
            color="0.35",
        )


def legend_below(ax: Axes, *, ncols: int) -> None:
    """The legend under the axes (bars first), clear of the tick labels and axis label."""
    from matplotlib.container import BarContainer
    from matplotlib.transforms import offset_copy

    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(handles)), key=lambda i: not isinstance(handles[i], BarContainer))
    below = offset_copy(ax.transAxes, fig=cast("Figure", ax.figure), y=-36, units="points")
    ax.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        ncols=ncols,
        frameon=False,
        fontsize=8,
    )
