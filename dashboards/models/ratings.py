"""Models of the ratings area: the quarterly five-colour champion rating.

``ChampionRating`` — per relationship, quarter and side: a colour per ``RatingDimension``, an overall
colour and "what we must do so the relationship does not stall". Hidden from the other side until
both are submitted or the quarter closes (``dashboards.ratings.can_see``).
"""

from __future__ import annotations

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.quarters import validate_quarter
from core.tenancy import TenantScopedModel


class Color(models.IntegerChoices):
    BRIGHT_RED = 1, "Bright Red"
    LIGHT_RED = 2, "Light Red"
    YELLOW = 3, "Yellow"
    LIGHT_GREEN = 4, "Light Green"
    BRIGHT_GREEN = 5, "Bright Green"


COLOR_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
DIVERGENCE_STEPS = 2  # two or more steps apart is flagged for discussion


@pghistory.track()
class RatingDimension(TenantScopedModel):
    """An element of the relationship table that champions rate each quarter."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="rating_dimension_unique_name")]

    def __str__(self) -> str:
        return self.name


class RatingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


@pghistory.track()
class ChampionRating(TenantScopedModel):
    """One champion's quarterly rating of the relationship (one per relationship, quarter and side)."""

    relationship = models.ForeignKey("partnering.Relationship", on_delete=models.CASCADE, related_name="ratings")
    quarter = models.CharField(max_length=6, validators=[validate_quarter])
    side = models.CharField(max_length=10, choices=[("supplier", "Our company"), ("customer", "Customer")])
    champion = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    overall = models.PositiveSmallIntegerField(
        choices=Color.choices, null=True, blank=True, validators=COLOR_VALIDATORS
    )
    avoid_stall = models.TextField(
        blank=True, help_text="What we must do so the relationship does not continue to stall."
    )
    status = models.CharField(max_length=10, choices=RatingStatus.choices, default=RatingStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "relationship__account"

    class Meta:
        ordering = ["-quarter", "side"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "quarter", "side"], name="rating_one_per_side_quarter")
        ]


@pghistory.track()
class RatingScore(TenantScopedModel):
    """The colour and comment one champion gave one dimension."""

    rating = models.ForeignKey(ChampionRating, on_delete=models.CASCADE, related_name="scores")
    dimension = models.ForeignKey(RatingDimension, on_delete=models.PROTECT, related_name="+")
    color = models.PositiveSmallIntegerField(choices=Color.choices, validators=COLOR_VALIDATORS)
    comment = models.TextField(blank=True)

    customer_account_field = "rating__relationship__account"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rating", "dimension"], name="rating_score_once")]
