"""Models · meetings: relationship meetings, their attendees and the hard questions asked."""

from __future__ import annotations

import pghistory
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel
from partnering.models.accounts import Contact
from partnering.models.relationships import Relationship


class MeetingKind(models.TextChoices):
    QUARTERLY_REVIEW = "quarterly_review", "Quarterly review"
    STEERING_TEAM = "steering_team", "Steering team"
    OTHER = "other", "Other"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


DEFAULT_QUARTERLY_AGENDA = """1. Scorecard review: metrics out of the Green Zone, trends
2. The two champions' ratings, side by side: where do we differ?
3. The hard questions
4. Future-topic progress: the short list
5. Actions: review open and overdue, agree new ones"""

HARD_QUESTIONS = (
    "In terms of your expectations and priorities, what has changed since we last met?",
    "This is what we're hearing from others in your organization in terms of priorities, and this is how we "
    "plan to react to it. Are we all on the same page?",
)


@pghistory.track()
class Meeting(TenantScopedModel):
    """A relationship meeting with a formal agenda, attendees of both firms, minutes and decisions."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.QUARTERLY_REVIEW)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=90, validators=[MaxValueValidator(24 * 60)])
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "relationship__account"

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["tenant", "relationship", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class Attendee(TenantScopedModel):
    """A person invited to (and possibly attending) a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField(default=False)

    customer_account_field = "meeting__relationship__account"

    class Meta:
        ordering = ["contact__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "contact"], name="attendee_once")]


class HardQuestion(TenantScopedModel):
    """One of the hard questions asked at a meeting, and the answer heard."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="hard_questions")
    position = models.PositiveSmallIntegerField(default=0)
    question = models.TextField()
    answer = models.TextField(blank=True)

    customer_account_field = "meeting__relationship__account"

    class Meta:
        ordering = ["position", "id"]
