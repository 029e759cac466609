"""The whole-sample SKM index by linearization, on the column-major codes (private).

:func:`servqual.skm_index` without ``by=`` and with the linearization interval comes here.
The same numbers as the general path (:mod:`servqual.indices._skm_kernel`), computed on
:attr:`servqual.Responses.columns` with the packed passes of
:mod:`servqual.indices._skm_packed`: two ``bincount`` passes for the element sums, and
table look-ups for the linearized values. When every respondent is a sampling unit (no
clusters, no calibration) the variance needs only per-stratum sums of ``w z`` and
``(w z)²``, formed block by block, so ``z`` is never stored.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.indices import _skm_packed as packed_kernel
from servqual.indices._skm_inputs import Spec
from servqual.indices._skm_results import IndexColumns, ResultParts, check_every_domain, finish
from servqual.indices.skm_result import SKMResult
from servqual.stats.design_arrays import linearized_variance, unclustered_variance

__all__ = ["whole_sample_index"]

FloatArray = npt.NDArray[np.float64]


def whole_sample_index(spec: Spec) -> SKMResult:
    """The index of the whole sample with its linearized interval.

    Raises
    ------
    servqual.errors.ItemError
        An element that nobody answered (or only respondents of weight 0).
    """
    responses, arrays = spec.responses, spec.arrays
    scale = responses.instrument.scale
    levels = scale.max - scale.min + 2  # the answer codes and the missing code -1
    weight = arrays.uniform_weight
    packed = packed_kernel.pack(
        responses.columns, levels, None if weight is not None else arrays.weights
    )
    code_tot, answered_tot, counts = packed_kernel.element_sums(packed, weight)
    parts = ResultParts(responses.instrument, spec.omega, spec.regime, spec.weights_mode)
    check_every_domain(parts, counts, answered_tot, None, [None])
    mean_codes = code_tot / answered_tot
    nrr = spec.offset + spec.sign * mean_codes  # (1, k)
    values = 25.0 * (nrr @ spec.omega)
    coef = 25.0 * spec.omega * spec.sign / answered_tot[0]
    tables = packed_kernel.influence_tables(packed, mean_codes[0], coef)
    variance = _variance(spec, packed, tables, levels)
    index = IndexColumns.linearized(
        values,
        np.array([variance]),
        [responses.n],
        df=arrays.df,
        level=spec.level,
        bounds=parts.range,
    )
    return finish(parts, index, nrr, counts, [None], None, stacklevel=5)[0]


def _variance(
    spec: Spec, packed: packed_kernel.Packed, tables: tuple[FloatArray, ...], levels: int
) -> float:
    """``V̂(Σ w z)``; the magnitude check is replaced by a bound that holds by construction.

    A respondent who answered element ``j`` has ``w_i ≤ Σ_answered w = T_aj``, so
    ``|w_i coef_j (c − m_j)| ≤ 25 |ω_j| (L − 2)``: ``|w z| ≤ 25 (L − 2) Σ_j |ω_j|``
    whatever the weights (codes are range-checked when the responses are built).
    Designs whose rows are their PSUs need only per-stratum sums of ``w z`` and
    ``(w z)²``, formed block by block; the others get ``z`` for the general reduce.
    """
    arrays = spec.arrays
    bound = 25.0 * (levels - 2) * float(np.abs(spec.omega).sum())
    if not (arrays.is_unclustered and bound <= arrays.magnitude_limit):
        z = packed_kernel.influence(packed, tables)
        return float(linearized_variance(z, arrays, bound=bound)[0])
    n_strata, w = len(arrays.strata), arrays.uniform_weight
    if n_strata == 1 and w is not None:  # Σ z from the counts per key (exact weights)
        total, squares = packed_kernel.square_sum(packed, tables)
        return unclustered_variance(np.array([w * total]), np.array([w * w * squares]), arrays)
    strata = None if n_strata == 1 else arrays.stratum_codes
    sums, squares_h = packed_kernel.stratum_sums(packed, tables, arrays.weights, strata, n_strata)
    return unclustered_variance(sums, squares_h, arrays)
