"""Building multistage and PPS designs (R ``svydesign(ids=~a+b, fpc=~fa+fb, pps=)``).

:class:`~servqual.Design` hands its columns here when ``clusters`` or ``fpc`` name several
columns (one per stage) or ``pps`` is given. The result is the usual
:class:`~servqual.stats.DesignArrays` (first-stage strata and PSUs, so the design
degrees of freedom and every first-stage consumer work unchanged) carrying a
:class:`~servqual.stats.multistage.StagedVariance` backend, which every estimator's
variance goes through (:func:`~servqual.stats.linearized_variance`).

Conventions, as R ``survey`` 4.1.1:

- stage ``s`` units are the combinations of the cluster columns ``1..s`` within the
  stratum; below the first stage, the units of one parent form one group (stratum);
- ``fpc`` gives, per stage, population unit counts (all values ≥ 1) or sampling fractions
  (all ≤ 1); PPS designs take inclusion probabilities (fractions), one per unit;
- without ``fpc`` only the first stage counts (with-replacement approximation), as in R;
- without ``weights``, the weight is the product over stages of population over sampled
  units (R: ``1 / prod(sampsize / popsize)``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from servqual.design._build import category_codes, factorize, nonnegative
from servqual.errors import DesignError, InsufficientDataError, ParameterError
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.multistage import JointInclusion, Stage, StagedVariance
from servqual.stats.variance import LonelyPSU

__all__ = ["PPSMethod", "PPSVariance", "build_staged", "check_pps"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
PPSMethod = Literal["brewer", "overton", "hartley_rao"]
PPSVariance = Literal["HT", "YG"]


def check_pps(pps: object) -> PPSMethod | None:
    """Validate a ``pps`` method name (``None``: no PPS)."""
    if pps is None:
        return None
    if pps not in get_args(PPSMethod):
        raise ParameterError(f"pps must be one of {list(get_args(PPSMethod))}, got {pps!r}")
    return pps  # type: ignore[return-value]  # narrowed by the membership test


def _names(value: str | Sequence[str] | None, field: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    names = list(value)
    if not names or not all(isinstance(v, str) for v in names):
        raise ParameterError(f"{field} must be a column name or a list of them, got {value!r}")
    return names


def _per_unit(values: FloatArray, units: IntArray, n_units: int, what: str) -> FloatArray:
    """The value of each unit; it must be the same on every row of the unit."""
    ref = np.empty(n_units)
    ref[units] = values  # one row's value per unit (the last written)
    bad = np.flatnonzero(values != ref[units])
    if bad.size:
        row = int(bad[0])
        raise DesignError(
            f"{what} must be constant within a sampling unit; row {row} has {values[row]!r} "
            f"where another row of its unit has {ref[units[row]]!r}"
        )
    return ref


def _popsize(
    fpc: FloatArray, sampled: FloatArray, group: IntArray, stage: int, name: str, pps: bool
) -> FloatArray:
    """Population units per unit's group from counts or fractions, checked as R's as.fpc."""
    if np.any(fpc <= 0):
        raise DesignError(f"fpc column {name!r} (stage {stage}) must be positive; it has 0")
    counts = bool(np.all(fpc >= 1)) and bool(np.any(fpc > 1))
    if not counts and np.any(fpc > 1):
        raise DesignError(
            f"fpc column {name!r} (stage {stage}) mixes counts (> 1) and fractions (< 1)"
        )
    if pps and counts:
        raise DesignError(
            f"fpc column {name!r} must hold inclusion probabilities (at most 1) for PPS sampling"
        )
    pop = fpc if counts else sampled / fpc
    if not pps:
        lo = np.full(int(group.max()) + 1, np.inf)
        np.minimum.at(lo, group, pop)
        if np.any(lo[group] != pop):
            raise DesignError(
                f"fpc column {name!r} (stage {stage}) must be constant within a stratum"
            )
    small = np.flatnonzero(pop < sampled - 1e-9)
    if small.size:
        raise DesignError(
            f"fpc column {name!r} (stage {stage}) implies {pop[small[0]]:g} population units "
            f"where {int(sampled[small[0]])} were sampled"
        )
    return np.asarray(pop, dtype=np.float64)


def _units(
    columns: dict[str, npt.NDArray[Any]], ids: list[str], s_codes: IntArray, n: int
) -> list[tuple[IntArray, IntArray]]:
    """Per stage: unit code of each row, and the parent (or stratum) code of each unit."""
    key = s_codes.astype(np.int64)
    parent_codes = s_codes
    out = []
    names: list[str | None] = list(ids) if ids else [None]
    for name in names:
        codes = (
            np.arange(n, dtype=np.intp)
            if name is None
            else category_codes(columns[name], f"clusters column {name!r}")[0]
        )
        # a compact combined code, so that factorize can count instead of sorting
        units, first = factorize(key * (int(codes.max()) + 1) + codes)
        units = units.astype(np.intp)
        parent = np.zeros(first.shape[0], dtype=np.intp)
        parent[units] = parent_codes
        out.append((units, parent))
        key, parent_codes = units.astype(np.int64), units
    return out


def _check_arguments(
    ids: list[str], fpcs: list[str], pps: PPSMethod | None, pps_variance: str
) -> None:
    if pps_variance not in ("HT", "YG"):
        raise ParameterError(f"pps_variance must be one of ['HT', 'YG'], got {pps_variance!r}")
    if pps_variance == "YG" and pps not in ("overton", "hartley_rao"):
        raise DesignError("pps_variance='YG' needs pps='overton' or pps='hartley_rao' (as R)")
    if fpcs and len(fpcs) != max(len(ids), 1):
        raise DesignError(
            f"fpc names {len(fpcs)} column(s) for {max(len(ids), 1)} stage(s): give one per stage"
        )
    if pps is not None and pps != "brewer" and len(ids) > 1:
        raise DesignError(f"pps={pps!r} supports one stage only (as R); use pps='brewer'")
    if pps is not None and not fpcs:
        raise DesignError("a PPS design needs fpc= with each unit's inclusion probability")


def _stages(
    columns: dict[str, npt.NDArray[Any]],
    per_stage: list[tuple[IntArray, IntArray]],
    fpcs: list[str],
    labels: list[Hashable],
    pps: bool,
) -> tuple[list[Stage], FloatArray, FloatArray]:
    """The stages, the weights they imply, and the first-stage population per unit."""
    stages: list[Stage] = []
    weight = np.ones(per_stage[0][0].shape[0])
    fraction = np.ones(1)
    first_pop = np.ones(1)
    for number, (units, group) in enumerate(per_stage, start=1):
        n_groups = int(group.max()) + 1
        sampled = np.bincount(group, minlength=n_groups).astype(np.float64)[group]
        pop = np.full(group.shape[0], np.inf)
        if fpcs:
            name = fpcs[number - 1]
            unit_fpc = _per_unit(
                nonnegative(columns[name], "fpc"), units, group.shape[0], f"fpc column {name!r}"
            )
            pop = _popsize(unit_fpc, sampled, group, number, name, pps)
        first = number == 1
        # a unit's multiplier: its parent's multiplier times the parent's sampling fraction
        multiplier = (
            np.ones(group.shape[0]) if first else stages[-1].multiplier[group] * fraction[group]
        )
        # below the first stage each group is one parent unit, its own "average" context
        group_labels = tuple(labels) if first else tuple(f"unit {g}" for g in range(n_groups))
        parent = np.zeros(n_groups, dtype=np.intp) if first else np.arange(n_groups)
        stages.append(
            Stage(units, group, group_labels, parent, sampled, 1.0 - sampled / pop, multiplier)
        )
        fraction = sampled / pop
        weight = weight * (pop / sampled)[units]
        if first:
            first_pop = pop
    return stages, weight, first_pop


def build_staged(
    columns: dict[str, npt.NDArray[Any]],
    *,
    weights: str | None,
    strata: str | None,
    clusters: str | Sequence[str] | None,
    fpc: str | Sequence[str] | None,
    pps: PPSMethod | None,
    pps_variance: PPSVariance,
    pps_p2bar: float | None,
    lonely_psu: LonelyPSU,
) -> DesignArrays:
    """Validate the design columns of a multistage/PPS design into :class:`DesignArrays`."""
    n = len(next(iter(columns.values()))) if columns else 0
    if n == 0:
        raise InsufficientDataError("the design has no rows")
    ids, fpcs = _names(clusters, "clusters"), _names(fpc, "fpc")
    _check_arguments(ids, fpcs, pps, pps_variance)
    labels: list[Hashable]
    if strata is not None:
        s_codes, labels = category_codes(columns[strata], "strata")
    else:
        s_codes, labels = np.zeros(n, dtype=np.intp), [None]
    per_stage = _units(columns, ids, s_codes, n)
    if not fpcs:
        per_stage = per_stage[:1]  # R: without fpc only the first stage counts
    stages, weight, unit_pop = _stages(columns, per_stage, fpcs, labels, pps is not None)
    first = stages[0]
    joint = None
    if pps in ("overton", "hartley_rao"):
        prob = 1.0 / (unit_pop / first.sampled)  # R's allprob: 1 / (popsize / sampsize)
        joint = JointInclusion(
            pps, prob, _p2bar(prob, first.group, pps_p2bar), pps_variance == "YG"
        )
    first_pop = np.full(len(labels), np.inf)
    if pps is None:  # one population count per stratum (per unit under PPS: not kept)
        first_pop[first.group] = unit_pop
    w = nonnegative(columns[weights], "weights") if weights is not None else weight
    psu_codes: IntArray | None = None
    psu_keys: tuple[Hashable, ...] | None = None
    if ids:
        psu_codes = first.units
        psu_keys = tuple((labels[int(h)], i) for i, h in enumerate(first.group))
    return DesignArrays(
        w,
        s_codes,
        tuple(labels),
        first_pop,
        psu_codes,
        psu_keys,
        lonely_psu,
        stages=StagedVariance(tuple(stages), joint),
    )


def _p2bar(prob: FloatArray, group: IntArray, given: float | None) -> FloatArray:
    """Hartley–Rao's p2bar per unit: the value given (R ``HR(psum)``) or R ``HR()``'s mean π."""
    if given is not None:
        if isinstance(given, bool) or not isinstance(given, (int, float)) or not given > 0:
            raise ParameterError(f"pps_p2bar must be a positive number, got {given!r}")
        return np.full(prob.shape, float(given))
    n_groups = int(group.max()) + 1
    mean = np.bincount(group, weights=prob, minlength=n_groups) / np.bincount(
        group, minlength=n_groups
    )
    return np.asarray(mean[group], dtype=np.float64)
