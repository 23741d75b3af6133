"""One-way ANOVA in two streamed passes: group means first, then sums of squares about them.

Why two passes: SS = sum(x^2) - n*mean^2 loses every digit when the values are large and nearly
equal (NIST SmLs07-09: 1000000000000.4 ...). Pass 1 gets each group's n and mean (Chan's pairwise
merge of block means); pass 2 sums (x - mean_g) and (x - mean_g)^2 and corrects the mean exactly
once more (the "corrected two-pass" algorithm). The ingest's exact shift is added back to the means only
(sums of squares do not depend on it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import distributions
from .design import VarStats, lookup, not_missing, unshift
from .errors import AnalysisError
from .executors import Executor
from .source import Block, Source


def _label(value: object) -> str:
    """Numeric factor levels print as integers when they are whole numbers."""
    if isinstance(value, float | np.floating):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


def _grouped(block: Block, y: str, factor: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(level labels, code per row, y per row) for rows with both values; labels formatted once per level."""
    mask = not_missing(block[y]) & not_missing(block[factor])
    raw = block[factor][mask]
    if raw.dtype.kind != "f":
        raw = raw.astype(str)
    levels, codes = np.unique(raw, return_inverse=True)
    return [_label(v) for v in levels], codes.ravel(), block[y][mask]


@dataclass(frozen=True)
class MeansMap:
    """One block -> per level: n, mean (with one correction), M2, min, max (vectorised by bincount)."""

    y: str
    factor: str

    def __call__(self, block: Block) -> tuple[int, dict[str, VarStats]]:
        labels, codes, values = _grouped(block, self.y, self.factor)
        k = len(labels)
        if k == 0:
            return len(block[self.y]), {}
        n = np.bincount(codes, minlength=k)
        mean = np.bincount(codes, weights=values, minlength=k) / n
        mean += np.bincount(codes, weights=values - mean[codes], minlength=k) / n
        d = values - mean[codes]
        m2 = np.bincount(codes, weights=d * d, minlength=k)
        lo, hi = np.full(k, np.inf), np.full(k, -np.inf)
        np.minimum.at(lo, codes, values)
        np.maximum.at(hi, codes, values)
        return len(block[self.y]), {
            lv: VarStats(int(n[i]), float(mean[i]), float(m2[i]), float(lo[i]), float(hi[i]))
            for i, lv in enumerate(labels)
        }


def merge_means(a: tuple[int, dict[str, VarStats]], b: tuple[int, dict[str, VarStats]]) -> tuple[int, dict]:
    return a[0] + b[0], {k: a[1].get(k, VarStats()).merge(b[1].get(k, VarStats())) for k in a[1] | b[1]}


@dataclass(frozen=True)
class SumsMap:
    """One block -> per level: sum of (x - mean_g) and of (x - mean_g)^2 about the pass-1 means."""

    y: str
    factor: str
    means: dict[str, float]

    def __call__(self, block: Block) -> dict[str, tuple[float, float]]:
        labels, codes, values = _grouped(block, self.y, self.factor)
        if not labels:
            return {}
        d = values - np.array([self.means[lv] for lv in labels])[codes]
        s1 = np.bincount(codes, weights=d, minlength=len(labels))
        s2 = np.bincount(codes, weights=d * d, minlength=len(labels))
        return {lv: (float(s1[i]), float(s2[i])) for i, lv in enumerate(labels)}


def merge_sums(a: dict[str, tuple[float, float]], b: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    zero = (0.0, 0.0)
    return {k: (a.get(k, zero)[0] + b.get(k, zero)[0], a.get(k, zero)[1] + b.get(k, zero)[1]) for k in a | b}


def _order(levels: list[str], declared: list[str] | None) -> list[str]:
    if declared:
        return [lv for lv in declared if lv in levels] + sorted(lv for lv in levels if lv not in declared)
    try:
        return sorted(levels, key=float)
    except ValueError:
        return sorted(levels)


def _check(y: str, factor: str, groups: dict[str, VarStats], kinds: tuple[str, str]) -> None:
    if kinds[0] != "numeric":
        raise AnalysisError(f"The response {y} is {kinds[0]}, not numeric: choose a numeric column.")
    n = sum(g.n for g in groups.values())
    if n == 0:
        raise AnalysisError(f"No rows have both {y} and {factor}.")
    if len(groups) < 2:
        raise AnalysisError(f"{factor} has a single level on the rows used; one-way ANOVA needs two or more groups.")
    if n - len(groups) < 1:
        raise AnalysisError(f"Every group of {factor} has a single row; ANOVA needs replicates in some group.")
    if all(g.lo == g.hi for g in groups.values()) and len({g.lo for g in groups.values()}) == 1:
        raise AnalysisError(f"The response {y} is constant on the rows used; there is nothing to compare.")


def one_way(source: Source, params: dict[str, Any], executor: Executor) -> dict[str, Any]:
    y, factor = str(params.get("y") or ""), str(params.get("factor") or "")
    if not y or not factor:
        raise AnalysisError("One-way ANOVA needs a response (y) and a factor.")
    y_meta, f_meta = lookup(source, y), lookup(source, factor)
    executor.progress.stage(0, 50)
    rows, first = executor.run_pass(source, [y, factor], MeansMap(y, factor), merge_means, stage="Group means")
    _check(y, factor, first, (y_meta.kind, f_meta.kind))
    means = {k: g.mean for k, g in first.items()}
    executor.progress.stage(50, 50)
    sums = executor.run_pass(source, [y, factor], SumsMap(y, factor, means), merge_sums, stage="Sums of squares")
    return _result(y, factor, y_meta.shift, first, sums, rows, _order(list(first), f_meta.levels))


def _result(
    y: str,
    factor: str,
    shift: str | None,
    first: dict[str, VarStats],
    sums: dict[str, tuple[float, float]],
    rows: int,
    levels: list[str],
) -> dict[str, Any]:
    counts = {k: first[k].n for k in levels}
    means = {k: first[k].mean + sums[k][0] / counts[k] for k in levels}  # corrected two-pass mean
    within_ss = math.fsum(sums[k][1] - sums[k][0] ** 2 / counts[k] for k in levels)
    n, k = sum(counts.values()), len(levels)
    grand = math.fsum(counts[g] * means[g] for g in levels) / n
    between_ss = math.fsum(counts[g] * (means[g] - grand) ** 2 for g in levels)
    df_b, df_w = k - 1, n - k
    ms_b, ms_w = between_ss / df_b, within_ss / df_w
    f = ms_b / ms_w if ms_w > 0 else math.inf
    p = float(distributions.f_sf(f, df_b, df_w)) if math.isfinite(f) else 0.0
    sp = math.sqrt(ms_w)
    crit = distributions.StudentT(df_w).ppf(0.975)
    groups = [
        {
            "level": g,
            "n": counts[g],
            "mean": unshift(means[g], shift),
            "ci_low": unshift(means[g] - crit * sp / math.sqrt(counts[g]), shift),
            "ci_high": unshift(means[g] + crit * sp / math.sqrt(counts[g]), shift),
            "std": math.sqrt(first[g].m2 / (counts[g] - 1)) if counts[g] > 1 else None,
        }
        for g in levels
    ]
    total = between_ss + within_ss
    r2 = between_ss / total if total > 0 else None
    notes = [
        f"The means of {y} {'differ' if p < 0.05 else 'do not differ'} significantly between the {k} groups of "
        f"{factor} at 5 % (F = {f:.4g}, p = {p:.3g}).",
        f"{factor} explains {100 * (r2 or 0):.1f} % of the variation in {y}.",
        "Group confidence intervals (95 %) use the pooled standard deviation.",
    ]
    if rows - n:
        notes.append(f"{rows - n} rows with a missing value were left out.")
    return {
        "kind": "anova",
        "n": n,
        "dropped_missing": rows - n,
        "between": {"df": df_b, "ss": between_ss, "ms": ms_b, "f": f, "p": p},
        "within": {"df": df_w, "ss": within_ss, "ms": ms_w},
        "total": {"df": n - 1, "ss": total},
        "r_squared": r2,
        "residual_std_error": sp,
        "groups": groups,
        "notes": notes,
    }
