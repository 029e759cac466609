"""Domain codes of one or several ``by`` columns (private).

``by="unit"`` keys each domain by the column's value as a string; ``by=["province",
"unit"]`` by the tuple of the columns' values as strings, ``("Jawa Barat", "Bogor")``.
Only the combinations that occur are domains, sorted by the first column, then the next
(each column in its own sorted order). The combined code is built one column at a time
and re-coded after each step, so it never overflows however many columns there are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Union

import numpy as np
import numpy.typing as npt

from servqual.design._build import domain_codes, factorize
from servqual.errors import ParameterError, ServqualTypeError, ValidationError

__all__ = ["DomainKey", "Domains", "check_by", "code_domains", "index_domains", "key_text"]

IntArray = npt.NDArray[np.intp]
DomainKey = Union[str, tuple[str, ...]]  # noqa: UP007  (a runtime alias on Python 3.10)
Coder = Callable[[npt.NDArray[Any], str], tuple[IntArray, list[Hashable]]]


@dataclass(frozen=True)
class Domains:
    """The domains of a design: a code per row and one key per domain.

    Attributes
    ----------
    codes : (n,) int array
        Domain of each row, in ``0 … len(keys) - 1``.
    keys : list of str or tuple of str
        The dict key of each domain (see the module notes).
    labels : list
        The raw labels (a value, or a tuple of values), for messages.
    by : tuple of str
        The ``by`` column(s).
    """

    codes: IntArray
    keys: list[DomainKey]
    labels: list[Hashable]
    by: tuple[str, ...]

    @property
    def n_groups(self) -> int:
        """Number of domains."""
        return len(self.keys)

    @property
    def name(self) -> str:
        """The ``by`` column, or the columns joined by ", " (for messages)."""
        return ", ".join(self.by)

    def index(self, key: object) -> int | None:
        """Position of the domain with this key (a key's parts compared as strings)."""
        want: DomainKey = tuple(str(p) for p in key) if isinstance(key, tuple) else str(key)
        try:
            return self.keys.index(want)
        except ValueError:
            return None


def check_by(by: object) -> tuple[str, ...]:
    """``by`` as a tuple of column names: one name, or a non-empty list of distinct names."""
    if isinstance(by, str):
        return (by,)
    if isinstance(by, Sequence) and not isinstance(by, bytes):
        names = tuple(by)
        if not names:
            raise ParameterError("by is an empty list: name at least one column")
        bad = [name for name in names if not isinstance(name, str)]
        if bad:
            raise ServqualTypeError(f"by must name columns (str); got {bad[0]!r} in {list(names)}")
        if len(set(names)) != len(names):
            raise ParameterError(f"by names a column twice: {list(names)}")
        return names
    raise ServqualTypeError(
        f"by must be a column name (str) or a list of column names, got {type(by).__name__}"
    )


def code_domains(column: Callable[[str], npt.NDArray[Any]], by: object, coder: Coder) -> Domains:
    """Domain codes and keys of the ``by`` column(s).

    ``column(name)`` returns a data column; ``coder(values, name)`` codes one column
    (sorted labels; it raises, naming the row, on a missing label).

    Raises
    ------
    servqual.errors.ValidationError
        If two distinct values of a column have the same text (their keys would clash).
    """
    names = check_by(by)
    codes, labels = _code(column, names[0], coder)
    parts: list[list[Hashable]] = [labels]
    combos = np.arange(len(labels), dtype=np.intp)[:, None]  # label index per column
    for name in names[1:]:
        more, more_labels = _code(column, name, coder)
        pair = codes.astype(np.int64) * len(more_labels) + more
        codes, uniq = factorize(pair)
        uniq = uniq.astype(np.int64)
        combos = np.column_stack([combos[uniq // len(more_labels)], uniq % len(more_labels)])
        parts.append(more_labels)
    if len(names) == 1:
        return Domains(codes, list(map(str, labels)), list(labels), names)
    raw: list[Hashable] = [
        tuple(parts[j][int(i)] for j, i in enumerate(row)) for row in combos.tolist()
    ]
    keys: list[DomainKey] = [tuple(str(v) for v in label) for label in raw]  # type: ignore[attr-defined]  # raw labels are tuples here
    return Domains(codes, keys, raw, names)


def _code(
    column: Callable[[str], npt.NDArray[Any]], name: str, coder: Coder
) -> tuple[IntArray, list[Hashable]]:
    """One column's codes and labels; labels must be orderable and distinct as text."""
    try:
        codes, labels = coder(column(name), name)
    except TypeError as exc:
        raise ValidationError(
            f"by column {name!r} mixes values that cannot be ordered: {exc}"
        ) from None
    _check_text(labels, name)
    return codes, labels


def _check_text(labels: list[Hashable], name: str) -> None:
    if all(type(label) is int for label in labels) or all(type(label) is str for label in labels):
        return  # distinct integers (or strings) have distinct texts
    text = list(map(str, labels))
    if len(set(text)) != len(text):
        seen: dict[str, Hashable] = {}
        for label, t in zip(labels, text, strict=True):
            if t in seen:
                raise ValidationError(
                    f"by column {name!r} has distinct values with the same text: "
                    f"{seen[t]!r} and {label!r}"
                )
            seen[t] = label


def index_domains(column: Callable[[str], npt.NDArray[Any]], by: object) -> Domains:
    """The domains of an index's ``by=`` (errors say "by column", naming the row)."""
    return code_domains(column, by, domain_codes)


def key_text(key: DomainKey) -> str:
    """A domain key as one string: the value, or the values joined by " / "."""
    return key if isinstance(key, str) else " / ".join(key)
