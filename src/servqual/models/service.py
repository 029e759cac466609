"""Services, their service standards and a catalog of services.

A *service* (issuing an ID card) is delivered by a *provider* unit to *recipient* groups.
Its *service standard* (*standar pelayanan*) has the 14 components of Permen PANRB
15/2014 (from UU 25/2009 art. 21), in two groups: six on service delivery and eight on
management. Completion time and fee are machine-readable (:class:`CompletionTime`,
:class:`Fee`); the other components are free text.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from servqual.errors import ParameterError
from servqual.models._base import FrozenModel

__all__ = ["CompletionTime", "Fee", "Service", "ServiceCatalog", "ServiceStandard"]

TimeUnit = Literal["minutes", "hours", "days", "working_days"]

_UNIT_DELTA = {
    "minutes": dt.timedelta(minutes=1),
    "hours": dt.timedelta(hours=1),
    "days": dt.timedelta(days=1),
}


class CompletionTime(FrozenModel):
    """The maximum time to complete a service (*jangka waktu penyelesaian*).

    Parameters
    ----------
    value : float
        The maximum, > 0, in ``unit``.
    unit : {"minutes", "hours", "days", "working_days"}
        Indonesian standards often count working days (*hari kerja*).
    text : str, optional
        The wording of the published standard.

    Examples
    --------
    >>> import servqual as sq
    >>> t = sq.CompletionTime(value=3, unit="working_days", text="3 hari kerja")
    >>> t.value, t.unit
    (3.0, 'working_days')
    >>> sq.CompletionTime(value=90, unit="minutes").as_timedelta()
    datetime.timedelta(seconds=5400)
    """

    value: float = Field(gt=0, allow_inf_nan=False)
    unit: TimeUnit
    text: str | None = None

    def as_timedelta(self) -> dt.timedelta:
        """The maximum as a :class:`datetime.timedelta` (calendar time).

        Raises
        ------
        servqual.errors.ParameterError
            For ``unit="working_days"``: their length in calendar time depends on the
            calendar, so they are not converted.
        """
        if self.unit == "working_days":
            raise ParameterError(
                f"a completion time of {self.value:g} working days has no fixed calendar "
                "length; read .value and .unit instead"
            )
        return self.value * _UNIT_DELTA[self.unit]


class Fee(FrozenModel):
    """The fee (*biaya/tarif*) of a service; ``amount=0`` means free of charge.

    Parameters
    ----------
    amount : Decimal
        The amount, >= 0, exact (money is not a float).
    currency : str
        ISO 4217 code, default ``"IDR"``.
    text : str, optional
        The wording of the published standard (legal basis of the tariff, per what).

    Examples
    --------
    >>> import servqual as sq
    >>> sq.Fee(amount=0).is_free, sq.Fee(amount=50_000).amount
    (True, Decimal('50000'))
    """

    amount: Decimal = Field(ge=0, allow_inf_nan=False)
    currency: str = Field(default="IDR", pattern=r"^[A-Z]{3}$")
    text: str | None = None

    @property
    def is_free(self) -> bool:
        """``True`` when the service costs nothing (*gratis*)."""
        return self.amount == 0


class ServiceStandard(FrozenModel):
    """The 14 components of a service standard (Permen PANRB 15/2014).

    Service delivery (*penyampaian pelayanan*): ``requirements``, ``procedure``,
    ``completion_time``, ``fee``, ``product``, ``complaints``. Management (*pengelolaan
    pelayanan*): ``legal_basis``, ``facilities``, ``staff_competence``, ``supervision``,
    ``staff_count``, ``service_guarantee``, ``security_guarantee``,
    ``performance_evaluation``. Every component is optional so that a draft standard
    can be stored; :meth:`missing` lists the ones not yet written.

    Parameters
    ----------
    requirements : tuple of str
        Documents and conditions the applicant must bring (*persyaratan*).
    procedure : tuple of str
        Steps of the system, mechanism and procedure (*sistem, mekanisme, dan prosedur*).
    completion_time : CompletionTime, optional
        Maximum completion time (*jangka waktu penyelesaian*).
    fee : Fee, optional
        Cost/fee (*biaya/tarif*).
    product : str, optional
        The service product (*produk pelayanan*).
    complaints : str, optional
        Handling of complaints, suggestions and feedback (*penanganan pengaduan, saran
        dan masukan*).
    legal_basis : tuple of str
        Regulations the service rests on (*dasar hukum*).
    facilities : tuple of str
        Facilities and infrastructure, including for vulnerable groups (*sarana dan
        prasarana*).
    staff_competence : str, optional
        Required staff competence (*kompetensi pelaksana*).
    supervision : str, optional
        Internal supervision (*pengawasan internal*).
    staff_count : int, optional
        Number of staff (*jumlah pelaksana*), >= 0.
    service_guarantee, security_guarantee : str, optional
        Service guarantee (*jaminan pelayanan*) and security and safety guarantee
        (*jaminan keamanan dan keselamatan pelayanan*).
    performance_evaluation : str, optional
        Staff performance evaluation (*evaluasi kinerja pelaksana*).
    complaint_time : CompletionTime, optional
        Maximum time to resolve a complaint, counted from when it was filed (the
        machine-readable part of ``complaints``; used by :func:`servqual.compliance`).

    Examples
    --------
    >>> import servqual as sq
    >>> std = sq.ServiceStandard(
    ...     requirements=("Surat pengantar RT/RW", "Kartu Keluarga"),
    ...     completion_time=sq.CompletionTime(value=1, unit="working_days"),
    ...     fee=sq.Fee(amount=0),
    ...     product="KTP-el")
    >>> std.fee.is_free, len(std.missing())
    (True, 10)
    >>> sq.ServiceStandard.DELIVERY
    ('requirements', 'procedure', 'completion_time', 'fee', 'product', 'complaints')
    """

    DELIVERY: ClassVar[tuple[str, ...]] = (
        "requirements",
        "procedure",
        "completion_time",
        "fee",
        "product",
        "complaints",
    )
    MANAGEMENT: ClassVar[tuple[str, ...]] = (
        "legal_basis",
        "facilities",
        "staff_competence",
        "supervision",
        "staff_count",
        "service_guarantee",
        "security_guarantee",
        "performance_evaluation",
    )
    DETAILS: ClassVar[tuple[str, ...]] = ("complaint_time",)
    """Machine-readable details of a component (``complaint_time`` of ``complaints``)."""
    NAMES_ID: ClassVar[dict[str, str]] = {
        "requirements": "Persyaratan",
        "procedure": "Sistem, mekanisme, dan prosedur",
        "completion_time": "Jangka waktu penyelesaian",
        "fee": "Biaya/tarif",
        "product": "Produk pelayanan",
        "complaints": "Penanganan pengaduan, saran dan masukan",
        "legal_basis": "Dasar hukum",
        "facilities": "Sarana dan prasarana, dan/atau fasilitas",
        "staff_competence": "Kompetensi pelaksana",
        "supervision": "Pengawasan internal",
        "staff_count": "Jumlah pelaksana",
        "service_guarantee": "Jaminan pelayanan",
        "security_guarantee": "Jaminan keamanan dan keselamatan pelayanan",
        "performance_evaluation": "Evaluasi kinerja pelaksana",
    }

    requirements: tuple[str, ...] = ()
    procedure: tuple[str, ...] = ()
    completion_time: CompletionTime | None = None
    fee: Fee | None = None
    product: str | None = None
    complaints: str | None = None
    legal_basis: tuple[str, ...] = ()
    facilities: tuple[str, ...] = ()
    staff_competence: str | None = None
    supervision: str | None = None
    staff_count: int | None = Field(default=None, ge=0)
    service_guarantee: str | None = None
    security_guarantee: str | None = None
    performance_evaluation: str | None = None
    complaint_time: CompletionTime | None = None

    def missing(self) -> tuple[str, ...]:
        """Components not given (``None`` or empty), delivery first, in standard order."""
        return tuple(
            name for name in self.DELIVERY + self.MANAGEMENT if getattr(self, name) in (None, ())
        )

    def group(self, which: Literal["delivery", "management"]) -> dict[str, object]:
        """The components of one group as ``{name: value}``, in standard order.

        Raises
        ------
        servqual.errors.ParameterError
            If ``which`` is not ``"delivery"`` or ``"management"``.
        """
        if which not in ("delivery", "management"):
            raise ParameterError(f"group must be one of ['delivery', 'management'], got {which!r}")
        names = self.DELIVERY if which == "delivery" else self.MANAGEMENT
        return {name: getattr(self, name) for name in names}


class Service(FrozenModel):
    """A service delivered by a provider unit to recipient groups.

    Parameters
    ----------
    id : str
        Stable identifier, unique within a :class:`ServiceCatalog`.
    name : str
        Human name (*Penerbitan KTP-el*).
    provider : str
        The unit that delivers it (*Dinas Kependudukan dan Pencatatan Sipil*).
    recipients : tuple of str
        The recipient groups served (at least one; a single string is accepted).
    standard : ServiceStandard, optional
        The published service standard.

    Examples
    --------
    >>> import servqual as sq
    >>> ktp = sq.Service(id="ktp", name="Penerbitan KTP-el", provider="Disdukcapil",
    ...                  recipients="warga")
    >>> ktp.recipients
    ('warga',)
    """

    id: str = Field(min_length=1)
    name: str
    provider: str = Field(min_length=1)
    recipients: tuple[str, ...] = Field(min_length=1)
    standard: ServiceStandard | None = None

    @field_validator("recipients", mode="before")
    @classmethod
    def _one_recipient(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("recipients")
    @classmethod
    def _unique_recipients(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        dup = [r for r, c in Counter(value).items() if c > 1]
        if dup:
            raise ValueError(f"recipient group {dup[0]!r} is listed twice")
        return value


class ServiceCatalog(FrozenModel):
    """The services of one or more provider units, with unique ids.

    Parameters
    ----------
    services : tuple of Service
        The services; their ids must be unique.

    Examples
    --------
    >>> import servqual as sq
    >>> cat = sq.ServiceCatalog(services=[
    ...     sq.Service(id="ktp", name="KTP-el", provider="Disdukcapil", recipients="warga"),
    ...     sq.Service(id="akta", name="Akta kelahiran", provider="Disdukcapil",
    ...                recipients=("warga", "orang asing")),
    ...     sq.Service(id="imb", name="PBG", provider="DPMPTSP", recipients="badan usaha"),
    ... ])
    >>> cat.providers_for("warga")
    ('Disdukcapil',)
    >>> [s.id for s in cat.by_provider("Disdukcapil")], cat.service("imb").provider
    (['ktp', 'akta'], 'DPMPTSP')
    >>> cat.serves("DPMPTSP", "warga")
    False
    """

    services: tuple[Service, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> ServiceCatalog:
        dup = [i for i, c in Counter(s.id for s in self.services).items() if c > 1]
        if dup:
            raise ValueError(f"duplicate service id {dup[0]!r}")
        return self

    def __len__(self) -> int:
        return len(self.services)

    def __contains__(self, service_id: object) -> bool:
        return any(s.id == service_id for s in self.services)

    @property
    def ids(self) -> tuple[str, ...]:
        """Service ids in catalog order."""
        return tuple(s.id for s in self.services)

    @property
    def providers(self) -> tuple[str, ...]:
        """Provider units, in order of first appearance."""
        return tuple(dict.fromkeys(s.provider for s in self.services))

    @property
    def recipient_groups(self) -> tuple[str, ...]:
        """Recipient groups, in order of first appearance."""
        return tuple(dict.fromkeys(r for s in self.services for r in s.recipients))

    def service(self, service_id: str) -> Service:
        """The service with this id.

        Raises
        ------
        servqual.errors.ParameterError
            If the catalog has no such service (the message lists the ids).
        """
        for s in self.services:
            if s.id == service_id:
                return s
        raise ParameterError(f"unknown service id {service_id!r}; services: {list(self.ids)}")

    def by_provider(self, provider: str) -> tuple[Service, ...]:
        """Services delivered by ``provider`` (empty if none)."""
        return tuple(s for s in self.services if s.provider == provider)

    def for_recipient(self, recipient: str) -> tuple[Service, ...]:
        """Services offered to recipient group ``recipient`` (empty if none)."""
        return tuple(s for s in self.services if recipient in s.recipients)

    def providers_for(self, recipient: str) -> tuple[str, ...]:
        """Provider units that serve ``recipient``, in order of first appearance."""
        return tuple(dict.fromkeys(s.provider for s in self.for_recipient(recipient)))

    def recipients_of(self, provider: str) -> tuple[str, ...]:
        """Recipient groups that ``provider`` serves, in order of first appearance."""
        return tuple(dict.fromkeys(r for s in self.by_provider(provider) for r in s.recipients))

    def serves(self, provider: str, recipient: str) -> bool:
        """Whether ``provider`` delivers at least one service to ``recipient``."""
        return any(recipient in s.recipients for s in self.by_provider(provider))
