"""The results area: quarterly results (recording, conflicts), the scorecard grid, CSV import and
export, and who owes the figures of a closed quarter (the results reminders).

**Recording.** A customer participant records only the customer's figure of their own account; our
people the supplier's figure, the agreed value and the note; an admin all of them
(``result_fields_for``). Results carry ``row_version``: a save of a stale copy raises
``ResultConflict`` (pages: message and reload; API: ``ETag``/``If-Match``, 412) and writes nothing.

**Reads.** Everything starts from the member's scope (``visible_to``), evaluates results with
``dashboards.rules`` against the definitions that governed each quarter
(``dashboards.scorecards.governing_version``) and runs a fixed number of queries whatever the data
size: ``scorecard_grid`` runs five.

**CSV.** Export: ``quarter, metric_key, metric, supplier_value, customer_value, agreed_value, zone,
discrepancy``; text cells go through ``csv_safe`` (a spreadsheet never runs them as formulas);
figures are written as plain decimals we produced ourselves. Import: columns ``quarter, metric_key,
supplier_value, customer_value, agreed_value`` (an export's extra columns are accepted and ignored,
so an export can be edited and imported back). UTF-8 with or without BOM, at most 2 MB and 5,000
rows. Every problem is reported with its row number, column and message, and the import is ALL OR
NOTHING: any error and nothing is saved. An empty cell leaves that figure unchanged. A customer
participant imports only ``customer_value`` (other figure cells must be empty); our people leave
``customer_value`` empty (an admin may fill it).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Protocol, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from core import quarters
from core.exports import csv_safe
from core.models import Membership, Role
from core.permissions import can
from core.service_helpers import require as _require
from core.tenancy import current_tenant_id
from dashboards import rules
from dashboards.models import FigureOwner, Metric, QuarterlyResult, Scorecard, ScorecardVersion, VersionStatus
from dashboards.scorecards import (
    champions,
    check_quarter,
    check_relationship,
    coerce_fields,
    definitions_resolver,
    governing_version,
    metrics_by_version,
    number,
    plain,
    scorecard_for,
    versions_of,
    yellow_threshold,
)
from partnering.models import Relationship

#: The figures of a result, and everything a person may write on one (``RESULT_FIELDS``): the one
#: spelling of these lists; forms, serializers, the CSV import and the admin derive theirs from it.
RESULT_VALUE_FIELDS: Final = ("supplier_value", "customer_value", "agreed_value")
RESULT_FIELDS: Final = (*RESULT_VALUE_FIELDS, "note")

CONFLICT_MESSAGE: Final = (
    "Someone else saved this result since you opened it. Their figures are shown now: "
    "check them, then save again to keep yours."
)


class _Unset:
    """Marks an argument that was not given (``None`` means "clear this figure")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


class ResultConflict(ValidationError):
    """A stale save of a result: someone saved it after the caller read it (code ``conflict``).

    ``current`` is the result as it is now, so a page or the API can show it next to the caller's.
    """

    def __init__(self, current: QuarterlyResult | None = None, message: str = CONFLICT_MESSAGE) -> None:
        super().__init__(message, code="conflict")
        self.current = current


def result_fields_for(actor: Membership) -> frozenset[str]:
    """The result fields the actor may set: a customer participant only the customer's figure;
    our people the supplier's figure, the agreed value and the note; an admin all of them."""
    if not can(actor, "results.record"):
        return frozenset()
    if actor.is_customer:
        return frozenset({"customer_value"})
    if actor.role == Role.ADMIN:
        return frozenset(RESULT_FIELDS)
    return frozenset(RESULT_FIELDS) - {"customer_value"}


# --- Quarterly results ------------------------------------------------------------------------


@dataclass
class MetricKeys:
    """The metric keys each quarter's governing version defines, loaded once for many results
    (``MetricKeys.load(scorecard).has(quarter, key)``; two queries)."""

    scorecard: Scorecard
    versions: list[ScorecardVersion] = field(default_factory=list)
    keys: dict[Any, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, scorecard: Scorecard) -> MetricKeys:
        versions = list(ScorecardVersion.objects.filter(scorecard=scorecard))
        keys: dict[Any, set[str]] = {v.pk: set() for v in versions}
        for version_id, key in Metric.objects.filter(version__scorecard=scorecard).values_list("version_id", "key"):
            keys.setdefault(version_id, set()).add(key)
        return cls(scorecard=scorecard, versions=versions, keys=keys)

    def has(self, quarter: str, key: str) -> bool:
        version = governing_version(self.scorecard, quarter, versions=self.versions)
        return version is not None and key in self.keys.get(version.pk, set())


def _check_result_actor(actor: Membership, scorecard: Scorecard, given: Iterable[str]) -> None:
    _require(actor, "results.record")
    check_relationship(actor, scorecard.relationship)
    forbidden = set(given) - result_fields_for(actor)
    if forbidden:
        if actor.is_customer:
            raise PermissionDenied("Customer participants record only the customer's figure.")
        if "customer_value" in forbidden:
            raise PermissionDenied("The customer's figure is recorded by the customer (or an admin).")
        raise PermissionDenied("Your role does not allow this.")


def _check_result_place(keys: MetricKeys, metric_key: str, quarter: str) -> None:
    check_quarter(quarter)
    if quarter > quarters.current():
        raise ValidationError({"quarter": f"{quarter} has not started yet: record results for past quarters."})
    if not keys.has(quarter, metric_key):
        raise ValidationError(
            {"metric_key": f"Unknown metric '{metric_key}': it is not on the scorecard version that governs {quarter}."}
        )


def result_rules(result: QuarterlyResult) -> None:
    """The rules of a result's place: a started quarter, a metric on the version governing it (the
    admin's correction form runs them before ``result_record`` does)."""
    _check_result_place(MetricKeys.load(result.scorecard), result.metric_key, result.quarter)


def _record(
    *,
    actor: Membership,
    scorecard: Scorecard,
    metric_key: str,
    quarter: str,
    given: dict[str, Any],
    expected_row_version: int | None,
    keys: MetricKeys,
    skip_blank: bool = False,
    locked: dict[tuple[str, str], QuarterlyResult] | None = None,
) -> QuarterlyResult | None:
    """One result; ``locked``: the scorecard's rows already read with ``select_for_update``."""
    _check_result_actor(actor, scorecard, given)
    _check_result_place(keys, metric_key, quarter)
    values = coerce_fields(QuarterlyResult, given, set(RESULT_VALUE_FIELDS) | {"note"})
    if "note" in values:
        values["note"] = values["note"] or ""
    if locked is not None:
        row = locked.get((metric_key, quarter))
    else:
        row = (
            QuarterlyResult.objects.select_for_update()
            .filter(scorecard=scorecard, metric_key=metric_key, quarter=quarter)
            .first()
        )
    current_version = row.row_version if row is not None else 0
    if expected_row_version is not None and int(expected_row_version) != current_version:
        raise ResultConflict(current=row)
    if row is None:
        if skip_blank and not any(v not in (None, "") for v in values.values()):
            return None
        row = QuarterlyResult(scorecard=scorecard, metric_key=metric_key, quarter=quarter, row_version=0)
    elif not any(getattr(row, name) != value for name, value in values.items()):
        return row
    for name, value in values.items():
        setattr(row, name, value)
    row.row_version += 1
    row.updated_by = actor
    if row.tenant_id is None:
        row.tenant_id = current_tenant_id()
    # The scorecard and the actor were checked above and the row is locked (or new), so skip the
    # per-row lookups of full_clean that would only repeat that (it matters for a 5,000-row import).
    row.full_clean(exclude=["tenant", "scorecard", "updated_by"], validate_unique=False, validate_constraints=False)
    try:
        row.save()
    except IntegrityError as error:  # another save created the row between our read and write
        raise ResultConflict(current=None) from error
    return row


@transaction.atomic
def result_record(
    *,
    actor: Membership,
    scorecard: Scorecard,
    metric_key: str,
    quarter: str,
    supplier_value: Any = UNSET,
    customer_value: Any = UNSET,
    agreed_value: Any = UNSET,
    note: Any = UNSET,
    expected_row_version: int | None = None,
) -> QuarterlyResult:
    """Record figures of one metric for one quarter; only the arguments given are changed
    (``None`` clears a figure).

    * A customer participant (of the relationship's account) may set only ``customer_value``;
      anything else, ``agreed_value`` included, is ``PermissionDenied``.
    * Our people (admin, champion, rep) set ``supplier_value``, ``agreed_value`` and ``note``; the
      customer's figure belongs to the customer, only an admin may set it (e.g. from an e-mail).
    * ``metric_key`` must be on the version governing ``quarter``, which must not be in the future
      (``ValidationError`` otherwise).
    * ``expected_row_version``: the ``row_version`` the caller read (0 for a result that did not
      exist). If the row has changed since, ``ResultConflict`` (a ``ValidationError`` with code
      ``"conflict"``) is raised and nothing is saved. Every saving call bumps ``row_version``.
    """
    given = {
        name: value
        for name, value in (
            ("supplier_value", supplier_value),
            ("customer_value", customer_value),
            ("agreed_value", agreed_value),
            ("note", note),
        )
        if value is not UNSET
    }
    row = _record(
        actor=actor,
        scorecard=scorecard,
        metric_key=metric_key,
        quarter=quarter,
        given=given,
        expected_row_version=expected_row_version,
        keys=MetricKeys.load(scorecard),
    )
    assert row is not None
    return row


@transaction.atomic
def results_record_many(
    *, actor: Membership, scorecard: Scorecard, entries: Iterable[Mapping[str, Any]], skip_blank: bool = True
) -> list[QuarterlyResult]:
    """Record several results at once, all or nothing (the results page, the CSV import, the API).

    Each entry has ``metric_key``, ``quarter``, optionally ``expected_row_version`` and any of the
    value fields of ``result_record`` (absent = unchanged). With ``skip_blank`` an entry with only
    empty values creates no new row. Errors of every entry are collected and raised together as one
    ``ValidationError`` whose keys are the entries' positions (``"0"``, ``"1"``, …) with their
    messages; a conflict's message is ``CONFLICT_MESSAGE``. Nothing is saved then.
    """
    keys = MetricKeys.load(scorecard)
    entries = list(entries)
    wanted = {str(entry.get("quarter", "")) for entry in entries}
    locked = {
        (row.metric_key, row.quarter): row
        for row in QuarterlyResult.objects.select_for_update().filter(scorecard=scorecard, quarter__in=wanted)
    }
    saved: list[QuarterlyResult] = []
    errors: dict[str, list[str]] = {}
    for index, entry in enumerate(entries):
        given = {name: entry[name] for name in (*RESULT_VALUE_FIELDS, "note") if name in entry}
        try:  # no savepoint per entry: an entry's checks all run before its one write
            row = _record(
                actor=actor,
                scorecard=scorecard,
                metric_key=str(entry.get("metric_key", "")),
                quarter=str(entry.get("quarter", "")),
                given=given,
                expected_row_version=entry.get("expected_row_version"),
                keys=keys,
                skip_blank=skip_blank,
                locked=locked,
            )
        except ValidationError as error:
            errors[str(index)] = _flat_messages(error)
            if isinstance(error.__cause__, IntegrityError):
                break  # the failed write aborted the transaction: report what we have
            continue
        if row is not None:
            saved.append(row)
            locked[(row.metric_key, row.quarter)] = row
    if errors:
        raise ValidationError(errors)
    return saved


def _flat_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{name.replace('_', ' ')}: {m}" if name != "__all__" else m
            for name, ms in error.message_dict.items()
            for m in ms
        ]
    return list(error.messages)


def parse_decimal(text: str) -> Decimal | None:
    """A figure typed by a person or found in a CSV cell; empty → None; else ``ValidationError``."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError as error:
        raise ValidationError(f"'{text[:40]}' is not a number (use a dot for decimals, e.g. 97.5).") from error
    if not value.is_finite():
        raise ValidationError(f"'{text[:40]}' is not a number (use a dot for decimals, e.g. 97.5).")
    return value


# --- Reads: the grid, one quarter, the export -------------------------------------------------


#: Rows that may be an open calculation discrepancy (the tolerance is checked in Python).
DISCREPANCY_CANDIDATE = Q(agreed_value__isnull=True, supplier_value__isnull=False, customer_value__isnull=False) & ~Q(
    supplier_value=F("customer_value")
)


def results_for(*, membership: Membership) -> QuerySet[QuarterlyResult]:
    """The results the member may see (tenant and customer account): every read of results starts here."""
    results: QuerySet[QuarterlyResult] = QuarterlyResult.objects.visible_to(membership)
    return results


TREND_ARROWS: dict[str | None, tuple[str, str]] = {
    "up": ("↑", "better than the quarter before"),
    "down": ("↓", "worse than the quarter before"),
    "flat": ("→", "same as the quarter before"),
    None: ("", ""),
}


def _num(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


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
        return rules.ZONE_LABELS[self.zone]

    @property
    def zone_icon(self) -> str:
        return rules.ZONE_ICONS[self.zone]

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
    window = _window(quarters, ending)
    grid.quarters = window
    grid.reporting_quarter = window[-1]
    scorecard = grid.scorecard
    if scorecard is None:
        return grid
    grid.versions = versions_of(membership=membership, scorecard=scorecard)
    resolve = definitions_resolver(
        scorecard, grid.versions, metrics_by_version(membership=membership, scorecard=scorecard)
    )
    results = _window_results(membership, scorecard, window)
    grid.reporting_quarter = _reporting_quarter(results, window)
    grid.rows = [
        _metric_row(key, window, grid.reporting_quarter, resolve, results)
        for key in _row_keys(window, resolve, results)
    ]
    grid.charts = [row.chart for row in grid.rows]
    grid.spotlight = _spotlight(grid.rows)
    grid.discrepancies = open_discrepancies(membership=membership, scorecard=scorecard, resolve=resolve)
    grid.zone_counts = _zone_counts(grid.rows)
    return grid


Results = dict[tuple[str, str], QuarterlyResult]
Resolve = Callable[[str], dict[str, Metric]]


def _window(count: int, ending: str | None) -> list[str]:
    """The grid's quarters, oldest first: ``count`` (1 to 40) ending with ``ending`` or the current one."""
    return quarters.last(max(1, min(count, 40)), ending=ending)


def _window_results(membership: Membership, scorecard: Scorecard, window: list[str]) -> Results:
    """The window's results and those of the quarter before it (for the first trend), by (key, quarter)."""
    before = quarters.shift(window[0], -1)
    rows = results_for(membership=membership).filter(scorecard=scorecard, quarter__gte=before, quarter__lte=window[-1])
    return {(r.metric_key, r.quarter): r for r in rows}


def _reporting_quarter(results: Results, window: list[str]) -> str:
    """The newest quarter of the window with any figure (else the window's last quarter)."""
    with_figures = {quarter for (_, quarter), r in results.items() if _has_figure(r) and quarter in window}
    return max(with_figures) if with_figures else window[-1]


def _row_keys(window: list[str], resolve: Resolve, results: Results) -> list[str]:
    """Row order: the definitions governing the window's last quarter, then removed metrics with results."""
    keys = list(resolve(window[-1]))
    for quarter in window:
        for key in resolve(quarter):
            if key not in keys and any((key, other) in results for other in window):
                keys.append(key)
    return keys


def _metric_row(key: str, window: list[str], reporting: str, resolve: Resolve, results: Results) -> MetricRow:
    """One metric's cells over the window (each with its trend against the quarter before)."""
    before = quarters.shift(window[0], -1)
    cells: list[Cell] = []
    previous = evaluate_cell(before, resolve(before).get(key), results.get((key, before)))
    for quarter in window:
        cell = evaluate_cell(quarter, resolve(quarter).get(key), results.get((key, quarter)))
        if cell.metric is not None:
            cell.trend = rules.trend(previous.value, cell.value, cell.metric.direction)
        cells.append(cell)
        previous = cell
    current_defs = resolve(window[-1])
    metric = current_defs.get(key) or next(c.metric for c in reversed(cells) if c.metric is not None)
    index = window.index(reporting)
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
    return row


def _zone_counts(rows: Iterable[MetricRow]) -> dict[str, int]:
    """How many metrics are in each zone in the reporting quarter (``missing``: no figure)."""
    counts = dict.fromkeys((rules.GREEN, rules.YELLOW, rules.RED, rules.DISPUTED, "missing"), 0)
    for row in rows:
        if row.current.defined:
            counts[row.current.zone or "missing"] += 1
    return counts


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
        results_for(membership=membership)
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
    results = {r.metric_key: r for r in results_for(membership=membership).filter(scorecard=scorecard, quarter=quarter)}
    return [evaluate_cell(quarter, metric, results.get(key)) for key, metric in resolve(quarter).items()]


def export_cells(*, membership: Membership, scorecard: Scorecard) -> list[Cell]:
    """Every stored result, oldest quarter first, evaluated with its quarter's definitions."""
    versions = versions_of(membership=membership, scorecard=scorecard)
    resolve = definitions_resolver(scorecard, versions, metrics_by_version(membership=membership, scorecard=scorecard))
    rows = results_for(membership=membership).filter(scorecard=scorecard).order_by("quarter", "metric_key")
    cells = []
    for result in rows:
        metric = resolve(result.quarter).get(result.metric_key)
        cell = evaluate_cell(result.quarter, metric, result)
        cells.append(cell)
    return cells


# --- CSV export and import --------------------------------------------------------------------


MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 200
EXPORT_HEADER = [
    "quarter",
    "metric_key",
    "metric",
    "supplier_value",
    "customer_value",
    "agreed_value",
    "zone",
    "discrepancy",
]
IMPORT_COLUMNS = ["quarter", "metric_key", *RESULT_VALUE_FIELDS]
IGNORED_COLUMNS = {"metric", "zone", "discrepancy"}
VALUE_COLUMNS = RESULT_VALUE_FIELDS


class Writable(Protocol):
    """Where an export goes: a text buffer or an ``HttpResponse``."""

    def write(self, text: str, /) -> object: ...


def write_export(out: Writable, cells: Iterable[Cell]) -> None:
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for cell in cells:
        result = cell.result
        assert result is not None
        writer.writerow(
            [
                csv_safe(cell.quarter),
                csv_safe(result.metric_key),
                csv_safe(cell.metric.name if cell.metric else "(not on the scorecard that quarter)"),
                plain(result.supplier_value),
                plain(result.customer_value),
                plain(result.agreed_value),
                csv_safe(cell.zone or ""),
                "yes" if cell.discrepancy else "no",
            ]
        )


@dataclass(frozen=True)
class RowError:
    row: int | None  # line number in the file (the header is row 1); None: the file as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row=row, column=column, message=message))
        else:
            self.more_errors += 1


def _decode(data: bytes, report: ImportReport) -> str | None:
    if b"\x00" in data:
        report.add(
            None, "", "This is not a CSV text file (it contains binary data). Export it as CSV UTF-8 and try again."
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.add(
            None, "", "The file is not UTF-8 text. In your spreadsheet choose “CSV UTF-8” when saving, then try again."
        )
        return None


def parse(
    data: bytes, *, actor: Membership, known: MetricKeys | None = None, size: int | None = None
) -> tuple[list[dict[str, Any]], list[int], ImportReport]:
    """The file's entries for ``results_record_many`` and their row numbers, or errors.

    ``size``: the upload's full size when ``data`` was cut short (only the first 2 MB + 1 byte read)."""
    report = ImportReport()
    total = max(len(data), size or 0)
    if total > MAX_BYTES:
        report.add(
            None,
            "",
            f"The file is {total / (1024 * 1024):.1f} MB; the limit is 2 MB (about 5,000 rows). Split it, then retry.",
        )
        return [], [], report
    text = _decode(data, report)
    if text is None:
        return [], [], report
    reader = csv.reader(io.StringIO(text, newline=""))
    names = _header(reader, report)
    if names is None:
        return [], [], report
    return _parse_rows(reader, names, actor=actor, known=known, report=report)


def _header(reader: Any, report: ImportReport) -> list[str] | None:
    """The column names of the header row, or None (with the error reported) when it is unusable."""
    try:
        header = next(reader, None)
    except csv.Error as error:
        report.add(1, "", f"This is not a readable CSV file ({error}).")
        return None
    if not header or not any(cell.strip() for cell in header):
        report.add(
            None, "", "The file is empty: the first row must name the columns " + ", ".join(IMPORT_COLUMNS) + "."
        )
        return None
    names = [cell.strip().lower() for cell in header]
    missing = [c for c in IMPORT_COLUMNS if c not in names]
    unknown = [n for n in names if n and n not in IMPORT_COLUMNS and n not in IGNORED_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(n[:30] for n in unknown[:5]))
        report.add(
            1, "", "The header row is wrong: " + "; ".join(parts) + ". Expected: " + ", ".join(IMPORT_COLUMNS) + "."
        )
        return None
    return names


def _parse_rows(
    reader: Any, names: list[str], *, actor: Membership, known: MetricKeys | None, report: ImportReport
) -> tuple[list[dict[str, Any]], list[int], ImportReport]:
    """The data rows as entries (blank rows skipped, duplicates and bad cells reported)."""
    position = {name: names.index(name) for name in IMPORT_COLUMNS}
    allowed = result_fields_for(actor)
    entries: list[dict[str, Any]] = []
    row_numbers: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    line, data_rows = 1, 0
    try:
        for cells in reader:
            line += 1
            if not any(cell.strip() for cell in cells):
                continue
            data_rows += 1
            if data_rows > MAX_ROWS:
                too_many = ImportReport()
                too_many.add(None, "", f"The file has more than {MAX_ROWS:,} rows; split it and try again.")
                return [], [], too_many
            if len(cells) != len(names):
                report.add(line, "", f"Expected {len(names)} cells, found {len(cells)}.")
                continue
            entry, ok = _parse_row(line, cells, position, allowed, actor, known, report)
            if not ok:
                continue
            place = (entry["metric_key"], entry["quarter"])
            if place in seen:
                report.add(line, "metric_key", f"Duplicate: {place[0]} for {place[1]} is already in row {seen[place]}.")
                continue
            seen[place] = line
            entries.append(entry)
            row_numbers.append(line)
    except csv.Error as error:
        report.add(line, "", f"This is not a readable CSV file ({error}).")
    if not entries and not report.errors:
        report.add(None, "", "The file has no result rows.")
    return entries, row_numbers, report


def _parse_row(
    line: int,
    cells: list[str],
    position: dict[str, int],
    allowed: frozenset[str],
    actor: Membership,
    known: MetricKeys | None,
    report: ImportReport,
) -> tuple[dict[str, Any], bool]:
    ok = quarter_ok = True
    quarter = cells[position["quarter"]].strip().upper()
    try:
        quarters.parse(quarter)
    except ValidationError as error:
        report.add(line, "quarter", error.messages[0] if quarter else "The quarter is empty (write it like 2026Q3).")
        ok = quarter_ok = False
    else:
        if quarter > quarters.current():
            report.add(line, "quarter", f"{quarter} has not started yet: import results of past quarters.")
            ok = quarter_ok = False
    key = cells[position["metric_key"]].strip()
    if not key:
        report.add(line, "metric_key", "The metric key is empty.")
        ok = False
    elif quarter_ok and known is not None and not known.has(quarter, key):
        report.add(line, "metric_key", f"Unknown metric '{key[:60]}': it is not on the scorecard for {quarter}.")
        ok = False
    entry: dict[str, Any] = {"quarter": quarter, "metric_key": key}
    for column in VALUE_COLUMNS:
        raw = cells[position[column]]
        if not raw.strip():
            continue
        if column not in allowed:
            who = (
                "Customer participants import only customer_value"
                if actor.is_customer
                else ("customer_value is the customer's figure: leave it empty")
            )
            report.add(line, column, f"{who}.")
            ok = False
            continue
        try:
            entry[column] = parse_decimal(raw)
        except ValidationError as error:
            report.add(line, column, error.messages[0])
            ok = False
    if ok and not any(column in entry for column in VALUE_COLUMNS):
        report.add(line, "", "The row has no figure.")
        ok = False
    return entry, ok


def import_results(*, actor: Membership, scorecard: Scorecard, data: bytes, size: int | None = None) -> ImportReport:
    """Parse and save, all or nothing. ``PermissionDenied`` if the actor may not record results."""
    if not result_fields_for(actor):
        raise PermissionDenied("Your role does not allow importing results.")
    known = MetricKeys.load(scorecard)
    entries, row_numbers, report = parse(data, actor=actor, known=known, size=size)
    if not report.ok:
        return report
    try:
        with transaction.atomic():
            saved = results_record_many(actor=actor, scorecard=scorecard, entries=entries, skip_blank=False)
    except ValidationError as error:
        for index, messages in error.message_dict.items():
            row = row_numbers[int(index)] if index.isdigit() else None
            for message in messages:
                column = ""
                for name in ("metric_key", "quarter", *VALUE_COLUMNS):
                    prefix = name.replace("_", " ") + ": "
                    if message.startswith(prefix):
                        column, message = name, message[len(prefix) :]
                        break
                report.add(row, column, message)
        return report
    report.imported = len(saved)
    return report


# --- Evaluating results of many scorecards (the API) ------------------------------------------


class Evaluator:
    """Evaluates results under their quarter's governing definitions (two queries for any number)."""

    def __init__(self, scorecard_ids: set[Any]) -> None:
        versions = list(ScorecardVersion.objects.filter(scorecard_id__in=scorecard_ids))
        by_scorecard: dict[Any, list[ScorecardVersion]] = {}
        for version in versions:
            by_scorecard.setdefault(version.scorecard_id, []).append(version)
        self.versions = by_scorecard
        self.metrics: dict[tuple[Any, str], Metric] = {
            (m.version_id, m.key): m for m in Metric.objects.filter(version__scorecard_id__in=scorecard_ids)
        }

    def __call__(self, result: QuarterlyResult) -> rules.Evaluation | None:
        version = governing_version(
            cast(Scorecard, None), result.quarter, versions=self.versions.get(result.scorecard_id, [])
        )
        metric = self.metrics.get((version.pk, result.metric_key)) if version else None
        if metric is None:
            return None
        return rules.evaluate(result.supplier_value, result.customer_value, result.agreed_value, metric.rule())


# --- Who still owes figures of a closed quarter (the results reminders) -----------------------


def agreed_versions(scorecards: list[Scorecard], quarter: str) -> dict[Any, ScorecardVersion]:
    """Scorecard id → the agreed version that governs ``quarter`` (``governing_version`` among the
    versions both champions signed that started by then; superseded ones keep governing their own
    quarters). A scorecard without one owes nothing yet."""
    versions = ScorecardVersion.objects.filter(
        scorecard__in=scorecards,
        status__in=[VersionStatus.AGREED, VersionStatus.SUPERSEDED],
        valid_from__lte=quarter,
    ).exclude(supplier_agreed_at=None)
    by_scorecard: dict[Any, list[ScorecardVersion]] = defaultdict(list)
    for version in versions:
        by_scorecard[version.scorecard_id].append(version)
    chosen = {pk: governing_version(cast(Scorecard, None), quarter, versions=rows) for pk, rows in by_scorecard.items()}
    return {pk: version for pk, version in chosen.items() if version is not None}


def missing_sides(metric: Metric, result: QuarterlyResult | None) -> list[str]:
    """The sides whose figure of ``metric`` is still missing (none once an agreed value exists)."""
    if result is not None and result.agreed_value is not None:
        return []
    sides = []
    if metric.figure_owner in (FigureOwner.SUPPLIER, FigureOwner.BOTH) and (
        result is None or result.supplier_value is None
    ):
        sides.append("supplier")
    if metric.figure_owner in (FigureOwner.CUSTOMER, FigureOwner.BOTH) and (
        result is None or result.customer_value is None
    ):
        sides.append("customer")
    return sides


def figures_owed(quarter: str) -> list[tuple[Relationship, Membership, list[str]]]:
    """Per relationship (by account) and champion: the metrics ("name (unit)") whose figure of that
    champion's side is still missing for ``quarter``, under the agreed version governing it."""
    scorecards = list(
        Scorecard.objects.select_related(
            "relationship__account",
            "relationship__supplier_champion__user",
            "relationship__customer_champion__user",
        ).order_by("relationship__account__name", "relationship__business_unit")
    )
    versions = agreed_versions(scorecards, quarter)
    metrics: dict[Any, list[Metric]] = defaultdict(list)
    for metric in Metric.objects.filter(version__in=list(versions.values())).order_by("position", "name"):
        metrics[metric.version_id].append(metric)
    results = {
        (r.scorecard_id, r.metric_key): r
        for r in QuarterlyResult.objects.filter(scorecard__in=list(versions), quarter=quarter)
    }
    owed: list[tuple[Relationship, Membership, list[str]]] = []
    for scorecard in scorecards:
        version = versions.get(scorecard.pk)
        if version is None:
            continue  # no agreed scorecard for that quarter: nothing is owed yet
        owners = dict(champions(scorecard.relationship))
        by_side: dict[str, list[str]] = defaultdict(list)
        for metric in metrics[version.pk]:
            for side in missing_sides(metric, results.get((scorecard.pk, metric.key))):
                if side in owners:
                    by_side[side].append(f"{metric.name}" + (f" ({metric.unit})" if metric.unit else ""))
        owed += [(scorecard.relationship, owners[side], names) for side, names in by_side.items()]
    return owed
