"""Projects · coaching: coach expertise (the solution areas a coach knows), coach suggestions for a
project (area match, then current load) and coach assignment.

Match: *exact* = the coach knows the project's area; *related* = the coach knows an ancestor or a
descendant of it (``SolutionArea.path`` prefixes); otherwise *none*. Load = open projects the coach
currently coaches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from core.models import Membership, Role
from core.service_helpers import check_same_tenant, require
from core.tenancy import current_tenant_id
from knowledge.models import SolutionArea
from projects.models import OPEN_PHASES, BeltLevel, Certification, CoachExpertise, Phase, Project
from projects.projects import check_in_workspace, coach_pool, is_coach
from projects.workflow import announce

MATCH_EXACT, MATCH_RELATED, MATCH_NONE = "exact", "related", "none"
MATCH_RANK = {MATCH_EXACT: 0, MATCH_RELATED: 1, MATCH_NONE: 2}
MATCH_LABELS = {MATCH_EXACT: "Knows this area", MATCH_RELATED: "Knows a related area", MATCH_NONE: "No area match"}


def coaches_annotated(*, area: SolutionArea | None = None) -> QuerySet[Membership]:
    """The coach pool with ``load`` (open projects coached), ``is_black_belt`` and their expertise
    (``expertise_rows`` prefetched with the areas). Three queries whatever the size."""
    queryset = coach_pool().annotate(
        load=Count("coached_projects", filter=Q(coached_projects__phase__in=OPEN_PHASES), distinct=True),
        is_black_belt=Exists(Certification.objects.filter(member=OuterRef("pk"), belt_level=BeltLevel.BLACK)),
    )
    if area is not None:
        queryset = queryset.filter(
            Exists(
                CoachExpertise.objects.filter(coach=OuterRef("pk")).filter(
                    Q(area=area) | Q(area__path__startswith=area.path + " › ")
                )
            )
        )
    return queryset.prefetch_related(
        Prefetch(
            "expertise",
            queryset=CoachExpertise.objects.select_related("area").order_by("area__path"),
            to_attr="expertise_rows",
        )
    )


def areas_by_ids(ids: Iterable[Any]) -> list[SolutionArea]:
    """The solution areas of this workspace among ``ids`` (a foreign id is simply not found)."""
    return list(SolutionArea.objects.filter(pk__in=list(ids)))


def expertise_choices(selected: set[str]) -> list[SolutionArea]:
    """The areas offered on a coach's expertise form: the active ones and those already chosen."""
    return [a for a in SolutionArea.objects.order_by("path") if a.is_active or str(a.pk) in selected]


def expertise_area_ids(coach: Membership) -> set[str]:
    """The ids (as text) of the areas ``coach`` knows."""
    return {str(pk) for pk in CoachExpertise.objects.filter(coach=coach).values_list("area_id", flat=True)}


def _is_related(a: SolutionArea, b: SolutionArea) -> bool:
    sep = " › "
    return a.path.startswith(b.path + sep) or b.path.startswith(a.path + sep)


@dataclass
class Suggestion:
    membership: Membership
    match: str
    load: int
    areas: list[SolutionArea] = field(default_factory=list)
    is_current: bool = False

    @property
    def match_label(self) -> str:
        return MATCH_LABELS[self.match]

    def __iter__(self) -> Any:  # unpacks as (membership, match, load, areas)
        return iter((self.membership, self.match, self.load, self.areas))


def coach_suggestions(project: Project, limit: int | None = 10) -> list[Suggestion]:
    """Coaches ranked by area match (exact > related > none), then load (fewer first), then name.

    The project's lead is never suggested (a lead cannot coach their own project)."""
    area = project.solution_area
    suggestions: list[Suggestion] = []
    for coach in coaches_annotated().exclude(pk=project.lead_id):
        areas = [row.area for row in coach.expertise_rows]  # type: ignore[attr-defined]
        match = MATCH_NONE
        if area is not None:
            if any(a.pk == area.pk for a in areas):
                match = MATCH_EXACT
            elif any(_is_related(a, area) for a in areas):
                match = MATCH_RELATED
        suggestions.append(
            Suggestion(
                membership=coach,
                match=match,
                load=coach.load,  # type: ignore[attr-defined]
                areas=areas,
                is_current=coach.pk == project.coach_id,
            )
        )
    suggestions.sort(
        key=lambda s: (
            MATCH_RANK[s.match],
            s.load,
            (s.membership.user.full_name or s.membership.user.email).lower(),
            str(s.membership.pk),
        )
    )
    return suggestions if limit is None else suggestions[:limit]


def can_assign(actor: Membership, project: Project) -> bool:
    if actor.is_customer:
        return False
    return actor.role == Role.ADMIN or actor.pk == project.lead_id or is_coach(actor)


def can_edit_expertise(actor: Membership, coach: Membership) -> bool:
    return actor.role == Role.ADMIN or (actor.pk == coach.pk and not actor.is_customer)


@transaction.atomic
def expertise_set(*, actor: Membership, coach: Membership, areas: Iterable[SolutionArea]) -> list[CoachExpertise]:
    """Replace ``coach``'s areas. A coach edits their own; an admin anyone's; only coach-pool members."""
    require(actor, "coaches.view")
    check_same_tenant(coach, "coach")
    if not can_edit_expertise(actor, coach):
        raise PermissionDenied("Only the coach themselves or an admin can change a coach's areas.")
    if not is_coach(coach):
        raise ValidationError({"coach": "Only coaches and certified Black Belts have coaching expertise."})
    areas = list(areas)
    for area in areas:
        check_same_tenant(area, "areas")
    keep = {a.pk for a in areas}
    existing = set(CoachExpertise.objects.filter(coach=coach).values_list("area_id", flat=True))
    for area in areas:
        if area.pk not in existing and not area.is_active:
            raise ValidationError({"areas": f"“{area.name}” is retired and can no longer be chosen."})
    CoachExpertise.objects.filter(coach=coach).exclude(area_id__in=keep).delete()
    CoachExpertise.objects.bulk_create(
        [CoachExpertise(tenant_id=current_tenant_id(), coach=coach, area=a) for a in areas if a.pk not in existing]
    )
    return list(CoachExpertise.objects.filter(coach=coach).select_related("area").order_by("area__path"))


@transaction.atomic
def expertise_add(*, actor: Membership, coach: Membership, area: SolutionArea, note: str = "") -> CoachExpertise:
    """Add one area to a coach's expertise (the API's create)."""
    current = (
        list(CoachExpertise.objects.filter(coach=coach).select_related("area"))
        if coach.tenant_id == current_tenant_id()
        else []
    )
    if any(row.area_id == area.pk for row in current):
        raise ValidationError({"area": "This coach already has this area."})
    expertise_set(actor=actor, coach=coach, areas=[*(row.area for row in current), area])
    row: CoachExpertise = CoachExpertise.objects.get(coach=coach, area=area)
    if note:
        row.note = note.strip()[:200]
        row.save(update_fields=["note"])
    return row


@transaction.atomic
def expertise_remove(*, actor: Membership, expertise: CoachExpertise) -> None:
    require(actor, "coaches.view")
    check_same_tenant(expertise, "expertise")
    if not can_edit_expertise(actor, expertise.coach):
        raise PermissionDenied("Only the coach themselves or an admin can change a coach's areas.")
    expertise.delete()


@transaction.atomic
def coach_assign(*, actor: Membership, project: Project, coach: Membership) -> Project:
    """Make ``coach`` the project's coach (admin, a coach, or the project's lead may do it)."""
    require(actor, "coaches.assign")
    check_in_workspace(actor, project)
    if not can_assign(actor, project):
        raise PermissionDenied("Only an admin, a coach or the project's lead can assign its coach.")
    if coach is None:
        raise ValidationError({"coach": "Choose a coach."})
    check_same_tenant(coach, "coach")
    if coach.is_customer or not is_coach(coach):
        raise ValidationError({"coach": "Only coaches and certified Black Belts can coach a project."})
    if coach.pk == project.lead_id:
        raise ValidationError({"coach": "The lead cannot coach their own project."})
    if project.phase not in OPEN_PHASES:
        raise ValidationError({"coach": "Closed and cancelled projects keep their coach."})
    if coach.pk == project.coach_id:
        return project
    previous = project.coach
    project.coach = coach
    Project.objects.filter(pk=project.pk).update(coach=coach)
    name = coach.user.display_name
    announce(
        project=project,
        actor=actor,
        verb="coach.assigned",
        summary=f"{actor.user.display_name} made {name} the coach"
        + (f" (was {previous.user.display_name})" if previous is not None else ""),
        recipients=[coach],
        message=f"You are now the coach of “{project.title}”."
        + (
            f" Its {project.get_phase_display()} tollgate awaits your review."
            if project.tollgate_pending and project.phase != Phase.CLOSED
            else ""
        ),
    )
    return project
