"""Relationships: the relationship with a customer account (level and its dated changes,
champions, review cadence, plan), its executive sponsors and its roster; and the relationship
page, the hub a champion opens before a quarterly review (it gathers the meetings and work areas'
parts, so this area sits above them).

Services are atomic, check the role, that every person is of this tenant and of the
relationship's account (``check_person_of_account``), and ``full_clean()``. Selectors take the
membership and apply the customer-account scope here, once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from core.models import Membership, Role, User
from core.service_helpers import (
    apply_fields,
    check_same_tenant,
    delete_unless_referenced,
    model_update,
    require,
    save_validated,
)
from partnering import meetings, work
from partnering.accounts import check_contact_of_account, check_person_of_account, side_of
from partnering.models import (
    MAX_SPONSORS_PER_SIDE,
    OPEN_ACTION_STATUSES,
    ActionItem,
    Contact,
    CustomerAccount,
    Level,
    LevelChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
    PartneringSettings,
    Relationship,
    RosterEntry,
    Side,
    Sponsor,
    TopicStatus,
)

# --- Relationships: writes --------------------------------------------------------------------

#: What a relationship's editors may set; the account is set once, the level moves only through
#: ``relationship_change_level`` (so every change is dated).
RELATIONSHIP_FIELDS = (
    "business_unit",
    "supplier_champion",
    "customer_champion",
    "review_cadence_months",
    "plan_summary",
    "internal_notes",
)


def relationship_rules(relationship: Relationship) -> None:
    """The supplier champion is someone of our company, the customer champion a participant of the
    relationship's account."""
    account_id = relationship.account_id
    supplier, customer = relationship.supplier_champion, relationship.customer_champion
    check_person_of_account(supplier, account_id, "supplier_champion")
    check_person_of_account(customer, account_id, "customer_champion")
    if supplier is not None and supplier.is_customer:
        raise ValidationError({"supplier_champion": "The supplier champion must be someone of our company."})
    if customer is not None and not customer.is_customer:
        raise ValidationError({"customer_champion": "The customer champion must be a participant of the customer."})


@transaction.atomic
def relationship_create(
    *,
    actor: Membership,
    account: CustomerAccount,
    level: str = Level.TRANSACTIONAL,
    level_note: str = "",
    **fields: Any,
) -> Relationship:
    """A relationship at its starting ``level``; the level history starts with it (``level_note``)."""
    require(actor, "relationships.manage")
    check_same_tenant(account, "account")
    relationship = Relationship(account=account, level=level)
    apply_fields(relationship, fields, RELATIONSHIP_FIELDS)
    relationship_rules(relationship)
    save_validated(relationship)
    LevelChange.objects.create(
        relationship=relationship, from_level="", to_level=level, changed_by=actor, note=level_note
    )
    return relationship


@transaction.atomic
def relationship_update(*, actor: Membership, relationship: Relationship, **fields: Any) -> Relationship:
    require(actor, "relationships.manage")
    return model_update(instance=relationship, data=fields, allowed=RELATIONSHIP_FIELDS, prepare=relationship_rules)[0]


@transaction.atomic
def relationship_change_level(
    *, actor: Membership, relationship: Relationship, level: str, note: str = "", changed_on: dt.date | None = None
) -> LevelChange:
    """Move the relationship to another level and keep a dated record of the change."""
    require(actor, "relationships.manage")
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    previous = relationship.level
    relationship.level = level
    relationship.full_clean()  # rejects an unknown level
    if previous == level:
        raise ValidationError({"level": "The relationship is already at this level."})
    changed_on = changed_on or timezone.localdate()
    if changed_on > timezone.localdate():
        raise ValidationError({"changed_on": "A level change cannot be dated in the future."})
    relationship.save(update_fields=["level", "updated_at"])
    change = LevelChange(
        relationship=relationship,
        from_level=previous,
        to_level=level,
        changed_on=changed_on,
        changed_by=actor,
        note=note,
    )
    return save_validated(change)


@transaction.atomic
def relationship_delete(*, actor: Membership, relationship: Relationship) -> None:
    require(actor, "relationships.manage")
    delete_unless_referenced(relationship, "relationship")


# --- Sponsors and roster: writes --------------------------------------------------------------


def sponsor_rules(sponsor: Sponsor) -> None:
    """A sponsor is of this tenant and of our company or the relationship's account, and each side
    has at most ``MAX_SPONSORS_PER_SIDE`` (the sponsor's ``side`` is ``side_of`` the person)."""
    check_person_of_account(sponsor.membership, sponsor.relationship.account_id, "membership")
    others = Sponsor.objects.filter(relationship_id=sponsor.relationship_id, side=sponsor.side).exclude(pk=sponsor.pk)
    if others.count() >= MAX_SPONSORS_PER_SIDE:
        raise ValidationError(
            {"membership": f"A relationship has at most {MAX_SPONSORS_PER_SIDE} sponsors per side; remove one first."}
        )


@transaction.atomic
def sponsor_add(*, actor: Membership, relationship: Relationship, membership: Membership) -> Sponsor:
    """Add an executive sponsor; the side follows the person. At most three per side."""
    require(actor, "relationships.manage")
    Relationship.objects.select_for_update().filter(pk=relationship.pk).exists()  # serialise concurrent adds
    sponsor = Sponsor(relationship=relationship, membership=membership, side=side_of(membership))
    sponsor_rules(sponsor)
    if Sponsor.objects.filter(relationship=relationship, membership=membership).exists():
        raise ValidationError({"membership": "This person is already a sponsor of this relationship."})
    return save_validated(sponsor)


@transaction.atomic
def sponsor_remove(*, actor: Membership, sponsor: Sponsor) -> None:
    require(actor, "relationships.manage")
    delete_unless_referenced(sponsor, "sponsor")


#: What may change on a roster entry (its relationship and contact stay).
ROSTER_FIELDS = ("role", "is_point_person")


def roster_rules(entry: RosterEntry) -> None:
    """A roster entry is a contact of our company or of the relationship's account."""
    check_contact_of_account(entry.contact, entry.relationship.account_id)


@transaction.atomic
def roster_add(
    *, actor: Membership, relationship: Relationship, contact: Contact, role: str, is_point_person: bool = False
) -> RosterEntry:
    require(actor, "relationships.manage")
    entry = RosterEntry(relationship=relationship, contact=contact, role=role, is_point_person=is_point_person)
    roster_rules(entry)
    if RosterEntry.objects.filter(relationship=relationship, contact=contact).exists():
        raise ValidationError({"contact": "This person is already on the roster."})
    return save_validated(entry)


@transaction.atomic
def roster_update(*, actor: Membership, entry: RosterEntry, **fields: Any) -> RosterEntry:
    require(actor, "relationships.manage")
    return model_update(instance=entry, data=fields, allowed=ROSTER_FIELDS)[0]


@transaction.atomic
def roster_remove(*, actor: Membership, entry: RosterEntry) -> None:
    require(actor, "relationships.manage")
    delete_unless_referenced(entry, "roster entry")


# --- Reads ------------------------------------------------------------------------------------


def relationships_for(*, membership: Membership) -> QuerySet[Relationship]:
    """The relationships the member may see (a customer participant: their account's)."""
    rows: QuerySet[Relationship] = Relationship.objects.visible_to(membership)
    return rows


def relationship_list(*, membership: Membership) -> QuerySet[Relationship]:
    """Relationships with champions and their open and overdue action counts (customers: without
    internal-only actions), by account and business unit."""
    visible = Q(actions__status__in=OPEN_ACTION_STATUSES) & ActionItem.visible_filter(membership, "actions__")
    return (
        relationships_for(membership=membership)
        .select_related("account", "supplier_champion__user", "customer_champion__user")
        .annotate(
            open_actions=Count("actions", filter=visible, distinct=True),
            overdue_actions=Count(
                "actions", filter=visible & Q(actions__due_on__lt=timezone.localdate()), distinct=True
            ),
        )
        .order_by("account__name", "business_unit")
    )


def relationship_exists(*, account: CustomerAccount, business_unit: str) -> bool:
    return bool(Relationship.objects.filter(account=account, business_unit=business_unit).exists())


def level_history(*, membership: Membership, relationship: Relationship) -> QuerySet[LevelChange]:
    """Dated level changes, newest first."""
    rows: QuerySet[LevelChange] = (
        LevelChange.objects.visible_to(membership)
        .filter(relationship=relationship)
        .select_related("changed_by__user")
        .order_by("-changed_on", "-created_at")
    )
    return rows


def sponsors_of(*, membership: Membership, relationship: Relationship) -> dict[str, list[Sponsor]]:
    """A relationship's sponsors by side (``"supplier"``, ``"customer"``)."""
    sponsors = list(
        Sponsor.objects.visible_to(membership).filter(relationship=relationship).select_related("membership__user")
    )
    return {side: [s for s in sponsors if s.side == side] for side in Side.values}


def sponsor_choices(*, relationship: Relationship) -> QuerySet[Membership]:
    """Who may sponsor the relationship: our company's people and its account's participants."""
    rows: QuerySet[Membership] = (
        Membership.objects.filter(Q(customer_account_id=relationship.account_id) | ~Q(role=Role.CUSTOMER))
        .select_related("user", "customer_account")
        .order_by("role", "user__full_name", "user__email")
    )
    return rows


def roster_of(*, membership: Membership, relationship: Relationship) -> list[RosterEntry]:
    return list(
        RosterEntry.objects.visible_to(membership).filter(relationship=relationship).select_related("contact__account")
    )


def roster_of_contact(*, membership: Membership, contact: Contact) -> list[RosterEntry]:
    """The relationships a contact is on the roster of."""
    return list(
        RosterEntry.objects.visible_to(membership).filter(contact=contact).select_related("relationship__account")
    )


# --- The relationship page --------------------------------------------------------------------


def _sponsors_json() -> ArraySubquery:
    rows = (
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
    return ArraySubquery(rows)


def _history_json() -> ArraySubquery:
    rows = (
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
    return ArraySubquery(rows)


def relationship_page_queryset(
    *, membership: Membership, queryset: QuerySet[Relationship] | None = None
) -> QuerySet[Relationship]:
    """Relationships with what their page needs folded into the one row: champions, the last held
    review, the reminder window, and the sponsors and level history as JSON arrays. The page then
    needs three more queries (meetings, open actions, topics), whatever the data size."""
    queryset = queryset if queryset is not None else relationships_for(membership=membership)
    held_reviews = Meeting.objects.filter(
        relationship=OuterRef("pk"),
        kind=MeetingKind.QUARTERLY_REVIEW,
        status=MeetingStatus.HELD,
        starts_at__lte=timezone.now(),
    ).order_by("-starts_at")
    reminder_days = PartneringSettings.objects.filter(tenant_id=OuterRef("tenant_id")).values("review_reminder_days")
    return queryset.select_related("account", "supplier_champion__user", "customer_champion__user").annotate(
        page_last_review=Subquery(held_reviews.values("starts_at")[:1]),
        page_sponsors=_sponsors_json(),
        page_history=_history_json(),
        page_reminder_days=Coalesce(Subquery(reminder_days[:1]), Value(PartneringSettings().review_reminder_days)),
    )


def _member_from_json(row: dict[str, Any], key: str) -> Membership | None:
    if not row.get(key):
        return None
    user = User(full_name=row.get("full_name") or "", email=row.get("email") or "")
    return Membership(id=uuid.UUID(row[key]), user=user)


def _page_people(relationship: Any) -> dict[str, Any]:
    """Sponsors and level history, rebuilt from the JSON the page queryset folded into the row."""
    sponsors = [
        Sponsor(
            id=uuid.UUID(row["id"]),
            relationship=relationship,
            side=row["side"],
            membership=_member_from_json(row, "membership_id"),
        )
        for row in relationship.page_sponsors
    ]
    level_changes = [
        LevelChange(
            id=uuid.UUID(row["id"]),
            relationship=relationship,
            from_level=row["from_level"],
            to_level=row["to_level"],
            changed_on=dt.date.fromisoformat(row["changed_on"]),
            note=row["note"],
            changed_by=_member_from_json(row, "changed_by_id"),
        )
        for row in relationship.page_history
    ]
    return {
        "sponsors_supplier": [s for s in sponsors if s.side == Side.SUPPLIER],
        "sponsors_customer": [s for s in sponsors if s.side == Side.CUSTOMER],
        "level_history": level_changes,
    }


def _page_topics(*, membership: Membership, relationship: Relationship) -> dict[str, Any]:
    statuses = (TopicStatus.ACTIVE, TopicStatus.LONG_LIST)
    topics = work.topics_ranked(membership=membership, relationship=relationship, statuses=statuses)
    return {
        "short_list": [t for t in topics if t.status == TopicStatus.ACTIVE],
        "long_list": [t for t in topics if t.status == TopicStatus.LONG_LIST],
    }


def relationship_page(*, membership: Membership, relationship: Relationship) -> dict[str, Any]:
    """Everything a champion opens before a quarterly review, in a fixed number of queries.

    Pass a relationship loaded through ``relationship_page_queryset`` (the page does) and this
    runs four queries: meetings (one UNION), open actions with their counts (window functions),
    the roster, and the open topics with both firms' scores. Any other relationship is reloaded first.
    """
    if not hasattr(relationship, "page_history"):
        relationship = relationship_page_queryset(membership=membership).get(pk=relationship.pk)
    loaded: Any = relationship
    today = timezone.localdate()
    planned = meetings.relationship_meetings(membership=membership, relationship=relationship)
    review = meetings.review_schedule(
        relationship,
        last_review=loaded.page_last_review,
        next_review=planned["next_review"],
        reminder_days=loaded.page_reminder_days,
        today=today,
    )
    roster = roster_of(membership=membership, relationship=relationship)
    return {
        "relationship": relationship,
        **planned,
        **review,
        **work.open_actions_summary(membership=membership, relationship=relationship),
        **_page_people(loaded),
        "roster": roster,
        "point_persons": [r for r in roster if r.is_point_person],
        **_page_topics(membership=membership, relationship=relationship),
        "today": today,
    }
