"""Reminders of the dashboards module, run by Celery beat (never inside a request).

* Daily (``send_rating_reminders``): for every tenant, a tenant task e-mails each champion who has
  not yet *submitted* their rating of the current quarter for one or more of their relationships,
  once the quarter is within ``DashboardsSettings.rating_reminder_days`` of its end. One e-mail per
  person and quarter, listing the relationships.
* Daily (``send_results_reminders``): once ``results_reminder_days`` have passed since the end of the
  last quarter, each champion who owns figures still missing for that quarter (per metric
  ``figure_owner``: our figures → the supplier champion, the customer's → the customer champion)
  gets one e-mail listing the metrics, once per quarter.

Who is owed what comes from the areas (``ratings.ratings_due``, ``results.figures_owed``); this
module groups it per person and sends. The e-mails are plain text: they never say what the other
champion rated (ratings stay hidden until both are in) and carry no internal notes. Like
``partnering.tasks``, the fan-out only enqueues — one job per tenant on the job runner
(``dashboards/jobs.py``: enqueued once, its outcome kept on the job row); each e-mail is logged in
``partnering.models.ReminderLog`` in the same transaction it is sent in
(``partnering.work.reminder_send_once``), so a re-run sends nothing twice and a failed send is retried.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import quarters
from core.http import absolute_url
from core.jobs import job_enqueue_in_every_tenant
from core.models import Membership, Tenant
from core.tasks import tenant_task
from dashboards.models import DashboardsSettings
from dashboards.ratings import ratings_due
from dashboards.results import figures_owed
from partnering.models import Relationship
from partnering.work import reminder_send_once

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


def _by_recipient(
    tenant: Tenant, quarter: str, url_name: str, rows: Iterable[tuple[Relationship, Membership, dict[str, Any]]]
) -> dict[Any, Recipient]:
    """One entry per person: their relationships (with ``extra``) and the page to act on for each."""
    recipients: dict[Any, Recipient] = {}
    for relationship, member, extra in rows:
        path = reverse(
            f"dashboards:{url_name}", kwargs={"tenant_slug": tenant.slug, "pk": relationship.pk, "quarter": quarter}
        )
        entry = recipients.setdefault(member.pk, Recipient(member))
        entry.items.append({"relationship": str(relationship), **extra, "url": absolute_url(path)})
    return recipients


# --- Fan-out (beat) ---------------------------------------------------------------------------


@shared_task(name="dashboards.send_rating_reminders")
def send_rating_reminders() -> int:
    """Daily: one ``dashboards.rating_reminders`` job per tenant (``dashboards/jobs.py``). Returns the tenants."""
    return job_enqueue_in_every_tenant(kind="dashboards.rating_reminders")


@shared_task(name="dashboards.send_results_reminders")
def send_results_reminders() -> int:
    """Daily: one ``dashboards.results_reminders`` job per tenant (``dashboards/jobs.py``). Returns the tenants."""
    return job_enqueue_in_every_tenant(kind="dashboards.results_reminders")


# --- Per tenant -------------------------------------------------------------------------------


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
    due: Iterable[tuple[Relationship, Membership, dict[str, Any]]] = (
        (relationship, champion, {}) for relationship, _side, champion in ratings_due(quarter)
    )
    recipients = _by_recipient(tenant, quarter, "rating-edit", due)
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
        sent += reminder_send_once(
            kind=RATING_REMINDER,
            key=quarter,
            recipient=entry.membership,
            subject=subject,
            body=render_to_string("dashboards/ratings/email/rating_reminder.txt", context),
        )
    return sent


@tenant_task()
def results_reminders_for_tenant(tenant: Tenant, today: str | None = None) -> int:
    """E-mail the owners of figures still missing for the last closed quarter, once per quarter."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    quarter = quarters.shift(quarters.of(day), -1)
    _, results_days = _settings()
    if day < quarters.end_date(quarter) + dt.timedelta(days=results_days):
        return 0
    owed = ((relationship, owner, {"metrics": names}) for relationship, owner, names in figures_owed(quarter))
    recipients = _by_recipient(tenant, quarter, "scorecard-results", owed)
    sent = 0
    for entry in recipients.values():
        total = sum(len(item["metrics"]) for item in entry.items)
        context = {"recipient": entry.membership, "quarter": quarter, "rows": entry.items, "tenant": tenant}
        subject = f"{total} {quarter} result{'s' if total != 1 else ''} still missing in {tenant.name}"
        sent += reminder_send_once(
            kind=RESULTS_REMINDER,
            key=quarter,
            recipient=entry.membership,
            subject=subject,
            body=render_to_string("dashboards/results/email/results_reminder.txt", context),
        )
    return sent
