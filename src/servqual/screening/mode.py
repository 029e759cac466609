"""Mode effects: respondents at the counter may rate differently from those online.

Each pair of modes is compared on the respondents' mean score as two domains of the one
survey design (:meth:`servqual.design.domains.DomainEstimator.difference`: linearization,
covariance included, t on the design's degrees of freedom), and the p-values are
Holm-adjusted over the pairs.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design.design import Design
from servqual.errors import InsufficientDataError
from servqual.screening.interviewer import holm
from servqual.screening.models import ModeEffect

__all__ = ["mode_effect"]

_SCORE, _MODE = "_screen_score", "_screen_mode"
_NO_MODE = "(no mode)"


def mode_effect(
    score: npt.NDArray[np.float64], modes: npt.NDArray[Any], design: Design, level: float
) -> ModeEffect:
    """Pairwise differences in mean score between modes, on the survey design."""
    text = np.asarray(modes).astype(str)
    text[np.isin(text, ("", "nan", "None"))] = _NO_MODE
    names = [str(v) for v in np.unique(text) if v != _NO_MODE]
    if len(names) < 2:
        raise InsufficientDataError(
            f"a mode effect needs at least 2 modes, the mode column has {names}"
        )
    d = design.with_columns({_SCORE: score, _MODE: text}).by(_MODE)
    pairs = list(combinations(names, 2))
    comparisons = [d.difference(_SCORE, a, b, level=level, na="domain") for a, b in pairs]
    adjusted = holm(np.array([c.p_value for c in comparisons]))
    return ModeEffect(
        comparisons=tuple(comparisons),
        pairs=tuple(pairs),
        p_adjusted=tuple(float(p) for p in adjusted),
        flagged=bool((adjusted < 1.0 - level).any()),
    )
