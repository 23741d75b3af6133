"""Celery tasks of the projects app.

``send_notification_emails`` e-mails the notifications a service just created (tollgate submitted,
returned, approved; benefit to validate; feedback asked). It runs after the transaction commits
(``core.tasks.enqueue_on_commit``) and is idempotent: each notification is e-mailed once, marked
by ``emailed_at`` in the same transaction as the send.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.models import Tenant
from core.tasks import tenant_task
from projects.models import Notification


@tenant_task()
def send_notification_emails(tenant: Tenant, notification_ids: list[str]) -> int:
    """E-mail each not-yet-e-mailed notification to its recipient; returns how many were sent."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(of=("self",))
                .select_related("recipient__user", "project")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            user = notification.recipient.user
            if not user.email or not user.is_active:
                continue
            link = ""
            if notification.project_id is not None:
                path = reverse("projects:detail", kwargs={"tenant_slug": tenant.slug, "pk": notification.project_id})
                link = settings.SITE_URL.rstrip("/") + path
            context: dict[str, Any] = {"notification": notification, "tenant": tenant, "link": link, "user": user}
            body = render_to_string("projects/workflow/email/notification.txt", context)
            send_mail(f"[{tenant.name}] {notification.message}", body, None, [user.email])
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent
