"""Projects · projects: the project itself (phases, flags, people), its customer team and the
tenant's projects settings (flag thresholds, selection weights, attachment limit, belt rules)."""

from __future__ import annotations

import pghistory
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.tenancy import TenantScopedModel


class BeltLevel(models.TextChoices):
    GREEN = "green", "Green Belt"
    BLACK = "black", "Black Belt"


class Phase(models.TextChoices):
    CANDIDATE = "candidate", "Candidate"
    DEFINE = "define", "Define"
    MEASURE = "measure", "Measure"
    ANALYZE = "analyze", "Analyze"
    IMPROVE = "improve", "Improve"
    CONTROL = "control", "Control"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


#: The order a project moves in; each step is one tollgate. Cancelled is off to the side.
PHASE_ORDER: list[str] = [
    Phase.CANDIDATE,
    Phase.DEFINE,
    Phase.MEASURE,
    Phase.ANALYZE,
    Phase.IMPROVE,
    Phase.CONTROL,
    Phase.CLOSED,
]


#: Phases with deliverables (a checklist) and a tollgate at their end.
DMAIC_PHASES: list[str] = [Phase.DEFINE, Phase.MEASURE, Phase.ANALYZE, Phase.IMPROVE, Phase.CONTROL]


OPEN_PHASES: list[str] = [Phase.CANDIDATE, *DMAIC_PHASES]


BOARD_COLUMNS: list[str] = PHASE_ORDER  # Candidate … Closed


def next_phase(phase: str) -> str | None:
    """The phase a tollgate approval moves to, or None at the end / for cancelled projects."""
    if phase not in PHASE_ORDER or phase == Phase.CLOSED:
        return None
    return PHASE_ORDER[PHASE_ORDER.index(phase) + 1]


class WaitingKind(models.TextChoices):
    CUSTOMER_APPROVAL = "customer_approval", "Waiting for customer approval"
    REGULATORY_APPROVAL = "regulatory_approval", "Waiting for regulatory approval"
    DATA = "data", "Waiting for data"


class CreditOwner(models.TextChoices):
    """Who gets the belt certification credit for a project (seed 000: "deconflict ownership")."""

    UNSETTLED = "unsettled", "Not settled yet"
    SUPPLIER = "supplier", "Our candidate"
    CUSTOMER = "customer", "Customer's own CI program"
    BOTH = "both", "Both"


class ProjectsSettings(TenantScopedModel):
    """Per-tenant settings of the projects module (one row per tenant): flags, selection weights, belt rules."""

    stalled_after_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="An open project with no activity for this many days is flagged as stalled.",
    )
    long_running_days = models.PositiveSmallIntegerField(
        default=365,
        validators=[MinValueValidator(30), MaxValueValidator(3650)],
        help_text="An open project older than this is flagged as long-running.",
    )
    # Selection weights (0–10). Effort counts inversely: less effort scores higher.
    weight_customer_value = models.PositiveSmallIntegerField(default=5, validators=[MaxValueValidator(10)])
    weight_buy_in = models.PositiveSmallIntegerField(default=4, validators=[MaxValueValidator(10)])
    weight_durability = models.PositiveSmallIntegerField(default=3, validators=[MaxValueValidator(10)])
    weight_effort = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(10)])
    weight_data_availability = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(10)])
    # Attachments
    attachment_max_mb = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(50)], help_text="Largest attachment accepted."
    )
    default_currency = models.CharField(max_length=3, default="EUR")
    # Belt rules
    green_belt_closed_projects = models.PositiveSmallIntegerField(
        default=1, help_text="Closed projects a Green Belt candidate must have led."
    )
    green_belt_requires_validated_benefits = models.BooleanField(
        default=True, help_text="At least one of those projects must have a customer-validated benefit."
    )
    black_belt_closed_projects = models.PositiveSmallIntegerField(
        default=2, help_text="Closed Black Belt projects a Black Belt candidate must have led."
    )
    black_belt_requires_green_belt = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "projects settings"
        constraints = [models.UniqueConstraint(fields=["tenant"], name="projects_settings_one_per_tenant")]

    def __str__(self) -> str:
        return "Projects settings"


@pghistory.track()
class Project(TenantScopedModel):
    """An improvement project run with one customer account.

    Only ``customer_account``, ``title``, ``problem_statement``, ``belt_level`` and ``lead`` are
    required (the quick log); everything else is filled in as the project goes. Denormalised
    fields (``phase_entered_at``, ``last_activity_at``, ``waiting_kind``, ``tollgate_pending``,
    ``selection_score``) are maintained by the services (``projects.projects``, ``projects.workflow``,
    ``projects.selection``) so the board and list stay one query each.
    """

    customer_account = models.ForeignKey(
        "partnering.CustomerAccount", on_delete=models.PROTECT, related_name="projects"
    )
    relationship = models.ForeignKey(
        "partnering.Relationship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text="The account's strategic relationship this project serves, if any.",
    )
    title = models.CharField(max_length=200)
    problem_statement = models.TextField()
    goal_statement = models.TextField(blank=True)
    scope = models.TextField(blank=True)
    # The customer-process redesign in three dimensions (seed 002)
    redesign_what = models.TextField("what work is done", blank=True)
    redesign_who = models.TextField("who does it", blank=True)
    redesign_how = models.TextField("how (enabling technology)", blank=True)
    belt_level = models.CharField(max_length=10, choices=BeltLevel.choices, default=BeltLevel.GREEN)
    lead = models.ForeignKey(
        "core.Membership",
        on_delete=models.PROTECT,
        related_name="led_projects",
        help_text="The rep leading the project.",
    )
    coach = models.ForeignKey(
        "core.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coached_projects",
        help_text="The Black Belt coach who reviews the tollgates.",
    )
    customer_sponsor = models.ForeignKey(
        "core.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_projects",
        help_text="A customer participant of the account; confirms benefits and gives feedback.",
    )
    customer_team = models.ManyToManyField(
        "partnering.Contact",
        through="TeamMember",
        blank=True,
        related_name="projects",
        help_text="Customer people working on the project (contacts of the account).",
    )
    solution_area = models.ForeignKey(
        "knowledge.SolutionArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    is_pilot = models.BooleanField(default=False, help_text="An early pilot of the program.")
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.CANDIDATE, db_index=True)
    cancel_reason = models.TextField(blank=True)
    phase_entered_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    waiting_kind = models.CharField(
        max_length=24, choices=WaitingKind.choices, blank=True, help_text="Set while an open waiting period runs."
    )
    tollgate_pending = models.BooleanField(default=False, help_text="A tollgate of the current phase awaits the coach.")
    selection_score = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Weighted selection score 0–100."
    )
    credit_owner = models.CharField(max_length=12, choices=CreditOwner.choices, default=CreditOwner.UNSETTLED)
    credit_note = models.TextField(blank=True)
    credit_settled_by = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credit_settled_at = models.DateTimeField(null=True, blank=True)
    started_on = models.DateField(default=timezone.localdate)
    target_end_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    internal_notes = models.TextField(blank=True, help_text="Never shown to customer participants.")
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    customer_account_field = "customer_account"

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["tenant", "phase", "phase_entered_at"]),
            models.Index(fields=["tenant", "customer_account"]),
            models.Index(fields=["tenant", "lead"]),
            models.Index(fields=["tenant", "coach"]),
            models.Index(fields=["tenant", "last_activity_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.phase in OPEN_PHASES

    @property
    def days_in_phase(self) -> int:
        return max(0, (timezone.now() - self.phase_entered_at).days)

    @property
    def credit_settled(self) -> bool:
        return self.credit_owner != CreditOwner.UNSETTLED


class TeamMember(TenantScopedModel):
    """A customer contact on a project's team (a tenant-owned through row, so RLS covers it)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team_members")
    contact = models.ForeignKey("partnering.Contact", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=120, blank=True, help_text="e.g. process owner, data owner.")

    customer_account_field = "project__customer_account"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "contact"], name="team_member_once")]
