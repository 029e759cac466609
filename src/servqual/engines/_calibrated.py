r"""Means, totals, ratios and shares of a calibrated engine design (private).

The engine groups by (stratum, PSU, domain, calibration cell ``J``); with the weight
factors ``φ_J`` of :mod:`servqual.engines.calibration` every calibrated sum is
``Σ_J φ_J^p T_J`` (``p`` the sum's power of the weights), so point values and design
effects are those of the in-memory calibrated design.

Variance. R ``survey`` replaces the weighted influence values ``w' z`` by their
residuals after calibration (:mod:`servqual.stats.calibration`). With ``w' = w φ_J`` and
``z = b_g · v`` inside domain ``g``, the residual of a row is ``w (φ_J z − ψ_gJ)``: a
constant offset ``ψ_gJ`` per (domain, cell), from cell sums only —

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

from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.design._backends import Variances
from servqual.design._by import Domains
from servqual.design._estimators import IntervalKind, Kind, RatioStatistic, check_na
from servqual.design._front import domain_estimates
from servqual.engines._linear import EngineBackend, _value_rules, subset_df
from servqual.engines._reduce import Cells, EngineDesignSpec, Sum, by_columns, reduce_cells
from servqual.engines._validate import check_rules, missing, require_numeric
from servqual.engines.calibration import EngineCalibration, joint_labels, row_weight
from servqual.errors import ParameterError, ValidationError
from servqual.models.results import Estimate
from servqual.stats.calibration import RAKING_SWEEPS
from servqual.stats.domain_variance import variances_from_sums
from servqual.stats.quantiles import check_level
from servqual.stats.variance import srs_variance_from_sums

__all__ = ["calibrated_linear"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
_BLOCK_VALUES = 1 << 22  # PSU totals held at once (32 MiB of float64)


def _variables(lazy: Any, kind: Kind, cols: tuple[str, ...], success: object, w: Any) -> Any:
    """The sums of :func:`servqual.engines._linear._variables`, and those the residuals need.

    ``wall``: every row's weight (a residual is non-zero on every row of its cell);
    ``y0``, ``x0``, ``posall``: unweighted sums and counts over positive weights (the
    plain cell means of R's raking variance).
    """
    import narwhals as nw

    present = ~missing(lazy, cols[0])
    for col in cols[1:]:
        present = present & ~missing(lazy, col)
    if success is not None:
        y = nw.when(present & (nw.col(cols[0]) == success)).then(1.0).otherwise(0.0)
    else:
        y = nw.when(present).then(nw.col(cols[0]).cast(nw.Float64)).otherwise(0.0)
    p = nw.when(present).then(1.0).otherwise(0.0)
    x = (
        nw.when(present).then(nw.col(cols[1]).cast(nw.Float64)).otherwise(0.0)
        if kind == "ratio"
        else p
    )
    positive = nw.when(w > 0).then(1.0).otherwise(0.0)
    return {
        "wy": Sum(w * y, 1),
        "wx": Sum(w * x, 1),
        "wall": Sum(w, 1),
        "w": Sum(w * p, 1),
        "pos": Sum(nw.when(present & (w > 0)).then(1.0).otherwise(0.0), 0),
        "rows": Sum(p, 0),
        "wyy": Sum(w * y * y, 1),
        "wxy": Sum(w * x * y, 1),
        "wxx": Sum(w * x * x, 1),
        "y0": Sum(y * positive, 0),
        "x0": Sum(x * positive, 0),
        "posall": Sum(positive, 0),
    }


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


def calibrated_linear(
    lazy: Any,
    spec: EngineDesignSpec,
    cal: EngineCalibration,
    kind: Kind,
    cols: tuple[str, ...],
    by: Any,
    *,
    level: float,
    na: str,
    interval: IntervalKind = "t",
    success: object = None,
    method: str | None = None,
    df_rule: str = "design",
) -> tuple[list[Estimate], Cells]:
    """As :func:`servqual.engines._linear.linear`, on the calibrated design."""
    level = check_level(level)
    check_na(na)
    if interval not in ("t", "normal"):
        raise ParameterError(f"interval must be one of ['t', 'normal'], got {interval!r}")
    if df_rule not in ("domain", "design"):
        raise ParameterError(f"df must be one of ['domain', 'design'], got {df_rule!r}")
    names = set(lazy.collect_schema().names())
    for col in cols:
        if col not in names:
            raise ValidationError(f"column {col!r} is not in the data; columns: {sorted(names)}")
    if success is None:
        for col in cols:
            require_numeric(lazy, col, ValidationError, f"column {col!r}")
    check_rules(lazy, _value_rules(lazy, cols, na, numeric=success is None))
    by_cols = by_columns(lazy, by)
    sums = _variables(lazy, kind, cols, success, row_weight(spec, cols[0]))
    cross = ["wy", "wx", "wall"]
    keys = tuple(dict.fromkeys(by_cols + cal.columns))
    joint = reduce_cells(lazy, spec, keys, sums, cross, by_field="domain column")
    cells, j = _split(joint, by_cols, cal)
    phi = cal.factor[j]
    powers = _powers(sums, cross)
    scaled = {name: v * phi ** powers[name] for name, v in cells.sums.items()}
    final = Cells(cells.h, cells.g, cells.psu, cells.rows, scaled, cells.domains, cells.strata)
    ty, tx = final.total("wy"), final.total("wx")
    labels = [None] if cells.domains is None else cells.domains.labels
    stat = RatioStatistic(
        kind, np.zeros(0), None, np.zeros(0, dtype=np.intp), cells.n_groups, labels
    )
    if kind == "total":
        coef, value = np.column_stack([np.ones_like(ty), np.zeros_like(ty)]), ty
    else:
        stat.check(tx)
        value = ty / tx
        coef = np.column_stack([1.0 / tx, -value / tx])
    psi = _offsets(cells, j, cal, coef)
    var = _variances(cells, j, phi, coef, psi)
    sum_wz = coef[:, 0] * ty + coef[:, 1] * tx
    sum_wzz = (
        coef[:, 0] ** 2 * final.total("wyy")
        + 2.0 * coef[:, 0] * coef[:, 1] * final.total("wxy")
        + coef[:, 1] ** 2 * final.total("wxx")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        vsrs = srs_variance_from_sums(final.total("pos"), final.total("w"), sum_wz, sum_wzz)
        deff = np.where(vsrs > 0, var / np.where(vsrs > 0, vsrs, 1.0), np.nan)
    counts = np.rint(final.total("rows")).astype(np.intp)
    df: float | FloatArray | None = cells.df if (interval == "t" or method is not None) else None
    if method is not None and cells.domains is not None and df_rule == "domain":
        df = subset_df(_merged(cells))
    ests = domain_estimates(
        EngineBackend(cells.df),
        value,
        Variances(var, deff),
        counts,
        df,
        level,
        several=cells.domains is not None and method is None,
        proportion=method,
    )
    return ests, final


def _merged(cells: Cells) -> Cells:
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


def _offsets(cells: Cells, j: IntArray, cal: EngineCalibration, coef: FloatArray) -> FloatArray:
    """``ψ`` (G, J): each domain's residual offset per calibration cell."""
    n_j, n_g = cal.factor.shape[0], cells.n_groups
    pair = cells.g.astype(np.int64) * n_j + j
    if cal.kind == "poststratify":
        t0 = np.column_stack([cells.sums["wy"], cells.sums["wx"]])
        tg = _per_cell(pair, n_g * n_j, t0).reshape(n_g, n_j, 2)
        weight = np.bincount(j, weights=cells.sums["wall"], minlength=n_j)
        zbar = np.einsum("gjk,gk->gj", tg, coef) / np.where(weight > 0, weight, 1.0)
        return np.asarray(zbar * cal.factor[None, :], dtype=np.float64)
    u0 = np.column_stack([cells.sums["y0"], cells.sums["x0"]])
    ug = np.einsum("gjk,gk->gj", _per_cell(pair, n_g * n_j, u0).reshape(n_g, n_j, 2), coef)
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
    cells: Cells, j: IntArray, phi: FloatArray, coef: FloatArray, psi: FloatArray
) -> FloatArray:
    """Design variance of each domain's calibrated total of ``w z`` (residuals first)."""
    n_g, n_h = cells.n_groups, len(cells.strata.strata)
    b = coef[cells.g]
    t = np.column_stack([cells.sums["wy"], cells.sums["wx"]])
    a = phi * np.einsum("ck,ck->c", b, t)  # the cell's share of Σ w' z (its own domain)
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
            q = _row_squares(cells, j, b, phi, psi, weight.shape[1], start, stop)
        hs.append(np.repeat(np.arange(n_h), stop - start))
        gs.append(np.tile(np.arange(start, stop), n_h))
        ss.append(s.ravel())
        qs.append(q.ravel())
    h, g = np.concatenate(hs).astype(np.intp), np.concatenate(gs).astype(np.intp)
    return variances_from_sums(h, g, np.concatenate(ss), np.concatenate(qs), n_g, cells.strata)


def _row_squares(
    cells: Cells,
    j: IntArray,
    b: FloatArray,
    phi: FloatArray,
    psi: FloatArray,
    n_j: int,
    start: int,
    stop: int,
) -> FloatArray:
    r"""``Q_hg = Σ_i (w_i (φ_J z_i − ψ_gJ))²`` over a stratum's rows, from cell cross-products.

    ``= Σ_cells [φ² bᵀ M b − 2 φ ψ_gJ b · C] + Σ_J W2_hJ ψ_gJ²`` with ``M`` the cell's
    ``Σ (w v)(w v)ᵀ``, ``C`` its ``Σ w (w v)`` and ``W2_hJ`` the stratum's ``Σ w²`` in ``J``.
    """
    n_h = len(cells.strata.strata)
    s = cells.sums
    own = phi**2 * (
        b[:, 0] ** 2 * s["wy*wy"] + 2.0 * b[:, 0] * b[:, 1] * s["wy*wx"] + b[:, 1] ** 2 * s["wx*wx"]
    )
    mine = (cells.g >= start) & (cells.g < stop)
    psi_c = psi[cells.g, j]
    square = _sparse(cells.h, j, s["wall*wall"], (n_h, n_j)) @ (psi[start:stop] ** 2).T
    at = (cells.h[mine], cells.g[mine] - start)
    scale = np.array(square, dtype=np.float64)  # Q's positive terms: its rounding scale
    np.add.at(scale, at, own[mine])
    own -= 2.0 * phi * psi_c * (b[:, 0] * s["wy*wall"] + b[:, 1] * s["wx*wall"])
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
