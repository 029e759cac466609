"""Per (service, group) summaries of the record statuses, and their estimates.

Counts and sums come from ``bincount`` over the group codes; shares get their interval
from the numeric core (Wilson from :mod:`servqual.stats.proportion`, or the design's
``svyciprop`` when the records are a sample); quantiles from
:mod:`servqual.stats.order_statistics`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual.errors import DegenerateDataWarning
from servqual.models.results import Estimate, Interval
from servqual.models.service import CompletionTime, ServiceCatalog
from servqual.standards._kernel import LATE, ON_TIME, PENDING
from servqual.standards.records import ServiceRecords
from servqual.standards.results import TimeCompliance
from servqual.stats.binomial_share import binomial_shares
from servqual.stats.order_statistics import grouped_quantile_ci

__all__ = ["Groups", "fee_estimates", "time_compliance"]


class Groups:
    """Group codes ``service * n_by + by`` of the records, with their sizes and design."""

    def __init__(
        self,
        services: npt.NDArray[np.intp],
        by_codes: npt.NDArray[np.intp],
        n_services: int,
        n_by: int,
        records: ServiceRecords,
        level: float,
    ) -> None:
        self.code = services * n_by + by_codes
        self.n_by = n_by
        self.size = n_services * n_by
        self.counts = np.bincount(self.code, minlength=self.size)
        self.records = records
        self.level = level
        self.notes: list[str] = []

    def share(
        self,
        x: npt.NDArray[np.int64],
        n: npt.NDArray[np.int64],
        masks: Callable[[], tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]],
    ) -> dict[int, Estimate]:
        """Share ``x / n`` of each group with ``n > 0``: Wilson, or on the records' design.

        ``masks()`` gives the rows' ``(hit, decided)`` masks, needed only with a design.
        """
        if self.records.has_design:
            hit, decided = masks()
            return self._design_share(hit, decided, n)
        ok = np.flatnonzero(n > 0)
        p, se, low, high = binomial_shares(x[ok], n[ok], self.level)
        out: dict[int, Estimate] = {}
        for j, g in enumerate(ok.tolist()):
            out[g] = Estimate(
                value=float(p[j]),
                se=float(se[j]),
                ci=Interval(
                    low=float(low[j]), high=float(high[j]), level=self.level, method="wilson"
                ),
                n=int(n[g]),
                df=None,
            )
        return out

    def _design_share(
        self, hit: npt.NDArray[np.bool_], decided: npt.NDArray[np.bool_], n: npt.NDArray[np.int64]
    ) -> dict[int, Estimate]:
        from servqual.design.design import Design

        rec = self.records
        data: dict[str, Any] = {
            "_hit": np.where(decided, hit.astype(np.float64), np.nan),
            # groups with nothing decided are estimated nowhere: park their rows in -1
            "_group": np.where(n[self.code] > 0, self.code, -1),
        }
        for col in (rec.weights, rec.strata, rec.fpc):
            if col is not None:
                data[col] = rec.attributes[col]
        design = Design(data, weights=rec.weights, strata=rec.strata, fpc=rec.fpc)
        with warnings.catch_warnings():
            # the -1 domain has no decided rows by construction
            warnings.filterwarnings("ignore", message=".*no rows.*", category=DegenerateDataWarning)
            # the full design's df, as R's confint(svyby(..., svymean), df=degf(design))
            ests = design.by("_group").proportion(
                "_hit", 1.0, level=self.level, method="wilson", na="domain", df="design"
            )
        return {int(k): e for k, e in ests.items() if int(k) >= 0}

    def note(self, text: str) -> None:
        """Remember a degenerate case, to warn once at the end."""
        self.notes.append(text)

    def flush_warnings(self) -> None:
        """One :class:`DegenerateDataWarning` naming every degenerate group."""
        if self.notes:
            warnings.warn("; ".join(self.notes), DegenerateDataWarning, stacklevel=3)

    def label(self, g: int) -> str:
        """Readable name of group ``g`` (service id, and the ``by`` value)."""
        sid = (
            self.records.catalog.ids[g // self.n_by]
            if g // self.n_by < len(self.records.catalog)
            else str(g)
        )
        return sid if self.n_by == 1 else f"{sid} / {g % self.n_by}"


def _sorted_by_group(
    values: npt.NDArray[np.float64], codes: npt.NDArray[np.intp]
) -> npt.NDArray[np.float64]:
    """``values`` sorted by group code, then value (one sort)."""
    if values.size and bool(np.all(values == np.floor(values))) and values.min() >= 0:
        # whole days: sort one int64 key (no argsort, no gather)
        span = int(values.max()) + 1
        key = np.sort(codes.astype(np.int64) * span + values.astype(np.int64))
        return (key % span).astype(np.float64)
    return values[np.lexsort((values, codes))]


def _quantile_estimates(
    groups: Groups, values: npt.NDArray[np.float64], codes: npt.NDArray[np.intp]
) -> tuple[dict[int, Estimate], dict[int, Estimate]]:
    """Median and 90th percentile of each group, with order-statistic intervals."""
    ordered = _sorted_by_group(values, codes)
    counts = np.bincount(codes, minlength=groups.size).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    out: tuple[dict[int, Estimate], dict[int, Estimate]] = ({}, {})
    for j, p in enumerate((0.5, 0.9)):
        est, low, high = grouped_quantile_ci(ordered, starts, counts, p, groups.level)
        for g in np.flatnonzero(counts > 0).tolist():
            out[j][g] = Estimate(
                value=float(est[g]),
                se=math.nan,
                ci=Interval(
                    low=float(low[g]),
                    high=float(high[g]),
                    level=groups.level,
                    method="order_statistic",
                ),
                n=int(counts[g]),
                df=None,
            )
    return out


def time_compliance(
    groups: Groups,
    status: npt.NDArray[np.int8],
    taken: npt.NDArray[np.float64],
    standards: list[CompletionTime | None],
) -> dict[int, TimeCompliance]:
    """One :class:`TimeCompliance` per group whose service has the standard and records."""
    tally = np.bincount(groups.code * 4 + status, minlength=groups.size * 4).reshape(-1, 4)
    shares = groups.share(
        tally[:, ON_TIME],
        tally[:, ON_TIME] + tally[:, LATE],
        lambda: (status == ON_TIME, status <= LATE),
    )
    done = ~np.isnan(taken)  # completed within the period: on time or late
    med, p90 = _quantile_estimates(groups, taken[done], groups.code[done])
    out: dict[int, TimeCompliance] = {}
    for g in np.flatnonzero(tally[:, :3].sum(axis=1) > 0).tolist():
        std = standards[g // groups.n_by]
        assert std is not None  # only rows with a standard get a status below 3
        if g not in shares:
            groups.note(f"{groups.label(g)}: every record is pending, no share on time")
        out[g] = TimeCompliance(
            standard=std,
            on_time=shares.get(g),
            n_on_time=int(tally[g, ON_TIME]),
            n_late=int(tally[g, LATE]),
            n_pending=int(tally[g, PENDING]),
            median_time=med.get(g),
            p90_time=p90.get(g),
        )
    return out


def fee_estimates(
    groups: Groups, fee: npt.NDArray[np.float64], catalog: ServiceCatalog
) -> list[dict[str, Any]]:
    """Fee fields of :class:`ServiceCompliance` for every group (index = group code)."""
    published = np.array(
        [
            math.nan
            if s.standard is None or s.standard.fee is None
            else float(s.standard.fee.amount)
            for s in catalog.services
        ]
    )
    pub = published[groups.code // groups.n_by]
    # 0 exact, 1 over, 2 under, 3 not recorded (or no published fee); NaN compares False
    kind = np.where(fee == pub, 0, np.where(fee > pub, 1, np.where(fee < pub, 2, 3)))
    size = groups.size
    tally = np.bincount(groups.code * 4 + kind, minlength=size * 4).reshape(-1, 4)
    n_fee = tally[:, :3].sum(axis=1)
    n_over, n_under = tally[:, 1], tally[:, 2]
    amount = np.bincount(groups.code, weights=np.where(kind == 1, fee - pub, 0.0), minlength=size)
    shares = groups.share(tally[:, 0], n_fee, lambda: (kind == 0, kind < 3))
    return [
        {
            "fee": None
            if math.isnan(published[g // groups.n_by])
            else float(published[g // groups.n_by]),
            "fee_exact": shares.get(g),
            "n_fee": int(n_fee[g]),
            "n_overcharged": int(n_over[g]),
            "n_undercharged": int(n_under[g]),
            "overcharged_amount": float(amount[g]),
        }
        for g in range(size)
    ]
