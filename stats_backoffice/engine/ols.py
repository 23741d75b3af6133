"""Multiple linear regression by Householder QR (TSQR when streamed), with exact mapping back.

Passes: (1) scan: counts, means, ranges (centres, degenerate checks), skipped when the ingest's column
summaries already decide them (numeric columns without a missing value: ``design.scan_from_metadata``);
(2) QR of [X | y] block by block,
the R factors stacked and reduced (the memory engine does one QR of all rows: same code); (3) only when
the equilibrated R has condition > 1e6 (or the table is small), one step of iterative refinement by the
corrected semi-normal equations (r = y - Xb in compensated arithmetic, R'R d = X'r by two triangular solves);
(4) residuals:
SSE, leverage, Cook's distance, a sample for plots, unusual rows, and the optional Parquet of every row.
Standard errors come from R^{-1}, never from an inverted X'X.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import distributions, linalg
from .design import (
    Design,
    Plan,
    ScanPart,
    ScanSpec,
    build_design,
    check_columns,
    check_scan,
    design_matrix,
    map_coefficients,
    map_variances,
    merge_scan,
    response,
    row_mask,
    scan_from_metadata,
    set_numeric_response,
    transform,
)
from .errors import AnalysisError
from .executors import Executor
from .source import Block, Source

REFINE_CONDITION = 1e6
COMPENSATE_CELLS = 4_000_000  # below this many cells the compensated residual is always affordable
SAMPLE_POINTS = 2000
PROB_POINTS = 500
MAX_UNUSUAL = 50


def prepare(source: Source, params: dict[str, Any], executor: Executor, *, logistic: bool = False) -> Design:
    """Parse, check the columns, scan once, check the data, build the design."""
    plan = Plan.of(params)
    kinds = ("numeric", "categorical") if logistic else ("numeric",)
    metas = check_columns(source, plan, response_kinds=kinds)
    used = [plan.y, *plan.predictors()]
    numeric = tuple(v for v in used if metas[v].kind == "numeric")
    categorical = tuple(v for v in used if metas[v].kind == "categorical")
    spec = ScanSpec(numeric, categorical, by=plan.y if logistic else None)
    executor.progress.stage(0, 15)
    scan: ScanPart | None = scan_from_metadata(source, spec)
    if scan is None:
        scan = executor.run_pass(source, used, spec, merge_scan, stage="Reading the data")
    check_scan(scan, plan, metas)
    if not logistic:
        y_stats = scan.numeric[plan.y]
        if y_stats.lo == y_stats.hi:
            raise AnalysisError(f"The response {plan.y} is constant on the rows used; there is nothing to explain.")
    design = build_design(plan, scan, metas)
    if not logistic:
        set_numeric_response(design)
    if design.p >= design.n:
        raise AnalysisError(
            f"The model has {design.p} terms but only {design.n} rows with complete data; it needs more rows than "
            "terms (remove predictors or add data)."
        )
    design.scan = scan
    return design


@dataclass(frozen=True)
class QRMap:
    """One block -> the R factor of [X | y] (complete rows only)."""

    design: Design

    def __call__(self, block: Block) -> np.ndarray | None:
        mask = row_mask(self.design, block)
        if not mask.any():
            return None
        a = design_matrix(self.design, block, mask, extra=1)
        a[:, -1] = response(self.design, block, mask)
        return linalg.r_factor(a)


@dataclass(frozen=True)
class RefineMap:
    """One block -> X' r with r = y - X b computed in compensated arithmetic."""

    design: Design
    beta: np.ndarray

    def __call__(self, block: Block) -> np.ndarray:
        mask = row_mask(self.design, block)
        x = design_matrix(self.design, block, mask)
        r = linalg.residual(response(self.design, block, mask), x, self.beta, compensated=True)
        return np.asarray(x.T @ r)


def _add(a: Any, b: Any) -> Any:
    return a + b


@dataclass
class DiagPart:
    """Residual sums and the kept points of a run of blocks (row numbers local to the run, 0-based)."""

    rows: int = 0
    sse: float = 0.0
    sample: dict[str, np.ndarray] = field(default_factory=dict)
    unusual: list[dict[str, Any]] = field(default_factory=list)
    n_unusual: int = 0
    full: dict[str, np.ndarray] | None = None

    def merge(self, other: DiagPart) -> DiagPart:
        shifted = {k: v + self.rows if k == "row" else v for k, v in other.sample.items()}
        sample = {k: np.concatenate([self.sample[k], shifted[k]]) for k in self.sample} if self.sample else shifted
        unusual = self.unusual + [{**u, "row": u["row"] + self.rows} for u in other.unusual]
        unusual.sort(key=lambda u: -u["severity"])
        return DiagPart(
            self.rows + other.rows,
            self.sse + other.sse,
            sample,
            unusual[:MAX_UNUSUAL],
            self.n_unusual + other.n_unusual,
        )


@dataclass(frozen=True)
class DiagMap:
    """One block -> residuals, leverage h = ||R^{-T} x_i||^2, Cook's distance; sums and kept points."""

    design: Design
    beta: np.ndarray
    r_inv: np.ndarray
    sigma: float
    stride: int
    compensated: bool
    keep_all: bool

    def __call__(self, block: Block) -> DiagPart:
        mask = row_mask(self.design, block)
        rows = np.flatnonzero(mask)
        x = design_matrix(self.design, block, mask)
        y = response(self.design, block, mask)
        r = linalg.residual(y, x, self.beta, compensated=self.compensated)
        h = np.einsum("ij,ij->i", q := x @ self.r_inv, q)
        p, n = self.design.p, self.design.n
        one_minus = np.clip(1.0 - h, 1e-300, None)
        std = r / (self.sigma * np.sqrt(one_minus)) if self.sigma > 0 else np.zeros_like(r)
        cooks = std**2 * h / (p * one_minus)
        fitted = (y - r) + float(self.design.y_offset)
        part = DiagPart(rows=len(mask), sse=float(r @ r))
        keep = np.flatnonzero(np.arange(len(rows)) % self.stride == 0)
        part.sample = {
            "row": rows[keep],
            "fitted": fitted[keep],
            "residual": r[keep],
            "std": std[keep],
            "leverage": h[keep],
            "cooks": cooks[keep],
        }
        flag = (np.abs(std) > 2) | (h > 3 * p / n)
        part.n_unusual = int(flag.sum())
        part.unusual = _unusual(rows[flag], std[flag], h[flag], cooks[flag], 3 * p / n)
        if self.keep_all:
            part.full = {"row": rows, "fitted": fitted, "residual": r, "leverage": h, "cooks": cooks}
        return part


def _unusual(rows: np.ndarray, std: np.ndarray, h: np.ndarray, cooks: np.ndarray, h_cut: float) -> list[dict[str, Any]]:
    severity = np.maximum(np.abs(std) / 2, h / h_cut)
    order = np.argsort(-severity)[:MAX_UNUSUAL]
    out = []
    for i in order:
        reasons = []
        if abs(std[i]) > 2:
            reasons.append(f"large standardized residual ({std[i]:.2f})")
        if h[i] > h_cut:
            reasons.append(f"high leverage ({h[i]:.3f} > {h_cut:.3f})")
        out.append(
            {
                "row": int(rows[i]),
                "std_residual": float(std[i]),
                "leverage": float(h[i]),
                "cooks": float(cooks[i]),
                "reason": " and ".join(reasons),
                "severity": float(severity[i]),
            }
        )
    return out


def merge_diag(a: DiagPart, b: DiagPart) -> DiagPart:
    return a.merge(b)


class ResidualWriter:
    """Streams every used row's fitted/residual/leverage/cooks to Parquet, block by block."""

    def __init__(self, path: str) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._pa = pa
        self.schema = pa.schema(
            [
                (n, pa.int64() if n == "row" else pa.float64())
                for n in ("row", "fitted", "residual", "leverage", "cooks")
            ]
        )
        self.writer = pq.ParquetWriter(path, self.schema)
        self.offset = 0

    def __call__(self, part: DiagPart) -> None:
        full = part.full or {}
        if full and len(full["row"]):
            cols = {k: (v + self.offset + 1 if k == "row" else v) for k, v in full.items()}
            self.writer.write_table(self._pa.table(cols, schema=self.schema), row_group_size=1 << 20)
        self.offset += part.rows
        part.full = None

    def close(self) -> None:
        self.writer.close()


@dataclass
class Fit:
    """The fitted-basis solution and the numbers everything else is derived from."""

    beta: np.ndarray
    r: np.ndarray
    r_full: np.ndarray
    condition: float
    refined: bool


def solve(source: Source, design: Design, executor: Executor) -> Fit:
    """QR pass, rank check, solve; refinement pass if the scaled R is ill-conditioned."""
    p = design.p
    executor.progress.stage(15, 40)
    r_full = executor.run_pass(source, design.used, QRMap(design), linalg.stack_r, stage="Fitting (QR)")
    r_full = linalg.square(r_full, p + 1)
    r = r_full[:p, :p]
    problem = linalg.dependency_message(r, design.names, design.constant_names())
    if problem:
        raise AnalysisError(problem)
    beta = linalg.solve_r(r, r_full[:p, p])
    condition = linalg.scaled_condition(r)
    # Ill-conditioned: refinement is what keeps the streamed path as accurate as one QR. Small tables: it
    # costs nothing and turns an exact fit's residuals (NIST Wampler1) from 1e-10 into zeros.
    refined = condition > REFINE_CONDITION or design.n * design.p <= COMPENSATE_CELLS
    if refined:
        executor.progress.stage(55, 20)
        g = executor.run_pass(source, design.used, RefineMap(design, beta), _add, stage="Refining")
        beta = beta + linalg.solve_rtr(r, g)
    return Fit(beta, r, r_full, condition, refined)


def fit_ols(source: Source, params: dict[str, Any], executor: Executor, residuals_path: str | None = None) -> dict:
    design = prepare(source, params, executor)
    fit = solve(source, design, executor)
    n, p = design.n, design.p
    df_resid = n - p
    sigma_qr = abs(fit.r_full[p, p]) / math.sqrt(df_resid)
    r_inv = linalg.r_inverse(fit.r)
    compensated = fit.refined or n * p <= COMPENSATE_CELLS
    diag_map = DiagMap(
        design, fit.beta, r_inv, sigma_qr, max(1, math.ceil(n / SAMPLE_POINTS)), compensated, residuals_path is not None
    )
    executor.progress.stage(75, 20)
    writer = ResidualWriter(residuals_path) if residuals_path else None
    try:
        diag = executor.run_pass(source, design.used, diag_map, merge_diag, stage="Residuals", consume=writer)
    finally:
        if writer is not None:
            writer.close()
    return ols_result(design, fit, diag, r_inv)


def coefficient_table(
    names: list[str], estimates: list[float], variances: list[float], dist: Any, stat: str
) -> list[dict[str, Any]]:
    """term, estimate, std_error, t|z, p, ci_low, ci_high (95 %)."""
    crit = float(dist.ppf(0.975))
    rows = []
    for name, b, var in zip(names, estimates, variances, strict=True):
        se = math.sqrt(var) if var > 0 else 0.0
        t = b / se if se > 0 else math.copysign(math.inf, b) if b else math.nan
        p = float(2 * dist.sf(abs(t))) if math.isfinite(t) else (0.0 if b else math.nan)
        rows.append(
            {
                "term": name,
                "estimate": b,
                "std_error": se,
                stat: t,
                "p": p,
                "ci_low": b - crit * se,
                "ci_high": b + crit * se,
            }
        )
    return rows


def sums_of_squares(design: Design, fit: Fit, sse: float) -> tuple[float, float]:
    """(SST, SSR): SST from the y column of R (centred with an intercept), SSR = SST - SSE."""
    ycol = fit.r_full[:, design.p]
    sst = float(ycol[1:] @ ycol[1:]) if design.intercept else float(ycol @ ycol)
    return sst, sst - sse


def vif(design: Design, r: np.ndarray) -> dict[str, float]:
    """VIF_j = 1 / (1 - R_j^2) = diag of the inverse correlation matrix, read off the R of centred columns."""
    start = 1 if design.intercept else 0
    names = design.names[start:]
    if len(names) < 2:
        return {}
    r22 = r[start:, start:]
    inv = linalg.r_inverse(r22)
    values = linalg.column_norms(r22) ** 2 * np.sum(inv**2, axis=1)
    return {name: float(v) for name, v in zip(names, values, strict=True)}


def probability_plot(std: np.ndarray) -> list[dict[str, float]]:
    """Normal probability plot points (Blom positions (i - 3/8) / (m + 1/4)), at most 500."""
    ordered = np.sort(std[np.isfinite(std)])
    m = len(ordered)
    if m == 0:
        return []
    ranks = np.unique(np.linspace(0, m - 1, min(m, PROB_POINTS)).round().astype(int))
    theo = distributions.normal_ppf((ranks + 1 - 0.375) / (m + 0.25))
    return [{"theoretical": float(t), "std_residual": float(ordered[i])} for t, i in zip(theo, ranks, strict=True)]


def diagnostics(diag: DiagPart) -> dict[str, Any]:
    sample = diag.sample
    count = len(sample.get("row", []))
    keep: Any = np.unique(np.linspace(0, count - 1, min(count, SAMPLE_POINTS)).round().astype(int)) if count else []
    points = [
        {
            "row": int(sample["row"][i]) + 1,
            "fitted": float(sample["fitted"][i]),
            "residual": float(sample["residual"][i]),
            "std_residual": float(sample["std"][i]),
            "leverage": float(sample["leverage"][i]),
            "cooks": float(sample["cooks"][i]),
        }
        for i in keep
    ]
    return {
        "points": points,
        "normal_probability": probability_plot(np.asarray(sample.get("std", []))),
        "sampled": count < diag.rows,
    }


def _term_note(row: dict[str, Any], y: str) -> str:
    """One line per predictor: significant or not, and which way it moves the response."""
    if row["p"] >= 0.05:
        return f"{row['term']} is not significant at 5 % (p = {row['p']:.2g}): the data do not show it moves {y}."
    way = "raises" if row["estimate"] > 0 else "lowers"
    return (
        f"{row['term']} is significant at 5 % (p = {row['p']:.2g}): one unit more {way} {y} by "
        f"{abs(row['estimate']):.4g} (95 % CI {row['ci_low']:.4g} to {row['ci_high']:.4g}), the other terms held fixed."
    )


def ols_notes(design: Design, result: dict[str, Any]) -> list[str]:
    """Plain-language lines for a Green Belt."""
    notes = list(design.notes)
    r2 = result["r_squared"]
    kind = "" if design.intercept else " (uncentred, because the model has no intercept)"
    notes.append(f"The model explains {100 * r2:.1f} % of the variation in {design.y}{kind}.")
    if result["f_p"] is not None and result["df_model"] > 0:
        verdict = "is" if result["f_p"] < 0.05 else "is not"
        notes.append(
            f"The regression as a whole {verdict} significant at 5 % (F = {result['f']:.4g}, p = {result['f_p']:.3g})."
        )
    notes.extend(
        _term_note(row, design.y) for row in result["coefficients"] if row["term"] != "const" and row["p"] is not None
    )
    for name, value in result["vif"].items():
        if value > 10:
            notes.append(f"{name} has a VIF of {value:.1f}: it is strongly correlated with other predictors.")
    if result["dropped_missing"]:
        notes.append(f"{result['dropped_missing']} rows with a missing value were left out.")
    if result["n_unusual"]:
        notes.append(f"{result['n_unusual']} rows are unusual (large standardized residual or high leverage).")
    if result["diagnostics"]["sampled"]:
        notes.append("The residual plots show an evenly spaced sample of the rows.")
    return notes


def ols_result(design: Design, fit: Fit, diag: DiagPart, r_inv: np.ndarray) -> dict[str, Any]:
    n, p = design.n, design.p
    df_resid, df_model = n - p, p - (1 if design.intercept else 0)
    sse = diag.sse
    sst, ssr = sums_of_squares(design, fit, sse)
    mse = sse / df_resid
    cov = mse * (r_inv @ r_inv.T)
    mapping = transform(design)
    estimates = map_coefficients(mapping, fit.beta, design.y_offset)
    variances = map_variances(mapping, cov)
    table = coefficient_table(mapping.names, estimates, variances, distributions.StudentT(df_resid), "t")
    f = (ssr / df_model) / mse if df_model > 0 and mse > 0 else None
    f_p = distributions.f_sf(f, df_model, df_resid) if f is not None else None
    r2 = 1 - sse / sst if sst > 0 else None
    result: dict[str, Any] = {
        "kind": "ols",
        "n": n,
        "coefficients": table,
        "r_squared": r2,
        "adj_r_squared": 1 - (1 - r2) * (n - (1 if design.intercept else 0)) / df_resid if r2 is not None else None,
        "residual_std_error": math.sqrt(mse),
        "f": f,
        "f_p": f_p,
        "df_model": df_model,
        "df_resid": df_resid,
        "anova_table": [
            {
                "source": "Regression",
                "df": df_model,
                "ss": ssr,
                "ms": ssr / df_model if df_model else None,
                "f": f,
                "p": f_p,
            },
            {"source": "Residual", "df": df_resid, "ss": sse, "ms": mse},
            {"source": "Total", "df": n - (1 if design.intercept else 0), "ss": sst},
        ],
        "vif": vif(design, fit.r),
        "dropped_missing": design.dropped,
        "intercept": design.intercept,
        "condition_number": fit.condition,
        "refined": fit.refined,
        "diagnostics": diagnostics(diag),
        "unusual": [{k: (v + 1 if k == "row" else v) for k, v in u.items() if k != "severity"} for u in diag.unusual],
        "n_unusual": diag.n_unusual,
    }
    result["notes"] = ols_notes(design, result)
    return result
