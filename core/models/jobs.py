"""The job row of the long-work runner (``core.jobs``): one row per piece of long work.

A request never waits for long work (a statistical analysis, a large export): it enqueues a job,
answers at once and people watch the row's progress. The row is the single source of truth about
that work; the Celery message only carries the job's id. See docs/architecture.md, "Jobs".
"""

from __future__ import annotations

from typing import ClassVar

import pghistory
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantScopedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


#: A job in one of these states still has work ahead of it (at most one per kind and subject).
ACTIVE_STATUSES: tuple[str, ...] = (JobStatus.QUEUED, JobStatus.RUNNING)
#: End states are final: the runner and the sweeper never change such a row again.
FINISHED_STATUSES: tuple[str, ...] = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


# Progress, stage and heartbeat change every few seconds while a job runs; keeping them out of the
# snapshot (and so out of the update trigger's condition) records the life cycle — queued, running,
# cancel requested, finished — without thousands of heartbeat events per job.
@pghistory.track(exclude=["progress", "stage", "heartbeat_at"])
class Job(TenantScopedModel):
    """One piece of long work: what (``kind`` + ``params``), about what (subject), and how it went."""

    kind = models.CharField(max_length=100, help_text='Registered handler name, e.g. "stats.analysis".')
    subject_type = models.CharField(
        max_length=100, blank=True, default="", help_text='"app_label.model" of the subject, empty for none.'
    )
    subject_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    stage = models.CharField(max_length=200, blank=True, default="")
    params = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    result = models.JSONField(
        null=True, blank=True, encoder=DjangoJSONEncoder, help_text="A reference to what the job produced (ids)."
    )
    error = models.TextField(blank=True, default="", help_text="For people; the traceback is in the worker log.")
    created_by = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_account = models.ForeignKey(
        "partnering.CustomerAccount",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Customer participants of this account see the job; empty: internal only.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, default="", help_text="hostname:pid of the last attempt.")
    task_id = models.CharField(max_length=64, blank=True, default="")
    queue = models.CharField(max_length=200, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)

    customer_account_field: ClassVar[str | None] = "customer_account"

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="job_tenant_created"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
        ]
        constraints = [
            # Enqueue once: the advisory lock in ``core.jobs.job_enqueue`` serialises the check; this
            # is the backstop. NULLs not distinct, so a job without a subject counts once too.
            models.UniqueConstraint(
                fields=["tenant", "kind", "subject_type", "subject_id"],
                condition=Q(status__in=ACTIVE_STATUSES),
                nulls_distinct=False,
                name="job_one_active_per_subject",
            ),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="job_progress_0_100"),
            models.CheckConstraint(
                condition=(Q(subject_type="") & Q(subject_id__isnull=True))
                | (~Q(subject_type="") & Q(subject_id__isnull=False)),
                name="job_subject_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES
