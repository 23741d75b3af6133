"""Partnering's work on the job runner (``core.jobs``): the reminder runs, one job per tenant.

Beat's fan-outs (``partnering.tasks.send_review_reminders`` daily, ``send_action_digests`` weekly)
enqueue one job per tenant and kind; enqueue-once means a run still queued or going is not started
a second time, and each run's outcome (e-mails sent, or the error) stays on its job row for the
program office. The work itself is ``partnering.work``'s.
"""

from __future__ import annotations

from core.jobs import JobContext, job_handler
from core.tenancy import current_tenant
from partnering import work


@job_handler("partnering.review_reminders", queue="default", label="Quarterly review reminders")
def review_reminders(job: JobContext) -> dict[str, int]:
    """E-mail both champions of every relationship whose quarterly review is due and unplanned."""
    job.progress(10, "Finding the reviews that are due")
    return {"sent": work.review_reminders_send(tenant=current_tenant())}


@job_handler("partnering.action_digests", queue="default", label="Overdue-action digests")
def action_digests(job: JobContext) -> dict[str, int]:
    """E-mail every owner their overdue open actions, once per ISO week."""
    job.progress(10, "Collecting the overdue actions")
    return {"sent": work.action_digests_send(tenant=current_tenant())}
