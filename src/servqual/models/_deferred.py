"""A ``dict`` whose values are built on first use from columns of numbers (private).

With ``by=`` there can be tens of thousands of domains; building every result object costs
far more than computing the numbers (a microsecond per object, a dozen objects per SKM
domain). :class:`DeferredDict` holds every key from the start, with a placeholder value,
and builds a value from its :class:`ResultSource` when the key is looked up; everything
that uses the values as a whole builds all that are left in one vectorized call first.

CPython reads a ``dict`` subclass's storage directly in a few places. Each is covered:

- ``dict(d)``, ``{**d}``, ``f(**d)``, ``other.update(d)`` and ``other | d`` copy the
  storage unless the type overrides ``__iter__``; it does, so they call :meth:`keys`
  (which builds every value) and ``__getitem__``;
- ``==``/``!=`` (both ways: Python asks the subclass first), ``repr``, ``copy()``,
  ``|``, pickling and ``copy``/``deepcopy`` (through ``__reduce__``) are overridden;
- ``len``, ``in``, ``iter``, ``reversed`` and ``json.dumps``'s empty check read only the
  keys, which are right from the start; ``json.dumps`` then calls :meth:`items`.

Code outside CPython that walks the storage without calling a method sees the
placeholder until :meth:`DeferredDict.built` has been called: pydantic-core's serializer
(``TypeAdapter(dict[str, SKMResult]).dump_json(res)`` raises
``PydanticSerializationError`` naming ``_Pending``; ``dump_python`` warns and passes it
through). Pydantic's validation (a model field typed ``dict[str, SKMResult]``) calls
:meth:`items` and is right.
Changing the dict (``d[k] = v``, ``del``, ``pop``, ``update``, …) builds every value
first; from then on it is an ordinary dict and its source is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

__all__ = ["DeferredDict", "ResultSource"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ResultSource(Protocol[T_co]):
    """Every domain's numbers as arrays, from which the result objects are built."""

    def build(self, positions: Sequence[int]) -> Sequence[T_co]:
        """The results of the domains at ``positions`` (domain order), in that order."""
        ...

    def columns(self) -> dict[str, list[Any]]:
        """Table columns (``FRAME_COLUMNS``), one entry per domain, in domain order."""
        ...


class _Pending:
    """The value of a domain whose result is not built yet."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<result not built yet: call .built() first>"

    def __reduce__(self) -> str:
        return "_PENDING"


_PENDING: Any = _Pending()


class DeferredDict(dict[Any, T]):
    """A ``dict`` that may build its values on first use (see the module docstring)."""

    _source: ResultSource[T] | None
    _positions: dict[Any, int] | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._source = None
        self._positions = None

    def _defer(self, keys: Iterable[Any], source: ResultSource[T]) -> None:
        """Hold ``keys`` (distinct, in domain order) with values built from ``source``."""
        dict.update(self, dict.fromkeys(keys, _PENDING))
        self._source = source

    @property
    def source(self) -> ResultSource[T] | None:
        """The columns the values are built from (``None`` once the dict was changed)."""
        return self._source

    def built(self) -> DeferredDict[T]:
        """Build every value not built yet (one vectorized call); returns ``self``.

        Call it before handing the results to code that reads the ``dict`` storage
        directly (pydantic-core's serializers); everything else builds on use.

        Examples
        --------
        >>> import servqual as sq
        >>> r = sq.Responses.from_frame(
        ...     {f"U{j}": [4, 3, 3, 2] for j in range(1, 10)} | {"desk": list("ABAB")},
        ...     sq.instruments.SKM_2017)
        >>> res = sq.skm_index(r, by="desk")
        >>> res.built() is res, [v.index.n for v in dict.values(res)]
        (True, [2, 2])
        """
        if self._source is None:
            return self
        pending = [k for k, v in dict.items(self) if v is _PENDING]
        if pending:
            positions = self._where()
            values = self._source.build([positions[k] for k in pending])
            dict.update(self, zip(pending, values, strict=True))
        return self

    def _where(self) -> dict[Any, int]:
        if self._positions is None:
            self._positions = {k: i for i, k in enumerate(dict.__iter__(self))}
        return self._positions

    def _changed(self) -> None:
        """Build everything, then forget the source: the dict is about to change."""
        self.built()
        self._source = None
        self._positions = None

    # Lookups: build one value.
    def __getitem__(self, key: Any) -> T:
        value: Any = dict.__getitem__(self, key)
        if value is _PENDING:
            assert self._source is not None  # a placeholder only exists with a source
            (value,) = self._source.build([self._where()[key]])
            dict.__setitem__(self, key, value)
        return value  # type: ignore[no-any-return]

    def get(self, key: Any, default: Any = None) -> Any:
        """``self[key]`` if ``key`` is a domain, else ``default``."""
        return self[key] if dict.__contains__(self, key) else default

    # The values as a whole: build them all first.
    def __iter__(self) -> Iterator[Any]:  # defined so that dict(d) and {**d} call keys()
        return dict.__iter__(self)

    def keys(self) -> Any:
        """The keys (builds every value: ``dict(d)`` reads them through this)."""
        return dict.keys(self.built())

    def values(self) -> Any:
        """The values, every one built."""
        return dict.values(self.built())

    def items(self) -> Any:
        """The (key, value) pairs, every value built."""
        return dict.items(self.built())

    def copy(self) -> dict[Any, T]:
        """A plain ``dict`` with the same items (as ``dict.copy`` of a subclass gives)."""
        return dict.copy(self.built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeferredDict):
            other.built()
        return dict.__eq__(self.built(), other)

    def __ne__(self, other: object) -> bool:
        if isinstance(other, DeferredDict):
            other.built()
        return dict.__ne__(self.built(), other)

    __hash__ = None

    def __or__(self, other: Any) -> Any:
        if isinstance(other, DeferredDict):
            other.built()
        return dict.__or__(self.built(), other)

    def __ror__(self, other: Any) -> Any:
        return dict.__ror__(self.built(), other)

    # Changes: build everything, then behave as a dict.
    def __setitem__(self, key: Any, value: T) -> None:
        self._changed()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: Any) -> None:
        self._changed()
        dict.__delitem__(self, key)

    def __ior__(self, other: Any) -> DeferredDict[T]:  # type: ignore[override]
        self._changed()
        dict.update(self, other)
        return self

    def pop(self, *args: Any) -> Any:
        """As ``dict.pop`` (builds every value first)."""
        self._changed()
        return dict.pop(self, *args)

    def popitem(self) -> tuple[Any, T]:
        """As ``dict.popitem`` (builds every value first)."""
        self._changed()
        return dict.popitem(self)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        """As ``dict.setdefault`` (builds every value first)."""
        self._changed()
        return dict.setdefault(self, key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """As ``dict.update`` (builds every value first)."""
        self._changed()
        dict.update(self, *args, **kwargs)

    def clear(self) -> None:
        """As ``dict.clear``."""
        self._changed()
        dict.clear(self)
