"""Results of :func:`servqual.compliance`: per service (and group), frozen and JSON-ready."""

from __future__ import annotations

from pydantic import Field

from servqual.models._base import FrozenModel
from servqual.models.results import Estimate
from servqual.models.service import CompletionTime

__all__ = ["ServiceCompliance", "TimeCompliance"]


class TimeCompliance(FrozenModel):
    """How often a time standard was kept (completion, or complaint resolution).

    Parameters
    ----------
    standard : CompletionTime
        The promised maximum.
    on_time : Estimate or None
        Share of decided records (on time + late) that met the standard, with its interval
        (Wilson; design-based with the records' design). ``None`` when none is decided.
    n_on_time, n_late, n_pending : int
        Records completed within the standard; completed late or still open past their
        deadline; still open and not yet due at the end of the period (left out of the
        share).
    median_time, p90_time : Estimate or None
        Median and 90th percentile of the time taken by completed records, in the
        standard's unit (working days taken, days, hours or minutes), with distribution-free
        order-statistic intervals (``ci.method == "order_statistic"``; ``se`` is NaN; an
        upper bound of ``inf`` when too few records complete the interval).

    Examples
    --------
    Complaints about Kartu Keluarga applications in the demo office, resolved within
    5 working days or not:

    >>> import servqual as sq
    >>> res = sq.compliance(sq.data.load_demo_records(), sq.data.load_demo_catalog(),
    ...                     calendar=sq.data.demo_calendar())
    >>> c = res["Kartu Keluarga"].complaints
    >>> c.standard.text, c.n_on_time, c.n_late, c.n_pending, c.n_decided
    ('5 hari kerja', 6, 1, 0, 7)
    """

    standard: CompletionTime
    on_time: Estimate | None
    n_on_time: int = Field(ge=0)
    n_late: int = Field(ge=0)
    n_pending: int = Field(ge=0)
    median_time: Estimate | None
    p90_time: Estimate | None

    @property
    def n_decided(self) -> int:
        """Records on time or late (the denominator of ``on_time``)."""
        return self.n_on_time + self.n_late


class ServiceCompliance(FrozenModel):
    """Compliance of one service (in one group) with its published standard.

    Parameters
    ----------
    service : str
        The service id.
    group : str, optional
        The value of the ``by`` column (``None`` without ``by``).
    n : int
        Records of the service (in the group).
    completion : TimeCompliance or None
        Completion time against ``standard.completion_time`` (``None`` without one).
    fee : float or None
        The published fee (``None`` without one).
    fee_exact : Estimate or None
        Share of records with a recorded fee charged exactly the published fee.
    n_fee : int
        Records with a recorded fee.
    n_overcharged, n_undercharged : int
        Records charged more, or less, than the published fee.
    overcharged_amount : float
        Total charged above the published fee (sum over overcharged records).
    complaints : TimeCompliance or None
        Complaint resolution against ``standard.complaint_time`` (``None`` without
        complaint columns or that standard).
    n_complaints : int
        Records with a complaint.

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.compliance(sq.data.load_demo_records(), sq.data.load_demo_catalog(),
    ...                     calendar=sq.data.demo_calendar())
    >>> ktp = res["KTP-el"]
    >>> ktp.completion.standard.text, ktp.median_time.value, ktp.p90_time.value
    ('3 hari kerja', 3.0, 5.0)
    >>> ktp.fee, ktp.n_fee, ktp.overcharged, round(ktp.fee_exact.value, 3)
    (0.0, 290, (11, 550000.0), 0.962)
    """

    service: str
    group: str | None = None
    n: int = Field(ge=0)
    completion: TimeCompliance | None
    fee: float | None
    fee_exact: Estimate | None
    n_fee: int = Field(ge=0)
    n_overcharged: int = Field(ge=0)
    n_undercharged: int = Field(ge=0)
    overcharged_amount: float = Field(ge=0)
    complaints: TimeCompliance | None = None
    n_complaints: int = Field(default=0, ge=0)

    @property
    def on_time(self) -> Estimate | None:
        """``completion.on_time``: share completed within the standard."""
        return None if self.completion is None else self.completion.on_time

    @property
    def n_on_time(self) -> int:
        """``completion.n_on_time`` (0 without a completion standard)."""
        return 0 if self.completion is None else self.completion.n_on_time

    @property
    def n_late(self) -> int:
        """``completion.n_late`` (0 without a completion standard)."""
        return 0 if self.completion is None else self.completion.n_late

    @property
    def n_pending(self) -> int:
        """``completion.n_pending`` (0 without a completion standard)."""
        return 0 if self.completion is None else self.completion.n_pending

    @property
    def median_time(self) -> Estimate | None:
        """``completion.median_time``."""
        return None if self.completion is None else self.completion.median_time

    @property
    def p90_time(self) -> Estimate | None:
        """``completion.p90_time``."""
        return None if self.completion is None else self.completion.p90_time

    @property
    def overcharged(self) -> tuple[int, float]:
        """``(n_overcharged, overcharged_amount)``."""
        return self.n_overcharged, self.overcharged_amount
