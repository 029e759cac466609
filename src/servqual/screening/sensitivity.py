r"""Sensitivity of the SKM grade to the flagged forms.

The index over all respondents and over the respondents not flagged (a domain of the
full design) share respondents, so their difference is estimated by linearization on the
full design: with ``z`` the influence values of the full index and ``z^K`` those of the
kept-domain index (0 for flagged rows), ``full − kept`` has influence ``z − z^K`` and its
variance comes from the numeric core, as for any SKM interval (see
:mod:`servqual.indices.skm`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from servqual.design.comparisons import comparison_from_influence
from servqual.design.design import estimate_from_variance
from servqual.indices import _skm_kernel as kernel
from servqual.indices._skm_inputs import Spec, validate
from servqual.indices.grades import grade_of
from servqual.models.results import Estimate
from servqual.responses import Responses
from servqual.screening.models import Sensitivity
from servqual.stats.design_arrays import linearized_variance

__all__ = ["sensitivity"]

FloatArray = npt.NDArray[np.float64]


def sensitivity(
    responses: Responses, flagged: npt.NDArray[np.bool_], level: float
) -> Sensitivity | None:
    """Full index, index without the flagged respondents, and their difference.

    ``None`` when nothing is flagged, fewer than 2 respondents remain, or an element is
    unanswered among them.
    """
    kept = ~flagged
    if not flagged.any() or kept.sum() < 2:
        return None
    spec = validate(responses, level, "exact", "linearization", 2000, None)
    codes, weights = responses.codes, spec.arrays.weights
    groups = flagged.astype(np.intp)  # domain 0: kept, 1: flagged
    code_all, answered_all, _ = kernel.element_sums(codes, weights, None, 1)
    code_dom, answered_dom, _ = kernel.element_sums(codes, weights, groups, 2)
    if (answered_dom[0] <= 0).any() or (answered_all <= 0).any():
        return None
    full_values, z_full = _index(spec, code_all, answered_all, None)
    values, z_dom = _index(spec, code_dom, answered_dom, groups)
    z_kept = np.where(kept, z_dom, 0.0)
    var = linearized_variance(np.column_stack([z_full, z_kept]), spec.arrays)
    df = spec.arrays.df
    full = estimate_from_variance(
        float(full_values[0]), float(var[0]), n=codes.shape[0], df=df, level=level
    )
    kept_est = estimate_from_variance(
        float(values[0]), float(var[1]), n=int(kept.sum()), df=df, level=level
    )
    comparison = comparison_from_influence(
        spec.arrays, [full, kept_est], z_full - z_kept, level=level
    )
    return Sensitivity(
        full=full,
        kept=kept_est,
        difference=comparison,
        full_grade=_grade(spec, full),
        kept_grade=_grade(spec, kept_est),
        excluded=int(flagged.sum()),
    )


def _index(
    spec: Spec, code_tot: FloatArray, answered_tot: FloatArray, groups: npt.NDArray[np.intp] | None
) -> tuple[FloatArray, FloatArray]:
    """Index value(s) and influence values, as :func:`servqual.skm_index` computes them."""
    mean_codes = code_tot / answered_tot
    nrr = spec.offset + spec.sign * mean_codes
    values = 25.0 * (nrr @ spec.omega)
    coef = 25.0 * spec.omega * spec.sign / answered_tot
    z = kernel.influence(spec.responses.codes, mean_codes, coef, groups)
    return np.asarray(values, dtype=np.float64), z


def _grade(spec: Spec, est: Estimate) -> str:
    return grade_of(est.value, spec.regime)
