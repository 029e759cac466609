"""Results as tables: :class:`DomainResults` and the shared column vocabulary of frames.

``by=`` results are a plain ``dict`` keyed by domain, and also offer
:meth:`DomainResults.to_frame` with the columns ``group, estimate, se, ci_low, ci_high,
level, method, n, df, deff`` (as R's ``svyby`` gives a data.frame). With several ``by``
columns the keys are tuples and the table has one key column per ``by`` column, named
after it, in place of ``group`` (as R's ``svyby(~y, ~a + b, ...)``). No frame library is
imported until a frame is asked for; pandas and polars give equal tables.

Many domains come back lazily (:meth:`DomainResults.deferred`, used by ``skm_index`` with
``by=``): every key is there from the start, a domain's result object is built when it
is first looked up, all that are left when the results are used as a whole, and
:meth:`DomainResults.to_frame` reads the numbers without building any (see
:mod:`servqual.models._deferred` for every ``dict`` behaviour).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from servqual.errors import ParameterError
from servqual.models._deferred import DeferredDict, ResultSource
from servqual.models.results import Estimate

__all__ = ["FRAME_COLUMNS", "Backend", "DomainResults", "estimate_rows", "make_frame"]

T = TypeVar("T")
Backend = Literal["pandas", "polars"]
FRAME_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "level", "method", "n", "df", "deff")
_FLOATS = frozenset({"estimate", "se", "ci_low", "ci_high", "level", "df", "deff"})


def estimate_rows(value: object, prefix: str = "") -> Iterator[tuple[str, Estimate]]:
    """Every :class:`Estimate` of a result, named by its path (``"items.U1.importance"``).

    An estimate is itself (name ``""``); a result model yields its estimate fields, the
    entries of its ``dict`` of estimates, and the estimates of its item tuples (by the
    item's ``id`` or ``code``), in field order.
    """
    if isinstance(value, Estimate):
        yield prefix, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from estimate_rows(getattr(value, name), f"{prefix}{name}.")
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(inner, Estimate):
                yield f"{prefix}{key}", inner
    elif isinstance(value, tuple):
        for inner in value:
            key = getattr(inner, "id", None) or getattr(inner, "code", None)
            if isinstance(inner, BaseModel) and key is not None:
                yield from estimate_rows(inner, f"{prefix}{key}.")


def _row(est: Estimate) -> dict[str, Any]:
    row = est.to_dict()
    return {c: (math.nan if c in _FLOATS and row[c] is None else row[c]) for c in FRAME_COLUMNS}


def make_frame(rows: list[dict[str, Any]], columns: Iterable[str], backend: Backend) -> Any:
    """A pandas or polars frame of ``rows`` with ``columns`` in order."""
    cols = list(columns)
    return frame_of({c: [r[c] for r in rows] for c in cols}, backend)


def frame_of(data: dict[str, list[Any]], backend: Backend) -> Any:
    """A pandas or polars frame of the columns ``data`` (in order)."""
    cols = list(data)
    if backend == "pandas":
        import pandas as pd

        return pd.DataFrame(data, columns=cols)
    if backend == "polars":
        import polars as pl

        return pl.DataFrame(data, strict=False)
    raise ParameterError(f"backend must be one of ['pandas', 'polars'], got {backend!r}")


class DomainResults(DeferredDict[T]):  # keys: str, or a tuple of str for several by columns
    """Results per domain of a ``by=`` column: a ``dict`` keyed by domain, and a table.

    Parameters
    ----------
    results : mapping or iterable of (domain, result) pairs
        The results, keyed by the domain value as a string, or by a tuple of strings (one
        per column) when ``by`` names several columns.
    by : str or sequence of str, optional
        The column(s) the domains come from (a one-column list is kept as a list).
    key : str
        Name of the key column of the table: ``"group"`` for domains, ``"column"`` for
        one estimate per column (``design.mean(["u1", "u2"])``). With tuple keys the
        table has one key column per ``by`` column instead, named after it (a name
        that is already a table column gets the prefix ``by_``).

    Examples
    --------
    A district office compares its two counters:

    >>> import servqual as sq
    >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 3], "desk": list("AABBBA")})
    >>> res = d.by("desk").mean("score")
    >>> isinstance(res, dict), list(res), res.by
    (True, ['A', 'B'], 'desk')
    >>> frame = res.to_frame()  # R: svyby(~score, ~desk, des, svymean)
    >>> list(frame.columns)
    ['group', 'estimate', 'se', 'ci_low', 'ci_high', 'level', 'method', 'n', 'df', 'deff']
    >>> frame["estimate"].round(4).tolist(), frame["n"].tolist()
    ([3.3333, 3.0], [3, 3])

    With two ``by`` columns, one key column per column:

    >>> d = sq.Design({"score": [3, 4, 2, 4, 3, 1], "desk": list("AABBAB"),
    ...                "shift": list("xxyyxy")})
    >>> both = d.by(["desk", "shift"]).mean("score")  # R: svyby(~score, ~desk + shift, ...)
    >>> list(both)
    [('A', 'x'), ('B', 'y')]
    >>> both.to_frame()[["desk", "shift", "estimate"]].values.tolist()
    [['A', 'x', 3.3333333333333335], ['B', 'y', 2.3333333333333335]]

    ``skm_index(..., by=)`` builds a domain's result when it is looked up; the table is
    read from the numbers, and the results equal ones built at once:

    >>> units = sq.skm_index(sq.data.load_demo(), by="service")
    >>> len(units), "KTP-el" in units  # nothing built yet
    (3, True)
    >>> units["KTP-el"].grade, units.to_frame()["n"].tolist()
    ('C', [73, 195, 132])
    >>> units == dict(units.items())  # every result built
    True
    """

    by: str | tuple[str, ...] | None
    key: str

    def __init__(
        self,
        results: Mapping[Any, T] | Iterable[tuple[Any, T]] = (),
        *,
        by: str | Sequence[str] | None = None,
        key: str = "group",
    ) -> None:
        super().__init__(results)
        self.by = by if by is None or isinstance(by, str) else tuple(by)
        self.key = key

    @classmethod
    def deferred(
        cls,
        keys: Iterable[Any],
        source: ResultSource[T],
        *,
        by: str | Sequence[str] | None = None,
        key: str = "group",
    ) -> DomainResults[T]:
        """Results keyed by ``keys`` (distinct, in domain order), built from ``source`` on use.

        The result of a domain is built when it is first looked up (``res[k]``,
        ``res.get(k)``); :meth:`~servqual.models._deferred.DeferredDict.built` (and
        everything that uses the values as a whole) builds all that are left at once.
        The table (:meth:`to_rows`, :meth:`to_frame`) is read from ``source.columns()``.

        Examples
        --------
        ``skm_index(..., by=)`` returns its results this way:

        >>> import servqual as sq
        >>> r = sq.Responses.from_frame(
        ...     {f"U{j}": [4, 3, 3, 2, 4, 3] for j in range(1, 10)} | {"desk": list("AABBAB")},
        ...     sq.instruments.SKM_2017)
        >>> res = sq.skm_index(r, by="desk")
        >>> list(res), res["A"].index.n  # the keys at once; "A" built on this lookup
        (['A', 'B'], 3)
        >>> res.to_frame()["estimate"].round(2).tolist()  # read from the arrays
        [91.67, 66.67]
        """
        out: DomainResults[T] = cls(by=by, key=key)
        out._defer(keys, source)
        return out

    def _key_columns(self) -> tuple[str, ...]:
        """The key column(s) of the table: one, or one per ``by`` column for tuple keys."""
        widths = {len(k) for k in self if isinstance(k, tuple)}
        if not widths:
            return (self.key,)
        if len(widths) > 1 or any(not isinstance(k, tuple) for k in self):
            raise ParameterError("domain keys mix tuples of different lengths or plain values")
        (width,) = widths
        names = self.by if isinstance(self.by, tuple) and len(self.by) == width else None
        if names is None:
            return tuple(f"{self.key}_{i + 1}" for i in range(width))
        taken = {*FRAME_COLUMNS, "quantity"}
        return tuple(f"by_{name}" if name in taken else name for name in names)

    def _key_cells(self, group: Any, columns: tuple[str, ...]) -> dict[str, Any]:
        parts = group if isinstance(group, tuple) else (group,)
        return dict(zip(columns, parts, strict=True))

    def __repr__(self) -> str:
        return f"DomainResults(by={self.by!r}, {dict.__repr__(self.built())})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self.built()),), {"by": self.by, "key": self.key})

    def _columns(self, keys: tuple[str, ...]) -> dict[str, list[Any]]:
        """The table of deferred results as columns: key column(s), then ``FRAME_COLUMNS``."""
        assert self.source is not None  # only called for deferred results
        groups = list(dict.__iter__(self))
        if len(keys) == 1:
            key_data = {keys[0]: [g[0] if isinstance(g, tuple) else g for g in groups]}
        else:
            key_data = {name: [g[i] for g in groups] for i, name in enumerate(keys)}
        table = self.source.columns()
        return {**key_data, **{c: table[c] for c in FRAME_COLUMNS}}

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat row per domain (and per estimate, for results that hold several).

        The columns are ``group`` (or :attr:`key`; one column per ``by`` column for tuple
        keys) and ``estimate, se, ci_low, ci_high, level, method, n, df, deff``
        (``df``/``deff`` NaN where there is none). A result
        with one estimate (an ``Estimate``; ``SKMResult``'s ``index``, ``NPSResult``'s
        ``nps``) gives one row per domain. Results holding several (``CSATResult``,
        ``CSIResult``, ``IPAResult``, ``ServqualResult``, …) give one row per
        estimate, with ``quantity`` after ``group``: its path in the result (``"top_box"``,
        ``"items.U1.importance"``).
        """
        keys = self._key_columns()
        if self.source is not None:  # the numbers as columns: no result object is built
            table = self._columns(keys)
            return [dict(zip(table, row, strict=True)) for row in zip(*table.values(), strict=True)]
        found = {group: list(estimate_rows(value)) for group, value in self.items()}
        several = any(len(ests) > 1 for ests in found.values())
        rows = []
        for group, ests in found.items():
            for name, est in ests:
                quantity = {"quantity": name.rstrip(".")} if several else {}
                rows.append({**self._key_cells(group, keys), **quantity, **_row(est)})
        return rows

    def to_frame(self, backend: Backend = "pandas") -> Any:
        """The results as a pandas or polars DataFrame (see :meth:`to_rows` for columns).

        Parameters
        ----------
        backend : {"pandas", "polars"}
            The frame library (imported only now).

        Raises
        ------
        servqual.errors.ParameterError
            An unknown ``backend``.
        """
        if self.source is not None:  # the numbers as columns: no result object is built
            return frame_of(self._columns(self._key_columns()), backend)
        rows = self.to_rows()
        several = bool(rows) and "quantity" in rows[0]
        cols = (*self._key_columns(), *(("quantity",) if several else ()), *FRAME_COLUMNS)
        return make_frame(rows, cols, backend)
