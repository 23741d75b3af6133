"""Writes of the projects app: logging and editing projects, phase changes, the activity feed and
notifications. Area-specific writes live next door: ``workflow.py`` (tollgates, checklists,
waiting, cancel, credit), ``selection.py`` (candidate scoring), ``coaching.py`` (expertise,
coach assignment), ``benefits.py``, ``discussion.py`` (comments, attachments, feedback) and
``belts.py``. All of them are atomic, validate with ``full_clean()``, check that every person and
object handed in belongs to the active tenant (and, for customer participants, to the project's
account), and raise ``ValidationError`` with field messages on bad input; nothing is written then.

Every write that changes a project calls ``activity_record`` so the feed and ``last_activity_at``
(the stalled flag) stay true.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import Membership
from core.service_helpers import apply_fields, check_same_tenant, require, save_validated
from core.tasks import enqueue_on_commit
from core.tenancy import current_tenant, current_tenant_id
from partnering.models import Contact, CustomerAccount, Relationship
from projects.defaults import DEFAULT_CHECKLIST
from projects.models import (
    DMAIC_PHASES,
    BeltLevel,
    ChecklistItem,
    ChecklistTemplateItem,
    Notification,
    Phase,
    PhaseVisit,
    Project,
    ProjectActivity,
    ProjectsSettings,
    TeamMember,
)


def settings_for_tenant() -> ProjectsSettings:
    settings, _ = ProjectsSettings.objects.get_or_create(tenant_id=current_tenant_id())
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


# --- People checks --------------------------------------------------------------------------


def _check_internal(person: Membership | None, field: str) -> None:
    if person is None:
        return
    check_same_tenant(person, field)
    if person.is_customer:
        raise ValidationError({field: "This must be someone of our company, not a customer participant."})


def _check_project_people(project: Project) -> None:
    from projects.selectors import is_coach

    check_same_tenant(project.customer_account, "customer_account")
    _check_internal(project.lead, "lead")
    _check_internal(project.coach, "coach")
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


def _check_can_edit(actor: Membership, project: Project) -> None:
    require(actor, "projects.edit")
    if actor.tenant_id != current_tenant_id() or project.tenant_id != current_tenant_id():
        raise PermissionDenied("Not found in this workspace.")


# --- Projects -------------------------------------------------------------------------------

#: What the quick log and the edit form may set. Phase, flags and credit have their own services.
PROJECT_FIELDS = frozenset(
    {
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
    }
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
    _check_project_people(project)
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


@transaction.atomic
def project_update(*, actor: Membership, project: Project, **fields: Any) -> Project:
    """Change a project's descriptive fields (not its phase). Customer participants cannot edit."""
    _check_can_edit(actor, project)
    changed = [name for name, value in fields.items() if getattr(project, name, object()) != value]
    try:
        apply_fields(project, fields, PROJECT_FIELDS)
        for name in ("title", "problem_statement"):
            setattr(project, name, (getattr(project, name) or "").strip())
        _check_project_people(project)
        save_validated(project)
    except ValidationError:
        project.refresh_from_db()  # the caller's object shows what is saved, not the refused values
        raise
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
    return list(TeamMember.objects.filter(project=project).select_related("contact"))


# --- Phases ---------------------------------------------------------------------------------


def phase_enter(*, project: Project, phase: str, actor: Membership | None) -> Project:
    """Move ``project`` into ``phase``: closes the current phase visit, opens the next one.

    Called only by the workflow services (a tollgate approval, a cancellation); never directly from
    a view, so a phase cannot be skipped.
    """
    now = timezone.now()
    PhaseVisit.objects.filter(project=project, left_at__isnull=True).update(left_at=now)
    PhaseVisit.objects.create(project=project, phase=phase, entered_at=now)
    project.phase = phase
    project.phase_entered_at = now
    project.tollgate_pending = False
    if phase in (Phase.CLOSED, Phase.CANCELLED):
        project.closed_on = timezone.localdate()
        project.waiting_kind = ""
    project.save(
        update_fields=["phase", "phase_entered_at", "tollgate_pending", "closed_on", "waiting_kind", "updated_at"]
    )
    return project


# --- Activity and notifications -------------------------------------------------------------


def activity_record(
    *, project: Project, actor: Membership | None, verb: str, summary: str, internal_only: bool = False
) -> ProjectActivity:
    """Append a line to the project's feed and mark the project active now (the stalled flag)."""
    now = timezone.now()
    entry = ProjectActivity.objects.create(
        project=project, actor=actor, verb=verb, summary=summary[:300], internal_only=internal_only, created_at=now
    )
    Project.objects.filter(pk=project.pk).update(last_activity_at=now)
    project.last_activity_at = now
    return entry


def notify(
    *,
    recipients: Iterable[Membership | None],
    project: Project | None,
    verb: str,
    message: str,
    actor: Membership | None = None,
) -> list[Notification]:
    """Tell people about something (home page + an e-mail sent by Celery after commit).

    The actor is never notified of their own act; a customer participant only hears about projects
    of their own account.
    """
    seen: set[Any] = set()
    rows: list[Notification] = []
    for person in recipients:
        if person is None or person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        if person.tenant_id != current_tenant_id():
            continue
        if person.is_customer and (project is None or person.customer_account_id != project.customer_account_id):
            continue
        seen.add(person.pk)
        rows.append(
            Notification(
                tenant_id=current_tenant_id(), recipient=person, project=project, verb=verb, message=message[:300]
            )
        )
    Notification.objects.bulk_create(rows)
    if rows:
        from projects.tasks import send_notification_emails

        enqueue_on_commit(send_notification_emails, current_tenant(), [str(n.pk) for n in rows])
    return rows


def announce(
    *,
    project: Project,
    actor: Membership,
    verb: str,
    summary: str,
    recipients: Iterable[Membership | None],
    message: str,
    internal_only: bool = False,
) -> list[Notification]:
    """The usual pair after a write: a line in the project's feed, and a notification to the people
    who must act (never the actor). Returns the notifications created."""
    activity_record(project=project, actor=actor, verb=verb, summary=summary, internal_only=internal_only)
    return notify(recipients=recipients, project=project, verb=verb, message=message, actor=actor)


@transaction.atomic
def notifications_mark_read(
    *, actor: Membership, ids: Iterable[Any] | None = None, project: Project | None = None
) -> int:
    """Mark the actor's notifications read: those with ``ids``, those about ``project``, or all. One query."""
    queryset = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    if project is not None:
        queryset = queryset.filter(project=project)
    return queryset.update(read_at=timezone.now())


__all__ = [
    "DMAIC_PHASES",
    "PROJECT_FIELDS",
    "activity_record",
    "announce",
    "checklist_templates_ensure",
    "notifications_mark_read",
    "notify",
    "phase_enter",
    "project_log",
    "project_update",
    "settings_for_tenant",
    "team_set",
]
