"""Projects: Green/Black Belt improvement projects run together with one customer account.

A project is logged quickly (a handful of fields) as a *candidate*, scored with the customer on
weighted selection criteria, then runs through DMAIC (Define, Measure, Analyze, Improve, Control)
to Closed, or is Cancelled with a reason. Each phase ends with a tollgate review by the project's
coach; a phase is never skipped. Benefits count as validated only when the customer sponsor
confirms them. Belt candidates, cohorts and certifications live here too.

Customer participants reach rows only through ``customer_account_field`` (their own account's
projects). ``internal_notes`` fields and rows flagged ``internal_only`` are for our people only.
Writes go through ``projects.services``; reads through ``projects.selectors``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
    ``selection_score``) are maintained by ``projects.services`` so the board and list stay one
    query each.
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


class PhaseVisit(TenantScopedModel):
    """One stay of a project in a phase: time in each phase (cycle times) comes from these."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phase_visits")
    phase = models.CharField(max_length=12, choices=Phase.choices)
    entered_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["entered_at"]

    @property
    def duration(self) -> dt.timedelta:
        return (self.left_at or timezone.now()) - self.entered_at


class ChecklistTemplateItem(TenantScopedModel):
    """A default deliverable of a DMAIC phase for this tenant; copied onto every new project."""

    phase = models.CharField(max_length=12, choices=[(p, Phase(p).label) for p in DMAIC_PHASES])
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["phase", "position", "title"]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}: {self.title}"


class ChecklistItem(TenantScopedModel):
    """A deliverable of one phase of one project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="checklist")
    phase = models.CharField(max_length=12, choices=[(p, Phase(p).label) for p in DMAIC_PHASES])
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    done = models.BooleanField(default=False)
    done_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class WaitingPeriod(TenantScopedModel):
    """A span in which the project waits on someone else (approval, regulator, data)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="waiting_periods")
    kind = models.CharField(max_length=24, choices=WaitingKind.choices)
    reason = models.TextField()
    started_on = models.DateField(default=timezone.localdate)
    expected_end_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    phase = models.CharField(max_length=12, choices=Phase.choices, help_text="The phase the project was in.")
    created_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(ended_on__isnull=True), name="waiting_one_open_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} since {self.started_on}"


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "Awaiting the coach"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned with comments"
    WITHDRAWN = "withdrawn", "Withdrawn"


@pghistory.track()
class TollgateReview(TenantScopedModel):
    """The lead submits a phase for review; the project's coach approves (project advances) or returns it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    phase = models.CharField(max_length=12, choices=Phase.choices, help_text="The phase being closed.")
    submitted_by = models.ForeignKey("core.Membership", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    summary = models.TextField(blank=True, help_text="What the lead says was delivered.")
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices, default=ReviewDecision.PENDING)
    decided_by = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True, help_text="The coach's comments; required when returning.")

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=models.Q(decision="pending"), name="tollgate_one_pending_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_phase_display()} tollgate"


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


class CoachExpertise(TenantScopedModel):
    """A coach knows a solution area (coaches have different backgrounds, seed 000 step 4)."""

    coach = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="expertise")
    area = models.ForeignKey("knowledge.SolutionArea", on_delete=models.CASCADE, related_name="experts")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coach", "area"], name="coach_expertise_unique")]

    def __str__(self) -> str:
        return f"{self.coach} · {self.area}"


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


class ProjectComment(TenantScopedModel):
    """A comment on a project; internal-only comments never reach customer participants."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()
    internal_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["created_at"]


def attachment_upload_to(instance: ProjectAttachment, filename: str) -> str:
    """A generated name: the uploader's file name is kept only in ``original_name``."""
    import uuid

    return f"projects/{instance.tenant_id}/{instance.project_id}/{uuid.uuid4().hex}"


class ProjectAttachment(TenantScopedModel):
    """A file on a project: size- and type-checked, stored under a generated name, served as a download."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    internal_only = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class ProjectActivity(TenantScopedModel):
    """One line of a project's activity feed ("Ana validated a benefit"). Written by services only."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    verb = models.CharField(max_length=40, help_text="Machine-readable kind, e.g. 'tollgate.approved'.")
    summary = models.CharField(max_length=300)
    internal_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "project activity"


class Notification(TenantScopedModel):
    """Something a person should look at (a tollgate to review, a returned phase, a benefit to
    validate); shown on their home page and also sent by e-mail through Celery."""

    recipient = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="notifications")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notifications", null=True)
    verb = models.CharField(max_length=40)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    customer_account_field = "recipient__customer_account"

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "recipient", "read_at"])]


class CustomerFeedback(TenantScopedModel):
    """The customer's word at a tollgate or at closing (seed 001: "seek constant customer feedback")."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="feedback")
    review = models.ForeignKey(
        TollgateReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback"
    )
    phase = models.CharField(max_length=12, choices=Phase.choices, help_text="The phase the feedback is about.")
    author = models.ForeignKey("core.Membership", on_delete=models.SET_NULL, null=True, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(
        validators=SCORE_VALIDATORS, help_text="1 = very dissatisfied … 5 = very satisfied."
    )
    what_worked = models.TextField(blank=True)
    what_to_change = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    customer_account_field = "project__customer_account"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "phase", "author"], name="feedback_once_per_phase_and_author"),
        ]


# --- Belts -------------------------------------------------------------------------------------


class Cohort(TenantScopedModel):
    """A group of belt candidates trained together."""

    name = models.CharField(max_length=120)
    belt_level = models.CharField(max_length=10, choices=BeltLevel.choices, default=BeltLevel.GREEN)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    coach = models.ForeignKey(
        "core.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="coached_cohorts"
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="cohort_unique_name")]

    def __str__(self) -> str:
        return self.name


class TrainingModule(TenantScopedModel):
    """A module of the belt curriculum (tailored: selecting projects with the customer, buy-in, …)."""

    belt_level = models.CharField(max_length=10, choices=BeltLevel.choices, default=BeltLevel.GREEN)
    name = models.CharField(max_length=150)
    position = models.PositiveSmallIntegerField(default=0)
    is_required = models.BooleanField(default=True)

    class Meta:
        ordering = ["belt_level", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "belt_level", "name"], name="training_module_unique")]

    def __str__(self) -> str:
        return self.name


class CandidateStatus(models.TextChoices):
    TRAINING = "training", "In training"
    CERTIFIED = "certified", "Certified"
    WITHDRAWN = "withdrawn", "Withdrawn"


class BeltCandidate(TenantScopedModel):
    """A person of our company working towards a belt in a cohort."""

    member = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="belt_candidacies")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="candidates")
    target_belt = models.CharField(max_length=10, choices=BeltLevel.choices, default=BeltLevel.GREEN)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.TRAINING)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["cohort", "member__user__email"]
        constraints = [
            models.UniqueConstraint(fields=["member", "target_belt"], name="belt_candidate_once_per_belt"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.get_target_belt_display()}"


class ModuleCompletion(TenantScopedModel):
    """A candidate completed a training module."""

    candidate = models.ForeignKey(BeltCandidate, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    completed_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "module"], name="module_completed_once")]


@pghistory.track()
class Certification(TenantScopedModel):
    """A Green or Black Belt awarded with a coach's sign-off. Certified Black Belts join the coach pool."""

    member = models.ForeignKey("core.Membership", on_delete=models.CASCADE, related_name="certifications")
    belt_level = models.CharField(max_length=10, choices=BeltLevel.choices)
    certified_on = models.DateField(default=timezone.localdate)
    signed_off_by = models.ForeignKey("core.Membership", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(BeltCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    projects = models.ManyToManyField(
        Project, through="CertificationProject", blank=True, related_name="certifications"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-certified_on"]
        constraints = [models.UniqueConstraint(fields=["member", "belt_level"], name="certification_once_per_belt")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_belt_level_display()}"


class CertificationProject(TenantScopedModel):
    """A project counted towards a certification."""

    certification = models.ForeignKey(Certification, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["certification", "project"], name="certification_project_once")]
