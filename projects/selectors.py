"""Reads of the projects app. ``projects_for`` is the one base queryset of projects for a member:
scoped to the tenant and (for customer participants) their account, with the people and area
joined and the *stalled* / *long-running* / *credit unsettled* flags computed in SQL, so a list or
board costs one query whatever its size. Area-specific reads live in ``board.py``,
``selection.py``, ``coaching.py``, ``benefits.py``, ``discussion.py``, ``workflow.py`` and
``belts.py`` (their ``*_selectors`` functions).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from core.models import Membership, Role
from projects.models import DMAIC_PHASES, OPEN_PHASES, BeltLevel, Certification, CreditOwner, Notification, Project
from projects.services import settings_for_tenant


def flag_thresholds() -> tuple[dt.datetime, dt.date]:
    """(last activity before this → stalled, started before this → long-running) for the tenant."""
    settings = settings_for_tenant()
    now = timezone.now()
    return (
        now - dt.timedelta(days=settings.stalled_after_days),
        timezone.localdate() - dt.timedelta(days=settings.long_running_days),
    )


def with_flags(queryset: QuerySet[Project], thresholds: tuple[dt.datetime, dt.date] | None = None) -> QuerySet[Project]:
    """Annotate ``is_stalled``, ``is_long_running`` and ``credit_unsettled`` (booleans, in SQL)."""
    stalled_before, started_before = thresholds or flag_thresholds()
    is_open = Q(phase__in=OPEN_PHASES)
    return queryset.annotate(
        is_stalled=Case(
            When(is_open & Q(last_activity_at__lt=stalled_before), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        is_long_running=Case(
            When(is_open & Q(started_on__lt=started_before), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        credit_unsettled=Case(
            When(Q(phase__in=DMAIC_PHASES, credit_owner=CreditOwner.UNSETTLED), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def stalled_q(thresholds: tuple[dt.datetime, dt.date]) -> Q:
    return Q(phase__in=OPEN_PHASES, last_activity_at__lt=thresholds[0])


def long_running_q(thresholds: tuple[dt.datetime, dt.date]) -> Q:
    return Q(phase__in=OPEN_PHASES, started_on__lt=thresholds[1])


def projects_for(membership: Membership, *, thresholds: tuple[dt.datetime, dt.date] | None = None) -> QuerySet[Project]:
    """Every project ``membership`` may see, people joined and flags annotated."""
    return with_flags(
        Project.objects.visible_to(membership).select_related(
            "customer_account", "relationship", "lead__user", "coach__user", "customer_sponsor__user", "solution_area"
        ),
        thresholds,
    )


def coach_pool_q() -> Q:
    """Who can coach: members with the coach role and certified Black Belts (seed 000 step 7)."""
    certified_bb = Certification.objects.filter(member=OuterRef("pk"), belt_level=BeltLevel.BLACK)
    return Q(role=Role.COACH) | Q(Exists(certified_bb), ~Q(role=Role.CUSTOMER))


def coach_pool() -> QuerySet[Membership]:
    return Membership.objects.filter(coach_pool_q()).select_related("user").order_by("user__full_name", "user__email")


def is_coach(membership: Membership) -> bool:
    if membership.is_customer:
        return False
    if membership.role == Role.COACH:
        return True
    return Certification.objects.filter(member=membership, belt_level=BeltLevel.BLACK).exists()


def unread_notifications(membership: Membership, *, limit: int = 10) -> list[Notification]:
    """The member's unread notifications, newest first (the home page's "For you")."""
    return list(
        Notification.objects.filter(recipient=membership, read_at__isnull=True)
        .select_related("project")
        .order_by("-created_at")[:limit]
    )


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
    from django.db.models import Avg, Count

    from projects.models import CustomerFeedback

    scoped = projects_for(membership).filter(customer_account=account)
    open_projects = list(
        scoped.filter(phase__in=OPEN_PHASES).order_by("-is_stalled", "-last_activity_at")[:limit]  # type: ignore[misc]
    )
    counts = (
        Project.objects.visible_to(membership)
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


# --- Widgets on other apps' pages (registered in ProjectsConfig.ready) --------------------------


def home_for_you_context(membership: Membership) -> dict[str, Any]:
    """Home widget "For you": the member's five newest unread notifications (the card hides when none). One query."""
    return {"for_you": unread_notifications(membership, limit=5)}


def home_my_projects_context(membership: Membership) -> dict[str, Any]:
    """Home widget "Your projects". Two queries."""
    return {"my_projects": my_open_projects(membership)}


def account_card_context(membership: Membership, account: Any) -> dict[str, Any]:
    """Account page card "Improvement projects". Four queries."""
    return {"account_projects": account_projects_summary(membership, account)}
