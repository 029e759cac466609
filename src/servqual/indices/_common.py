"""Shared pieces of the indices: domains, item means by linearization, differences.

Every index is a smooth function of weighted totals. Its point value and its per-respondent
linearized values ``z`` (influence values, already divided by the estimated population
size) are computed here or in the index module; the variance of ``Σ w z`` always comes
from the numeric core (:func:`servqual.stats.linearized_variance`), and the interval from
:func:`servqual.design.estimate_from_variance`.

Comparisons use :mod:`servqual.design.comparisons`: two groups of one design by the influence
values of their difference on the full design, two waves as independent estimates.

Domains (``by=``) are handled as R ``survey``'s ``svyby`` does: the linearized values are
zero outside the domain and the variance is computed on the full design, with the full
design's degrees of freedom.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, Union

import numpy as np
import numpy.typing as npt

from servqual.design._by import index_domains
from servqual.design._estimators import estimates_from_variances
from servqual.design.comparisons import Comparison, check_comparable, comparison_from_influence
from servqual.design.comparisons import compare as compare_independent
from servqual.design.design import Design, estimate_from_variance
from servqual.errors import (
    InsufficientDataError,
    ParameterError,
    RespondentError,
    ScaleError,
    ServqualTypeError,
)
from servqual.models.instrument import Instrument, Scale
from servqual.models.results import Estimate, Interval
from servqual.responses import Responses
from servqual.stats.design_arrays import DesignArrays, linearized_variance
from servqual.stats.domain_variance import domain_variances
from servqual.stats.intervals import Bounds, clip_to_bounds
from servqual.stats.quantiles import check_level

__all__ = [
    "Lin",
    "check_paired",
    "compare",
    "estimate",
    "item_means",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
S = TypeVar("S", Responses, tuple[Responses, Responses])
By = Union[str, Sequence[str], None]  # noqa: UP007  (a runtime alias on Python 3.10)


@dataclass(frozen=True)
class Lin:
    """A point value with its linearized values over all rows of the design."""

    value: float
    z: FloatArray
    n: int


@dataclass(frozen=True)
class DomainMeans:
    """Design means of one column in every domain, with their variances and counts."""

    value: FloatArray
    variance: FloatArray
    n: npt.NDArray[np.intp]


def grouping(design: Design, by: By) -> tuple[list[Any], npt.NDArray[np.intp], int]:
    """Keys, a domain code per row and the number of domains (one ``"all"`` without ``by``)."""
    if by is None:
        return ["all"], np.zeros(design.n_rows, dtype=np.intp), 1
    found = index_domains(design.column, by)
    return list(found.keys), found.codes, found.n_groups


def domain_means(
    values: FloatArray,
    arrays: DesignArrays,
    groups: npt.NDArray[np.intp],
    n_groups: int,
    what: str | Sequence[Any],
) -> DomainMeans:
    """:func:`item_means` of one column (NaN = missing) in every domain at once.

    One pass of ``bincount`` for the means and one reduce of the influence values over
    (stratum, PSU, domain) cells (:func:`~servqual.stats.domain_variance.domain_variances`):
    time and memory proportional to rows plus domains.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If a domain has no answer (``what`` names the column, or is the domain keys).
    """
    answered = ~np.isnan(values)
    g = np.where(answered, groups, n_groups)
    w = arrays.weights
    y = np.where(answered, values, 0.0)
    size = np.bincount(g, weights=w, minlength=n_groups + 1)[:n_groups]
    empty = np.flatnonzero(size <= 0)
    if empty.size:
        name = what if isinstance(what, str) else what[int(empty[0])]
        raise InsufficientDataError(f"item {name!r} has no answers in this group: no mean")
    means = np.bincount(g, weights=w * y, minlength=n_groups + 1)[:n_groups] / size
    inside = np.where(answered, groups, 0)
    z = np.where(answered, (y - means[inside]) / size[inside], 0.0)
    var = domain_variances(z, g, n_groups, arrays)
    counts = np.bincount(g, minlength=n_groups + 1)[:n_groups]
    return DomainMeans(np.asarray(means, dtype=np.float64), var, counts.astype(np.intp))


def grouped_item_means(
    values: FloatArray,
    arrays: DesignArrays,
    groups: npt.NDArray[np.intp],
    n_groups: int,
    labels: Sequence[str],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`item_means` of every domain at once: one bincount per column.

    Returns the means (G, k), each row's influence values for its own domain (n, k) and
    the answer counts (G, k).

    Raises
    ------
    servqual.errors.InsufficientDataError
        If a column has no answer in a domain (``labels`` name the columns).
    """
    n, k = values.shape
    means = np.empty((n_groups, k))
    counts = np.empty((n_groups, k))
    z = np.empty((n, k))
    w = arrays.weights
    for j in range(k):  # loop over columns (few), never over rows
        use = ~np.isnan(values[:, j])
        g = np.where(use, groups, n_groups)
        size = np.bincount(g, weights=w, minlength=n_groups + 1)[:n_groups]
        if np.any(size <= 0):
            raise InsufficientDataError(f"item {labels[j]!r} has no answers in this group: no mean")
        y = np.where(use, values[:, j], 0.0)
        means[:, j] = np.bincount(g, weights=w * y, minlength=n_groups + 1)[:n_groups] / size
        counts[:, j] = np.bincount(g, minlength=n_groups + 1)[:n_groups]
        own = np.where(use, groups, 0)
        z[:, j] = np.where(use, (y - means[own, j]) / size[own], 0.0)
    return means, z, counts


def column_variances(
    z: FloatArray, groups: npt.NDArray[np.intp], n_groups: int, arrays: DesignArrays
) -> FloatArray:
    """(G, m) design variances of each column of own-domain influence values ``z`` (n, m)."""
    return np.column_stack(
        [domain_variances(z[:, j], groups, n_groups, arrays) for j in range(z.shape[1])]
    )


def group_mask(design: Design, by: By, group: object) -> BoolArray:
    """Mask of the rows of group ``group`` of ``by`` (error if it has no rows)."""
    found = index_domains(design.column, by)
    j = found.index(group)
    if j is None:
        raise InsufficientDataError(
            f"group {group!r} of {found.name!r} has no respondents; groups: {found.keys}"
        )
    return np.asarray(found.codes == j, dtype=np.bool_)


def plain(value: object) -> object:
    """A numpy scalar as the Python value (for messages)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def check_responses(value: object, name: str) -> None:
    """An index argument that must be a :class:`Responses`.

    Raises
    ------
    servqual.errors.ServqualTypeError
        Naming the argument and the type given.
    """
    if not isinstance(value, Responses):
        raise ServqualTypeError(
            f"{name} must be a servqual.Responses (e.g. Responses.from_arrays(scores, "
            f"instrument)), got {type(value).__name__}"
        )


def check_paired(first: Responses, second: Responses, names: tuple[str, str]) -> None:
    """Two forms answered by the same respondents, on the same items and design.

    Raises
    ------
    servqual.errors.RespondentError
        If the respondents or the design weights differ.
    servqual.errors.ItemError
        If the item ids differ.
    """
    a, b = names
    check_responses(first, a)
    check_responses(second, b)
    check_same_items(first, second, names)
    if first.n != second.n:
        raise RespondentError(
            f"{a} has {first.n} respondents but {b} has {second.n}: the forms must be "
            "answered by the same respondents"
        )
    differ = np.flatnonzero(np.asarray(first.respondent_ids != second.respondent_ids))
    if differ.size:
        i = int(differ[0])
        raise RespondentError(
            f"row {i} is respondent {plain(first.respondent_ids[i])!r} in {a} but "
            f"{plain(second.respondent_ids[i])!r} in {b}: pair the forms by respondent"
        )
    if not np.array_equal(first.design.weights, second.design.weights):
        raise RespondentError(f"{a} and {b} have different design weights: use one design")


def check_same_items(first: Responses, second: Responses, names: tuple[str, str]) -> None:
    """Two forms on the same item ids in the same order.

    Raises
    ------
    servqual.errors.ItemError
        Naming the items only in one form (or the order).
    """
    from servqual.errors import ItemError

    a, b = names
    ids_a, ids_b = first.instrument.item_ids, second.instrument.item_ids
    if ids_a != ids_b:
        only_a = [i for i in ids_a if i not in ids_b]
        only_b = [i for i in ids_b if i not in ids_a]
        raise ItemError(
            f"{a} and {b} must have the same items in the same order; only in {a}: "
            f"{only_a}, only in {b}: {only_b}"
            + ("" if only_a or only_b else " (same ids, different order)")
        )


def item_means(
    values: FloatArray, arrays: DesignArrays, mask: BoolArray, labels: Sequence[str]
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]:
    """Design means of each column over the answered rows of the domain.

    ``values`` is (n, k) with NaN for a missing answer. Returns the means (k,), the
    linearized values (n, k) and the number of answers per column.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If a column has no answer in the domain (``labels`` name the columns).
    """
    use = ~np.isnan(values) & mask[:, None]
    w = arrays.weights[:, None] * use
    size = w.sum(axis=0)
    counts = use.sum(axis=0)
    empty = np.flatnonzero(size <= 0)
    if empty.size:
        raise InsufficientDataError(
            f"item {labels[int(empty[0])]!r} has no answers in this group: no mean"
        )
    y = np.where(use, values, 0.0)
    means = (w * y).sum(axis=0) / size
    z = np.where(use, (y - means) / size, 0.0)
    return means, z, counts


def estimate(
    lin: Lin,
    arrays: DesignArrays,
    level: float,
    scale: float = 1.0,
    *,
    bounds: Bounds | None = None,
) -> Estimate:
    """Estimate with a t interval on the design df, cut to ``bounds`` (the index's range)."""
    var = float(linearized_variance(lin.z, arrays)[0]) * scale * scale
    return estimate_from_variance(
        lin.value * scale, var, n=lin.n, df=arrays.df, level=level, bounds=bounds
    )


def estimates(
    values: FloatArray,
    z: FloatArray,
    counts: Sequence[int],
    arrays: DesignArrays,
    level: float,
    *,
    bounds: Bounds | None = None,
) -> list[Estimate]:
    """One Estimate per column of linearized values ``z`` (n, k), cut to ``bounds``."""
    var = linearized_variance(z, arrays)
    return estimates_from_variances(values, var, counts, df=arrays.df, level=level, bounds=bounds)


def scale_range(scale: Scale) -> Bounds:
    """The range of a mean of answers on ``scale``."""
    return (float(scale.min), float(scale.max))


def gap_range(scale: Scale) -> Bounds:
    """The range of a mean of differences of two answers on ``scale``."""
    width = float(scale.max - scale.min)
    return (-width, width)


def compare(
    lin_of: Callable[[S, BoolArray], Lin],
    first: S,
    other: S | None,
    *,
    by: str | None,
    groups: tuple[str, str] | None,
    level: float,
    estimate_of: Callable[[Lin, DesignArrays], Estimate] | None = None,
) -> Comparison:
    """Dispatch a comparison: waves (``other`` given) or groups (``by`` and ``groups``).

    ``lin_of(sample, mask)`` gives the index's linearized value for a domain of a sample
    (one ``Responses``, or a pair of forms whose first form carries the design);
    ``estimate_of(lin, arrays)`` turns it into the index's :class:`Estimate` (default: a
    t interval on the design df, :func:`estimate`).
    """
    from servqual.engines.design import EngineDesign

    level = check_level(level)
    for sample in (first, other):
        design = None if sample is None else _design_of(sample)
        if isinstance(design, EngineDesign):  # the influence values are per row
            raise ServqualTypeError(
                f"a comparison needs the rows in memory; these responses stay in {design.engine}: "
                "collect the frame first (e.g. LazyFrame.collect()), or compare the by= "
                "results' estimates"
            )
    est_of = estimate_of or (lambda lin, arrays: estimate(lin, arrays, level))
    if other is not None:
        if by is not None or groups is not None:
            raise ParameterError("compare two waves or two groups, not both: drop by/groups")
        d_a, d_b = _design_of(first), _design_of(other)
        est_a = est_of(lin_of(first, np.ones(d_a.n_rows, np.bool_)), d_a.arrays)
        est_b = est_of(lin_of(other, np.ones(d_b.n_rows, np.bool_)), d_b.arrays)
        return compare_independent(est_a, est_b, level=level)
    if by is None or groups is None or len(groups) != 2:
        raise ParameterError(
            "give either a second wave, or by= and groups=(a, b) naming two groups to compare"
        )
    ga, gb = (str(g) for g in groups)
    if ga == gb:
        raise ParameterError(f"groups must be two different groups, got {ga!r} twice")
    design = _design_of(first)
    lin_a = lin_of(first, group_mask(design, by, ga))
    lin_b = lin_of(first, group_mask(design, by, gb))
    check_comparable((lin_a.n, lin_b.n), (ga, gb), "the index")
    ests = (est_of(lin_a, design.arrays), est_of(lin_b, design.arrays))
    return comparison_from_influence(design.arrays, list(ests), lin_a.z - lin_b.z, level=level)


def _design_of(sample: Responses | tuple[Responses, Responses]) -> Design:
    """The design of a sample: a ``Responses``, or the first form of a pair of forms."""
    return (sample[0] if isinstance(sample, tuple) else sample).design


def mean_lin(values: FloatArray, arrays: DesignArrays, mask: BoolArray) -> Lin:
    """The design mean of one column of answers (NaN = missing) over a domain."""
    means, z, counts = item_means(values[:, None], arrays, mask, ("mean",))
    return Lin(float(means[0]), z[:, 0], int(counts[0]))


def single_item_waves(
    scores: object,
    other: object | None,
    instrument: Instrument,
    item: str | None,
    name: str,
    *,
    same_scale: bool = True,
) -> tuple[Responses, Responses | None]:
    """The ``Responses`` of a single-item index's first sample and optional second wave."""
    first = single_item(scores, instrument, item, name, same_scale=same_scale)[0]
    if other is None:
        return first, None
    return first, single_item(other, instrument, item, name, same_scale=same_scale)[0]


def interval_like(est: Estimate, bounds: tuple[float, float], method: str) -> Estimate:
    """The same estimate with another interval (bounds computed by the core)."""
    low, high = clip_to_bounds(bounds[0], bounds[1], est.value, est.bounds)
    ci = Interval(low=low, high=high, level=est.ci.level, method=method)
    return est.model_copy(update={"ci": ci})


def chosen_item(instrument: Instrument, item: str | None) -> str:
    """``item``, or the only item of ``instrument`` when ``item`` is None."""
    ids = instrument.item_ids
    if item is not None:
        return item
    if len(ids) != 1:
        raise ParameterError(
            f"instrument {instrument.id!r} has {len(ids)} items; "
            f"choose one with item=, one of {list(ids)}"
        )
    return ids[0]


def check_scale(answered: Instrument, scale: Scale, name: str) -> None:
    """Refuse answers on another scale than ``scale`` (the index ``name`` needs it).

    Raises
    ------
    servqual.errors.ScaleError
        Naming the index, the scale it needs and the instrument's scale.
    """
    s = answered.scale
    if (s.min, s.max) != (scale.min, scale.max):
        raise ScaleError(
            f"{name} needs answers on {scale.min}–{scale.max}; instrument "
            f"{answered.id!r} is on {s.min}–{s.max}"
        )


def single_item(
    scores: object,
    instrument: Instrument,
    item: str | None,
    name: str,
    *,
    same_scale: bool = True,
) -> tuple[Responses, FloatArray]:
    """A single-item index's answers: ``(responses, values (n,))`` with NaN for missing.

    ``scores`` is a :class:`Responses` (with ``same_scale``, its instrument must share
    ``instrument``'s scale; ``item`` picks the column when it has several items) or a 1-D
    array of answers on ``instrument``'s scale (NaN or None = missing), taken as a simple
    random sample.

    Raises
    ------
    servqual.errors.ScaleError
        An answer that is not an integer on the scale (row and value named), or a
        ``Responses`` whose instrument is on another scale.
    servqual.errors.ParameterError
        ``item`` missing for a several-item instrument, or unknown.
    """
    scale = instrument.scale
    if isinstance(scores, Responses):
        if same_scale:
            check_scale(scores.instrument, scale, name)
        j = scores.instrument.index(chosen_item(scores.instrument, item))
        return scores, scores.values()[:, j]
    values = _answers_1d(scores, scale, name)
    n = values.shape[0]
    codes = np.where(np.isnan(values), -1, values - scale.min).astype(np.int8)[:, None]
    responses = Responses(instrument, Design({"respondent": np.arange(n)}), codes)
    return responses, values


def _answers_1d(scores: object, scale: Scale, name: str) -> FloatArray:
    raw = np.asarray(scores, dtype=object)
    if raw.ndim != 1:
        raise ServqualTypeError(
            f"{name} scores must be a 1-D sequence of answers or a Responses, got shape {raw.shape}"
        )
    if raw.shape[0] == 0:
        raise InsufficientDataError(f"{name} got no answers")
    blank = np.array([v is None for v in raw.tolist()], dtype=np.bool_)
    try:
        values = np.where(blank, np.nan, raw).astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        bad = next(i for i, v in enumerate(raw.tolist()) if not _is_number(v))
        raise ScaleError(
            f"{name} answer in row {bad} is {raw[bad]!r}, not a number on the scale "
            f"{scale.min}–{scale.max}"
        ) from None
    present = ~np.isnan(values)
    bad_mask = present & (
        (values != np.round(values)) | (values < scale.min) | (values > scale.max)
    )
    if bad_mask.any():
        i = int(np.flatnonzero(bad_mask)[0])
        kind = "not an integer" if values[i] != np.round(values[i]) else "outside the scale"
        raise ScaleError(
            f"{name} answer in row {i} is {raw[i]!r}: {kind} {scale.min}–{scale.max}"
            + (f" ({int(bad_mask.sum())} such answers)" if bad_mask.sum() > 1 else "")
        )
    return values


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]  # probing arbitrary user input
    except (TypeError, ValueError, OverflowError):
        return False
    return True
