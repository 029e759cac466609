"""Interviewer effects: the intraclass correlation and interviewers who depart from the rest.

The respondent's score is the (weighted) mean of their answers. The intraclass
correlation comes from the numeric core (:func:`servqual.stats.icc.one_way_icc`). Each
interviewer's respondents are compared with the other interviewers' by Welch's t test,
step by step: the interviewer with the smallest p-value is flagged when it is below
``(1 − level) / m`` (``m`` interviewers still in play, Bonferroni as in Holm's first
step), is then left out of everyone's reference group, and the tests are repeated. So
one interviewer far above the rest does not make an honest one look low, and a survey
without any interviewer effect flags some interviewer with probability at most
``1 − level``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import InsufficientDataError
from servqual.models.results import Estimate, Interval
from servqual.screening.models import InterviewerEffect, InterviewerRow
from servqual.stats.icc import one_way_icc
from servqual.stats.intervals import symmetric_interval
from servqual.stats.welch import welch_vs_rest

__all__ = ["holm", "interviewer_effect"]

FloatArray = npt.NDArray[np.float64]


def holm(p: FloatArray) -> FloatArray:
    """Holm's step-down adjusted p-values (monotone, capped at 1)."""
    m = p.size
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = stepped
    return out


def interviewer_effect(
    score: FloatArray, labels: npt.NDArray[Any], level: float
) -> tuple[InterviewerEffect, npt.NDArray[np.bool_]]:
    """ICC(1) of the scores by interviewer, the per-interviewer tests, the flagged rows.

    Rows without a score or without an interviewer label take no part.
    """
    text = np.asarray(labels).astype(str)  # labels as text, in C (no loop over rows)
    usable = ~np.isnan(score) & ~np.isin(text, ("", "nan", "None"))
    names, groups = np.unique(text[usable], return_inverse=True)
    y = score[usable]
    if names.size < 2 or y.size <= names.size:
        raise InsufficientDataError(
            f"an interviewer effect needs at least 2 interviewers and more respondents than "
            f"interviewers; got {names.size} interviewer(s) and {y.size} scored respondent(s)"
        )
    fit = one_way_icc(y, groups.ravel(), int(names.size), level)
    icc = Estimate(
        value=fit.icc,
        se=math.nan,
        ci=Interval(
            low=min(fit.low, fit.icc), high=max(fit.high, fit.icc), level=level, method="f"
        ),
        n=int(y.size),
        df=fit.df2,
    )
    codes = groups.ravel()
    out = _stepwise(y, codes, names.size, 1.0 - level)
    rows, p = _rows(y, codes, names, level, reference=~out)
    adjusted = holm(p)
    flagged_names = names[out]
    rows = [
        r.model_copy(update={"p_adjusted": float(a), "flagged": bool(f)})
        for r, a, f in zip(rows, adjusted, out, strict=True)
    ]
    effect = InterviewerEffect(
        icc=icc,
        f_statistic=fit.f_statistic,
        p_value=fit.p_value,
        rows=tuple(rows),
        flagged=tuple(str(v) for v in flagged_names),
    )
    flagged_rows = np.zeros(score.shape[0], dtype=bool)
    flagged_rows[np.flatnonzero(usable)[np.isin(names[groups.ravel()], flagged_names)]] = True
    return effect, flagged_rows


def _stepwise(
    y: FloatArray, groups: npt.NDArray[np.intp], g: int, alpha: float
) -> npt.NDArray[np.bool_]:
    """Interviewers flagged one at a time, each left out of the reference afterwards."""
    out = np.zeros(g, dtype=bool)
    while (~out).sum() > 2:
        p = welch_vs_rest(y, groups, g, ~out)[4]
        p = np.where(out, np.inf, p)
        j = int(np.argmin(p))
        if not p[j] * (~out).sum() < alpha:
            break
        out[j] = True
    return out


def _rows(
    y: FloatArray,
    groups: npt.NDArray[np.intp],
    names: npt.NDArray[Any],
    level: float,
    *,
    reference: npt.NDArray[np.bool_],
) -> tuple[list[InterviewerRow], FloatArray]:
    """One row per interviewer: the Welch comparison with the unflagged others."""
    g = names.size
    n, mean, mean_rest, se, p, df = welch_vs_rest(y, groups, g, reference)
    rows = []
    for j in range(g):  # one model per interviewer
        finite = bool(np.isfinite(se[j]) and np.isfinite(df[j]))
        low, high = (
            symmetric_interval(float(mean[j] - mean_rest[j]), float(se[j]), float(df[j]), level)
            if finite
            else (math.nan, math.nan)
        )
        diff = Estimate(
            value=float(mean[j] - mean_rest[j]),
            se=float(se[j]) if np.isfinite(se[j]) else math.nan,
            ci=Interval(low=low, high=high, level=level, method="t"),
            n=int(n[j]),
            df=float(df[j]) if finite else None,
        )
        rows.append(
            InterviewerRow(
                interviewer=str(names[j]),
                n=int(n[j]),
                mean=float(mean[j] + y.mean()),
                difference=diff,
                p_value=float(p[j]),
                p_adjusted=float(p[j]),
                flagged=False,
            )
        )
    return rows, np.asarray(p, dtype=np.float64)
