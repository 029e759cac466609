r"""Calibration residuals of an engine design's estimators, from cell sums (private).

The engine groups by (stratum, PSU, domain, calibration cell ``J``); with the weight
factors ``φ_J`` of :mod:`servqual.engines.calibration` every calibrated sum is
``Σ_J φ_J^p T_J`` (``p`` the sum's power of the weights), so point values and design
effects are those of the in-memory calibrated design.

Variance. R ``survey`` replaces the weighted influence values ``w' z`` by their
residuals after calibration (:mod:`servqual.stats.calibration`). With ``w' = w φ_J`` and
``z = b_g · v`` inside domain ``g`` (``v`` the estimator's per-row variables), the
residual of a row is ``w (φ_J z − ψ_gJ)``: a constant offset ``ψ_gJ`` per (domain, cell),
from cell sums only —

- post-stratification: ``ψ_gJ = φ_J b_g · T⁰_gJ / N̂_J`` (the cell's weighted mean of z);
- raking: R ``rake()``'s ten projections on the plain cell means, run on the per-cell
  sums (unweighted ``Σ v`` and counts of rows), as :func:`_raking_offsets` shows.

A residual is non-zero outside its domain, so a PSU's total for domain ``g`` is
``b_g · Σ_J φ_J T_cell − Σ_J W_{p,J} ψ_gJ`` with ``W_{p,J}`` the PSU's weight in cell
``J``; it is formed for a block of domains at a time (memory PSUs × block, as the
in-memory calibrated path's rows × block). Without clusters each row is a PSU and the
sum of squares comes from the cells' cross-products with the weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._by import Domains
from servqual.engines._reduce import Cells, EngineDesignSpec, Sum, reduce_cells
from servqual.engines.calibration import EngineCalibration, joint_labels
from servqual.stats.calibration import RAKING_SWEEPS
from servqual.stats.domain_variance import variances_from_sums

__all__ = ["CalibratedCells", "calibrated_reduce", "calibrated_variances", "merged"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_BLOCK_VALUES = 1 << 22  # PSU totals held at once (32 MiB of float64)


@dataclass(frozen=True)
class CalibratedCells:
    """The engine's cells of a calibrated design.

    Attributes
    ----------
    cells : Cells
        Keyed by the ``by`` domains; sums with the design weights.
    final : Cells
        The same cells, sums with the calibrated weights (``× φ_J^power``).
    j : (m,) int array
        Calibration cell of each cell.
    calibration : EngineCalibration
        The weight factors.
    """

    cells: Cells
    final: Cells
    j: IntArray
    calibration: EngineCalibration


def calibrated_reduce(
    lazy: Any,
    spec: EngineDesignSpec,
    cal: EngineCalibration,
    by: tuple[str, ...],
    sums: dict[str, Sum],
    cross: list[str],
    *,
    by_field: str = "by column",
) -> CalibratedCells:
    """:func:`~servqual.engines._reduce.reduce_cells` with the calibration columns as keys.

    ``sums`` must hold ``"wall"`` (every row's weight) and, for raking, the unweighted
    counterparts of the variables; ``cross`` (used without clusters) ends with ``"wall"``.
    """
    keys = tuple(dict.fromkeys(by + cal.columns))
    joint = reduce_cells(lazy, spec, keys, sums, cross, by_field=by_field)
    cells, j = _split(joint, by, cal)
    phi = cal.factor[j]
    powers = _powers(sums, cross)
    scaled = {name: v * phi ** powers[name] for name, v in cells.sums.items()}
    final = Cells(cells.h, cells.g, cells.psu, cells.rows, scaled, cells.domains, cells.strata)
    return CalibratedCells(cells, final, j, cal)


def calibrated_variances(
    cc: CalibratedCells, names: list[str], plain: list[str], coef: FloatArray
) -> FloatArray:
    """Design variance per domain of the calibrated ``Σ w' z``, ``z = coef[g] · v``.

    ``names`` are the weighted sums ``Σ w v``, ``plain`` their unweighted counterparts
    over rows of positive weight (read by raking only); ``coef`` is (G, len(names)).
    """
    psi = _offsets(cc, names, plain, coef)
    return _variances(cc, names, coef, psi)


def _split(cells: Cells, by: tuple[str, ...], cal: EngineCalibration) -> tuple[Cells, IntArray]:
    """The cells keyed by the ``by`` domains only, and each cell's calibration cell."""
    keys = list(dict.fromkeys(by + cal.columns))
    raw = joint_labels(cells, len(keys))
    cal_part = [keys.index(c) for c in cal.columns]
    j_of = cal.cells_of([tuple(lab[i] for i in cal_part) for lab in raw])
    if not by:
        zero = np.zeros_like(cells.g)
        return Cells(cells.h, zero, cells.psu, cells.rows, cells.sums, None, cells.strata), j_of[
            cells.g
        ]
    by_part = [keys.index(c) for c in by]
    # the joint domains are sorted by the by columns first: their order is the by order
    first: dict[tuple[Any, ...], int] = {}
    g_of = np.array(
        [first.setdefault(tuple(lab[i] for i in by_part), len(first)) for lab in raw],
        dtype=np.intp,
    )
    labels: list[Any] = [lab[0] for lab in first] if len(by) == 1 else list(first)
    text: list[Any] = (
        [str(lab) for lab in labels]
        if len(by) == 1
        else [tuple(str(v) for v in lab) for lab in labels]
    )
    g = g_of[cells.g]
    domains = Domains(g, text, labels, by)
    return Cells(cells.h, g, cells.psu, cells.rows, cells.sums, domains, cells.strata), j_of[
        cells.g
    ]


def _powers(sums: dict[str, Sum], cross: list[str]) -> dict[str, int]:
    out = {name: s.power for name, s in sums.items()}
    for i, a in enumerate(cross):
        for b in cross[i:]:
            out[f"{a}*{b}"] = sums[a].power + sums[b].power
    return out


def merged(cells: Cells) -> Cells:
    """The cells summed over the calibration cells: one per (stratum, PSU, domain)."""
    n_g = cells.n_groups
    # without clusters the units are rows: the cells are (stratum, domain)
    unit = cells.h if cells.psu is None else cells.psu
    code = unit.astype(np.int64) * n_g + cells.g
    keys, inverse = np.unique(code, return_inverse=True)
    inverse = inverse.reshape(-1)
    first = np.zeros(keys.shape[0], dtype=np.intp)
    first[inverse[::-1]] = np.arange(code.shape[0])[::-1]

    def add(v: Any) -> Any:
        return np.bincount(inverse, weights=v, minlength=keys.shape[0])

    sums = {"pos": add(cells.sums["pos"])}
    psu = None if cells.psu is None else cells.psu[first]
    rows = add(cells.rows).astype(np.intp)
    return Cells(cells.h[first], cells.g[first], psu, rows, sums, cells.domains, cells.strata)


def _per_cell(codes: IntArray, n: int, values: FloatArray) -> FloatArray:
    """Sums of the rows of ``values`` (m, k) per code → (n, k)."""
    out = np.zeros((n, values.shape[1]))
    np.add.at(out, codes, values)
    return out


def _per_domain_cell(cc: CalibratedCells, names: list[str], coef: FloatArray) -> FloatArray:
    """``Σ coef[g] · (sums of names)`` per (domain, calibration cell): (G, J)."""
    cells, n_j = cc.cells, cc.calibration.factor.shape[0]
    z = _dot(coef[cells.g], cells.sums, names)
    pair = cells.g.astype(np.int64) * n_j + cc.j
    out = np.bincount(pair, weights=z, minlength=cells.n_groups * n_j)
    return np.asarray(out, dtype=np.float64).reshape(cells.n_groups, n_j)


def _dot(b: FloatArray, sums: dict[str, FloatArray], names: list[str]) -> FloatArray:
    """Per cell ``b[c] · (sums[name][c] for name in names)``."""
    out = np.zeros(b.shape[0])
    for k, name in enumerate(names):  # loop over the estimator's variables, not rows
        out += b[:, k] * sums[name]
    return out


def _offsets(
    cc: CalibratedCells, names: list[str], plain: list[str], coef: FloatArray
) -> FloatArray:
    """``ψ`` (G, J): each domain's residual offset per calibration cell."""
    cal, cells, j = cc.calibration, cc.cells, cc.j
    n_j = cal.factor.shape[0]
    if cal.kind == "poststratify":
        weight = np.bincount(j, weights=cells.sums["wall"], minlength=n_j)
        zbar = _per_domain_cell(cc, names, coef) / np.where(weight > 0, weight, 1.0)
        return np.asarray(zbar * cal.factor[None, :], dtype=np.float64)
    ug = _per_domain_cell(cc, plain, coef)
    counts_j = np.bincount(j, weights=cells.rows, minlength=n_j).astype(np.float64)
    pos_j = np.bincount(j, weights=cells.sums["posall"], minlength=n_j).astype(np.float64)
    return _raking_offsets(cal, ug, counts_j, pos_j)


def _raking_offsets(
    cal: EngineCalibration, ug: FloatArray, counts_j: FloatArray, pos_j: FloatArray
) -> FloatArray:
    r"""R ``rake()``'s projections, on the joint cells instead of the rows.

    As :func:`servqual.stats.calibration._raking_residual`, with per-cell sums:

    With ``w⁽ᵏ⁾ = w φ⁽ᵏ⁾_J``: ``B_k[c] = Σ_{J∈c} (φ_J / φ⁽ᵏ⁾_J) Σ_{w>0} z`` and
    ``M_kj[c, c'] = Σ_{J ∈ c, c'} (φ⁽ʲ⁾_J / φ⁽ᵏ⁾_J) · rows_J(w>0)``; the offsets are
    ``ψ_gJ = Σ_k φ⁽ᵏ⁾_J A_k[cell_k(J), g]``.
    """
    margins = cal.margins
    b = [
        _per_cell(mg.codes, mg.n_cells, (ug * (cal.factor / mg.factor)[None, :]).T)
        for mg in margins
    ]
    counts = [np.bincount(mg.codes, weights=counts_j, minlength=mg.n_cells) for mg in margins]
    cross = [
        [
            np.bincount(
                mk.codes * mj.n_cells + mj.codes,
                weights=pos_j * mj.factor / mk.factor,
                minlength=mk.n_cells * mj.n_cells,
            ).reshape(mk.n_cells, mj.n_cells)
            for mj in margins
        ]
        for mk in margins
    ]
    acc = [np.zeros((mg.n_cells, ug.shape[0])) for mg in margins]
    for _ in range(RAKING_SWEEPS):
        for k in range(len(margins)):
            sums = b[k].copy()
            for i in range(len(margins)):
                sums -= cross[k][i] @ acc[i]
            acc[k] = acc[k] + sums / np.where(counts[k] > 0, counts[k], 1.0)[:, None]
    psi = np.zeros_like(ug)
    for mg, a in zip(margins, acc, strict=True):
        psi += (mg.factor[:, None] * a[mg.codes]).T
    return psi


def _variances(
    cc: CalibratedCells, names: list[str], coef: FloatArray, psi: FloatArray
) -> FloatArray:
    """Design variance of each domain's calibrated total of ``w z`` (residuals first)."""
    cells, j = cc.cells, cc.j
    phi = cc.calibration.factor[j]
    n_g, n_h = cells.n_groups, len(cells.strata.strata)
    b = coef[cells.g]
    a = phi * _dot(b, cells.sums, names)  # the cell's share of Σ w' z (its own domain)
    n_j = psi.shape[1]
    if cells.psu is not None:
        n_p = int(cells.psu.max()) + 1
        unit, stratum_of = cells.psu, np.zeros(n_p, dtype=np.intp)
        stratum_of[cells.psu] = cells.h
    else:  # (stratum, domain) cells; the units are rows, summed through cross-products
        n_p, unit, stratum_of = n_h, cells.h, np.arange(n_h, dtype=np.intp)
    weight = _sparse(unit, j, cells.sums["wall"], (n_p, n_j))
    block = max(1, min(n_g, _BLOCK_VALUES // max(n_p, 1)))
    hs, gs, ss, qs = [], [], [], []
    for start in range(0, n_g, block):  # blocks of domains, never rows
        stop = min(start + block, n_g)
        mine = (cells.g >= start) & (cells.g < stop)
        tot = -(weight @ psi[start:stop].T)  # (units, block)
        np.add.at(tot, (unit[mine], cells.g[mine] - start), a[mine])
        s = _per_cell(stratum_of, n_h, tot)
        if cells.psu is not None:
            q = _per_cell(stratum_of, n_h, tot * tot)
        else:
            q = _row_squares(cc, names, b, psi, start, stop)
        hs.append(np.repeat(np.arange(n_h), stop - start))
        gs.append(np.tile(np.arange(start, stop), n_h))
        ss.append(s.ravel())
        qs.append(q.ravel())
    h, g = np.concatenate(hs).astype(np.intp), np.concatenate(gs).astype(np.intp)
    return variances_from_sums(h, g, np.concatenate(ss), np.concatenate(qs), n_g, cells.strata)


def _cross(sums: dict[str, FloatArray], a: str, b: str) -> FloatArray:
    """The cells' sum of products ``Σ (w v_a)(w v_b)``, whichever order it was named in."""
    return sums[f"{a}*{b}"] if f"{a}*{b}" in sums else sums[f"{b}*{a}"]


def _row_squares(
    cc: CalibratedCells,
    names: list[str],
    b: FloatArray,
    psi: FloatArray,
    start: int,
    stop: int,
) -> FloatArray:
    r"""``Q_hg = Σ_i (w_i (φ_J z_i − ψ_gJ))²`` over a stratum's rows, from cell cross-products.

    ``= Σ_cells [φ² bᵀ M b − 2 φ ψ_gJ b · C] + Σ_J W2_hJ ψ_gJ²`` with ``M`` the cell's
    ``Σ (w v)(w v)ᵀ``, ``C`` its ``Σ w (w v)`` and ``W2_hJ`` the stratum's ``Σ w²`` in ``J``.
    """
    cells, j = cc.cells, cc.j
    phi = cc.calibration.factor[j]
    n_h, n_j = len(cells.strata.strata), psi.shape[1]
    s = cells.sums
    own = np.zeros(cells.g.shape[0])
    for k, a in enumerate(names):  # pairs of the estimator's variables, not rows
        own += b[:, k] ** 2 * _cross(s, a, a)
        for m in range(k + 1, len(names)):
            own += 2.0 * b[:, k] * b[:, m] * _cross(s, a, names[m])
    own *= phi**2
    mine = (cells.g >= start) & (cells.g < stop)
    psi_c = psi[cells.g, j]
    square = _sparse(cells.h, j, s["wall*wall"], (n_h, n_j)) @ (psi[start:stop] ** 2).T
    at = (cells.h[mine], cells.g[mine] - start)
    scale = np.array(square, dtype=np.float64)  # Q's positive terms: its rounding scale
    np.add.at(scale, at, own[mine])
    own -= 2.0 * phi * psi_c * _dot(b, {n: _cross(s, n, "wall") for n in names}, names)
    q = np.array(square, dtype=np.float64)
    np.add.at(q, at, own[mine])
    # residuals that are all 0 (a share of a calibration category) leave rounding
    # residue of the cancelling terms: exactly 0, as the in-memory path's residuals give
    q[q <= 64.0 * np.finfo(np.float64).eps * scale] = 0.0
    return q


def _sparse(rows: IntArray, cols: IntArray, values: FloatArray, shape: tuple[int, int]) -> Any:
    """(units × calibration cells) sums as a sparse matrix (duplicates added)."""
    from scipy import sparse  # imported where used: ``import servqual`` stays cheap

    return sparse.csr_matrix((values, (rows, cols)), shape=shape)


@dataclass(frozen=True)
class CalibratedView(Cells):
    """The calibrated sums of a :class:`CalibratedCells`, usable wherever ``Cells`` is."""

    calibrated: CalibratedCells | None = None


def design_cells(design: Any, by: tuple[str, ...], sums: dict[str, Sum], cross: list[str]) -> Cells:
    """The engine's cells of ``design``, calibrated when the design is.

    The drop-in for :func:`~servqual.engines._reduce.reduce_cells` of an index's
    estimator (its variables' sums; their variance by :func:`design_cell_variances`):
    on a calibrated design the row weight, and for raking the unweighted sums, are added.
    """
    cal = getattr(design, "calibration", None)
    if cal is None:
        return reduce_cells(design.lazy, design.spec, by, sums, cross)
    import narwhals as nw

    from servqual.engines.calibration import row_weight

    w = row_weight(design.spec, design.columns[0])
    more = dict(sums)
    more["wall"] = Sum(w, 1)
    if cal.kind == "rake":
        more["posall"] = Sum(nw.when(w > 0).then(1.0).otherwise(0.0), 0)
        for name in cross:  # the variables: their sums over positive weights, unweighted
            more[f"plain:{name}"] = Sum(nw.when(w > 0).then(sums[name].expr / w).otherwise(0.0), 0)
    cc = calibrated_reduce(design.lazy, design.spec, cal, by, more, [*cross, "wall"])
    f = cc.final
    return CalibratedView(f.h, f.g, f.psu, f.rows, f.sums, f.domains, f.strata, cc)


def design_cell_variances(cells: Cells, names: list[str], coef: FloatArray) -> FloatArray:
    """:func:`~servqual.engines._variance.cell_variances`, calibration residuals first."""
    from servqual.engines._variance import cell_variances

    if isinstance(cells, CalibratedView) and cells.calibrated is not None:
        return calibrated_variances(
            cells.calibrated, names, [f"plain:{name}" for name in names], coef
        )
    return cell_variances(cells, names, coef)
