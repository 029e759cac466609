"""The whole-sample SKM index by linearization, on the column-major codes (private).

:func:`servqual.skm_index` without ``by=`` and with the linearization interval comes here.
The same numbers as the general path (:mod:`servqual.indices._skm_kernel`), computed on
:attr:`servqual.Responses.columns` with the packed passes of
:mod:`servqual.indices._skm_packed`: two ``bincount`` passes for the element sums, and
table look-ups for the linearized values. On a simple design with equal weights (the
usual SKM survey) the variance needs only ``Σ z`` and ``Σ z²``, so ``z`` is never stored.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.indices import _skm_packed as packed_kernel
from servqual.indices._skm_inputs import Spec
from servqual.indices._skm_results import IndexColumns, ResultParts, check_every_domain, finish
from servqual.indices.skm_result import SKMResult
from servqual.stats.design_arrays import linearized_variance, simple_variance

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
    """
    arrays = spec.arrays
    bound = 25.0 * (levels - 2) * float(np.abs(spec.omega).sum())
    if arrays.is_simple and arrays.uniform_weight is not None and bound <= arrays.magnitude_limit:
        return simple_variance(*packed_kernel.square_sum(packed, tables), arrays)
    z = packed_kernel.influence(packed, tables)
    return float(linearized_variance(z, arrays, bound=bound)[0])
