"""Models of the scorecards area: metric templates, scorecards and their versioned definitions.

* ``MetricTemplate`` — the tenant's default metric set (admins edit it); a new scorecard copies it.
* ``Scorecard`` (one per relationship) has numbered ``ScorecardVersion``s. A version is a draft until
  both champions agree to it; changing an agreed definition creates a new draft version, and the old
  version keeps governing the quarters before the new one's ``valid_from`` quarter.
"""

from __future__ import annotations

from decimal import Decimal

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.quarters import validate_quarter
from core.tenancy import TenantScopedModel
from dashboards.rules import Rule


class Category(models.TextChoices):
    BASIC = "basic", "Blocking and tackling"
    STRATEGIC = "strategic", "Strategic"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class FigureOwner(models.TextChoices):
    SUPPLIER = "supplier", "Our company"
    CUSTOMER = "customer", "Customer"
    BOTH = "both", "Both firms"


class MetricDefinition(models.Model):
    """The fields a metric has, shared by the template and each scorecard version's metrics."""

    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.BASIC)
    unit = models.CharField(max_length=30, blank=True, help_text="e.g. %, days, ppm, €k.")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    goal = models.DecimalField(max_digits=14, decimal_places=4)
    yellow_band_pct = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Within this % of the goal (on the wrong side) counts as yellow. Empty: no yellow band.",
    )
    tolerance = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Largest difference between the two firms' figures that is not a discrepancy (metric's unit).",
    )
    basis_of_calculation = models.TextField(blank=True, help_text="How both firms agree to compute it.")
    data_source = models.CharField(max_length=200, blank=True)
    figure_owner = models.CharField(max_length=10, choices=FigureOwner.choices, default=FigureOwner.BOTH)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    def rule(self) -> Rule:
        return Rule(
            direction=self.direction,
            goal=self.goal,
            yellow_band_pct=self.yellow_band_pct,
            tolerance=self.tolerance,
            figure_owner=self.figure_owner,
        )


@pghistory.track()
class MetricTemplate(TenantScopedModel, MetricDefinition):
    """The tenant's default metric set; new scorecards start from the active templates."""

    key = models.SlugField(max_length=60, help_text="Stable identifier, e.g. on_time_delivery.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key"], name="metric_template_unique_key")]

    def __str__(self) -> str:
        return self.name


class Scorecard(TenantScopedModel):
    """The scorecard of one relationship: a sequence of versions of its metric definitions."""

    relationship = models.OneToOneField("partnering.Relationship", on_delete=models.CASCADE, related_name="scorecard")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "relationship__account"

    def __str__(self) -> str:
        return f"Scorecard · {self.relationship}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft (awaiting agreement)"
    AGREED = "agreed", "Agreed by both champions"
    SUPERSEDED = "superseded", "Superseded"


@pghistory.track()
class ScorecardVersion(TenantScopedModel):
    """One version of a scorecard's definitions; agreed when both champions have signed off."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    valid_from = models.CharField(
        max_length=6, validators=[validate_quarter], help_text="First quarter this version governs (e.g. 2026Q1)."
    )
    supplier_agreed_by = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supplier_agreed_at = models.DateTimeField(null=True, blank=True)
    customer_agreed_by = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_agreed_at = models.DateTimeField(null=True, blank=True)
    change_note = models.TextField(blank=True)
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "scorecard__relationship__account"

    class Meta:
        ordering = ["scorecard", "-number"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "number"], name="scorecard_version_unique_number")]

    def __str__(self) -> str:
        return f"v{self.number} ({self.get_status_display()})"


@pghistory.track()
class Metric(TenantScopedModel, MetricDefinition):
    """A metric definition inside one scorecard version. ``key`` is stable across versions."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="metrics")
    key = models.SlugField(max_length=60)

    customer_account_field = "version__scorecard__relationship__account"

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="metric_unique_key_per_version")]

    def __str__(self) -> str:
        return self.name
