"""Projects · projects: the project itself — services (quick log, edit, customer team, the activity
feed) and selectors (the one scoped project queryset with its flags, the list's filters and sorting,
the coach pool, the home and account widgets) that every other area of the app builds on.

Area-specific writes and reads live next door: ``workflow.py`` (tollgates, checklists, waiting,
cancel, credit, phase changes, notifications), ``selection.py``, ``coaching.py``, ``benefits.py``,
``discussion.py``, ``belts.py``, ``board.py`` and ``program.py``. This module imports none of them,
so each of them may import it.

Services are keyword-only and atomic, validate with ``full_clean()``, check that every person and
object handed in belongs to the active tenant (and, for customer participants, to the project's
account), and raise ``ValidationError`` with field messages on bad input; nothing is written then.
Every write that changes a project calls ``activity_record`` so the feed and ``last_activity_at``
(the stalled flag) stay true.

``projects_for(membership)`` is the one base queryset of projects for a member: scoped to the tenant
and (for customer participants) their account, with the people and area joined and the *stalled* /
*long-running* / *credit unsettled* flags computed in SQL, so a list or board costs one query
whatever its size. ``filter_projects(queryset, params)`` reads the list's query string (any mapping
with ``get``), applies what it understands and returns ``(queryset, active_filters)``: a bad value (a
malformed id, an unknown phase, an area of another tenant) is ignored and explained in
``active_filters.errors``; it never raises. The board uses the same filters (without ``phase``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from core.members import internal_members
from core.models import Membership, Role
from core.parsing import parse_uuid, query_value
from core.service_helpers import apply_fields, check_same_tenant, model_update, require, save_validated
from core.tenancy import current_tenant_id
from knowledge.models import SolutionArea
from partnering.models import Contact, CustomerAccount, Relationship
from projects.defaults import DEFAULT_CHECKLIST
from projects.models import (
    DMAIC_PHASES,
    OPEN_PHASES,
    PHASE_ORDER,
    BeltLevel,
    Certification,
    ChecklistItem,
    ChecklistTemplateItem,
    CreditOwner,
    CustomerFeedback,
    Phase,
    PhaseVisit,
    Project,
    ProjectActivity,
    ProjectsSettings,
    TeamMember,
    WaitingKind,
)

# --- Tenant settings and default checklists -------------------------------------------------


def settings_for_tenant() -> ProjectsSettings:
    """The tenant's projects settings (flags, selection weights, attachments, belt rules); created
    with the defaults the first time."""
    settings: ProjectsSettings = ProjectsSettings.objects.get_or_create(tenant_id=current_tenant_id())[0]
    return settings


def checklist_templates_ensure() -> list[ChecklistTemplateItem]:
    """The tenant's default deliverables; seeded from ``defaults.DEFAULT_CHECKLIST`` the first time."""
    items = list(ChecklistTemplateItem.objects.filter(is_active=True))
    if items or ChecklistTemplateItem.objects.exists():
        return items
    for phase, titles in DEFAULT_CHECKLIST.items():
        for position, title in enumerate(titles):
            items.append(save_validated(ChecklistTemplateItem(phase=phase, title=title, position=position)))
    return items


# --- People rules ---------------------------------------------------------------------------


def check_internal(person: Membership | None, field: str) -> None:
    """``person`` (if any) is someone of our company in this workspace, not a customer participant."""
    if person is None:
        return
    check_same_tenant(person, field)
    if person.is_customer:
        raise ValidationError({field: "This must be someone of our company, not a customer participant."})


def project_rules(project: Project) -> None:
    """The cross-row rules of a project's people and links (the services and the admin apply them):
    lead and coach are our people, the coach is in the coach pool and not the lead, the sponsor is a
    customer participant of the account, the relationship is the account's."""
    check_same_tenant(project.customer_account, "customer_account")
    check_internal(project.lead, "lead")
    check_internal(project.coach, "coach")
    if project.coach is not None and not is_coach(project.coach):
        raise ValidationError({"coach": "Only coaches and certified Black Belts can coach a project."})
    if project.coach_id is not None and project.coach_id == project.lead_id:
        raise ValidationError({"coach": "The lead cannot coach their own project."})
    sponsor = project.customer_sponsor
    if sponsor is not None:
        check_same_tenant(sponsor, "customer_sponsor")
        if not sponsor.is_customer or sponsor.customer_account_id != project.customer_account_id:
            raise ValidationError(
                {"customer_sponsor": "The customer sponsor must be a customer participant of this account."}
            )
    relationship = project.relationship
    if relationship is not None:
        check_same_tenant(relationship, "relationship")
        if relationship.account_id != project.customer_account_id:
            raise ValidationError({"relationship": "That relationship is with another customer account."})
    check_same_tenant(project.solution_area, "solution_area")


def check_in_workspace(actor: Membership, project: Project, *, own_account: bool = False) -> None:
    """Actor and project belong to the active workspace (else "Not found": nothing is named); with
    ``own_account``, a customer participant reaches only their own account's projects."""
    if actor.tenant_id != current_tenant_id() or project.tenant_id != current_tenant_id():
        raise PermissionDenied("Not found in this workspace.")
    if own_account and actor.is_customer and actor.customer_account_id != project.customer_account_id:
        raise PermissionDenied("Not found in this workspace.")


def _check_can_edit(actor: Membership, project: Project) -> None:
    require(actor, "projects.edit")
    check_in_workspace(actor, project)


# --- Projects -------------------------------------------------------------------------------

#: What the quick log and the edit form may set (in the model's order); the edit form, the API
#: serializer and the admin derive their writable fields from it. Phase, flags and credit have
#: their own services.
PROJECT_FIELDS: tuple[str, ...] = (
    "customer_account",
    "relationship",
    "title",
    "problem_statement",
    "goal_statement",
    "scope",
    "redesign_what",
    "redesign_who",
    "redesign_how",
    "belt_level",
    "lead",
    "coach",
    "customer_sponsor",
    "solution_area",
    "is_pilot",
    "started_on",
    "target_end_on",
    "internal_notes",
)
#: Fields of ``Project`` that only the services write (phase, flags, credit, history): read-only
#: everywhere else (API, admin).
PROJECT_SERVICE_FIELDS: tuple[str, ...] = tuple(
    f.name
    for f in Project._meta.concrete_fields
    if f.name not in PROJECT_FIELDS and f.name not in ("id", "tenant", "updated_at")
)


@transaction.atomic
def project_log(
    *,
    actor: Membership,
    customer_account: CustomerAccount,
    title: str,
    problem_statement: str,
    belt_level: str = BeltLevel.GREEN,
    lead: Membership | None = None,
    **fields: Any,
) -> Project:
    """The quick log: a new *candidate* from a handful of fields; the lead defaults to the actor.

    If the account has exactly one relationship, the project is tied to it.
    """
    require(actor, "projects.log")
    project = Project(
        customer_account=customer_account,
        title=(title or "").strip(),
        problem_statement=(problem_statement or "").strip(),
        belt_level=belt_level,
        lead=lead or actor,
        created_by=actor,
    )
    apply_fields(project, fields, PROJECT_FIELDS)
    check_same_tenant(customer_account, "customer_account")
    if (
        project.relationship_id is None
        and customer_account is not None
        and customer_account.tenant_id == current_tenant_id()
    ):
        relationships = list(Relationship.objects.filter(account=customer_account)[:2])
        if len(relationships) == 1:
            project.relationship = relationships[0]
    project_rules(project)
    now = timezone.now()
    project.phase = Phase.CANDIDATE
    project.phase_entered_at = now
    project.last_activity_at = now
    save_validated(project)
    PhaseVisit.objects.create(project=project, phase=Phase.CANDIDATE, entered_at=now)
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                tenant_id=project.tenant_id, project=project, phase=t.phase, title=t.title, position=t.position
            )
            for t in checklist_templates_ensure()
        ]
    )
    activity_record(
        project=project, actor=actor, verb="project.logged", summary=f"{actor.user.display_name} logged the project"
    )
    return project


def _prepare_project(project: Project) -> None:
    for name in ("title", "problem_statement"):
        setattr(project, name, (getattr(project, name) or "").strip())
    project_rules(project)


@transaction.atomic
def project_update(*, actor: Membership, project: Project, **fields: Any) -> Project:
    """Change a project's descriptive fields (not its phase). Customer participants cannot edit.

    A refused change leaves ``project`` as it was (``model_update``)."""
    _check_can_edit(actor, project)
    changed = [name for name, value in fields.items() if getattr(project, name, object()) != value]
    model_update(instance=project, data=fields, allowed=PROJECT_FIELDS, prepare=_prepare_project)
    if changed:
        labels = ", ".join(
            sorted(
                str(getattr(Project._meta.get_field(n), "verbose_name", n)) for n in changed if n != "internal_notes"
            )
        )
        activity_record(
            project=project,
            actor=actor,
            verb="project.updated",
            summary=f"{actor.user.display_name} updated {labels or 'internal notes'}",
            internal_only=changed == ["internal_notes"],
        )
    return project


@transaction.atomic
def team_set(*, actor: Membership, project: Project, contacts: Iterable[Contact]) -> list[TeamMember]:
    """Replace the customer team with ``contacts`` (contacts of the project's account)."""
    _check_can_edit(actor, project)
    contacts = list(contacts)
    for contact in contacts:
        check_same_tenant(contact, "customer_team")
        if contact.account_id != project.customer_account_id:
            raise ValidationError({"customer_team": f"{contact} is not a contact of {project.customer_account}."})
    TeamMember.objects.filter(project=project).exclude(contact__in=contacts).delete()
    existing = set(TeamMember.objects.filter(project=project).values_list("contact_id", flat=True))
    TeamMember.objects.bulk_create(
        [TeamMember(tenant_id=project.tenant_id, project=project, contact=c) for c in contacts if c.pk not in existing]
    )
    activity_record(
        project=project,
        actor=actor,
        verb="project.team",
        summary=f"{actor.user.display_name} updated the customer team",
    )
    return team_of(project)


def team_of(project: Project) -> list[TeamMember]:
    """The project's customer team (contacts joined), by name. One query."""
    return list(TeamMember.objects.filter(project=project).select_related("contact").order_by("contact__full_name"))


# --- The activity feed ----------------------------------------------------------------------


def activity_record(
    *, project: Project, actor: Membership | None, verb: str, summary: str, internal_only: bool = False
) -> ProjectActivity:
    """Append a line to the project's feed and mark the project active now (the stalled flag)."""
    now = timezone.now()
    entry: ProjectActivity = ProjectActivity.objects.create(
        project=project, actor=actor, verb=verb, summary=summary[:300], internal_only=internal_only, created_at=now
    )
    Project.objects.filter(pk=project.pk).update(last_activity_at=now)
    project.last_activity_at = now
    return entry


# --- Selectors: the member's projects with their flags --------------------------------------

Thresholds = tuple[dt.datetime, dt.date]


def flag_thresholds() -> Thresholds:
    """(last activity before this → stalled, started before this → long-running) for the tenant."""
    settings = settings_for_tenant()
    now = timezone.now()
    return (
        now - dt.timedelta(days=settings.stalled_after_days),
        timezone.localdate() - dt.timedelta(days=settings.long_running_days),
    )


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def with_flags(queryset: QuerySet[Project], thresholds: Thresholds | None = None) -> QuerySet[Project]:
    """Annotate ``is_stalled``, ``is_long_running`` and ``credit_unsettled`` (booleans, in SQL)."""
    thresholds = thresholds or flag_thresholds()
    return queryset.annotate(
        is_stalled=_flag(stalled_q(thresholds)),
        is_long_running=_flag(long_running_q(thresholds)),
        credit_unsettled=_flag(Q(phase__in=DMAIC_PHASES, credit_owner=CreditOwner.UNSETTLED)),
    )


def stalled_q(thresholds: Thresholds) -> Q:
    return Q(phase__in=OPEN_PHASES, last_activity_at__lt=thresholds[0])


def long_running_q(thresholds: Thresholds) -> Q:
    return Q(phase__in=OPEN_PHASES, started_on__lt=thresholds[1])


def projects_scoped(membership: Membership) -> QuerySet[Project]:
    """Every project ``membership`` may see (the tenant's; a customer participant's: their account's),
    nothing joined: the one place the customer-account scope of projects is applied."""
    rows: QuerySet[Project] = Project.objects.visible_to(membership)
    return rows


def projects_for(membership: Membership, *, thresholds: Thresholds | None = None) -> QuerySet[Project]:
    """Every project ``membership`` may see, people joined and flags annotated."""
    return with_flags(
        projects_scoped(membership).select_related(
            "customer_account", "relationship", "lead__user", "coach__user", "customer_sponsor__user", "solution_area"
        ),
        thresholds,
    )


# --- Selectors: people and choices ----------------------------------------------------------


def coach_pool_q() -> Q:
    """Who can coach: members with the coach role and certified Black Belts (seed 000 step 7)."""
    certified_bb = Certification.objects.filter(member=OuterRef("pk"), belt_level=BeltLevel.BLACK)
    return Q(role=Role.COACH) | Q(Exists(certified_bb), ~Q(role=Role.CUSTOMER))


def coach_pool() -> QuerySet[Membership]:
    pool: QuerySet[Membership] = (
        Membership.objects.filter(coach_pool_q()).select_related("user").order_by("user__full_name", "user__email")
    )
    return pool


def is_coach(membership: Membership) -> bool:
    if membership.is_customer:
        return False
    if membership.role == Role.COACH:
        return True
    return bool(Certification.objects.filter(member=membership, belt_level=BeltLevel.BLACK).exists())


def customer_accounts(membership: Membership) -> QuerySet[CustomerAccount]:
    """The customer accounts the member may see, by name (the list filters' choices)."""
    accounts: QuerySet[CustomerAccount] = CustomerAccount.objects.visible_to(membership).order_by("name")
    return accounts


def filter_people() -> dict[str, list[Membership]]:
    """Leads (our people) and coaches (the coach pool) for the list's filter selects, in one query."""
    people: list[Membership] = list(
        internal_members().annotate(in_pool=Exists(Membership.objects.filter(coach_pool_q(), pk=OuterRef("pk"))))
    )
    return {"leads": people, "coaches": [p for p in people if getattr(p, "in_pool", False)]}


def accounts_for(membership: Membership) -> QuerySet[CustomerAccount]:
    """The customer accounts a project may be logged for: the member's own accounts first."""
    accounts: QuerySet[CustomerAccount] = (
        CustomerAccount.objects.visible_to(membership)
        .annotate(mine=Case(When(owner=membership, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("mine", "name")
    )
    return accounts


def active_areas(current: SolutionArea | None = None) -> QuerySet[SolutionArea]:
    """The solution areas a project may be filed under (the active ones, plus its current one)."""
    query = Q(is_active=True)
    if current is not None:
        query |= Q(pk=current.pk)
    areas: QuerySet[SolutionArea] = SolutionArea.objects.filter(query).order_by("path")
    return areas


def sponsors_for(account: CustomerAccount) -> QuerySet[Membership]:
    """Who may sponsor a project of ``account``: its customer participants."""
    sponsors: QuerySet[Membership] = (
        Membership.objects.filter(role=Role.CUSTOMER, customer_account=account)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return sponsors


def relationships_of(account: CustomerAccount) -> QuerySet[Relationship]:
    """The account's relationships (a project may serve one of them)."""
    rows: QuerySet[Relationship] = Relationship.objects.filter(account=account).order_by("business_unit")
    return rows


def contacts_of(account: CustomerAccount) -> QuerySet[Contact]:
    """The account's contacts (the project's customer team is chosen among them), by name."""
    rows: QuerySet[Contact] = Contact.objects.filter(account=account).order_by("full_name")
    return rows


# --- Widgets on other apps' pages (registered in ProjectsConfig.ready) --------------------------


def my_open_projects(membership: Membership, *, limit: int = 6) -> list[Project]:
    """The home page's "Your projects": open projects the member leads or coaches (customers: their
    account's), flagged ones first, then the most recently active. Two queries (settings + rows)."""
    queryset = projects_for(membership).filter(phase__in=OPEN_PHASES)
    if membership.is_internal:
        queryset = queryset.filter(Q(lead=membership) | Q(coach=membership))
    ordered = queryset.order_by("-is_stalled", "-tollgate_pending", "-last_activity_at")  # type: ignore[misc]
    return list(ordered[:limit])


def account_projects_summary(membership: Membership, account: Any, *, limit: int = 8) -> dict[str, Any]:
    """The account page's "Projects" card: open projects (flagged first), counts per state and the
    customer's feedback on them (responses, average satisfaction). Four queries."""
    scoped = projects_for(membership).filter(customer_account=account)
    open_projects = list(
        scoped.filter(phase__in=OPEN_PHASES).order_by("-is_stalled", "-last_activity_at")[:limit]  # type: ignore[misc]
    )
    counts = (
        projects_scoped(membership)
        .filter(customer_account=account)
        .aggregate(
            open=Count("id", filter=Q(phase__in=OPEN_PHASES)),
            closed=Count("id", filter=Q(phase="closed")),
            cancelled=Count("id", filter=Q(phase="cancelled")),
        )
    )
    feedback = (
        CustomerFeedback.objects.visible_to(membership)
        .filter(project__customer_account=account)
        .aggregate(responses=Count("id"), average=Avg("satisfaction"))
    )
    return {"projects": open_projects, "counts": counts, "feedback": feedback}


def home_my_projects_context(membership: Membership) -> dict[str, Any]:
    """Home widget "Your projects". Two queries."""
    return {"my_projects": my_open_projects(membership)}


def account_card_context(membership: Membership, account: Any) -> dict[str, Any]:
    """Account page card "Improvement projects". Four queries."""
    return {"account_projects": account_projects_summary(membership, account)}


# --- Filters of project lists (the list page, its CSV, the API list and the board) ------------

#: Query-string keys ``filter_projects`` understands (in the order the filter form shows them).
FILTER_KEYS = (
    "q",
    "customer",
    "lead",
    "coach",
    "solution_area",
    "belt",
    "phase",
    "stalled",
    "waiting",
    "long_running",
    "pilot",
)
TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}
AREA_SEPARATOR = " › "


class ActiveFilters(dict[str, str]):
    """The filters that were applied (key → cleaned value) plus ``errors``: what was ignored and why."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    @property
    def any(self) -> bool:
        return bool(self)


FilterStep = Callable[[QuerySet[Project], Mapping[str, Any], ActiveFilters], QuerySet[Project]]


def _filter_search(queryset: QuerySet[Project], params: Mapping[str, Any], active: ActiveFilters) -> QuerySet[Project]:
    q = query_value(params, "q")[:100]
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(problem_statement__icontains=q))
        active["q"] = q
    return queryset


def _filter_people(queryset: QuerySet[Project], params: Mapping[str, Any], active: ActiveFilters) -> QuerySet[Project]:
    for key, field in (("customer", "customer_account_id"), ("lead", "lead_id"), ("coach", "coach_id")):
        raw = query_value(params, key)
        if not raw:
            continue
        if key == "coach" and raw == "none":
            queryset = queryset.filter(coach__isnull=True)
            active[key] = raw
            continue
        value = parse_uuid(raw)
        if value is None:
            active.errors.append(f"The {key} filter was not understood and is ignored.")
            continue
        queryset = queryset.filter(**{field: value})
        active[key] = str(value)
    return queryset


def _filter_area(queryset: QuerySet[Project], params: Mapping[str, Any], active: ActiveFilters) -> QuerySet[Project]:
    raw = query_value(params, "solution_area")
    if not raw:
        return queryset
    area_id = parse_uuid(raw)
    area = SolutionArea.objects.filter(pk=area_id).only("pk", "path").first() if area_id else None
    if area is None:
        active.errors.append("The solution area filter was not found and is ignored.")
        return queryset
    active["solution_area"] = str(area.pk)
    # The area itself and every area below it.
    return queryset.filter(
        Q(solution_area_id=area.pk) | Q(solution_area__path__startswith=f"{area.path}{AREA_SEPARATOR}")
    )


def _filter_choices(queryset: QuerySet[Project], params: Mapping[str, Any], active: ActiveFilters) -> QuerySet[Project]:
    for key, choices, field in (("belt", BeltLevel.values, "belt_level"), ("phase", Phase.values, "phase")):
        raw = query_value(params, key)
        if not raw:
            continue
        if raw not in choices:
            active.errors.append(f"Unknown {key} “{raw}” is ignored.")
            continue
        queryset = queryset.filter(**{field: raw})
        active[key] = raw
    return queryset


def _filter_flags(queryset: QuerySet[Project], params: Mapping[str, Any], active: ActiveFilters) -> QuerySet[Project]:
    for key, field in (("stalled", "is_stalled"), ("long_running", "is_long_running"), ("pilot", "is_pilot")):
        raw = query_value(params, key).lower()
        if raw in TRUE_VALUES:
            queryset = queryset.filter(**{field: True})
            active[key] = "1"
        elif raw and raw not in FALSE_VALUES:
            active.errors.append(f"The {key.replace('_', '-')} filter takes 1 or 0; “{raw}” is ignored.")
    return queryset


def _filter_waiting(queryset: QuerySet[Project], params: Mapping[str, Any], active: ActiveFilters) -> QuerySet[Project]:
    raw = query_value(params, "waiting")
    if not raw:
        return queryset
    if raw.lower() in TRUE_VALUES:
        active["waiting"] = "1"
        return queryset.exclude(waiting_kind="")
    if raw in WaitingKind.values:
        active["waiting"] = raw
        return queryset.filter(waiting_kind=raw)
    if raw.lower() not in FALSE_VALUES:
        active.errors.append(f"Unknown waiting kind “{raw}” is ignored.")
    return queryset


#: The filters in the order they apply (and ``active`` lists them).
FILTER_STEPS: tuple[FilterStep, ...] = (
    _filter_search,
    _filter_people,
    _filter_area,
    _filter_choices,
    _filter_flags,
    _filter_waiting,
)


def filter_projects(queryset: QuerySet[Project], params: Mapping[str, Any]) -> tuple[QuerySet[Project], ActiveFilters]:
    """Apply the list filters in ``params`` to ``queryset`` (from ``projects_for``: the flag filters
    use its SQL annotations); see the module docstring."""
    active = ActiveFilters()
    for step in FILTER_STEPS:
        queryset = step(queryset, params, active)
    return queryset, active


# --- Sorting of project lists ---------------------------------------------------------------

#: sort key → column label
SORTS: dict[str, str] = {
    "title": "Title",
    "customer": "Customer",
    "phase": "Phase",
    "days": "Days in phase",
    "activity": "Last activity",
    "score": "Selection score",
}
DEFAULT_SORT = "-activity"


def _phase_rank() -> Case:
    return Case(
        *[When(phase=phase, then=Value(index)) for index, phase in enumerate(PHASE_ORDER)],
        default=Value(len(PHASE_ORDER)),
        output_field=IntegerField(),
    )


def _orders(key: str, descending: bool) -> list[Any]:
    """``order_by`` expressions of one sort key (ascending unless ``descending``)."""
    if key == "title":
        return [F("title").desc() if descending else F("title").asc()]
    if key == "customer":
        field = F("customer_account__name")
        return [field.desc() if descending else field.asc(), F("title").asc()]
    if key == "phase":
        rank = _phase_rank()
        return [rank.desc() if descending else rank.asc(), F("phase_entered_at").asc()]
    if key == "days":  # more days in phase = entered earlier
        field = F("phase_entered_at")
        return [field.asc() if descending else field.desc()]
    if key == "activity":
        field = F("last_activity_at")
        return [field.desc() if descending else field.asc()]
    field = F("selection_score")  # score: unscored projects last either way
    return [field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)]


def sort_projects(queryset: QuerySet[Project], sort: str | None) -> tuple[QuerySet[Project], str]:
    """Order by ``sort`` (a key of ``SORTS``, ``-`` for descending); unknown → most recent activity first."""
    sort = (sort or "").strip()
    key = sort.lstrip("-")
    if key not in SORTS:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    return queryset.order_by(*_orders(key, sort.startswith("-")), F("pk").asc()), sort
