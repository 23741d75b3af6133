"""Reads of the partnering app. Every function takes the acting membership and starts from
``visible_to(membership)``, so customer participants get their own account's rows only and never
internal-only ones.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from core.models import Membership, User
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
    PartneringSettings,
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
    """Accounts with their contact, relationship and overdue-action counts: one query per page.

    The counts are correlated subqueries, not joins: joining contacts × relationships × actions
    multiplies the rows per account (20 × 10 = 200 at bench scale) and made the list ~1 s at 500
    accounts; subqueries are computed only for the page's rows (~15 ms).
    """
    today = timezone.localdate()
    overdue = (
        ActionItem.objects.filter(
            relationship__account=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES, due_on__lt=today
        )
        .filter(_customer_action_filter(membership))
        .order_by()
        .values("relationship__account")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    queryset = (
        CustomerAccount.objects.visible_to(membership)
        .select_related("owner__user")
        .annotate(
            contact_count=_count_of(Contact.objects.filter(account=OuterRef("pk")), "account"),
            relationship_count=_count_of(Relationship.objects.filter(account=OuterRef("pk")), "account"),
            overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
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


def _count_of(queryset: QuerySet[Any], group_by: str) -> Any:
    """``COUNT(*)`` of a correlated queryset as an annotation (0 when there are no rows)."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _customer_action_filter(membership: Membership, prefix: str = "") -> Q:
    """Customers never see internal-only actions."""
    return Q(**{f"{prefix}internal_only": False}) if membership.is_customer else Q()


def account_filter_choices(*, membership: Membership) -> dict[str, list[str]]:
    """Distinct industries and regions for the list's filters, in one query."""
    rows = list(CustomerAccount.objects.visible_to(membership).values_list("industry", "region").order_by().distinct())
    return {
        "industries": sorted({industry for industry, _ in rows if industry}),
        "regions": sorted({region for _, region in rows if region}),
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


def relationship_page_queryset(*, membership: Membership, queryset: QuerySet[Relationship] | None = None) -> Any:
    """Relationships with what their page needs folded into the one row: champions, the last held
    review, the reminder window, and the sponsors and level history as JSON arrays. The page then
    needs three more queries (meetings, open actions, topics), whatever the data size."""
    queryset = queryset if queryset is not None else Relationship.objects.visible_to(membership)
    held_reviews = Meeting.objects.filter(
        relationship=OuterRef("pk"),
        kind=MeetingKind.QUARTERLY_REVIEW,
        status=MeetingStatus.HELD,
        starts_at__lte=timezone.now(),
    ).order_by("-starts_at")
    sponsors = (
        Sponsor.objects.filter(relationship=OuterRef("pk"))
        .order_by("side", "membership__user__full_name", "pk")
        .values(
            json=JSONObject(
                id="pk",
                side="side",
                membership_id="membership_id",
                full_name="membership__user__full_name",
                email="membership__user__email",
            )
        )
    )
    history = (
        LevelChange.objects.filter(relationship=OuterRef("pk"))
        .order_by("-changed_on", "-created_at")
        .values(
            json=JSONObject(
                id="pk",
                from_level="from_level",
                to_level="to_level",
                changed_on="changed_on",
                note="note",
                changed_by_id="changed_by_id",
                full_name="changed_by__user__full_name",
                email="changed_by__user__email",
            )
        )
    )
    reminder_days = PartneringSettings.objects.filter(tenant_id=OuterRef("tenant_id")).values("review_reminder_days")
    return queryset.select_related("account", "supplier_champion__user", "customer_champion__user").annotate(
        page_last_review=Subquery(held_reviews.values("starts_at")[:1]),
        page_sponsors=ArraySubquery(sponsors),
        page_history=ArraySubquery(history),
        page_reminder_days=Coalesce(Subquery(reminder_days[:1]), Value(14)),
    )


def _member_from_json(row: dict[str, Any], key: str) -> Membership | None:
    if not row.get(key):
        return None
    user = User(full_name=row.get("full_name") or "", email=row.get("email") or "")
    return Membership(id=uuid.UUID(row[key]), user=user)


def _ranked_open_topics(*, membership: Membership, relationship: Relationship) -> list[FutureTopic]:
    """Short- and long-list topics with both firms' scores in one query (no prefetch)."""
    score_fields = ("value_to_supplier", "value_to_customer", "feasibility")
    annotations: dict[str, Any] = {
        f"{side}_{name}": Max(f"scores__{name}", filter=Q(scores__side=side))
        for side in ("supplier", "customer")
        for name in score_fields
    }
    topics = list(
        FutureTopic.objects.visible_to(membership)
        .filter(relationship=relationship, status__in=[TopicStatus.ACTIVE, TopicStatus.LONG_LIST])
        .select_related("proposed_by__user")
        .annotate(
            score_total=Sum(F("scores__value_to_supplier") + F("scores__value_to_customer") + F("scores__feasibility")),
            score_count=Count("scores"),
            **annotations,
        )
    )
    for topic in topics:
        for side in ("supplier", "customer"):
            values = {name: getattr(topic, f"{side}_{name}") for name in score_fields}
            score = TopicScore(topic=topic, side=side, **values) if values["feasibility"] is not None else None
            setattr(topic, f"{side}_score", score)
        topic.average = (topic.score_total / topic.score_count) if topic.score_count else None  # type: ignore[attr-defined]
    topics.sort(
        key=lambda t: (
            0 if t.status == TopicStatus.ACTIVE else 1,
            t.priority if t.priority is not None else 99,
            -(t.average or 0),  # type: ignore[attr-defined]
            t.title,
        )
    )
    return topics


def relationship_page(*, membership: Membership, relationship: Relationship) -> dict[str, Any]:
    """Everything a champion opens before a quarterly review, in a fixed number of queries.

    Pass a relationship loaded through ``relationship_page_queryset`` (the page does) and this
    runs three queries: meetings (one UNION), open actions with their counts (window functions),
    and the open topics with both firms' scores. Any other relationship is reloaded first.
    """
    if not hasattr(relationship, "page_history"):
        relationship = relationship_page_queryset(membership=membership).get(pk=relationship.pk)
    rel: Any = relationship
    today = timezone.localdate()
    now = timezone.now()
    meetings = Meeting.objects.visible_to(membership).filter(relationship=relationship)
    planned = meetings.filter(starts_at__gte=now, status=MeetingStatus.PLANNED).order_by("starts_at")
    rows = list(
        planned.annotate(page_part=Value("next"))[:1].union(
            planned.filter(kind=MeetingKind.QUARTERLY_REVIEW).annotate(page_part=Value("review"))[:1],
            meetings.filter(starts_at__lt=now).annotate(page_part=Value("recent")).order_by("-starts_at")[:5],
            all=True,
        )
    )
    next_meeting = next((m for m in rows if m.page_part == "next"), None)  # type: ignore[attr-defined]
    next_review = next((m for m in rows if m.page_part == "review"), None)  # type: ignore[attr-defined]
    recent_meetings = sorted(
        (m for m in rows if m.page_part == "recent"),  # type: ignore[attr-defined]
        key=lambda m: m.starts_at,
        reverse=True,
    )
    open_actions = list(
        actions_for(membership=membership)
        .filter(relationship=relationship, status__in=OPEN_ACTION_STATUSES)
        .annotate(
            page_open=Window(Count("pk")),
            page_overdue=Window(Count("pk", filter=Q(due_on__lt=today))),
        )
        .order_by("due_on", "title")[:50]
    )
    open_count = open_actions[0].page_open if open_actions else 0  # type: ignore[attr-defined]
    overdue_count = open_actions[0].page_overdue if open_actions else 0  # type: ignore[attr-defined]
    sponsors = [
        Sponsor(
            id=uuid.UUID(row["id"]),
            relationship=relationship,
            side=row["side"],
            membership=_member_from_json(row, "membership_id"),
        )
        for row in rel.page_sponsors
    ]
    level_history = [
        LevelChange(
            id=uuid.UUID(row["id"]),
            relationship=relationship,
            from_level=row["from_level"],
            to_level=row["to_level"],
            changed_on=dt.date.fromisoformat(row["changed_on"]),
            note=row["note"],
            changed_by=_member_from_json(row, "changed_by_id"),
        )
        for row in rel.page_history
    ]
    roster = list(
        RosterEntry.objects.visible_to(membership).filter(relationship=relationship).select_related("contact__account")
    )
    topics = _ranked_open_topics(membership=membership, relationship=relationship)
    last_review = rel.page_last_review
    review_due = next_review_due(relationship, last_review.date() if last_review else None)
    return {
        "relationship": relationship,
        "next_meeting": next_meeting,
        "next_review": next_review,
        "recent_meetings": recent_meetings,
        "last_review": last_review,
        "review_due": review_due,
        "review_overdue": review_due < today and next_review is None,
        "review_due_soon": today <= review_due <= today + dt.timedelta(days=rel.page_reminder_days)
        and next_review is None,
        "open_actions": open_actions,
        "open_action_count": open_count,
        "overdue_action_count": overdue_count,
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


def annotate_account_counts(
    queryset: QuerySet[CustomerAccount], *, membership: Membership
) -> QuerySet[CustomerAccount]:
    """The counts of ``account_list`` on an already scoped queryset (the API's base queryset)."""
    today = timezone.localdate()
    return queryset.select_related("owner__user").annotate(
        contact_count=Count("contacts", distinct=True),
        relationship_count=Count("relationships", distinct=True),
        overdue_count=Count(
            "relationships__actions",
            filter=Q(relationships__actions__status__in=OPEN_ACTION_STATUSES, relationships__actions__due_on__lt=today)
            & _customer_action_filter(membership, "relationships__actions__"),
            distinct=True,
        ),
    )


def annotate_relationship_counts(queryset: QuerySet[Relationship], *, membership: Membership) -> QuerySet[Relationship]:
    """Open and overdue action counts per relationship (customers: without internal-only actions)."""
    today = timezone.localdate()
    visible = Q(actions__status__in=OPEN_ACTION_STATUSES) & _customer_action_filter(membership, "actions__")
    return queryset.select_related("account", "supplier_champion__user", "customer_champion__user").annotate(
        open_actions=Count("actions", filter=visible, distinct=True),
        overdue_actions=Count("actions", filter=visible & Q(actions__due_on__lt=today), distinct=True),
    )
