"""``Sample``: the result of a random selection, ready to become the survey's design."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import numpy as np
import numpy.typing as npt
from pydantic import Field, PlainSerializer, PlainValidator, WithJsonSchema

from servqual._frames import to_columns
from servqual.design.design import Design
from servqual.errors import DataFormatError, ServqualTypeError, ValidationError
from servqual.models._base import FrozenModel
from servqual.sample_size._result import Label

__all__ = ["Sample"]


def _validator(dtype: type[Any]) -> PlainValidator:
    def validate(value: Any) -> npt.NDArray[Any]:
        arr = np.array(value, dtype=dtype)  # a private, read-only copy
        if arr.ndim != 1:
            raise ValueError(f"expected a 1-D array, got shape {arr.shape}")
        arr.flags.writeable = False
        return arr

    return PlainValidator(validate)


def _to_list(arr: npt.NDArray[Any]) -> list[Any]:
    out: list[Any] = arr.tolist()
    return out


_SERIALIZER = PlainSerializer(_to_list, return_type=list[Any], when_used="always")

IntArray = Annotated[
    npt.NDArray[np.int64],
    _validator(np.int64),
    _SERIALIZER,
    WithJsonSchema({"type": "array", "items": {"type": "integer"}}),
]
FloatArray = Annotated[
    npt.NDArray[np.float64],
    _validator(np.float64),
    _SERIALIZER,
    WithJsonSchema({"type": "array", "items": {"type": "number"}}),
]

_WEIGHT, _STRATUM, _FPC = "sampling_weight", "sampling_stratum", "sampling_fpc"


def _frame_length(frame: Any) -> int:
    """Number of units in a frame of any supported kind (``Sample.take``'s inputs)."""
    if isinstance(frame, (int, np.integer)) and not isinstance(frame, bool):
        return int(frame)
    if hasattr(frame, "num_rows"):  # pyarrow
        return int(frame.num_rows)
    if isinstance(frame, Mapping):
        try:
            lengths = {name: len(col) for name, col in frame.items()}
        except TypeError:
            raise ServqualTypeError(
                "a frame given as a mapping must map names to columns"
            ) from None
        if len(set(lengths.values())) > 1:
            raise DataFormatError(f"the frame's columns differ in length: {lengths}")
        return next(iter(lengths.values()), 0)
    if hasattr(frame, "shape") and len(getattr(frame, "shape", ())) >= 1:
        return int(frame.shape[0])
    if isinstance(frame, (str, bytes)) or not hasattr(frame, "__len__"):
        raise ServqualTypeError(f"cannot take rows from a {type(frame).__name__}")
    return len(frame)


class Sample(FrozenModel):
    """Units selected at random from a frame, with their inclusion probabilities.

    Every selection function in :mod:`servqual.sampling` returns one. It round-trips
    through JSON (``model_dump_json`` / ``model_validate_json``) so the draw can be
    published with the report and re-run from ``seed``, ``method`` and ``algorithm``.

    Parameters
    ----------
    method : str
        Selection method (``"simple_random"``, ``"stratified"``, ``"systematic"``, …).
    algorithm : str
        The exact algorithm, in words, so the draw can be re-implemented.
    seed : int or None
        The integer seed (``None`` when a ``Generator`` was passed in).
    generator : str
        The bit generator (``"PCG64"`` through ``numpy.random.default_rng``).
    numpy_version : str
        numpy's version at draw time.
    population_size : int
        Units in the frame (arrivals seen, for intercept sampling).
    positions : array of int
        0-based frame positions of the selected units, ascending (repeats only with
        replacement).
    inclusion_probabilities : array of float
        First-order inclusion probability of each selected unit.
    weights : array of float
        Design weight of each selected unit: ``1 / π`` (``N / n`` per draw with
        replacement, Hansen–Hurwitz).
    with_replacement : bool
        Whether units could be drawn more than once.
    finite_population : bool
        Whether :meth:`to_design` sets a finite-population correction (``False`` for
        draws with replacement and PPS, analysed with R ``survey``'s with-replacement
        approximation).
    stratum_labels : tuple
        Distinct stratum labels (sorted), empty when unstratified.
    stratum_codes : array of int or None
        Index into ``stratum_labels`` for each selected unit.
    population_sizes, sample_sizes : tuple of int
        ``N_h`` and ``n_h`` per stratum (one entry when unstratified).

    Examples
    --------
    A district office draws 300 of the 1,200 applicants it served last month:

    >>> import servqual as sq
    >>> s = sq.sampling.simple_random(1200, 300, seed=7)
    >>> s.method, s.n, float(s.inclusion_probabilities[0]), float(s.weights[0])
    ('simple_random', 300, 0.25, 4.0)
    >>> sq.sampling.Sample.model_validate_json(s.model_dump_json()) == s
    True
    """

    method: str
    algorithm: str
    seed: int | None
    generator: str = "PCG64"
    numpy_version: str = Field(default_factory=lambda: np.__version__)
    population_size: int = Field(ge=0)
    positions: IntArray
    inclusion_probabilities: FloatArray
    weights: FloatArray
    with_replacement: bool = False
    finite_population: bool = True
    stratum_labels: tuple[Label, ...] = ()
    stratum_codes: IntArray | None = None
    population_sizes: tuple[int, ...]
    sample_sizes: tuple[int, ...]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sample):
            return NotImplemented
        for name in type(self).model_fields:
            a, b = getattr(self, name), getattr(other, name)
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if a is None or b is None or not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True

    def __hash__(self) -> int:
        return hash((self.method, self.seed, self.population_size, self.positions.tobytes()))

    def __len__(self) -> int:
        return int(self.positions.shape[0])

    def __repr__(self) -> str:
        return (
            f"Sample(method={self.method!r}, n={len(self)}, N={self.population_size}, "
            f"seed={self.seed!r})"
        )

    @property
    def n(self) -> int:
        """Number of selected units (draws, with replacement)."""
        return len(self)

    @property
    def strata(self) -> npt.NDArray[Any] | None:
        """Stratum label of each selected unit (``None`` when unstratified)."""
        if self.stratum_codes is None:
            return None
        labels = np.empty(len(self.stratum_labels), dtype=object)
        labels[:] = list(self.stratum_labels)
        out: npt.NDArray[Any] = labels[self.stratum_codes]
        return out

    @property
    def unit_population_sizes(self) -> npt.NDArray[np.int64]:
        """``N_h`` of each selected unit's stratum (``N`` when unstratified)."""
        pop = np.asarray(self.population_sizes, dtype=np.int64)
        if self.stratum_codes is None:
            return np.full(len(self), pop[0], dtype=np.int64)
        out: npt.NDArray[np.int64] = pop[self.stratum_codes]
        return out

    def take(self, frame: Any) -> Any:
        """The selected rows of ``frame``, in the same library (and in ``positions`` order).

        pandas → ``frame.iloc[positions]``; polars → ``frame[positions]``; pyarrow →
        ``frame.take(positions)``; a numpy array → ``frame[positions]``; a mapping of
        columns → a dict of numpy arrays; a list or tuple → a list or tuple; an int frame
        → the positions themselves.

        Raises
        ------
        servqual.errors.DataFormatError
            If ``frame`` does not have the ``population_size`` units the sample was drawn
            from (its positions would pick the wrong units, or none).
        servqual.errors.ServqualTypeError
            If ``frame`` is not a frame.
        """
        pos = self.positions
        size = _frame_length(frame)
        if size != self.population_size:
            raise DataFormatError(
                f"the frame has {size} units but the sample was drawn from a frame of "
                f"{self.population_size}: take rows from the frame that was sampled"
            )
        if isinstance(frame, (int, np.integer)) and not isinstance(frame, bool):
            return pos.copy()
        if hasattr(frame, "iloc"):
            return frame.iloc[pos]
        if hasattr(frame, "gather") and hasattr(frame, "columns"):  # polars
            return frame[pos]
        if hasattr(frame, "take") and hasattr(frame, "num_rows"):  # pyarrow
            return frame.take(pos)
        if isinstance(frame, np.ndarray):
            return frame[pos]
        if isinstance(frame, Mapping):
            return {k: np.asarray(v)[pos] for k, v in frame.items()}
        if isinstance(frame, (list, tuple, range)):
            rows = [frame[i] for i in pos.tolist()]  # only the selected units
            return tuple(rows) if isinstance(frame, tuple) else rows
        if isinstance(frame, Sequence):
            return [frame[i] for i in pos.tolist()]
        raise ServqualTypeError(f"cannot take rows from a {type(frame).__name__}")

    def to_design(self, data: Any, *, position: str | None = None) -> Design:
        """A :class:`~servqual.Design` over the answers of the sampled units.

        Parameters
        ----------
        data : mapping or dataframe
            One row per respondent: either one row per selected unit in ``positions``
            order, or any subset in any order with a column of frame positions.
        position : str, optional
            Column of ``data`` holding each row's frame position (for non-response or
            reordered rows). Weights are not adjusted for non-response; calibrate the
            design (``poststratify``/``rake``) for that.

        Returns
        -------
        Design
            With weights ``sampling_weight``, strata ``sampling_stratum`` (stratified
            draws) and fpc ``sampling_fpc`` (population size of the unit's stratum;
            omitted when ``finite_population`` is False) added as columns.

        Raises
        ------
        servqual.errors.DataFormatError
            If the number of rows does not match or a position was not selected.
        servqual.errors.ValidationError
            If ``data`` already has one of the added column names.
        """
        cols = to_columns(data)
        rows = len(next(iter(cols.values()))) if cols else 0
        if position is None:
            if rows != len(self):
                raise DataFormatError(
                    f"data has {rows} rows but the sample has {len(self)} units; pass "
                    "position= naming a column of frame positions to match a subset"
                )
            idx = np.arange(rows)
        else:
            idx = self._match(cols, position)
        for name in (_WEIGHT, _STRATUM, _FPC):
            if name in cols:
                raise ValidationError(f"data already has a column {name!r}; rename it")
        cols[_WEIGHT] = self.weights[idx]
        strata = self.strata
        if strata is not None:
            cols[_STRATUM] = strata[idx]
        if self.finite_population:
            cols[_FPC] = self.unit_population_sizes[idx]
        return Design(
            cols,
            weights=_WEIGHT,
            strata=_STRATUM if strata is not None else None,
            fpc=_FPC if self.finite_population else None,
        )

    def _match(self, cols: dict[str, npt.NDArray[Any]], position: str) -> npt.NDArray[np.intp]:
        if position not in cols:
            raise DataFormatError(f"position column {position!r} is not in the data")
        if self.with_replacement:
            raise DataFormatError("position= cannot match rows to a sample drawn with replacement")
        try:
            pos = cols[position].astype(np.int64)
        except (TypeError, ValueError):
            raise DataFormatError(f"position column {position!r} must hold integers") from None
        idx = np.searchsorted(self.positions, pos)
        ok = (idx < len(self)) & (self.positions[np.minimum(idx, len(self) - 1)] == pos)
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            raise DataFormatError(f"row {i} has position {int(pos[i])}, which was not selected")
        return idx
