"""Plots of SKM, IPA and NPS results (optional: needs matplotlib).

Install the extra with ``pip install "servqual[plot]"``. The core of servqual never
imports matplotlib; these functions import it when called and raise an ``ImportError``
saying how to install it when it is missing. Each draws on the ``Axes`` it is given, or
on a new :class:`matplotlib.figure.Figure` made without ``pyplot`` (nothing is registered
with a GUI, no global style is changed, any backend works), and returns the ``Axes``.
Save with ``ax.figure.savefig("skm.png", dpi=200)``; in a notebook, show ``ax.figure``.
Numbers are rounded only in the labels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from servqual._escape import plot_text
from servqual.errors import ServqualTypeError
from servqual.indices.ipa import QUADRANTS, IPAResult
from servqual.indices.nps import NPSResult
from servqual.indices.skm_result import SKMResult
from servqual.models.results import Estimate
from servqual.report import _plotting as p
from servqual.report._labels import Language, check_language, fmt, word
from servqual.report._plotting import MISSING_MATPLOTLIB, require_matplotlib
from servqual.report.model import Report

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MISSING_MATPLOTLIB", "plot_ipa", "plot_nps", "plot_skm", "require_matplotlib"]


def plot_skm(
    result: SKMResult | Mapping[str, SKMResult] | Report,
    *,
    ax: Axes | None = None,
    language: Language = "en",
    show_grades: bool = True,
    min_group_size: int = 5,
) -> Axes:
    """Horizontal bars of the elements' converted values, the index, its interval, grades.

    Parameters
    ----------
    result : SKMResult, dict of str to SKMResult, or Report
        One result (one panel); the mapping of ``skm_index(..., by=column)`` (grouped
        bars, one colour and one index line per group); or a :class:`Report` (its groups
        as grouped bars with the overall index as a black line, or its overall section).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    language : {"en", "id"}
        Element names and labels in English or Indonesian (decimal comma).
    show_grades : bool
        Draw the grade thresholds (dotted lines, grade letters on top) and colour a
        single result's bars by grade.
    min_group_size : int
        Fewest respondents a drawn figure may rest on (default 5; 0 draws everything):
        results are suppressed as :func:`servqual.skm_report` suppresses them, so a
        withheld group draws no bars and no index line, and a withheld element no bar.
        A :class:`Report` is drawn as it was built (its own ``min_group_size``).

    Returns
    -------
    matplotlib.axes.Axes
        One bar per element (per group), sorted by value, lowest at the bottom.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    servqual.errors.ServqualTypeError
        If ``result`` or ``ax`` has the wrong type.
    servqual.errors.ParameterError
        An unknown ``language``; a negative ``min_group_size``.

    Notes
    -----
    Bars show ``NRR_j × 25`` from the scale floor 25 up; the index line is
    ``25 Σ_j ω_j NRR_j`` with its shaded confidence band. Thresholds come from
    :func:`servqual.indices.grades.thresholds` (SKM 2017: A ≥ 88.31, B ≥ 76.61,
    C ≥ 65.00).

    Examples
    --------
    >>> import servqual as sq
    >>> ax = sq.plot_skm(sq.skm_index(sq.data.load_demo()))
    >>> bars = ax.containers[0]
    >>> len(bars), round(float(bars[0].get_x() + bars[0].get_width()), 2)
    (9, 64.22)
    >>> ax.get_yticklabels()[0].get_text()  # the weakest element at the bottom
    'U3 Completion time'
    >>> ax.get_title()
    'SKM index 78.77 (95% CI 78.01–79.53), grade B'
    >>> ax.figure.savefig("skm.png", dpi=200)  # doctest: +SKIP
    """
    language = check_language(language)
    data = p.skm_data(result, language, min_group_size)
    codes = p.sorted_codes(data)
    k, m = len(codes), len(data.series)
    ax = p.axes(ax, (8.0, 1.9 + 0.4 * k * max(1.0, 0.6 * m)))
    if m == 1 and data.overall is None:
        p.skm_bars_single(ax, data.series[0], codes, data.regime, show_grades, language)
    else:
        p.skm_bars_grouped(ax, data, codes, language)
    if show_grades:
        p.grade_lines(ax, data.regime, k, language)
    ax.set_yticks(range(k), labels=[p.element_label(c, data, language) for c in codes])
    ax.set_xlim(*p.SCALE)
    ax.set_ylim(-0.6, k - 0.4 + (0.6 if show_grades else 0.0))
    ax.set_xlabel(p.w("converted", language))
    ax.set_title(p.skm_title(data, language))
    p.legend_below(ax, ncols=1 if m > 1 else 3)
    return ax


# --------------------------------------------------------------------------- IPA


def plot_ipa(
    result: IPAResult, *, ax: Axes | None = None, language: Language = "en", labels: bool = True
) -> Axes:
    """Importance–performance grid: items with their intervals, cross-hair, quadrant names.

    Parameters
    ----------
    result : IPAResult
        From :func:`servqual.ipa` (one group).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    language : {"en", "id"}
        Axis labels and quadrant names in English or Indonesian.
    labels : bool
        Write each item's id next to its point.

    Returns
    -------
    matplotlib.axes.Axes
        Performance on x, importance on y; one error-bar container holding both intervals
        of every item; filled points for statistically clear quadrants, open ones for
        items whose interval crosses a cross-hair line.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    servqual.errors.ServqualTypeError
        If ``result`` or ``ax`` has the wrong type.
    servqual.errors.ParameterError
        An unknown ``language``.

    Notes
    -----
    The cross-hair is at ``(P̄, Ī) = (result.performance_line, result.importance_line)``;
    quadrant I (high importance, low performance) is top left.

    Examples
    --------
    >>> import servqual as sq
    >>> from servqual.report.ipa_section import importance_responses
    >>> demo = sq.data.load_demo()
    >>> ax = sq.plot_ipa(sq.ipa(demo, importance_responses(demo)), language="id")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Kinerja (rata-rata)', 'Kepentingan (rata-rata)')
    >>> ax.containers[0].has_xerr, ax.containers[0].has_yerr
    (True, True)
    """
    if not isinstance(result, IPAResult):
        raise ServqualTypeError(
            f"plot_ipa needs an IPAResult (one group), got {type(result).__name__}"
        )
    language = check_language(language)
    ax = p.axes(ax, (7.0, 6.0))
    items = result.items
    x = [i.performance.value for i in items]
    y = [i.importance.value for i in items]
    xerr = _errors([i.performance for i in items])
    yerr = _errors([i.importance for i in items])
    level = p.level(items[0].importance, language) if items else ""
    ax.errorbar(
        x,
        y,
        xerr=xerr,
        yerr=yerr,
        fmt="none",
        ecolor="0.45",
        elinewidth=1.0,
        capsize=2.5,
        zorder=2,
        label=f"{level} {word('ci', language)}",
    )
    ax.axvline(result.performance_line, color="0.2", lw=1.0, zorder=1)
    ax.axhline(result.importance_line, color="0.2", lw=1.0, zorder=1)
    for clear, face, key in ((True, p.PLAIN, "clear"), (False, "white", "unclear")):
        xs = [a for a, i in zip(x, items, strict=True) if i.clear is clear]
        ys = [b for b, i in zip(y, items, strict=True) if i.clear is clear]
        if xs:
            ax.scatter(
                xs,
                ys,
                s=36,
                facecolors=face,
                edgecolors=p.PLAIN,
                linewidths=1.4,
                zorder=3,
                label=p.w(key, language),
            )
    if labels:
        for item, a, b in zip(items, x, y, strict=True):
            ax.annotate(
                plot_text(item.id),
                (a, b),
                xytext=(5, 4),
                textcoords="offset points",
                fontsize=9,
                zorder=4,
            )
    _ipa_limits(ax, result)
    _quadrant_names(ax, language)
    ax.set_xlabel(p.w("performance", language))
    ax.set_ylabel(p.w("importance", language))
    ax.set_title(p.w("ipa", language))
    p.legend_below(ax, ncols=3)
    return ax


def _errors(estimates: list[Estimate]) -> list[list[float]]:
    """Lower and upper error-bar lengths (0 where there is no interval)."""
    lower = [e.value - e.ci.low if p.finite(e.ci.low) else 0.0 for e in estimates]
    upper = [e.ci.high - e.value if p.finite(e.ci.high) else 0.0 for e in estimates]
    return [lower, upper]


def _ipa_limits(ax: Axes, result: IPAResult) -> None:
    """Room for every interval and both cross-hair lines, plus a margin for the names."""
    xs = [result.performance_line]
    ys = [result.importance_line]
    for i in result.items:
        xs += [v for v in (i.performance.ci.low, i.performance.ci.high) if math.isfinite(v)]
        ys += [v for v in (i.importance.ci.low, i.importance.ci.high) if math.isfinite(v)]
    for values, setter in ((xs, ax.set_xlim), (ys, ax.set_ylim)):
        lo, hi = min(values), max(values)
        pad = 0.12 * (hi - lo) if hi > lo else 0.5
        setter(lo - pad, hi + pad)


def _quadrant_names(ax: Axes, language: Language) -> None:
    col = 2 if language == "id" else 1
    spots = {  # (high importance, high performance) → corner of the axes
        (True, False): (0.02, 0.98, "left", "top"),
        (True, True): (0.98, 0.98, "right", "top"),
        (False, False): (0.02, 0.02, "left", "bottom"),
        (False, True): (0.98, 0.02, "right", "bottom"),
    }
    for key, (a, b, ha, va) in spots.items():
        number, name = QUADRANTS[key][0], QUADRANTS[key][col]
        ax.text(
            a,
            b,
            f"{number}  {name}",
            transform=ax.transAxes,
            ha=ha,
            va=va,
            fontsize=9,
            color="0.3",
            style="italic",
            zorder=1,
        )


# --------------------------------------------------------------------------- NPS


def plot_nps(result: NPSResult, *, ax: Axes | None = None, language: Language = "en") -> Axes:
    """Stacked detractor, passive and promoter shares, and the NPS with its interval.

    Parameters
    ----------
    result : NPSResult
        From :func:`servqual.nps` (one group).
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    language : {"en", "id"}
        Labels in English or Indonesian.

    Returns
    -------
    matplotlib.axes.Axes
        The bottom row holds the three stacked shares on 0–100 % (bottom axis); the top
        row the NPS point with its interval on −100…100 (the secondary axis on top).

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    servqual.errors.ServqualTypeError
        If ``result`` or ``ax`` has the wrong type.
    servqual.errors.ParameterError
        An unknown ``language``.

    Notes
    -----
    ``NPS = promoters % − detractors %``; the top axis maps a share ``s`` to ``2s − 100``.

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.nps([10] * 5 + [9] * 3 + [8] * 4 + [7] * 2 + [5] * 3 + [2] * 3)
    >>> ax = sq.plot_nps(r)
    >>> [round(float(bar.get_width()), 1) for bar in ax.patches]  # detractors, passives, promoters
    [30.0, 30.0, 40.0]
    """
    if not isinstance(result, NPSResult):
        raise ServqualTypeError(f"plot_nps needs an NPSResult, got {type(result).__name__}")
    language = check_language(language)
    ax = p.axes(ax, (7.5, 3.0))
    left = 0.0
    parts = (
        ("detractors", result.detractors, "#D55E00"),
        ("passives", result.passives, "0.72"),
        ("promoters", result.promoters, "#009E73"),
    )
    for key, share, color in parts:
        bars = ax.barh([0], [share], left=left, height=0.5, color=color, label=p.w(key, language))
        text = f"{fmt(share, 1, language)} %" if share >= 7 else ""
        ax.bar_label(bars, labels=[text], label_type="center", fontsize=9)
        left += share
    _nps_row(ax, result.nps, language)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.5, 1.6)
    ax.set_yticks([0, 1], labels=[p.w("share_row", language), "NPS"])
    ax.set_xlabel(p.w("shares", language))
    ax.set_title(
        f"NPS {p.minus(fmt(result.nps.value, 1, language))} "
        f"({p.ci_text(result.nps, language, 1)}), n = {result.n}"
    )
    p.legend_below(ax, ncols=3)
    return ax


def _nps_row(ax: Axes, est: Estimate, language: Language) -> None:
    def to_share(v: Any) -> Any:
        return (v + 100.0) / 2.0

    def to_nps(s: Any) -> Any:
        return 2.0 * s - 100.0

    x = to_share(est.value)
    err = [[x - to_share(est.ci.low)], [to_share(est.ci.high) - x]]
    if not p.finite(est.ci.low, est.ci.high):
        err = [[0.0], [0.0]]
    ax.errorbar([x], [1], xerr=err, fmt="o", color="0.1", capsize=4, markersize=6, zorder=3)
    ax.plot([50.0, 50.0], [0.72, 1.28], color="0.5", ls=":", lw=1.0)  # NPS = 0
    top = ax.secondary_xaxis("top", functions=(to_nps, to_share))
    top.set_xlabel(p.w("nps_axis", language))
