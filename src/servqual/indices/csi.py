r"""Customer Satisfaction Index (importance-weighted satisfaction, as used with IPA).

With ``MIS_j`` the mean importance and ``MSS_j`` the mean satisfaction (performance) of
item ``j`` (design means over the respondents who answered it), ``S = Σ_j MIS_j`` and
``HS`` the performance scale's maximum:

.. math::

    \mathrm{WF}_j = 100\,\frac{\mathrm{MIS}_j}{S}\ (\%), \qquad
    \mathrm{WS}_j = \mathrm{WF}_j \cdot \mathrm{MSS}_j, \qquad
    \mathrm{CSI} = \frac{\sum_j \mathrm{WS}_j}{\mathrm{HS}}\ (\%).

CSI is a smooth function of the item totals, so its influence value is

.. math::

    z_i = \frac{100}{\mathrm{HS}} \sum_j \Big[ w_j\, z^{P}_{ij}
          + \frac{\mathrm{MSS}_j - \bar{M}}{S}\, z^{I}_{ij} \Big],
    \qquad w_j = \frac{\mathrm{MIS}_j}{S},\ \bar M = \sum_j w_j \mathrm{MSS}_j,

with ``z^P``, ``z^I`` the item means' influence values; importance and performance are
answered by the same respondents, so their covariance is carried by ``z``. Since
``CSI ≤ 100 · max_j MSS_j / HS``, it never exceeds 100 %.

Bands (percent): 81–100 *Sangat puas*, 66–80.99 *Puas*, 51–65.99 *Cukup puas*,
35–50.99 *Kurang puas*, 0–34.99 *Tidak puas* (half-open at the lower bounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servqual.design._by import DomainKey
from servqual.design._estimators import estimates_from_variances
from servqual.design.comparisons import Comparison
from servqual.design.design import estimate_from_variance
from servqual.engines.responses import EngineResponses
from servqual.errors import InsufficientDataError
from servqual.indices import _common as c
from servqual.indices.csi_result import CSI_BANDS, CSIItem, CSIResult, csi_band
from servqual.models.frames import DomainResults
from servqual.responses import Responses
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.domain_variance import domain_variances
from servqual.stats.quantiles import check_level

__all__ = ["CSI_BANDS", "CSIItem", "CSIResult", "csi", "csi_band", "csi_compare"]

FloatArray = npt.NDArray[np.float64]


def _inputs(performance: Responses, importance: Responses) -> tuple[FloatArray, FloatArray]:
    c.check_paired(performance, importance, ("performance", "importance"))
    return performance.values(), importance.values()


def csi_weights(
    mis: FloatArray, mss: FloatArray, scale_max: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The CSI of every domain and the weights of its influence values.

    ``mis`` and ``mss`` are (G, k) item means. Returns the CSI (G,) in percent and the
    coefficients ``(G, k)`` of the performance and importance means' influence values,
    ``wf_j`` and ``(MSS_j − M̄)/S``, in ``z = 100/HS · Σ_j [wf_j z^P_j + (MSS_j − M̄)/S
    z^I_j]`` (see the module docstring). One formula for the in-memory rows and the
    engine's cell sums.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If the mean importance is zero for every item (in a group).
    """
    total = mis.sum(axis=1)
    if not np.all(total > 0):
        raise InsufficientDataError(
            "mean importance is zero for every item: the CSI weighting factors "
            "MIS / Σ MIS are undefined"
        )
    wf = mis / total[:, None]
    wt = np.einsum("gj,gj->g", wf, mss)
    coef_i = (mss - wt[:, None]) / total[:, None]
    return 100.0 * wt / scale_max, wf, coef_i


def _compute(
    perf: FloatArray,
    imp: FloatArray,
    ids: tuple[str, ...],
    arrays: DesignArrays,
    mask: npt.NDArray[np.bool_],
    scale_max: int,
) -> tuple[c.Lin, FloatArray, FloatArray, FloatArray, FloatArray, list[int], list[int]]:
    mis, z_i, n_i = c.item_means(imp, arrays, mask, ids)
    mss, z_p, n_p = c.item_means(perf, arrays, mask, ids)
    value, coef_p, coef_i = csi_weights(mis[None, :], mss[None, :], scale_max)
    z = (100.0 / scale_max) * (z_p @ coef_p[0] + z_i @ coef_i[0])
    n = int(((~np.isnan(perf) | ~np.isnan(imp)) & mask[:, None]).any(axis=1).sum())
    lin = c.Lin(float(value[0]), z, n)
    return lin, mis, z_i, mss, z_p, [int(k) for k in n_i], [int(k) for k in n_p]


@dataclass(frozen=True)
class CSIParts:
    """The CSI of every domain: values, variances and counts (G,), item arrays (G, k).

    What the finishing step (:func:`csi_results`) needs, from the rows in memory
    (:func:`_grouped`) or from an engine's cell sums (:mod:`servqual.engines.csi`).
    """

    value: FloatArray
    var: FloatArray
    n: npt.NDArray[np.intp]
    mis: FloatArray
    mss: FloatArray
    var_i: FloatArray
    var_p: FloatArray
    n_i: FloatArray
    n_p: FloatArray


def _grouped(
    perf: FloatArray,
    imp: FloatArray,
    ids: tuple[str, ...],
    arrays: DesignArrays,
    groups: npt.NDArray[np.intp],
    n_groups: int,
    scale_max: int,
) -> CSIParts:
    """The CSI of every domain in one pass over the rows.

    Each row carries its influence values for its own domain; the variances come from
    :func:`~servqual.stats.domain_variance.domain_variances`.
    """
    mis, z_i, n_i = c.grouped_item_means(imp, arrays, groups, n_groups, ids)
    mss, z_p, n_p = c.grouped_item_means(perf, arrays, groups, n_groups, ids)
    value, coef_p, coef_i = csi_weights(mis, mss, scale_max)
    z = (100.0 / scale_max) * (
        np.einsum("ij,ij->i", z_p, coef_p[groups]) + np.einsum("ij,ij->i", z_i, coef_i[groups])
    )
    answered = (~np.isnan(perf) | ~np.isnan(imp)).any(axis=1)
    n = np.bincount(groups[answered], minlength=n_groups).astype(np.intp)

    var = domain_variances(z, groups, n_groups, arrays)
    return CSIParts(
        value,
        var,
        n,
        mis,
        mss,
        c.column_variances(z_i, groups, n_groups, arrays),
        c.column_variances(z_p, groups, n_groups, arrays),
        n_i,
        n_p,
    )


def csi_results(
    parts: CSIParts,
    keys: list[DomainKey],
    forms: tuple[Responses, Responses],
    *,
    df: float,
    level: float,
    by: str | Sequence[str] | None,
) -> CSIResult | DomainResults[CSIResult]:
    """The result models of every domain from its :class:`CSIParts` (no pass over rows)."""
    performance, importance = forms
    ids = performance.instrument.item_ids
    hs = performance.instrument.scale.max
    perf_scale, imp_scale = performance.instrument.scale, importance.instrument.scale
    pmin, pmax = float(perf_scale.min), float(perf_scale.max)
    imp_range, perf_range = c.scale_range(imp_scale), c.scale_range(perf_scale)
    k = len(ids)
    # every domain's item estimates in one call (rows of (G, k) flattened)
    all_i = estimates_from_variances(
        parts.mis.ravel(), parts.var_i.ravel(), parts.n_i.ravel(), df=df, level=level,
        bounds=imp_range,
    )  # fmt: skip
    all_p = estimates_from_variances(
        parts.mss.ravel(), parts.var_p.ravel(), parts.n_p.ravel(), df=df, level=level,
        bounds=perf_range,
    )  # fmt: skip
    out: dict[DomainKey, CSIResult] = {}
    for g, label in enumerate(keys):  # loop over domains: results only, no pass over rows
        mis, mss = parts.mis[g], parts.mss[g]
        est_i, est_p = all_i[g * k : (g + 1) * k], all_p[g * k : (g + 1) * k]
        wf = 100.0 * mis / mis.sum()
        items = tuple(
            CSIItem(id=i, mis=a, mss=b, wf=float(f), ws=float(f * m))
            for i, a, b, f, m in zip(ids, est_i, est_p, wf, mss, strict=True)
        )
        # CSI = 100 Σ wf·MSS / max with Σ wf = 1: the perf scale's range over its max
        index = estimate_from_variance(
            float(parts.value[g]),
            float(parts.var[g]),
            n=int(parts.n[g]),
            df=df,
            level=level,
            bounds=(100.0 * pmin / hs, 100.0 * pmax / hs),
        )
        band, band_en = csi_band(index.value)
        crosses = any(index.ci.low < low <= index.ci.high for low, _, _ in CSI_BANDS[:-1])
        out[label] = CSIResult(
            index=index,
            band=band,
            band_en=band_en,
            crosses_band_boundary=crosses,
            items=items,
            sum_mis=float(mis.sum()),
            weighted_total=float(wf @ mss),
            scale_max=hs,
            n=int(parts.n[g]),
        )
    return DomainResults(out, by=by) if by is not None else out["all"]


def csi(
    performance: Responses,
    importance: Responses,
    *,
    level: float = 0.95,
    by: str | Sequence[str] | None = None,
) -> CSIResult | DomainResults[CSIResult]:
    r"""Customer Satisfaction Index in percent, with its band and interval.

    Parameters
    ----------
    performance, importance : Responses
        The satisfaction (performance) and importance answers of the same respondents,
        in the same row order, on instruments with the same item ids; the design is
        taken from ``performance``. Or two sets of columns of one engine frame (Polars
        lazy, DuckDB, Dask, Spark; ``items=`` maps each form's items to its columns),
        reduced inside the engine with the same results (docs/engines.md).
    level : float
        Confidence level.
    by : str or list of str, optional
        One result per group of this respondent attribute (a domain of the full design).
        Several columns: one result per combination, keyed by a tuple of strings.

    Returns
    -------
    CSIResult or dict of str (or tuple of str) to CSIResult

    Raises
    ------
    servqual.errors.ItemError
        The two forms have different items.
    servqual.errors.RespondentError
        The two forms have different respondents or weights.
    servqual.errors.InsufficientDataError
        Mean importance zero for every item, or an item unanswered (in a group).

    Notes
    -----
    See the module docstring for the steps and the linearization.

    Examples
    --------
    Five visitors of a health centre rated two services' importance and performance (1–5):

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="pk", name="Puskesmas", scale=sq.Scale(min=1, max=5),
    ...     items=[sq.Item(id="Q1", text="Waiting time"), sq.Item(id="Q2", text="Courtesy")])
    >>> d = sq.Design({"id": np.arange(5)})
    >>> perf = sq.Responses(inst, d, np.array([[3, 4], [2, 4], [3, 3], [2, 4], [3, 4]], "int8") - 1)
    >>> imp = sq.Responses(inst, d, np.array([[5, 4], [5, 3], [4, 4], [5, 4], [5, 3]], "int8") - 1)
    >>> r = sq.csi(perf, imp)
    >>> round(r.items[0].wf, 2), round(r.index.value, 2), r.band
    (57.14, 62.29, 'Cukup puas')
    """
    level = check_level(level)
    if isinstance(performance, EngineResponses) or isinstance(importance, EngineResponses):
        from servqual.engines.csi import engine_csi_parts

        keys, parts, df = engine_csi_parts(performance, importance, by)
        return csi_results(parts, keys, (performance, importance), df=df, level=level, by=by)
    perf, imp = _inputs(performance, importance)
    ids = performance.instrument.item_ids
    hs = performance.instrument.scale.max
    arrays = performance.design.arrays
    keys, groups, n_groups = c.grouping(performance.design, by)
    parts = _grouped(perf, imp, ids, arrays, groups, n_groups, hs)
    return csi_results(parts, keys, (performance, importance), df=arrays.df, level=level, by=by)


def csi_compare(
    performance: Responses,
    importance: Responses,
    other: tuple[Responses, Responses] | None = None,
    *,
    by: str | None = None,
    groups: tuple[str, str] | None = None,
    level: float = 0.95,
) -> Comparison:
    """Difference in CSI (percentage points) between two groups or two waves.

    ``other`` is a second wave's ``(performance, importance)``; otherwise ``by`` and
    ``groups=(a, b)`` compare two groups of one survey by linearization on the full design.

    Parameters
    ----------
    performance, importance : Responses
        The paired forms of the (first) survey, as in :func:`csi`.
    other : (Responses, Responses), optional
        A second, independent wave's ``(performance, importance)``.
    by, groups : str and (str, str)
        Instead of ``other``: group ``groups[0]`` minus ``groups[1]`` of column ``by``.
    level : float
        Confidence level.

    Returns
    -------
    Comparison
        Both CSI estimates, the difference with its interval and a two-sided p-value.

    Examples
    --------
    Two health centres (A, B) of one district, four patients each:

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="pk", name="Puskesmas", scale=sq.Scale(min=1, max=5),
    ...     items=[sq.Item(id="Q1", text="Waiting time"), sq.Item(id="Q2", text="Courtesy")])
    >>> d = sq.Design({"clinic": list("AAAABBBB")})
    >>> perf = sq.Responses(inst, d, np.array(
    ...     [[3, 4], [2, 4], [3, 3], [2, 4], [4, 5], [4, 4], [5, 4], [3, 5]], "int8") - 1)
    >>> imp = sq.Responses(inst, d, np.array(
    ...     [[5, 4], [5, 3], [4, 4], [5, 4], [5, 4], [4, 4], [5, 3], [5, 4]], "int8") - 1)
    >>> c = sq.csi_compare(perf, imp, by="clinic", groups=("B", "A"))
    >>> round(c.difference.value, 2), round(c.p_value, 3), c.method
    (23.38, 0.001, 'linearization')
    """

    def lin_of(pair: tuple[Responses, Responses], mask: npt.NDArray[np.bool_]) -> c.Lin:
        perf, imp = _inputs(*pair)
        p = pair[0]
        ids, hs = p.instrument.item_ids, p.instrument.scale.max
        return _compute(perf, imp, ids, p.design.arrays, mask, hs)[0]

    return c.compare(lin_of, (performance, importance), other, by=by, groups=groups, level=level)
