"""The meeting pages: plan, open, record what happened, .ics files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partnering.models import (
    HARD_QUESTIONS,
    Attendee,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from partnering.tests.factories import action_for, contact_for, meeting_for, relationship_for


def url(world, name_path: str) -> str:
    return f"/t/{world.slug}/{name_path}"


@pytest.fixture
def rel(world_a):
    return relationship_for(world_a, internal_notes="Price war with competitor Z: keep quiet.")


def test_plan_a_quarterly_review_with_attendees_of_both_firms(world_a, client_for, rel):
    ours = contact_for(world_a, full_name="Olga Ours")
    theirs = contact_for(world_a, account=world_a.account_x, full_name="Theo Theirs")
    contact_for(world_a, account=world_a.account_y, full_name="Yannick Elsewhere")
    client = client_for(world_a.member("champion"))
    page = client.get(url(world_a, f"relationships/{rel.pk}/meetings/new/?kind=quarterly_review"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="datetime-local"' in html
    assert "Our company" in html and world_a.account_x.name in html
    assert "Olga Ours" in html and "Theo Theirs" in html and "Yannick Elsewhere" not in html
    response = client.post(
        url(world_a, f"relationships/{rel.pk}/meetings/new/"),
        {
            "kind": "quarterly_review",
            "starts_at": "2030-03-04T09:30",
            "duration_minutes": "120",
            "location": "Plant 2",
            "attendees": [str(ours.pk), str(theirs.pk)],
        },
    )
    assert response.status_code == 302
    with world_a.context():
        meeting = Meeting.objects.get(relationship=rel)
        assert meeting.kind == MeetingKind.QUARTERLY_REVIEW
        assert meeting.starts_at == dt.datetime(2030, 3, 4, 9, 30, tzinfo=dt.UTC)
        assert meeting.agenda.startswith("1. Scorecard review")
        assert [q.question for q in meeting.hard_questions.all()] == list(HARD_QUESTIONS)
        assert {a.contact_id for a in meeting.attendees.all()} == {ours.pk, theirs.pk}
    assert response["Location"] == url(world_a, f"meetings/{meeting.pk}/")
    detail = client.get(response["Location"]).content.decode()
    assert "Scorecard review" in detail and HARD_QUESTIONS[0] in detail
    assert "Olga Ours" in detail and "Theo Theirs" in detail


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "quarterly_review", "starts_at": "tomorrow-ish", "duration_minutes": "60"}, "starts_at"),
        ({"kind": "brunch", "starts_at": "2030-03-04T09:30", "duration_minutes": "60"}, "kind"),
        ({"kind": "other", "starts_at": "2030-03-04T09:30", "duration_minutes": "9999"}, "duration_minutes"),
        (
            {"kind": "other", "starts_at": "2030-03-04T09:30", "duration_minutes": "60", "attendees": ["nope"]},
            "attendees",
        ),
    ],
)
def test_bad_meeting_input_shows_errors_and_saves_nothing(world_a, client_for, rel, data, field):
    response = client_for(world_a.rep).post(url(world_a, f"relationships/{rel.pk}/meetings/new/"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    with world_a.context():
        assert not Meeting.objects.exists()


def test_attendee_of_another_account_is_refused(world_a, client_for, rel):
    other = contact_for(world_a, account=world_a.account_y, full_name="Yannick Elsewhere")
    response = client_for(world_a.rep).post(
        url(world_a, f"relationships/{rel.pk}/meetings/new/"),
        {"kind": "other", "starts_at": "2030-03-04T09:30", "duration_minutes": "60", "attendees": [str(other.pk)]},
    )
    assert response.status_code == 200
    assert "attendees" in response.context["form"].errors
    with world_a.context():
        assert not Meeting.objects.exists()


def test_customers_cannot_plan_or_edit_meetings(world_a, client_for, rel):
    meeting = meeting_for(world_a, relationship=rel)
    client = client_for(world_a.customer_x)
    assert client.get(url(world_a, f"relationships/{rel.pk}/meetings/new/")).status_code == 403
    assert (
        client.post(
            url(world_a, f"relationships/{rel.pk}/meetings/new/"),
            {"kind": "other", "starts_at": "2030-03-04T09:30", "duration_minutes": "60"},
        ).status_code
        == 403
    )
    assert client.get(url(world_a, f"meetings/{meeting.pk}/edit/")).status_code == 403
    assert client.post(url(world_a, f"meetings/{meeting.pk}/edit/"), {"minutes": "hacked"}).status_code == 403
    # the customer of another account does not even learn that the meeting exists
    assert client_for(world_a.customer_y).get(url(world_a, f"meetings/{meeting.pk}/edit/")).status_code == 404
    with world_a.context():
        assert Meeting.objects.count() == 1
        assert Meeting.objects.get().minutes == ""


def test_record_attendance_answers_minutes_and_decisions(world_a, client_for, rel):
    ours = contact_for(world_a, full_name="Olga Ours")
    theirs = contact_for(world_a, account=world_a.account_x, full_name="Theo Theirs")
    meeting = meeting_for(world_a, relationship=rel, attendees=[ours, theirs])
    with world_a.context():
        questions = list(meeting.hard_questions.all())
    client = client_for(world_a.rep)
    form = client.get(url(world_a, f"meetings/{meeting.pk}/edit/"))
    assert form.status_code == 200
    assert HARD_QUESTIONS[0] in form.content.decode()
    response = client.post(
        url(world_a, f"meetings/{meeting.pk}/edit/"),
        {
            "kind": "quarterly_review",
            "title": "Q1 review",
            "starts_at": meeting.starts_at.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "90",
            "status": "held",
            "agenda": meeting.agenda,
            "attendees": [str(ours.pk)],
            "attended": [str(ours.pk), str(theirs.pk)],
            f"answer_{questions[0].pk}": "Energy prices now come first.",
            "minutes": "We walked through the scorecard.",
            "decisions": "Start the water-reuse pilot.",
            "new_question": "What would make you drop us?",
            "internal_notes": "They are also talking to Z.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    with world_a.context():
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.HELD and meeting.title == "Q1 review"
        assert meeting.minutes == "We walked through the scorecard."
        attended = dict(Attendee.objects.filter(meeting=meeting).values_list("contact_id", "attended"))
        assert attended == {ours.pk: True, theirs.pk: True}
        answers = list(meeting.hard_questions.order_by("position").values_list("answer", flat=True))
        assert answers[0] == "Energy prices now come first."
        assert meeting.hard_questions.filter(question="What would make you drop us?").exists()
    detail = client_for(world_a.customer_x).get(url(world_a, f"meetings/{meeting.pk}/")).content.decode()
    assert "Energy prices now come first." in detail and "Start the water-reuse pilot." in detail
    assert "They are also talking to Z." not in detail
    assert "They are also talking to Z." in client.get(url(world_a, f"meetings/{meeting.pk}/")).content.decode()


def test_meeting_edit_with_bad_date_saves_nothing(world_a, client_for, rel):
    meeting = meeting_for(world_a, relationship=rel, title="Original")
    response = client_for(world_a.rep).post(
        url(world_a, f"meetings/{meeting.pk}/edit/"),
        {"kind": "other", "title": "Changed", "starts_at": "31/31/2030", "duration_minutes": "60", "status": "held"},
    )
    assert response.status_code == 200
    assert "starts_at" in response.context["form"].errors
    with world_a.context():
        meeting.refresh_from_db()
        assert meeting.title == "Original" and meeting.status == MeetingStatus.PLANNED


def test_meeting_page_lists_its_actions_with_overdue_flag_and_hides_internal_ones_from_customers(
    world_a, client_for, rel
):
    meeting = meeting_for(world_a, relationship=rel, starts_at=timezone.now() - dt.timedelta(days=10))
    action_for(
        world_a, relationship=rel, meeting=meeting, title="Late one", due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    action_for(world_a, relationship=rel, meeting=meeting, title="Our secret step", internal_only=True)
    html = client_for(world_a.rep).get(url(world_a, f"meetings/{meeting.pk}/")).content.decode()
    assert "Late one" in html and 'data-overdue="true"' in html and "Our secret step" in html
    customer_html = client_for(world_a.customer_x).get(url(world_a, f"meetings/{meeting.pk}/")).content.decode()
    assert "Late one" in customer_html and "Our secret step" not in customer_html


def test_meeting_ics_and_relationship_calendar(world_a, client_for, rel):
    meeting = meeting_for(world_a, relationship=rel, title="Q2 review", location="Plant 2", internal_notes="Secret")
    meeting_for(world_a, relationship=rel, title="Steering", kind="steering_team")
    client = client_for(world_a.customer_x)
    response = client.get(url(world_a, f"meetings/{meeting.pk}/invite.ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR") and body.count("BEGIN:VEVENT") == 1
    assert "SUMMARY:Q2 review" in body and "Secret" not in body
    calendar = client.get(url(world_a, f"relationships/{rel.pk}/meetings.ics"))
    assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
    assert "attachment" in calendar["Content-Disposition"]
    assert calendar.content.decode().count("BEGIN:VEVENT") == 2
    assert client_for(world_a.customer_y).get(url(world_a, f"meetings/{meeting.pk}/invite.ics")).status_code == 404
    assert client_for(world_a.customer_y).get(url(world_a, f"relationships/{rel.pk}/meetings.ics")).status_code == 404
