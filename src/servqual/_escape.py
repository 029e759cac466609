"""Safe text in outputs: labels in plain text and Markdown, cells in CSV files.

Labels (a service, a group, a unit, an element name, a note) come from users and data
files. Rendered as they are, a ``|`` or a line break breaks a Markdown table, ``<script>``
becomes live HTML in a Markdown viewer, an escape sequence drives a terminal, and a CSV
cell starting with ``=`` runs as a formula when a spreadsheet opens the file. Every
renderer and every CSV the library writes goes through these functions.
"""

from __future__ import annotations

import re

__all__ = [
    "csv_cell",
    "csv_row",
    "json_text",
    "markdown_text",
    "one_line",
    "plain_text",
    "plot_text",
]

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# Characters with a meaning in CommonMark/GFM inline text and tables (``& < >`` become
# entities first).
_MARKDOWN = re.compile(r"([\\`*_\[\]|~#!$])")
_JSON_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def one_line(text: str) -> str:
    """Line breaks, tabs and other control characters as single spaces."""
    return _CONTROLS.sub(" ", text).strip()


def plain_text(text: str) -> str:
    """A label for a plain-text report: one line, no control characters, no HTML tags.

    Angle brackets become the look-alike ``‹ ›``, so the text stays readable and stays
    text when pasted into a web page or an e-mail.

    Examples
    --------
    >>> from servqual._escape import plain_text
    >>> plain_text("Loket <script>" + chr(10) + "A")
    'Loket ‹script› A'
    """
    return one_line(text).replace("<", "‹").replace(">", "›")


def markdown_text(text: str) -> str:
    r"""A label for Markdown: one line, no HTML, every markup character escaped.

    ``& < >`` become ``&amp; &lt; &gt;`` (no tag, no entity reaches the page);
    ``\ ` * _ [ ] | ~ # ! $`` get a backslash, which CommonMark and GitHub tables read as
    the literal character.

    Examples
    --------
    >>> from servqual._escape import markdown_text
    >>> print(markdown_text("A|B <script>`x`"))
    A\|B &lt;script&gt;\`x\`
    """
    text = one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", text)


def plot_text(text: str) -> str:
    r"""A label for a matplotlib plot: one line, ``$`` taken literally (no mathtext).

    Examples
    --------
    >>> from servqual._escape import plot_text
    >>> print(plot_text("Fee $5$"))
    Fee \$5\$
    """
    return one_line(text).replace("$", r"\$")


def json_text(text: str) -> str:
    r"""JSON safe inside an HTML ``<script>`` block: ``< > &``, U+2028/9 as ``\uXXXX``.

    These characters only occur inside JSON strings, where the escape reads back as the
    same character, so the value is unchanged.

    Examples
    --------
    >>> import json
    >>> from servqual._escape import json_text
    >>> out = json_text(json.dumps({"group": "</script>"}))
    >>> print(out)
    {"group": "\u003c/script\u003e"}
    >>> json.loads(out)["group"]
    '</script>'
    """
    for char, escaped in _JSON_UNSAFE.items():
        text = text.replace(char, escaped)
    return text


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs (OWASP's CSV-injection advice).

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading apostrophe; numbers (``int``, ``float``) and text that reads as a number
    (``-3``, ``+1.5``) are left untouched.

    Examples
    --------
    >>> from servqual._escape import csv_cell
    >>> csv_cell("=SUM(A1:A9)"), csv_cell("-2.5"), csv_cell(-2.5), csv_cell("KTP")
    ("'=SUM(A1:A9)", '-2.5', -2.5, 'KTP')
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _SIGNED_NUMBER.fullmatch(value):
        return value  # a signed number, as the frame gave it
    return "'" + value


def csv_row(row: list[object]) -> list[object]:
    """:func:`csv_cell` on every cell of a row."""
    return [csv_cell(c) for c in row]
