"""``Responses``: an instrument's answers as compact codes, plus the survey design.

Answers are stored as ``int8`` codes ``answer - scale.min`` (one byte each, scales up to
127 levels) with ``-1`` marking a missing answer, in an (n respondents × k items) array in
the instrument's item order. The design (weights, strata, clusters, fpc) and the
respondent attributes (service used, gender, …) live in a :class:`~servqual.Design`
whose rows are the respondents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from servqual._build import (
    DESIGN_COLUMNS,
    ID_COLUMN,
    Parts,
    arrays_parts,
    frame_parts,
    make_design,
    records_parts,
)
from servqual._response_checks import check_codes, check_instrument
from servqual.design.design import Design
from servqual.engines._native import is_engine_frame
from servqual.errors import (
    DataFormatError,
    ParameterError,
    ServqualTypeError,
    ValidationError,
)
from servqual.instruments import resolve
from servqual.models.instrument import Instrument
from servqual.stats.variance import LonelyPSU

__all__ = ["MISSING", "Responses"]

MISSING = -1
"""Code of a missing answer in :attr:`Responses.codes`."""

_HIDDEN = frozenset({ID_COLUMN, *DESIGN_COLUMNS.values()})


class Responses:
    """Answers to an instrument together with the design they were sampled under.

    Build it with :meth:`from_records`, :meth:`from_arrays`, :meth:`from_frame` or
    :func:`servqual.read_csv` rather than by hand.

    Parameters
    ----------
    instrument : Instrument or str
        The instrument answered.
    design : Design
        One row per respondent: attributes and design columns.
    codes : (n, k) int8 array
        ``answer - scale.min``, ``-1`` for missing, columns in the instrument's item order.
        A writeable array is copied (the caller may go on writing to theirs); a read-only
        one is kept as it is.
    respondent_ids : (n,) array, optional
        Respondent identifiers (default ``0 … n-1``).

    Examples
    --------
    Three visitors to a service desk rated speed and courtesy on 1–4; the third skipped
    courtesy (code ``-1``):

    >>> import numpy as np
    >>> import servqual as sq
    >>> inst = sq.Instrument(id="desk", name="Service desk", scale=sq.Scale(min=1, max=4),
    ...     items=[sq.Item(id="Q1", text="Speed"), sq.Item(id="Q2", text="Courtesy")])
    >>> codes = np.array([[2, 3], [1, 3], [3, -1]], dtype="int8")  # answer - 1
    >>> r = sq.Responses(inst, sq.Design({"desk": ["A", "A", "B"]}), codes)
    >>> r.n, r.values().tolist(), r.answered().sum(axis=0).tolist()
    (3, [[3.0, 4.0], [2.0, 4.0], [4.0, nan]], [3, 2])
    """

    def __init__(
        self,
        instrument: Instrument,
        design: Design,
        codes: npt.NDArray[np.int8],
        respondent_ids: npt.NDArray[Any] | None = None,
    ) -> None:
        check_instrument(instrument)
        if not isinstance(design, Design):
            raise ServqualTypeError(
                f"design must be a servqual.Design, got {type(design).__name__}"
            )
        codes = np.asarray(codes)
        k = len(instrument.items)
        if codes.dtype != np.int8 or codes.ndim != 2 or codes.shape[1] != k:
            raise ValidationError(
                f"codes must be an int8 array of shape (n, {k}), got {codes.dtype} {codes.shape}"
            )
        if codes.shape[0] != design.n_rows:
            raise ValidationError(
                f"codes have {codes.shape[0]} rows but the design has {design.n_rows}"
            )
        check_codes(codes, instrument)
        ids = np.arange(codes.shape[0]) if respondent_ids is None else np.asarray(respondent_ids)
        if ids.shape != (codes.shape[0],):
            raise ValidationError(
                f"respondent_ids must have one id per row ({codes.shape[0]}), got shape {ids.shape}"
            )
        if codes.flags.writeable:  # the caller's array: a private copy, so no write reaches us
            codes = codes.copy()
            codes.flags.writeable = False
        self.instrument = instrument
        self.design = design
        self.codes = codes
        self.respondent_ids = ids

    # --- constructors ----------------------------------------------------------------
    @classmethod
    def _from_parts(
        cls, instrument: Instrument, parts: Parts, lonely_psu: LonelyPSU = "fail"
    ) -> Responses:
        design = make_design(parts, lonely_psu)
        parts.codes.flags.writeable = False  # built here and never written: no copy needed
        return cls(instrument, design, parts.codes, design.column(ID_COLUMN))

    @classmethod
    def from_records(cls, records: Iterable[Any], instrument: Instrument | str) -> Responses:
        """Responses from records as an app receives them.

        Parameters
        ----------
        records : iterable of Response or mapping
            One record per respondent; mappings are validated as :class:`~servqual.Response`.
            An item absent from ``answers`` is a missing answer.
        instrument : Instrument or str
            The instrument answered.

        Returns
        -------
        Responses
            Attributes become design columns; ``weight`` becomes the weights column when
            any record sets it, ``stratum``/``cluster``/``fpc`` when any record has one.

        Raises
        ------
        servqual.errors.ScaleError
            An answer outside the scale or not an integer (names the record and item).
        servqual.errors.ItemError
            An answer to an item the instrument does not have.
        servqual.errors.RespondentError
            No records, or a duplicate respondent id (names both records).
        servqual.errors.DesignError
            A negative or non-finite weight, a stratum given for some records only.

        Examples
        --------
        >>> import servqual as sq
        >>> records = [
        ...     {"respondent_id": "a", "answers": {"U1": 4, "U2": 3}, "attributes": {"desk": "1"}},
        ...     sq.Response(respondent_id="b", answers={"U1": 3}, attributes={"desk": "2"}),
        ... ]
        >>> r = sq.Responses.from_records(records, sq.instruments.SKM_2017)
        >>> r.n, r.values()[:, :3].tolist(), r.attribute("desk").tolist()
        (2, [[4.0, 3.0, nan], [3.0, nan, nan]], ['1', '2'])
        """
        instrument = resolve(instrument)
        return cls._from_parts(instrument, records_parts(records, instrument))

    @classmethod
    def from_arrays(
        cls,
        scores: npt.ArrayLike,
        instrument: Instrument | str,
        *,
        weights: npt.ArrayLike | None = None,
        strata: npt.ArrayLike | None = None,
        clusters: npt.ArrayLike | None = None,
        fpc: npt.ArrayLike | None = None,
        attributes: Mapping[str, npt.ArrayLike] | None = None,
        respondent_ids: npt.ArrayLike | None = None,
    ) -> Responses:
        """Responses from an (n respondents × k items) array of answers.

        Parameters
        ----------
        scores : 2-D array-like
            Answers in the instrument's item order; missing as NaN or None. Integers or
            integral floats; conversion to codes is vectorized.
        instrument : Instrument or str
            The instrument answered.
        weights, strata, clusters, fpc : 1-D array-like, optional
            Design values, one per respondent (see :class:`~servqual.Design`); stored as
            the design columns ``_weight``, ``_stratum``, ``_cluster``, ``_fpc``.
        attributes : mapping of str → 1-D array-like, optional
            Respondent attributes (for ``by=``).
        respondent_ids : 1-D array-like, optional
            Unique ids (default ``0 … n-1``).

        Raises
        ------
        servqual.errors.ScaleError
            An answer outside the scale or not an integer (names row and item).
        servqual.errors.DataFormatError
            ``scores`` not (n, k), or a design/attribute array not of length n.
        servqual.errors.RespondentError
            No rows, or duplicate respondent ids.
        servqual.errors.DesignError
            Negative or non-finite weights (names the row).

        Examples
        --------
        Five applicants at a district office answered the nine SKM elements:

        >>> import numpy as np
        >>> import servqual as sq
        >>> scores = np.full((5, 9), 3.0)
        >>> scores[0, 2] = np.nan  # applicant 0 skipped U3
        >>> r = sq.Responses.from_arrays(scores, sq.instruments.SKM_2017,
        ...                              fpc=[120] * 5)
        >>> r.codes.dtype, r.codes[0, :4].tolist(), r.answered().sum(axis=0)[:3].tolist()
        (dtype('int8'), [2, 2, -1, 2], [5, 5, 4])
        """
        instrument = resolve(instrument)
        design = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
        parts = arrays_parts(scores, instrument, design, attributes, respondent_ids)
        return cls._from_parts(instrument, parts)

    @classmethod
    def from_frame(
        cls,
        frame: Any,
        instrument: Instrument | str,
        *,
        weights: str | None = None,
        strata: str | None = None,
        clusters: str | None = None,
        fpc: str | None = None,
        id_column: str | None = None,
        items: Mapping[str, str] | None = None,
    ) -> Responses:
        """Responses from a dataframe (pandas, polars, pyarrow or a mapping of columns).

        No frame library is imported unless the caller passed one of its objects.

        Parameters
        ----------
        frame : dataframe or mapping of str → 1-D array
            One row per respondent.
        instrument : Instrument or str
            The instrument answered; its item columns are found by item id.
        weights, strata, clusters, fpc : str, optional
            Names of the frame's design columns.
        id_column : str, optional
            Column of unique respondent ids (default ``0 … n-1``).
        items : mapping of item id → column name, optional
            Columns for items whose column is not named by the item id.

        Returns
        -------
        Responses
            Every column that is neither an item nor the id column is an attribute
            (design columns included).

        Raises
        ------
        servqual.errors.DataFormatError
            An item, design or id column missing from the frame.
        servqual.errors.ScaleError
            An answer outside the scale or not an integer (names row and item).
        servqual.errors.RespondentError
            No rows, or duplicate respondent ids.

        Examples
        --------
        >>> import servqual as sq
        >>> frame = {f"U{j}": [4, 3, None] for j in range(1, 10)}
        >>> frame["service"] = ["KTP", "KK", "KTP"]
        >>> r = sq.Responses.from_frame(frame, sq.instruments.SKM_2017)
        >>> r.codes[:, 0].tolist(), r.attributes
        ([3, 2, -1], ['service'])
        """
        instrument = resolve(instrument)
        if is_engine_frame(frame):  # Polars lazy, DuckDB, Dask, Spark: reduced in the engine
            from servqual.engines.responses import EngineResponses

            return EngineResponses(
                frame,
                instrument,
                weights=weights,
                strata=strata,
                clusters=clusters,
                fpc=fpc,
                items=items,
                id_column=id_column,
            )
        design = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
        parts = frame_parts(frame, instrument, design, id_column, items)
        return cls._from_parts(instrument, parts)

    # --- attributes and design ---------------------------------------------------------
    @property
    def attributes(self) -> list[str]:
        """Names of the respondent attributes (design columns named by the user included)."""
        return [c for c in self.design.columns if c not in _HIDDEN]

    def attribute(self, name: str) -> npt.NDArray[Any]:
        """One attribute column (for ``by=`` grouping), one value per respondent.

        Raises
        ------
        servqual.errors.ParameterError
            If there is no such attribute (the message lists them).
        """
        if name not in self.design.columns or name in _HIDDEN:
            raise ParameterError(f"no respondent attribute {name!r}; attributes: {self.attributes}")
        return self.design.column(name)

    def with_design(
        self,
        *,
        weights: str | npt.ArrayLike | None = None,
        strata: str | npt.ArrayLike | None = None,
        clusters: str | npt.ArrayLike | None = None,
        fpc: str | npt.ArrayLike | None = None,
        lonely_psu: LonelyPSU = "fail",
    ) -> Responses:
        """The same answers under another design.

        Each argument names an attribute or gives one value per respondent; the new
        design uses exactly the arguments given (an omitted one means none).

        Examples
        --------
        >>> import servqual as sq
        >>> frame = {f"U{j}": [4, 3, 3, 2] for j in range(1, 10)}
        >>> frame["desk"] = ["A", "A", "B", "B"]
        >>> r = sq.Responses.from_frame(frame, sq.instruments.SKM_2017)
        >>> r.with_design(strata="desk", fpc=[50, 50, 30, 30]).design.df
        2.0
        """
        columns = {c: self.design.column(c) for c in self.design.columns}
        names: dict[str, str | None] = {}
        given = {"weights": weights, "strata": strata, "clusters": clusters, "fpc": fpc}
        for field, value in given.items():
            if value is None or isinstance(value, str):
                if isinstance(value, str) and value not in self.design.columns:
                    self.attribute(value)  # raises, listing the attributes
                names[field] = value
                continue
            arr = np.asarray(value)
            if arr.shape != (self.n,):
                raise DataFormatError(
                    f"{field} must have one value per respondent ({self.n}), got shape {arr.shape}"
                )
            columns[DESIGN_COLUMNS[field]] = arr
            names[field] = DESIGN_COLUMNS[field]
        ids = columns.pop(ID_COLUMN)
        parts = Parts(self.codes, ids, columns, names, lambda i: f"row {i}")
        return Responses._from_parts(self.instrument, parts, lonely_psu)

    def poststratify(self, col: str, population: Mapping[Any, float]) -> Responses:
        """The same answers with post-stratified weights (see :meth:`Design.poststratify`).

        Every index computed from the result reports the calibrated standard error.

        Examples
        --------
        Men answered more often than women; the office served 600 men and 400 women:

        >>> import servqual as sq
        >>> frame = {f"U{j}": [4, 3, 3, 3, 2, 4] for j in range(1, 10)}
        >>> frame["sex"] = ["L", "L", "L", "L", "P", "P"]
        >>> r = sq.Responses.from_frame(frame, sq.instruments.SKM_2017)
        >>> round(sq.skm_index(r).index.value, 2)
        79.17
        >>> r2 = r.poststratify("sex", {"L": 600, "P": 400})
        >>> round(sq.skm_index(r2).index.value, 2)  # 0.6 × 81.25 + 0.4 × 75
        78.75
        """
        return self._with(self.design.poststratify(col, population))

    def rake(
        self,
        margins: Mapping[str, Mapping[Any, float]],
        *,
        max_iter: int = 50,
        tol: float = 1e-10,
    ) -> Responses:
        """The same answers with raked weights (see :meth:`Design.rake`).

        Examples
        --------
        >>> import servqual as sq
        >>> frame = {f"U{j}": [4, 3, 3, 3, 2, 4, 3, 2] for j in range(1, 10)}
        >>> frame["sex"] = list("LLLLPPPP")
        >>> frame["age"] = list("YOYOYOYO")
        >>> r = sq.Responses.from_frame(frame, sq.instruments.SKM_2017)
        >>> raked = r.rake({"sex": {"L": 550, "P": 450}, "age": {"Y": 300, "O": 700}})
        >>> round(float(raked.design.weights.sum()), 6)
        1000.0
        """
        return self._with(self.design.rake(margins, max_iter=max_iter, tol=tol))

    def drop(self, ids: Iterable[Any]) -> Responses:
        """The same survey without the respondents whose ids are given.

        Use it to exclude respondents flagged by :func:`servqual.screen` explicitly;
        ids are matched by their text (``5`` and ``"5"`` are the same id). The design
        columns (weights, strata, clusters, fpc) of the remaining respondents are kept;
        a post-stratification or raking is not carried over — calibrate again.

        Raises
        ------
        servqual.errors.RespondentError
            An id that is not a respondent of this survey, or no respondent left.

        Examples
        --------
        >>> import servqual as sq
        >>> frame = {f"U{j}": [4, 3, 3, 2] for j in range(1, 10)}
        >>> r = sq.Responses.from_frame(frame, sq.instruments.SKM_2017)
        >>> r.drop([0, 3]).respondent_ids.tolist()
        [1, 2]
        """
        from servqual._subset import drop_respondents

        return drop_respondents(self, ids)

    def _with(self, design: Design) -> Responses:
        out = Responses(self.instrument, design, self.codes, self.respondent_ids)
        if "columns" in self.__dict__:  # the same codes: share their column-major copy
            out.__dict__["columns"] = self.__dict__["columns"]
        return out

    @cached_property
    def columns(self) -> npt.NDArray[np.int8]:
        """(k, n) read-only codes item by item: :attr:`codes` transposed, contiguous per item.

        Made once, on first use (one byte per answer), and kept: the whole-sample SKM
        index reads the answers element by element. Not pickled (made again when needed).

        Examples
        --------
        >>> import servqual as sq
        >>> frame = {f"U{j}": [4, 3, None] for j in range(1, 10)}
        >>> r = sq.Responses.from_frame(frame, sq.instruments.SKM_2017)
        >>> r.columns.shape, r.columns[0].tolist(), r.columns.flags.c_contiguous
        ((9, 3), [3, 2, -1], True)
        """
        codes = self.codes
        if codes.flags.f_contiguous:  # already column-major: a view, no copy
            out = np.ascontiguousarray(codes.T)
        else:  # in blocks of rows that stay in cache (a quarter faster than one strided copy)
            out = np.empty(codes.shape[::-1], dtype=np.int8)
            for start in range(0, codes.shape[0], 65536):  # blocks of rows, not rows
                out[:, start : start + 65536] = codes[start : start + 65536].T
        out.flags.writeable = False
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("columns", None)  # a copy of codes: made again on first use
        return state

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(self.codes.shape[0])

    def answered(self) -> npt.NDArray[np.bool_]:
        """(n, k) mask of answered items."""
        return np.asarray(self.codes != MISSING, dtype=np.bool_)

    def values(self, *, reverse: bool = True) -> npt.NDArray[np.float64]:
        """(n, k) answers as float64 with NaN for missing; reverse-scored items flipped."""
        out = self.codes.astype(np.float64) + self.instrument.scale.min
        out[self.codes == MISSING] = np.nan
        if reverse:
            flip = [j for j, item in enumerate(self.instrument.items) if item.reverse]
            if flip:
                s = self.instrument.scale
                out[:, flip] = s.min + s.max - out[:, flip]
        return out

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        return (
            f"Responses(instrument={self.instrument.id!r}, n={self.n}, "
            f"items={len(self.instrument.items)}, design={self.design!r})"
        )
