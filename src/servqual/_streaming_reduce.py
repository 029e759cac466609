"""Helpers of :class:`servqual.SKMAccumulator`: one chunk → mergeable domain sums, and back."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._answers import Where
from servqual.design._build import category_codes, domain_codes, factorize, fpc_per_stratum
from servqual.errors import DesignError, ValidationError
from servqual.stats.reduce import FloatArray, IntArray, Moments, Summary, merge, reduce

__all__ = [
    "Domain",
    "by_stratum",
    "domain_order",
    "merge_domains",
    "merge_fpc",
    "population",
    "reduce_chunk",
    "scaled",
]


@dataclass(frozen=True)
class Domain:
    """Mergeable sums of one domain (the whole sample without ``by``).

    ``summary`` holds the 2k weighted variables ``w a c`` and ``w a`` per stratum or PSU
    (rows outside the domain count as PSUs with zero totals); ``size`` the respondents,
    ``histogram`` (k, 5) how many rows left element ``j`` blank (column 0) or answered it
    with code 0 … 3 (columns 1 … 4): the answered counts, and whether every element was
    answered with a single code (constant answers, whose variance is exactly 0).
    """

    summary: Summary
    size: int
    histogram: IntArray

    @property
    def counts(self) -> IntArray:
        """Respondents who answered each element (k,)."""
        return np.asarray(self.histogram[:, 1:].sum(axis=1), dtype=np.intp)

    @property
    def constant(self) -> bool:
        """Whether every element was answered with one code only (by all who answered)."""
        return bool(np.all(np.count_nonzero(self.histogram[:, 1:], axis=1) <= 1))


def _zero(s: Summary) -> Summary:
    """The same design structure (strata, PSUs) with every sum 0: a domain absent here."""
    totals = None if s.psu_totals is None else np.zeros_like(s.psu_totals)
    return replace(s, sums=np.zeros_like(s.sums), cross=np.zeros_like(s.cross), psu_totals=totals)


def _merge_domain(a: Domain, b: Domain) -> Domain:
    return Domain(
        merge(a.summary, b.summary),
        a.size + b.size,
        a.histogram + b.histogram,
    )


def _absent(d: Domain) -> Domain:
    return Domain(_zero(d.summary), 0, np.zeros_like(d.histogram))


def merge_domains(
    a: Mapping[Hashable, Domain], b: Mapping[Hashable, Domain]
) -> dict[Hashable, Domain]:
    """Merge two sets of domain sums; a domain absent from one side gets its zero sums."""
    if not a or not b:
        return dict(a or b)
    zero_a = _absent(next(iter(a.values())))
    zero_b = _absent(next(iter(b.values())))
    keys = list(dict.fromkeys([*a, *b]))
    return {key: _merge_domain(a.get(key, zero_a), b.get(key, zero_b)) for key in keys}


def merge_fpc(a: Mapping[Hashable, float], b: Mapping[Hashable, float]) -> dict[Hashable, float]:
    """Union of two stratum → fpc maps, refusing a stratum with two different values."""
    out = dict(a)
    for stratum, value in b.items():
        if stratum in out and out[stratum] != value:
            raise DesignError(
                f"fpc of stratum {stratum!r} is {out[stratum]:g} in one chunk and {value:g} "
                "in another: a stratum's population must be the same in every chunk"
            )
        out[stratum] = value
    return out


def population(f: FloatArray, n_psu: IntArray, strata: tuple[Hashable, ...]) -> FloatArray:
    """Population PSUs per stratum from fpc values: sampling fractions if all are ≤ 1."""
    if np.all((f > 0) & (f <= 1)):
        return np.asarray(n_psu / f, dtype=np.float64)
    small = np.flatnonzero(f < n_psu)
    if small.size:
        h = int(small[0])
        raise DesignError(
            f"fpc {f[h]:g} in stratum {strata[h]!r} is smaller than the "
            f"{int(n_psu[h])} sampled units there"
        )
    return np.asarray(f, dtype=np.float64)


def _labels(values: npt.NDArray[Any], field: str) -> tuple[IntArray, list[Hashable]]:
    codes, labels = category_codes(values, field)
    return codes, labels


def _chunk_fpc(fpc: FloatArray, s_codes: IntArray, strata: list[Hashable]) -> dict[Hashable, float]:
    """Fpc per stratum of one chunk (constant within a stratum, as in a Design)."""
    lo = fpc_per_stratum(fpc, s_codes, strata)
    return {s: float(v) for s, v in zip(strata, lo, strict=True)}


def reduce_chunk(
    codes: npt.NDArray[np.int8],
    design: Mapping[str, npt.NDArray[Any]],
    by_values: npt.NDArray[Any] | None,
    by: str | None,
    where: Where,
) -> tuple[dict[Hashable, Domain], dict[Hashable, float]]:
    """Domain sums and fpc per stratum of one chunk of validated rows.

    ``design`` holds the checked design columns present (``weights``, ``strata``,
    ``clusters``, ``fpc``). Rows are not weighted when there is no weights column (an
    fpc-only design's weights ``N_h / n_h`` are applied once the counts are known).
    """
    n, k = codes.shape
    u = np.empty((n, 2 * k))
    np.maximum(codes, 0, out=u[:, :k])  # code c (0 when missing), then answered a
    np.greater_equal(codes, 0, out=u[:, k:])
    weighted = "weights" not in design  # unweighted rows: u is already "w u"
    w = np.ones(n) if weighted else design["weights"]
    strata: list[Hashable]
    if "strata" in design:
        s_codes, strata = _labels(design["strata"], "strata")
    else:
        s_codes, strata = np.zeros(n, dtype=np.intp), [None]
    pop = np.full(len(strata), np.inf)
    fpc = _chunk_fpc(design["fpc"], s_codes, strata) if "fpc" in design else {}
    psu_codes: IntArray | None = None
    psu_keys: list[Hashable] | None = None
    if "clusters" in design:
        c_codes, c_labels = _labels(design["clusters"], "clusters")
        psu_codes, uniq = factorize(s_codes.astype(np.int64) * len(c_labels) + c_codes)
        n_c = len(c_labels)
        psu_keys = [(strata[int(p) // n_c], c_labels[int(p) % n_c]) for p in uniq]
        psu_stratum = np.zeros(len(psu_keys), dtype=np.intp)
        psu_stratum[psu_codes] = s_codes
    stratum_rows = np.bincount(s_codes, minlength=len(strata)).astype(np.intp)
    keys: list[Hashable]
    if by_values is None or by is None:
        groups, keys = np.zeros(n, dtype=np.intp), [None]
    else:
        groups, keys = domain_codes(by_values, by, where)
    out: dict[Hashable, Domain] = {}
    for g, key in enumerate(keys):  # loop over domains (few), never over rows
        rows = slice(None) if len(keys) == 1 else np.flatnonzero(groups == g)
        summary = reduce(
            u[rows],
            weights=w[rows],
            stratum_codes=s_codes[rows],
            strata=strata,
            pop=pop,
            psu_codes=None if psu_codes is None else psu_codes[rows],
            psu_keys=psu_keys,
            stratum_rows=stratum_rows if psu_codes is None else None,
            weighted=weighted,
        )
        if psu_codes is not None:  # PSUs without rows in the domain keep their stratum
            summary = replace(summary, psu_stratum=psu_stratum)
        out[key] = _domain(summary, codes[rows])
    return out, fpc


def _domain(summary: Summary, codes: npt.NDArray[np.int8]) -> Domain:
    """Domain sums with the histogram of codes per element (one bincount)."""
    k = codes.shape[1]
    cells = codes.astype(np.intp)
    cells += np.arange(1, 5 * k, 5)  # element j, code c → 5 j + c + 1 (blank: 5 j)
    histogram = np.bincount(cells.reshape(-1), minlength=5 * k).reshape(k, 5)
    return Domain(summary, int(codes.shape[0]), histogram.astype(np.intp))


def domain_order(keys: list[Hashable], by: str | None) -> tuple[list[Hashable], list[str | None]]:
    """Domain keys in sorted order and their labels (``str(value)``), as ``skm_index``."""
    if by is None:
        return keys, [None]
    try:
        ordered = sorted(keys)  # type: ignore[type-var]  # labels of one column are comparable
    except TypeError as exc:
        raise ValidationError(
            f"by column {by!r} mixes values that cannot be ordered: {exc}"
        ) from None
    labels: list[str | None] = [str(key) for key in ordered]
    if len(set(labels)) != len(labels):
        raise ValidationError(f"by column {by!r} has distinct values with the same text")
    return ordered, labels


def scaled(s: Summary, w: FloatArray) -> Summary:
    """A summary with each stratum's rows weighted by ``w[h]`` (after the reduce)."""
    totals = None
    if s.psu_totals is not None and s.psu_stratum is not None:
        totals = s.psu_totals * w[s.psu_stratum][:, None]
    return replace(
        s, sums=s.sums * w[:, None], cross=s.cross * (w * w)[:, None, None], psu_totals=totals
    )


def by_stratum(m: Moments) -> Moments:
    """Moments with the strata in sorted order, as a Design codes them.

    Chunks add strata in order of appearance; sorted, messages list them as
    :func:`servqual.skm_index` does.
    """
    try:
        order = sorted(range(len(m.strata)), key=lambda h: m.strata[h])  # type: ignore[arg-type,return-value]  # labels of one column
    except TypeError:  # labels of mixed types: keep the order of appearance
        return m
    idx = np.array(order, dtype=np.intp)
    strata = tuple(m.strata[h] for h in order)
    return Moments(m.n_psu[idx], m.pop[idx], m.sums[idx], m.cross[idx], m.n_rows, strata)
