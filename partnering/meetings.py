"""Meetings: relationship meetings with their attendees of both firms and the hard questions asked;
when the next quarterly review is due. The ``.ics`` file is written by ``partnering.ics``.

Services are atomic and check the role, that every attendee is of our company or of the
relationship's account, and ``full_clean()``; selectors take the membership and apply the
customer-account scope here, once (``meetings_for``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet, Value
from django.utils import timezone

from core.models import Membership
from core.service_helpers import (
    apply_fields,
    check_same_tenant,
    delete_unless_referenced,
    model_update,
    require,
    save_validated,
)
from partnering.accounts import check_contact_of_account
from partnering.models import (
    DEFAULT_QUARTERLY_AGENDA,
    HARD_QUESTIONS,
    Attendee,
    Contact,
    HardQuestion,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Relationship,
)

# --- Writes -----------------------------------------------------------------------------------

#: What a meeting's editors may set (the relationship is set once, on creation).
MEETING_FIELDS = (
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
)


def attendee_rules(attendee: Attendee) -> None:
    """An attendee is a contact of our company or of the meeting's customer account."""
    check_contact_of_account(attendee.contact, attendee.meeting.relationship.account_id)


def _check_attendees(relationship: Relationship, contacts: list[Contact]) -> None:
    for contact in contacts:
        check_same_tenant(contact, "attendees")
        if contact.account_id is not None and contact.account_id != relationship.account_id:
            raise ValidationError({"attendees": f"{contact} belongs to another customer account."})


@transaction.atomic
def meeting_create(
    *,
    actor: Membership,
    relationship: Relationship,
    starts_at: dt.datetime,
    attendees: list[Contact] | None = None,
    ask_hard_questions: bool = True,
    **fields: Any,
) -> Meeting:
    """Plan a meeting. A quarterly review starts from the default agenda and (unless
    ``ask_hard_questions`` is False: the admin enters its own) the hard questions."""
    require(actor, "meetings.manage")
    check_same_tenant(relationship, "relationship")
    meeting = Meeting(relationship=relationship, starts_at=starts_at, created_by=actor)
    apply_fields(meeting, fields, MEETING_FIELDS)
    if not meeting.title:
        meeting.title = f"{meeting.get_kind_display()} – {relationship}"
    if meeting.kind == MeetingKind.QUARTERLY_REVIEW and not meeting.agenda:
        meeting.agenda = DEFAULT_QUARTERLY_AGENDA
    attendees = attendees or []
    _check_attendees(relationship, attendees)
    save_validated(meeting)
    Attendee.objects.bulk_create([Attendee(tenant_id=meeting.tenant_id, meeting=meeting, contact=c) for c in attendees])
    if meeting.kind == MeetingKind.QUARTERLY_REVIEW and ask_hard_questions:
        HardQuestion.objects.bulk_create(
            [
                HardQuestion(tenant_id=meeting.tenant_id, meeting=meeting, position=i, question=q)
                for i, q in enumerate(HARD_QUESTIONS)
            ]
        )
    return meeting


def _invite(meeting: Meeting, attendees: list[Contact]) -> None:
    """The invitation list becomes ``attendees``: others are uninvited, new ones added."""
    keep = {c.pk for c in attendees}
    meeting.attendees.exclude(contact_id__in=keep).delete()
    existing = set(meeting.attendees.values_list("contact_id", flat=True))
    Attendee.objects.bulk_create(
        [Attendee(tenant_id=meeting.tenant_id, meeting=meeting, contact=c) for c in attendees if c.pk not in existing]
    )


def _answered_questions(meeting: Meeting, answers: dict[str, str]) -> list[HardQuestion]:
    """The meeting's questions with the answers heard set (not saved); an unknown id is refused."""
    questions = {str(q.pk): q for q in meeting.hard_questions.all()}
    if set(answers) - set(questions):
        raise ValidationError({"answers": "Unknown question."})
    for key, answer in answers.items():
        questions[key].answer = answer
    return [questions[key] for key in answers]


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
    require(actor, "meetings.manage")
    if attendees is not None:
        _check_attendees(meeting.relationship, attendees)
    answered = _answered_questions(meeting, answers) if answers else []
    model_update(instance=meeting, data=fields, allowed=MEETING_FIELDS)
    if attendees is not None:
        _invite(meeting, attendees)
    if attended is not None:
        meeting.attendees.update(attended=False)
        meeting.attendees.filter(contact_id__in={c.pk for c in attended}).update(attended=True)
    for question in answered:
        question.save(update_fields=["answer"])
    return meeting


@transaction.atomic
def meeting_delete(*, actor: Membership, meeting: Meeting) -> None:
    require(actor, "meetings.manage")
    delete_unless_referenced(meeting, "meeting")


@transaction.atomic
def hard_question_add(*, actor: Membership, meeting: Meeting, question: str, answer: str = "") -> HardQuestion:
    require(actor, "meetings.manage")
    position = meeting.hard_questions.count()
    return save_validated(HardQuestion(meeting=meeting, question=question, answer=answer, position=position))


# --- Reads ------------------------------------------------------------------------------------


def meetings_for(*, membership: Membership) -> QuerySet[Meeting]:
    """The meetings the member may see (a customer participant: their account's)."""
    rows: QuerySet[Meeting] = Meeting.objects.visible_to(membership)
    return rows


def meetings_with_people(*, membership: Membership) -> QuerySet[Meeting]:
    """Meetings with their relationship, attendees and hard questions (the API's rows)."""
    return (
        meetings_for(membership=membership)
        .select_related("relationship__account")
        .prefetch_related(Prefetch("attendees", queryset=Attendee.objects.select_related("contact")), "hard_questions")
    )


def meetings_of(*, membership: Membership, relationship: Relationship) -> QuerySet[Meeting]:
    """A relationship's meetings, newest first (e.g. to link an action to one)."""
    return meetings_for(membership=membership).filter(relationship=relationship).order_by("-starts_at")


def relationship_calendar(*, membership: Membership, relationship: Relationship) -> QuerySet[Meeting]:
    """Every meeting of a relationship, oldest first: its ``.ics`` calendar."""
    return meetings_for(membership=membership).filter(relationship=relationship).order_by("starts_at")


def attendees_of(*, membership: Membership, meeting: Meeting) -> list[Attendee]:
    return list(Attendee.objects.visible_to(membership).filter(meeting=meeting).select_related("contact__account"))


def hard_questions_of(*, meeting: Meeting) -> list[HardQuestion]:
    """The questions asked at a meeting the member has already opened, in order."""
    return list(meeting.hard_questions.all())


def invitations(meeting: Meeting) -> tuple[list[Any], list[Any]]:
    """The invited contacts' ids and those of the ones who came (the edit form's initial values)."""
    invited = list(meeting.attendees.values_list("contact_id", "attended"))
    return [contact for contact, _ in invited], [contact for contact, came in invited if came]


def relationship_meetings(*, membership: Membership, relationship: Relationship) -> dict[str, Any]:
    """The relationship page's meetings in one query (a UNION): the next planned meeting, the next
    planned quarterly review and the five most recent meetings."""
    now = timezone.now()
    meetings = meetings_for(membership=membership).filter(relationship=relationship)
    planned = meetings.filter(starts_at__gte=now, status=MeetingStatus.PLANNED).order_by("starts_at")
    rows: list[Any] = list(
        planned.annotate(page_part=Value("next"))[:1].union(
            planned.filter(kind=MeetingKind.QUARTERLY_REVIEW).annotate(page_part=Value("review"))[:1],
            meetings.filter(starts_at__lt=now).annotate(page_part=Value("recent")).order_by("-starts_at")[:5],
            all=True,
        )
    )
    recent = [m for m in rows if m.page_part == "recent"]
    return {
        "next_meeting": next((m for m in rows if m.page_part == "next"), None),
        "next_review": next((m for m in rows if m.page_part == "review"), None),
        "recent_meetings": sorted(recent, key=lambda m: m.starts_at, reverse=True),
    }


def next_review_due(relationship: Relationship, last_review: dt.date | None) -> dt.date:
    """When the next quarterly review is due: the cadence after the last one held (or after creation)."""
    start = last_review or relationship.created_at.date()
    month = start.month - 1 + relationship.review_cadence_months
    year = start.year + month // 12
    month = month % 12 + 1
    day = min(start.day, 28)
    return dt.date(year, month, day)


def review_schedule(
    relationship: Relationship,
    *,
    last_review: dt.datetime | None,
    next_review: Meeting | None,
    reminder_days: int,
    today: dt.date,
) -> dict[str, Any]:
    """When the next quarterly review is due and whether it is overdue or due soon (and unplanned)."""
    review_due = next_review_due(relationship, last_review.date() if last_review else None)
    unplanned = next_review is None
    return {
        "last_review": last_review,
        "review_due": review_due,
        "review_overdue": review_due < today and unplanned,
        "review_due_soon": today <= review_due <= today + dt.timedelta(days=reminder_days) and unplanned,
    }
