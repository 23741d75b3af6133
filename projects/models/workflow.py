"""Projects · workflow: phase visits, checklists, waiting periods, tollgate reviews and notifications."""

from __future__ import annotations

import datetime as dt

import pghistory
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from projects.models.projects import DMAIC_PHASES, Phase, Project, WaitingKind


class PhaseVisit(TenantScopedModel):
    """One stay of a project in a phase: time in each phase (cycle times) comes from these."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phase_visits")
    phase = models.CharField(max_length=12, choices=Phase.choices)
    entered_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["entered_at"]

    @property
    def duration(self) -> dt.timedelta:
        return (self.left_at or timezone.now()) - self.entered_at


class ChecklistTemplateItem(TenantScopedModel):
    """A default deliverable of a DMAIC phase for this tenant; copied onto every new project."""

    phase = models.CharField(max_length=12, choices=[(p, Phase(p).label) for p in DMAIC_PHASES])
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["phase", "position", "title"]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.title}"


class ChecklistItem(TenantScopedModel):
    """A deliverable of one phase of one project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checklist")
    phase = models.CharField(max_length=12, choices=[(p, Phase(p).label) for p in DMAIC_PHASES])
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(default=False)
    done_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class WaitingPeriod(TenantScopedModel):
    """A span in which the project waits on someone else (approval, regulator, data)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="waiting_periods")
    kind = models.CharField(max_length=24, choices=WaitingKind.choices)
    reason = models.TextField()
    started_on = models.DateField(default=timezone.localdate)
    expected_end_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices, help_text="The phase the project was in.")
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(ended_on__isnull=True), name="waiting_one_open_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} since {self.started_on}"


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "Awaiting the coach"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with comments"
    WITHDRAWN = "withdrawn", "Withdrawn"


@pghistory.track()
class TollgateReview(TenantScopedModel):
    """The lead submits a phase for review; the project's coach approves (project advances) or returns it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    phase = models.CharField(max_length=12, choices=Phase.choices, help_text="The phase being closed.")
    submitted_by = models.ForeignKey("core.Membership", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    summary = models.TextField(blank=True, help_text="What the lead says was delivered.")
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices, default=ReviewDecision.PENDING)
    decided_by = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True, help_text="The coach's comments; required when returning.")

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(decision="pending"), name="tollgate_one_pending_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_phase_display()} tollgate"


class Notification(TenantScopedModel):
    """Something a person should look at (a tollgate to review, a returned phase, a benefit to
    validate); shown on their home page and also sent by e-mail through Celery."""

    recipient = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="notifications")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notifications", null=True)
    verb = models.CharField(max_length=40)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "recipient__customer_account"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"])]
