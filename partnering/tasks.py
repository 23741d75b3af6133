"""Reminders of the partnering module, run by Celery beat (never inside a request).

* Daily (``send_review_reminders``): for every tenant, a tenant task e-mails both champions of each
  relationship whose next quarterly review is due within ``PartneringSettings.review_reminder_days``
  (or already overdue) and has no planned review, once per due date.
* Weekly (``send_action_digests``): for every tenant, a tenant task e-mails each owner the list of
  their overdue open actions, once per ISO week. Customers never get internal-only actions.

The fan-out tasks only enqueue; the work runs per tenant inside ``tenant_context`` (see
``core.tasks.tenant_task``). A ``ReminderLog`` row is written in the same transaction as the
e-mail is sent, so a reminder goes out once even when a task runs twice, and a failed send is
retried the next day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.models import Membership, Tenant
from core.tasks import tenant_task
from partnering.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
    PartneringSettings,
    Relationship,
    ReminderLog,
)
from partnering.selectors import next_review_due

REVIEW_REMINDER = "review_due"
ACTION_DIGEST = "action_digest"


def _absolute(path: str) -> str:
    """Links in e-mails: prefixed with ``settings.SITE_URL`` when the deployment sets it."""
    return settings.SITE_URL.rstrip("/") + path


def _send_once(*, kind: str, key: str, recipient: Membership, subject: str, body: str) -> bool:
    """Send one e-mail unless this reminder already went to this person; True if sent."""
    email = recipient.user.email
    if not email or not recipient.user.is_active:
        return False
    with transaction.atomic():
        _, created = ReminderLog.objects.get_or_create(kind=kind, key=key, recipient=recipient)
        if not created:
            return False
        send_mail(subject, body, None, [email])  # raises → the log row is rolled back, retried next run
    return True


# --- Fan-out (beat) ---------------------------------------------------------------------------


@shared_task(name="partnering.send_review_reminders")
def send_review_reminders() -> int:
    """Daily: one ``review_reminders_for_tenant`` per tenant. Returns the number enqueued."""
    tenant_ids = [str(pk) for pk in Tenant.objects.values_list("pk", flat=True)]
    for tenant_id in tenant_ids:
        review_reminders_for_tenant.delay(tenant_id)
    return len(tenant_ids)


@shared_task(name="partnering.send_action_digests")
def send_action_digests() -> int:
    """Weekly: one ``action_digest_for_tenant`` per tenant. Returns the number enqueued."""
    tenant_ids = [str(pk) for pk in Tenant.objects.values_list("pk", flat=True)]
    for tenant_id in tenant_ids:
        action_digest_for_tenant.delay(tenant_id)
    return len(tenant_ids)


# --- Per tenant -------------------------------------------------------------------------------


@tenant_task()
def review_reminders_for_tenant(tenant: Tenant) -> int:
    """E-mail both champions of every relationship whose quarterly review is due and unplanned."""
    today = timezone.localdate()
    now = timezone.now()
    partnering_settings = PartneringSettings.objects.first()
    window = partnering_settings.review_reminder_days if partnering_settings else 14
    reviews = Meeting.objects.filter(relationship=OuterRef("pk"), kind=MeetingKind.QUARTERLY_REVIEW)
    relationships = (
        Relationship.objects.select_related("account", "supplier_champion__user", "customer_champion__user")
        .annotate(
            last_review=Subquery(
                reviews.filter(status=MeetingStatus.HELD, starts_at__lte=now)
                .order_by("-starts_at")
                .values("starts_at")[:1]
            ),
            review_planned=Exists(reviews.filter(status=MeetingStatus.PLANNED, starts_at__gte=now)),
        )
        .filter(review_planned=False)
    )
    sent = 0
    for relationship in relationships:
        last: dt.datetime | None = relationship.last_review  # type: ignore[attr-defined]
        due = next_review_due(relationship, last.date() if last else None)
        if due > today + dt.timedelta(days=window):
            continue
        path = reverse("partnering:relationship-detail", kwargs={"tenant_slug": tenant.slug, "pk": relationship.pk})
        for champion in (relationship.supplier_champion, relationship.customer_champion):
            if champion is None:
                continue
            context = {
                "recipient": champion,
                "relationship": relationship,
                "due": due,
                "overdue": due < today,
                "last_review": last,
                "tenant": tenant,
                "url": _absolute(path),
            }
            subject = f"Quarterly review {'overdue' if due < today else 'due'}: {relationship} ({due:%d %b %Y})"
            body = render_to_string("partnering/email/review_reminder.txt", context)
            sent += _send_once(
                kind=REVIEW_REMINDER,
                key=f"{relationship.pk}:{due.isoformat()}",
                recipient=champion,
                subject=subject,
                body=body,
            )
    return sent


@tenant_task()
def action_digest_for_tenant(tenant: Tenant) -> int:
    """E-mail every owner their overdue open actions, once per ISO week."""
    today = timezone.localdate()
    year, week, _ = today.isocalendar()
    overdue = (
        ActionItem.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
        .select_related("owner__user", "relationship__account")
        .order_by("due_on", "title")
    )
    by_owner: dict[Any, list[ActionItem]] = defaultdict(list)
    owners: dict[Any, Membership] = {}
    for action in overdue:
        owner = action.owner
        if owner.is_customer and (action.internal_only or action.relationship.account_id != owner.customer_account_id):
            continue  # customers never hear of internal-only actions or other accounts' work
        by_owner[owner.pk].append(action)
        owners[owner.pk] = owner
    sent = 0
    actions_path = reverse("partnering:my-actions", kwargs={"tenant_slug": tenant.slug})
    for owner_pk, actions in by_owner.items():
        owner = owners[owner_pk]
        rows = [
            {
                "title": action.title,
                "relationship": str(action.relationship),
                "due_on": action.due_on,
                "days_late": (today - action.due_on).days,
                "status": action.get_status_display(),
            }
            for action in actions
        ]
        context = {"recipient": owner, "rows": rows, "tenant": tenant, "url": _absolute(actions_path)}
        subject = f"{len(rows)} overdue action{'s' if len(rows) != 1 else ''} in {tenant.name}"
        body = render_to_string("partnering/email/action_digest.txt", context)
        sent += _send_once(kind=ACTION_DIGEST, key=f"{year}-W{week:02d}", recipient=owner, subject=subject, body=body)
    return sent
