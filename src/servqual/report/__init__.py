"""Reports: the :class:`Report` model and its text, Markdown, HTML and JSON renderers.

A report states what a published SKM report states: the index with its interval, grade
and label, the per-element table, the weakest elements, the achieved (and target)
number of respondents, and how the figures were computed. Build one with
:func:`skm_report` (from responses) or :meth:`Report.from_skm` (from results); render it
with :func:`render_text`, :func:`render_markdown`, :func:`render_html` or
:func:`render_json`; plot it with :func:`plot_skm` (and :func:`plot_ipa`,
:func:`plot_nps`; these need matplotlib). Only the renderers round numbers.
"""

from servqual.report._labels import Language
from servqual.report.build import skm_report
from servqual.report.html import render_html
from servqual.report.model import ElementRow, IndexSection, MethodNote, Report
from servqual.report.plots import plot_ipa, plot_nps, plot_skm
from servqual.report.render import method_note, render_json, render_markdown, render_text

__all__ = [
    "ElementRow",
    "IndexSection",
    "Language",
    "MethodNote",
    "Report",
    "method_note",
    "plot_ipa",
    "plot_nps",
    "plot_skm",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "skm_report",
]
