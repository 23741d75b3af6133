"""Back office · analyses: one run of an engine kind on one data-set version, executed as a job."""

from __future__ import annotations

import pghistory
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from projects.models import Project
from stats_backoffice.models.datasets import DataSetVersion


class AnalysisKind(models.TextChoices):
    DESCRIBE = "describe", "Descriptive statistics"
    OLS = "ols", "Multiple linear regression"
    LOGIT = "logit", "Binary logistic regression"
    ANOVA = "anova", "One-way ANOVA"


@pghistory.track(exclude=["result"])
class Analysis(TenantScopedModel):
    """Parameters (chosen columns, never a formula), the version it ran on, its job and its result.

    ``result`` holds the engine's JSON (tables, plot samples, plain-language notes); the per-row fitted
    values and residuals live in a Parquet file (``residuals_name``) for the CSV export.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="analyses")
    version = models.ForeignKey(DataSetVersion, on_delete=models.PROTECT, related_name="analyses")
    kind = models.CharField(max_length=12, choices=AnalysisKind.choices)
    title = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    result = models.JSONField(null=True, blank=True)
    residuals_name = models.CharField(max_length=300, blank=True)
    rerun_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reruns")
    attached_item = models.ForeignKey(
        "projects.ChecklistItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attached_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "analyses"

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def status(self) -> str:
        """The job's status ("queued" … "succeeded"); "queued" before the job exists."""
        return self.job.status if self.job is not None else "queued"
