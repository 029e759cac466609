r"""SERVQUAL gaps (Parasuraman, Zeithaml & Berry 1988) and SERVPERF (Cronin & Taylor 1992).

Each item is answered twice by the same respondent, as an expectation ``E`` and a
perception ``P``; negatively worded items (``Item.reverse``) are scored ``min + max − x``
on both forms first. For item ``j``,

.. math::

    Q_j = \frac{\sum_i w_i a_{ij} (P_{ij} - E_{ij})}{\sum_i w_i a_{ij}},

over the respondents who answered the item on both forms (``a_ij = 1``). A dimension's gap
is the mean of its items' gaps, the unweighted SERVQUAL the mean of the five dimension
gaps. The weighted SERVQUAL uses each respondent's allocation of 100 points over the
dimensions: ``S_i = Σ_d (points_id / 100) · Q̄_id`` with ``Q̄_id`` the respondent's mean gap
on dimension ``d``, averaged over respondents (a design mean). Gaps are in scale points
(−6…6 on 1–7); some texts multiply the weighted score by 100.

SERVPERF uses the perceptions only: item, dimension and overall means.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from servqual.design._by import DomainKey
from servqual.design.comparisons import Comparison
from servqual.design.design import estimate_from_variance
from servqual.engines.responses import EngineResponses
from servqual.errors import ScaleError, ValidationError
from servqual.indices import _common as c
from servqual.indices._profile import (
    GroupProfile,
    dimension_columns,
    grouped_profiles,
    profile,
    profiles_from,
)
from servqual.indices._servqual_points import Points, points_matrix, weighted_scores
from servqual.indices.servqual_result import ServperfResult, ServqualResult
from servqual.models.frames import DomainResults
from servqual.responses import Responses
from servqual.stats.intervals import Bounds
from servqual.stats.quantiles import check_level

__all__ = [
    "ServperfResult",
    "ServqualResult",
    "servperf",
    "servperf_compare",
    "servqual_compare",
    "servqual_gaps",
]

FloatArray = npt.NDArray[np.float64]


def _check_forms(perceptions: Responses, expectations: Responses) -> None:
    """The two forms share the scale and the reverse-scored items (after the pairing check)."""
    sp, se = perceptions.instrument.scale, expectations.instrument.scale
    if (sp.min, sp.max) != (se.min, se.max):
        raise ScaleError(
            f"perceptions are on {sp.min}–{sp.max} but expectations on {se.min}–{se.max}"
        )
    flags_p = [i.reverse for i in perceptions.instrument.items]
    flags_e = [i.reverse for i in expectations.instrument.items]
    if flags_p != flags_e:
        j = next(j for j, (a, b) in enumerate(zip(flags_p, flags_e, strict=True)) if a != b)
        raise ValidationError(
            f"item {perceptions.instrument.item_ids[j]!r} is reverse-scored on one form "
            "only: both forms must flag the same items"
        )


def _gaps(perceptions: Responses, expectations: Responses) -> FloatArray:
    c.check_paired(perceptions, expectations, ("perceptions", "expectations"))
    _check_forms(perceptions, expectations)
    return np.asarray(perceptions.values() - expectations.values(), dtype=np.float64)


def servqual_gaps(
    perceptions: Responses,
    expectations: Responses,
    *,
    importance_points: Points | None = None,
    level: float = 0.95,
    by: str | Sequence[str] | None = None,
) -> ServqualResult | DomainResults[ServqualResult]:
    r"""SERVQUAL gaps ``P − E`` per item, per dimension and overall, with intervals.

    Parameters
    ----------
    perceptions, expectations : Responses
        The two forms (e.g. :data:`servqual.instruments.SERVQUAL_22` and
        ``SERVQUAL_22_E``), answered by the same respondents in the same row order, with
        the same item ids; the design is taken from ``perceptions``. Or two sets of
        columns of one engine frame, reduced inside the engine (docs/engines.md).
    importance_points : (n, d) array-like or mapping of dimension → (n,) array, optional
        Each respondent's allocation of 100 points over the dimensions (columns in the
        order of the dimensions' first appearance in the instrument). When the forms
        stay in an engine frame (docs/engines.md): a mapping of dimension → column name
        of that frame.
    level : float
        Confidence level.
    by : str or list of str, optional
        One result per group of this respondent attribute (a domain of the full design).
        Several columns: one result per combination, keyed by a tuple of strings.

    Returns
    -------
    ServqualResult or dict of str (or tuple of str) to ServqualResult

    Raises
    ------
    servqual.errors.ItemError
        The forms have different items, or an item has no dimension.
    servqual.errors.RespondentError
        The forms have different respondents (row and ids named) or weights.
    servqual.errors.ParameterError
        Importance points of the wrong shape, negative, or not summing to 100 (the
        respondent and the sum are named).
    servqual.errors.InsufficientDataError
        An item with no paired answer (in a group).

    Notes
    -----
    See the module docstring for the formulas. Every figure is linearized (the gap of
    item ``j`` has influence ``a_ij (D_ij − Q_j) / Σ w a_j``; dimension and overall
    figures average those), its variance from the design and a t interval on the
    design's degrees of freedom.

    Examples
    --------
    Four clients of a land office answered two items of one dimension on both forms:

    >>> import servqual as sq
    >>> inst = sq.Instrument(id="mini", name="Mini SERVQUAL", scale=sq.Scale(min=1, max=7),
    ...     items=[sq.Item(id="R1", text="Keeps promises", dimension="reliability"),
    ...            sq.Item(id="R2", text="Error-free records", dimension="reliability")])
    >>> design = sq.Design({"id": [1, 2, 3, 4]})
    >>> def form(rows):
    ...     import numpy as np
    ...     return sq.Responses(inst, design, (np.array(rows) - 1).astype("int8"))
    >>> p = form([[5, 6], [4, 4], [6, 5], [3, 4]])
    >>> e = form([[7, 7], [6, 5], [6, 6], [5, 6]])
    >>> g = sq.servqual_gaps(p, e)
    >>> round(g.items["R1"].value, 2), round(g.overall.value, 2)
    (-1.5, -1.38)
    """
    level = check_level(level)
    if isinstance(perceptions, EngineResponses) or isinstance(expectations, EngineResponses):
        from servqual.engines._items import check_engine_pair
        from servqual.engines.gaps import engine_profiles

        check_engine_pair(perceptions, expectations, ("perceptions", "expectations"))
        _check_forms(perceptions, expectations)
        gap_bounds = c.gap_range(perceptions.instrument.scale)
        e = engine_profiles(perceptions, expectations, by, importance_points)  # type: ignore[arg-type]  # checked: both engine forms
        profiles = profiles_from(
            e.values, e.var, e.n, perceptions.instrument, df=e.df, level=level, bounds=gap_bounds
        )
        return _results(profiles, e.weighted, e.keys, gap_bounds, df=e.df, level=level, by=by)
    gaps = _gaps(perceptions, expectations)
    gap_bounds = c.gap_range(perceptions.instrument.scale)
    cols = dimension_columns(perceptions.instrument)
    pts = (
        None
        if importance_points is None
        else points_matrix(importance_points, perceptions, list(cols))
    )
    scores = None if pts is None else weighted_scores(gaps, cols, pts)
    arrays = perceptions.design.arrays
    keys, groups, n_groups = c.grouping(perceptions.design, by)
    profiles = grouped_profiles(
        gaps, perceptions.instrument, arrays, groups, n_groups, level, gap_bounds
    )
    w_means = None
    if scores is not None:
        w_means = c.domain_means(scores, arrays, groups, n_groups, "weighted SERVQUAL")
    return _results(profiles, w_means, keys, gap_bounds, df=arrays.df, level=level, by=by)


def _results(
    profiles: list[GroupProfile],
    w_means: c.DomainMeans | None,
    keys: list[DomainKey],
    bounds: Bounds,
    *,
    df: float,
    level: float,
    by: str | Sequence[str] | None,
) -> ServqualResult | DomainResults[ServqualResult]:
    """The result models of every domain from its profile and weighted mean (no rows)."""
    out: dict[DomainKey, ServqualResult] = {}
    for g, (label, prof) in enumerate(zip(keys, profiles, strict=True)):
        weighted = None
        if w_means is not None:
            weighted = estimate_from_variance(
                float(w_means.value[g]),
                float(w_means.variance[g]),
                n=int(w_means.n[g]),
                df=df,
                level=level,
                bounds=bounds,
            )
        out[label] = ServqualResult(
            items=prof.items,
            dimensions=prof.dimensions,
            overall=prof.overall,
            weighted=weighted,
            n=prof.overall.n,
        )
    return DomainResults(out, by=by) if by is not None else out["all"]


def servperf(
    perceptions: Responses, *, level: float = 0.95, by: str | Sequence[str] | None = None
) -> ServperfResult | DomainResults[ServperfResult]:
    """SERVPERF: perception means per item, per dimension and overall.

    Parameters
    ----------
    perceptions : Responses
        Perception answers (reverse-scored items flipped from the instrument).
    level : float
        Confidence level.
    by : str or list of str, optional
        One result per group of this respondent attribute.
        Several columns: one result per combination, keyed by a tuple of strings.

    Returns
    -------
    ServperfResult or dict of str (or tuple of str) to ServperfResult

    Raises
    ------
    servqual.errors.ItemError
        An item without a dimension.
    servqual.errors.InsufficientDataError
        An item nobody answered (in a group).

    Notes
    -----
    Item mean ``Σ w a y / Σ w a``; dimension = mean of its item means; overall = mean
    of the dimension means. Linearized, t interval on the design df.

    Examples
    --------
    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="mini", name="Mini", scale=sq.Scale(min=1, max=7),
    ...     items=[sq.Item(id="T1", text="Tidy office", dimension="tangibles"),
    ...            sq.Item(id="A1", text="Polite staff", dimension="assurance")])
    >>> p = sq.Responses(inst, sq.Design({"id": [1, 2, 3]}),
    ...                  (np.array([[5, 6], [4, 7], [6, 5]]) - 1).astype("int8"))
    >>> r = sq.servperf(p)
    >>> round(r.dimensions["tangibles"].value, 2), round(r.overall.value, 2)
    (5.0, 5.5)
    """
    level = check_level(level)
    c.check_responses(perceptions, "perceptions")
    scale = c.scale_range(perceptions.instrument.scale)
    if isinstance(perceptions, EngineResponses):
        from servqual.engines.gaps import engine_profiles

        e = engine_profiles(perceptions, None, by)
        keys: list[DomainKey] = e.keys
        profiles = profiles_from(
            e.values, e.var, e.n, perceptions.instrument, df=e.df, level=level, bounds=scale
        )
    else:
        values = perceptions.values()
        arrays = perceptions.design.arrays
        keys, groups, n_groups = c.grouping(perceptions.design, by)
        profiles = grouped_profiles(
            values, perceptions.instrument, arrays, groups, n_groups, level, scale
        )
    out: dict[DomainKey, ServperfResult] = {}
    for label, prof in zip(keys, profiles, strict=True):
        out[label] = ServperfResult(
            items=prof.items, dimensions=prof.dimensions, overall=prof.overall, n=prof.overall.n
        )
    return DomainResults(out, by=by) if by is not None else out["all"]


def servqual_compare(
    perceptions: Responses,
    expectations: Responses,
    other: tuple[Responses, Responses] | None = None,
    *,
    by: str | None = None,
    groups: tuple[str, str] | None = None,
    level: float = 0.95,
) -> Comparison:
    """Difference in the unweighted SERVQUAL gap between two groups or two waves.

    ``other`` is a second wave's ``(perceptions, expectations)``; otherwise ``by`` and
    ``groups=(a, b)`` compare two groups of one survey (linearization on the full design).

    Parameters
    ----------
    perceptions, expectations : Responses
        The paired forms of the (first) survey, as in :func:`servqual_gaps`.
    other : (Responses, Responses), optional
        A second, independent wave's ``(perceptions, expectations)``.
    by, groups : str and (str, str)
        Instead of ``other``: group ``groups[0]`` minus ``groups[1]`` of column ``by``.
    level : float
        Confidence level.

    Returns
    -------
    Comparison
        Both overall gaps, the difference with its interval and a two-sided p-value.

    Examples
    --------
    Two desks of a licensing office, three customers each, on 1–7:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="mini", name="Mini", scale=sq.Scale(min=1, max=7),
    ...     items=[sq.Item(id="T1", text="Tidy office", dimension="tangibles"),
    ...            sq.Item(id="A1", text="Polite staff", dimension="assurance")])
    >>> d = sq.Design({"desk": list("AAABBB")})
    >>> p = sq.Responses(inst, d, (np.array(
    ...     [[5, 6], [4, 7], [6, 5], [6, 6], [7, 6], [6, 7]]) - 1).astype("int8"))
    >>> e = sq.Responses(inst, d, (np.array(
    ...     [[6, 7], [6, 7], [7, 6], [6, 7], [7, 7], [6, 7]]) - 1).astype("int8"))
    >>> c = sq.servqual_compare(p, e, by="desk", groups=("B", "A"))
    >>> round(c.difference.value, 2), round(c.p_value, 3)
    (0.67, 0.007)
    """

    def lin_of(pair: tuple[Responses, Responses], mask: npt.NDArray[np.bool_]) -> c.Lin:
        gaps = _gaps(*pair)
        return profile(gaps, pair[0].instrument, pair[0].design.arrays, mask, level).overall_lin

    return c.compare(lin_of, (perceptions, expectations), other, by=by, groups=groups, level=level)


def servperf_compare(
    perceptions: Responses,
    other: Responses | None = None,
    *,
    by: str | None = None,
    groups: tuple[str, str] | None = None,
    level: float = 0.95,
) -> Comparison:
    """Difference in overall SERVPERF between two groups (``by``/``groups``) or waves.

    Parameters
    ----------
    perceptions : Responses
        The (first) survey's perception answers.
    other : Responses, optional
        A second, independent wave.
    by, groups : str and (str, str)
        Instead of ``other``: group ``groups[0]`` minus ``groups[1]`` of column ``by``.
    level : float
        Confidence level.

    Returns
    -------
    Comparison
        Both overall SERVPERF estimates, the difference and a two-sided p-value.

    Examples
    --------
    Two desks of a licensing office, three customers each, on 1–7:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="mini", name="Mini", scale=sq.Scale(min=1, max=7),
    ...     items=[sq.Item(id="T1", text="Tidy office", dimension="tangibles"),
    ...            sq.Item(id="A1", text="Polite staff", dimension="assurance")])
    >>> d = sq.Design({"desk": list("AAABBB")})
    >>> p = sq.Responses(inst, d, (np.array(
    ...     [[5, 6], [4, 7], [6, 5], [6, 6], [7, 6], [6, 7]]) - 1).astype("int8"))
    >>> c = sq.servperf_compare(p, by="desk", groups=("B", "A"))
    >>> round(c.difference.value, 2), round(c.p_value, 3)
    (0.83, 0.003)
    """

    def lin_of(responses: Responses, mask: npt.NDArray[np.bool_]) -> c.Lin:
        arrays = responses.design.arrays
        return profile(responses.values(), responses.instrument, arrays, mask, level).overall_lin

    return c.compare(lin_of, perceptions, other, by=by, groups=groups, level=level)
