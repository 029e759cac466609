"""Inline SVG charts of a report, drawn as text: no matplotlib, no scripts, no network.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` for screen readers;
every mark carries ``data-`` attributes with the unrounded value it draws, so a browser
test can check the drawing against the JSON report. Values are placed on a fixed axis
(25–100 for SKM, the answer scale for IPA); nothing is rounded except SVG coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape
from typing import NamedTuple

from servqual.indices.ipa import IPAResult

__all__ = ["Bar", "IPAText", "bar_chart", "ipa_chart", "ipa_range"]

_WIDTH = 680
_LEFT = 210
_RIGHT = 20
_ROW = 24
_TOP = 34
_BANDS = ("#f6d5d1", "#fbe8c8", "#dcebd5", "#cfe3f3")  # D, C, B, A: light enough to print
_GRADES = ("D", "C", "B", "A")


class Bar(NamedTuple):
    """One bar: a label, its value and an optional interval (NaN bounds: none).

    A NaN value draws no bar, only ``note`` (a value the report withholds).
    """

    key: str
    label: str
    value: float
    low: float = math.nan
    high: float = math.nan
    emphasis: bool = False
    note: str = ""


def _x(value: float, lo: float, hi: float) -> float:
    clipped = min(max(value, lo), hi)
    return _LEFT + (clipped - lo) / (hi - lo) * (_WIDTH - _LEFT - _RIGHT)


def _f(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _open(chart_id: str, height: float, title: str, desc: str, kind: str) -> list[str]:
    return [
        f'<svg class="chart" data-chart="{kind}" role="img" viewBox="0 0 {_WIDTH} {_f(height)}" '
        f'width="{_WIDTH}" height="{_f(height)}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _bands(cuts: Sequence[float], lo: float, hi: float, bottom: float) -> list[str]:
    """Grade bands behind the bars, lowest grade first, with the grade letter on top."""
    edges = [lo, *sorted(cuts), hi]
    out = []
    for k in range(len(edges) - 1):
        x0, x1 = _x(edges[k], lo, hi), _x(edges[k + 1], lo, hi)
        grade = _GRADES[k] if len(edges) - 1 == len(_GRADES) else ""
        out.append(
            f'<rect class="band" data-grade="{grade}" x="{_f(x0)}" y="{_TOP - 14}" '
            f'width="{_f(x1 - x0)}" height="{_f(bottom - _TOP + 14)}" fill="{_BANDS[k % 4]}"/>'
        )
        out.append(
            f'<text x="{_f((x0 + x1) / 2)}" y="{_TOP - 18}" text-anchor="middle" '
            f'class="band-label">{grade}</text>'
        )
    return out


def _axis(lo: float, hi: float, y: float, ticks: Sequence[float]) -> list[str]:
    out = [f'<line x1="{_LEFT}" y1="{_f(y)}" x2="{_WIDTH - _RIGHT}" y2="{_f(y)}" class="axis"/>']
    for t in ticks:
        x = _f(_x(t, lo, hi))
        out.append(f'<line x1="{x}" y1="{_f(y)}" x2="{x}" y2="{_f(y + 4)}" class="axis"/>')
        out.append(f'<text x="{x}" y="{_f(y + 16)}" text-anchor="middle">{_f(t)}</text>')
    return out


def bar_chart(
    chart_id: str,
    bars: Sequence[Bar],
    *,
    cuts: Sequence[float],
    title: str,
    desc: str,
    kind: str,
    lo: float = 25.0,
    hi: float = 100.0,
) -> str:
    """Horizontal bars on ``lo … hi`` over grade bands, with interval whiskers where given."""
    bottom = _TOP + _ROW * len(bars)
    out = _open(chart_id, bottom + 26, title, desc, kind)
    out += _bands(cuts, lo, hi, bottom)
    for i, bar in enumerate(bars):
        y = _TOP + _ROW * i
        out.append(
            f'<text x="{_LEFT - 8}" y="{_f(y + _ROW / 2 + 4)}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
        )
        if not math.isfinite(bar.value):
            out.append(
                f'<text class="withheld" data-key="{escape(bar.key)}" x="{_LEFT + 6}" '
                f'y="{_f(y + _ROW / 2 + 4)}">{escape(_short(bar.note, 60))}</text>'
            )
            continue
        x1 = _x(bar.value, lo, hi)
        cls = "bar emphasis" if bar.emphasis else "bar"
        out.append(
            f'<rect class="{cls}" data-key="{escape(bar.key)}" data-value="{bar.value!r}" '
            f'x="{_LEFT}" y="{_f(y + 5)}" width="{_f(x1 - _LEFT)}" height="{_ROW - 10}">'
            f"<title>{escape(bar.label)}: {_f(bar.value)}</title></rect>"
        )
        if math.isfinite(bar.low) and math.isfinite(bar.high):
            a, b, mid = _x(bar.low, lo, hi), _x(bar.high, lo, hi), _f(y + _ROW / 2)
            out.append(
                f'<g class="whisker" data-key="{escape(bar.key)}" data-low="{bar.low!r}" '
                f'data-high="{bar.high!r}"><line x1="{_f(a)}" y1="{mid}" x2="{_f(b)}" '
                f'y2="{mid}"/><line x1="{_f(a)}" y1="{_f(y + 7)}" x2="{_f(a)}" '
                f'y2="{_f(y + _ROW - 7)}"/><line x1="{_f(b)}" y1="{_f(y + 7)}" x2="{_f(b)}" '
                f'y2="{_f(y + _ROW - 7)}"/></g>'
            )
    out += _axis(lo, hi, bottom + 2, range(25, 101, 15))
    out.append("</svg>")
    return "\n".join(out)


def _short(text: str, limit: int = 27) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class IPAText(NamedTuple):
    """The words of an IPA chart: title, description, axis names, quadrant names I–IV."""

    title: str
    desc: str
    x_label: str
    y_label: str
    quadrants: tuple[str, str, str, str]


def ipa_range(ipa: IPAResult) -> tuple[float, float]:
    """The axis range of an IPA chart: the data's range widened to half-points."""
    values = [v for i in ipa.items for v in (i.importance.value, i.performance.value)]
    values += [ipa.importance_line, ipa.performance_line]
    lo, hi = math.floor(2 * min(values)) / 2, math.ceil(2 * max(values)) / 2
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def ipa_chart(chart_id: str, ipa: IPAResult, text: IPAText, tick: Callable[[float], str]) -> str:
    """Importance (vertical) against performance (horizontal), with the crosshair lines.

    The quadrants are named in their corners (I top left: important, performing below
    the line); ``tick`` formats the axis numbers in the report's language.
    """
    size, left, top = 380.0, 70.0, 20.0
    lo, hi = ipa_range(ipa)

    def px(v: float) -> float:
        return left + (min(max(v, lo), hi) - lo) / (hi - lo) * size

    def py(v: float) -> float:
        return top + size - (min(max(v, lo), hi) - lo) / (hi - lo) * size

    height = top + size + 50
    out = _open(chart_id, height, text.title, text.desc, "ipa")
    out.append(f'<rect class="frame" x="{left}" y="{top}" width="{size}" height="{size}"/>')
    cx, cy = px(ipa.performance_line), py(ipa.importance_line)
    out.append(
        f'<line class="crosshair" x1="{_f(cx)}" y1="{top}" x2="{_f(cx)}" y2="{top + size}"/>'
    )
    out.append(
        f'<line class="crosshair" x1="{left}" y1="{_f(cy)}" x2="{left + size}" y2="{_f(cy)}"/>'
    )
    x0, x1, y0, y1 = left + 6, left + size - 6, top + 14, top + size - 8
    corners = ((x0, y0, "start"), (x1, y0, "end"), (x0, y1, "start"), (x1, y1, "end"))
    for (x, y, anchor), name in zip(corners, text.quadrants, strict=True):
        out.append(
            f'<text class="quadrant" x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}">'
            f"{escape(name)}</text>"
        )
    for item in ipa.items:
        x, y = px(item.performance.value), py(item.importance.value)
        out.append(
            f'<circle class="point" data-key="{escape(item.id)}" '
            f'data-performance="{item.performance.value!r}" '
            f'data-importance="{item.importance.value!r}" data-quadrant="{item.quadrant}" '
            f'cx="{_f(x)}" cy="{_f(y)}" r="5"><title>{escape(item.id)} {escape(item.text)}: '
            f"{escape(item.quadrant_en)}</title></circle>"
        )
        out.append(f'<text x="{_f(x + 7)}" y="{_f(y - 6)}">{escape(item.id)}</text>')
    for t in (lo + 0.5 * k for k in range(round((hi - lo) / 0.5) + 1)):  # every half point
        out.append(
            f'<text x="{_f(px(t))}" y="{top + size + 16}" text-anchor="middle">{tick(t)}</text>'
        )
        out.append(f'<text x="{left - 6}" y="{_f(py(t) + 4)}" text-anchor="end">{tick(t)}</text>')
    out.append(
        f'<text x="{_f(left + size / 2)}" y="{top + size + 38}" text-anchor="middle">'
        f"{escape(text.x_label)}</text>"
    )
    mid = _f(top + size / 2)
    out.append(
        f'<text x="18" y="{mid}" text-anchor="middle" transform="rotate(-90 18 {mid})">'
        f"{escape(text.y_label)}</text>"
    )
    out.append("</svg>")
    return "\n".join(out)
