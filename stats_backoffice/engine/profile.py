"""The profile of an ingested table: per column counts, distinct values, summary statistics, histogram, top values.

Computed in a pass over the Parquet file **one column at a time** (memory: one column). Values are reported in
the original units (a column's exact ``shift`` is added back). A numeric column is sorted once: quartiles (exact,
numpy's linear interpolation), the distinct count (exact) and the histogram (at most 30 bins, ``np.histogram``'s
bins) are read off the sorted copy. For text and dates ``distinct`` is exact (polars ``n_unique``) up to
1,000,000 rows and a HyperLogLog estimate (``approx_n_unique``) above; ``distinct_exact`` says which.
"""

from __future__ import annotations

import concurrent.futures
import decimal
import math
import os
import resource
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from .source import ColumnMeta

EXACT_DISTINCT_ROWS = 1_000_000
HISTOGRAM_BINS = 30
TOP_VALUES = 10


def _plus(shift: str | None) -> Callable[[float | None], float | None]:
    if shift is None:
        return lambda v: None if v is None or not math.isfinite(v) else float(v)
    base = decimal.Decimal(shift)

    def add(v: float | None) -> float | None:
        if v is None or not math.isfinite(v):
            return None
        return float(base + decimal.Decimal(v))

    return add


def _distinct(series: pl.Series) -> tuple[int, bool]:
    present = series.drop_nulls()
    if present.len() <= EXACT_DISTINCT_ROWS:
        return int(present.n_unique()), True
    return int(present.to_frame().select(pl.all().approx_n_unique()).item()), False


def _lerp(a: float, b: float, t: float) -> float:
    """numpy's linear interpolation (``np.quantile(method="linear")``), the same rounding."""
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def _quantile(ordered: np.ndarray, q: float) -> float:
    position = q * (ordered.size - 1)
    low = math.floor(position)
    high = min(low + 1, ordered.size - 1)
    return _lerp(float(ordered[low]), float(ordered[high]), position - low)


def _numeric(values: pl.Series, shift: str | None) -> dict[str, Any]:
    """Summary of the present values (no null, no NaN), from one sorted copy.

    Sorting once (polars, multi-threaded) and reading quartiles, exact distinct count and histogram off the sorted
    array measured faster than three quantile selections, a distinct estimate and ``np.histogram`` (110 ms
    against 160 ms for a 5M-row column) and holds one copy of the column instead of three.
    """
    add = _plus(shift)
    out: dict[str, Any] = {"shift": shift}
    if values.is_empty():
        out.update(min=None, max=None, mean=None, sd=None, q1=None, median=None, q3=None, distinct=0)
        out["histogram"] = {"edges": [], "counts": []}
        return out
    ordered = values.sort().to_numpy()
    lo, hi = float(ordered[0]), float(ordered[-1])
    sd = values.std()
    out.update(
        min=add(lo),
        max=add(hi),
        mean=add(values.mean()),  # type: ignore[arg-type]
        sd=None if sd is None or not math.isfinite(sd) else float(sd),  # type: ignore[arg-type]
        q1=add(_quantile(ordered, 0.25)),
        median=add(_quantile(ordered, 0.5)),
        q3=add(_quantile(ordered, 0.75)),
        distinct=int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1,
    )
    # np.histogram's bins: [e_i, e_i+1), the last one closed; edges as np.histogram makes them
    edges = np.linspace(lo, hi, HISTOGRAM_BINS + 1) if hi > lo else np.array([lo - 0.5, hi + 0.5])
    cuts = np.searchsorted(ordered, edges[:-1], side="left")
    counts = np.diff(np.append(cuts, ordered.size))
    out["histogram"] = {"edges": [add(float(e)) for e in edges], "counts": [int(c) for c in counts]}
    return out


def _top(series: pl.Series) -> list[dict[str, Any]]:
    counts = series.drop_nulls().value_counts(sort=True).head(TOP_VALUES)
    name = series.name
    return [{"value": value, "count": int(count)} for value, count in counts.select(name, "count").iter_rows()]


def _datetime(series: pl.Series) -> dict[str, Any]:
    present = series.drop_nulls()
    if present.is_empty():
        return {"min": None, "max": None}
    lo, hi = present.min(), present.max()
    return {"min": lo.isoformat() if lo is not None else None, "max": hi.isoformat() if hi is not None else None}  # type: ignore[union-attr]


def profile_column(series: pl.Series, meta: ColumnMeta) -> dict[str, Any]:
    missing = int(series.null_count())
    nans = int(series.is_nan().sum() or 0) if meta.kind == "numeric" else 0
    missing += nans
    # one copy of the column only when some values are missing (memory: a 5M-row column is 40 MB)
    present = series if not missing else (series.fill_nan(None) if nans else series).drop_nulls()
    out: dict[str, Any] = {"kind": meta.kind, "count": int(series.len()) - missing, "missing": missing}
    if meta.kind == "numeric":
        out.update(_numeric(present, meta.shift), distinct_exact=True)
        return out
    out["distinct"], out["distinct_exact"] = _distinct(present)
    if meta.kind == "datetime":
        out.update(_datetime(present))
    else:
        out["top"] = _top(present)
    return out


def profile_parquet(
    path: str, columns: Sequence[ColumnMeta], *, check_cancelled: Callable[[], None] | None = None
) -> dict[str, Any]:
    """``{"n_rows": N, "columns": {name: {...}}}`` for the ingested Parquet file at ``path``."""
    parquet = pq.ParquetFile(path)
    out: dict[str, Any] = {"n_rows": parquet.metadata.num_rows, "columns": {}}

    def one(meta: ColumnMeta) -> dict[str, Any]:
        # use_threads=False: measured 21 ms for a 5M-row column against 177 ms with Arrow's pool
        series = pl.Series(meta.name, pq.ParquetFile(path).read(columns=[meta.name], use_threads=False).column(0))
        return profile_column(series, meta)

    # One column per thread, up to as many threads as cores: polars and numpy release the GIL, and memory stays
    # at one column per core. Under an address-space cap, one column at a time.
    threads = 1 if resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY else min(4, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for meta, profiled in zip(columns, pool.map(one, columns), strict=True):
            if check_cancelled:  # on the caller's thread: the callback may use its database connection
                check_cancelled()
            out["columns"][meta.name] = profiled
    return out
