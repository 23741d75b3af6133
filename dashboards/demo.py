"""Demo content of the dashboards module, called by ``manage.py seed_demo``.

``seed_tenant(slug)`` gives every demo relationship of a tenant a scorecard from the 14 metric
templates, agreed by both champions (version 1 valid from 8 quarters ago; Northfield also has an
agreed version 2 from 2 quarters ago with a changed goal), two years of results from both firms with
a few calculation discrepancies (most resolved, some still open), and both champions' quarterly
ratings. The story is told by the numbers: Northfield improves, Blue Valley slides into the red. In
the current quarter only the supplier champion of Northfield has rated (hidden until both are in).

``seed_bench(count)`` adds a scorecard with 14 metrics × 12 quarters of results and ratings from both
sides to every relationship of the benchmark tenant, bulk-created.

The scorecard and its agreement go through ``dashboards.scorecards`` (they validate); the history
(results, ratings) is bulk-created inside the tenant context, which is much faster. Both are
idempotent: a relationship that already has a scorecard is left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pgtrigger
from django.db import transaction
from django.utils import timezone

from core import quarters
from core.demo import BENCH_SLUG, BenchOptions, DemoTenant
from core.models import Membership, Tenant
from core.tenancy import current_tenant_id, tenant_context
from dashboards import ratings, rules, scorecards
from dashboards.models import (
    ChampionRating,
    Direction,
    FigureOwner,
    Metric,
    MetricTemplate,
    QuarterlyResult,
    RatingDimension,
    RatingScore,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
    VersionStatus,
)
from partnering.models import Relationship

HISTORY_QUARTERS = 8
BENCH_QUARTERS = 12
BULK_BATCH = 2000
#: Models whose insert history is skipped for the benchmark bulk rows (see ``seed_bench``).
HISTORY_TRACKED = (ScorecardVersion, Metric, QuarterlyResult, ChampionRating, RatingScore)

#: Account name → the story its numbers tell: (first quarter's health, last quarter's health), 0..1.
STORIES: dict[str, tuple[float, float]] = {
    "Northfield Paper Mill": (0.1, 0.95),  # improving: red/yellow early, green now
    "Blue Valley Foods": (0.9, 0.15),  # sliding after the lost tender
    "Riverside Power Station": (0.6, 0.75),
    "Coastal Refining Co.": (0.55, 0.6),
    "Summit Steel Works": (0.7, 0.7),
    "Harbor Marine Yards": (0.5, 0.8),
}
DEFAULT_STORY = (0.6, 0.7)
#: Metrics whose goal is a whole number up to this are counts (projects, meetings): whole figures only.
COUNT_GOAL_LIMIT = 20
#: Relationships that get a second agreed scorecard version (a changed goal) two quarters ago.
VERSION_2 = {"Northfield Paper Mill", "Harbor Marine Yards"}
#: Relationships with a calculation discrepancy still open in the last closed quarter.
OPEN_DISCREPANCY = {"Northfield Paper Mill", "Riverside Power Station", "Blue Valley Foods", "Harbor Marine Yards"}
#: The relationship whose current-quarter rating only the supplier champion has submitted.
HALF_RATED = {"Northfield Paper Mill", "Harbor Marine Yards"}

STALL_TEXT = (
    "Hold the quarterly review on time and bring the lab data in advance.",
    "Agree the cross-audit scope before the next steering meeting.",
    "Sponsors to meet: the pricing question is blocking joint planning.",
    "Rebuild trust after the tender: weekly calls until the dosing issue is closed.",
)
COMMENTS = {
    1: "Serious problem; needs the sponsors' attention.",
    2: "Below what we agreed; we discussed it at the review.",
    3: "Mixed quarter.",
    4: "Good progress.",
    5: "Excellent; keep it up.",
}


# --- Helpers ------------------------------------------------------------------------------------


def _noise(*parts: Any) -> float:
    """A deterministic pseudo-random number in [0, 1) from ``parts`` (same data on every run)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _health(story: tuple[float, float], index: int, count: int) -> float:
    start, end = story
    return start + (end - start) * index / max(1, count - 1)


def _target_zone(health: float, *parts: Any) -> str:
    """Green / yellow / red for one cell: mostly the relationship's health, plus some noise."""
    score = health + (_noise(*parts) - 0.5) * 0.6
    if score >= 0.45:
        return rules.GREEN
    if score >= 0.2:
        return rules.YELLOW
    return rules.RED


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _value_for(metric: Any, target: str, *parts: Any) -> Decimal:
    """A figure that lands in ``target``'s zone for ``metric`` (checked against ``dashboards.rules``)."""
    goal = Decimal(metric.goal)
    magnitude = abs(goal) or Decimal(1)
    band = Decimal(metric.yellow_band_pct or 0) / Decimal(100)
    better = 1 if metric.direction == Direction.HIGHER else -1
    jitter = Decimal(str(round(_noise("jitter", *parts), 3)))
    if target == rules.GREEN:
        delta = magnitude * (Decimal("0.01") + Decimal("0.05") * jitter)
    elif target == rules.YELLOW and band:
        delta = -magnitude * band * (Decimal("0.2") + Decimal("0.6") * jitter)
    else:
        delta = -magnitude * (band + Decimal("0.05") + Decimal("0.15") * jitter)
    value = goal + better * delta
    if metric.unit.strip() == "%":
        value = min(value, Decimal(100))
    value = _q(max(value, Decimal(0)))
    if rules.zone(value, metric.rule()) != target and target == rules.GREEN:
        value = _q(goal)  # rounding or the 100 % cap pushed it out: a tie with the goal is green
    if goal == goal.to_integral_value() and abs(goal) <= COUNT_GOAL_LIMIT:
        value = _whole(value, target, metric)
    return value


def _whole(value: Decimal, target: str, metric: Any) -> Decimal:
    """Counts (projects, meetings, ideas) are whole numbers: the nearest one in the target zone if any."""
    candidates = sorted({value.to_integral_value(rounding=r) for r in (ROUND_HALF_UP, "ROUND_FLOOR", "ROUND_CEILING")})
    candidates.sort(key=lambda c: abs(c - value))
    for candidate in candidates:
        if candidate >= 0 and rules.zone(candidate, metric.rule()) == target:
            return _q(candidate)
    return _q(max(candidates[0], Decimal(0)))


def _discrepant(metric: Any, value: Decimal) -> Decimal:
    """The other firm's figure, off by clearly more than the metric's tolerance."""
    gap = max(Decimal(metric.tolerance) * 3, (abs(Decimal(metric.goal)) or Decimal(1)) * Decimal("0.08"), Decimal(1))
    gap = gap.to_integral_value(rounding="ROUND_CEILING") if value == value.to_integral_value() else gap
    other = value - gap if value - gap >= 0 else value + gap
    return _q(other)


def _result(
    tenant_id: Any,
    scorecard: Scorecard,
    metric: Any,
    quarter: str,
    value: Decimal,
    *,
    both: bool,
    discrepancy: str = "",
    author: Membership | None = None,
) -> QuarterlyResult:
    """One result row. ``discrepancy``: "" none, "open" (still disputed), "resolved" (agreed value)."""
    owner = metric.figure_owner
    supplier = value if owner in (FigureOwner.SUPPLIER, FigureOwner.BOTH) else None
    customer = value if owner in (FigureOwner.CUSTOMER, FigureOwner.BOTH) and both else None
    if owner == FigureOwner.CUSTOMER and customer is None:
        customer = value  # the customer's figure, typed in by our champion from their report
    agreed = None
    note = ""
    if discrepancy and supplier is not None:
        customer = _discrepant(metric, value)
        if discrepancy == "resolved":
            agreed = value
            note = "Recalculated together at the review; agreed on our figure (the customer had used gross volume)."
        else:
            note = "Different basis of calculation; to be settled at the next review."
    return QuarterlyResult(
        tenant_id=tenant_id,
        scorecard=scorecard,
        metric_key=metric.key,
        quarter=quarter,
        supplier_value=supplier,
        customer_value=customer,
        agreed_value=agreed,
        note=note,
        updated_by=author,
    )


def _ensure_templates() -> list[MetricTemplate]:
    scorecards.ensure_metric_templates()
    return list(MetricTemplate.objects.filter(active=True).order_by("position", "name"))


def _ensure_dimensions() -> list[RatingDimension]:
    ratings.ensure_rating_dimensions()
    return list(RatingDimension.objects.filter(active=True).order_by("position", "name"))


# --- Demo tenants -------------------------------------------------------------------------------


def seed_tenant(spec: DemoTenant) -> None:
    """Fill a demo tenant's relationships with scorecards, results and ratings; call inside its context."""
    if spec.slug not in ("aquenta", "kestrel"):
        return
    tenant_id = current_tenant_id()
    _ensure_templates()  # scorecard_create copies them
    dimensions = _ensure_dimensions()
    admin = Membership.objects.filter(role="admin").order_by("created_at").first()
    relationships = (
        Relationship.objects.filter(business_unit="")
        .select_related("account", "supplier_champion", "customer_champion")
        .order_by("account__name")
    )
    current = quarters.current()
    history = quarters.last(HISTORY_QUARTERS, ending=quarters.shift(current, -1))
    for relationship in relationships:
        if Scorecard.objects.filter(relationship=relationship).exists():
            continue  # built by an earlier run
        _seed_relationship(tenant_id, relationship, admin, dimensions, history, current)


def _seed_relationship(
    tenant_id: Any,
    relationship: Relationship,
    admin: Membership | None,
    dimensions: list[RatingDimension],
    history: list[str],
    current: str,
) -> None:
    name = relationship.account.name
    story = STORIES.get(name, DEFAULT_STORY)
    scorecard, versions = _scorecard(relationship, admin, history, current)
    supplier = relationship.supplier_champion
    customer = relationship.customer_champion
    results: list[QuarterlyResult] = []
    for index, quarter in enumerate(history):
        version = next(v for v in versions if v[0].valid_from <= quarter)
        health = _health(story, index, len(history))
        both_metrics = [m for m in version[1] if m.figure_owner == FigureOwner.BOTH]
        for metric in version[1]:
            target = _target_zone(health, name, metric.key, quarter)
            value = _value_for(metric, target, name, metric.key, quarter)
            discrepancy = ""
            if both_metrics and metric.key == both_metrics[index % len(both_metrics)].key and index in (1, 4):
                discrepancy = "resolved"
            if both_metrics and name in OPEN_DISCREPANCY and index == len(history) - 1 and metric == both_metrics[-1]:
                discrepancy = "open"
            results.append(
                _result(
                    tenant_id, scorecard, metric, quarter, value, both=True, discrepancy=discrepancy, author=supplier
                )
            )
    QuarterlyResult.objects.bulk_create(results)
    ratings, scores = [], []
    for index, quarter in enumerate(history):
        health = _health(story, index, len(history))
        for side, champion in (("supplier", supplier), ("customer", customer)):
            if champion is None:
                continue
            rating, rating_scores = _rating(tenant_id, relationship, quarter, side, champion, dimensions, health, index)
            ratings.append(rating)
            scores += rating_scores
    if name in HALF_RATED and supplier is not None:
        health = _health(story, len(history), len(history))
        rating, rating_scores = _rating(
            tenant_id, relationship, current, "supplier", supplier, dimensions, health, len(history)
        )
        ratings.append(rating)
        scores += rating_scores
    ChampionRating.objects.bulk_create(ratings)
    RatingScore.objects.bulk_create(scores)


def _submitted_at(quarter: str) -> dt.datetime:
    """Ratings of a past quarter were submitted about ten days before it ended."""
    day = quarters.end_date(quarter) - dt.timedelta(days=10)
    moment = dt.datetime.combine(min(day, timezone.localdate()), dt.time(10, 0))
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _rating(
    tenant_id: Any,
    relationship: Relationship,
    quarter: str,
    side: str,
    champion: Membership | None,
    dimensions: list[RatingDimension],
    health: float,
    index: int,
) -> tuple[ChampionRating, list[RatingScore]]:
    """One submitted rating: colours follow the relationship's health; the customer side diverges on
    one dimension now and then (two steps apart), and a very unhealthy quarter is rated red."""
    base = 1 + round(health * 4)
    rating = ChampionRating(
        tenant_id=tenant_id,
        relationship=relationship,
        quarter=quarter,
        side=side,
        champion=champion,
        status=RatingStatus.SUBMITTED,
        submitted_at=_submitted_at(quarter),
        avoid_stall=STALL_TEXT[(index + (side == "customer")) % len(STALL_TEXT)],
    )
    colors = []
    scores = []
    for position, dimension in enumerate(dimensions):
        wobble = round((_noise(relationship.pk, quarter, side, dimension.pk) - 0.5) * 2)
        color = base + wobble
        if side == "customer" and (index + position) % 5 == 0:
            color = base - 2 if base >= 3 else base + 2  # divergent: two steps from the supplier's view
        color = max(1, min(5, color))
        colors.append(color)
        scores.append(
            RatingScore(tenant_id=tenant_id, rating=rating, dimension=dimension, color=color, comment=COMMENTS[color])
        )
    rating.overall = max(1, min(5, round(sum(colors) / len(colors)))) if colors else base
    return rating, scores


def _scorecard(
    relationship: Relationship,
    admin: Membership | None,
    history: list[str],
    current: str,
) -> tuple[Scorecard, list[tuple[ScorecardVersion, list[Metric]]]]:
    """The scorecard with version 1 (and for some a version 2), agreed by both champions through the
    services; the agreement dates are then moved into the past. Returns the versions newest first,
    each with its metrics.

    Where the relationship has no customer champion (no customer login yet), the customer's sign-off
    is recorded as given on paper: the version is agreed with ``customer_agreed_at`` and no signer.
    """
    supplier_signer = relationship.supplier_champion
    if supplier_signer is None or scorecards.agree_side(supplier_signer, relationship) != "supplier":
        supplier_signer = admin  # e.g. a rep champions it: an admin signs for our side
    definer = supplier_signer if supplier_signer and scorecards.can_define(supplier_signer, relationship) else admin
    assert definer is not None and supplier_signer is not None, "the demo tenant needs an admin"
    first, second = history[0], quarters.shift(current, -2)
    agreed_at = _submitted_at(quarters.shift(first, -1))
    scorecard = scorecards.scorecard_create(
        actor=definer,
        relationship=relationship,
        valid_from=first,
        change_note="Created from the default metric set and tailored at the kick-off review.",
    )
    Scorecard.objects.filter(pk=scorecard.pk).update(created_at=agreed_at - dt.timedelta(days=7))
    version_1 = _agree(scorecard, 1, agreed_at, supplier_signer, relationship.customer_champion)
    versions = [(version_1, _metrics_of(version_1))]
    metric = versions[0][1][0] if versions[0][1] else None
    if relationship.account.name in VERSION_2 and metric is not None:
        scorecards.metric_update(
            actor=definer,
            scorecard=scorecard,
            key=metric.key,
            valid_from=second,
            change_note=f"Tightened the goal of '{metric.name}' after two quarters in the Green Zone.",
            goal=_tightened(metric),
        )
        changed_at = _submitted_at(quarters.shift(second, -1))
        version_2 = _agree(scorecard, 2, changed_at, supplier_signer, relationship.customer_champion)
        versions.insert(0, (version_2, _metrics_of(version_2)))
    return scorecard, versions


def _metrics_of(version: ScorecardVersion) -> list[Metric]:
    return list(Metric.objects.filter(version=version).order_by("position", "name"))


def _agree(
    scorecard: Scorecard,
    version_number: int,
    when: dt.datetime,
    supplier_signer: Membership,
    customer: Membership | None,
) -> ScorecardVersion:
    """Both sides sign the newest version (the customer's on paper without a customer champion),
    then the signatures are dated ``when``."""
    scorecards.scorecard_agree(actor=supplier_signer, scorecard=scorecard)
    if customer is not None:
        version = scorecards.scorecard_agree(actor=customer, scorecard=scorecard)
    else:
        version = ScorecardVersion.objects.get(scorecard=scorecard, number=version_number)
        ScorecardVersion.objects.filter(scorecard=scorecard, status=VersionStatus.AGREED).update(
            status=VersionStatus.SUPERSEDED
        )
        version.status = VersionStatus.AGREED
    ScorecardVersion.objects.filter(pk=version.pk).update(
        status=VersionStatus.AGREED,
        supplier_agreed_at=when,
        customer_agreed_at=when,
        created_at=when - dt.timedelta(days=7),
    )
    version.refresh_from_db()
    return version


def _tightened(metric: Metric) -> Decimal:
    """The metric's goal raised by 2 % of its magnitude, in the metric's direction."""
    goal = Decimal(metric.goal)
    step = _q((abs(goal) or Decimal(1)) * Decimal("0.02"))
    goal = goal + step if metric.direction == Direction.HIGHER else max(Decimal(0), goal - step)
    return min(goal, Decimal(100)) if metric.unit.strip() == "%" else goal


# --- Benchmark tenant ---------------------------------------------------------------------------


def seed_bench(_options: BenchOptions) -> dict[str, int]:  # the DemoStep signature; no option used
    """Scorecards with 12 quarters of results and both sides' ratings for every benchmark relationship
    that has none yet (bulk-created; a second run adds nothing)."""
    tenant = Tenant.objects.get(slug=BENCH_SLUG)
    with tenant_context(tenant), transaction.atomic():
        templates = _ensure_templates()
        dimensions = _ensure_dimensions()
        relationships = list(
            Relationship.objects.filter(scorecard__isnull=True)
            .select_related("account", "supplier_champion")
            .order_by("account__name")
        )
        history = quarters.last(BENCH_QUARTERS, ending=quarters.shift(quarters.current(), -1))
        rows = _BenchRows()
        for number, relationship in enumerate(relationships):
            _bench_relationship(rows, tenant.pk, number, relationship, templates, dimensions, history)
        rows.save()
    return {
        "scorecards_created": len(rows.scorecards),
        "results_created": len(rows.results),
        "ratings_created": len(rows.ratings),
    }


@dataclass
class _BenchRows:
    """The benchmark tenant's rows, collected for one bulk insert per model."""

    scorecards: list[Scorecard] = field(default_factory=list)
    versions: list[ScorecardVersion] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    results: list[QuarterlyResult] = field(default_factory=list)
    ratings: list[ChampionRating] = field(default_factory=list)
    scores: list[RatingScore] = field(default_factory=list)

    def save(self) -> None:
        # History triggers skipped for these synthetic rows: pghistory's per-row trigger opens a
        # subtransaction, which makes one huge insert transaction quadratic (200 relationships took
        # minutes instead of seconds). The demo tenants' rows above keep their history.
        with pgtrigger.ignore(*(f"dashboards.{model.__name__}:insert_insert" for model in HISTORY_TRACKED)):
            Scorecard.objects.bulk_create(self.scorecards, batch_size=BULK_BATCH)
            ScorecardVersion.objects.bulk_create(self.versions, batch_size=BULK_BATCH)
            Metric.objects.bulk_create(self.metrics, batch_size=BULK_BATCH)
            QuarterlyResult.objects.bulk_create(self.results, batch_size=BULK_BATCH)
            ChampionRating.objects.bulk_create(self.ratings, batch_size=BULK_BATCH)
            RatingScore.objects.bulk_create(self.scores, batch_size=BULK_BATCH)


def _bench_relationship(
    rows: _BenchRows,
    tenant_id: Any,
    number: int,
    relationship: Relationship,
    templates: list[MetricTemplate],
    dimensions: list[RatingDimension],
    history: list[str],
) -> None:
    """One benchmark relationship: an agreed version 1 of the templates, results and both ratings."""
    champion = relationship.supplier_champion
    agreed_at = _submitted_at(quarters.shift(history[0], -1))
    scorecard = Scorecard(tenant_id=tenant_id, relationship=relationship, created_at=agreed_at)
    version = ScorecardVersion(
        tenant_id=tenant_id,
        scorecard=scorecard,
        number=1,
        status=VersionStatus.AGREED,
        valid_from=history[0],
        supplier_agreed_by=champion,
        supplier_agreed_at=agreed_at,
        customer_agreed_at=agreed_at,
        created_by=champion,
        created_at=agreed_at,
    )
    own_metrics = [scorecards.copy_metric(t, version, position=position) for position, t in enumerate(templates)]
    rows.scorecards.append(scorecard)
    rows.versions.append(version)
    rows.metrics += own_metrics
    story = (0.3 + 0.6 * _noise("start", number), 0.2 + 0.7 * _noise("end", number))
    for index, quarter in enumerate(history):
        health = _health(story, index, len(history))
        for k, metric in enumerate(own_metrics):
            target = _target_zone(health, number, metric.key, quarter)
            value = _value_for(metric, target, number, metric.key, quarter)
            discrepancy = ""
            if metric.figure_owner == FigureOwner.BOTH and (number + index + k) % 97 == 0:
                discrepancy = "open" if index == len(history) - 1 else "resolved"
            rows.results.append(
                _result(tenant_id, scorecard, metric, quarter, value, both=True, discrepancy=discrepancy)
            )
        for side in ("supplier", "customer"):
            author = champion if side == "supplier" else None
            rating, rating_scores = _rating(tenant_id, relationship, quarter, side, author, dimensions, health, index)
            rows.ratings.append(rating)
            rows.scores += rating_scores
