"""Result models of the SKM/IKM index: :class:`SKMElement` and :class:`SKMResult`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from servqual.errors import ItemError, ParameterError
from servqual.indices.grades import Grade, Regime
from servqual.models._base import FrozenModel
from servqual.models.frames import Backend, make_frame
from servqual.models.results import Estimate

__all__ = ["SKMElement", "SKMResult", "WeightsMode"]

WeightsMode = Literal["exact", "regulation"]
"""Element weights: the instrument's exact weights, or the regulation's printed ones."""


class SKMElement(FrozenModel):
    """One element (unsur) of an SKM/IKM survey, as the regulation's worksheet shows it.

    Parameters
    ----------
    code : str
        Element code (``"U3"``).
    name : str
        Element name in the instrument's language (``"Waktu penyelesaian"``).
    name_en : str or None
        English name, when the instrument has one.
    n : int
        Number of respondents (in the domain) who answered the element.
    nrr : float
        Nilai rata-rata: the (survey-weighted) mean answer over those respondents, 1–4.
    weight : float
        The element's weight in the index (exact or the regulation's printed value).
    weighted_nrr : float
        ``nrr × weight``.
    converted : float
        ``nrr × 25``, on 25–100.
    grade : {"A", "B", "C", "D"}
        Grade of ``converted`` by the regime's thresholds.
    label : str
        Performance label of ``grade`` (``"Baik"``).

    Examples
    --------
    Element U1 (requirements) of the demo civil-registry survey:

    >>> import servqual as sq
    >>> u1 = sq.skm_index(sq.data.load_demo()).element("U1")
    >>> u1.name, u1.n, round(u1.nrr, 3), round(u1.converted, 2), u1.grade
    ('Persyaratan', 395, 3.212, 80.3, 'B')
    """

    code: str
    name: str
    name_en: str | None = None
    n: int = Field(ge=0)
    nrr: float
    weight: float
    weighted_nrr: float
    converted: float
    grade: Grade
    label: str

    def to_dict(self) -> dict[str, Any]:
        """One flat row: ``code, name, n, nrr, weight, weighted_nrr, converted, grade, label``."""
        return self.model_dump(exclude={"name_en"})


class SKMResult(FrozenModel):
    """The satisfaction index of one survey (or one domain of it), with its uncertainty.

    Returned by :func:`servqual.skm_index`.

    Parameters
    ----------
    index : Estimate
        The converted index ``25 Σ_j ω_j NRR_j`` on 25–100, its standard error and interval.
    grade : {"A", "B", "C", "D"}
        Grade of the unrounded index.
    label : str
        Performance label (Sangat baik / Baik / Kurang baik / Tidak baik).
    elements : tuple of SKMElement
        One entry per element, in the instrument's order.
    n : int
        Number of respondents (in the domain).
    crosses_grade_boundary : bool
        Whether the confidence interval contains a grade threshold, i.e. its bounds get
        different grades: the data cannot tell the two grades apart at this level. Also
        ``True`` when no interval could be computed (NaN bounds): nothing then shows the
        grade is clear.
    regime : {"skm-2017", "ikm-2004"}
        The grade table used.
    weights_mode : {"exact", "regulation"}
        Exact instrument weights, or the printed 3-decimal weights of the regulation.
    instrument : str
        Id of the instrument answered.
    by, domain : str or None
        With ``skm_index(..., by=column)``: the column and this result's value of it.

    Examples
    --------
    >>> import servqual as sq
    >>> r = sq.skm_index(sq.data.load_demo())
    >>> round(r.index.value, 2), r.grade, r.label, r.n
    (78.77, 'B', 'Baik', 400)
    >>> [e.code for e in r.weakest(3)]
    ['U3', 'U8', 'U9']
    >>> row = r.to_dict()
    >>> round(row["ci_low"], 2), round(row["ci_high"], 2), row["regime"]
    (78.01, 79.53, 'skm-2017')
    """

    index: Estimate
    grade: Grade
    label: str
    elements: tuple[SKMElement, ...]
    n: int = Field(ge=0)
    crosses_grade_boundary: bool
    regime: Regime
    weights_mode: WeightsMode
    instrument: str
    by: str | None = None
    domain: str | None = None

    def element(self, code: str) -> SKMElement:
        """The element with this code.

        Raises
        ------
        servqual.errors.ItemError
            If the result has no such element.
        """
        for element in self.elements:
            if element.code == code:
                return element
        raise ItemError(
            f"no element {code!r} in this result; elements: {[e.code for e in self.elements]}"
        )

    def weakest(self, k: int = 3) -> tuple[SKMElement, ...]:
        """The ``k`` elements with the lowest NRR, lowest first (ties in instrument order).

        Raises
        ------
        servqual.errors.ParameterError
            If ``k`` is not a positive integer.
        """
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ParameterError(f"k must be a positive integer, got {k!r}")
        return tuple(sorted(self.elements, key=lambda e: e.nrr)[:k])

    def to_dict(self) -> dict[str, Any]:
        """The index as one flat row.

        Columns ``estimate, se, ci_low, ci_high, level, method, n, df`` (the shared
        vocabulary), then ``grade, label, regime, weights_mode``; with ``by=``, the domain
        value comes first under the name of the ``by`` column (``"domain"`` if that name
        is one of the other columns).
        """
        row: dict[str, Any] = self.index.to_dict()
        row.update(
            grade=self.grade, label=self.label, regime=self.regime, weights_mode=self.weights_mode
        )
        return {**self._key(row), **row}

    def _key(self, row: dict[str, Any]) -> dict[str, Any]:
        """``{by column: domain}``, or ``{"domain": …}`` if the column name is taken."""
        if self.by is None:
            return {}
        return {(self.by if self.by not in row else "domain"): self.domain}

    def element_table(self) -> list[dict[str, Any]]:
        """One row per element (see :meth:`SKMElement.to_dict`), domain key first with ``by=``."""
        rows = [element.to_dict() for element in self.elements]
        return [{**self._key(row), **row} for row in rows]

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """The element table (:meth:`element_table`) as a pandas or polars DataFrame.

        Parameters
        ----------
        backend : {"pandas", "polars"}
            The frame library (imported only now).

        Examples
        --------
        >>> import servqual as sq
        >>> table = sq.skm_index(sq.data.load_demo()).to_frame()
        >>> list(table.columns)[:4], len(table)
        (['code', 'name', 'n', 'nrr'], 9)
        """
        rows = self.element_table()
        return make_frame(rows, rows[0].keys(), backend)
