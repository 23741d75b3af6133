"""Dashboards' work on the job runner (``core.jobs``): the daily reminder runs, one job per tenant.

Beat's fan-outs (``dashboards.tasks.send_rating_reminders`` / ``send_results_reminders``) enqueue one
job per tenant and kind; enqueue-once means a run that is still queued or going is not started a
second time, and each run's outcome (e-mails sent, or the error) stays on its job row for the program
office (admin "Jobs", ``GET /api/v1/t/<slug>/jobs/?kind=dashboards.rating_reminders``).
"""

from __future__ import annotations

from core.jobs import JobContext, job_handler
from core.tenancy import current_tenant_id
from dashboards import tasks


@job_handler("dashboards.rating_reminders", queue="default", label="Rating reminders")
def rating_reminders(job: JobContext, *, today: str | None = None) -> dict[str, int]:
    """E-mail the champions whose rating of this quarter is due (``tasks.rating_reminders_for_tenant``)."""
    job.progress(10, "Finding the champions whose rating is due")
    return {"sent": tasks.rating_reminders_for_tenant(str(current_tenant_id()), today)}


@job_handler("dashboards.results_reminders", queue="default", label="Results reminders")
def results_reminders(job: JobContext, *, today: str | None = None) -> dict[str, int]:
    """E-mail the owners of figures still missing for the last quarter (``tasks.results_reminders_for_tenant``)."""
    job.progress(10, "Finding the figures still missing")
    return {"sent": tasks.results_reminders_for_tenant(str(current_tenant_id()), today)}
