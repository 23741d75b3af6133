"""Reads of the scorecard: the grid of metrics × quarters, results of one quarter, export rows.

Everything starts from the member's scope (``visible_to``), evaluates results with
``dashboards.rules`` against the definitions that governed each quarter (see
``services.governing_version``) and runs a fixed number of queries whatever the data size:
``scorecard_grid`` runs five.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from core import quarters as q
from core.models import Membership
from dashboards import rules
from dashboards.models import Metric, QuarterlyResult, Scorecard, ScorecardVersion, VersionStatus
from dashboards.services import governing_version
from partnering.models import Relationship

ZONE_LABELS: dict[str | None, str] = {
    rules.GREEN: "Green",
    rules.YELLOW: "Yellow",
    rules.RED: "Red",
    rules.DISPUTED: "Disputed",
    None: "No data",
}
#: A symbol next to each zone's text, so colour is never the only signal.
ZONE_ICONS: dict[str | None, str] = {
    rules.GREEN: "✓",
    rules.YELLOW: "!",
    rules.RED: "✕",
    rules.DISPUTED: "≠",
    None: "–",
}
TREND_ARROWS: dict[str | None, tuple[str, str]] = {
    "up": ("↑", "better than the quarter before"),
    "down": ("↓", "worse than the quarter before"),
    "flat": ("→", "same as the quarter before"),
    None: ("", ""),
}


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def number(value: Decimal | None) -> str:
    """A figure as people write it: no trailing zeros, thousands separated ("50,000", "97.5")."""
    if value is None:
        return ""
    normal = value.normalize()
    if normal == normal.to_integral():
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}"


def yellow_threshold(metric: Metric) -> Decimal | None:
    """The edge between yellow and red (None without a yellow band), as ``rules.zone`` computes it."""
    if not metric.yellow_band_pct:
        return None
    margin = abs(metric.goal) * metric.yellow_band_pct / Decimal(100)
    return metric.goal - margin if metric.direction == rules.HIGHER else metric.goal + margin


@dataclass
class Cell:
    """One metric in one quarter, evaluated against the definition that governed that quarter."""

    quarter: str
    metric: Metric | None  # None: the metric was not on the scorecard then
    result: QuarterlyResult | None = None
    value: Decimal | None = None
    zone: str | None = None
    discrepancy: bool = False
    supplier_zone: str | None = None
    customer_zone: str | None = None
    trend: str | None = None

    @property
    def defined(self) -> bool:
        return self.metric is not None

    @property
    def supplier_value(self) -> Decimal | None:
        return self.result.supplier_value if self.result else None

    @property
    def customer_value(self) -> Decimal | None:
        return self.result.customer_value if self.result else None

    @property
    def agreed_value(self) -> Decimal | None:
        return self.result.agreed_value if self.result else None

    @property
    def row_version(self) -> int:
        return self.result.row_version if self.result else 0

    @property
    def value_text(self) -> str:
        return number(self.value)

    @property
    def supplier_text(self) -> str:
        return number(self.supplier_value)

    @property
    def customer_text(self) -> str:
        return number(self.customer_value)

    @property
    def agreed_text(self) -> str:
        return number(self.agreed_value)

    @property
    def zone_label(self) -> str:
        return ZONE_LABELS[self.zone]

    @property
    def zone_icon(self) -> str:
        return ZONE_ICONS[self.zone]

    @property
    def trend_arrow(self) -> str:
        return TREND_ARROWS[self.trend][0]

    @property
    def trend_label(self) -> str:
        return TREND_ARROWS[self.trend][1]


@dataclass
class MetricRow:
    """A metric's line on the scorecard: a cell per quarter, the newest definition, its chart."""

    key: str
    metric: Metric
    on_scorecard: bool
    cells: list[Cell]
    current: Cell
    previous: Cell
    chart: dict[str, Any] = field(default_factory=dict)

    @property
    def trend(self) -> str | None:
        return self.current.trend

    @property
    def has_figures(self) -> bool:
        return any(c.value is not None or c.discrepancy for c in self.cells)

    @property
    def goal_text(self) -> str:
        return number(self.metric.goal)

    @property
    def yellow_text(self) -> str:
        return number(yellow_threshold(self.metric))


@dataclass
class Discrepancy:
    """Both firms' figures differ by more than the tolerance and no agreed value is recorded yet."""

    quarter: str
    metric: Metric
    result: QuarterlyResult

    @property
    def difference(self) -> Decimal:
        assert self.result.supplier_value is not None and self.result.customer_value is not None
        return abs(self.result.supplier_value - self.result.customer_value)

    @property
    def texts(self) -> dict[str, str]:
        return {
            "supplier": number(self.result.supplier_value),
            "customer": number(self.result.customer_value),
            "difference": number(self.difference),
            "tolerance": number(self.metric.tolerance),
        }


@dataclass
class Spotlight:
    """A metric out of the Green Zone in the reporting quarter; ``fell_out`` if it was green before."""

    row: MetricRow
    zone: str
    previous_zone: str | None

    @property
    def fell_out(self) -> bool:
        return self.previous_zone == rules.GREEN


@dataclass
class ScorecardGrid:
    relationship: Relationship
    scorecard: Scorecard | None
    quarters: list[str] = field(default_factory=list)
    reporting_quarter: str = ""
    versions: list[ScorecardVersion] = field(default_factory=list)  # newest first
    rows: list[MetricRow] = field(default_factory=list)
    spotlight: list[Spotlight] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    zone_counts: dict[str, int] = field(default_factory=dict)

    @property
    def latest_version(self) -> ScorecardVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def governing(self) -> ScorecardVersion | None:
        if self.scorecard is None or not self.versions:
            return None
        return governing_version(self.scorecard, self.reporting_quarter, versions=self.versions)


# --- Building blocks --------------------------------------------------------------------------


def scorecard_for(*, membership: Membership, relationship: Relationship) -> Scorecard | None:
    """The relationship's scorecard as the member may see it (None if it has none, or is hidden)."""
    return Scorecard.objects.visible_to(membership).filter(relationship=relationship).first()  # type: ignore[attr-defined, no-any-return]


def versions_of(*, membership: Membership, scorecard: Scorecard) -> list[ScorecardVersion]:
    """All versions, newest first, with the people who signed them (one query)."""
    return list(
        ScorecardVersion.objects.visible_to(membership)  # type: ignore[attr-defined]
        .filter(scorecard=scorecard)
        .select_related("supplier_agreed_by__user", "customer_agreed_by__user", "created_by__user")
        .order_by("-number")
    )


def metrics_by_version(*, membership: Membership, scorecard: Scorecard) -> dict[Any, list[Metric]]:
    """Every version's metrics in their order (one query), keyed by version id."""
    out: dict[Any, list[Metric]] = {}
    for metric in (
        Metric.objects.visible_to(membership)
        .filter(version__scorecard=scorecard)
        .order_by(  # type: ignore[attr-defined]
            "position", "name"
        )
    ):
        out.setdefault(metric.version_id, []).append(metric)
    return out


def definitions_resolver(
    scorecard: Scorecard, versions: list[ScorecardVersion], metrics: dict[Any, list[Metric]]
) -> Callable[[str], dict[str, Metric]]:
    """``resolve(quarter)`` → {metric key: the definition governing that quarter}, cached."""
    cache: dict[Any, dict[str, Metric]] = {}

    def resolve(quarter: str) -> dict[str, Metric]:
        version = governing_version(scorecard, quarter, versions=versions)
        if version is None:
            return {}
        if version.pk not in cache:
            cache[version.pk] = {m.key: m for m in metrics.get(version.pk, [])}
        return cache[version.pk]

    return resolve


def evaluate_cell(quarter: str, metric: Metric | None, result: QuarterlyResult | None) -> Cell:
    cell = Cell(quarter=quarter, metric=metric, result=result)
    if metric is not None and result is not None:
        evaluation = rules.evaluate(result.supplier_value, result.customer_value, result.agreed_value, metric.rule())
        cell.value = evaluation.value
        cell.zone = evaluation.zone
        cell.discrepancy = evaluation.discrepancy
        cell.supplier_zone = evaluation.supplier_zone
        cell.customer_zone = evaluation.customer_zone
    return cell


def _chart(row_key: str, metric: Metric, cells: list[Cell]) -> dict[str, Any]:
    """JSON-ready series for Chart.js: values, goal and yellow edge per quarter (definitions may change)."""
    return {
        "key": row_key,
        "name": metric.name,
        "unit": metric.unit,
        "direction": metric.direction,
        "quarters": [c.quarter for c in cells],
        "values": [_num(c.value) for c in cells],
        "zones": [c.zone for c in cells],
        "goal": [_num(c.metric.goal) if c.metric else None for c in cells],
        "yellow": [_num(yellow_threshold(c.metric)) if c.metric else None for c in cells],
    }


# --- The scorecard page -----------------------------------------------------------------------


def scorecard_grid(
    *, membership: Membership, relationship: Relationship, quarters: int = 8, ending: str | None = None
) -> ScorecardGrid:
    """The scorecard page's data in five queries whatever the number of results or versions.

    Rows: every metric governing the window's last quarter, plus metrics removed since that still
    have results in the window; a cell per quarter (oldest first, ending with ``ending`` or the
    current quarter) evaluated with that quarter's definitions, with the trend against the quarter
    before. The *reporting quarter* is the newest quarter of the window with any figure (results
    arrive after a quarter ends); the spotlight lists metrics yellow or red there, those that fell
    out of the Green Zone since the quarter before first. Open discrepancies cover all quarters.
    """
    grid = ScorecardGrid(
        relationship=relationship, scorecard=scorecard_for(membership=membership, relationship=relationship)
    )
    window = q.last(max(1, min(quarters, 40)), ending=ending)
    grid.quarters = window
    grid.reporting_quarter = window[-1]
    scorecard = grid.scorecard
    if scorecard is None:
        return grid
    grid.versions = versions_of(membership=membership, scorecard=scorecard)
    metrics = metrics_by_version(membership=membership, scorecard=scorecard)
    resolve = definitions_resolver(scorecard, grid.versions, metrics)
    before = q.shift(window[0], -1)
    results: dict[tuple[str, str], QuarterlyResult] = {
        (r.metric_key, r.quarter): r
        for r in QuarterlyResult.objects.visible_to(membership).filter(  # type: ignore[attr-defined]
            scorecard=scorecard, quarter__gte=before, quarter__lte=window[-1]
        )
    }
    with_figures = {quarter for (_, quarter), r in results.items() if _has_figure(r) and quarter != before}
    grid.reporting_quarter = max(with_figures) if with_figures else window[-1]

    # Row order: the definitions governing the window's last quarter, then removed metrics with results.
    current_defs = resolve(window[-1])
    keys = list(current_defs)
    for quarter in window:
        for key in resolve(quarter):
            if key not in keys and any((key, qq) in results for qq in window):
                keys.append(key)

    for key in keys:
        cells: list[Cell] = []
        previous = evaluate_cell(before, resolve(before).get(key), results.get((key, before)))
        for quarter in window:
            cell = evaluate_cell(quarter, resolve(quarter).get(key), results.get((key, quarter)))
            if cell.metric is not None:
                cell.trend = rules.trend(previous.value, cell.value, cell.metric.direction)
            cells.append(cell)
            previous = cell
        metric = current_defs.get(key) or next(c.metric for c in reversed(cells) if c.metric is not None)
        index = window.index(grid.reporting_quarter)
        row = MetricRow(
            key=key,
            metric=metric,
            on_scorecard=key in current_defs,
            cells=cells,
            current=cells[index],
            previous=cells[index - 1]
            if index
            else evaluate_cell(before, resolve(before).get(key), results.get((key, before))),
        )
        row.chart = _chart(key, metric, cells)
        grid.rows.append(row)

    grid.charts = [row.chart for row in grid.rows]
    grid.spotlight = _spotlight(grid.rows)
    grid.discrepancies = open_discrepancies(membership=membership, scorecard=scorecard, resolve=resolve)
    counts = dict.fromkeys((rules.GREEN, rules.YELLOW, rules.RED, rules.DISPUTED, "missing"), 0)
    for row in grid.rows:
        if row.current.defined:
            counts[row.current.zone or "missing"] += 1
    grid.zone_counts = counts
    return grid


def _has_figure(result: QuarterlyResult) -> bool:
    return any(getattr(result, name) is not None for name in ("supplier_value", "customer_value", "agreed_value"))


def _spotlight(rows: Iterable[MetricRow]) -> list[Spotlight]:
    items = [
        Spotlight(row=row, zone=row.current.zone, previous_zone=row.previous.zone)
        for row in rows
        if row.current.defined and row.current.zone in (rules.YELLOW, rules.RED)
    ]
    severity = {rules.RED: 0, rules.YELLOW: 1}
    items.sort(key=lambda s: (not s.fell_out, severity[s.zone], s.row.metric.position))
    return items


def open_discrepancies(
    *, membership: Membership, scorecard: Scorecard, resolve: Callable[[str], dict[str, Metric]]
) -> list[Discrepancy]:
    """Every result of any quarter whose two figures differ beyond tolerance with no agreed value
    (one query), newest quarter first."""
    candidates = (
        QuarterlyResult.objects.visible_to(membership)  # type: ignore[attr-defined]
        .filter(
            scorecard=scorecard, supplier_value__isnull=False, customer_value__isnull=False, agreed_value__isnull=True
        )
        .order_by("-quarter", "metric_key")
    )
    out: list[Discrepancy] = []
    for result in candidates:
        metric = resolve(result.quarter).get(result.metric_key)
        if metric is not None and rules.is_discrepancy(
            result.supplier_value, result.customer_value, result.agreed_value, metric.rule()
        ):
            out.append(Discrepancy(quarter=result.quarter, metric=metric, result=result))
    return out


# --- One quarter (the results page) and all quarters (the export) -----------------------------


def quarter_cells(*, membership: Membership, scorecard: Scorecard, quarter: str) -> list[Cell]:
    """The metrics governing ``quarter`` with their result and evaluation, in order (three queries)."""
    versions = versions_of(membership=membership, scorecard=scorecard)
    resolve = definitions_resolver(scorecard, versions, metrics_by_version(membership=membership, scorecard=scorecard))
    results = {
        r.metric_key: r
        for r in QuarterlyResult.objects.visible_to(membership).filter(scorecard=scorecard, quarter=quarter)  # type: ignore[attr-defined]
    }
    return [evaluate_cell(quarter, metric, results.get(key)) for key, metric in resolve(quarter).items()]


def export_cells(*, membership: Membership, scorecard: Scorecard) -> list[Cell]:
    """Every stored result, oldest quarter first, evaluated with its quarter's definitions."""
    versions = versions_of(membership=membership, scorecard=scorecard)
    resolve = definitions_resolver(scorecard, versions, metrics_by_version(membership=membership, scorecard=scorecard))
    rows = QuarterlyResult.objects.visible_to(membership).filter(scorecard=scorecard).order_by("quarter", "metric_key")  # type: ignore[attr-defined]
    cells = []
    for result in rows:
        metric = resolve(result.quarter).get(result.metric_key)
        cell = evaluate_cell(result.quarter, metric, result)
        cells.append(cell)
    return cells


def definition_rows(metrics: Iterable[Metric]) -> list[dict[str, Any]]:
    """Metrics with their figures formatted for a table (goal, yellow edge, tolerance)."""
    return [
        {
            "metric": m,
            "goal": number(m.goal),
            "yellow": number(yellow_threshold(m)),
            "yellow_pct": number(m.yellow_band_pct),
            "tolerance": number(m.tolerance),
        }
        for m in metrics
    ]


def version_status_label(version: ScorecardVersion | None) -> str:
    if version is None:
        return "No scorecard yet"
    if version.status == VersionStatus.DRAFT:
        signed = [
            s
            for s, by in (("our side", version.supplier_agreed_by_id), ("the customer", version.customer_agreed_by_id))
            if by
        ]
        return f"Version {version.number} · draft" + (
            f", agreed by {signed[0]} so far" if signed else ", not agreed yet"
        )
    return f"Version {version.number} · {version.get_status_display().lower()}"
