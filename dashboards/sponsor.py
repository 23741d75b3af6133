"""The sponsor area: reads for the sponsor dashboard and the one-relationship drill-down.

Why an area of its own: the sponsor dashboard spans every relationship of the tenant, so it must
run a FIXED number of queries whatever the size (≤ 20 per page, asserted at two sizes) and stay
fast at 200 relationships. It therefore reads each table once — relationships (with a "yours"
flag), scorecard versions, metrics, results, ratings — and computes zones and discrepancies in
Python with ``dashboards.rules`` (never re-implemented here).

Two rules shape what is shown:

* **Governing version.** A quarter's result is judged by the version that governed that quarter
  (``dashboards.scorecards.governing_version``: the newest agreed or superseded version whose
  ``valid_from`` is not after the quarter; before any agreement, the draft), applied here to the
  versions loaded in one query.
* **Hidden until both.** A quarter's champion ratings are used only when both sides have submitted
  or the quarter is closed: ``dashboards.ratings.is_revealed``, the same function the ratings
  pages, the API and the review pack decide with; drafts never count. The dashboard applies it to
  everyone, admins and authors included, so it can never reveal one side's rating early.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple, cast

from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core import quarters
from core.models import Membership
from dashboards import rules
from dashboards.models import (
    ChampionRating,
    Color,
    Metric,
    QuarterlyResult,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
)
from dashboards.ratings import COLOR_LABELS, SIDE_LABELS, SIDES, is_revealed
from dashboards.results import DISCREPANCY_CANDIDATE, RESULT_VALUE_FIELDS
from dashboards.scorecards import governing_version, plain
from partnering.models import LEVEL_ORDER, Level, Relationship, Sponsor
from partnering.relationships import level_history as level_changes

TREND_QUARTERS = 8
#: The share of relationships past "transactional" that the seed material cites as typical.
BENCHMARK_PAST_TRANSACTIONAL_PCT = 30
RED_COLORS = frozenset({Color.BRIGHT_RED, Color.LIGHT_RED})
OUT_OF_GREEN = (rules.YELLOW, rules.RED)
COLOR_SHORT = {1: "BR", 2: "LR", 3: "Y", 4: "LG", 5: "BG"}
#: How many relationships each "needs attention" list shows (the full table below lists them all).
ATTENTION_LIMIT = 20
DISCREPANCIES_PER_ROW = 3
#: The zones counted on the drill-down, in order (``None``: the metric has no figure).
ZONES: tuple[str | None, ...] = (rules.GREEN, rules.YELLOW, rules.RED, rules.DISPUTED, None)


def zone_label(zone: str | None) -> str:
    """The zone's word (``rules.ZONE_LABELS``); a metric without a figure is ``rules.MISSING_LABEL`` here."""
    return rules.ZONE_LABELS[zone] if zone is not None else rules.MISSING_LABEL


# --- Building blocks --------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRow:
    id: Any
    scorecard_id: Any
    relationship_id: Any
    number: int
    status: str
    valid_from: str


@dataclass(frozen=True)
class MetricRow:
    key: str
    name: str
    unit: str
    position: int
    rule: rules.Rule


class GoverningVersions:
    """Answers "which version of this scorecard governs quarter Q" without further queries."""

    def __init__(self, versions: Iterable[VersionRow]) -> None:
        by_scorecard: dict[Any, list[VersionRow]] = defaultdict(list)
        for version in versions:
            by_scorecard[version.scorecard_id].append(version)
        self._versions = {key: sorted(rows, key=lambda v: v.number) for key, rows in by_scorecard.items()}
        self._cache: dict[tuple[Any, str], Any] = {}

    def scorecards(self) -> Iterable[Any]:
        return self._versions.keys()

    def relationship_scorecards(self) -> dict[Any, Any]:
        return {rows[0].relationship_id: key for key, rows in self._versions.items()}

    def version_id(self, scorecard_id: Any, quarter: str) -> Any:
        key = (scorecard_id, quarter)
        if key not in self._cache:
            self._cache[key] = self._pick(self._versions.get(scorecard_id, []), quarter)
        return self._cache[key]

    @staticmethod
    def _pick(versions: list[VersionRow], quarter: str) -> Any:
        # The scorecard's own rule (scorecards.governing_version), applied to the rows loaded here.
        chosen = governing_version(cast(Scorecard, None), quarter, versions=cast(list[ScorecardVersion], versions))
        return chosen.id if chosen is not None else None


def _text(name: str) -> Cast:
    """An id column read as text: thousands of rows hash and compare faster as str than as UUID."""
    return Cast(name, output_field=CharField())


def _latest_quarters(scorecard_filter: Q, current: str) -> dict[str, str]:
    """Each scorecard's latest quarter with a result, not after ``current`` (one query).

    A correlated ``ORDER BY quarter DESC LIMIT 1`` per scorecard walks the (tenant, scorecard,
    quarter) index: a few probes per scorecard instead of aggregating every result row.
    """
    newest = (
        QuarterlyResult.objects.filter(scorecard=OuterRef("pk"), quarter__lte=current)
        .order_by("-quarter")
        .values("quarter")[:1]
    )
    rows = (
        Scorecard.objects.filter(scorecard_filter)
        .annotate(latest=Subquery(newest))
        .filter(latest__isnull=False)
        .values_list(_text("id"), "latest")
    )
    return dict(rows)


def _load_versions(scorecard_filter: Q) -> GoverningVersions:
    """Every version of the scorecards in scope (ids as text), one query."""
    rows = ScorecardVersion.objects.filter(scorecard_filter).values_list(
        _text("id"), _text("scorecard_id"), _text("scorecard__relationship_id"), "number", "status", "valid_from"
    )
    return GoverningVersions(VersionRow(*row) for row in rows)


def _load_metrics(metric_filter: Q) -> dict[Any, dict[str, MetricRow]]:
    """Metric definitions per version id (as text), keyed by metric key (one query).

    Scorecards copy the same templates, so most definitions repeat: the numbers are read as text
    and each distinct definition becomes one ``Rule``/``MetricRow``, shared by every version using it.
    """
    out: dict[Any, dict[str, MetricRow]] = defaultdict(dict)
    rows = Metric.objects.filter(metric_filter).values_list(
        _text("version_id"),
        "key",
        "name",
        "unit",
        "position",
        "direction",
        _text("goal"),
        _text("yellow_band_pct"),
        _text("tolerance"),
        "figure_owner",
    )
    shared: dict[tuple[Any, ...], MetricRow] = {}
    for version_id, *definition in rows:
        metric = shared.get(tuple(definition))
        if metric is None:
            key, name, unit, position, direction, goal, band, tolerance, owner = definition
            rule = rules.Rule(
                direction=direction,
                goal=Decimal(goal),
                yellow_band_pct=None if band is None else Decimal(band),
                tolerance=Decimal(tolerance),
                figure_owner=owner,
            )
            metric = shared[tuple(definition)] = MetricRow(key=key, name=name, unit=unit, position=position, rule=rule)
        out[version_id][metric.key] = metric
    return out


class ResultRow(NamedTuple):
    """A result's figures (a tuple: thousands are built per page)."""

    scorecard_id: str
    metric_key: str
    quarter: str
    supplier_value: Decimal | None
    customer_value: Decimal | None
    agreed_value: Decimal | None


RESULT_COLUMNS = ("metric_key", "quarter", *RESULT_VALUE_FIELDS)


def _result_rows(result_filter: Q) -> list[ResultRow]:
    rows = QuarterlyResult.objects.filter(result_filter).order_by().values_list(_text("scorecard_id"), *RESULT_COLUMNS)
    return [ResultRow._make(row) for row in rows]


class Evaluated:
    """One result judged by its governing metric definition (evaluated on first use)."""

    def __init__(self, relationship_id: Any, metric: MetricRow, quarter: str, row: ResultRow) -> None:
        self.relationship_id, self.metric, self.quarter, self.row = relationship_id, metric, quarter, row

    @cached_property
    def evaluation(self) -> rules.Evaluation:
        row = self.row
        return rules.evaluate(row.supplier_value, row.customer_value, row.agreed_value, self.metric.rule)

    @property
    def zone(self) -> str | None:
        return self.evaluation.zone

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)

    @property
    def zone_icon(self) -> str:
        return rules.ZONE_ICONS[self.zone]


def _evaluate(
    row: ResultRow, relationship_id: Any, governing: GoverningVersions, metrics: dict[Any, dict[str, MetricRow]]
) -> Evaluated | None:
    version_id = governing.version_id(row.scorecard_id, row.quarter)
    metric = metrics.get(version_id, {}).get(row.metric_key)
    if metric is None:  # no longer (or not yet) part of the governing definitions
        return None
    return Evaluated(relationship_id, metric, row.quarter, row)


# --- Ratings ----------------------------------------------------------------------------------


@dataclass
class QuarterRatings:
    """Both sides' overall colours of one quarter, or ``visible=False`` while hidden."""

    quarter: str
    visible: bool
    submitted: int = 0
    overall: dict[str, int | None] = field(default_factory=dict)
    avoid_stall: dict[str, str] = field(default_factory=dict)

    @property
    def red_sides(self) -> list[str]:
        return [SIDE_LABELS[side] for side in SIDES if self.visible and self.overall.get(side) in RED_COLORS]

    def label(self, side: str) -> str:
        color = self.overall.get(side)
        return Color(color).label if color else "Not rated"

    @property
    def sides(self) -> list[dict[str, Any]]:
        return [
            {
                "side": side,
                "label": SIDE_LABELS[side],
                "color": self.overall.get(side),
                "text": self.label(side),
                "avoid_stall": self.avoid_stall.get(side, ""),
            }
            for side in SIDES
        ]


def _ratings_by_relationship(
    rows: Iterable[tuple[Any, str, str, int | None, str]], *, today: dt.date | None
) -> dict[Any, dict[str, QuarterRatings]]:
    """Group submitted ratings and apply the hidden-until-both rule per relationship and quarter."""
    grouped: dict[Any, dict[str, QuarterRatings]] = defaultdict(dict)
    for relationship_id, quarter, side, overall, avoid_stall in rows:
        entry = grouped[relationship_id].get(quarter)
        if entry is None:
            entry = grouped[relationship_id][quarter] = QuarterRatings(quarter=quarter, visible=False)
        entry.submitted += 1
        entry.overall[side] = overall
        entry.avoid_stall[side] = avoid_stall
    for per_quarter in grouped.values():
        for entry in per_quarter.values():
            entry.visible = is_revealed(entry.quarter, submitted_sides=entry.submitted, today=today)
            if not entry.visible:  # never keep hidden content around where a template could reach it
                entry.overall, entry.avoid_stall = {}, {}
    return grouped


def _strip_html(quarter_list: list[str], per_quarter: dict[str, QuarterRatings]) -> SafeString:
    """The small heat strip of overall colours (two rows: our side, the customer's), as HTML.

    Built in Python rather than with template loops: at 200 relationships × 8 quarters × 2 sides
    the template engine would dominate the page's time. Each cell shows its colour's short name as
    text (the legend next to the strip spells them out) and the quarter and full name as a tooltip,
    so colour is never the only signal.
    """
    parts = ['<div class="sp-strip">']
    for side, side_label in (("supplier", "Us"), ("customer", "Cust.")):
        parts.append(f'<div class="sp-strip-row"><span class="sp-strip-side">{side_label}</span>')
        for quarter in quarter_list:
            entry = per_quarter.get(quarter)
            color = entry.overall.get(side) if entry is not None and entry.visible else None
            if color:
                cell = f'<span class="sp-cell sp-c{color}" title="{quarter} {COLOR_LABELS[color]}">'
                parts.append(f"{cell}{COLOR_SHORT[color]}</span>")
            elif entry is not None and not entry.visible:
                parts.append(
                    f'<span class="sp-cell sp-hidden" title="{quarter} hidden until both have submitted">?</span>'
                )
            else:
                parts.append(f'<span class="sp-cell sp-none" title="{quarter} no rating">·</span>')
        parts.append("</div>")
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - quarters and labels are our own constants


# --- The sponsor dashboard --------------------------------------------------------------------


def sponsor_relationships(*, membership: Membership, queryset: QuerySet[Relationship]) -> QuerySet[Relationship]:
    """The relationships the dashboard covers, the member's own sponsorships flagged and first.

    ``queryset`` is the view's scoped queryset (tenant + customer account). Customer participants
    are limited to relationships they sponsor; everyone else sees all of the tenant's.
    """
    yours = Exists(Sponsor.objects.filter(relationship=OuterRef("pk"), membership=membership))
    queryset = queryset.annotate(yours=yours)
    if membership.is_customer:
        queryset = queryset.filter(yours=True)
    return (
        queryset.select_related("account")
        .only("id", "level", "business_unit", "account__name")
        .order_by("-yours", "account__name", "business_unit", "pk")
    )


def _figure(value: Decimal | None) -> str:
    """A figure without trailing zeros (95.5000 → 95.5); "–" for none."""
    return plain(value) or "–"


@dataclass
class RelationshipRow:
    relationship: Relationship
    yours: bool
    url: str
    ratings: dict[str, QuarterRatings] = field(default_factory=dict)
    latest_ratings: QuarterRatings | None = None
    results_quarter: str | None = None
    out_of_green: list[Evaluated] = field(default_factory=list)
    discrepancies: list[Evaluated] = field(default_factory=list)
    trend: list[str] = field(default_factory=list)
    has_scorecard: bool = False

    @property
    def rated_red(self) -> bool:
        return bool(self.latest_ratings and self.latest_ratings.red_sides)

    @property
    def strip(self) -> SafeString:
        """The rating heat strip, built only for the rows a page shows."""
        return _strip_html(self.trend, self.ratings)

    @property
    def out_of_green_html(self) -> SafeString:
        """ "✕ Red Metric 2 · ! Yellow Metric 1": zone symbol and word with each metric's name."""
        return format_html_join(
            " · ",
            '<span class="sp-zone sp-zone-{}">{} {}</span> {}',
            ((e.zone, e.zone_icon, e.zone_label, e.metric.name) for e in self.out_of_green),
        )

    @property
    def discrepancies_html(self) -> SafeString:
        """The first few open discrepancies: metric, quarter and both figures."""
        shown = self.discrepancies[:DISCREPANCIES_PER_ROW]
        text = format_html_join(
            " · ",
            "{} {} (ours {}, theirs {})",
            ((e.metric.name, e.quarter, _figure(e.row.supplier_value), _figure(e.row.customer_value)) for e in shown),
        )
        more = len(self.discrepancies) - len(shown)
        return format_html("{} · and {} more", text, more) if more > 0 else text


def sponsor_overview(
    *,
    membership: Membership,
    relationships: Iterable[Relationship],
    url_for: Any,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Everything the sponsor dashboard shows, in a fixed number of queries (five, plus one for sponsorships).

    ``relationships`` comes from ``sponsor_relationships``; ``url_for(relationship)`` gives the
    drill-down address (passed in so no URL is reversed per row).
    """
    today = today or timezone.localdate()
    current = quarters.of(today)
    trend = quarters.last(TREND_QUARTERS, ending=current)
    rows = [
        RelationshipRow(relationship=rel, yours=bool(getattr(rel, "yours", False)), url=url_for(rel))
        for rel in relationships
    ]
    overview = {
        **_level_distribution(rows),
        "benchmark": BENCHMARK_PAST_TRANSACTIONAL_PCT,
        "trend_quarters": trend,
        "current_quarter": current,
        "attention_limit": ATTENTION_LIMIT,
    }
    if rows:
        by_id = {str(row.relationship.pk): row for row in rows}
        # Internal members cover the whole tenant: no id list needed.
        ids = None if membership.is_internal else list(by_id)
        _attach_results(by_id, ids, current)
        _attach_ratings(rows, ids, trend, today)
    return {**overview, "rows": rows, **_attention(rows)}


def _level_distribution(rows: list[RelationshipRow]) -> dict[str, Any]:
    """How many relationships are at each level, and the share past "transactional" (no query)."""
    total = len(rows)
    counts = {level: 0 for level in LEVEL_ORDER}
    for row in rows:
        counts[Level(row.relationship.level)] += 1
    past = total - counts[Level.TRANSACTIONAL]
    return {
        "total": total,
        "levels": [{"key": level.value, "label": level.label, "count": counts[level]} for level in LEVEL_ORDER],
        "past_transactional": past,
        "share_past_transactional": round(100 * past / total) if total else 0,
    }


def _scope(ids: list[str] | None, field: str) -> Q:
    """All of the tenant (``ids`` None) or only these relationships."""
    return Q() if ids is None else Q(**{f"{field}__in": ids})


def _attach_results(by_id: dict[str, RelationshipRow], ids: list[str] | None, current: str) -> None:
    """Each row's metrics out of the Green Zone in its latest quarter with results, and its open
    discrepancies: four queries (versions, latest quarters, results, the definitions they need)."""
    rel_q = _scope(ids, "scorecard__relationship_id")
    governing = _load_versions(rel_q)
    scorecard_rel = {sid: rel for rel, sid in governing.relationship_scorecards().items()}
    # Latest quarter with results per scorecard (not after the current quarter), then those rows
    # plus every possible open discrepancy in one query, then only the definitions they need.
    latest = _latest_quarters(_scope(ids, "relationship_id"), current)
    results = _result_rows(rel_q & (Q(quarter__in=set(latest.values())) | DISCREPANCY_CANDIDATE))
    version_ids = [governing.version_id(result.scorecard_id, result.quarter) for result in results]
    needed = set(version_ids)
    metrics = _load_metrics(Q(version_id__in=needed)) if needed else {}
    for result, version_id in zip(results, version_ids, strict=True):
        relationship_id = scorecard_rel.get(result.scorecard_id)
        target = by_id.get(relationship_id) if relationship_id is not None else None
        metric = metrics.get(version_id, {}).get(result.metric_key)
        if target is None or metric is None:  # not in scope, or not part of the governing definitions
            continue
        _file_result(
            target, Evaluated(relationship_id, metric, result.quarter, result), latest.get(result.scorecard_id)
        )
    for scorecard_id, relationship_id in scorecard_rel.items():
        if relationship_id in by_id:
            by_id[relationship_id].has_scorecard = True
            by_id[relationship_id].results_quarter = latest.get(scorecard_id)
    for row in by_id.values():
        row.out_of_green.sort(key=lambda e: (e.zone != rules.RED, e.metric.position, e.metric.name))
        row.discrepancies.sort(key=lambda e: (e.quarter, e.metric.position), reverse=True)


def _file_result(target: RelationshipRow, item: Evaluated, latest_quarter: str | None) -> None:
    """An open discrepancy (any quarter), or a metric out of the Green Zone in the latest quarter."""
    rule, row = item.metric.rule, item.row
    sv, cv, av = row.supplier_value, row.customer_value, row.agreed_value
    if rules.is_discrepancy(sv, cv, av, rule):
        target.discrepancies.append(item)
    elif item.quarter == latest_quarter and rules.zone(rules.effective_value(sv, cv, av, rule), rule) in OUT_OF_GREEN:
        target.out_of_green.append(item)


def _attach_ratings(rows: list[RelationshipRow], ids: list[str] | None, trend: list[str], today: dt.date) -> None:
    """Each row's submitted overall colours over the trend quarters, hidden until both (one query)."""
    rating_rows = (
        ChampionRating.objects.filter(status=RatingStatus.SUBMITTED, quarter__in=trend)
        .filter(_scope(ids, "relationship_id"))
        # The overview never shows "what we must do" texts: leave them in the database.
        .values_list(_text("relationship_id"), "quarter", "side", "overall", Value(""))
    )
    ratings = _ratings_by_relationship(rating_rows, today=today)
    for row in rows:
        row.ratings = ratings.get(str(row.relationship.pk), {})
        row.latest_ratings = _latest_visible(row.ratings, trend)
        row.trend = trend


def _latest_visible(per_quarter: dict[str, QuarterRatings], trend: list[str]) -> QuarterRatings | None:
    visible = [q for q in trend if q in per_quarter and per_quarter[q].visible]
    return per_quarter[visible[-1]] if visible else None


def _attention(rows: list[RelationshipRow]) -> dict[str, Any]:
    """The "needs attention" lists (rated red, out of green, discrepancies) and their counts."""
    rated_red = [row for row in rows if row.rated_red]
    out_of_green = sorted(
        (row for row in rows if row.out_of_green),
        key=lambda row: (-sum(e.zone == rules.RED for e in row.out_of_green), -len(row.out_of_green)),
    )
    discrepancies = sorted((row for row in rows if row.discrepancies), key=lambda row: -len(row.discrepancies))
    return {
        "rated_red": rated_red[:ATTENTION_LIMIT],
        "rated_red_count": len(rated_red),
        "out_of_green": out_of_green[:ATTENTION_LIMIT],
        "out_of_green_relationships": len(out_of_green),
        "out_of_green_count": sum(len(row.out_of_green) for row in out_of_green),
        "discrepancies": discrepancies[:ATTENTION_LIMIT],
        "discrepancy_relationships": len(discrepancies),
        "discrepancy_count": sum(len(row.discrepancies) for row in discrepancies),
        "yours_count": sum(1 for row in rows if row.yours),
        "without_scorecard": sum(1 for row in rows if not row.has_scorecard),
    }


# --- One relationship -------------------------------------------------------------------------


def is_sponsor(*, membership: Membership, relationship: Relationship) -> bool:
    return bool(Sponsor.objects.filter(relationship=relationship, membership=membership).exists())


@dataclass
class MetricLine:
    """One metric of the latest quarter on the drill-down: zone, figure, trend against the quarter before."""

    metric: MetricRow
    evaluated: Evaluated | None
    previous: Evaluated | None

    @property
    def zone(self) -> str | None:
        return self.evaluated.zone if self.evaluated else None

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)

    @property
    def zone_icon(self) -> str:
        return rules.ZONE_ICONS[self.zone]

    @property
    def value(self) -> Decimal | None:
        return self.evaluated.evaluation.value if self.evaluated else None

    @property
    def fell_out_of_green(self) -> bool:
        return self.zone in OUT_OF_GREEN and self.previous is not None and self.previous.zone == rules.GREEN

    @property
    def trend(self) -> str | None:
        if self.evaluated is None or self.previous is None:
            return None
        return rules.trend(self.previous.evaluation.value, self.evaluated.evaluation.value, self.metric.rule.direction)


def relationship_dashboard(
    *, membership: Membership, relationship: Relationship, today: dt.date | None = None
) -> dict[str, Any]:
    """The drill-down of one relationship: level history, ratings, scorecard summary, discrepancies."""
    today = today or timezone.localdate()
    current = quarters.of(today)
    trend = quarters.last(TREND_QUARTERS, ending=current)
    history = list(level_changes(membership=membership, relationship=relationship)[:10])
    return {
        "relationship": relationship,
        "level_history": history,
        "trend_quarters": trend,
        "current_quarter": current,
        **_scorecard_summary(relationship, trend, current),
        **_rating_summary(relationship, trend, current, today),
    }


def _scorecard_summary(relationship: Relationship, trend: list[str], current: str) -> dict[str, Any]:
    """The latest quarter's metric lines (zone, trend), zone counts and every open discrepancy."""
    rel_q = Q(scorecard__relationship=relationship)
    governing = _load_versions(rel_q)
    metrics = _load_metrics(Q(version__scorecard__relationship=relationship))
    evaluated: list[Evaluated] = []
    for result in _result_rows(rel_q & (Q(quarter__in=trend) | DISCREPANCY_CANDIDATE)):
        item = _evaluate(result, relationship.pk, governing, metrics)
        if item is not None:
            evaluated.append(item)
    in_window = [e for e in evaluated if e.quarter in trend and e.quarter <= current]
    latest_quarter = max((e.quarter for e in in_window), default=None)
    scorecard_ids = list(governing.scorecards())
    lines: list[MetricLine] = []
    if latest_quarter and scorecard_ids:
        version_id = governing.version_id(scorecard_ids[0], latest_quarter)
        lines = _metric_lines(metrics.get(version_id, {}), in_window, latest_quarter)
    counts = dict.fromkeys(ZONES, 0)
    for line in lines:
        counts[line.zone] += 1
    discrepancies = sorted(
        (e for e in evaluated if e.evaluation.discrepancy), key=lambda e: (e.quarter, e.metric.position), reverse=True
    )
    return {
        "latest_quarter": latest_quarter,
        "has_scorecard": bool(scorecard_ids),
        "metric_lines": lines,
        "zone_counts": [
            {"zone": zone or "missing", "label": zone_label(zone), "icon": rules.ZONE_ICONS[zone], "count": count}
            for zone, count in counts.items()
        ],
        "spotlight": [line for line in lines if line.fell_out_of_green],
        "out_of_green": [line for line in lines if line.zone in OUT_OF_GREEN],
        "discrepancies": discrepancies,
    }


def _metric_lines(definitions: dict[str, MetricRow], in_window: list[Evaluated], latest: str) -> list[MetricLine]:
    """The governing metrics of the latest quarter, each with its result and the quarter before's."""
    previous_quarter = quarters.shift(latest, -1)
    now = {e.metric.key: e for e in in_window if e.quarter == latest}
    before = {e.metric.key: e for e in in_window if e.quarter == previous_quarter}
    return [
        MetricLine(metric=metric, evaluated=now.get(metric.key), previous=before.get(metric.key))
        for metric in sorted(definitions.values(), key=lambda m: (m.position, m.name))
    ]


def _rating_summary(relationship: Relationship, trend: list[str], current: str, today: dt.date) -> dict[str, Any]:
    """Both sides' overall colours over the trend quarters, hidden until both (one query)."""
    rating_rows = ChampionRating.objects.filter(
        relationship=relationship, status=RatingStatus.SUBMITTED, quarter__in=trend
    ).values_list(_text("relationship_id"), "quarter", "side", "overall", "avoid_stall")
    per_quarter = _ratings_by_relationship(rating_rows, today=today).get(str(relationship.pk), {})
    pending = per_quarter.get(current)
    chart = {
        "quarters": trend,
        "series": [
            {
                "label": SIDE_LABELS[side],
                "values": [
                    per_quarter[q].overall.get(side) if q in per_quarter and per_quarter[q].visible else None
                    for q in trend
                ],
            }
            for side in SIDES
        ],
        "colors": dict(COLOR_LABELS),
    }
    return {
        "latest_ratings": _latest_visible(per_quarter, trend),
        "pending_ratings": pending if pending is not None and not pending.visible else None,
        "rating_strip": _strip_html(trend, per_quarter),
        "rating_chart": chart,
    }
