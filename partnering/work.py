"""Work: action items (what, who, due when), future topics (long list → scored by both firms →
short list with a steering team), the app's settings and the reminders (review due, weekly digest
of overdue actions) with their send-once log; the home page's "Your next actions" card.

Services are atomic, check the role, that every person and linked row is of the relationship
(``check_person_of_account``) and ``full_clean()``. Selectors take the membership and apply the
customer-account scope here, once: customers never see internal-only actions
(``ActionItem.visible_filter``), not even by id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Window
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.http import absolute_url
from core.models import Membership, Tenant
from core.registry import NEXT_ACTIONS
from core.service_helpers import (
    apply_fields,
    check_same_tenant,
    delete_unless_referenced,
    model_update,
    require,
    save_validated,
)
from core.tenancy import current_tenant_id
from partnering.accounts import check_contact_of_account, check_person_of_account, side_of
from partnering.meetings import next_review_due
from partnering.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Contact,
    FutureTopic,
    Meeting,
    MeetingKind,
    MeetingStatus,
    PartneringSettings,
    Relationship,
    ReminderLog,
    SteeringMember,
    TopicScore,
    TopicStatus,
)

# --- Settings ---------------------------------------------------------------------------------


def settings_for_tenant() -> PartneringSettings:
    """The active tenant's settings row, created with the defaults on first use."""
    settings: PartneringSettings = PartneringSettings.objects.get_or_create(tenant_id=current_tenant_id())[0]
    return settings


def current_settings() -> PartneringSettings:
    """The active tenant's settings for reading: the stored row, else the defaults (nothing written)."""
    return PartneringSettings.objects.first() or PartneringSettings()


# --- Action items: writes ---------------------------------------------------------------------

#: What our company's people may set on an action (the relationship is set once, on creation).
ACTION_FIELDS = ("meeting", "topic", "title", "description", "owner", "due_on", "status", "internal_only")
#: What a customer participant may change on an action they own.
ACTION_OWNER_FIELDS = ("status",)


def action_rules(action: ActionItem) -> None:
    """Owner, meeting and topic belong to the action's relationship; not due before its meeting;
    an action a customer participant owns cannot be internal-only."""
    relationship = action.relationship
    check_person_of_account(action.owner, relationship.account_id, "owner")
    for name in ("meeting", "topic"):
        linked = getattr(action, name)
        check_same_tenant(linked, name)
        if linked is not None and linked.relationship_id != relationship.pk:
            raise ValidationError({name: f"That {name} belongs to another relationship."})
    if action.meeting is not None and action.due_on and action.due_on < action.meeting.starts_at.date():
        raise ValidationError({"due_on": "The due date cannot be before the meeting the action came from."})
    if action.internal_only and action.owner is not None and action.owner.is_customer:
        raise ValidationError({"internal_only": "An action owned by a customer participant cannot be internal-only."})


def _stamp_completion(action: ActionItem) -> None:
    """``completed_at`` follows the status: set when it becomes done, cleared when it reopens."""
    if action.status == ActionStatus.DONE and action.completed_at is None:
        action.completed_at = timezone.now()
    elif action.status in OPEN_ACTION_STATUSES:
        action.completed_at = None


def _prepare_action(action: ActionItem) -> None:
    action_rules(action)
    _stamp_completion(action)


@transaction.atomic
def action_create(
    *, actor: Membership, relationship: Relationship, title: str, owner: Membership, due_on: dt.date, **fields: Any
) -> ActionItem:
    require(actor, "actions.manage")
    check_same_tenant(relationship, "relationship")
    action = ActionItem(relationship=relationship, title=title, owner=owner, due_on=due_on, created_by=actor)
    apply_fields(action, fields, ACTION_FIELDS)
    _prepare_action(action)
    return save_validated(action)


@transaction.atomic
def action_update(*, actor: Membership, action: ActionItem, **fields: Any) -> ActionItem:
    """Internal members edit any field; a customer participant may only move their own action's status."""
    if actor.is_customer:
        if action.owner_id != actor.pk:
            raise PermissionDenied("You can update only actions assigned to you.")
        allowed: tuple[str, ...] = ACTION_OWNER_FIELDS
    else:
        require(actor, "actions.manage")
        allowed = ACTION_FIELDS
    return model_update(instance=action, data=fields, allowed=allowed, prepare=_prepare_action)[0]


@transaction.atomic
def action_delete(*, actor: Membership, action: ActionItem) -> None:
    require(actor, "actions.manage")
    delete_unless_referenced(action, "action")


# --- Action items: reads ----------------------------------------------------------------------


def actions_for(*, membership: Membership) -> QuerySet[ActionItem]:
    """The actions the member may see: their account's (customers), never internal-only ones for
    customers; with owner, relationship, meeting and topic."""
    rows: QuerySet[ActionItem] = (
        ActionItem.objects.visible_to(membership)
        .filter(ActionItem.visible_filter(membership))
        .select_related("owner__user", "relationship__account", "meeting", "topic")
    )
    return rows


def my_actions(*, membership: Membership, include_closed: bool = False) -> QuerySet[ActionItem]:
    queryset = actions_for(membership=membership).filter(owner=membership)
    if not include_closed:
        queryset = queryset.filter(status__in=OPEN_ACTION_STATUSES)
    return queryset.order_by("due_on", "title")


def action_list(
    *, membership: Membership, mine: bool = False, overdue_only: bool = False, show_all: bool = False
) -> QuerySet[ActionItem]:
    """The action list: open ones (``show_all``: closed too; ``overdue_only``: open and past due),
    the member's own only with ``mine``; soonest due first."""
    queryset = actions_for(membership=membership)
    if mine:
        queryset = queryset.filter(owner=membership)
    if overdue_only:
        queryset = queryset.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=timezone.localdate())
    elif not show_all:
        queryset = queryset.filter(status__in=OPEN_ACTION_STATUSES)
    return queryset.order_by("due_on", "title", "pk")


def meeting_actions(*, membership: Membership, meeting: Meeting) -> list[ActionItem]:
    return list(actions_for(membership=membership).filter(meeting=meeting).order_by("due_on"))


def topic_actions(*, membership: Membership, topic: FutureTopic) -> list[ActionItem]:
    return list(actions_for(membership=membership).filter(topic=topic).order_by("due_on", "title"))


def open_actions_summary(*, membership: Membership, relationship: Relationship, limit: int = 50) -> dict[str, Any]:
    """A relationship's open actions (soonest first) with the open and overdue counts, in one
    query (window functions)."""
    open_actions: list[Any] = list(
        actions_for(membership=membership)
        .filter(relationship=relationship, status__in=OPEN_ACTION_STATUSES)
        .annotate(
            page_open=Window(Count("pk")),
            page_overdue=Window(Count("pk", filter=Q(due_on__lt=timezone.localdate()))),
        )
        .order_by("due_on", "title")[:limit]
    )
    first = open_actions[0] if open_actions else None
    return {
        "open_actions": open_actions,
        "open_action_count": first.page_open if first else 0,
        "overdue_action_count": first.page_overdue if first else 0,
    }


def action_owner_choices(*, relationship: Relationship) -> QuerySet[Membership]:
    """Who may own an action of the relationship: our company's people and its account's participants."""
    rows: QuerySet[Membership] = (
        Membership.objects.filter(Q(customer_account__isnull=True) | Q(customer_account_id=relationship.account_id))
        .select_related("user", "customer_account")
        .order_by("customer_account_id", "user__full_name")
    )
    return rows


# --- Future topics: writes --------------------------------------------------------------------

#: What a topic's editors may set; status and priority move only through ``topic_set_status``.
TOPIC_FIELDS = ("title", "description", "category", "internal_notes")


def _check_short_list_room(topic: FutureTopic) -> None:
    """The short list holds at most the tenant's limit (five by default) of active topics."""
    limit = settings_for_tenant().short_list_limit
    active = (
        FutureTopic.objects.filter(relationship_id=topic.relationship_id, status=TopicStatus.ACTIVE)
        .exclude(pk=topic.pk)
        .count()
    )
    if active >= limit:
        raise ValidationError(
            {
                "status": f"The short list already has {active} active topics (the limit is {limit}). "
                "Finish or drop one before adding another."
            }
        )


def topic_rules(topic: FutureTopic) -> None:
    """The proposer is of the relationship; an active topic fits on the short list."""
    check_person_of_account(topic.proposed_by, topic.relationship.account_id, "proposed_by")
    if topic.status == TopicStatus.ACTIVE:
        _check_short_list_room(topic)


@transaction.atomic
def topic_create(*, actor: Membership, relationship: Relationship, title: str, **fields: Any) -> FutureTopic:
    """Add a topic to the long list; customers may propose too (their side is recorded)."""
    require(actor, "topics.propose")
    check_same_tenant(relationship, "relationship")
    if actor.is_customer:
        fields.pop("internal_notes", None)
        if actor.customer_account_id != relationship.account_id:
            raise PermissionDenied("Not your relationship.")
    topic = FutureTopic(relationship=relationship, title=title, proposed_by=actor, proposed_by_side=side_of(actor))
    apply_fields(topic, fields, TOPIC_FIELDS)
    return save_validated(topic)


@transaction.atomic
def topic_update(*, actor: Membership, topic: FutureTopic, **fields: Any) -> FutureTopic:
    """Edit a topic's text; its status and priority move only through ``topic_set_status``."""
    require(actor, "topics.manage")
    return model_update(instance=topic, data=fields, allowed=TOPIC_FIELDS)[0]


@transaction.atomic
def topic_delete(*, actor: Membership, topic: FutureTopic) -> None:
    require(actor, "topics.manage")
    delete_unless_referenced(topic, "topic")


@transaction.atomic
def topic_set_status(*, actor: Membership, topic: FutureTopic, status: str, priority: int | None = None) -> FutureTopic:
    """Move a topic between long list, short list (active), done and dropped.

    The short list holds at most the tenant's limit (five by default) of active topics per
    relationship; concurrent promotions are serialised on the relationship row.
    """
    require(actor, "topics.manage")
    Relationship.objects.select_for_update().filter(pk=topic.relationship_id).exists()
    if status not in TopicStatus.values:
        raise ValidationError({"status": f"Unknown status '{status}'."})
    if status == TopicStatus.ACTIVE and topic.status != TopicStatus.ACTIVE:
        _check_short_list_room(topic)
    data = {"status": status, "priority": priority if status == TopicStatus.ACTIVE else None}
    return model_update(instance=topic, data=data, allowed=("status", "priority"))[0]


def score_rules(score: TopicScore) -> None:
    """The scorer is of the relationship and scores for their own firm."""
    check_person_of_account(score.scored_by, score.topic.relationship.account_id, "scored_by")
    if score.scored_by is not None and score.side != side_of(score.scored_by):
        raise ValidationError({"side": "The side must be the scorer's firm."})


@transaction.atomic
def topic_score(
    *, actor: Membership, topic: FutureTopic, value_to_supplier: int, value_to_customer: int, feasibility: int
) -> TopicScore:
    """Record (or replace) the actor's firm's score of a topic."""
    require(actor, "topics.score")
    side = side_of(actor)
    score = TopicScore.objects.filter(topic=topic, side=side).first() or TopicScore(topic=topic, side=side)
    score.value_to_supplier = value_to_supplier
    score.value_to_customer = value_to_customer
    score.feasibility = feasibility
    score.scored_by = actor
    score.scored_at = timezone.now()
    return save_validated(score)


def steering_rules(member: SteeringMember) -> None:
    """A steering-team member is a contact of our company or of the topic's customer account."""
    check_contact_of_account(member.contact, member.topic.relationship.account_id)


@transaction.atomic
def steering_member_add(*, actor: Membership, topic: FutureTopic, contact: Contact) -> SteeringMember:
    require(actor, "topics.manage")
    member = SteeringMember(topic=topic, contact=contact)
    steering_rules(member)
    if SteeringMember.objects.filter(topic=topic, contact=contact).exists():
        raise ValidationError({"contact": "Already on the steering team."})
    return save_validated(member)


# --- Future topics: reads ---------------------------------------------------------------------

_SCORE_PARTS = ("value_to_supplier", "value_to_customer", "feasibility")
_STATUS_RANK = {TopicStatus.ACTIVE: 0, TopicStatus.LONG_LIST: 1, TopicStatus.DONE: 2, TopicStatus.DROPPED: 3}


def short_list(*, membership: Membership, relationship: Relationship) -> QuerySet[FutureTopic]:
    """The relationship's active topics (its short list), by priority: what a review pack shows."""
    rows: QuerySet[FutureTopic] = (
        FutureTopic.objects.visible_to(membership)
        .filter(relationship=relationship, status=TopicStatus.ACTIVE)
        .order_by("priority", "title")
    )
    return rows


def topics_for(*, membership: Membership) -> QuerySet[FutureTopic]:
    """The topics the member may see, with the proposer and both firms' scores (prefetched)."""
    rows: QuerySet[FutureTopic] = (
        FutureTopic.objects.visible_to(membership)
        .select_related("proposed_by__user")
        .prefetch_related(Prefetch("scores", queryset=TopicScore.objects.all()))
    )
    return rows


def topics_of(*, membership: Membership, relationship: Relationship) -> QuerySet[FutureTopic]:
    """A relationship's topics the member may see."""
    rows: QuerySet[FutureTopic] = FutureTopic.objects.visible_to(membership).filter(relationship=relationship)
    return rows


def _with_both_scores(topic: Any) -> Any:
    """Both firms' scores (``supplier_score``, ``customer_score``) and their mean total
    (``average``) from the values ``topics_ranked`` annotated on the row."""
    for side in ("supplier", "customer"):
        values = {name: getattr(topic, f"{side}_{name}") for name in _SCORE_PARTS}
        score = TopicScore(topic=topic, side=side, **values) if values["feasibility"] is not None else None
        setattr(topic, f"{side}_score", score)
    topic.average = (topic.score_total / topic.score_count) if topic.score_count else None
    return topic


def topics_ranked(
    *, membership: Membership, relationship: Relationship, statuses: tuple[str, ...] | None = None
) -> list[FutureTopic]:
    """A relationship's topics (of ``statuses``, default all) with both firms' scores in one query,
    ranked: short list first (by priority), then by the combined score (best first)."""
    per_side: dict[str, Any] = {
        f"{side}_{name}": Max(f"scores__{name}", filter=Q(scores__side=side))
        for side in ("supplier", "customer")
        for name in _SCORE_PARTS
    }
    queryset = topics_of(membership=membership, relationship=relationship)
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    annotated = queryset.select_related("proposed_by__user").annotate(
        score_total=Sum(F("scores__value_to_supplier") + F("scores__value_to_customer") + F("scores__feasibility")),
        score_count=Count("scores"),
        **per_side,
    )
    topics = [_with_both_scores(topic) for topic in annotated]
    topics.sort(
        key=lambda t: (
            _STATUS_RANK.get(t.status, 9),
            t.priority if t.priority is not None else 99,
            -(t.average or 0),
            t.title,
        )
    )
    return topics


def topic_scores(*, membership: Membership, topic: FutureTopic) -> dict[str, TopicScore]:
    """Both firms' scores of a topic, by side."""
    return {s.side: s for s in TopicScore.objects.visible_to(membership).filter(topic=topic)}


def steering_team(*, membership: Membership, topic: FutureTopic) -> list[SteeringMember]:
    return list(
        SteeringMember.objects.visible_to(membership)
        .filter(topic=topic)
        .select_related("contact__account")
        .order_by("contact__full_name")
    )


def topic_choices(*, membership: Membership, relationship: Relationship) -> QuerySet[FutureTopic]:
    """A relationship's topics to link an action to, by title."""
    return topics_of(membership=membership, relationship=relationship).order_by("title")


def short_list_limit() -> int:
    return current_settings().short_list_limit


# --- Reminders --------------------------------------------------------------------------------

REVIEW_REMINDER = "review_due"
ACTION_DIGEST = "action_digest"


def reminder_send_once(*, kind: str, key: str, recipient: Membership, subject: str, body: str) -> bool:
    """Send one reminder e-mail unless this ``kind`` of reminder about ``key`` already went to this
    person; True if sent. Every app's reminders use it.

    The ``ReminderLog`` row is written in the same transaction as the e-mail is sent: a re-run
    sends nothing twice, and a failed send rolls the row back so the next run retries it. People
    without an e-mail address or with an inactive user get nothing.
    """
    email = recipient.user.email
    if not email or not recipient.user.is_active:
        return False
    with transaction.atomic():
        _, created = ReminderLog.objects.get_or_create(kind=kind, key=key, recipient=recipient)
        if not created:
            return False
        send_mail(subject, body, None, [email])  # raises → the log row is rolled back, retried next run
    return True


def _relationships_with_review_due() -> QuerySet[Relationship]:
    """Relationships with their last held quarterly review and no planned one ahead."""
    now = timezone.now()
    reviews = Meeting.objects.filter(relationship=OuterRef("pk"), kind=MeetingKind.QUARTERLY_REVIEW)
    rows: QuerySet[Relationship] = (
        Relationship.objects.select_related("account", "supplier_champion__user", "customer_champion__user")
        .annotate(
            last_review=Subquery(
                reviews.filter(status=MeetingStatus.HELD, starts_at__lte=now)
                .order_by("-starts_at")
                .values("starts_at")[:1]
            ),
            review_planned=Exists(reviews.filter(status=MeetingStatus.PLANNED, starts_at__gte=now)),
        )
        .filter(review_planned=False)
    )
    return rows


def _remind_champions(tenant: Tenant, relationship: Any, due: dt.date, today: dt.date) -> int:
    """E-mail both champions that the relationship's review is due (or overdue); the number sent."""
    path = reverse("partnering:relationship-detail", kwargs={"tenant_slug": tenant.slug, "pk": relationship.pk})
    sent = 0
    for champion in (relationship.supplier_champion, relationship.customer_champion):
        if champion is None:
            continue
        context = {
            "recipient": champion,
            "relationship": relationship,
            "due": due,
            "overdue": due < today,
            "last_review": relationship.last_review,
            "tenant": tenant,
            "url": absolute_url(path),
        }
        subject = f"Quarterly review {'overdue' if due < today else 'due'}: {relationship} ({due:%d %b %Y})"
        sent += reminder_send_once(
            kind=REVIEW_REMINDER,
            key=f"{relationship.pk}:{due.isoformat()}",
            recipient=champion,
            subject=subject,
            body=render_to_string("partnering/work/email/review_reminder.txt", context),
        )
    return sent


def review_reminders_send(*, tenant: Tenant) -> int:
    """E-mail both champions of every relationship whose quarterly review is due within the tenant's
    ``review_reminder_days`` (or overdue) and not planned, once per due date; the number sent."""
    today = timezone.localdate()
    window = current_settings().review_reminder_days
    sent = 0
    for relationship in _relationships_with_review_due():
        last: dt.datetime | None = relationship.last_review  # type: ignore[attr-defined]
        due = next_review_due(relationship, last.date() if last else None)
        if due <= today + dt.timedelta(days=window):
            sent += _remind_champions(tenant, relationship, due, today)
    return sent


def _overdue_by_owner(today: dt.date) -> dict[Membership, list[ActionItem]]:
    """Open actions past due, per owner; a customer owner's only of their account, never internal-only."""
    overdue = (
        ActionItem.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
        .select_related("owner__user", "relationship__account")
        .order_by("due_on", "title")
    )
    by_owner: dict[Any, list[ActionItem]] = defaultdict(list)
    owners: dict[Any, Membership] = {}
    for action in overdue:
        owner = action.owner
        if owner.is_customer and (action.internal_only or action.relationship.account_id != owner.customer_account_id):
            continue  # customers never hear of internal-only actions or other accounts' work
        by_owner[owner.pk].append(action)
        owners[owner.pk] = owner
    return {owners[pk]: actions for pk, actions in by_owner.items()}


def action_digests_send(*, tenant: Tenant) -> int:
    """E-mail every owner their overdue open actions, once per ISO week; the number sent."""
    today = timezone.localdate()
    year, week, _ = today.isocalendar()
    url = absolute_url(reverse("partnering:my-actions", kwargs={"tenant_slug": tenant.slug}))
    sent = 0
    for owner, actions in _overdue_by_owner(today).items():
        rows = [
            {
                "title": action.title,
                "relationship": str(action.relationship),
                "due_on": action.due_on,
                "days_late": (today - action.due_on).days,
                "status": action.get_status_display(),
            }
            for action in actions
        ]
        context = {"recipient": owner, "rows": rows, "tenant": tenant, "url": url}
        subject = f"{len(rows)} overdue action{'s' if len(rows) != 1 else ''} in {tenant.name}"
        body = render_to_string("partnering/work/email/action_digest.txt", context)
        sent += reminder_send_once(
            kind=ACTION_DIGEST, key=f"{year}-W{week:02d}", recipient=owner, subject=subject, body=body
        )
    return sent


# --- Home page: "Your next actions" -----------------------------------------------------------

#: Open actions shown on the home page; the rest are one click away ("All my actions").
HOME_ACTIONS = 5


def next_actions_open_items(membership: Membership) -> list[dict[str, str]]:
    """The member's open action items (internal members open the edit form, customers the relationship)."""
    rows: list[dict[str, str]] = []
    today = timezone.localdate()
    slug = membership.tenant.slug
    for action in my_actions(membership=membership)[:HOME_ACTIONS]:
        overdue = action.due_on < today
        if membership.is_internal:
            url = reverse("partnering:action-edit", kwargs={"tenant_slug": slug, "pk": action.pk})
        else:
            url = reverse("partnering:relationship-detail", kwargs={"tenant_slug": slug, "pk": action.relationship_id})
        rows.append(
            {
                "title": action.title,
                "detail": f"{'Overdue since' if overdue else 'Due'} {action.due_on:%d %b %Y} · {action.relationship}",
                "url": url,
                "overdue": "yes" if overdue else "",
            }
        )
    return rows


def next_actions_context(membership: Membership) -> dict[str, Any]:
    """The "Your next actions" card: every registered provider, in order."""
    return {"next_actions": [row for provider in NEXT_ACTIONS for row in provider(membership)]}
