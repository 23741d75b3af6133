"""Models · relationships: the relationship with an account, its dated level changes, its executive
sponsors and its roster."""

from __future__ import annotations

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from partnering.models.accounts import Contact, CustomerAccount, Side


class Level(models.TextChoices):
    TRANSACTIONAL = "transactional", "Transactional"
    PREFERRED = "preferred", "Preferred supplier"
    STRONG_PREFERRED = "strong_preferred", "Strong preferred supplier"
    STRATEGIC = "strategic", "Strategic partner"


LEVEL_ORDER = [Level.TRANSACTIONAL, Level.PREFERRED, Level.STRONG_PREFERRED, Level.STRATEGIC]


@pghistory.track()
class Relationship(TenantScopedModel):
    """The strategic supplier–customer relationship with one account (or one of its business units).

    Carries the relationship management plan's *who* (champions, sponsors, roster) and *when*
    (review cadence); the *what* lives in meetings, action items and future topics.
    """

    account = models.ForeignKey(CustomerAccount, on_delete=models.CASCADE, related_name="relationships")
    business_unit = models.CharField(max_length=150, blank=True, help_text="Empty for the whole account.")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.TRANSACTIONAL)
    supplier_champion = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    customer_champion = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_cadence_months = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(12)], help_text="Quarterly (3) by default."
    )
    plan_summary = models.TextField(blank=True, help_text="The management plan: what, who, when.")
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "account"

    class Meta:
        ordering = ["account__name", "business_unit"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "account", "business_unit"], name="relationship_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.account} – {self.business_unit}" if self.business_unit else str(self.account)

    @property
    def past_transactional(self) -> bool:
        return self.level != Level.TRANSACTIONAL


class LevelChange(TenantScopedModel):
    """A dated change of a relationship's level: the history executives read progression from."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    to_level = models.CharField(max_length=20, choices=Level.choices)
    changed_on = models.DateField(default=timezone.localdate)
    changed_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "relationship__account"

    class Meta:
        ordering = ["-changed_on", "-created_at"]


MAX_SPONSORS_PER_SIDE = 3


class Sponsor(TenantScopedModel):
    """An executive sponsor of a relationship, on our side or the customer's (at most three a side)."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="sponsors")
    membership = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)

    customer_account_field = "relationship__account"

    class Meta:
        ordering = ["side", "membership__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "membership"], name="sponsor_once_per_relationship"),
        ]


class RosterEntry(TenantScopedModel):
    """A person on the relationship's roster, across functions and geographies, with their role."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="roster")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="roster_entries")
    role = models.CharField(max_length=150, help_text="Their role in the relationship, e.g. 'Quality lead'.")
    is_point_person = models.BooleanField(default=False)

    customer_account_field = "relationship__account"

    class Meta:
        ordering = ["-is_point_person", "contact__full_name"]
        verbose_name_plural = "roster entries"
        constraints = [
            models.UniqueConstraint(fields=["relationship", "contact"], name="roster_once_per_relationship"),
        ]
