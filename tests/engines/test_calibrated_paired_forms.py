"""The paired-form indices refuse a calibrated engine design rather than drop its
calibration (before the refusal, CSI on a post-stratified Polars design gave the
unweighted-by-calibration index, 68.26 against 68.28 in memory, silently)."""

from __future__ import annotations

from typing import Any

import pytest

import servqual as sq
from servqual.errors import ServqualTypeError

pytest.importorskip("polars")
pytest.importorskip("narwhals")

KW = {"weights": "w", "strata": "province", "clusters": "village"}
CHANNELS = {"desk": 50_000, "web": 30_000, "phone": 20_000}


def test_paired_indices_refuse_a_calibrated_engine_design(make_survey: Any, forms: Any) -> None:
    frame = forms.add(make_survey(600, 3)).lazy()
    perf, imp = (r.poststratify("channel", CHANNELS) for r in forms.pair(frame, **KW))
    match = r"post-stratified or raked polars design yet: collect the frame first"
    with pytest.raises(ServqualTypeError, match=match):
        sq.csi(perf, imp)
    with pytest.raises(ServqualTypeError, match=match):
        sq.ipa(perf, imp)
    with pytest.raises(ServqualTypeError, match=match):
        sq.servqual_gaps(perf, imp)
    with pytest.raises(ServqualTypeError, match=match):
        sq.servperf(perf)
    # the same forms without the calibration still run in the engine
    plain = forms.pair(frame, **KW)
    assert sq.csi(*plain).index.n == 600
