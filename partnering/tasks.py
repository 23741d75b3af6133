"""Reminders of the partnering module, run by Celery beat (never inside a request).

* Daily (``send_review_reminders``): for every tenant, a tenant task e-mails both champions of each
  relationship whose next quarterly review is due within ``PartneringSettings.review_reminder_days``
  (or already overdue) and has no planned review, once per due date.
* Weekly (``send_action_digests``): for every tenant, a tenant task e-mails each owner the list of
  their overdue open actions, once per ISO week. Customers never get internal-only actions.

The fan-out tasks only enqueue one job per tenant on the job runner (``partnering/jobs.py``:
enqueued once, the outcome kept on the job row); the work runs per tenant inside ``tenant_context``
and is done by ``partnering.work``, which records every e-mail in a
``ReminderLog`` row in the same transaction it is sent in (``work.reminder_send_once``), so a
reminder goes out once even when a task runs twice, and a failed send is retried the next day.
"""

from __future__ import annotations

from celery import shared_task

from core.jobs import job_enqueue_in_every_tenant
from core.models import Tenant
from core.tasks import tenant_task
from partnering import work

# --- Fan-out (beat) ---------------------------------------------------------------------------


@shared_task(name="partnering.send_review_reminders")
def send_review_reminders() -> int:
    """Daily: one ``partnering.review_reminders`` job per tenant (``partnering/jobs.py``). Returns the tenants."""
    return job_enqueue_in_every_tenant(kind="partnering.review_reminders")


@shared_task(name="partnering.send_action_digests")
def send_action_digests() -> int:
    """Weekly: one ``partnering.action_digests`` job per tenant (``partnering/jobs.py``). Returns the tenants."""
    return job_enqueue_in_every_tenant(kind="partnering.action_digests")


# --- Per tenant -------------------------------------------------------------------------------


@tenant_task()
def review_reminders_for_tenant(tenant: Tenant) -> int:
    """E-mail both champions of every relationship whose quarterly review is due and unplanned."""
    return work.review_reminders_send(tenant=tenant)


@tenant_task()
def action_digest_for_tenant(tenant: Tenant) -> int:
    """E-mail every owner their overdue open actions, once per ISO week."""
    return work.action_digests_send(tenant=tenant)
