"""Reads of the partnering app. Every function takes the acting membership and starts from
``visible_to(membership)``, so customer participants get their own account's rows only and never
internal-only ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from core.models import Membership
from partnering.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    Contact,
    CustomerAccount,
    FutureTopic,
    LevelChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Relationship,
    RosterEntry,
    Sponsor,
    TopicScore,
    TopicStatus,
)

ACCOUNT_ORDERINGS = {
    "name": "name",
    "-name": "-name",
    "industry": "industry",
    "-industry": "-industry",
    "region": "region",
    "-region": "-region",
    "contacts": "contact_count",
    "-contacts": "-contact_count",
    "updated": "updated_at",
    "-updated": "-updated_at",
}


def account_list(
    *,
    membership: Membership,
    search: str = "",
    industry: str = "",
    region: str = "",
    owner: str = "",
    ordering: str = "name",
) -> QuerySet[CustomerAccount]:
    """Accounts with their contact, relationship and overdue-action counts: one query per page."""
    today = timezone.localdate()
    queryset = (
        CustomerAccount.objects.visible_to(membership)
        .select_related("owner__user")
        .annotate(
            contact_count=Count("contacts", distinct=True),
            relationship_count=Count("relationships", distinct=True),
            overdue_count=Count(
                "relationships__actions",
                filter=Q(
                    relationships__actions__status__in=OPEN_ACTION_STATUSES, relationships__actions__due_on__lt=today
                )
                & _customer_action_filter(membership, "relationships__actions__"),
                distinct=True,
            ),
        )
    )
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if industry:
        queryset = queryset.filter(industry=industry)
    if region:
        queryset = queryset.filter(region=region)
    if owner:
        queryset = queryset.filter(owner_id=owner)
    return queryset.order_by(ACCOUNT_ORDERINGS.get(ordering, "name"), "pk")


def _customer_action_filter(membership: Membership, prefix: str = "") -> Q:
    """Customers never see internal-only actions."""
    return Q(**{f"{prefix}internal_only": False}) if membership.is_customer else Q()


def account_filter_choices(*, membership: Membership) -> dict[str, list[str]]:
    accounts = CustomerAccount.objects.visible_to(membership)
    return {
        "industries": sorted({i for i in accounts.values_list("industry", flat=True) if i}),
        "regions": sorted({r for r in accounts.values_list("region", flat=True) if r}),
    }


def actions_for(*, membership: Membership) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.visible_to(membership)
        .filter(_customer_action_filter(membership))
        .select_related("owner__user", "relationship__account", "meeting", "topic")
    )


def my_actions(*, membership: Membership, include_closed: bool = False) -> QuerySet[ActionItem]:
    queryset = actions_for(membership=membership).filter(owner=membership)
    if not include_closed:
        queryset = queryset.filter(status__in=OPEN_ACTION_STATUSES)
    return queryset.order_by("due_on", "title")


def topics_ranked(*, membership: Membership, relationship: Relationship) -> list[FutureTopic]:
    """Topics of a relationship with both firms' scores, ranked by the combined score (best first)."""
    topics = list(
        FutureTopic.objects.visible_to(membership)
        .filter(relationship=relationship)
        .select_related("proposed_by__user")
        .prefetch_related(Prefetch("scores", queryset=TopicScore.objects.all()))
        .annotate(
            score_total=Sum(F("scores__value_to_supplier") + F("scores__value_to_customer") + F("scores__feasibility")),
            score_count=Count("scores"),
        )
    )
    for topic in topics:
        by_side = {s.side: s for s in topic.scores.all()}
        topic.supplier_score = by_side.get("supplier")  # type: ignore[attr-defined]
        topic.customer_score = by_side.get("customer")  # type: ignore[attr-defined]
        topic.average = (topic.score_total / topic.score_count) if topic.score_count else None  # type: ignore[attr-defined]
    status_rank = {TopicStatus.ACTIVE: 0, TopicStatus.LONG_LIST: 1, TopicStatus.DONE: 2, TopicStatus.DROPPED: 3}
    topics.sort(
        key=lambda t: (
            status_rank.get(t.status, 9),
            t.priority if t.priority is not None else 99,
            -(t.average or 0),  # type: ignore[attr-defined]
            t.title,
        )
    )
    return topics


def next_review_due(relationship: Relationship, last_review: dt.date | None) -> dt.date:
    """When the next quarterly review is due: the cadence after the last one held (or after creation)."""
    start = last_review or relationship.created_at.date()
    month = start.month - 1 + relationship.review_cadence_months
    year = start.year + month // 12
    month = month % 12 + 1
    day = min(start.day, 28)
    return dt.date(year, month, day)


def relationship_page(*, membership: Membership, relationship: Relationship) -> dict[str, Any]:
    """Everything a champion opens before a quarterly review, in a fixed number of queries."""
    today = timezone.localdate()
    now = timezone.now()
    meetings = Meeting.objects.visible_to(membership).filter(relationship=relationship)
    next_meeting = meetings.filter(starts_at__gte=now, status=MeetingStatus.PLANNED).order_by("starts_at").first()
    last_review = (
        meetings.filter(kind=MeetingKind.QUARTERLY_REVIEW, status=MeetingStatus.HELD, starts_at__lte=now)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    recent_meetings = list(meetings.order_by("-starts_at")[:5])
    open_actions = list(
        actions_for(membership=membership)
        .filter(relationship=relationship, status__in=OPEN_ACTION_STATUSES)
        .order_by("due_on")[:50]
    )
    action_counts = (
        actions_for(membership=membership)
        .filter(relationship=relationship)
        .aggregate(
            open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES)),
            overdue=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)),
        )
    )
    sponsors = list(
        Sponsor.objects.visible_to(membership).filter(relationship=relationship).select_related("membership__user")
    )
    roster = list(
        RosterEntry.objects.visible_to(membership).filter(relationship=relationship).select_related("contact__account")
    )
    level_history = list(
        LevelChange.objects.visible_to(membership)
        .filter(relationship=relationship)
        .select_related("changed_by__user")
        .order_by("-changed_on", "-pk")
    )
    topics = topics_ranked(membership=membership, relationship=relationship)
    review_due = next_review_due(relationship, last_review.date() if last_review else None)
    return {
        "relationship": relationship,
        "next_meeting": next_meeting,
        "recent_meetings": recent_meetings,
        "last_review": last_review,
        "review_due": review_due,
        "review_overdue": review_due < today and next_meeting is None,
        "open_actions": open_actions,
        "open_action_count": action_counts["open"],
        "overdue_action_count": action_counts["overdue"],
        "sponsors_supplier": [s for s in sponsors if s.side == "supplier"],
        "sponsors_customer": [s for s in sponsors if s.side == "customer"],
        "roster": roster,
        "point_persons": [r for r in roster if r.is_point_person],
        "level_history": level_history,
        "short_list": [t for t in topics if t.status == TopicStatus.ACTIVE],
        "long_list": [t for t in topics if t.status == TopicStatus.LONG_LIST],
        "today": today,
    }


def relationship_list(*, membership: Membership) -> QuerySet[Relationship]:
    today = timezone.localdate()
    return (
        Relationship.objects.visible_to(membership)
        .select_related("account", "supplier_champion__user", "customer_champion__user")
        .annotate(
            open_actions=Count(
                "actions",
                filter=Q(actions__status__in=OPEN_ACTION_STATUSES) & _customer_action_filter(membership, "actions__"),
            ),
            overdue_actions=Count(
                "actions",
                filter=Q(actions__status__in=OPEN_ACTION_STATUSES, actions__due_on__lt=today)
                & _customer_action_filter(membership, "actions__"),
            ),
        )
        .order_by("account__name", "business_unit")
    )


def contacts_for(*, membership: Membership) -> QuerySet[Contact]:
    return Contact.objects.visible_to(membership).select_related("account", "membership__user")
