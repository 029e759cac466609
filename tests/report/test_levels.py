"""Confidence levels print with the digits they need, never rounded to 100%."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import servqual as sq
from servqual.report._labels import fmt_level


@pytest.mark.parametrize(
    ("level", "en", "id_"),
    [
        (0.95, "95%", "95%"),
        (0.9, "90%", "90%"),
        (0.975, "97.5%", "97,5%"),
        (0.999, "99.9%", "99,9%"),
        (0.9999999, "99.99999%", "99,99999%"),
        (1e-9, "0.0000001%", "0,0000001%"),
    ],
)
def test_level_digits(level: float, en: str, id_: str) -> None:
    assert fmt_level(level, "en") == en
    assert fmt_level(level, "id") == id_


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.floats(min_value=1e-12, max_value=1 - 1e-12))
def test_level_reads_back_and_stays_inside(level: float) -> None:
    text = fmt_level(level, "en")
    shown = float(text.rstrip("%")) / 100
    assert 0 < shown < 1
    assert shown == pytest.approx(level, rel=1e-8)


def test_report_prints_a_level_close_to_one() -> None:
    report = sq.skm_report(sq.data.load_demo(), level=0.9999999)
    assert "(99.99999% CI " in sq.render_text(report)
    assert "(99,99999% SK " in sq.render_text(report, language="id")
    assert "100% CI" not in sq.render_markdown(report)
