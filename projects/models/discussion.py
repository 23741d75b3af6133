"""Projects · discussion: comments, attachments, the activity feed and customer feedback."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from projects.models.projects import Phase, Project
from projects.models.selection import SCORE_VALIDATORS
from projects.models.workflow import TollgateReview


class ProjectComment(TenantScopedModel):
    """A comment on a project; internal-only comments never reach customer participants."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()
    internal_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["created_at"]


def attachment_upload_to(instance: ProjectAttachment, _filename: str) -> str:
    """A generated name: the uploader's file name is kept only in ``original_name``."""
    return f"projects/{instance.tenant_id}/{instance.project_id}/{uuid.uuid4().hex}"


class ProjectAttachment(TenantScopedModel):
    """A file on a project: size- and type-checked, stored under a generated name, served as a download."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    internal_only = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class ProjectActivity(TenantScopedModel):
    """One line of a project's activity feed ("Ana validated a benefit"). Written by services only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=40, help_text="Machine-readable kind, e.g. 'tollgate.approved'.")
    summary = models.CharField(max_length=300)
    internal_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "project activity"


class CustomerFeedback(TenantScopedModel):
    """The customer's word at a tollgate or at closing (seed 001: "seek constant customer feedback")."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="feedback")
    review = models.ForeignKey(
        TollgateReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    phase = models.CharField(max_length=12, choices=Phase.choices, help_text="The phase the feedback is about.")
    author = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(
        validators=SCORE_VALIDATORS, help_text="1 = very dissatisfied … 5 = very satisfied."
    )
    what_worked = models.TextField(blank=True)
    what_to_change = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "phase", "author"], name="feedback_once_per_phase_and_author"),
        ]
