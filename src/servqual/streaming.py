r"""The SKM index from data read in chunks: reduce each chunk, merge, estimate once.

The SKM index is a smooth function of weighted totals, so a chunk of respondents only has
to contribute its sums. For elements ``j = 1 … k`` with answer codes ``c_ij = y_ij − 1``
and ``a_ij = 1`` when element ``j`` was answered, each chunk is reduced (one vectorized
pass, :func:`servqual.stats.reduce.reduce`) to the per-stratum (or per-PSU) sums of the
``2k`` weighted variables ``w_i a_ij c_ij`` and ``w_i a_ij``. Those summaries merge
exactly (:func:`servqual.stats.reduce.merge`); the estimate is then computed once from the
totals ``T_cj``, ``T_aj`` and their covariance ``V``:

.. math::

    \mathrm{NRR}_j = o_j + s_j \frac{T_{cj}}{T_{aj}}, \qquad
    \mathrm{SKM} = 25 \sum_j \omega_j \mathrm{NRR}_j, \qquad
    \hat V(\mathrm{SKM}) = g^\top V g,

with ``g`` the gradient of the index with respect to the totals (the delta method, as R's
``svycontrast``). This equals the variance of ``Σ w_i z_i`` that
:func:`servqual.skm_index` computes from the influence values of the rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from servqual._answers import design_column, encode_columns
from servqual._frames import to_columns
from servqual._streaming_reduce import (
    Domain,
    by_stratum,
    domain_order,
    merge_domains,
    merge_fpc,
    population,
    reduce_chunk,
    scaled,
)
from servqual.errors import (
    DataFormatError,
    DegenerateDataWarning,
    DesignError,
    InsufficientDataError,
    ParameterError,
    ServqualTypeError,
)
from servqual.indices._skm_results import (
    IndexColumns,
    ResultParts,
    check_answered,
    check_skm_scale,
    finish,
)
from servqual.indices.skm_result import SKMResult, WeightsMode
from servqual.instruments import resolve
from servqual.models.frames import DomainResults
from servqual.models.instrument import Instrument
from servqual.stats.quantiles import check_level
from servqual.stats.reduce import FloatArray, Moments, Summary, finalize
from servqual.stats.variance import LonelyPSU, check_lonely_psu, covariance

__all__ = ["SKMAccumulator"]

_WEIGHTS_MODES = ("exact", "regulation")


class SKMAccumulator:
    """The SKM index of data seen chunk by chunk, identical to :func:`servqual.skm_index`.

    Parameters
    ----------
    instrument : Instrument or str
        An SKM-style instrument (1–4 scale); item columns are found by item id.
    weights, strata, clusters : str, optional
        Names of the design columns, as in :meth:`servqual.Responses.from_frame`.
    fpc : str or mapping, optional
        A column (population of PSUs, or sampling fraction, constant within a stratum),
        or a mapping stratum label → population (``{None: N}`` when unstratified).
    by : str, optional
        A column of domains (e.g. ``"service"``): :meth:`result` gives one result each.
    lonely_psu : {"fail", "adjust", "remove", "certainty", "average"}
        Policy for strata with a single PSU (see :func:`servqual.stats.covariance`).

    Raises
    ------
    servqual.errors.ServqualTypeError
        ``instrument`` is not an :class:`~servqual.Instrument`, or a column name not a str.
    servqual.errors.ScaleError
        The instrument's scale is not 1–4.
    servqual.errors.ParameterError
        An unknown ``lonely_psu``.
    servqual.errors.DesignError
        An fpc mapping with a value that is not a finite number > 0.

    Notes
    -----
    Each chunk is reduced to mergeable sums (:meth:`update`) and dropped; only per-stratum
    (or, with clusters, per-PSU) sums are kept, so memory does not grow with the rows.
    A cluster may be split over chunks. Respondent ids are not read, so duplicates across
    chunks are not detected (:func:`servqual.skm_index` checks them on data in memory).

    Examples
    --------
    A district office reads its survey in two chunks:

    >>> import servqual as sq
    >>> first = {f"U{j}": [4, 3, 3] for j in range(1, 10)}
    >>> second = {f"U{j}": [3, 4, None] for j in range(1, 10)}
    >>> acc = sq.SKMAccumulator(sq.instruments.SKM_2017)
    >>> acc.update(first).update(second).n
    6
    >>> res = acc.result()
    >>> round(res.index.value, 2), res.grade, res.index.df
    (85.0, 'B', 5.0)
    """

    def __init__(
        self,
        instrument: Instrument | str,
        *,
        weights: str | None = None,
        strata: str | None = None,
        clusters: str | None = None,
        fpc: str | Mapping[Hashable, float] | None = None,
        by: str | None = None,
        lonely_psu: LonelyPSU = "fail",
    ) -> None:
        if isinstance(instrument, str):
            instrument = resolve(instrument)
        if not isinstance(instrument, Instrument):
            raise ServqualTypeError(
                f"SKMAccumulator needs a servqual.Instrument, got {type(instrument).__name__}"
            )
        check_skm_scale(instrument)
        for name, value in (("weights", weights), ("strata", strata), ("clusters", clusters)):
            if value is not None and not isinstance(value, str):
                raise ServqualTypeError(f"{name} must be a column name (str), got {value!r}")
        if by is not None and not isinstance(by, str):
            raise ServqualTypeError(f"by must be a column name (str), got {type(by).__name__}")
        if fpc is not None and not isinstance(fpc, (str, Mapping)):
            raise ServqualTypeError(
                f"fpc must be a column name or a mapping stratum → population, got {fpc!r}"
            )
        if isinstance(fpc, Mapping):
            for stratum, size in fpc.items():
                if (
                    isinstance(size, bool)
                    or not isinstance(size, (int, float))
                    or not (np.isfinite(size) and size > 0)
                ):
                    raise DesignError(
                        f"fpc must be a finite number > 0; stratum {stratum!r} has {size!r}"
                    )
        self.instrument = instrument
        self._columns = {"weights": weights, "strata": strata, "clusters": clusters}
        self._fpc_spec: str | dict[Hashable, float] | None = (
            dict(fpc) if isinstance(fpc, Mapping) else fpc
        )
        self._by = by
        self._lonely_psu = check_lonely_psu(lonely_psu)
        self._domains: dict[Hashable, Domain] = {}
        self._fpc: dict[Hashable, float] = {}
        self._n = 0

    @property
    def n(self) -> int:
        """Number of rows (respondents) seen so far."""
        return self._n

    def _config(self) -> tuple[object, ...]:
        return (self.instrument, self._columns, self._fpc_spec, self._by, self._lonely_psu)

    def update(self, chunk: Any) -> SKMAccumulator:
        """Reduce one chunk of rows into the accumulator (in place).

        Parameters
        ----------
        chunk : dataframe or mapping of str → 1-D array
            Rows of respondents (pandas, polars, pyarrow or a mapping of columns), with a
            column per item id and the design and ``by`` columns.

        Returns
        -------
        SKMAccumulator
            ``self``, so that calls can be chained.

        Raises
        ------
        servqual.errors.DataFormatError
            An item, design or ``by`` column missing from the chunk, or columns of
            different lengths.
        servqual.errors.ScaleError
            An answer outside the scale or not an integer; the row is counted from the
            first row of the first chunk.
        servqual.errors.DesignError
            A bad weight, a missing stratum or cluster, an fpc that differs within a
            stratum or from an earlier chunk, or a stratum absent from an fpc mapping.
        servqual.errors.ValidationError
            A missing ``by`` value.

        Examples
        --------
        Rows are counted from the first chunk: the bad answer is in the second row of the
        second chunk.

        >>> import servqual as sq
        >>> acc = sq.SKMAccumulator(sq.instruments.SKM_2017)
        >>> _ = acc.update({f"U{j}": [4, 3, 3] for j in range(1, 10)})
        >>> acc.update({"U5": [4, 7], **{f"U{j}": [4, 3] for j in range(1, 10) if j != 5}})
        Traceback (most recent call last):
        ...
        servqual.errors.ScaleError: answer to item 'U5' in row 4 is 7, outside the scale 1–4
        """
        columns = to_columns(chunk)
        names = list(columns)
        for item_id in self.instrument.item_ids:
            if item_id not in columns:
                raise DataFormatError(
                    f"the chunk has no column {item_id!r} for item {item_id!r} of "
                    f"{self.instrument.id!r}; columns: {names}"
                )
        fpc_column = self._fpc_spec if isinstance(self._fpc_spec, str) else None
        design = {**self._columns, "fpc": fpc_column, "by": self._by}
        for field, name in design.items():
            if name is not None and name not in columns:
                raise DataFormatError(
                    f"{field} column {name!r} is not in the chunk; columns: {names}"
                )
        n = len(columns[self.instrument.item_ids[0]])
        if n == 0:
            return self
        offset = self._n

        def where(i: int) -> str:
            return f"row {offset + i}"

        item_columns = [columns[item_id] for item_id in self.instrument.item_ids]
        codes = encode_columns(item_columns, self.instrument.item_ids, self.instrument.scale, where)
        given = {
            field: design_column(columns[name], field, where, DesignError)
            for field, name in design.items()
            if name is not None and field != "by"
        }
        by_values = None if self._by is None else columns[self._by]
        domains, fpc = reduce_chunk(codes, given, by_values, self._by, where)
        self._check_fpc(fpc, domains)
        self._domains = merge_domains(self._domains, domains)
        self._n += n
        return self

    def _check_fpc(self, fpc: Mapping[Hashable, float], domains: Mapping[Hashable, Domain]) -> None:
        """Record the chunk's fpc per stratum; it must agree with earlier chunks."""
        if isinstance(self._fpc_spec, dict):
            strata = next(iter(domains.values())).summary.strata
            absent = [s for s in strata if s not in self._fpc_spec]
            if absent:
                raise DesignError(
                    f"stratum {absent[0]!r} has no population in the fpc mapping; "
                    f"it has strata {list(self._fpc_spec)!r}"
                )
        self._fpc = merge_fpc(self._fpc, fpc)

    def merge(self, other: SKMAccumulator) -> SKMAccumulator:
        """A new accumulator holding the rows of both (associative and commutative).

        Parameters
        ----------
        other : SKMAccumulator
            An accumulator with the same instrument, columns and options, e.g. one that
            reduced other chunks on another machine (accumulators pickle).

        Returns
        -------
        SKMAccumulator
            Neither input is changed.

        Raises
        ------
        servqual.errors.ParameterError
            The accumulators differ in instrument, columns or options.
        servqual.errors.DesignError
            A stratum has different fpc values in the two.

        Examples
        --------
        >>> import servqual as sq
        >>> a = sq.SKMAccumulator(sq.instruments.SKM_2017)
        >>> b = sq.SKMAccumulator(sq.instruments.SKM_2017)
        >>> _ = a.update({f"U{j}": [4, 3] for j in range(1, 10)})
        >>> _ = b.update({f"U{j}": [3, 3] for j in range(1, 10)})
        >>> round(a.merge(b).result().index.value, 2), a.n
        (81.25, 2)
        """
        if not isinstance(other, SKMAccumulator):
            raise ServqualTypeError(f"merge needs an SKMAccumulator, got {type(other).__name__}")
        if self._config() != other._config():
            raise ParameterError(
                "cannot merge accumulators with different instruments, columns or options"
            )
        out = SKMAccumulator.__new__(SKMAccumulator)
        out.__dict__.update(self.__dict__)
        out._fpc = merge_fpc(self._fpc, other._fpc)
        out._domains = merge_domains(self._domains, other._domains)
        out._n = self._n + other._n
        return out

    def result(
        self, *, level: float = 0.95, weights: WeightsMode = "exact"
    ) -> SKMResult | DomainResults[SKMResult]:
        """The SKM index of every row seen, as :func:`servqual.skm_index` gives it.

        Parameters
        ----------
        level : float
            Confidence level of the interval, in (0, 1).
        weights : {"exact", "regulation"}
            The instrument's element weights, or as the regulation prints them (3 decimals).

        Returns
        -------
        SKMResult or dict of str to SKMResult
            With ``by``, one result per domain keyed by ``str(value)``, in sorted order.

        Raises
        ------
        servqual.errors.InsufficientDataError
            Fewer than 2 rows seen (none: the accumulator is empty).
        servqual.errors.ItemError
            An element that nobody (in a domain) answered.
        servqual.errors.DesignError
            A stratum with one PSU under ``lonely_psu="fail"``, or an fpc smaller than the
            PSUs sampled in its stratum.
        servqual.errors.ParameterError
            A level outside (0, 1) or an unknown ``weights``.

        Notes
        -----
        The variance is ``gᵀ V g`` with ``V`` the covariance of the ``2k`` totals
        (:func:`servqual.stats.covariance` of the merged summary) and ``g`` the gradient
        of the index: ``∂/∂T_cj = 25 ω_j s_j / T_aj`` and ``∂/∂T_aj = −25 ω_j s_j T_cj /
        T_aj²``. It is set to exactly 0 when every element was answered identically by
        all who answered it (in the domain), as the row-wise influence values then are.

        Examples
        --------
        >>> import servqual as sq
        >>> acc = sq.SKMAccumulator(sq.instruments.SKM_2017, by="service")
        >>> chunk = {f"U{j}": [4, 3, 3, 2] for j in range(1, 10)}
        >>> chunk["service"] = ["KTP", "KTP", "KK", "KK"]
        >>> res = acc.update(chunk).result(level=0.9)
        >>> {k: round(r.index.value, 1) for k, r in res.items()}
        {'KK': 62.5, 'KTP': 87.5}
        """
        level = check_level(level)
        if weights not in _WEIGHTS_MODES:
            raise ParameterError(f"weights must be one of {list(_WEIGHTS_MODES)}, got {weights!r}")
        if self._n < 2:
            raise InsufficientDataError(
                f"the SKM index needs at least 2 respondents, got {self._n}: no interval "
                "can be computed with one respondent"
                + ("" if self._n else " (the accumulator is empty: call update(chunk) first)")
            )
        keys, labels = domain_order(list(self._domains), self._by)
        summaries = self._weighted([self._domains[key].summary for key in keys])
        inst = self.instrument
        parts = ResultParts.of(inst, weights)
        k = len(inst.items)
        moments = [by_stratum(finalize(summary)) for summary in summaries]
        for key, m, label in zip(keys, moments, labels, strict=True):  # before any variance
            counts_g = self._domains[key].counts.astype(np.float64)
            check_answered(parts, counts_g, m.totals[k:], self._by, label)
        estimates = [
            self._domain_estimate(parts, m, self._domains[key], g == 0)
            for g, (key, m) in enumerate(zip(keys, moments, strict=True))
        ]
        values = np.array([e[0] for e in estimates])
        variances = np.array([e[1] for e in estimates])
        nrr = np.array([e[2] for e in estimates])
        sizes = [self._domains[key].size for key in keys]
        counts = np.array([self._domains[key].counts for key in keys], dtype=np.float64)
        df = float(moments[0].n_psu.sum() - len(moments[0].strata))
        index = IndexColumns.linearized(
            values, variances, sizes, df=df, level=level, bounds=parts.range
        )
        results = finish(parts, index, nrr, counts, labels, self._by, stacklevel=4)
        if self._by is None:
            return results[0]
        return DomainResults(zip([str(x) for x in labels], results, strict=True), by=self._by)

    def _weighted(self, summaries: list[Summary]) -> list[Summary]:
        """The domain summaries with their fpc, and the fpc-only design's weights ``N_h/n_h``."""
        if self._fpc_spec is None:
            return summaries
        moments = finalize(summaries[0], diagonal=True)
        strata = moments.strata
        if any(s.strata != strata for s in summaries):  # internal invariant of merge_domains
            raise RuntimeError("domain summaries with different strata orders")
        values = self._fpc if isinstance(self._fpc_spec, str) else self._fpc_spec
        pop = population(np.array([values[h] for h in strata]), moments.n_psu, strata)
        if self._columns["weights"] is not None:
            return [replace(s, pop=pop) for s in summaries]
        w = pop / moments.n_psu  # unweighted rows were reduced: scale each stratum's sums
        return [scaled(replace(s, pop=pop), w) for s in summaries]

    def _domain_estimate(
        self, parts: ResultParts, moments: Moments, domain: Domain, first: bool
    ) -> tuple[float, float, FloatArray]:
        """Value, variance (gᵀ V g) and NRRs of one domain."""
        k = len(self.instrument.items)
        totals = moments.totals
        code_tot, answered_tot = totals[:k], totals[k:]
        reverse = np.array([item.reverse for item in self.instrument.items])
        offset = np.where(reverse, 4.0, 1.0)
        sign = np.where(reverse, -1.0, 1.0)
        mean = code_tot / answered_tot
        nrr = offset + sign * mean
        value = float(25.0 * (nrr @ parts.omega))
        with warnings.catch_warnings():
            if not first:  # the lonely-PSU warning is the same for every domain: say it once
                warnings.simplefilter("ignore", DegenerateDataWarning)
            cov = covariance(moments, lonely_psu=self._lonely_psu)
        coef = 25.0 * parts.omega * sign / answered_tot
        g = np.concatenate([coef, -coef * mean])
        variance = float(g @ cov @ g)
        # gᵀVg of totals cancels to rounding residue when the influence values do (every
        # PSU total of z equal in its stratum): residue is recognised as exactly 0, as the
        # row-wise z of skm_index are (bound: the rounding error of Σ_h gᵀ cross_h g).
        a = np.abs(g)
        residue = (
            128.0
            * np.finfo(np.float64).eps
            * float(np.einsum("i,hij,j->", a, np.abs(moments.cross), a))
        )
        if abs(variance) <= residue or (domain.constant and np.isfinite(variance)):
            variance = 0.0
        return value, variance, nrr
