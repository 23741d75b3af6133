"""Writes of the partnering app. Each is atomic, validates with ``full_clean()`` and checks that
every person and object it is handed belongs to the active tenant (and, for customer participants,
to the relationship's account). Bad input raises ``ValidationError`` with field messages, which
pages show as form errors and the API as 400s; nothing is written in that case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import Membership
from core.service_helpers import apply_fields as _apply
from core.service_helpers import check_same_tenant as _check_same_tenant
from core.service_helpers import require as _require
from core.service_helpers import save_validated as _save
from core.tenancy import current_tenant_id
from partnering.models import (
    DEFAULT_QUARTERLY_AGENDA,
    HARD_QUESTIONS,
    MAX_SPONSORS_PER_SIDE,
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Attendee,
    Contact,
    ContactActivity,
    CustomerAccount,
    FutureTopic,
    HardQuestion,
    LevelChange,
    Meeting,
    MeetingKind,
    PartneringSettings,
    Relationship,
    RosterEntry,
    Side,
    Sponsor,
    SteeringMember,
    TopicScore,
    TopicStatus,
)


def _check_person(person: Membership | None, relationship: Relationship, field: str) -> None:
    """A person named on a relationship must be of this tenant and, if a customer, of its account."""
    if person is None:
        return
    if person.tenant_id != current_tenant_id():
        raise ValidationError({field: "That person is not part of this workspace."})
    if person.is_customer and person.customer_account_id != relationship.account_id:
        raise ValidationError({field: "That customer participant belongs to another customer account."})


def settings_for_tenant() -> PartneringSettings:
    settings, _ = PartneringSettings.objects.get_or_create(tenant_id=current_tenant_id())
    return settings


# --- Accounts and contacts --------------------------------------------------------------------

ACCOUNT_FIELDS = {"name", "industry", "region", "owner", "description", "internal_notes"}


@transaction.atomic
def account_create(*, actor: Membership, name: str, **fields: Any) -> CustomerAccount:
    _require(actor, "accounts.manage")
    account = CustomerAccount(name=name)
    _apply(account, fields, ACCOUNT_FIELDS)
    _check_owner(account.owner)
    return _save(account)


@transaction.atomic
def account_update(*, actor: Membership, account: CustomerAccount, **fields: Any) -> CustomerAccount:
    _require(actor, "accounts.manage")
    _apply(account, fields, ACCOUNT_FIELDS)
    _check_owner(account.owner)
    return _save(account)


def _check_owner(owner: Membership | None) -> None:
    _check_same_tenant(owner, "owner")
    if owner is not None and owner.is_customer:
        raise ValidationError({"owner": "The account owner must be someone of our company."})


CONTACT_FIELDS = {
    "account",
    "full_name",
    "title",
    "function",
    "geography",
    "email",
    "phone",
    "membership",
    "internal_notes",
}


@transaction.atomic
def contact_create(*, actor: Membership, full_name: str, **fields: Any) -> Contact:
    _require(actor, "contacts.manage")
    contact = Contact(full_name=full_name)
    _apply(contact, fields, CONTACT_FIELDS)
    _check_contact(contact)
    return _save(contact)


@transaction.atomic
def contact_update(*, actor: Membership, contact: Contact, **fields: Any) -> Contact:
    _require(actor, "contacts.manage")
    _apply(contact, fields, CONTACT_FIELDS)
    _check_contact(contact)
    return _save(contact)


def _check_contact(contact: Contact) -> None:
    _check_same_tenant(contact.account, "account")
    login = contact.membership
    _check_same_tenant(login, "membership")
    if login is not None and login.is_customer and login.customer_account_id != contact.account_id:
        raise ValidationError({"membership": "That login belongs to a person of another customer account."})
    if login is not None and login.is_internal and contact.account_id is not None:
        raise ValidationError({"membership": "A login of our company cannot be linked to a customer's contact."})


@transaction.atomic
def contact_activity_add(
    *, actor: Membership, contact: Contact, summary: str, channel: str = "call", occurred_on: dt.date | None = None
) -> ContactActivity:
    _require(actor, "contacts.log_activity")
    _check_same_tenant(contact, "contact")
    activity = ContactActivity(
        contact=contact, author=actor, summary=summary, channel=channel, occurred_on=occurred_on or timezone.localdate()
    )
    return _save(activity)


# --- Relationships ----------------------------------------------------------------------------

RELATIONSHIP_FIELDS = {
    "business_unit",
    "supplier_champion",
    "customer_champion",
    "review_cadence_months",
    "plan_summary",
    "internal_notes",
}


def _check_champions(relationship: Relationship) -> None:
    _check_person(relationship.supplier_champion, relationship, "supplier_champion")
    _check_person(relationship.customer_champion, relationship, "customer_champion")
    if relationship.supplier_champion is not None and relationship.supplier_champion.is_customer:
        raise ValidationError({"supplier_champion": "The supplier champion must be someone of our company."})
    if relationship.customer_champion is not None and not relationship.customer_champion.is_customer:
        raise ValidationError({"customer_champion": "The customer champion must be a participant of the customer."})


@transaction.atomic
def relationship_create(
    *, actor: Membership, account: CustomerAccount, level: str = "transactional", **fields: Any
) -> Relationship:
    _require(actor, "relationships.manage")
    _check_same_tenant(account, "account")
    relationship = Relationship(account=account, level=level)
    _apply(relationship, fields, RELATIONSHIP_FIELDS)
    _check_champions(relationship)
    _save(relationship)
    LevelChange.objects.create(relationship=relationship, from_level="", to_level=level, changed_by=actor)
    return relationship


@transaction.atomic
def relationship_update(*, actor: Membership, relationship: Relationship, **fields: Any) -> Relationship:
    _require(actor, "relationships.manage")
    _apply(relationship, fields, RELATIONSHIP_FIELDS)
    _check_champions(relationship)
    return _save(relationship)


@transaction.atomic
def relationship_change_level(
    *, actor: Membership, relationship: Relationship, level: str, note: str = "", changed_on: dt.date | None = None
) -> LevelChange:
    """Move the relationship to another level and keep a dated record of the change."""
    _require(actor, "relationships.manage")
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
    return _save(
        LevelChange(
            relationship=relationship,
            from_level=previous,
            to_level=level,
            changed_on=changed_on,
            changed_by=actor,
            note=note,
        )
    )


@transaction.atomic
def sponsor_add(*, actor: Membership, relationship: Relationship, membership: Membership) -> Sponsor:
    """Add an executive sponsor; the side follows the person. At most three per side."""
    _require(actor, "relationships.manage")
    _check_person(membership, relationship, "membership")
    side = Side.CUSTOMER if membership.is_customer else Side.SUPPLIER
    Relationship.objects.select_for_update().filter(pk=relationship.pk).exists()  # serialise concurrent adds
    if Sponsor.objects.filter(relationship=relationship, side=side).count() >= MAX_SPONSORS_PER_SIDE:
        raise ValidationError(
            {"membership": f"A relationship has at most {MAX_SPONSORS_PER_SIDE} sponsors per side; remove one first."}
        )
    if Sponsor.objects.filter(relationship=relationship, membership=membership).exists():
        raise ValidationError({"membership": "This person is already a sponsor of this relationship."})
    return _save(Sponsor(relationship=relationship, membership=membership, side=side))


@transaction.atomic
def roster_add(
    *, actor: Membership, relationship: Relationship, contact: Contact, role: str, is_point_person: bool = False
) -> RosterEntry:
    _require(actor, "relationships.manage")
    _check_same_tenant(contact, "contact")
    if contact.account_id is not None and contact.account_id != relationship.account_id:
        raise ValidationError({"contact": "That contact belongs to another customer account."})
    if RosterEntry.objects.filter(relationship=relationship, contact=contact).exists():
        raise ValidationError({"contact": "This person is already on the roster."})
    return _save(RosterEntry(relationship=relationship, contact=contact, role=role, is_point_person=is_point_person))


# --- Meetings ---------------------------------------------------------------------------------

MEETING_FIELDS = {
    "kind",
    "title",
    "starts_at",
    "duration_minutes",
    "location",
    "status",
    "agenda",
    "minutes",
    "decisions",
    "internal_notes",
}


def _check_attendees(relationship: Relationship, contacts: list[Contact]) -> None:
    for contact in contacts:
        _check_same_tenant(contact, "attendees")
        if contact.account_id is not None and contact.account_id != relationship.account_id:
            raise ValidationError({"attendees": f"{contact} belongs to another customer account."})


@transaction.atomic
def meeting_create(
    *,
    actor: Membership,
    relationship: Relationship,
    starts_at: dt.datetime,
    attendees: list[Contact] | None = None,
    **fields: Any,
) -> Meeting:
    """Plan a meeting. A quarterly review starts from the default agenda and the hard questions."""
    _require(actor, "meetings.manage")
    _check_same_tenant(relationship, "relationship")
    meeting = Meeting(relationship=relationship, starts_at=starts_at, created_by=actor)
    _apply(meeting, fields, MEETING_FIELDS)
    if not meeting.title:
        meeting.title = f"{meeting.get_kind_display()} – {relationship}"
    if meeting.kind == MeetingKind.QUARTERLY_REVIEW and not meeting.agenda:
        meeting.agenda = DEFAULT_QUARTERLY_AGENDA
    attendees = attendees or []
    _check_attendees(relationship, attendees)
    _save(meeting)
    Attendee.objects.bulk_create([Attendee(tenant_id=meeting.tenant_id, meeting=meeting, contact=c) for c in attendees])
    if meeting.kind == MeetingKind.QUARTERLY_REVIEW:
        HardQuestion.objects.bulk_create(
            [
                HardQuestion(tenant_id=meeting.tenant_id, meeting=meeting, position=i, question=q)
                for i, q in enumerate(HARD_QUESTIONS)
            ]
        )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: Membership,
    meeting: Meeting,
    attendees: list[Contact] | None = None,
    attended: list[Contact] | None = None,
    answers: dict[str, str] | None = None,
    **fields: Any,
) -> Meeting:
    """Update a meeting; ``attendees`` replaces the invitation list, ``attended`` marks who came,
    ``answers`` maps hard-question ids to answers."""
    _require(actor, "meetings.manage")
    _apply(meeting, fields, MEETING_FIELDS)
    _save(meeting)
    if attendees is not None:
        _check_attendees(meeting.relationship, attendees)
        keep = {c.pk for c in attendees}
        meeting.attendees.exclude(contact_id__in=keep).delete()
        existing = set(meeting.attendees.values_list("contact_id", flat=True))
        Attendee.objects.bulk_create(
            [
                Attendee(tenant_id=meeting.tenant_id, meeting=meeting, contact=c)
                for c in attendees
                if c.pk not in existing
            ]
        )
    if attended is not None:
        came = {c.pk for c in attended}
        meeting.attendees.update(attended=False)
        meeting.attendees.filter(contact_id__in=came).update(attended=True)
    if answers:
        questions = {str(q.pk): q for q in meeting.hard_questions.all()}
        unknown = set(answers) - set(questions)
        if unknown:
            raise ValidationError({"answers": "Unknown question."})
        for key, answer in answers.items():
            questions[key].answer = answer
            questions[key].save(update_fields=["answer"])
    return meeting


@transaction.atomic
def hard_question_add(*, actor: Membership, meeting: Meeting, question: str, answer: str = "") -> HardQuestion:
    _require(actor, "meetings.manage")
    position = meeting.hard_questions.count()
    return _save(HardQuestion(meeting=meeting, question=question, answer=answer, position=position))


# --- Action items -----------------------------------------------------------------------------

ACTION_FIELDS = {"title", "description", "owner", "due_on", "status", "meeting", "topic", "internal_only"}


def _check_action(action: ActionItem) -> None:
    relationship = action.relationship
    _check_person(action.owner, relationship, "owner")
    for name in ("meeting", "topic"):
        linked = getattr(action, name)
        _check_same_tenant(linked, name)
        if linked is not None and linked.relationship_id != relationship.pk:
            raise ValidationError({name: f"That {name} belongs to another relationship."})
    if action.meeting is not None and action.due_on and action.due_on < action.meeting.starts_at.date():
        raise ValidationError({"due_on": "The due date cannot be before the meeting the action came from."})
    if action.internal_only and action.owner is not None and action.owner.is_customer:
        raise ValidationError({"internal_only": "An action owned by a customer participant cannot be internal-only."})


@transaction.atomic
def action_create(
    *, actor: Membership, relationship: Relationship, title: str, owner: Membership, due_on: dt.date, **fields: Any
) -> ActionItem:
    _require(actor, "actions.manage")
    _check_same_tenant(relationship, "relationship")
    action = ActionItem(relationship=relationship, title=title, owner=owner, due_on=due_on, created_by=actor)
    _apply(action, fields, ACTION_FIELDS)
    _check_action(action)
    return _save(action)


@transaction.atomic
def action_update(*, actor: Membership, action: ActionItem, **fields: Any) -> ActionItem:
    """Internal members edit any field; a customer participant may only move their own action's status."""
    if actor.is_customer:
        if action.owner_id != actor.pk:
            raise PermissionDenied("You can update only actions assigned to you.")
        _apply(action, fields, {"status"})
    else:
        _require(actor, "actions.manage")
        _apply(action, fields, ACTION_FIELDS)
    _check_action(action)
    if action.status == ActionStatus.DONE and action.completed_at is None:
        action.completed_at = timezone.now()
    elif action.status in OPEN_ACTION_STATUSES:
        action.completed_at = None
    return _save(action)


# --- Future topics ----------------------------------------------------------------------------

TOPIC_FIELDS = {"title", "description", "category", "internal_notes"}


@transaction.atomic
def topic_create(*, actor: Membership, relationship: Relationship, title: str, **fields: Any) -> FutureTopic:
    """Add a topic to the long list; customers may propose too (their side is recorded)."""
    _require(actor, "topics.propose")
    _check_same_tenant(relationship, "relationship")
    if actor.is_customer:
        fields.pop("internal_notes", None)
        if actor.customer_account_id != relationship.account_id:
            raise PermissionDenied("Not your relationship.")
    side = Side.CUSTOMER if actor.is_customer else Side.SUPPLIER
    topic = FutureTopic(relationship=relationship, title=title, proposed_by=actor, proposed_by_side=side)
    _apply(topic, fields, TOPIC_FIELDS)
    return _save(topic)


@transaction.atomic
def topic_score(
    *, actor: Membership, topic: FutureTopic, value_to_supplier: int, value_to_customer: int, feasibility: int
) -> TopicScore:
    """Record (or replace) the actor's firm's score of a topic."""
    _require(actor, "topics.score")
    side = Side.CUSTOMER if actor.is_customer else Side.SUPPLIER
    score = TopicScore.objects.filter(topic=topic, side=side).first() or TopicScore(topic=topic, side=side)
    score.value_to_supplier = value_to_supplier
    score.value_to_customer = value_to_customer
    score.feasibility = feasibility
    score.scored_by = actor
    score.scored_at = timezone.now()
    return _save(score)


@transaction.atomic
def topic_set_status(*, actor: Membership, topic: FutureTopic, status: str, priority: int | None = None) -> FutureTopic:
    """Move a topic between long list, short list (active), done and dropped.

    The short list holds at most the tenant's limit (five by default) of active topics per
    relationship; concurrent promotions are serialised on the relationship row.
    """
    _require(actor, "topics.manage")
    Relationship.objects.select_for_update().filter(pk=topic.relationship_id).exists()
    if status not in TopicStatus.values:
        raise ValidationError({"status": f"Unknown status '{status}'."})
    if status == TopicStatus.ACTIVE and topic.status != TopicStatus.ACTIVE:
        limit = settings_for_tenant().short_list_limit
        active = FutureTopic.objects.filter(relationship_id=topic.relationship_id, status=TopicStatus.ACTIVE).count()
        if active >= limit:
            raise ValidationError(
                {
                    "status": f"The short list already has {active} active topics (the limit is {limit}). "
                    "Finish or drop one before adding another."
                }
            )
    topic.status = status
    topic.priority = priority if status == TopicStatus.ACTIVE else None
    return _save(topic)


@transaction.atomic
def steering_member_add(*, actor: Membership, topic: FutureTopic, contact: Contact) -> SteeringMember:
    _require(actor, "topics.manage")
    _check_same_tenant(contact, "contact")
    if contact.account_id is not None and contact.account_id != topic.relationship.account_id:
        raise ValidationError({"contact": "That contact belongs to another customer account."})
    if SteeringMember.objects.filter(topic=topic, contact=contact).exists():
        raise ValidationError({"contact": "Already on the steering team."})
    return _save(SteeringMember(topic=topic, contact=contact))


# --- Deletes and small updates used by the API (issue #3, helper A) ----------------------------


def _delete(obj: Any, what: str) -> None:
    """Delete a row; rows still referenced elsewhere (PROTECT) give a 400, never a 500."""
    from django.db.models import ProtectedError

    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise ValidationError(
            {"non_field_errors": f"This {what} is still referenced (e.g. by a participant's login) and stays."}
        ) from None


@transaction.atomic
def account_delete(*, actor: Membership, account: CustomerAccount) -> None:
    _require(actor, "accounts.manage")
    _delete(account, "account")


@transaction.atomic
def contact_delete(*, actor: Membership, contact: Contact) -> None:
    _require(actor, "contacts.manage")
    _delete(contact, "contact")


@transaction.atomic
def relationship_delete(*, actor: Membership, relationship: Relationship) -> None:
    _require(actor, "relationships.manage")
    _delete(relationship, "relationship")


@transaction.atomic
def sponsor_remove(*, actor: Membership, sponsor: Sponsor) -> None:
    _require(actor, "relationships.manage")
    _delete(sponsor, "sponsor")


@transaction.atomic
def roster_update(*, actor: Membership, entry: RosterEntry, **fields: Any) -> RosterEntry:
    _require(actor, "relationships.manage")
    _apply(entry, fields, {"role", "is_point_person"})
    return _save(entry)


@transaction.atomic
def roster_remove(*, actor: Membership, entry: RosterEntry) -> None:
    _require(actor, "relationships.manage")
    _delete(entry, "roster entry")


@transaction.atomic
def meeting_delete(*, actor: Membership, meeting: Meeting) -> None:
    _require(actor, "meetings.manage")
    _delete(meeting, "meeting")


@transaction.atomic
def action_delete(*, actor: Membership, action: ActionItem) -> None:
    _require(actor, "actions.manage")
    _delete(action, "action")


@transaction.atomic
def topic_update(*, actor: Membership, topic: FutureTopic, **fields: Any) -> FutureTopic:
    """Edit a topic's text; its status and priority move only through ``topic_set_status``."""
    _require(actor, "topics.manage")
    _apply(topic, fields, TOPIC_FIELDS)
    return _save(topic)


@transaction.atomic
def topic_delete(*, actor: Membership, topic: FutureTopic) -> None:
    _require(actor, "topics.manage")
    _delete(topic, "topic")


# --- Rules for rows edited outside these services: the program-office admin (helper D) --------


def check_row_rules(obj: Any) -> None:
    """Apply the services' cross-row rules to a row edited elsewhere (the program-office admin).

    People and linked rows must belong to this tenant and, where a relationship is involved, to its
    account; the short list keeps its limit. Raises ``ValidationError`` like the services do.
    """
    if isinstance(obj, CustomerAccount):
        _check_owner(obj.owner)
    elif isinstance(obj, Contact):
        _check_contact(obj)
    elif isinstance(obj, Relationship):
        _check_champions(obj)
    elif isinstance(obj, ActionItem):
        _check_action(obj)
    elif isinstance(obj, Sponsor):
        _check_person(obj.membership, obj.relationship, "membership")
    elif isinstance(obj, RosterEntry | SteeringMember | Attendee):
        if isinstance(obj, RosterEntry):
            relationship = obj.relationship
        elif isinstance(obj, SteeringMember):
            relationship = obj.topic.relationship
        else:
            relationship = obj.meeting.relationship
        _check_same_tenant(obj.contact, "contact")
        if obj.contact.account_id is not None and obj.contact.account_id != relationship.account_id:
            raise ValidationError({"contact": "That contact belongs to another customer account."})
    elif isinstance(obj, TopicScore):
        _check_person(obj.scored_by, obj.topic.relationship, "scored_by")
        if obj.scored_by is not None and obj.side != (Side.CUSTOMER if obj.scored_by.is_customer else Side.SUPPLIER):
            raise ValidationError({"side": "The side must be the scorer's firm."})
    elif isinstance(obj, FutureTopic):
        _check_person(obj.proposed_by, obj.relationship, "proposed_by")
        if obj.status == TopicStatus.ACTIVE:
            limit = settings_for_tenant().short_list_limit
            others = FutureTopic.objects.filter(relationship_id=obj.relationship_id, status=TopicStatus.ACTIVE)
            if others.exclude(pk=obj.pk).count() >= limit:
                raise ValidationError({"status": f"The short list already has {limit} active topics (the limit)."})
