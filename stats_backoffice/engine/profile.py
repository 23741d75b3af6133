"""The profile of an ingested table: per column counts, distinct values, summary statistics, histogram, top values.

Computed in a pass over the Parquet file **one column at a time** (memory: one column). Values are reported in
the original units (a column's exact ``shift`` is added back). ``distinct`` is exact (polars ``n_unique``) for
columns of at most 1,000,000 rows and a HyperLogLog estimate (``approx_n_unique``) above that;
``distinct_exact`` says which. Quantiles are exact (linear interpolation), the histogram has at most 30 bins.
"""

from __future__ import annotations

import concurrent.futures
import decimal
import math
import os
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


def _numeric(series: pl.Series, shift: str | None) -> dict[str, Any]:
    values = series.drop_nulls().drop_nans()
    add = _plus(shift)
    out: dict[str, Any] = {"shift": shift}
    if values.is_empty():
        out.update(min=None, max=None, mean=None, sd=None, q1=None, median=None, q3=None)
        out["histogram"] = {"edges": [], "counts": []}
        return out
    stats = values.to_frame("v").select(
        pl.col("v").min().alias("min"),
        pl.col("v").max().alias("max"),
        pl.col("v").mean().alias("mean"),
        pl.col("v").std().alias("sd"),
        pl.col("v").quantile(0.25, "linear").alias("q1"),
        pl.col("v").quantile(0.5, "linear").alias("median"),
        pl.col("v").quantile(0.75, "linear").alias("q3"),
    )
    row = stats.row(0, named=True)
    for key in ("min", "max", "mean", "q1", "median", "q3"):
        out[key] = add(row[key])
    out["sd"] = None if row["sd"] is None or not math.isfinite(row["sd"]) else float(row["sd"])
    array = values.to_numpy()
    lo, hi = float(row["min"]), float(row["max"])
    bins = HISTOGRAM_BINS if hi > lo else 1
    counts, edges = np.histogram(array, bins=bins, range=(lo, hi) if hi > lo else (lo - 0.5, hi + 0.5))
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
    if meta.kind == "numeric":
        missing += int(series.is_nan().sum() or 0)
    distinct, exact = _distinct(series.fill_nan(None) if meta.kind == "numeric" else series)
    out: dict[str, Any] = {
        "kind": meta.kind,
        "count": int(series.len()) - missing,
        "missing": missing,
        "distinct": distinct,
        "distinct_exact": exact,
    }
    if meta.kind == "numeric":
        out.update(_numeric(series, meta.shift))
    elif meta.kind == "datetime":
        out.update(_datetime(series))
    else:
        out["top"] = _top(series)
    return out


def profile_parquet(
    path: str, columns: Sequence[ColumnMeta], *, check_cancelled: Callable[[], None] | None = None
) -> dict[str, Any]:
    """``{"n_rows": N, "columns": {name: {...}}}`` for the ingested Parquet file at ``path``."""
    parquet = pq.ParquetFile(path)
    out: dict[str, Any] = {"n_rows": parquet.metadata.num_rows, "columns": {}}

    def one(meta: ColumnMeta) -> dict[str, Any]:
        series = pl.Series(meta.name, pq.ParquetFile(path).read(columns=[meta.name]).column(0))
        return profile_column(series, meta)

    # One column per thread, up to as many threads as cores: polars and numpy release the GIL, and memory stays
    # at one column per core.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for meta, profiled in zip(columns, pool.map(one, columns), strict=True):
            if check_cancelled:  # on the caller's thread: the callback may use its database connection
                check_cancelled()
            out["columns"][meta.name] = profiled
    return out
