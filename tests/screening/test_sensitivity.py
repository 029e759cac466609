"""The screening sensitivity (SKM index without the flagged forms, and the difference
from the full index) against sq.skm_index itself and against a slow, explicit
linearization written row by row."""

from __future__ import annotations

import numpy as np
import pytest

import servqual as sq
from servqual.screening.sensitivity import sensitivity


def _slow_difference_se(answers: np.ndarray, flagged: np.ndarray) -> float:
    """se of SKM(all) − SKM(kept) under simple random sampling, with explicit loops."""
    n, k = answers.shape
    z = np.zeros(n)
    for rows, sign in ((np.ones(n, bool), 1.0), (~flagged, -1.0)):
        for j in range(k):
            answered = [i for i in range(n) if rows[i] and not np.isnan(answers[i, j])]
            t_a = len(answered) / n  # weights 1/n... the scale cancels in z / T_a
            nrr = np.mean([answers[i, j] for i in answered])
            for i in answered:
                z[i] += sign * 25.0 / k * (answers[i, j] - nrr) / (t_a * n)
    # Var(Σ w z) with w = 1 under SRS without fpc: n/(n − 1) Σ (z − z̄)²
    return float(np.sqrt(n / (n - 1) * np.sum((z - z.mean()) ** 2)))


def test_sensitivity_matches_skm_index_and_a_slow_linearization() -> None:
    rng = np.random.default_rng(8)
    answers = np.clip(
        np.round(3 + 0.5 * rng.normal(size=(60, 1)) + 0.7 * rng.normal(size=(60, 9))), 1, 4
    )
    answers[rng.random((60, 9)) < 0.05] = np.nan
    flagged = np.zeros(60, bool)
    flagged[[3, 8, 20, 21, 40, 55]] = True
    r = sq.Responses.from_arrays(answers, sq.instruments.SKM_2017)
    s = sensitivity(r, flagged, 0.95)
    assert s is not None
    full = sq.skm_index(r).index
    assert s.full.value == pytest.approx(full.value, rel=1e-12)
    assert s.full.se == pytest.approx(full.se, rel=1e-10)
    kept = sq.skm_index(r.drop(np.flatnonzero(flagged))).index
    assert s.kept.value == pytest.approx(kept.value, rel=1e-12)
    # the kept index as a domain of the full design (R: svyby) is skm_index(by=) of a flag
    marked = sq.Responses.from_arrays(
        answers, sq.instruments.SKM_2017, attributes={"flag": np.where(flagged, "x", "kept")}
    )
    domain = sq.skm_index(marked, by="flag")["kept"].index
    assert s.kept.se == pytest.approx(domain.se, rel=1e-10)
    diff = s.difference.difference
    assert diff.value == pytest.approx(full.value - kept.value, rel=1e-12)
    assert diff.se == pytest.approx(_slow_difference_se(answers, flagged), rel=1e-10)
    assert s.excluded == 6
    assert s.full_grade == sq.skm_index(r).grade


def test_nothing_flagged_gives_no_sensitivity() -> None:
    r = sq.Responses.from_arrays(np.full((5, 9), 3.0) + np.eye(5, 9), sq.instruments.SKM_2017)
    assert sensitivity(r, np.zeros(5, bool), 0.95) is None
