"""Projects · workflow: tollgate reviews, checklists, waiting periods, cancellation, belt credit and
notifications — services (writes) and selectors (reads) of this area.

Services are keyword-only, atomic and validated: bad input raises ``ValidationError`` with field
messages, a refused *who* raises ``PermissionDenied``; nothing is written then. Every write that
changes a project calls ``activity_record`` and, where somebody must act, ``notify``.

Only an approved tollgate moves a project forward (``phase_enter``), one phase at a time:
there is no "set phase" write anywhere, so a phase cannot be skipped.

``panel_context(project, membership)`` returns what the project page's ``workflow/_project_panel.html``
needs in a fixed number of queries (four), whatever the project's size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core.models import Membership, Role
from core.permissions import can
from core.service_helpers import check_same_tenant, require, save_validated
from core.tasks import enqueue_on_commit
from core.tenancy import current_tenant, current_tenant_id
from projects.models import (
    DMAIC_PHASES,
    OPEN_PHASES,
    PHASE_ORDER,
    ChecklistItem,
    ChecklistTemplateItem,
    CreditOwner,
    Notification,
    Phase,
    PhaseVisit,
    Project,
    ReviewDecision,
    TollgateReview,
    WaitingKind,
    WaitingPeriod,
    next_phase,
)
from projects.projects import activity_record, checklist_templates_ensure
from projects.tasks import send_notification_emails

APPROVE = "approve"
RETURN = "return"
DECISIONS = {APPROVE: ReviewDecision.APPROVED, RETURN: ReviewDecision.RETURNED}
DECISION_ALIASES = {"approved": APPROVE, "returned": RETURN}


# --- helpers --------------------------------------------------------------------------------


def _name(member: Membership) -> str:
    return member.user.display_name


def _is_admin(member: Membership) -> bool:
    return member.role == Role.ADMIN


def _in_tenant(actor: Membership, project: Project) -> None:
    check_same_tenant(project, "project")
    if actor.tenant_id != project.tenant_id:
        raise PermissionDenied("Not found in this workspace.")


def _locked(project: Project) -> Project:
    """Re-read the project under a row lock so two concurrent writes cannot both pass the checks."""
    fresh = Project.objects.select_for_update().get(pk=project.pk)
    for name in ("phase", "tollgate_pending", "waiting_kind", "credit_owner", "coach_id", "lead_id", "closed_on"):
        setattr(project, name, getattr(fresh, name))
    return project


def _phase_label(phase: str) -> str:
    return str(Phase(phase).label)


def _check_open(project: Project) -> None:
    if project.phase not in OPEN_PHASES:
        raise ValidationError(
            {"phase": f"The project is {_phase_label(project.phase).lower()}; it can no longer change."}
        )


def _lead_coach_or_admin(actor: Membership, project: Project, what: str) -> None:
    if actor.pk not in (project.lead_id, project.coach_id) and not _is_admin(actor):
        raise PermissionDenied(f"Only the project's lead, its coach or the program office can {what}.")


# --- Phases ---------------------------------------------------------------------------------


def phase_enter(*, project: Project, phase: str) -> Project:
    """Move ``project`` into ``phase``: closes the current phase visit, opens the next one.

    Called only by this area's services (a tollgate approval, a cancellation); never directly from
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


# --- Notifications --------------------------------------------------------------------------


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
    marked: int = queryset.update(read_at=timezone.now())
    return marked


def notifications_for(membership: Membership) -> QuerySet[Notification]:
    """The member's own notifications, newest first (project joined)."""
    rows: QuerySet[Notification] = (
        Notification.objects.visible_to(membership)
        .filter(recipient=membership)
        .select_related("project")
        .order_by("-created_at", "pk")
    )
    return rows


def unread_notifications(membership: Membership, *, limit: int = 10) -> list[Notification]:
    """The member's unread notifications, newest first (the home page's "For you"). One query."""
    return list(notifications_for(membership).filter(read_at__isnull=True)[:limit])


def home_for_you_context(membership: Membership) -> dict[str, Any]:
    """Home widget "For you": the member's five newest unread notifications (the card hides when none). One query."""
    return {"for_you": unread_notifications(membership, limit=5)}


# --- Tollgates ------------------------------------------------------------------------------


def open_checklist_items(project: Project) -> list[ChecklistItem]:
    """Deliverables of the current phase not yet done (the submit page warns about them)."""
    if project.phase not in DMAIC_PHASES:
        return []
    return list(ChecklistItem.objects.filter(project=project, phase=project.phase, done=False).order_by("position"))


@transaction.atomic
def tollgate_submit(*, actor: Membership, project: Project, summary: str = "") -> TollgateReview:
    """The lead (or an admin on the lead's behalf) submits the current phase for the coach's review."""
    require(actor, "tollgates.submit")
    _in_tenant(actor, project)
    if actor.pk != project.lead_id and not _is_admin(actor):
        raise PermissionDenied("Only the project's lead (or the program office on their behalf) can submit a tollgate.")
    _locked(project)
    _check_open(project)
    if (
        project.tollgate_pending
        or TollgateReview.objects.filter(project=project, decision=ReviewDecision.PENDING).exists()
    ):
        raise ValidationError({"project": "A tollgate of this phase is already awaiting the coach's decision."})
    if project.phase != Phase.CANDIDATE and project.coach_id is None:
        raise ValidationError({"coach": "Assign a coach first: the coach reviews the tollgate."})
    review = save_validated(
        TollgateReview(
            project=project,
            phase=project.phase,
            submitted_by=actor,
            submitted_at=timezone.now(),
            summary=(summary or "").strip(),
        )
    )
    project.tollgate_pending = True
    project.save(update_fields=["tollgate_pending", "updated_at"])
    phase = _phase_label(review.phase)
    announce(
        project=project,
        actor=actor,
        verb="tollgate.submitted",
        summary=f"{_name(actor)} submitted the {phase} tollgate",
        recipients=[project.coach, project.lead],
        message=f"{project.title}: the {phase} tollgate awaits your review",
    )
    return review


@transaction.atomic
def tollgate_withdraw(*, actor: Membership, review: TollgateReview) -> TollgateReview:
    """The lead (or an admin) takes back a submission the coach has not decided yet, e.g. to finish
    a deliverable first. The phase stays; the coach is told."""
    require(actor, "tollgates.submit")
    project = review.project
    _in_tenant(actor, project)
    if actor.pk != project.lead_id and not _is_admin(actor):
        raise PermissionDenied("Only the project's lead (or the program office) can withdraw a submission.")
    _locked(project)
    review = TollgateReview.objects.select_for_update().get(pk=review.pk)
    if review.decision != ReviewDecision.PENDING:
        raise ValidationError({"decision": "Only a submission still awaiting the coach can be withdrawn."})
    review.decision = ReviewDecision.WITHDRAWN
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save(update_fields=["decision", "decided_by", "decided_at"])
    project.tollgate_pending = False
    project.save(update_fields=["tollgate_pending", "updated_at"])
    phase = _phase_label(review.phase)
    activity_record(
        project=project, actor=actor, verb="tollgate.withdrawn", summary=f"{_name(actor)} withdrew the {phase} tollgate"
    )
    notify(
        recipients=[project.coach],
        project=project,
        verb="tollgate.withdrawn",
        message=f"{project.title}: the {phase} tollgate was withdrawn by the lead",
        actor=actor,
    )
    review.project = project
    return review


def _check_decider(actor: Membership, project: Project) -> None:
    """Only the project's coach decides its tollgates, never its lead."""
    if actor.pk == project.lead_id:
        raise PermissionDenied("The lead cannot decide their own tollgate.")
    if project.coach_id is None:
        raise ValidationError({"coach": "Assign a coach first: only the project's coach decides a tollgate."})
    if actor.pk != project.coach_id:
        raise PermissionDenied("Only the project's coach can decide this tollgate.")


def _decision_key(decision: str, comments: str) -> str:
    """``approve`` or ``return`` (also ``approved`` / ``returned``); a return needs comments."""
    raw = (decision or "").strip().lower()
    key = DECISION_ALIASES.get(raw, raw)
    if key not in DECISIONS:
        raise ValidationError({"decision": "Choose approve or return."})
    if key == RETURN and not comments:
        raise ValidationError({"comments": "Say what must change: returning a tollgate needs comments."})
    return key


def _check_decidable(project: Project, review: TollgateReview, key: str) -> str | None:
    """The review is about the current phase; an approval has a phase to go to (and, into Control,
    the belt credit settled). Returns the phase an approval moves to."""
    if project.phase != review.phase:
        raise ValidationError({"decision": "The project is no longer in the phase this review is about."})
    target = next_phase(review.phase)
    if key == APPROVE:
        if target is None:
            raise ValidationError({"decision": "There is no phase after this one."})
        if target == Phase.CONTROL and project.credit_owner == CreditOwner.UNSETTLED:
            raise ValidationError(
                {"credit_owner": "Settle who gets the belt credit (the credit form) before approving into Control."}
            )
    return target


def _approved(actor: Membership, project: Project, phase: str, target: str) -> None:
    """The project enters ``target``; the lead is told and the customer sponsor asked for feedback."""
    phase_enter(project=project, phase=target)
    announce(
        project=project,
        actor=actor,
        verb="tollgate.approved",
        summary=f"{_name(actor)} approved the {phase} tollgate; the project is now in {_phase_label(target)}",
        recipients=[project.lead],
        message=f"{project.title}: the {phase} tollgate was approved — now in {_phase_label(target)}",
    )
    notify(
        recipients=[project.customer_sponsor],
        project=project,
        verb="feedback.asked",
        message=f"{project.title}: phase {phase} approved — tell us how it went",
        actor=actor,
    )


def _returned(actor: Membership, project: Project, phase: str) -> None:
    """The phase stays open; the lead is told to rework it."""
    project.tollgate_pending = False
    project.save(update_fields=["tollgate_pending", "updated_at"])
    announce(
        project=project,
        actor=actor,
        verb="tollgate.returned",
        summary=f"{_name(actor)} returned the {phase} tollgate",
        recipients=[project.lead],
        message=f"{project.title}: the {phase} tollgate was returned with comments",
    )


@transaction.atomic
def tollgate_decide(*, actor: Membership, review: TollgateReview, decision: str, comments: str = "") -> TollgateReview:
    """The project's coach approves (the project enters the next phase) or returns (comments required)."""
    require(actor, "tollgates.decide")
    check_same_tenant(review, "review")
    project = review.project
    _in_tenant(actor, project)
    _locked(project)
    _check_decider(actor, project)
    review = TollgateReview.objects.select_for_update().get(pk=review.pk)
    review.project = project
    comments = (comments or "").strip()
    if review.decision != ReviewDecision.PENDING:
        raise ValidationError({"decision": f"This review was already decided ({review.get_decision_display()})."})
    key = _decision_key(decision, comments)
    target = _check_decidable(project, review, key)
    review.decision = DECISIONS[key]
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.comments = comments
    save_validated(review)
    phase = _phase_label(review.phase)
    if key == APPROVE:
        assert target is not None
        _approved(actor, project, phase, target)
    else:
        _returned(actor, project, phase)
    return review


# --- Checklists -----------------------------------------------------------------------------


@transaction.atomic
def checklist_toggle(*, actor: Membership, item: ChecklistItem, done: bool) -> ChecklistItem:
    """Tick (or untick) a deliverable; who and when are kept."""
    require(actor, "checklists.update")
    check_same_tenant(item, "item")
    project = item.project
    _in_tenant(actor, project)
    _check_open(project)
    done = bool(done)
    if item.done == done:
        return item
    item.done = done
    item.done_by = actor if done else None
    item.done_at = timezone.now() if done else None
    save_validated(item)
    activity_record(
        project=project,
        actor=actor,
        verb="checklist.done" if done else "checklist.reopened",
        summary=f"{_name(actor)} {'completed' if done else 'reopened'} “{item.title}”",
    )
    return item


@transaction.atomic
def checklist_item_add(*, actor: Membership, project: Project, phase: str, title: str) -> ChecklistItem:
    """An extra deliverable for one project."""
    require(actor, "checklists.update")
    _in_tenant(actor, project)
    _check_open(project)
    if phase not in DMAIC_PHASES:
        raise ValidationError({"phase": "Choose one of Define, Measure, Analyze, Improve or Control."})
    last = ChecklistItem.objects.filter(project=project, phase=phase).aggregate(m=Max("position"))["m"]
    item = save_validated(
        ChecklistItem(project=project, phase=phase, title=(title or "").strip(), position=(last or 0) + 1)
    )
    activity_record(
        project=project,
        actor=actor,
        verb="checklist.added",
        summary=f"{_name(actor)} added the deliverable “{item.title}”",
    )
    return item


@transaction.atomic
def checklist_template_add(*, actor: Membership, phase: str, title: str) -> ChecklistTemplateItem:
    """A new default deliverable for the tenant (copied onto projects logged from now on)."""
    require(actor, "checklists.manage")
    checklist_templates_ensure()
    if phase not in DMAIC_PHASES:
        raise ValidationError({"phase": "Choose one of Define, Measure, Analyze, Improve or Control."})
    last = ChecklistTemplateItem.objects.filter(phase=phase).aggregate(m=Max("position"))["m"]
    return save_validated(ChecklistTemplateItem(phase=phase, title=(title or "").strip(), position=(last or 0) + 1))


@transaction.atomic
def checklist_template_update(
    *,
    actor: Membership,
    template: ChecklistTemplateItem,
    title: str | None = None,
    is_active: bool | None = None,
    position: int | None = None,
) -> ChecklistTemplateItem:
    """Rename, (de)activate or move a default deliverable; projects already logged keep their copy."""
    require(actor, "checklists.manage")
    check_same_tenant(template, "template")
    if title is not None:
        template.title = title.strip()
    if is_active is not None:
        template.is_active = bool(is_active)
    if position is not None:
        if position < 0:
            raise ValidationError({"position": "The position cannot be negative."})
        template.position = position
    return save_validated(template)


@transaction.atomic
def checklist_template_move(*, actor: Membership, template: ChecklistTemplateItem, up: bool) -> None:
    """Swap a default deliverable with its neighbour in the phase (positions renumbered 0…n)."""
    require(actor, "checklists.manage")
    check_same_tenant(template, "template")
    rows = list(ChecklistTemplateItem.objects.select_for_update().filter(phase=template.phase))
    index = next(i for i, row in enumerate(rows) if row.pk == template.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


# --- Waiting --------------------------------------------------------------------------------


@transaction.atomic
def waiting_start(
    *, actor: Membership, project: Project, kind: str, reason: str, expected_end_on: dt.date | None = None
) -> WaitingPeriod:
    """The project starts waiting on someone else; at most one open waiting period at a time."""
    require(actor, "waiting.manage")
    _in_tenant(actor, project)
    _locked(project)
    _check_open(project)
    errors: dict[str, str] = {}
    if kind not in WaitingKind.values:
        errors["kind"] = "Choose what the project waits for."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the project waits (and on whom)."
    today = timezone.localdate()
    if expected_end_on is not None and expected_end_on < today:
        errors["expected_end_on"] = "The expected end cannot be in the past."
    if errors:
        raise ValidationError(errors)
    if WaitingPeriod.objects.filter(project=project, ended_on__isnull=True).exists():
        raise ValidationError({"kind": "The project is already waiting: end that waiting period first."})
    period = save_validated(
        WaitingPeriod(
            project=project,
            kind=kind,
            reason=reason,
            started_on=today,
            expected_end_on=expected_end_on,
            phase=project.phase,
            created_by=actor,
        )
    )
    project.waiting_kind = kind
    project.save(update_fields=["waiting_kind", "updated_at"])
    activity_record(
        project=project,
        actor=actor,
        verb="waiting.started",
        summary=f"{_name(actor)}: {period.get_kind_display().lower()}",
    )
    return period


@transaction.atomic
def waiting_end(*, actor: Membership, period: WaitingPeriod, ended_on: dt.date | None = None) -> WaitingPeriod:
    """The wait is over (today by default)."""
    require(actor, "waiting.manage")
    check_same_tenant(period, "period")
    project = period.project
    _in_tenant(actor, project)
    _locked(project)
    period = WaitingPeriod.objects.select_for_update().get(pk=period.pk)
    period.project = project
    if period.ended_on is not None:
        raise ValidationError({"ended_on": "This waiting period has already ended."})
    today = timezone.localdate()
    ended_on = ended_on or today
    if ended_on < period.started_on:
        raise ValidationError({"ended_on": "The end cannot be before the start."})
    if ended_on > today:
        raise ValidationError({"ended_on": "The end cannot be in the future."})
    period.ended_on = ended_on
    save_validated(period)
    project.waiting_kind = ""
    project.save(update_fields=["waiting_kind", "updated_at"])
    days = (ended_on - period.started_on).days
    plural = "" if days == 1 else "s"
    activity_record(
        project=project,
        actor=actor,
        verb="waiting.ended",
        summary=f"{_name(actor)} ended the wait ({period.get_kind_display().lower()}, {days} day{plural})",
    )
    return period


# --- Cancel and credit ----------------------------------------------------------------------


@transaction.atomic
def project_cancel(*, actor: Membership, project: Project, reason: str) -> Project:
    """Cancel an open project with a reason (lead, coach or admin); a pending tollgate is withdrawn."""
    require(actor, "projects.cancel")
    _in_tenant(actor, project)
    _lead_coach_or_admin(actor, project, "cancel it")
    _locked(project)
    _check_open(project)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the project is cancelled."})
    now = timezone.now()
    TollgateReview.objects.filter(project=project, decision=ReviewDecision.PENDING).update(
        decision=ReviewDecision.WITHDRAWN, decided_by=actor, decided_at=now, comments="Project cancelled."
    )
    WaitingPeriod.objects.filter(project=project, ended_on__isnull=True).update(ended_on=timezone.localdate())
    project.cancel_reason = reason
    project.save(update_fields=["cancel_reason", "updated_at"])
    phase_enter(project=project, phase=Phase.CANCELLED)
    activity_record(
        project=project, actor=actor, verb="project.cancelled", summary=f"{_name(actor)} cancelled the project"
    )
    notify(
        recipients=[project.lead, project.coach],
        project=project,
        verb="project.cancelled",
        message=f"{project.title} was cancelled: {reason}",
        actor=actor,
    )
    return project


@transaction.atomic
def credit_settle(*, actor: Membership, project: Project, owner: str, note: str = "") -> Project:
    """Settle who gets the belt certification credit (needed before Control)."""
    require(actor, "credit.settle")
    _in_tenant(actor, project)
    _lead_coach_or_admin(actor, project, "settle the belt credit")
    _locked(project)
    if owner not in CreditOwner.values or owner == CreditOwner.UNSETTLED:
        raise ValidationError({"owner": "Choose who gets the credit: our candidate, the customer's program, or both."})
    project.credit_owner = owner
    project.credit_note = (note or "").strip()
    project.credit_settled_by = actor
    project.credit_settled_at = timezone.now()
    project.save(update_fields=["credit_owner", "credit_note", "credit_settled_by", "credit_settled_at", "updated_at"])
    activity_record(
        project=project,
        actor=actor,
        verb="credit.settled",
        summary=f"{_name(actor)} settled the belt credit: {project.get_credit_owner_display()}",
    )
    return project


# --- Notification links ----------------------------------------------------------------------


def notification_url(notification: Notification, slug: str, membership: Membership) -> str:
    """Where a notification leads: the feedback form when feedback is asked, else the project."""
    if notification.project_id is None:
        return reverse("projects:notifications", kwargs={"tenant_slug": slug})
    names = ["projects:detail"]
    if notification.verb == "feedback.asked" and membership.is_customer:
        names.insert(0, "projects:feedback-create")
    for name in names:
        try:
            return reverse(name, kwargs={"tenant_slug": slug, "pk": notification.project_id})
        except NoReverseMatch:
            continue
    return reverse("projects:notifications", kwargs={"tenant_slug": slug})


# --- Selectors ------------------------------------------------------------------------------


def reviews_for(membership: Membership) -> QuerySet[TollgateReview]:
    """Tollgate reviews the member may see (the submitter and decider joined)."""
    rows: QuerySet[TollgateReview] = TollgateReview.objects.visible_to(membership).select_related(
        "submitted_by__user", "decided_by__user"
    )
    return rows


def checklist_items_for(membership: Membership) -> QuerySet[ChecklistItem]:
    """Deliverables of the projects the member may see."""
    rows: QuerySet[ChecklistItem] = ChecklistItem.objects.visible_to(membership)
    return rows


def waiting_periods_for(membership: Membership) -> QuerySet[WaitingPeriod]:
    """Waiting periods of the projects the member may see."""
    rows: QuerySet[WaitingPeriod] = WaitingPeriod.objects.visible_to(membership)
    return rows


def open_waiting_period(project: Project) -> WaitingPeriod | None:
    """The project's waiting period still running, if any (at most one)."""
    period: WaitingPeriod | None = WaitingPeriod.objects.filter(project=project, ended_on__isnull=True).first()
    return period


def checklist_templates() -> QuerySet[ChecklistTemplateItem]:
    """The tenant's default deliverables, by phase and position."""
    rows: QuerySet[ChecklistTemplateItem] = ChecklistTemplateItem.objects.order_by("phase", "position", "title")
    return rows


def checklist_templates_by_phase() -> list[dict[str, Any]]:
    """The default deliverables grouped per DMAIC phase (seeded the first time)."""
    checklist_templates_ensure()
    rows = list(checklist_templates())
    return [{"phase": p, "label": Phase(p).label, "items": [r for r in rows if r.phase == p]} for p in DMAIC_PHASES]


# --- Selectors: the project page's workflow panel -------------------------------------------


def phase_days(visits: Iterable[PhaseVisit], now: dt.datetime | None = None) -> dict[str, int]:
    """Whole days spent in each phase (sum of visits; an open visit counts up to now)."""
    now = now or timezone.now()
    seconds: dict[str, float] = {}
    for visit in visits:
        end = visit.left_at or now
        seconds[visit.phase] = seconds.get(visit.phase, 0.0) + max(0.0, (end - visit.entered_at).total_seconds())
    return {phase: int(total // 86400) for phase, total in seconds.items()}


def _stepper(project: Project, visits: list[PhaseVisit]) -> list[dict[str, Any]]:
    """Candidate … Closed with the days spent in each, the current one and those passed."""
    days = phase_days(visits)
    current_index = PHASE_ORDER.index(project.phase) if project.phase in PHASE_ORDER else -1
    return [
        {
            "phase": phase,
            "label": _phase_label(phase),
            "days": days.get(phase),
            "current": phase == project.phase,
            "done": current_index >= 0 and index < current_index,
        }
        for index, phase in enumerate(PHASE_ORDER)
    ]


def _checklists(project: Project, items: list[ChecklistItem]) -> list[dict[str, Any]]:
    """The deliverables of each DMAIC phase with done/total counts."""
    by_phase: dict[str, list[ChecklistItem]] = {phase: [] for phase in DMAIC_PHASES}
    for item in items:
        by_phase.setdefault(item.phase, []).append(item)
    return [
        {
            "phase": phase,
            "label": _phase_label(phase),
            "items": by_phase[phase],
            "done": sum(1 for i in by_phase[phase] if i.done),
            "total": len(by_phase[phase]),
            "current": phase == project.phase,
        }
        for phase in DMAIC_PHASES
    ]


def _allowed(project: Project, membership: Membership, pending: TollgateReview | None) -> dict[str, bool]:
    """What the member may do on the panel (the services check the same rules again)."""
    is_open = project.phase in OPEN_PHASES
    is_lead = membership.pk == project.lead_id
    is_coach = membership.pk == project.coach_id
    admin = _is_admin(membership)
    return {
        "workflow_is_open": is_open,
        "workflow_can_submit": is_open
        and pending is None
        and can(membership, "tollgates.submit")
        and (is_lead or admin),
        "workflow_can_decide": pending is not None and is_coach and not is_lead and can(membership, "tollgates.decide"),
        "workflow_can_withdraw": pending is not None and can(membership, "tollgates.submit") and (is_lead or admin),
        "workflow_can_check": is_open and can(membership, "checklists.update"),
        "workflow_can_wait": is_open and can(membership, "waiting.manage"),
        "workflow_can_cancel": is_open and can(membership, "projects.cancel") and (is_lead or is_coach or admin),
        "workflow_can_credit": can(membership, "credit.settle") and (is_lead or is_coach or admin),
    }


def panel_context(project: Project, membership: Membership) -> dict[str, Any]:
    """Reviews, checklists per phase, waiting periods, the phase stepper and what the member may do.

    Four queries, whatever the number of reviews, deliverables, visits or waiting periods.
    """
    reviews = list(reviews_for(membership).filter(project=project).order_by("submitted_at"))  # oldest first
    items = list(
        checklist_items_for(membership)
        .filter(project=project)
        .select_related("done_by__user")
        .order_by("phase", "position", "title")
    )
    periods = list(waiting_periods_for(membership).filter(project=project).order_by("-started_on", "-pk"))
    visits = list(PhaseVisit.objects.visible_to(membership).filter(project=project).order_by("entered_at"))
    today = timezone.localdate()
    pending = next((r for r in reviews if r.decision == ReviewDecision.PENDING), None)
    return {
        "workflow_reviews": reviews,
        "workflow_pending_review": pending,
        "workflow_returns": sum(1 for r in reviews if r.decision == ReviewDecision.RETURNED),
        "workflow_checklists": _checklists(project, items),
        "workflow_waiting": periods,
        "workflow_waiting_open": next((p for p in periods if p.ended_on is None), None),
        "workflow_waited_days": sum(((p.ended_on or today) - p.started_on).days for p in periods),
        "workflow_stepper": _stepper(project, visits),
        **_allowed(project, membership, pending),
        "workflow_credit_unsettled": project.credit_owner == CreditOwner.UNSETTLED,
    }


__all__ = [
    "checklist_item_add",
    "checklist_template_add",
    "checklist_template_move",
    "checklist_template_update",
    "checklist_toggle",
    "credit_settle",
    "notification_url",
    "notifications_for",
    "open_checklist_items",
    "panel_context",
    "phase_days",
    "project_cancel",
    "tollgate_decide",
    "tollgate_submit",
    "waiting_end",
    "waiting_start",
]
