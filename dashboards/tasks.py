"""Reminders of the dashboards module, run by Celery beat (never inside a request).

* Daily (``send_rating_reminders``): for every tenant, a tenant task e-mails each champion who has
  not yet *submitted* their rating of the current quarter for one or more of their relationships,
  once the quarter is within ``DashboardsSettings.rating_reminder_days`` of its end. One e-mail per
  person and quarter, listing the relationships.
* Daily (``send_results_reminders``): once ``results_reminder_days`` have passed since the end of the
  last quarter, each champion who owns figures still missing for that quarter (per metric
  ``figure_owner``: our figures → the supplier champion, the customer's → the customer champion)
  gets one e-mail listing the metrics, once per quarter.

The e-mails are plain text: they never say what the other champion rated (ratings stay hidden until
both are in) and carry no internal notes. Like ``partnering.tasks``, the fan-out only enqueues; each
e-mail is logged in ``partnering.models.ReminderLog`` in the same transaction it is sent in
(``partnering.tasks._send_once``), so a re-run sends nothing twice and a failed send is retried.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import quarters
from core.http import absolute_url as _absolute
from core.models import Membership, Tenant
from core.tasks import tenant_task
from dashboards.models import (
    ChampionRating,
    DashboardsSettings,
    FigureOwner,
    Metric,
    QuarterlyResult,
    RatingStatus,
    Scorecard,
    ScorecardVersion,
    VersionStatus,
)
from partnering.models import Relationship
from partnering.work import reminder_send_once as _send_once

RATING_REMINDER = "dashboards_rating_due"
RESULTS_REMINDER = "dashboards_results_missing"
DEFAULT_RATING_DAYS = 14
DEFAULT_RESULTS_DAYS = 21


def _settings() -> tuple[int, int]:
    """(rating_reminder_days, results_reminder_days) of the active tenant; model defaults when unset."""
    row = DashboardsSettings.objects.first()
    if row is None:
        return DEFAULT_RATING_DAYS, DEFAULT_RESULTS_DAYS
    return row.rating_reminder_days, row.results_reminder_days


@dataclass
class Recipient:
    membership: Membership
    items: list[dict[str, Any]] = field(default_factory=list)


# --- Fan-out (beat) ---------------------------------------------------------------------------


@shared_task(name="dashboards.send_rating_reminders")
def send_rating_reminders() -> int:
    """Daily: one ``rating_reminders_for_tenant`` per tenant. Returns the number enqueued."""
    tenant_ids = [str(pk) for pk in Tenant.objects.values_list("pk", flat=True)]
    for tenant_id in tenant_ids:
        rating_reminders_for_tenant.delay(tenant_id)
    return len(tenant_ids)


@shared_task(name="dashboards.send_results_reminders")
def send_results_reminders() -> int:
    """Daily: one ``results_reminders_for_tenant`` per tenant. Returns the number enqueued."""
    tenant_ids = [str(pk) for pk in Tenant.objects.values_list("pk", flat=True)]
    for tenant_id in tenant_ids:
        results_reminders_for_tenant.delay(tenant_id)
    return len(tenant_ids)


# --- Per tenant -------------------------------------------------------------------------------


def _champions(relationship: Relationship) -> list[tuple[str, Membership]]:
    pairs = [("supplier", relationship.supplier_champion), ("customer", relationship.customer_champion)]
    return [(side, member) for side, member in pairs if member is not None]


@tenant_task()
def rating_reminders_for_tenant(tenant: Tenant, today: str | None = None) -> int:
    """E-mail champions who have not submitted this quarter's rating, near the quarter's end.

    ``today`` (ISO date) lets tests and operators run it for another day; beat never passes it.
    """
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    quarter = quarters.of(day)
    end = quarters.end_date(quarter)
    rating_days, _ = _settings()
    if day < end - dt.timedelta(days=rating_days):
        return 0
    submitted = set(
        ChampionRating.objects.filter(quarter=quarter, status=RatingStatus.SUBMITTED).values_list(
            "relationship_id", "side"
        )
    )
    relationships = Relationship.objects.select_related(
        "account", "supplier_champion__user", "customer_champion__user"
    ).order_by("account__name", "business_unit")
    recipients: dict[Any, Recipient] = {}
    for relationship in relationships:
        for side, champion in _champions(relationship):
            if (relationship.pk, side) in submitted:
                continue
            path = reverse(
                "dashboards:rating-edit",
                kwargs={"tenant_slug": tenant.slug, "pk": relationship.pk, "quarter": quarter},
            )
            entry = recipients.setdefault(champion.pk, Recipient(champion))
            entry.items.append({"relationship": str(relationship), "url": _absolute(path)})
    sent = 0
    for entry in recipients.values():
        count = len(entry.items)
        context = {
            "recipient": entry.membership,
            "quarter": quarter,
            "end": end,
            "days_left": (end - day).days,
            "rows": entry.items,
            "tenant": tenant,
        }
        subject = f"Your {quarter} relationship rating is due by {end:%d %b %Y}" + (
            f" ({count} relationships)" if count > 1 else f": {entry.items[0]['relationship']}"
        )
        sent += _send_once(
            kind=RATING_REMINDER,
            key=quarter,
            recipient=entry.membership,
            subject=subject,
            body=render_to_string("dashboards/email/rating_reminder.txt", context),
        )
    return sent


def governing_versions(scorecards: list[Scorecard], quarter: str) -> dict[Any, ScorecardVersion]:
    """Scorecard id → the agreed version that governs ``quarter`` (the latest agreed one that started
    by then; superseded versions were agreed and keep governing their own quarters)."""
    versions = (
        ScorecardVersion.objects.filter(
            scorecard__in=scorecards,
            status__in=[VersionStatus.AGREED, VersionStatus.SUPERSEDED],
            valid_from__lte=quarter,
        )
        .exclude(supplier_agreed_at=None)
        .order_by("scorecard_id", "-valid_from", "-number")
    )
    chosen: dict[Any, ScorecardVersion] = {}
    for version in versions:
        chosen.setdefault(version.scorecard_id, version)
    return chosen


def _missing(metric: Metric, result: QuarterlyResult | None) -> list[str]:
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


@tenant_task()
def results_reminders_for_tenant(tenant: Tenant, today: str | None = None) -> int:
    """E-mail the owners of figures still missing for the last closed quarter, once per quarter."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    quarter = quarters.shift(quarters.of(day), -1)
    _, results_days = _settings()
    if day < quarters.end_date(quarter) + dt.timedelta(days=results_days):
        return 0
    scorecards = list(
        Scorecard.objects.select_related(
            "relationship__account",
            "relationship__supplier_champion__user",
            "relationship__customer_champion__user",
        ).order_by("relationship__account__name", "relationship__business_unit")
    )
    versions = governing_versions(scorecards, quarter)
    metrics: dict[Any, list[Metric]] = defaultdict(list)
    for metric in Metric.objects.filter(version__in=list(versions.values())).order_by("position", "name"):
        metrics[metric.version_id].append(metric)
    results = {
        (r.scorecard_id, r.metric_key): r
        for r in QuarterlyResult.objects.filter(scorecard__in=list(versions), quarter=quarter)
    }
    recipients: dict[Any, Recipient] = {}
    for scorecard in scorecards:
        version = versions.get(scorecard.pk)
        if version is None:
            continue  # no agreed scorecard for that quarter: nothing is owed yet
        relationship = scorecard.relationship
        owners = dict(_champions(relationship))
        owed: dict[str, list[str]] = defaultdict(list)
        for metric in metrics[version.pk]:
            for side in _missing(metric, results.get((scorecard.pk, metric.key))):
                if side in owners:
                    owed[side].append(f"{metric.name}" + (f" ({metric.unit})" if metric.unit else ""))
        if not owed:
            continue
        path = reverse(
            "dashboards:scorecard-results",
            kwargs={"tenant_slug": tenant.slug, "pk": relationship.pk, "quarter": quarter},
        )
        for side, names in owed.items():
            member = owners[side]
            entry = recipients.setdefault(member.pk, Recipient(member))
            entry.items.append({"relationship": str(relationship), "metrics": names, "url": _absolute(path)})
    sent = 0
    for entry in recipients.values():
        total = sum(len(item["metrics"]) for item in entry.items)
        context = {"recipient": entry.membership, "quarter": quarter, "rows": entry.items, "tenant": tenant}
        subject = f"{total} {quarter} result{'s' if total != 1 else ''} still missing in {tenant.name}"
        sent += _send_once(
            kind=RESULTS_REMINDER,
            key=quarter,
            recipient=entry.membership,
            subject=subject,
            body=render_to_string("dashboards/email/results_reminder.txt", context),
        )
    return sent
