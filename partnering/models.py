"""Partnering: customer accounts, the contact Rolodex, strategic relationships and how they are run.

Everything here is tenant-owned (``TenantScopedModel``) and reaches customer participants only
through ``customer_account_field``. Fields named ``internal_notes`` (and rows flagged
``internal_only``) are for the supplier's people only: serializers, templates, exports and e-mails
drop them for customer participants (see ``partnering.visibility``).
"""

from __future__ import annotations

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel


class Side(models.TextChoices):
    SUPPLIER = "supplier", "Our company"
    CUSTOMER = "customer", "Customer"


@pghistory.track()
class CustomerAccount(TenantScopedModel):
    """A customer company of the tenant. Customer participants are bound to one account."""

    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True)
    owner = models.ForeignKey(
        "core.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_accounts",
        help_text="The account owner: a rep of our company.",
    )
    description = models.TextField(blank=True)
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "pk"

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="customer_account_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Contact(TenantScopedModel):
    """A person in the one tenant-wide Rolodex: of a customer account, or of our own company."""

    account = models.ForeignKey(
        CustomerAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
        help_text="Empty for people of our own company.",
    )
    full_name = models.CharField(max_length=150)
    title = models.CharField(max_length=150, blank=True)
    function = models.CharField(max_length=100, blank=True, help_text="e.g. Operations, Quality, Procurement.")
    geography = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    membership = models.OneToOneField(
        "core.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        help_text="The person's login in this workspace, if they have one.",
    )
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "account"

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["tenant", "account", "full_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def side(self) -> str:
        return Side.SUPPLIER if self.account_id is None else Side.CUSTOMER


class ActivityChannel(models.TextChoices):
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "E-mail"
    VISIT = "visit", "Site visit"
    OTHER = "other", "Other"


class ContactActivity(TenantScopedModel):
    """Who talked to a contact, when, about what. Internal only, visible to every internal user."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="activities")
    author = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    occurred_on = models.DateField(default=timezone.localdate)
    channel = models.CharField(max_length=20, choices=ActivityChannel.choices, default=ActivityChannel.CALL)
    summary = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = None  # internal only

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name_plural = "contact activities"

    def __str__(self) -> str:
        return f"{self.contact} · {self.occurred_on}"


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
