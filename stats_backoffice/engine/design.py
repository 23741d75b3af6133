"""From parameters and column metadata to a design matrix, block by block, and back to people's terms.

The design is evaluated on *centred and scaled* columns because that is where Householder QR keeps the
most digits (a column like x^10 with x in [-9, -3] is numerically almost a multiple of x^8; the same
power of z = (x - c) / s with z in [-1, 1] is not). Every design column is a product of factors
``((x - o) / s) ** k`` (or a 0/1 indicator) with ``o`` and ``s`` exact rationals, so the fitted
coefficients map back to the monomial basis the user asked for (const, x, x^2, a:b, g[T.level]) by an
exact binomial expansion in ``fractions.Fraction``, rounded once at the end. A column is centred only
when the expansion stays inside the model's terms (centring x needs an intercept; centring a and b in
a:b needs a and b in the model); otherwise it is used as is.

``shift`` (ColumnMeta.shift, an exact decimal subtracted at parse time) is folded into ``o`` exactly,
so results are in the original units even for values like 1000000000000.4.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .errors import AnalysisError
from .source import Block, ColumnMeta, Source

Item = tuple[str, int, str]  # (column, power, level or "")
Monomial = tuple[Item, ...]
MAX_DEGREE = 10


def fraction(value: str | float | None) -> Fraction:
    """Exact rational of a decimal string or a float (None: 0)."""
    if value is None:
        return Fraction(0)
    return Fraction(value)


def unshift(value: float | None, shift: str | None) -> float | None:
    """value + shift in exact arithmetic, rounded once (results back in the original units)."""
    if value is None or not math.isfinite(value) or not shift:
        return value
    return float(Fraction(value) + Fraction(shift))


def not_missing(values: np.ndarray) -> np.ndarray:
    """True where a value is present (NaN / None / NaT are missing)."""
    if values.dtype.kind == "f":
        return np.asarray(~np.isnan(values))
    if values.dtype.kind == "M":
        return np.asarray(~np.isnat(values))
    return np.fromiter((v is not None for v in values), dtype=bool, count=len(values))


# ---------------------------------------------------------------- scan pass (counts, means, ranges)


@dataclass
class VarStats:
    """Streaming n, mean, M2 (Chan et al.'s pairwise update: no cancellation), min, max."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0
    lo: float = math.inf
    hi: float = -math.inf

    @staticmethod
    def of(values: np.ndarray) -> VarStats:
        if values.size == 0:
            return VarStats()
        mean = float(values.mean())
        mean += float((values - mean).mean())
        d = values - mean
        return VarStats(int(values.size), mean, float(d @ d), float(values.min()), float(values.max()))

    @staticmethod
    def quick(values: np.ndarray) -> VarStats:
        """n, mean, min, max without M2 (a centring hint and the constant-column check need no more)."""
        if values.size == 0:
            return VarStats()
        return VarStats(
            int(values.size), float(values.sum()) / values.size, 0.0, float(values.min()), float(values.max())
        )

    def merge(self, other: VarStats) -> VarStats:
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        d = other.mean - self.mean
        mean = self.mean + d * other.n / n
        m2 = self.m2 + other.m2 + d * d * self.n * other.n / n
        return VarStats(n, mean, m2, min(self.lo, other.lo), max(self.hi, other.hi))


@dataclass
class ScanPart:
    """What one pass over the used columns learns, per block, mergeable in row order."""

    rows: int = 0
    complete: int = 0
    present: dict[str, int] = field(default_factory=dict)
    numeric: dict[str, VarStats] = field(default_factory=dict)
    levels: dict[str, dict[str, int]] = field(default_factory=dict)
    by_class: dict[str, dict[str, VarStats]] = field(default_factory=dict)  # class -> var -> stats
    class_levels: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)

    def merge(self, other: ScanPart) -> ScanPart:
        out = ScanPart(self.rows + other.rows, self.complete + other.complete)
        out.present = _add_counts(self.present, other.present)
        out.numeric = _merge_stats(self.numeric, other.numeric)
        out.levels = {
            k: _add_counts(self.levels.get(k, {}), other.levels.get(k, {})) for k in self.levels | other.levels
        }
        out.by_class = {
            k: _merge_stats(self.by_class.get(k, {}), other.by_class.get(k, {})) for k in self.by_class | other.by_class
        }
        out.class_levels = {
            k: {
                v: _add_counts(self.class_levels.get(k, {}).get(v, {}), other.class_levels.get(k, {}).get(v, {}))
                for v in self.class_levels.get(k, {}) | other.class_levels.get(k, {})
            }
            for k in self.class_levels | other.class_levels
        }
        return out


def _add_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in a | b}


def _merge_stats(a: dict[str, VarStats], b: dict[str, VarStats]) -> dict[str, VarStats]:
    return {k: a.get(k, VarStats()).merge(b.get(k, VarStats())) for k in a | b}


def _level_counts(values: np.ndarray) -> dict[str, int]:
    if values.size == 0:
        return {}
    keys, counts = np.unique(values.astype(str), return_counts=True)
    return {str(k): int(c) for k, c in zip(keys, counts, strict=True)}


@dataclass(frozen=True)
class ScanSpec:
    """Which columns to scan; ``by`` (logit) splits stats by response class."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]
    by: str | None = None

    def __call__(self, block: Block) -> ScanPart:
        names = self.numeric + self.categorical
        rows = len(block[names[0]]) if names else 0
        masks = {name: not_missing(block[name]) for name in names}
        mask = np.ones(rows, dtype=bool)
        for m in masks.values():
            mask &= m
        part = ScanPart(rows=rows, complete=int(mask.sum()))
        part.present = {name: int(m.sum()) for name, m in masks.items()}
        full = bool(mask.all())
        part.numeric = {name: VarStats.quick(block[name] if full else block[name][mask]) for name in self.numeric}
        part.levels = {name: _level_counts(block[name][mask]) for name in self.categorical}
        if self.by is not None:
            self._by_class(block, mask, part)
        return part

    def _by_class(self, block: Block, mask: np.ndarray, part: ScanPart) -> None:
        assert self.by is not None
        keys = class_keys(block[self.by][mask])
        for key in np.unique(keys) if keys.size else []:
            sel = keys == key
            part.by_class[str(key)] = {n: VarStats.quick(block[n][mask][sel]) for n in self.numeric if n != self.by}
            part.class_levels[str(key)] = {
                n: _level_counts(block[n][mask][sel]) for n in self.categorical if n != self.by
            }


def class_keys(values: np.ndarray) -> np.ndarray:
    """Response classes as strings ("0"/"1" for a numeric response, "other" for anything else)."""
    if values.dtype.kind == "f":
        return np.where(values == 1.0, "1", np.where(values == 0.0, "0", "other"))
    return np.asarray(values.astype(str))


def merge_scan(a: ScanPart, b: ScanPart) -> ScanPart:
    return a.merge(b)


def scan_from_metadata(source: Source, spec: ScanSpec) -> ScanPart | None:
    """The scan pass's result read off the ingest's column summaries, when they decide it exactly.

    That is when every used column is numeric and has a value in every row (the ingest counted ``count``, ``lo``
    and ``hi`` of each column while writing it): then every row is complete and the counts, ranges and a mean
    (only a centring hint) are known without reading the data. Otherwise (a missing value, a categorical
    column, a split by class, a source without summaries) ``None``: the caller scans.
    """
    if spec.categorical or spec.by is not None or not spec.numeric:
        return None
    rows = source.n_rows
    numeric: dict[str, VarStats] = {}
    for name in spec.numeric:
        meta = source.column(name)
        extra = meta.extra or {}
        if meta.kind != "numeric" or extra.get("count") != rows or "lo" not in extra or "hi" not in extra:
            return None
        lo, hi = float(extra["lo"]), float(extra["hi"])
        mean = meta.mean if meta.mean is not None and math.isfinite(meta.mean) else (lo + hi) / 2
        numeric[name] = VarStats(rows, min(max(float(mean), lo), hi), 0.0, lo, hi)
    part = ScanPart(rows=rows, complete=rows)
    part.present = dict.fromkeys(spec.numeric, rows)
    part.numeric = numeric
    return part


# ---------------------------------------------------------------- model terms and the design


@dataclass(frozen=True)
class Factor:
    """((x_shifted - centre) / scale) ** power, or an indicator of ``level``; ``offset`` = centre in original units."""

    var: str
    power: int = 1
    level: str | None = None
    centre: float = 0.0
    scale: float = 1.0
    offset: Fraction = Fraction(0)


@dataclass(frozen=True)
class Column:
    name: str
    monomial: Monomial
    factors: tuple[Factor, ...]


@dataclass
class Design:
    """The model: response, design columns (in the fitted basis) and their exact map to output terms."""

    y: str
    intercept: bool
    columns: list[Column]
    used: list[str]
    metas: dict[str, ColumnMeta]
    y_centre: float = 0.0
    y_offset: Fraction = Fraction(0)
    y_float_shift: float = 0.0
    event: str | None = None
    n: int = 0
    dropped: int = 0
    notes: list[str] = field(default_factory=list)
    scan: Any = None  # the ScanPart the design was built from

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def p(self) -> int:
        return len(self.columns)

    def constant_names(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns if not c.factors)

    def predictor_vars(self) -> list[str]:
        return [v for v in self.used if v != self.y]


def lookup(source: Source, name: str) -> ColumnMeta:
    """The column's metadata; unknown names become an AnalysisError naming them."""
    try:
        return source.column(name)
    except KeyError:
        known = ", ".join(m.name for m in source.columns[:20])
        raise AnalysisError(f"Unknown column {name!r}. The table has: {known}.") from None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def parse_poly(raw: Any) -> dict[str, int]:
    """{"x": 3} -> degree per column; degree must be an integer 1..10."""
    out: dict[str, int] = {}
    for name, degree in dict(raw or {}).items():
        try:
            deg = int(degree)
        except (TypeError, ValueError):
            raise AnalysisError(f"The polynomial degree of {name} must be a whole number, not {degree!r}.") from None
        if not 1 <= deg <= MAX_DEGREE:
            raise AnalysisError(f"The polynomial degree of {name} must be between 1 and {MAX_DEGREE} (got {deg}).")
        out[str(name)] = deg
    return out


def parse_interactions(raw: Any) -> list[tuple[str, str]]:
    out = []
    for pair in raw or []:
        items = pair.split(":") if isinstance(pair, str) else list(pair)
        if len(items) != 2 or items[0] == items[1]:
            raise AnalysisError(f"An interaction needs two different columns, got {pair!r}.")
        out.append((str(items[0]), str(items[1])))
    return out


@dataclass
class Plan:
    """The parsed request: which columns in which role."""

    y: str
    x: list[str]
    poly: dict[str, int]
    interactions: list[tuple[str, str]]
    reference: dict[str, str]
    intercept: bool

    @staticmethod
    def of(params: Mapping[str, Any]) -> Plan:
        if not params.get("y"):
            raise AnalysisError("Choose a response column (y).")
        poly = parse_poly(params.get("poly"))
        x = _as_list(params.get("x"))
        return Plan(
            y=str(params["y"]),
            x=list(dict.fromkeys(x)),
            poly=poly,
            interactions=parse_interactions(params.get("interactions")),
            reference={str(k): str(v) for k, v in dict(params.get("reference") or {}).items()},
            intercept=bool(params.get("intercept", True)),
        )

    def predictors(self) -> list[str]:
        names = list(self.x) + [c for c in self.poly if c not in self.x]
        for a, b in self.interactions:
            names += [a, b]
        return list(dict.fromkeys(names))


def check_columns(source: Source, plan: Plan, *, response_kinds: Sequence[str]) -> dict[str, ColumnMeta]:
    """Every named column exists and has a usable kind."""
    metas = {name: lookup(source, name) for name in [plan.y, *plan.predictors()]}
    y_meta = metas[plan.y]
    if y_meta.kind not in response_kinds:
        raise AnalysisError(f"The response {plan.y} is {y_meta.kind}, not numeric: choose a numeric column.")
    if plan.y in plan.predictors():
        raise AnalysisError(f"{plan.y} is the response; it cannot also be a predictor.")
    for name in plan.predictors():
        kind = metas[name].kind
        if kind not in ("numeric", "categorical"):
            raise AnalysisError(f"{name} is a {kind} column; use a numeric or categorical predictor.")
        if kind == "categorical" and name in plan.poly:
            raise AnalysisError(f"{name} is categorical; a polynomial term needs a numeric column.")
    if not plan.predictors() and not plan.intercept:
        raise AnalysisError("The model has no terms: add a predictor or keep the intercept.")
    return metas


def check_scan(scan: ScanPart, plan: Plan, metas: Mapping[str, ColumnMeta]) -> None:
    """Degenerate data get a sentence, not a traceback."""
    for name in [plan.y, *plan.predictors()]:
        if scan.present.get(name, 0) == 0:
            raise AnalysisError(f"Column {name} has no values (every row is missing).")
    used = ", ".join([plan.y, *plan.predictors()])
    if scan.complete == 0:
        raise AnalysisError(f"No rows left after dropping rows with a missing value in {used}.")
    if scan.complete == 1:
        raise AnalysisError("Only one row has values in every column used; a model needs more rows.")
    for name in plan.predictors():
        stats = scan.numeric.get(name)
        if stats is not None and stats.lo == stats.hi and plan.intercept:
            value = unshift(stats.lo, metas[name].shift)
            raise AnalysisError(
                f"{name} is constant (every row used has {name} = {value:g}), so its effect cannot be separated "
                "from the intercept; remove it."
            )
        levels = scan.levels.get(name)
        if levels is not None and len(levels) < 2:
            raise AnalysisError(f"{name} has a single level on the rows used; a categorical predictor needs two.")


def short_centre(value: float, bits: int = 24) -> float:
    """A centre with few significant bits: x - c is then exact for more data (integers, short decimals)."""
    if not math.isfinite(value) or value == 0:
        return 0.0
    m, e = math.frexp(value)
    return math.ldexp(round(m * 2**bits), e - bits)


def _pow2_scale(stats: VarStats) -> float:
    half = (stats.hi - stats.lo) / 2
    return float(2.0 ** round(math.log2(half))) if half > 0 else 1.0


def _levels(name: str, scan: ScanPart, metas: Mapping[str, ColumnMeta], reference: Mapping[str, str]) -> list[str]:
    """Levels that occur on the used rows (metadata order), reference level first."""
    present = scan.levels.get(name, {})
    order = [lv for lv in (metas[name].levels or []) if lv in present] + sorted(
        lv for lv in present if lv not in (metas[name].levels or [])
    )
    ref = reference.get(name, order[0])
    if ref not in present:
        raise AnalysisError(f"The reference level {ref!r} of {name} does not occur in the rows used.")
    return [ref] + [lv for lv in order if lv != ref]


@dataclass
class _TermBuilder:
    plan: Plan
    scan: ScanPart
    metas: Mapping[str, ColumnMeta]
    columns: list[Column] = field(default_factory=list)

    def factor(self, var: str, *, poly: bool) -> Factor:
        stats = self.scan.numeric[var]
        if poly:
            return Factor(var, centre=short_centre((stats.lo + stats.hi) / 2), scale=_pow2_scale(stats))
        return Factor(var, centre=short_centre(stats.mean))

    def indicators(self, var: str) -> list[tuple[str, Factor]]:
        levels = _levels(var, self.scan, self.metas, self.plan.reference)
        return [(f"{var}[T.{lv}]", Factor(var, level=lv)) for lv in levels[1:]]

    def add(self, name: str, *factors: Factor) -> None:
        self.columns.append(Column(name, _monomial(factors), tuple(factors)))

    def main_effect(self, var: str) -> None:
        if var in self.plan.poly:
            base = self.factor(var, poly=True)
            for k in range(1, self.plan.poly[var] + 1):
                self.add(var if k == 1 else f"{var}^{k}", Factor(var, k, None, base.centre, base.scale))
        elif self.metas[var].kind == "categorical":
            for name, f in self.indicators(var):
                self.add(name, f)
        else:
            self.add(var, self.factor(var, poly=False))

    def parts(self, var: str) -> list[tuple[str, Factor]]:
        if self.metas[var].kind == "categorical":
            return self.indicators(var)
        return [(var, self.factor(var, poly=False))]

    def interaction(self, a: str, b: str) -> None:
        for name_a, fa in self.parts(a):
            for name_b, fb in self.parts(b):
                self.add(f"{name_a}:{name_b}", fa, fb)


def _monomial(factors: Sequence[Factor]) -> Monomial:
    items = [(f.var, f.power, f.level or "") for f in factors]
    return tuple(sorted(items))


def _expand_factor(f: Factor) -> dict[Monomial, Fraction]:
    if f.level is not None:
        return {((f.var, 1, f.level),): Fraction(1)}
    s = Fraction(f.scale) ** f.power
    out: dict[Monomial, Fraction] = {}
    for i in range(f.power + 1):
        coef = math.comb(f.power, i) * (-f.offset) ** (f.power - i) / s
        if coef:
            out[((f.var, i, ""),) if i else ()] = coef
    return out


def _mul(a: Monomial, b: Monomial) -> Monomial:
    powers: dict[tuple[str, str], int] = {}
    for var, power, level in a + b:
        powers[(var, level)] = powers.get((var, level), 0) + power
    return tuple(sorted((var, power, level) for (var, level), power in powers.items()))


def expand(column: Column) -> dict[Monomial, Fraction]:
    """The column as an exact polynomial in the original variables."""
    out: dict[Monomial, Fraction] = {(): Fraction(1)}
    for f in column.factors:
        nxt: dict[Monomial, Fraction] = {}
        for ma, ca in out.items():
            for mb, cb in _expand_factor(f).items():
                key = _mul(ma, mb)
                nxt[key] = nxt.get(key, Fraction(0)) + ca * cb
        out = nxt
    return out


def _finalise(column: Column, metas: Mapping[str, ColumnMeta], allowed: set[Monomial], intercept: bool) -> Column:
    """Centre the column's numeric factors if the exact expansion stays within the model's terms."""
    centred = tuple(
        f
        if f.level is not None
        else Factor(f.var, f.power, None, f.centre, f.scale, fraction(f.centre) + fraction(metas[f.var].shift))
        for f in column.factors
    )
    candidate = Column(column.name, column.monomial, centred)
    if intercept and set(expand(candidate)) <= allowed:
        return candidate
    plain = tuple(
        f if f.level is not None else Factor(f.var, f.power, None, -float(fraction(metas[f.var].shift)), f.scale)
        for f in column.factors
    )
    return Column(column.name, column.monomial, plain)


def build_design(plan: Plan, scan: ScanPart, metas: Mapping[str, ColumnMeta]) -> Design:
    """Terms in order: const, x terms (poly in place), poly-only columns, interactions."""
    builder = _TermBuilder(plan, scan, metas)
    if plan.intercept:
        builder.add("const")
    for var in plan.x:
        builder.main_effect(var)
    for var in plan.poly:
        if var not in plan.x:
            builder.main_effect(var)
    for a, b in plan.interactions:
        builder.interaction(a, b)
    names = [c.name for c in builder.columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AnalysisError(f"The term {duplicates[0]} appears twice in the model; list it once.")
    allowed = {c.monomial for c in builder.columns}
    columns = [_finalise(c, metas, allowed, plan.intercept) for c in builder.columns]
    design = Design(
        y=plan.y, intercept=plan.intercept, columns=columns, used=[plan.y, *plan.predictors()], metas=dict(metas)
    )
    design.n = scan.complete
    design.dropped = scan.rows - scan.complete
    return design


def set_numeric_response(design: Design) -> None:
    """y's exact shift is added back to the intercept; y is not centred (the const column does that inside
    the QR, and y - mean would round every value that the data could otherwise fit exactly)."""
    shift = design.metas[design.y].shift
    if design.intercept:
        design.y_centre = 0.0
        design.y_offset = fraction(shift)
    else:
        design.y_float_shift = float(fraction(shift))


# ---------------------------------------------------------------- evaluating a block


def row_mask(design: Design, block: Block) -> np.ndarray:
    names = design.used
    mask = np.ones(len(block[names[0]]), dtype=bool)
    for name in names:
        mask &= not_missing(block[name])
    return mask


def _factor_values(f: Factor, block: Block, mask: np.ndarray | None, cache: dict[Any, np.ndarray]) -> np.ndarray:
    values = block[f.var] if mask is None else block[f.var][mask]
    if f.level is not None:
        return np.asarray(values == f.level, dtype=np.float64)
    key = (f.var, f.centre, f.scale)
    if key not in cache:
        z = values - f.centre
        cache[key] = z / f.scale if f.scale != 1.0 else z
    z = cache[key]
    return z if f.power == 1 else np.asarray(z**f.power)


def design_matrix(design: Design, block: Block, mask: np.ndarray, extra: int = 0) -> np.ndarray:
    """The block's rows (complete ones) in the fitted basis, Fortran order for LAPACK; ``extra`` spare columns."""
    m = int(mask.sum())
    x = np.empty((m, design.p + extra), order="F")
    cache: dict[Any, np.ndarray] = {}
    sel: np.ndarray | None = None if m == len(mask) else mask  # no copy when every row is complete
    for j, column in enumerate(design.columns):
        factors = column.factors
        if not factors:
            x[:, j] = 1.0
        elif len(factors) == 1 and factors[0].level is None and factors[0].power == 1 and factors[0].scale == 1.0:
            values = block[factors[0].var] if sel is None else block[factors[0].var][sel]
            np.subtract(values, factors[0].centre, out=x[:, j])
        else:
            values = _factor_values(factors[0], block, sel, cache)
            for f in factors[1:]:
                values = values * _factor_values(f, block, sel, cache)
            x[:, j] = values
    return x


def response(design: Design, block: Block, mask: np.ndarray) -> np.ndarray:
    """y in the fitted basis: centred numeric, or the 0/1 event indicator (logit)."""
    values = block[design.y][mask]
    if design.event is not None:
        if values.dtype.kind == "f":
            return np.asarray(values == float(design.event), dtype=np.float64)
        return np.asarray(values == design.event, dtype=np.float64)
    if design.intercept:
        return np.asarray(values - design.y_centre)
    return np.asarray(values + design.y_float_shift) if design.y_float_shift else np.asarray(values, dtype=np.float64)


# ---------------------------------------------------------------- mapping back, exactly


@dataclass
class Mapping_:
    """Output term i = sum_j T[i][j] * fitted coefficient j (+ offset on const), in Fractions."""

    names: list[str]
    rows: list[dict[int, Fraction]]
    const_index: int | None


def transform(design: Design) -> Mapping_:
    index = {c.monomial: i for i, c in enumerate(design.columns)}
    rows: list[dict[int, Fraction]] = [{} for _ in design.columns]
    for j, column in enumerate(design.columns):
        for mono, coef in expand(column).items():
            rows[index[mono]][j] = rows[index[mono]].get(j, Fraction(0)) + coef
    const = index.get(())
    return Mapping_([c.name for c in design.columns], rows, const)


def map_coefficients(mapping: Mapping_, beta: np.ndarray, y_offset: Fraction) -> list[float]:
    exact = [Fraction(float(b)) for b in beta]
    out = []
    for i, row in enumerate(mapping.rows):
        value = sum((c * exact[j] for j, c in row.items()), Fraction(0))
        if i == mapping.const_index:
            value += y_offset
        out.append(float(value))
    return out


def map_variances(mapping: Mapping_, cov: np.ndarray) -> list[float]:
    """diag(T Cov T') exactly (T is sparse: most rows have one entry)."""
    out = []
    for row in mapping.rows:
        items = list(row.items())
        if len(items) == 1 and items[0][1] == 1:
            out.append(float(cov[items[0][0], items[0][0]]))
            continue
        total = Fraction(0)
        for j, cj in items:
            for k, ck in items:
                total += cj * ck * Fraction(float(cov[j, k]))
        out.append(float(total))
    return out
