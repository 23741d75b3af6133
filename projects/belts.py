"""Projects · belts: cohorts, the curriculum, candidates, eligibility and certification.

Writes (``cohort_*``, ``module_*``, ``candidate_add``, ``module_complete``/``module_uncomplete``,
``certify``) are atomic, check the role (``belts.manage`` / ``belts.certify``) and *who* (a
certification is signed by a coach or certified Black Belt, never the candidate), check that every
person and row handed in belongs to the active tenant, and raise ``ValidationError`` with field
messages on bad input. Reads (``eligibility``, ``eligibility_many``, ``pipeline``) run a fixed
number of queries whatever the number of candidates.

Eligibility rules (tenant settings in ``ProjectsSettings``):

* every *required* training module of the target belt's curriculum is completed;
* Green Belt: at least ``green_belt_closed_projects`` closed projects **led** by the member (any belt
  level), and, with ``green_belt_requires_validated_benefits``, at least one of them has a benefit
  validated by the customer;
* Black Belt: at least ``black_belt_closed_projects`` closed **Black Belt** projects led by the
  member, and, with ``black_belt_requires_green_belt``, a Green Belt certification first;
* a project whose belt credit went to the customer's own CI program (``credit_owner=customer``)
  never counts for our candidate.

A Black Belt certification puts the member into the coach pool (``projects.projects.coach_pool``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from core.models import Membership
from core.service_helpers import check_same_tenant, model_update, require, save_validated
from core.tenancy import current_tenant_id
from projects.defaults import DEFAULT_TRAINING_MODULES
from projects.models import (
    BeltCandidate,
    BeltLevel,
    Benefit,
    BenefitStatus,
    CandidateStatus,
    Certification,
    CertificationProject,
    Cohort,
    CreditOwner,
    ModuleCompletion,
    Phase,
    Project,
    ProjectsSettings,
    TrainingModule,
)
from projects.projects import activity_record, check_internal, is_coach, projects_for, settings_for_tenant
from projects.workflow import notify

# --- Cohorts ----------------------------------------------------------------------------------

COHORT_FIELDS = ("name", "belt_level", "starts_on", "ends_on", "coach")


def check_cohort(cohort: Cohort) -> None:
    cohort.name = (cohort.name or "").strip()
    if not cohort.name:
        raise ValidationError({"name": "Give the cohort a name."})
    duplicate = Cohort.objects.filter(name__iexact=cohort.name).exclude(pk=cohort.pk)
    if duplicate.exists():
        raise ValidationError({"name": "A cohort with this name already exists in this workspace."})
    if cohort.belt_level not in BeltLevel.values:
        raise ValidationError({"belt_level": "Choose Green Belt or Black Belt."})
    if cohort.starts_on and cohort.ends_on and cohort.ends_on < cohort.starts_on:
        raise ValidationError({"ends_on": "The cohort cannot end before it starts."})
    check_internal(cohort.coach, "coach")
    if cohort.coach is not None and not is_coach(cohort.coach):
        raise ValidationError({"coach": "Only coaches and certified Black Belts can coach a cohort."})


@transaction.atomic
def cohort_create(
    *,
    actor: Membership,
    name: str,
    starts_on: dt.date | None = None,
    belt_level: str = BeltLevel.GREEN,
    ends_on: dt.date | None = None,
    coach: Membership | None = None,
) -> Cohort:
    """Start a cohort. The name is unique in the workspace (a field error, never a database error)."""
    require(actor, "belts.manage")
    cohort = Cohort(
        name=name or "",
        belt_level=belt_level,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        coach=coach,
    )
    cohort.tenant_id = current_tenant_id()
    check_cohort(cohort)
    return save_validated(cohort)


@transaction.atomic
def cohort_update(*, actor: Membership, cohort: Cohort, **fields: Any) -> Cohort:
    """Change a cohort; a refused change leaves ``cohort`` as it was (``model_update``)."""
    require(actor, "belts.manage")
    check_same_tenant(cohort, "cohort")
    model_update(instance=cohort, data=fields, allowed=COHORT_FIELDS, prepare=check_cohort)
    return cohort


# --- The curriculum ---------------------------------------------------------------------------

MODULE_FIELDS = ("name", "position", "is_required")


def training_modules_ensure() -> list[TrainingModule]:
    """The tenant's curriculum; seeded from ``defaults.DEFAULT_TRAINING_MODULES`` the first time."""
    modules = list(TrainingModule.objects.all())
    if modules:
        return modules
    for belt, names in DEFAULT_TRAINING_MODULES.items():
        for position, name in enumerate(names):
            modules.append(save_validated(TrainingModule(belt_level=belt, name=name, position=position)))
    return modules


def check_module(module: TrainingModule) -> None:
    module.name = (module.name or "").strip()
    if not module.name:
        raise ValidationError({"name": "Give the module a name."})
    if module.belt_level not in BeltLevel.values:
        raise ValidationError({"belt_level": "Choose Green Belt or Black Belt."})
    duplicate = TrainingModule.objects.filter(belt_level=module.belt_level, name__iexact=module.name)
    if duplicate.exclude(pk=module.pk).exists():
        raise ValidationError({"name": "This curriculum already has a module with this name."})


@transaction.atomic
def module_create(
    *,
    actor: Membership,
    name: str,
    belt_level: str = BeltLevel.GREEN,
    position: int | None = None,
    is_required: bool = True,
) -> TrainingModule:
    require(actor, "belts.manage")
    training_modules_ensure()
    if position is None:
        last = TrainingModule.objects.filter(belt_level=belt_level).order_by("-position").first()
        position = last.position + 1 if last else 0
    module = TrainingModule(name=name or "", belt_level=belt_level, position=position, is_required=is_required)
    module.tenant_id = current_tenant_id()
    check_module(module)
    return save_validated(module)


@transaction.atomic
def module_update(*, actor: Membership, module: TrainingModule, **fields: Any) -> TrainingModule:
    """Rename, reorder or make optional. The belt of a module is fixed (completions hang off it)."""
    require(actor, "belts.manage")
    check_same_tenant(module, "module")
    model_update(instance=module, data=fields, allowed=MODULE_FIELDS, prepare=check_module)
    return module


# --- Candidates -------------------------------------------------------------------------------


@transaction.atomic
def candidate_add(
    *,
    actor: Membership,
    member: Membership,
    cohort: Cohort,
    target_belt: str | None = None,
    joined_on: dt.date | None = None,
) -> BeltCandidate:
    """Put one of our people into a cohort, working towards ``target_belt`` (default: the cohort's)."""
    require(actor, "belts.manage")
    check_internal(member, "member")
    if member is None:
        raise ValidationError({"member": "Choose the person."})
    check_same_tenant(cohort, "cohort")
    target = target_belt or cohort.belt_level
    if target not in BeltLevel.values:
        raise ValidationError({"target_belt": "Choose Green Belt or Black Belt."})
    label = BeltLevel(target).label
    if BeltCandidate.objects.filter(member=member, target_belt=target).exists():
        raise ValidationError({"member": f"{member.user.display_name} is already a {label} candidate."})
    if Certification.objects.filter(member=member, belt_level=target).exists():
        raise ValidationError({"member": f"{member.user.display_name} is already a certified {label}."})
    training_modules_ensure()  # the curriculum the candidate works through
    candidate = BeltCandidate(
        member=member, cohort=cohort, target_belt=target, joined_on=joined_on or timezone.localdate()
    )
    return save_validated(candidate)


def _check_candidate_open(candidate: BeltCandidate) -> None:
    check_same_tenant(candidate, "candidate")
    if candidate.status != CandidateStatus.TRAINING:
        raise ValidationError(
            {"candidate": f"This candidacy is {candidate.get_status_display().lower()}; its record is closed."}
        )


def _check_module_for(candidate: BeltCandidate, module: TrainingModule | None) -> TrainingModule:
    if module is None:
        raise ValidationError({"module": "Choose a module."})
    check_same_tenant(module, "module")
    if module.belt_level != candidate.target_belt:
        raise ValidationError(
            {"module": f"“{module.name}” belongs to the {module.get_belt_level_display()} curriculum."}
        )
    return module


@transaction.atomic
def module_complete(
    *,
    actor: Membership,
    candidate: BeltCandidate,
    module: TrainingModule,
    completed_on: dt.date | None = None,
) -> ModuleCompletion:
    """Tick a module off for a candidate (again: the date is updated)."""
    require(actor, "belts.manage")
    _check_candidate_open(candidate)
    _check_module_for(candidate, module)
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "A module cannot be completed in the future."})
    completion: ModuleCompletion | None = ModuleCompletion.objects.filter(candidate=candidate, module=module).first()
    if completion is None:
        completion = ModuleCompletion(candidate=candidate, module=module)
    completion.completed_on = completed_on
    return save_validated(completion)


@transaction.atomic
def module_uncomplete(*, actor: Membership, candidate: BeltCandidate, module: TrainingModule) -> int:
    """Untick a module (a mistake); returns how many rows went (0 or 1)."""
    require(actor, "belts.manage")
    _check_candidate_open(candidate)
    _check_module_for(candidate, module)
    deleted: int = ModuleCompletion.objects.filter(candidate=candidate, module=module).delete()[0]
    return deleted


# --- Eligibility ------------------------------------------------------------------------------


@dataclass
class Rule:
    """One rule of the tenant's belt rules and whether the candidate meets it."""

    label: str
    met: bool


@dataclass
class Eligibility:
    """Where a candidate stands against the tenant's rules for their target belt."""

    target_belt: str
    modules_done: int = 0
    modules_required: int = 0
    missing_modules: list[str] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)  # closed projects that count, newest first
    closed_projects: int = 0
    closed_required: int = 0
    validated_projects: int = 0  # of those, with at least one customer-validated benefit
    requires_validated: bool = False
    requires_green_belt: bool = False
    has_green_belt: bool = False
    status: str = CandidateStatus.TRAINING
    rules: list[Rule] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    eligible: bool = False

    @property
    def target_label(self) -> str:
        return BeltLevel(self.target_belt).label

    @property
    def badge(self) -> str:
        if self.status == CandidateStatus.CERTIFIED:
            return "certified"
        if self.status == CandidateStatus.WITHDRAWN:
            return "withdrawn"
        return "eligible" if self.eligible else "training"

    def as_dict(self) -> dict[str, Any]:
        return {
            "target_belt": self.target_belt,
            "eligible": self.eligible,
            "modules_done": self.modules_done,
            "modules_required": self.modules_required,
            "missing_modules": list(self.missing_modules),
            "closed_projects": self.closed_projects,
            "closed_required": self.closed_required,
            "validated_projects": self.validated_projects,
            "requires_validated_benefits": self.requires_validated,
            "requires_green_belt": self.requires_green_belt,
            "has_green_belt": self.has_green_belt,
            "projects": [str(p.pk) for p in self.projects],
            "rules": [{"label": r.label, "met": r.met} for r in self.rules],
            "missing": list(self.missing),
        }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def counted_projects_q(member_ids: Iterable[Any]) -> Q:
    """Closed projects led by these members whose belt credit is not the customer's alone."""
    return Q(lead_id__in=list(member_ids), phase=Phase.CLOSED) & ~Q(credit_owner=CreditOwner.CUSTOMER)


def _check_rules(result: Eligibility, kind: str) -> None:
    """Each of the tenant's rules as met or not (``rules``), and what is missing in plain words."""
    modules_ok = not result.missing_modules
    result.rules.append(Rule(f"All {_plural(result.modules_required, 'required module')} completed", modules_ok))
    if not modules_ok:
        result.missing.append(
            f"Complete {_plural(len(result.missing_modules), 'more required module')}: "
            + ", ".join(result.missing_modules)
            + "."
        )
    projects_ok = result.closed_projects >= result.closed_required
    result.rules.append(Rule(f"Led {_plural(result.closed_required, kind)}", projects_ok))
    if not projects_ok:
        more = result.closed_required - result.closed_projects
        result.missing.append(f"Lead {more} more {kind}{'' if more == 1 else 's'} through to closing.")
    if result.requires_validated:
        validated_ok = result.validated_projects >= 1
        result.rules.append(Rule("At least one of them has a benefit validated by the customer", validated_ok))
        if not validated_ok:
            result.missing.append("Get a benefit of a closed project validated by the customer sponsor.")
    if result.requires_green_belt:
        result.rules.append(Rule("Certified Green Belt first", result.has_green_belt))
        if not result.has_green_belt:
            result.missing.append("Get certified as a Green Belt first.")


def _assess(
    candidate: BeltCandidate,
    *,
    settings: ProjectsSettings,
    required: list[TrainingModule],
    done: set[Any],
    projects: list[Project],
    has_green_belt: bool,
) -> Eligibility:
    target = candidate.target_belt
    result = Eligibility(target_belt=target, status=candidate.status, has_green_belt=has_green_belt)
    modules = [m for m in required if m.belt_level == target]
    result.modules_required = len(modules)
    result.modules_done = sum(1 for m in modules if m.pk in done)
    result.missing_modules = [m.name for m in modules if m.pk not in done]
    if target == BeltLevel.BLACK:
        counted = [p for p in projects if p.belt_level == BeltLevel.BLACK]
        result.closed_required = settings.black_belt_closed_projects
        result.requires_green_belt = settings.black_belt_requires_green_belt
        kind = "closed Black Belt project"
    else:
        counted = list(projects)
        result.closed_required = settings.green_belt_closed_projects
        result.requires_validated = settings.green_belt_requires_validated_benefits
        kind = "closed project"
    result.projects = counted
    result.closed_projects = len(counted)
    result.validated_projects = sum(1 for p in counted if getattr(p, "has_validated_benefit", False))
    _check_rules(result, kind)
    if candidate.status == CandidateStatus.CERTIFIED:
        result.missing = []
        result.eligible = False
    elif candidate.status == CandidateStatus.WITHDRAWN:
        result.missing = ["The candidacy was withdrawn."]
        result.eligible = False
    else:
        result.eligible = not result.missing
    return result


def eligibility_many(
    candidates: Sequence[BeltCandidate], *, green_belts: set[Any] | None = None
) -> dict[Any, Eligibility]:
    """Eligibility of many candidates in a fixed number of queries (settings, modules, completions,
    projects, Green Belt certifications): candidate pk → ``Eligibility``.

    Candidates read through ``candidates_queryset()`` carry their completed module ids already, and
    a caller that has the Green Belt holders at hand passes them: a query less each.
    """
    if not candidates:
        return {}
    settings = settings_for_tenant()
    required = list(TrainingModule.objects.filter(is_required=True).order_by("belt_level", "position", "name"))
    completions: dict[Any, set[Any]] = {}
    preloaded = all(hasattr(c, "done_module_ids") for c in candidates)
    if preloaded:
        completions = {c.pk: set(c.done_module_ids or []) for c in candidates}  # type: ignore[attr-defined]
    else:
        rows = ModuleCompletion.objects.filter(candidate__in=list(candidates)).values_list("candidate_id", "module_id")
        for candidate_id, module_id in rows:
            completions.setdefault(candidate_id, set()).add(module_id)
    member_ids = {c.member_id for c in candidates}
    projects_by_lead: dict[Any, list[Project]] = {}
    validated = Benefit.objects.filter(project=OuterRef("pk"), status=BenefitStatus.VALIDATED)
    projects = (
        Project.objects.filter(counted_projects_q(member_ids))
        .annotate(has_validated_benefit=Exists(validated))
        .select_related("customer_account")
        .order_by("-closed_on", "-created_at")
    )
    for project in projects:
        projects_by_lead.setdefault(project.lead_id, []).append(project)
    if green_belts is None:
        green_belts = set(
            Certification.objects.filter(member_id__in=member_ids, belt_level=BeltLevel.GREEN).values_list(
                "member_id", flat=True
            )
        )
    return {
        c.pk: _assess(
            c,
            settings=settings,
            required=required,
            done=completions.get(c.pk, set()),
            projects=projects_by_lead.get(c.member_id, []),
            has_green_belt=c.member_id in green_belts,
        )
        for c in candidates
    }


def eligibility(candidate: BeltCandidate) -> Eligibility:
    return eligibility_many([candidate])[candidate.pk]


# --- Certification ----------------------------------------------------------------------------


def _check_signer(actor: Membership, candidate: BeltCandidate) -> None:
    """A coach or certified Black Belt of our company signs off a belt, never their own."""
    require(actor, "belts.certify")
    if actor.tenant_id != current_tenant_id() or actor.is_customer:
        raise PermissionDenied("Only our coaches can sign off a belt.")
    check_same_tenant(candidate, "candidate")
    if actor.pk == candidate.member_id:
        raise PermissionDenied("You cannot sign off your own belt.")
    if not is_coach(actor):
        raise PermissionDenied("Only a coach or a certified Black Belt can sign off a belt.")


def _check_certifiable(candidate: BeltCandidate, certified_on: dt.date) -> None:
    """The candidacy is open, the belt not held yet, the date neither in the future nor before joining."""
    if candidate.status == CandidateStatus.CERTIFIED:
        raise ValidationError({"candidate": "This candidate is already certified."})
    if candidate.status == CandidateStatus.WITHDRAWN:
        raise ValidationError({"candidate": "This candidacy was withdrawn."})
    if Certification.objects.filter(member=candidate.member, belt_level=candidate.target_belt).exists():
        raise ValidationError({"candidate": "This person already holds this belt."})
    if certified_on > timezone.localdate():
        raise ValidationError({"certified_on": "A certification cannot be dated in the future."})
    if certified_on < candidate.joined_on:
        raise ValidationError({"certified_on": "A certification cannot be dated before the candidate joined."})


def _counted_projects(result: Eligibility, projects: Iterable[Project] | None) -> list[Project]:
    """The projects the certification counts: those chosen (each must count, enough of them), else
    every project that counts."""
    counted = {p.pk: p for p in result.projects}
    if projects is None:
        return list(counted.values())
    chosen = list(projects)
    for project in chosen:
        if project.pk not in counted:
            raise ValidationError({"projects": f"“{project}” does not count towards this belt."})
    if len(chosen) < result.closed_required:
        raise ValidationError({"projects": f"Choose at least {_plural(result.closed_required, 'project')}."})
    return [counted[p.pk] for p in chosen]


def _announce_certification(actor: Membership, candidate: BeltCandidate, projects: list[Project]) -> None:
    """A line in the feed of every project that counted (internal) and a note to the new belt."""
    label = BeltLevel(candidate.target_belt).label
    name = candidate.member.user.display_name
    for project in projects:
        activity_record(
            project=project,
            actor=actor,
            verb="belt.certified",
            summary=f"{name} was certified {label}, counting this project",
            internal_only=True,
        )
    message = f"You are now a certified {label}, signed off by {actor.user.display_name}."
    if candidate.target_belt == BeltLevel.BLACK:
        message += " You are now in the coach pool."
    notify(recipients=[candidate.member], project=None, verb="belt.certified", message=message, actor=actor)


@transaction.atomic
def certify(
    *,
    actor: Membership,
    candidate: BeltCandidate,
    certified_on: dt.date | None = None,
    projects: Iterable[Project] | None = None,
    note: str = "",
) -> Certification:
    """Sign off a belt. The signer is a coach or certified Black Belt, never the candidate; the
    candidate meets the tenant's rules. A Black Belt joins the coach pool."""
    _check_signer(actor, candidate)
    candidate = BeltCandidate.objects.select_for_update().select_related("member__user").get(pk=candidate.pk)
    certified_on = certified_on or timezone.localdate()
    _check_certifiable(candidate, certified_on)
    result = eligibility(candidate)
    if not result.eligible:
        raise ValidationError({"eligibility": ["Not eligible yet.", *result.missing]})
    counted_projects = _counted_projects(result, projects)
    certification: Certification = save_validated(
        Certification(
            member=candidate.member,
            belt_level=candidate.target_belt,
            certified_on=certified_on,
            signed_off_by=actor,
            candidate=candidate,
            note=(note or "").strip(),
        )
    )
    CertificationProject.objects.bulk_create(
        [
            CertificationProject(tenant_id=certification.tenant_id, certification=certification, project=p)
            for p in counted_projects
        ]
    )
    BeltCandidate.objects.filter(pk=candidate.pk).update(status=CandidateStatus.CERTIFIED)
    candidate.status = CandidateStatus.CERTIFIED
    _announce_certification(actor, candidate, counted_projects)
    return certification


# --- Reads ------------------------------------------------------------------------------------


def done_modules() -> ArrayAgg:
    """Annotation of a candidate's completed module ids (``eligibility_many`` then skips a query)."""
    return ArrayAgg("completions__module_id", filter=Q(completions__isnull=False), distinct=True, default=Value([]))


def candidates_queryset() -> QuerySet[BeltCandidate]:
    """Candidates with person and cohort, and their completed module ids (``done_module_ids``)."""
    rows: QuerySet[BeltCandidate] = (
        BeltCandidate.objects.select_related("member__user", "cohort")
        .annotate(done_module_ids=done_modules())
        .order_by("cohort__name", "member__user__full_name", "member__user__email")
    )
    return rows


def cohorts() -> QuerySet[Cohort]:
    """The tenant's cohorts, newest first (their coach joined)."""
    rows: QuerySet[Cohort] = Cohort.objects.select_related("coach__user").order_by("-starts_on", "name")
    return rows


def training_modules() -> QuerySet[TrainingModule]:
    """The tenant's curriculum (both belts)."""
    rows: QuerySet[TrainingModule] = TrainingModule.objects.order_by("belt_level", "position", "name")
    return rows


@dataclass
class Pipeline:
    """The belts page: cohorts with their candidates, certified counts and the funnel."""

    cohorts: list[Cohort]
    eligibility: dict[Any, Eligibility]
    certified_green: int
    certified_black: int
    in_training: int
    eligible: int
    certifications: list[Certification]

    @property
    def funnel(self) -> list[tuple[str, int]]:
        return [
            ("In training", self.in_training),
            ("Eligible", self.eligible),
            ("Certified Green Belts", self.certified_green),
            ("Certified Black Belts", self.certified_black),
        ]


def pipeline(*, recent: int = 10) -> Pipeline:
    """Everything the belts page shows, in a fixed number of queries."""
    cohort_rows = list(cohorts())
    candidates = list(candidates_queryset())
    by_cohort: dict[Any, list[BeltCandidate]] = {}
    for candidate in candidates:
        by_cohort.setdefault(candidate.cohort_id, []).append(candidate)
    certifications = list(
        Certification.objects.select_related("member__user", "signed_off_by__user").order_by("-certified_on", "-pk")
    )
    green = {c.member_id for c in certifications if c.belt_level == BeltLevel.GREEN}
    results = eligibility_many(candidates, green_belts=green)
    for cohort in cohort_rows:
        cohort.candidate_list = by_cohort.get(cohort.pk, [])  # type: ignore[attr-defined]
        for candidate in cohort.candidate_list:  # type: ignore[attr-defined]
            candidate.eligibility = results[candidate.pk]
    training = [c for c in candidates if c.status == CandidateStatus.TRAINING]
    return Pipeline(
        cohorts=cohort_rows,
        eligibility=results,
        certified_green=len(green),
        certified_black=sum(1 for c in certifications if c.belt_level == BeltLevel.BLACK),
        in_training=len(training),
        eligible=sum(1 for c in training if results[c.pk].eligible),
        certifications=certifications[:recent],
    )


def certifications() -> QuerySet[Certification]:
    """Certified belts with the person, the signer and the projects that counted."""
    rows: QuerySet[Certification] = Certification.objects.select_related(
        "member__user", "signed_off_by__user"
    ).prefetch_related("projects")
    return rows


def certification_for(candidate: BeltCandidate) -> Certification | None:
    certification: Certification | None = (
        Certification.objects.filter(member_id=candidate.member_id, belt_level=candidate.target_belt)
        .select_related("signed_off_by__user")
        .first()
    )
    return certification


def module_progress(candidate: BeltCandidate) -> list[TrainingModule]:
    """The curriculum of the candidate's target belt, in order, each module with ``completed_on``
    (None: not yet). Two queries (the curriculum is seeded the first time)."""
    done = dict(ModuleCompletion.objects.filter(candidate=candidate).values_list("module_id", "completed_on"))
    modules = sorted(
        (m for m in training_modules_ensure() if m.belt_level == candidate.target_belt),
        key=lambda m: (m.position, m.name),
    )
    for module in modules:
        module.completed_on = done.get(module.pk)  # type: ignore[attr-defined]
    return modules


def projects_led(
    candidate: BeltCandidate, member: Membership, *, counted: Iterable[Any], limit: int = 50
) -> list[Project]:
    """The projects the candidate led (newest first) as ``member`` may see them, with their
    validated benefits counted and ``counts`` set on those that count towards the belt."""
    counting = set(counted)
    led: list[Project] = list(
        projects_for(member)
        .filter(lead_id=candidate.member_id)
        .annotate(validated_benefits=Count("benefits", filter=Q(benefits__status=BenefitStatus.VALIDATED)))
        .order_by("-created_at")[:limit]
    )
    for project in led:
        project.counts = project.pk in counting  # type: ignore[attr-defined]
    return led


def candidate_summary(candidate: BeltCandidate, member: Membership) -> dict[str, Any]:
    """What the candidate and certify pages show: modules, eligibility, projects led, the certification."""
    modules = module_progress(candidate)
    result = eligibility(candidate)
    certification = certification_for(candidate)
    return {
        "projects_led": projects_led(candidate, member, counted=(p.pk for p in result.projects)),
        "candidate": candidate,
        "eligibility": result,
        "modules": modules,
        "certification": certification,
        "is_self": candidate.member_id == member.pk,
        "now_a_coach": certification is not None and certification.belt_level == BeltLevel.BLACK,
    }


__all__ = [
    "Eligibility",
    "Pipeline",
    "Rule",
    "candidate_add",
    "certify",
    "cohort_create",
    "cohort_update",
    "eligibility",
    "eligibility_many",
    "module_complete",
    "module_create",
    "module_uncomplete",
    "module_update",
    "pipeline",
    "training_modules_ensure",
]
