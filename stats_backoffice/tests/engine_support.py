"""Shared helpers for the engine tests: the NIST StRD files, LRE, and a tiny private CSV loader.

The loader is for tests of ``run()`` that do not go through the CLI; it mimics the ingest's exact
decimal shift (a value subtracted from the decimal text, so 1000000000000.4 - 1000000000000 = 0.4 exactly).
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

from stats_backoffice.engine.source import ArraySource

getcontext().prec = 200


def nist_dir() -> Path:
    """NIST_DIR, else shared/data/nist above the repository, else /work/shared/data/nist; never skipped."""
    env = os.environ.get("NIST_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "shared" / "data" / "nist"
        if candidate.is_dir():
            return candidate
    fallback = Path("/work/shared/data/nist")
    assert fallback.is_dir(), "NIST StRD directory not found (set NIST_DIR)"
    return fallback


def lre(computed: float | None, certified: float) -> float:
    """Log relative error, capped at 15 (absolute error when the certified value is 0)."""
    if computed is None or not math.isfinite(computed):
        return 0.0
    err = abs(computed - certified)
    if err == 0:
        return 15.0
    rel = err / abs(certified) if certified != 0 else err
    return max(0.0, min(15.0, -math.log10(rel)))


_NUM = r"[-+]?\d*\.?\d+(?:[EeDd][-+]?\d+)?"


@dataclass
class NistSet:
    name: str
    procedure: str  # "regression" | "anova" | "univariate"
    columns: list[str]
    rows: list[list[str]]  # exact decimal text
    certified: dict[str, float] = field(default_factory=dict)
    coefficients: list[tuple[float, float]] = field(default_factory=list)  # (estimate, sd) for B0.. or B1..
    intercept: bool = True
    degree: int = 1


def _num(text: str) -> float:
    return float(text.replace("D", "E").replace("d", "e"))


def _data_range(lines: list[str]) -> tuple[int, int]:
    for line in lines[:15]:
        m = re.search(r"Data\s*\(lines\s+(\d+)\s+to\s+(\d+)\)", line)
        if m:
            return int(m.group(1)), int(m.group(2))
    start = next(i for i, line in enumerate(lines) if re.match(r"^Data:\s*\w", line) and i > 20) + 1
    while start < len(lines) and not re.match(rf"^\s*{_NUM}\s*$", lines[start]):
        start += 1
    end = start
    while end < len(lines) and re.match(rf"^\s*{_NUM}\s*$", lines[end]):
        end += 1
    return start + 1, end


def _header(lines: list[str], start: int) -> list[str]:
    for i in range(start - 2, 0, -1):
        if lines[i].startswith("Data:"):
            return lines[i].split(":", 1)[1].split()
    raise AssertionError("no data header")


def _procedure(text: str) -> str:
    head = re.search(r"^(?:Procedure|Stat Category):\s*(.*)$", text, re.M)
    label = head.group(1) if head else ""
    if "Analysis of Variance" in label:
        return "anova"
    if "Univariate" in label:
        return "univariate"
    return "regression"


def _regression(s: NistSet, text: str) -> None:
    params = re.findall(rf"^\s*B(\d+)\s+({_NUM})\s+({_NUM})", text, re.M)
    s.coefficients = [(_num(e), _num(sd)) for _, e, sd in params]
    s.intercept = params[0][0] == "0"
    s.certified["residual_sd"] = _num(re.search(rf"Standard Deviation\s+({_NUM})", text).group(1))
    s.certified["r_squared"] = _num(re.search(rf"R-Squared\s+({_NUM})", text).group(1))
    predictors = len(s.columns) - 1
    if predictors == 1 and len(params) - (1 if s.intercept else 0) > 1:
        s.degree = len(params) - 1


def _anova(s: NistSet, text: str) -> None:
    between = re.search(rf"Between \w+\s+(\d+)\s+({_NUM})\s+({_NUM})\s+({_NUM})", text)
    within = re.search(rf"Within \w+\s+(\d+)\s+({_NUM})\s+({_NUM})", text)
    s.certified.update(
        between_df=float(between.group(1)),
        between_ss=_num(between.group(2)),
        between_ms=_num(between.group(3)),
        f=_num(between.group(4)),
        within_df=float(within.group(1)),
        within_ss=_num(within.group(2)),
        within_ms=_num(within.group(3)),
        r_squared=_num(re.search(rf"R-Squared\s+({_NUM})", text).group(1)),
        residual_sd=_num(re.search(rf"Standard Deviation\s+({_NUM})", text).group(1)),
    )


def _univariate(s: NistSet, text: str) -> None:
    s.certified["mean"] = _num(re.search(rf"ybar:\s+({_NUM})", text).group(1))
    s.certified["std"] = _num(re.search(rf"\bs:\s+({_NUM})", text).group(1))
    s.certified["autocorr_lag1"] = _num(re.search(rf"r\(1\):\s+({_NUM})", text).group(1))


def parse_nist(path: Path) -> NistSet:
    """Certified values and the data block, generically from the file's own text."""
    text = path.read_text()
    lines = text.splitlines()
    start, end = _data_range(lines)
    rows = [line.split() for line in lines[start - 1 : end] if line.strip()]
    s = NistSet(path.stem, _procedure(text), _header(lines, start), rows)
    cert_text = "\n".join(lines[: start - 1])
    {"regression": _regression, "anova": _anova, "univariate": _univariate}[s.procedure](s, cert_text)
    return s


def power_text(value: str, k: int) -> str:
    """The exact decimal text of value**k (no reformatting beyond what the power needs)."""
    return format(Decimal(value) ** k, "f")


def write_csv(path: Path, columns: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def exact_shift(texts: list[str]) -> str | None:
    """A decimal shift when the values are large and nearly equal (what the ingest does, simplified)."""
    values = [Decimal(t) for t in texts if t]
    lo, hi = min(values), max(values)
    if lo == hi or max(abs(lo), abs(hi)) < 1000000 * (hi - lo):
        return None
    return str(lo.to_integral_value(rounding="ROUND_FLOOR"))


def load_csv(path: Path, block_rows: int = 65536, categorical: tuple[str, ...] = ()) -> ArraySource:
    """Private loader for engine tests: exact decimal shift, then float."""
    with path.open() as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    data: dict[str, list] = {}
    shifts: dict[str, str] = {}
    kinds = {}
    for j, name in enumerate(header):
        texts = [r[j] for r in rows]
        if name in categorical:
            data[name] = texts
            kinds[name] = "categorical"
            continue
        shift = exact_shift(texts)
        base = Decimal(shift) if shift else Decimal(0)
        data[name] = [float(Decimal(t) - base) if t else math.nan for t in texts]
        if shift:
            shifts[name] = shift
    return ArraySource(data, kinds=kinds, shifts=shifts, block_rows=block_rows)


def exact_least_squares(
    xs: list[list[Fraction]], ys: list[Fraction]
) -> tuple[list[Fraction], list[Fraction], Fraction]:
    """Reference OLS in exact rational arithmetic: (coefficients, variances, SSE) via the normal equations.

    The normal equations are only bad in floating point; in Fractions they are exact.
    """
    p = len(xs[0])
    a = [[sum((row[i] * row[j] for row in xs), Fraction(0)) for j in range(p)] for i in range(p)]
    b = [sum((row[i] * y for row, y in zip(xs, ys, strict=True)), Fraction(0)) for i in range(p)]
    inv = _inverse(a)
    coef = [sum((inv[i][j] * b[j] for j in range(p)), Fraction(0)) for i in range(p)]
    sse = Fraction(0)
    for row, y in zip(xs, ys, strict=True):
        r = y - sum((c * v for c, v in zip(coef, row, strict=True)), Fraction(0))
        sse += r * r
    s2 = sse / (len(ys) - p)
    return coef, [s2 * inv[i][i] for i in range(p)], sse


def _inverse(a: list[list[Fraction]]) -> list[list[Fraction]]:
    n = len(a)
    m = [row[:] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(a)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if m[r][col] != 0)
        m[col], m[pivot] = m[pivot], m[col]
        inv_p = 1 / m[col][col]
        m[col] = [v * inv_p for v in m[col]]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col]
                m[r] = [v - f * w for v, w in zip(m[r], m[col], strict=True)]
    return [row[n:] for row in m]


def filip_like(n: int = 82, seed: int = 7) -> tuple[list[str], list[str]]:
    """x in [-9, -3] with 10 decimals, y from a degree-10 polynomial like NIST Filip's plus noise (4 decimals)."""
    import random

    rng = random.Random(seed)
    coef = [
        -1467.49,
        -2772.18,
        -2316.37,
        -1127.97,
        -354.478,
        -75.1242,
        -10.8753,
        -1.06221,
        -0.0670191,
        -0.00246781,
        -4.02963e-05,
    ]
    xs, ys = [], []
    for _ in range(n):
        x = Decimal(rng.randint(-90000000000, -30000000000)) / Decimal(10**10)
        y = sum(Decimal(repr(c)) * x**k for k, c in enumerate(coef)) + Decimal(rng.gauss(0, 0.003))
        xs.append(format(x, "f"))
        ys.append(format(y.quantize(Decimal("0.0001")), "f"))
    return xs, ys


def run_cli(tmp: Path, csv_path: Path, *args: str) -> dict:
    """call_command('run_analysis', ...) and the JSON it wrote."""
    import json

    from django.core.management import call_command

    out = tmp / f"{csv_path.stem}-{abs(hash(args))}.json"
    call_command("run_analysis", "--csv", str(csv_path), *args, "--json", str(out))
    return json.loads(out.read_text())


def engine_args(engine: str) -> list[str]:
    """memory: one block; chunked: blocks of 3 rows (many blocks, many TSQR merges)."""
    return ["--engine", "memory"] if engine == "memory" else ["--engine", engine, "--block-rows", "3"]


def regression_lre(s: NistSet, tmp: Path, engine: str, *, poly: bool) -> dict[str, float]:
    """Min LRE over coefficients, over SEs, and residual SD and R² of one regression set through the CLI."""
    args = ["--kind", "ols", "--y", s.columns[0]]
    if poly:
        cols, rows = s.columns, s.rows
        args += ["--poly", f"{s.columns[1]}:{s.degree}"]
    elif s.degree > 1:
        cols = [s.columns[0], s.columns[1]] + [f"{s.columns[1]}{k}" for k in range(2, s.degree + 1)]
        rows = [[r[0], r[1]] + [power_text(r[1], k) for k in range(2, s.degree + 1)] for r in s.rows]
        args += ["--x", *cols[1:]]
    else:
        cols, rows = s.columns, s.rows
        args += ["--x", *cols[1:]]
    if not s.intercept:
        args.append("--no-intercept")
    csv_path = write_csv(tmp / f"{s.name}-{'poly' if poly else 'lin'}.csv", cols, rows)
    res = run_cli(tmp, csv_path, *args, *engine_args(engine))
    coefs = res["coefficients"]
    assert len(coefs) == len(s.coefficients)
    return {
        "coef": min(lre(c["estimate"], e) for c, (e, _) in zip(coefs, s.coefficients, strict=True)),
        "se": min(lre(c["std_error"], sd) for c, (_, sd) in zip(coefs, s.coefficients, strict=True)),
        "residual_sd": lre(res["residual_std_error"], s.certified["residual_sd"]),
        "r_squared": lre(res["r_squared"], s.certified["r_squared"]),
    }


def anova_lre(
    name: str, columns: list[str], rows: list[list[str]], cert: dict[str, float], tmp: Path, engine: str
) -> dict[str, float]:
    csv_path = write_csv(tmp / f"{name}.csv", columns, rows)
    res = run_cli(tmp, csv_path, "--kind", "anova", "--y", columns[1], "--factor", columns[0], *engine_args(engine))
    return {
        "f": lre(res["between"]["f"], cert["f"]),
        "between_ss": lre(res["between"]["ss"], cert["between_ss"]),
        "within_ss": lre(res["within"]["ss"], cert["within_ss"]),
        "r_squared": lre(res["r_squared"], cert["r_squared"]),
        "residual_sd": lre(res["residual_std_error"], cert["residual_sd"]),
    }


def univariate_lre(name: str, values: list[str], cert: dict[str, float], tmp: Path, engine: str) -> dict[str, float]:
    csv_path = write_csv(tmp / f"{name}.csv", ["y"], [[v] for v in values])
    res = run_cli(tmp, csv_path, "--kind", "describe", "--y", "y", *engine_args(engine))
    col = res["columns"]["y"]
    return {k: lre(col[k], cert[k]) for k in ("mean", "std", "autocorr_lag1")}


def nist_lre(s: NistSet, tmp: Path, engine: str) -> dict[str, dict[str, float]]:
    """Every measured LRE of one NIST set through the CLI with one engine."""
    if s.procedure == "regression":
        out = {"linear": regression_lre(s, tmp, engine, poly=False)}
        if s.degree > 1:
            out["poly"] = regression_lre(s, tmp, engine, poly=True)
        return out
    if s.procedure == "anova":
        return {"anova": anova_lre(s.name, s.columns, s.rows, s.certified, tmp, engine)}
    return {"univariate": univariate_lre(s.name, [r[0] for r in s.rows], s.certified, tmp, engine)}


def exact_anova(rows: list[list[str]]) -> dict[str, float]:
    """Certified-style one-way ANOVA values computed exactly (Fractions) from decimal text."""
    groups: dict[str, list[Fraction]] = {}
    for g, v in rows:
        groups.setdefault(g, []).append(Fraction(v))
    n = sum(len(v) for v in groups.values())
    grand = sum((sum(v) for v in groups.values()), Fraction(0)) / n
    means = {g: sum(v) / len(v) for g, v in groups.items()}
    within = sum((sum(((x - means[g]) ** 2 for x in v), Fraction(0)) for g, v in groups.items()), Fraction(0))
    between = sum((len(v) * (means[g] - grand) ** 2 for g, v in groups.items()), Fraction(0))
    k = len(groups)
    ms_w = within / (n - k)
    return {
        "f": float(between / (k - 1) / ms_w),
        "between_ss": float(between),
        "within_ss": float(within),
        "r_squared": float(between / (between + within)),
        "residual_sd": math.sqrt(ms_w),
    }


def exact_univariate(values: list[str]) -> dict[str, float]:
    xs = [Fraction(v) for v in values]
    n = len(xs)
    mean = sum(xs, Fraction(0)) / n
    d = [x - mean for x in xs]
    ss = sum((v * v for v in d), Fraction(0))
    lag = sum((a * b for a, b in itertools.pairwise(d)), Fraction(0))
    std = (Decimal(ss.numerator) / Decimal(ss.denominator) / (n - 1)).sqrt()
    return {"mean": float(mean), "std": float(std), "autocorr_lag1": float(lag / ss)}
