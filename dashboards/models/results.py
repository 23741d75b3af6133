"""Models of the results area: quarterly results and the module's reminder settings.

* ``QuarterlyResult`` — per metric key and quarter: the supplier's and/or customer's figure and an
  agreed value; zones and discrepancies follow ``dashboards.rules``. ``row_version`` gives
  optimistic concurrency (a second save of a stale copy is refused, nothing is lost).
* ``DashboardsSettings`` — per tenant, when the results and rating reminders go out.
"""

from __future__ import annotations

import pghistory
from django.db import models

from core.quarters import validate_quarter
from core.tenancy import TenantScopedModel
from dashboards.models.scorecards import Scorecard


@pghistory.track()
class QuarterlyResult(TenantScopedModel):
    """Both firms' figures of one metric for one quarter, and the value they agreed on."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="results")
    metric_key = models.SlugField(max_length=60)
    quarter = models.CharField(max_length=6, validators=[validate_quarter])
    supplier_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    customer_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    agreed_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    note = models.TextField(blank=True)
    row_version = models.PositiveIntegerField(default=1, help_text="Optimistic concurrency: bumped on every save.")
    updated_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "scorecard__relationship__account"

    class Meta:
        ordering = ["quarter", "metric_key"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "metric_key", "quarter"], name="result_unique_per_quarter")
        ]
        indexes = [models.Index(fields=["tenant", "scorecard", "quarter"])]


class DashboardsSettings(TenantScopedModel):
    """Per-tenant reminder settings of the dashboards module."""

    rating_reminder_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days before quarter end that champions who have not rated are reminded."
    )
    results_reminder_days = models.PositiveSmallIntegerField(
        default=21, help_text="Days after quarter end that owners of missing results are reminded."
    )

    class Meta:
        verbose_name_plural = "dashboards settings"
        constraints = [models.UniqueConstraint(fields=["tenant"], name="dashboards_settings_one_per_tenant")]
