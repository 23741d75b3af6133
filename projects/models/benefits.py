"""Projects · benefits: a project's benefits (estimated by us, validated by the customer sponsor)."""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from projects.models.projects import Project


class BenefitKind(models.TextChoices):
    HARD_SAVINGS = "hard_savings", "Hard savings"
    COST_AVOIDANCE = "cost_avoidance", "Cost avoidance"
    REVENUE = "revenue", "Revenue"
    QUALITY = "quality", "Quality"
    OTHER = "other", "Other"


class BenefitStatus(models.TextChoices):
    ESTIMATED = "estimated", "Estimated"
    VALIDATED = "validated", "Validated by the customer"
    DISPUTED = "disputed", "Disputed by the customer"


#: ISO 4217 codes accepted for amounts; anything else is refused with a clear message.
CURRENCIES: list[tuple[str, str]] = [
    ("EUR", "Euro"),
    ("USD", "US dollar"),
    ("GBP", "Pound sterling"),
    ("CHF", "Swiss franc"),
    ("SEK", "Swedish krona"),
    ("NOK", "Norwegian krone"),
    ("DKK", "Danish krone"),
    ("PLN", "Polish złoty"),
    ("CAD", "Canadian dollar"),
    ("AUD", "Australian dollar"),
    ("JPY", "Japanese yen"),
    ("CNY", "Chinese yuan"),
    ("INR", "Indian rupee"),
    ("BRL", "Brazilian real"),
    ("MXN", "Mexican peso"),
    ("ZAR", "South African rand"),
]


NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


@pghistory.track()
class Benefit(TenantScopedModel):
    """A benefit of a project. It counts as *validated* only when the customer sponsor confirms it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(max_length=20, choices=BenefitKind.choices)
    description = models.CharField(max_length=300)
    period_start = models.DateField()
    period_end = models.DateField()
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    estimated_amount = models.DecimalField(max_digits=14, decimal_places=2, validators=NON_NEGATIVE)
    validated_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=NON_NEGATIVE
    )
    status = models.CharField(max_length=10, choices=BenefitStatus.choices, default=BenefitStatus.ESTIMATED)
    scorecard = models.ForeignKey(
        "dashboards.Scorecard",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The relationship scorecard holding the metric this benefit moves.",
    )
    metric_key = models.SlugField(max_length=60, blank=True, help_text="The scorecard metric it moves (stable key).")
    validated_by = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    validated_at = models.DateTimeField(null=True, blank=True)
    customer_comment = models.TextField(blank=True)
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["period_start", "created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(estimated_amount__gte=0), name="benefit_estimate_not_negative"),
            models.CheckConstraint(
                condition=models.Q(validated_amount__isnull=True) | models.Q(validated_amount__gte=0),
                name="benefit_validated_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="benefit_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.description
