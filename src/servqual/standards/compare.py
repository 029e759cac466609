"""Compare the on-time share of two services, units or periods: :func:`compliance_compare`."""

from __future__ import annotations

from servqual.design.comparisons import Comparison, compare, newcombe_difference
from servqual.errors import InsufficientDataError, ServqualTypeError
from servqual.standards.results import ServiceCompliance

__all__ = ["compliance_compare"]


def compliance_compare(
    first: ServiceCompliance, second: ServiceCompliance, *, level: float = 0.95
) -> Comparison:
    """Difference ``first − second`` of the on-time shares, with its interval and p-value.

    Records taken as they are (Wilson shares): Newcombe's hybrid score interval for two
    independent proportions (:func:`servqual.newcombe_difference`). Shares estimated on a
    design: two independent estimates (:func:`servqual.compare`, Welch df). Two periods
    or two units of one register are independent sets of records.

    Raises
    ------
    servqual.errors.InsufficientDataError
        If either has no on-time share (no completion standard, or nothing decided).

    Examples
    --------
    >>> import servqual as sq
    >>> res = sq.compliance(sq.data.load_demo_records(), sq.data.load_demo_catalog(),
    ...                     calendar=sq.data.demo_calendar(), by="quarter")
    >>> c = sq.compliance_compare(res["KTP-el", "2026-Q2"], res["KTP-el", "2026-Q1"])
    >>> c.method, round(c.difference.value, 3)
    ('newcombe', 0.107)
    """
    for which, res in (("first", first), ("second", second)):
        if not isinstance(res, ServiceCompliance):
            raise ServqualTypeError(
                f"{which} must be a ServiceCompliance, got {type(res).__name__}"
            )
        if res.on_time is None:
            raise InsufficientDataError(
                f"{which} ({res.service}{'' if res.group is None else ' / ' + res.group}) has "
                "no on-time share to compare"
            )
    a, b = first.on_time, second.on_time
    assert a is not None
    assert b is not None
    if a.ci.method == "wilson" and a.df is None and b.ci.method == "wilson" and b.df is None:
        return newcombe_difference(
            first.n_on_time,
            first.n_on_time + first.n_late,
            second.n_on_time,
            second.n_on_time + second.n_late,
            level=level,
        )
    return compare(a, b, level=level)
