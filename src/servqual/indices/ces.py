r"""CES: Customer Effort Score, mean and share of low-effort answers.

The direction of the scale is read from the instrument's ``metadata["direction"]``:
CES 2.0 (servqual's :data:`servqual.instruments.CES`) is 1–7 agreement with "the
organisation made it easy for me" (``"high = easy …"``), so low effort means a *high*
answer (default: 5 or more); the original CES (1–5, ``"high = effort"``) counts *low*
answers (default: 2 or less). The share is a design proportion (percent), the mean a
design mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field

from servqual.design._by import DomainKey
from servqual.design.comparisons import Comparison
from servqual.engines.responses import EngineResponses
from servqual.errors import ParameterError
from servqual.indices import _common as c
from servqual.indices.csat import (
    ShareMethod,
    check_share_method,
    domain_mean_and_share,
    mean_and_share,
)
from servqual.instruments import CES as _CES
from servqual.models._base import FrozenModel
from servqual.models.frames import DomainResults
from servqual.models.instrument import Instrument
from servqual.models.results import Estimate
from servqual.responses import Responses
from servqual.stats.quantiles import check_level

__all__ = ["CESResult", "ces", "ces_compare"]


class CESResult(FrozenModel):
    """Customer Effort Score of one group.

    Parameters
    ----------
    mean : Estimate
        Mean answer on the instrument's scale.
    low_effort : Estimate
        Percent of low-effort answers (0–100).
    threshold : int
        Low effort = answer ``>= threshold`` (high = easy) or ``<= threshold`` (high =
        effort).
    high_is_easy : bool
        The scale's direction, from the instrument.
    n : int
        Respondents who answered.

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.ces([7, 6, 5, 6, 2, 7, 4, 6, 5, 3])  # ten callers to a tax helpline, 1–7
    >>> round(r.mean.value, 1), round(r.low_effort.value, 1), r.threshold, r.high_is_easy
    (5.1, 70.0, 5, True)
    """

    mean: Estimate
    low_effort: Estimate
    threshold: int
    high_is_easy: bool
    n: int = Field(ge=0)


def _direction(instrument: Instrument) -> bool:
    text = instrument.metadata.get("direction", "high = easy").lower().replace(" ", "")
    if text.startswith("high=easy"):
        return True
    if text.startswith("high=effort"):
        return False
    raise ParameterError(
        f"instrument {instrument.id!r} has direction {instrument.metadata['direction']!r}; "
        "expected 'high = easy' or 'high = effort'"
    )


def _low_effort(
    values: npt.NDArray[np.float64], responses: Responses, threshold: int | None
) -> tuple[npt.NDArray[np.bool_], int, bool]:
    scale = responses.instrument.scale
    easy = _direction(responses.instrument)
    if threshold is None:
        threshold = scale.max - 2 if easy else scale.min + 1
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold not in scale:
        raise ParameterError(
            f"threshold must be an answer level {scale.min}–{scale.max}, got {threshold!r}"
        )
    hit = values >= threshold if easy else values <= threshold
    return np.asarray(hit, dtype=np.bool_), threshold, easy


def ces(
    scores: Responses | npt.ArrayLike,
    *,
    threshold: int | None = None,
    level: float = 0.95,
    method: ShareMethod = "logit",
    by: str | Sequence[str] | None = None,
    item: str | None = None,
) -> CESResult | DomainResults[CESResult]:
    r"""Customer Effort Score: mean answer and percent of low-effort answers.

    Parameters
    ----------
    scores : Responses or 1-D array-like
        Answers on the CES scale: a :class:`~servqual.Responses` (any design; the
        instrument's ``metadata["direction"]`` gives the direction) or a plain sequence
        of 1–7 CES 2.0 answers (high = easy).
    threshold : int, optional
        Low effort = answer ``>= threshold`` when high = easy (default ``max − 2``, 5 on
        1–7), ``<= threshold`` when high = effort (default ``min + 1``).
    level : float
        Confidence level.
    method : {"logit", "xlogit", "asin", "beta", "wilson", "mean"}
        Interval of the share (R ``svyciprop``).
    by : str or list of str, optional
        One result per group of this respondent attribute.
        Several columns: one result per combination, keyed by a tuple of strings.
    item : str, optional
        The item to use when the instrument has several.

    Returns
    -------
    CESResult or dict of str (or tuple of str) to CESResult

    Raises
    ------
    servqual.errors.ScaleError
        An answer off the scale, or an instrument on another scale.
    servqual.errors.ParameterError
        A threshold that is not a level of the scale; an unknown direction or method.

    Notes
    -----
    Mean: ``Σ w a y / Σ w a``; share: ``100 Σ w a h / Σ w a`` with ``h`` the low-effort
    indicator; both linearized, intervals on the design df.

    Examples
    --------
    Ten callers to a tax helpline rated "they made it easy for me" on 1–7:

    >>> import servqual as sq
    >>> r = sq.ces([7, 6, 5, 6, 2, 7, 4, 6, 5, 3])
    >>> round(r.mean.value, 1), round(r.low_effort.value, 1), r.threshold
    (5.1, 70.0, 5)
    """
    level = check_level(level)
    method = check_share_method(method)
    if isinstance(scores, EngineResponses):  # the rows stay in their engine
        from servqual.engines.single import engine_mean_and_share

        _, threshold, easy = _low_effort(np.empty(0), scores, threshold)
        cut = threshold

        def low(v: Any) -> Any:
            return v >= cut if easy else v <= cut

        keys, means, shares, df = engine_mean_and_share(scores, item, low, by)
        scale = c.scale_range(scores.instrument.scale)
    else:
        responses, values = c.single_item(scores, _CES, item, "CES", same_scale=False)
        hit, threshold, easy = _low_effort(values, responses, threshold)
        df = responses.design.df
        scale = c.scale_range(responses.instrument.scale)
        keys, means, shares = mean_and_share(responses, values, hit, by)
    out: dict[DomainKey, CESResult] = {}
    for j, key in enumerate(keys):  # loop over domains: results only, no pass over rows
        mean, low_effort, n = domain_mean_and_share(means, shares, j, df, level, scale, method)
        out[key] = CESResult(
            mean=mean,
            low_effort=low_effort,
            threshold=threshold,
            high_is_easy=easy,
            n=n,
        )
    return DomainResults(out, by=by) if by is not None else out["all"]


def ces_compare(
    scores: Responses | npt.ArrayLike,
    other: Responses | npt.ArrayLike | None = None,
    *,
    by: str | None = None,
    groups: tuple[str, str] | None = None,
    level: float = 0.95,
    item: str | None = None,
) -> Comparison:
    """Difference in mean CES between two groups (``by``/``groups``) or two waves (``other``).

    Examples
    --------
    >>> import servqual as sq
    >>> d = sq.ces_compare([7, 6, 5, 6, 2, 7], [4, 3, 5, 2, 3, 4])
    >>> round(d.difference.value, 2), round(d.p_value, 3)
    (2.0, 0.052)
    """

    def lin_of(responses: Responses, mask: npt.NDArray[np.bool_]) -> c.Lin:
        _, values = c.single_item(responses, _CES, item, "CES", same_scale=False)
        return c.mean_lin(values, responses.design.arrays, mask)

    first, second = c.single_item_waves(scores, other, _CES, item, "CES", same_scale=False)
    return c.compare(lin_of, first, second, by=by, groups=groups, level=level)
