"""Binary logistic regression: IRLS, one streamed weighted TSQR per iteration.

Why IRLS with QR: each Newton step is the weighted least-squares problem min ||W^(1/2) (z - X b)||, solved
like OLS (R of [sqrt(w) X | sqrt(w) z] block by block), so the weights never form an n x p matrix beyond
one block and the covariance comes from R^{-1}. Before fitting, each predictor is checked for
separation (from the scan's per-class ranges and level counts), because a maximum-likelihood estimate
does not exist then and a Green Belt deserves a sentence, not a diverging coefficient.

AUC: exact (Mann-Whitney with ties, over all rows) up to ``EXACT_AUC_ROWS`` rows; above that, from a
histogram of fitted probabilities with 2^16 bins (ties within a bin count half; error below 1e-4).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit

from . import distributions, linalg
from .design import Design, ScanPart, design_matrix, map_coefficients, map_variances, response, row_mask, transform
from .errors import AnalysisError
from .executors import Executor
from .ols import ResidualWriter, coefficient_table, prepare
from .source import Block, Source

MAX_ITER = 50
TOL = 1e-10
EXACT_AUC_ROWS = 2_000_000
HIST_BINS = 1 << 16
ROC_POINTS = 200
EXTREME = 1e-10


def _fmt(value: float | None) -> str:
    return "missing" if value is None else f"{value:.6g}"


def resolve_event(design: Design, scan: ScanPart, params: dict[str, Any]) -> tuple[str, str]:
    """(event, non-event) labels; the response must have exactly two classes."""
    y = design.y
    if design.metas[y].kind == "numeric":
        classes = set(scan.by_class)
        if "other" in classes:
            raise AnalysisError(
                f"The response {y} must be coded 0/1 (or be a two-level category); it has other values."
            )
        if len(classes) < 2:
            raise AnalysisError(f"The response {y} has a single class on the rows used; logistic regression needs two.")
        return "1", "0"
    levels = sorted(scan.levels.get(y, {}))
    if len(levels) < 2:
        raise AnalysisError(f"The response {y} has a single class on the rows used; logistic regression needs two.")
    if len(levels) > 2:
        raise AnalysisError(f"The response {y} has {len(levels)} levels; binary logistic regression needs two.")
    event = str(params.get("event") or levels[-1])
    if event not in levels:
        raise AnalysisError(f"The event level {event!r} does not occur in {y} (levels: {', '.join(levels)}).")
    return event, next(lv for lv in levels if lv != event)


def _numeric_separation(var: str, s0: Any, s1: Any, labels: tuple[str, str], shift: str | None) -> tuple[str, bool]:
    from .design import unshift

    event, other = labels
    if s0.hi < s1.lo or s1.hi < s0.lo:
        high, low, cut = (event, other, s0.hi) if s0.hi < s1.lo else (other, event, s1.hi)
        return (
            f"{var} separates the two classes perfectly: every row with {var} > {_fmt(unshift(cut, shift))} is "
            f"{high}, every other row is {low}. The odds ratio would be infinite; remove {var} or collect "
            "overlapping data.",
            True,
        )
    if s0.hi == s1.lo or s1.hi == s0.lo:
        return (
            f"{var} separates the classes almost perfectly (quasi-complete separation): the classes only meet at "
            f"{var} = {_fmt(unshift(s0.hi if s0.hi == s1.lo else s1.hi, shift))}; its estimate is unreliable.",
            False,
        )
    return "", False


def _categorical_separation(var: str, counts: dict[str, dict[str, int]], labels: tuple[str, str]) -> tuple[str, bool]:
    event, other = labels
    levels = set(counts.get(event, {})) | set(counts.get(other, {}))
    pure = {
        lv: (event if counts.get(other, {}).get(lv, 0) == 0 else other)
        for lv in levels
        if counts.get(event, {}).get(lv, 0) == 0 or counts.get(other, {}).get(lv, 0) == 0
    }
    if not pure:
        return "", False
    if len(pure) == len(levels):
        return f"{var} separates the two classes perfectly: each of its levels holds only one class.", True
    parts = "; ".join(f"every row with {var} = {lv} is {cls}" for lv, cls in sorted(pure.items()))
    return f"Quasi-complete separation: {parts}; the estimates for {var} are unreliable.", False


def check_separation(design: Design, scan: ScanPart, labels: tuple[str, str]) -> list[str]:
    """Complete separation by one predictor raises; quasi-complete becomes a note."""
    event, other = labels
    notes = []
    for var in design.predictor_vars():
        meta = design.metas[var]
        if meta.kind == "numeric":
            s0, s1 = scan.by_class[other].get(var), scan.by_class[event].get(var)
            message, complete = _numeric_separation(var, s0, s1, labels, meta.shift) if s0 and s1 else ("", False)
        else:
            counts = {cls: scan.class_levels.get(cls, {}).get(var, {}) for cls in labels}
            message, complete = _categorical_separation(var, counts, labels)
        if complete:
            raise AnalysisError(message)
        if message:
            notes.append(message)
    return notes


@dataclass
class IrlsPart:
    r: np.ndarray | None
    deviance: float


@dataclass(frozen=True)
class IrlsMap:
    """One block -> R of [sqrt(w) X | sqrt(w) z] at the current b, and the deviance at b."""

    design: Design
    beta: np.ndarray

    def __call__(self, block: Block) -> IrlsPart:
        mask = row_mask(self.design, block)
        y = response(self.design, block, mask)
        a = design_matrix(self.design, block, mask, extra=1)
        p = self.design.p
        eta = a[:, :p] @ self.beta
        mu = expit(eta)
        w = np.clip(mu * (1 - mu), 1e-12, None)
        a[:, p] = eta + (y - mu) / w
        a *= np.sqrt(w)[:, None]
        dev = 2.0 * float(np.sum(np.logaddexp(0.0, eta) - y * eta))
        return IrlsPart(linalg.r_factor(a) if len(y) else None, dev)


def merge_irls(a: IrlsPart, b: IrlsPart) -> IrlsPart:
    return IrlsPart(linalg.stack_r(a.r, b.r), a.deviance + b.deviance)


@dataclass
class FinalPart:
    """At the final b: R (covariance), deviance, classification counts, score histogram / scores, kept rows."""

    rows: int = 0
    r: np.ndarray | None = None
    deviance: float = 0.0
    table: np.ndarray = field(default_factory=lambda: np.zeros((2, 2), dtype=np.int64))  # [actual, predicted]
    hist: np.ndarray = field(default_factory=lambda: np.zeros((2, HIST_BINS), dtype=np.int64))
    scores: list[np.ndarray] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)
    extreme: int = 0
    full: dict[str, np.ndarray] | None = None

    def merge(self, other: FinalPart) -> FinalPart:
        return FinalPart(
            self.rows + other.rows,
            linalg.stack_r(self.r, other.r),
            self.deviance + other.deviance,
            self.table + other.table,
            self.hist + other.hist,
            self.scores + other.scores,
            self.labels + other.labels,
            self.extreme + other.extreme,
        )


@dataclass(frozen=True)
class FinalMap:
    design: Design
    beta: np.ndarray
    cutoff: float
    exact_auc: bool
    r_inv: np.ndarray | None = None

    def __call__(self, block: Block) -> FinalPart:
        mask = row_mask(self.design, block)
        y = response(self.design, block, mask)
        x = design_matrix(self.design, block, mask)
        eta = x @ self.beta
        mu = expit(eta)
        w = mu * (1 - mu)
        part = FinalPart(rows=len(mask), deviance=2.0 * float(np.sum(np.logaddexp(0.0, eta) - y * eta)))
        xw = x
        xw *= np.sqrt(w)[:, None]  # in place: one design-sized array per block, not two (x is not used after)
        if self.r_inv is not None:
            part.full = self._rows(np.flatnonzero(mask), xw, y, mu, w)
        part.r = linalg.r_factor(xw) if len(y) else None  # overwrites xw
        actual, predicted = y.astype(np.int64), (mu >= self.cutoff).astype(np.int64)
        part.table = np.bincount(2 * actual + predicted, minlength=4).reshape(2, 2)
        bins = np.minimum((mu * HIST_BINS).astype(np.int64), HIST_BINS - 1)
        part.hist = np.vstack([np.bincount(bins[actual == c], minlength=HIST_BINS) for c in (0, 1)])
        if self.exact_auc:
            part.scores, part.labels = [mu], [actual.astype(np.int8)]
        part.extreme = int(np.sum((mu < EXTREME) | (mu > 1 - EXTREME)))
        return part

    def _rows(self, rows: np.ndarray, xw: np.ndarray, y: np.ndarray, mu: np.ndarray, w: np.ndarray) -> dict:
        """Per-row values; ``xw`` is the design with rows weighted by sqrt(w)."""
        assert self.r_inv is not None
        q = xw @ self.r_inv
        h = np.einsum("ij,ij->i", q, q)
        pearson = (y - mu) / np.sqrt(np.clip(w, 1e-300, None))
        cooks = pearson**2 * h / (self.design.p * np.clip(1 - h, 1e-300, None) ** 2)
        return {"row": rows, "fitted": mu, "residual": y - mu, "leverage": h, "cooks": cooks}


def merge_final(a: FinalPart, b: FinalPart) -> FinalPart:
    return a.merge(b)


def _start(design: Design, scan: ScanPart, event: str) -> np.ndarray:
    beta = np.zeros(design.p)
    if design.intercept:
        if design.metas[design.y].kind == "numeric":
            n1 = scan.by_class.get("1", {})
            k = next(iter(n1.values())).n if n1 else 0
        else:
            k = scan.levels[design.y].get(event, 0)
        ybar = min(max(k / design.n, 1e-6), 1 - 1e-6)
        beta[0] = math.log(ybar / (1 - ybar))
    return beta


@dataclass
class IrlsResult:
    beta: np.ndarray
    iterations: int
    converged: bool


def irls(source: Source, design: Design, executor: Executor, beta: np.ndarray) -> IrlsResult:
    """Newton / Fisher scoring by weighted TSQR; converged when the deviance changes < 1e-10 relative."""
    previous = math.inf
    p = design.p
    for iteration in range(1, MAX_ITER + 1):
        executor.progress.stage(15 + 65 * (iteration - 1) / MAX_ITER, 65 / MAX_ITER)
        part = executor.run_pass(source, design.used, IrlsMap(design, beta), merge_irls, stage=f"Iteration {iteration}")
        r = linalg.square(part.r, p + 1)
        if iteration == 1:
            problem = linalg.dependency_message(r[:p, :p], design.names, design.constant_names())
            if problem:
                raise AnalysisError(problem)
        new = linalg.solve_r(r[:p, :p], r[:p, p])
        if abs(previous - part.deviance) < TOL * (abs(part.deviance) + 0.1):
            return IrlsResult(new, iteration, True)
        if part.deviance < 1e-9:  # every row fitted with certainty: separation, the estimates diverge
            return IrlsResult(new, iteration, False)
        previous = part.deviance
        beta = new
    return IrlsResult(beta, MAX_ITER, False)


def _auc(final: FinalPart) -> tuple[float, str]:
    if final.scores:
        scores, labels = np.concatenate(final.scores), np.concatenate(final.labels)
        ranks = distributions.rankdata(scores)
        n1 = int(labels.sum())
        n0 = len(labels) - n1
        return float((ranks[labels == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)), "exact (all rows, ties count half)"
    h0, h1 = final.hist[0][::-1].astype(float), final.hist[1][::-1].astype(float)
    below0 = np.cumsum(h0) - h0
    auc = float(np.sum(h1 * ((h0.sum() - below0 - h0) + 0.5 * h0))) / (h0.sum() * h1.sum())
    return auc, f"histogram of fitted probabilities ({HIST_BINS} bins; ties within a bin count half)"


def _roc(final: FinalPart) -> list[dict[str, float]]:
    """ROC points (false positive rate, true positive rate), from high cut-offs to low, at most 200."""
    h0, h1 = final.hist[0][::-1], final.hist[1][::-1]
    tpr = np.concatenate([[0.0], np.cumsum(h1) / max(1, h1.sum())])
    fpr = np.concatenate([[0.0], np.cumsum(h0) / max(1, h0.sum())])
    cut = np.concatenate([[1.0], 1 - np.arange(1, HIST_BINS + 1) / HIST_BINS])
    keep = np.flatnonzero(np.concatenate([[True], (np.diff(tpr) != 0) | (np.diff(fpr) != 0)]))
    if len(keep) > ROC_POINTS:
        keep = keep[np.unique(np.linspace(0, len(keep) - 1, ROC_POINTS).round().astype(int))]
    return [{"cutoff": float(cut[i]), "fpr": float(fpr[i]), "tpr": float(tpr[i])} for i in keep]


def _classification(table: np.ndarray, cutoff: float, labels: tuple[str, str]) -> dict[str, Any]:
    tn, fp, fn, tp = (int(v) for v in table.ravel())
    total = tn + fp + fn + tp
    return {
        "cutoff": cutoff,
        "event": labels[0],
        "true_positive": tp,
        "false_positive": fp,
        "true_negative": tn,
        "false_negative": fn,
        "accuracy": (tp + tn) / total if total else None,
        "sensitivity": tp / (tp + fn) if tp + fn else None,
        "specificity": tn / (tn + fp) if tn + fp else None,
    }


def _null_deviance(design: Design, events: int) -> float:
    n = design.n
    if not design.intercept:
        return 2.0 * n * math.log(2.0)
    ybar = events / n
    return -2.0 * (events * math.log(ybar) + (n - events) * math.log(1 - ybar))


def fit_logit(source: Source, params: dict[str, Any], executor: Executor, residuals_path: str | None = None) -> dict:
    design = prepare(source, params, executor, logistic=True)
    scan: ScanPart = design.scan
    labels = resolve_event(design, scan, params)
    design.event = labels[0]
    raw_cutoff = params.get("cutoff")
    cutoff = 0.5 if raw_cutoff is None else float(raw_cutoff)
    if not 0 < cutoff < 1:
        raise AnalysisError("The classification cut-off must be between 0 and 1.")
    notes = check_separation(design, scan, labels)
    fit = irls(source, design, executor, _start(design, scan, labels[0]))
    executor.progress.stage(80, 20)
    final_map = FinalMap(design, fit.beta, cutoff, design.n <= EXACT_AUC_ROWS)
    final = executor.run_pass(source, design.used, final_map, merge_final, stage="Final pass")
    r = linalg.square(final.r, design.p)
    r_inv = linalg.r_inverse(r)
    if residuals_path:
        writer = ResidualWriter(residuals_path)
        try:
            executor.run_pass(
                source,
                design.used,
                FinalMap(design, fit.beta, cutoff, False, r_inv),
                merge_final,
                stage="Residuals",
                consume=writer,
            )
        finally:
            writer.close()
    return _result(design, fit, final, r_inv, labels, cutoff, notes)


def _result(
    design: Design,
    fit: IrlsResult,
    final: FinalPart,
    r_inv: np.ndarray,
    labels: tuple[str, str],
    cutoff: float,
    notes: list[str],
) -> dict[str, Any]:
    n, p = design.n, design.p
    perfect = final.table[0, 1] == 0 and final.table[1, 0] == 0
    if final.extreme == n or (perfect and final.deviance < 1e-6):
        names = ", ".join(design.predictor_vars())
        raise AnalysisError(
            f"A combination of {names} separates the two classes perfectly (complete separation); "
            "the coefficients have no finite estimate."
        )
    mapping = transform(design)
    estimates = map_coefficients(mapping, fit.beta, design.y_offset)
    variances = map_variances(mapping, r_inv @ r_inv.T)
    table = coefficient_table(mapping.names, estimates, variances, distributions.Normal(), "z")
    for row in table:
        row["odds_ratio"] = _exp(row["estimate"])
        row["or_ci_low"], row["or_ci_high"] = _exp(row["ci_low"]), _exp(row["ci_high"])
    events = int(final.table[1].sum())
    null_dev = _null_deviance(design, events)
    df_model = p - (1 if design.intercept else 0)
    lr = null_dev - final.deviance
    auc, method = _auc(final)
    result = {
        "kind": "logit",
        "n": n,
        "event": labels[0],
        "coefficients": table,
        "deviance": final.deviance,
        "null_deviance": null_dev,
        "aic": final.deviance + 2 * p,
        "bic": final.deviance + p * math.log(n),
        "log_likelihood": -final.deviance / 2,
        "df_model": df_model,
        "df_resid": n - p,
        "lr_chi2": lr,
        "lr_p": distributions.chi2_sf(lr, df_model) if df_model else None,
        "pseudo_r_squared": 1 - final.deviance / null_dev if null_dev > 0 else None,
        "iterations": fit.iterations,
        "converged": fit.converged,
        "dropped_missing": design.dropped,
        "classification": _classification(final.table, cutoff, labels),
        "roc": _roc(final),
        "auc": auc,
        "auc_method": method,
    }
    result["notes"] = _notes(design, result, final, notes, labels)
    return result


def _exp(value: float) -> float:
    return math.exp(value) if value < 700 else math.inf


def _notes(
    design: Design, result: dict[str, Any], final: FinalPart, notes: list[str], labels: tuple[str, str]
) -> list[str]:
    out = [
        f"The model gives the probability that {design.y} is {labels[0]} (the event); the other class is {labels[1]}."
    ]
    out += notes
    if not result["converged"]:
        out.append(f"The fit did not converge in {MAX_ITER} iterations; the estimates may be unreliable.")
    if final.extreme:
        out.append(
            f"{final.extreme} rows are predicted with probability 0 or 1: a sign of (quasi-complete) "
            "separation; the affected estimates and their SEs are unreliable."
        )
    for row in result["coefficients"]:
        if row["term"] == "const":
            continue
        if row["p"] >= 0.05:
            out.append(f"{row['term']} is not significant at 5 % (p = {row['p']:.2g}).")
        else:
            out.append(
                f"{row['term']} is significant at 5 % (p = {row['p']:.2g}): one unit more multiplies the odds of "
                f"{labels[0]} by {row['odds_ratio']:.3g} (95 % CI {row['or_ci_low']:.3g} to {row['or_ci_high']:.3g})."
            )
    c = result["classification"]
    out.append(
        f"At a cut-off of {c['cutoff']:g}, {100 * (c['accuracy'] or 0):.1f} % of the rows are classified "
        f"correctly; the area under the ROC curve is {result['auc']:.3f} ({result['auc_method']})."
    )
    if design.dropped:
        out.append(f"{design.dropped} rows with a missing value were left out.")
    return out
