"""The statistical engine: pure numpy/scipy (dask only inside a run); no Django anywhere in this package.

``run(kind, source, params, engine=...)`` is the one entry point (see CONTRACT.md and docs/stats-engine.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import AnalysisError, Cancelled, EngineError, IngestError
from .source import ArraySource, ColumnMeta, Source

KINDS = ("ols", "logit", "anova", "describe")


def _clean(value: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN/inf to None."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_clean(v) for v in value.tolist()]
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if isinstance(value, float | np.floating):
        v = float(value)
        return v if math.isfinite(v) else None
    return value


def _dispatch(kind: str, source: Source, params: dict[str, Any], executor: Any, residuals_path: str | None) -> dict:
    if kind == "ols":
        from .ols import fit_ols

        result: dict = fit_ols(source, params, executor, residuals_path)
        return result
    if kind == "logit":
        from .logit import fit_logit

        return fit_logit(source, params, executor, residuals_path)
    if kind == "anova":
        from .anova import one_way

        return one_way(source, params, executor)
    from .describe import describe

    return describe(source, params, executor)


PRELOAD = {
    "ols": ("ols", "parquet"),
    "logit": ("logit", "parquet"),
    "anova": ("anova", "parquet"),
    "describe": ("describe", "parquet"),
    "ingest": ("ingest", "profile", "parquet"),
}


def preload(*what: str) -> None:
    """Import what a run (or the ingest) imports lazily (about a second), e.g. before timing it; all by default."""
    import importlib

    for name in what or tuple(PRELOAD):
        for module in PRELOAD[name]:
            importlib.import_module(f"{__name__}.{module}")


def run(
    kind: str,
    source: Source,
    params: dict[str, Any],
    *,
    engine: str = "chunked",
    progress: Callable[[float, str], None] | None = None,
    check_cancelled: Callable[[], None] | None = None,
    residuals_path: str | None = None,
) -> dict[str, Any]:
    """Run one analysis; returns a JSON-serialisable dict; degenerate data raise AnalysisError."""
    from . import allocator
    from .executors import make_executor

    allocator.tune()
    if kind not in KINDS:
        raise AnalysisError(f"Unknown analysis {kind!r}: choose one of {', '.join(KINDS)}.")
    executor = make_executor(engine, progress, check_cancelled)
    try:
        with np.errstate(all="ignore"):
            result = _dispatch(kind, source, dict(params or {}), executor, residuals_path)
    finally:
        executor.close()
    result["engine"] = executor.name
    result["blocks"] = executor.blocks
    if progress is not None:
        progress(100.0, "Done")
    return dict(_clean(result))


__all__ = [
    "AnalysisError",
    "ArraySource",
    "Cancelled",
    "ColumnMeta",
    "EngineError",
    "IngestError",
    "Source",
    "preload",
    "run",
]
