"""Projects · selection: the 1–5 scores of a candidate on the selection criteria."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.tenancy import TenantScopedModel
from projects.models.projects import Project


class Criterion(models.TextChoices):
    CUSTOMER_VALUE = "customer_value", "Customer value"
    BUY_IN = "buy_in", "Customer buy-in at all levels"
    DURABILITY = "durability", "Durability against the winds of change"
    EFFORT = "effort", "Effort (lower is better)"
    DATA_AVAILABILITY = "data_availability", "Data availability"


SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class SelectionScore(TenantScopedModel):
    """One person's 1–5 scores of a candidate on the selection criteria; the customer scores too."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="selection_scores")
    scorer = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="+")
    customer_value = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    buy_in = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    durability = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    effort = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS, help_text="1 = little effort, 5 = a lot.")
    data_availability = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "project__customer_account"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "scorer"], name="selection_score_once_per_scorer")]
