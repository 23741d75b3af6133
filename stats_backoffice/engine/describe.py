"""Descriptive statistics, one column at a time (memory: one column, never the table).

Definitions (stated in the notes of every result): mean and SD by the corrected two-pass algorithm
(mean, then a correction from the centred sum; SD with n - 1); quartiles by linear interpolation between
order statistics at (n - 1)p (numpy "linear", Excel QUARTILE.INC, R type 7; Minitab uses (n + 1)p);
skewness G1 = n / ((n-1)(n-2)) * sum(((x - mean) / s)^3) and excess kurtosis
G2 = n(n+1) / ((n-1)(n-2)(n-3)) * sum(((x - mean) / s)^4) - 3(n-1)^2 / ((n-2)(n-3)) (sample-adjusted, as Minitab and
Excel); lag-1 autocorrelation as NIST StRD defines it, r1 = sum_{i<n} (x_i - mean)(x_{i+1} - mean) / sum (x_i - mean)^2,
over the non-missing values in row order. The ingest's exact shift is added back to every location
statistic (mean, min, quartiles, max, histogram edges, outliers); SD, skewness, kurtosis and r1 do not depend on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .design import lookup, not_missing, unshift
from .errors import AnalysisError
from .executors import Executor
from .source import Block, Source

MAX_BINS = 30
MAX_OUTLIERS = 100
NOTES = [
    "Quartiles by linear interpolation at (n - 1)p (Excel QUARTILE.INC, R type 7); Minitab's (n + 1)p can differ "
    "slightly on small samples.",
    "Skewness is the sample-adjusted G1 and kurtosis the excess G2 (0 for a normal distribution), as in Minitab.",
    "Lag-1 autocorrelation as NIST defines it: sum of (x_i - mean)(x_{i+1} - mean) over sum of (x_i - mean)^2, "
    "in row order.",
]


@dataclass(frozen=True)
class ColumnMap:
    """One block -> the column's values (missing ones counted) as a list of arrays."""

    name: str

    def __call__(self, block: Block) -> tuple[int, list[np.ndarray]]:
        values = block[self.name]
        present = not_missing(values)
        return int((~present).sum()), [values[present]]


def _merge(a: tuple[int, list[np.ndarray]], b: tuple[int, list[np.ndarray]]) -> tuple[int, list[np.ndarray]]:
    return a[0] + b[0], a[1] + b[1]


def _moments(x: np.ndarray) -> dict[str, float | None]:
    n = x.size
    mean = float(x.mean())
    mean += float((x - mean).mean())
    d = x - mean
    ss = float(d @ d) - float(d.sum()) ** 2 / n
    out: dict[str, float | None] = {
        "mean": mean,
        "std": None,
        "skewness": None,
        "kurtosis": None,
        "autocorr_lag1": None,
    }
    if n > 1:
        out["std"] = math.sqrt(max(ss, 0.0) / (n - 1))
    s = out["std"]
    if s and n > 2:
        z = d / s
        out["skewness"] = n / ((n - 1) * (n - 2)) * float(np.sum(z**3))
        if n > 3:
            out["kurtosis"] = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * float(np.sum(z**4)) - 3 * (n - 1) ** 2 / (
                (n - 2) * (n - 3)
            )
    denom = float(d @ d)
    if n > 1 and denom > 0:
        out["autocorr_lag1"] = float(d[:-1] @ d[1:]) / denom
    return out


def _box(x: np.ndarray, q1: float, q3: float, shift: str | None) -> dict[str, Any]:
    iqr = q3 - q1
    lo_fence, hi_fence = q1 - 1.5 * iqr, q3 + 1.5 * iqr
    inside = x[(x >= lo_fence) & (x <= hi_fence)]
    outliers = x[(x < lo_fence) | (x > hi_fence)]
    return {
        "whisker_low": unshift(float(inside.min()), shift),
        "whisker_high": unshift(float(inside.max()), shift),
        "outliers": [unshift(float(v), shift) for v in np.sort(outliers)[:MAX_OUTLIERS]],
        "n_outliers": int(outliers.size),
    }


def _histogram(x: np.ndarray, shift: str | None) -> dict[str, Any]:
    bins = max(1, min(MAX_BINS, math.ceil(math.log2(x.size)) + 1)) if x.size > 1 else 1
    counts, edges = np.histogram(x, bins=bins)
    return {"edges": [unshift(float(e), shift) for e in edges], "counts": [int(c) for c in counts]}


def numeric_summary(x: np.ndarray, missing: int, shift: str | None) -> dict[str, Any]:
    q = np.quantile(x, [0.25, 0.5, 0.75], method="linear")
    out: dict[str, Any] = {"n": int(x.size), "missing": missing}
    moments = _moments(x)
    moments["mean"] = unshift(moments["mean"], shift)
    out.update(moments)
    out.update(
        {
            "min": unshift(float(x.min()), shift),
            "q1": unshift(float(q[0]), shift),
            "median": unshift(float(q[1]), shift),
            "q3": unshift(float(q[2]), shift),
            "max": unshift(float(x.max()), shift),
            "histogram": _histogram(x, shift),
        }
    )
    box = {"q1": out["q1"], "median": out["median"], "q3": out["q3"]}
    box.update(_box(x, float(q[0]), float(q[2]), shift))
    out["box"] = box
    return out


def _categorical_summary(values: np.ndarray, missing: int) -> dict[str, Any]:
    levels, counts = np.unique(values.astype(str), return_counts=True)
    order = np.argsort(-counts)
    return {
        "n": int(values.size),
        "missing": missing,
        "kind": "categorical",
        "levels": {str(levels[i]): int(counts[i]) for i in order[:50]},
    }


def describe(source: Source, params: dict[str, Any], executor: Executor) -> dict[str, Any]:
    names = [str(c) for c in (params.get("columns") or params.get("y") or [])]
    if isinstance(params.get("columns"), str):
        names = [str(params["columns"])]
    if not names:
        raise AnalysisError("Choose at least one column to describe.")
    metas = {name: lookup(source, name) for name in names}
    columns: dict[str, Any] = {}
    for i, name in enumerate(names):
        executor.progress.stage(100 * i / len(names), 100 / len(names))
        missing, parts = executor.run_pass(source, [name], ColumnMap(name), _merge, stage=f"Describing {name}")
        values = np.concatenate(parts) if parts else np.empty(0)
        if values.size == 0:
            raise AnalysisError(f"Column {name} has no values (every row is missing).")
        if metas[name].kind == "numeric":
            columns[name] = numeric_summary(values.astype(np.float64), missing, metas[name].shift)
        elif metas[name].kind in ("categorical", "text"):
            columns[name] = _categorical_summary(values, missing)
        else:
            raise AnalysisError(f"{name} is a {metas[name].kind} column; describe needs numeric or categorical data.")
        del values, parts
    return {"kind": "describe", "columns": columns, "notes": list(NOTES)}
