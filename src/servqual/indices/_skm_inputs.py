"""Argument validation for :func:`servqual.skm_index`: one place, before any arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from servqual.design._by import DomainKey, index_domains
from servqual.design.design import Design
from servqual.errors import (
    InsufficientDataError,
    ParameterError,
    ServqualTypeError,
)
from servqual.indices._skm_results import ResultParts, check_skm_scale
from servqual.indices.grades import Regime
from servqual.indices.skm_result import WeightsMode
from servqual.responses import Responses
from servqual.stats.bootstrap import check_resamples
from servqual.stats.design_arrays import DesignArrays
from servqual.stats.quantiles import check_level

__all__ = ["Method", "Spec", "domains", "validate"]

Method = Literal["linearization", "bootstrap", "bootstrap_bca"]
_WEIGHTS_MODES = ("exact", "regulation")
_METHODS = ("linearization", "bootstrap", "bootstrap_bca")
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Spec:
    """Validated arguments and the per-element constants of one call."""

    responses: Responses
    arrays: DesignArrays
    omega: FloatArray  # element weights ω_j as used in the index
    offset: FloatArray  # NRR_j = offset_j + sign_j · (mean code)_j
    sign: FloatArray  # +1, or −1 for a reverse-scored element
    regime: Regime
    weights_mode: WeightsMode
    level: float
    method: Method
    n_resamples: int
    seed: int | np.random.Generator | None

    def with_generator(self) -> Spec:
        """The same spec drawing from one generator, so successive domains differ."""
        if self.method == "linearization" or isinstance(self.seed, np.random.Generator):
            return self
        return replace(self, seed=np.random.default_rng(self.seed))


def validate(
    responses: Any, level: Any, weights: Any, method: Any, n_resamples: Any, seed: Any
) -> Spec:
    """Check every argument of ``skm_index`` and derive the per-element constants.

    Raises
    ------
    servqual.errors.ServqualTypeError, ParameterError, ScaleError, InsufficientDataError
        As documented on :func:`servqual.skm_index`.
    """
    if not isinstance(responses, Responses):
        raise ServqualTypeError(
            f"skm_index needs a servqual.Responses, got {type(responses).__name__}"
        )
    level = check_level(level)
    if weights not in _WEIGHTS_MODES:
        raise ParameterError(f"weights must be one of {list(_WEIGHTS_MODES)}, got {weights!r}")
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {list(_METHODS)}, got {method!r}")
    if method == "bootstrap":
        check_resamples(n_resamples, level)
    if not (seed is None or isinstance(seed, np.random.Generator)) and (
        isinstance(seed, bool) or not isinstance(seed, int)
    ):
        raise ParameterError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    if isinstance(seed, int) and seed < 0:
        raise ParameterError(f"seed must be non-negative, got {seed!r}")
    inst = responses.instrument
    check_skm_scale(inst)
    if responses.n < 2:
        raise InsufficientDataError(
            f"the SKM index needs at least 2 respondents, got {responses.n}: no interval "
            "can be computed with one respondent"
        )
    parts = ResultParts.of(inst, weights)
    reverse = np.array([item.reverse for item in inst.items])
    return Spec(
        responses=responses,
        arrays=responses.design.arrays,
        omega=parts.omega,
        offset=np.where(reverse, float(inst.scale.max), float(inst.scale.min)),
        sign=np.where(reverse, -1.0, 1.0),
        regime=parts.regime,
        weights_mode=weights,
        level=level,
        method=method,
        n_resamples=n_resamples,
        seed=seed,
    )


def domains(design: Design, by: Any) -> tuple[list[DomainKey], npt.NDArray[np.intp]]:
    """Sorted keys and per-row domain index of the ``by`` column(s).

    One column: its values as strings; several: tuples of strings (see
    :mod:`servqual.design.domains`).

    Raises
    ------
    servqual.errors.ValidationError
        No such column, a missing label (naming the row), or unorderable labels.
    """
    found = index_domains(design.column, by)
    return found.keys, found.codes
