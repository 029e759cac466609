"""Renderers refuse what is not a Report with a named error, not an AttributeError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import servqual as sq


@pytest.mark.parametrize(
    "render", [sq.render_text, sq.render_markdown, sq.render_json, sq.render_html]
)
@pytest.mark.parametrize("junk", [None, "report", {"overall": 1}, 3.5])
def test_a_renderer_names_what_it_got(render: Callable[..., str], junk: Any) -> None:
    with pytest.raises(sq.errors.ServqualTypeError, match=type(junk).__name__):
        render(junk)
