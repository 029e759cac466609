r"""Variance of multistage and PPS-without-replacement designs (R ``svyrecvar``, ``ppsvar``).

**Multistage.** With a finite-population correction at every stage, R ``survey``
(``multistage``/``onestrat``) adds to the first-stage variance the variance of each later
stage within the units sampled at the stage above, weighted by the sampling fractions of
those units' ancestors. With :math:`t_i` the weighted totals (of ``w z``) of the units of
one stage, :math:`g` their groups (first stage: strata; later stages: the parent unit),
:math:`n_g` the units sampled in a group and :math:`f_i = 1 - n_g/N_i` (``1`` without an
fpc):

.. math::

    \hat V = \sum_{\text{stages } s} \sum_g \sum_{i \in g}
        m_i\, f_i\, \frac{n_g}{n_g - 1} (t_i - \bar t_g)(t_i - \bar t_g)^\top,

with :math:`m_i` the product of the sampling fractions :math:`n/N` of the unit's
ancestors (1 at the first stage). A group whose units all have :math:`f_i < 10^{-7}` (all
sampled) contributes nothing. Brewer's PPS approximation (R ``pps="brewer"``) is the case
where :math:`f_i = 1 - \pi_i` varies by unit.

**Joint inclusion (Overton, Hartley–Rao).** For one-stage PPS without replacement R forms
:math:`\check\Delta_{ij} = 1 - \pi_i\pi_j/\pi_{ij}` from an approximation of the joint
inclusion probabilities, and the Horvitz–Thompson variance :math:`\check x^\top
\check\Delta \check x` (or Yates–Grundy's, ``HT`` minus :math:`\sum_i \check x_i^2
\sum_j \check\Delta_{ij}`), with :math:`\check x` the PSU totals of ``w z``. Within a
stratum of :math:`n` PSUs, :math:`\check\Delta_{ii} = 1 - \pi_i` and, off the diagonal,

- Overton: :math:`\check\Delta_{ij} = ((\pi_i + \pi_j)/2 - 1)/(n - 1)`;
- Hartley–Rao: :math:`\check\Delta_{ij} = (\pi_i + \pi_j - \bar{p_2} - 1)/(n - 1)`, with
  :math:`\bar{p_2}` given (R ``HR(psum)``) or, as R ``HR()`` does, the mean of the
  :math:`\pi_i` of the stratum; R sets the entries with :math:`\pi_i + \pi_j = 1` exactly
  to 0, and so does servqual.

Every sum is formed per group in :math:`O(\text{units})`, never as a units × units matrix.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from servqual.errors import DegenerateDataWarning, DesignError

__all__ = ["JointInclusion", "Stage", "StagedVariance"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _group_sum(codes: IntArray, n: int, values: FloatArray) -> FloatArray:
    """Column sums of ``values`` (U, k) per code → (n, k)."""
    out = np.empty((n, values.shape[1]))
    for j in range(values.shape[1]):  # loop over columns (few), never over rows
        out[:, j] = np.bincount(codes, weights=values[:, j], minlength=n)
    return out


def _outer_sum(a: FloatArray, b: FloatArray, diagonal: bool) -> FloatArray:
    """``Σ_i a_i b_iᵀ`` (k, k), or only its diagonal on a (k, k) zero matrix."""
    if diagonal:
        return np.diag(np.einsum("ij,ij->j", a, b))
    return np.asarray(a.T @ b, dtype=np.float64)


@dataclass(frozen=True)
class Stage:
    """One sampling stage: its units, their groups and their finite-population factors.

    Attributes
    ----------
    units : (n,) int array
        Each row's unit at this stage.
    group : (U,) int array
        Each unit's group: the stratum at the first stage, the parent unit below.
    group_labels : tuple
        A label per group, for messages.
    parent : (G,) int array
        Each group's parent unit at the stage above (0 at the first stage): R's
        ``"average"`` policy works within a parent.
    sampled : (U,) float array
        Units sampled in the unit's group (:math:`n_g`).
    finite : (U,) float array
        :math:`f_i = 1 - n_g/N_i` (1 without fpc).
    multiplier : (U,) float array
        Product of the sampling fractions of the unit's ancestors.
    """

    units: IntArray
    group: IntArray
    group_labels: tuple[Hashable, ...]
    parent: IntArray
    sampled: FloatArray
    finite: FloatArray
    multiplier: FloatArray


@dataclass(frozen=True)
class JointInclusion:
    """Approximate joint inclusion probabilities of one-stage PPS sampling (R ``pps=``)."""

    method: str  # "overton" or "hartley_rao"
    prob: FloatArray  # (U,) inclusion probability of each PSU
    p2bar: FloatArray  # (U,) Hartley-Rao's p2bar of the PSU's stratum (unused by Overton)
    yates_grundy: bool


@dataclass(frozen=True)
class StagedVariance:
    """The variance of ``Σ w z`` for a multistage or PPS design (see the module notes)."""

    stages: tuple[Stage, ...]
    joint: JointInclusion | None = None

    def covariance(self, wz: FloatArray, *, lonely_psu: str, diagonal: bool = False) -> FloatArray:
        """Covariance (k, k) of the totals of the columns of ``wz`` (n, k), already weighted."""
        out = np.zeros((wz.shape[1], wz.shape[1]))
        for number, stage in enumerate(self.stages, start=1):
            totals = _group_sum(stage.units, stage.sampled.shape[0], wz)
            if number == 1 and self.joint is not None:
                out += _joint_variance(self.joint, stage, totals, diagonal)
                size = np.einsum("ij,ij->j", totals, totals)  # Σ x², the terms' magnitude
            else:
                out += _stage_variance(stage, totals, number, lonely_psu, diagonal)
        if self.joint is not None:
            _negative_to_nan(out, size)
        return out


def _negative_to_nan(cov: FloatArray, size: FloatArray) -> None:
    """A negative variance of the joint-inclusion form becomes NaN, with a warning (in place).

    The Horvitz–Thompson (or Yates–Grundy) form with approximate joint inclusion
    probabilities is not a sum of squares and can be negative; R then gives a NaN standard
    error. A value within rounding of 0 (``64 eps Σ x²``) is a zero variance instead.
    """
    var = np.diagonal(cov).copy()
    tiny = 64.0 * np.finfo(np.float64).eps * size
    negative = var < -tiny
    var[(var < 0) & ~negative] = 0.0
    if negative.any():
        warnings.warn(
            f"the Horvitz–Thompson variance estimate is negative ({float(var[negative][0]):.6g}); "
            "with approximate joint inclusion probabilities it can be: the standard error "
            "and interval are NaN, as in R",
            DegenerateDataWarning,
            stacklevel=6,
        )
        var[negative] = np.nan
    np.fill_diagonal(cov, var)


def _stage_variance(
    stage: Stage, totals: FloatArray, number: int, lonely_psu: str, diagonal: bool
) -> FloatArray:
    """One stage's contribution (R ``onestage``/``onestrat``), every group at once."""
    n_groups = len(stage.group_labels)
    n = stage.sampled
    count = np.maximum(np.bincount(stage.group, minlength=n_groups), 1)
    centred = totals - (_group_sum(stage.group, n_groups, totals) / count[:, None])[stage.group]
    census = np.bincount(stage.group, weights=stage.finite >= 1e-7, minlength=n_groups) == 0
    lonely_group = (np.bincount(stage.group, minlength=n_groups) == 1) & ~census
    scale = stage.finite * np.where(n > 1, n / np.where(n > 1, n - 1.0, 1.0), 1.0)
    scale = np.where(census[stage.group], 0.0, scale * stage.multiplier)
    if lonely_group.any():
        centred = _lonely(stage, totals, centred, lonely_group, number, lonely_psu)
        if lonely_psu == "average":
            scale = _average_scale(stage, scale, lonely_group)
    scaled = centred * np.sqrt(scale)[:, None]
    return _outer_sum(scaled, scaled, diagonal)


def _lonely(
    stage: Stage,
    totals: FloatArray,
    centred: FloatArray,
    lonely_group: npt.NDArray[np.bool_],
    number: int,
    policy: str,
) -> FloatArray:
    """Apply the ``lonely_psu`` policy to units alone in their group."""
    labels = [stage.group_labels[g] for g in np.flatnonzero(lonely_group)]
    if policy == "fail":
        raise DesignError(
            f"stratum {labels[0]!r} has only one sampled unit at stage {number}, so its "
            f"variance cannot be estimated ({len(labels)} such groups); choose lonely_psu="
            "'adjust', 'remove', 'certainty' or 'average', or give an fpc equal to the "
            "units sampled if they were all sampled"
        )
    if policy != "certainty":
        warnings.warn(
            f"{len(labels)} group(s) with a single unit at stage {number} ({labels[:5]!r}) "
            f"handled by lonely_psu={policy!r}",
            DegenerateDataWarning,
            stacklevel=5,
        )
    if policy not in ("adjust", "adjust_zero"):
        return centred  # centred at itself: 0 ("remove", "certainty"; "average" rescales)
    alone = lonely_group[stage.group]
    out: FloatArray = centred.copy()
    if number == 1 and policy == "adjust":  # centre at the grand mean of the stage's units
        out[alone] = totals[alone] - totals.sum(axis=0) / totals.shape[0]
    else:  # "adjust_zero", and below the first stage: survey 4.1.1's rule, centred at zero
        out[alone] = totals[alone]
    return out


def _average_scale(
    stage: Stage,
    scale: FloatArray,
    lonely_group: npt.NDArray[np.bool_],
) -> FloatArray:
    """R's ``"average"``: within each parent, scale the groups with two or more units.

    Census groups need nothing here: their ``scale`` is already 0.
    """
    n_parents = int(stage.parent.max()) + 1
    groups = np.bincount(stage.parent, minlength=n_parents).astype(np.float64)
    ok = np.bincount(stage.parent, weights=~lonely_group, minlength=n_parents)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(ok > 0, groups / ok, np.nan)
    # a parent whose groups are all lonely has no average: NaN, as R (0 * nstrat / 0)
    per_group = np.where(
        lonely_group, np.where(ok[stage.parent] > 0, 0.0, np.nan), factor[stage.parent]
    )
    return np.asarray(scale * per_group[stage.group], dtype=np.float64)


def _joint_variance(
    joint: JointInclusion, stage: Stage, x: FloatArray, diagonal: bool
) -> FloatArray:
    r"""``x̌ᵀ Ďx̌`` (HT) or its Yates–Grundy form, for Ď_ij = (α_i + α_j + β_g)/(n_g - 1)."""
    n_groups = len(stage.group_labels)
    g = stage.group
    n = stage.sampled
    c = np.where(n > 1, 1.0 / np.where(n > 1, n - 1.0, 1.0), 0.0)  # per unit
    if joint.method == "overton":
        alpha, beta = joint.prob / 2.0, np.full(n.shape, -1.0)
    else:
        alpha, beta = joint.prob, -joint.p2bar - 1.0
    cg = np.zeros(n_groups)
    cg[g] = c
    bg = np.zeros(n_groups)
    bg[g] = beta
    sx = _group_sum(g, n_groups, x)
    sax = _group_sum(g, n_groups, alpha[:, None] * x)
    # Σ_{i≠j} Ď_ij x_i x_jᵀ =
    #   Σ_g c_g (S_αx S_xᵀ + S_x S_αxᵀ + β_g S_x S_xᵀ) - Σ_i c_i (2α_i + β_g) x_i x_iᵀ
    left = np.concatenate([sax, sx, bg[:, None] * sx], axis=0) * np.tile(cg, 3)[:, None]
    right = np.concatenate([sx, sax, sx], axis=0)
    off = _outer_sum(left, right, diagonal)
    self_coef = c * (2.0 * alpha + beta)
    off -= _outer_sum(self_coef[:, None] * x, x, diagonal)
    diag_coef = 1.0 - joint.prob
    others = _sum_in_group(g, alpha, n_groups) - alpha
    row_sum = diag_coef + c * ((n - 1.0) * (alpha + beta) + others)
    if joint.method == "hartley_rao":
        fix, partners = _hr_excluded(joint, stage, x, c, diagonal)
        off -= fix
        row_sum -= partners
    ht = off + _outer_sum(diag_coef[:, None] * x, x, diagonal)
    if not joint.yates_grundy:
        return ht
    return ht - _outer_sum(row_sum[:, None] * x, x, diagonal)


def _sum_in_group(g: IntArray, alpha: FloatArray, n_groups: int) -> FloatArray:
    """``Σ_{j in g(i)} α_j`` for each unit ``i``."""
    return np.asarray(np.bincount(g, weights=alpha, minlength=n_groups)[g], dtype=np.float64)


def _hr_excluded(
    joint: JointInclusion, stage: Stage, x: FloatArray, c: FloatArray, diagonal: bool
) -> tuple[FloatArray, FloatArray]:
    """The Hartley–Rao terms of pairs with ``π_i + π_j == 1`` exactly, which R zeroes.

    Returns their contribution to ``Σ_{i≠j} Ď_ij x_i x_jᵀ`` and, per unit, to the row sums
    of Ď. Pairs are found among the distinct (group, π) values, not over all pairs.
    """
    k = x.shape[1]
    fix = np.zeros((k, k))
    partners = np.zeros(x.shape[0])
    keys = np.stack([stage.group.astype(np.float64), joint.prob], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    sums = _group_sum(inverse, uniq.shape[0], x)
    counts = np.bincount(inverse, minlength=uniq.shape[0]).astype(np.float64)
    # candidates: same group, π within 1e-9 of 1 - p (np.unique sorts by group, then π)
    key = uniq[:, 0] * 4.0 + uniq[:, 1]
    lo = np.searchsorted(key, key - 2.0 * uniq[:, 1] + 1.0 - 1e-9)
    hi = np.searchsorted(key, key - 2.0 * uniq[:, 1] + 1.0 + 1e-9)
    for i in np.flatnonzero(hi > lo).tolist():  # distinct values with a candidate partner
        for j in range(int(lo[i]), int(hi[i])):
            if uniq[i, 0] == uniq[j, 0] and float(uniq[i, 1]) + float(uniq[j, 1]) == 1.0:
                fix += _excluded_pair(i, j, inverse, sums, counts, x, c, joint, partners, diagonal)
    return fix, partners


def _excluded_pair(
    i: int,
    j: int,
    inverse: IntArray,
    sums: FloatArray,
    counts: FloatArray,
    x: FloatArray,
    c: FloatArray,
    joint: JointInclusion,
    partners: FloatArray,
    diagonal: bool,
) -> FloatArray:
    """Σ Ď x_a x_bᵀ over the ordered unit pairs (value i, value j); updates ``partners``."""
    unit = int(np.flatnonzero(inverse == i)[0])
    coef = -c[unit] * joint.p2bar[unit]  # Ď_ij of the pair, which R sets to 0
    pair = np.outer(sums[i], sums[j])
    if i == j:  # π = 1/2: pairs within the value, without i = j
        members = inverse == i
        pair = pair - x[members].T @ x[members]
        partners[members] += coef * (counts[i] - 1.0)
    else:
        partners[inverse == i] += coef * counts[j]
    kept = np.diag(np.diagonal(pair)) if diagonal else pair
    return np.asarray(kept * coef, dtype=np.float64)
