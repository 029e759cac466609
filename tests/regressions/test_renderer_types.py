"""Junk input to renderers and reliability gets a named error, not a bare builtin one."""

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


def test_alpha_names_an_integer_beyond_float_range() -> None:
    # found by the fuzz suite: a bare OverflowError escaped cronbach_alpha
    with pytest.raises(sq.errors.ServqualTypeError, match="within float range"):
        sq.cronbach_alpha([[10**400, 1], [2, 3], [3, 3]])
