"""The report's IPA section: built from the demo's importance columns (imp_U1 … imp_U9),
rendered in every format, absent without importance answers."""

from __future__ import annotations

import numpy as np
import pytest

import servqual as sq
from servqual.errors import ScaleError
from servqual.report.ipa_section import importance_responses, ipa_section


def test_demo_report_has_an_ipa_section() -> None:
    demo = sq.data.load_demo()
    report = sq.skm_report(demo)
    assert report.ipa is not None
    assert [i.id for i in report.ipa.items] == [f"U{j}" for j in range(1, 10)]
    # the section is sq.ipa on the answers vs the importance columns
    imp = importance_responses(demo)
    assert report.ipa == sq.ipa(demo, imp)
    u3 = report.ipa.items[2]
    raw = np.array([np.nan if v in ("", None) else float(v) for v in demo.design.column("imp_U3")])
    w = demo.design.weights
    ok = ~np.isnan(raw)
    assert u3.importance.value == pytest.approx(np.average(raw[ok], weights=w[ok]))
    assert report.ipa.quadrant("I") == ("U3",)
    assert sq.Report.model_validate_json(sq.render_json(report)) == report
    assert "Importance–performance analysis" in sq.render_text(report)
    assert "Prioritas utama: U3" in sq.render_markdown(report, language="id")
    assert "<h2>Importance–performance analysis</h2>" in sq.render_html(report)


def test_no_importance_columns_no_section() -> None:
    inst = sq.instruments.SKM_2017
    rng = np.random.default_rng(0)
    r = sq.Responses.from_arrays(rng.integers(1, 5, (5, 9)).astype(float), inst)
    assert ipa_section(r) is None
    assert sq.skm_report(r).ipa is None
    assert "Importance–performance" not in sq.render_text(sq.skm_report(r))


def test_bad_importance_answer() -> None:
    inst = sq.instruments.SKM_2017
    attrs = {f"imp_U{j}": [3.0, 4.0, 2.0] for j in range(1, 10)}
    attrs["imp_U4"] = [3.0, 7.0, 2.0]
    r = sq.Responses.from_arrays(np.full((3, 9), 3.0), inst, attributes=attrs)
    with pytest.raises(ScaleError, match=r"importance answer 'imp_U4' in row 1 is 7"):
        ipa_section(r)
