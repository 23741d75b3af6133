"""Models · work: action items, future topics (scores, steering team), the app's settings and the
reminders' send-once log."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantScopedModel
from partnering.models.accounts import Contact, Side
from partnering.models.meetings import Meeting
from partnering.models.relationships import Relationship

if TYPE_CHECKING:
    from core.models import Membership


class TopicCategory(models.TextChoices):
    NEW_PRODUCT = "new_product", "New product release"
    REGULATION = "regulation", "New regulation"
    NEW_MARKET = "new_market", "New market"
    NEW_TECHNOLOGY = "new_technology", "New technology"
    COST_SAVINGS = "cost_savings", "Joint cost savings / cross-audit"
    OTHER = "other", "Other"


class TopicStatus(models.TextChoices):
    LONG_LIST = "long_list", "Long list"
    ACTIVE = "active", "Short list (active)"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


@pghistory.track()
class FutureTopic(TenantScopedModel):
    """A future-oriented topic the two firms may work on: long list → scored → short list."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=TopicCategory.choices, default=TopicCategory.OTHER)
    proposed_by_side = models.CharField(max_length=10, choices=Side.choices)
    proposed_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(max_length=20, choices=TopicStatus.choices, default=TopicStatus.LONG_LIST)
    priority = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="1 = highest."
    )
    steering_team = models.ManyToManyField(Contact, through="SteeringMember", related_name="+", blank=True)
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "relationship__account"

    class Meta:
        ordering = ["status", "priority", "title"]

    def __str__(self) -> str:
        return self.title


class SteeringMember(TenantScopedModel):
    """A member of a topic's joint steering team."""

    topic = models.ForeignKey(FutureTopic, on_delete=models.CASCADE, related_name="steering_members")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    customer_account_field = "topic__relationship__account"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "contact"], name="steering_member_once")]


SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class TopicScore(TenantScopedModel):
    """One firm's score of a topic (1–5 each): value to us, value to the customer, feasibility."""

    topic = models.ForeignKey(FutureTopic, on_delete=models.CASCADE, related_name="scores")
    side = models.CharField(max_length=10, choices=Side.choices)
    scored_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    value_to_supplier = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    value_to_customer = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    feasibility = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    scored_at = models.DateTimeField(default=timezone.now)

    customer_account_field = "topic__relationship__account"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "side"], name="topic_score_once_per_side")]

    @property
    def total(self) -> int:
        return self.value_to_supplier + self.value_to_customer + self.feasibility


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


@pghistory.track()
class ActionItem(TenantScopedModel):
    """What, who, due when: agreed at a meeting and/or part of a topic's action plan."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    topic = models.ForeignKey(FutureTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey("core.Membership", on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    internal_only = models.BooleanField(default=False, help_text="Internal actions are never shown to customers.")
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "relationship__account"

    class Meta:
        ordering = ["due_on", "title"]
        indexes = [
            models.Index(fields=["tenant", "owner", "status", "due_on"]),
            models.Index(fields=["tenant", "relationship", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @staticmethod
    def visible_filter(membership: Membership, prefix: str = "") -> Q:
        """Customers never see internal-only actions, on top of the account scope of ``visible_to``.

        The one place of that rule: every read of actions (and every count of them reached from
        another model with ``prefix``, e.g. ``"actions__"``) filters with it.
        """
        return Q(**{f"{prefix}internal_only": False}) if membership.is_customer else Q()

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class PartneringSettings(TenantScopedModel):
    """Per-tenant settings of the partnering module (one row per tenant)."""

    short_list_limit = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Most active (short-listed) future topics per relationship.",
    )
    review_reminder_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days before a quarterly review is due that champions are reminded."
    )

    class Meta:
        verbose_name_plural = "partnering settings"
        constraints = [models.UniqueConstraint(fields=["tenant"], name="partnering_settings_one_per_tenant")]


class ReminderLog(TenantScopedModel):
    """Which reminder went to whom for what, so a reminder is never sent twice."""

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, help_text="What the reminder was about, e.g. relationship id + due date.")
    recipient = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key", "recipient"], name="reminder_once")]
