"""Where the engine reads data from: blocks of columns, one block per task.

The engine never asks for the whole table (unless the "memory" engine is chosen): it asks a source for
``block_tasks(names)``, zero-argument picklable callables that each return one block of rows as a dict
of column name to array. A Dask worker can run such a task on another machine, so a task carries a
file path and row range, never the data (``parquet.ParquetSource``). ``ArraySource`` holds arrays in
memory for tests and small pasted tables.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

ColumnKind = Literal["numeric", "categorical", "datetime", "text"]
Block = dict[str, np.ndarray]
BlockTask = Callable[[], Block]


@dataclass(frozen=True)
class ColumnMeta:
    """One column as the engine sees it.

    ``shift`` is an exact decimal string that was subtracted from every value at parse time (``None``:
    none); ``mean`` is the column's mean *after* the shift (a centring hint from the profile).
    """

    name: str
    kind: ColumnKind
    shift: str | None = None
    levels: list[str] | None = None
    mean: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    n_rows: int
    columns: list[ColumnMeta]

    def column(self, name: str) -> ColumnMeta: ...

    def block_tasks(self, names: Sequence[str]) -> list[BlockTask]: ...


def _slice_block(data: Mapping[str, np.ndarray], names: tuple[str, ...], start: int, stop: int) -> Block:
    return {name: data[name][start:stop] for name in names}


def _kind_of(values: np.ndarray) -> ColumnKind:
    if values.dtype.kind in "fiub":
        return "numeric"
    if values.dtype.kind == "M":
        return "datetime"
    return "categorical"


class ArraySource:
    """A table held in memory (tests, small pasted tables); blocks of ``block_rows`` rows."""

    def __init__(
        self,
        data: Mapping[str, Sequence[Any] | np.ndarray],
        *,
        kinds: Mapping[str, ColumnKind] | None = None,
        shifts: Mapping[str, str] | None = None,
        block_rows: int = 65536,
    ) -> None:
        self._data: dict[str, np.ndarray] = {}
        metas: list[ColumnMeta] = []
        lengths = set()
        for name, values in data.items():
            array = np.asarray(values)
            kind = (kinds or {}).get(name) or _kind_of(array)
            if kind == "numeric":
                array = array.astype(np.float64)
            elif kind in ("categorical", "text"):
                array = np.array([None if v is None else str(v) for v in array], dtype=object)
            self._data[name] = array
            lengths.add(len(array))
            levels = None
            if kind == "categorical":
                levels = sorted({v for v in array if v is not None})
            mean = (
                float(np.nanmean(array)) if kind == "numeric" and len(array) and not np.all(np.isnan(array)) else None
            )
            metas.append(ColumnMeta(name=name, kind=kind, shift=(shifts or {}).get(name), levels=levels, mean=mean))
        if len(lengths) > 1:
            raise ValueError("All columns of an ArraySource must have the same length.")
        self.n_rows = lengths.pop() if lengths else 0
        self.columns = metas
        self.block_rows = max(1, int(block_rows))

    def column(self, name: str) -> ColumnMeta:
        for meta in self.columns:
            if meta.name == name:
                return meta
        raise KeyError(name)

    def block_tasks(self, names: Sequence[str]) -> list[BlockTask]:
        wanted = tuple(names)
        return [
            functools.partial(_slice_block, self._data, wanted, start, min(start + self.block_rows, self.n_rows))
            for start in range(0, self.n_rows, self.block_rows)
        ]
