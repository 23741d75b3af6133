"""The relationship page (the hub before a quarterly review) and the meeting pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partnering import services
from partnering.models import (
    HARD_QUESTIONS,
    ActionItem,
    Attendee,
    LevelChange,
    Meeting,
    MeetingKind,
    MeetingStatus,
    TopicStatus,
)
from partnering.tests.factories import action_for, contact_for, meeting_for, relationship_for, topic_for


def url(world, name_path: str) -> str:
    return f"/t/{world.slug}/{name_path}"


@pytest.fixture
def rel(world_a):
    return relationship_for(world_a, internal_notes="Price war with competitor Z: keep quiet.")


# --- The relationship page --------------------------------------------------------------------


def test_relationship_page_shows_what_a_champion_needs(world_a, client_for, rel):
    with world_a.context():
        LevelChange.objects.filter(relationship=rel).update(changed_on=timezone.localdate() - dt.timedelta(days=90))
        services.relationship_change_level(
            actor=world_a.admin, relationship=rel, level="preferred", note="Passed the supplier audit"
        )
        services.sponsor_add(actor=world_a.admin, relationship=rel, membership=world_a.member("executive"))
        services.sponsor_add(actor=world_a.admin, relationship=rel, membership=world_a.customer_x)
        ours = contact_for(world_a, full_name="Olga Ours")
        theirs = contact_for(world_a, account=world_a.account_x, full_name="Theo Theirs")
        services.roster_add(
            actor=world_a.admin, relationship=rel, contact=theirs, role="Quality lead", is_point_person=True
        )
        services.roster_add(actor=world_a.admin, relationship=rel, contact=ours, role="Account lead")
    upcoming = meeting_for(world_a, relationship=rel, title="Q4 review")
    past = meeting_for(world_a, relationship=rel, title="Q3 review", starts_at=timezone.now() - dt.timedelta(days=60))
    late = action_for(
        world_a, relationship=rel, title="Send the audit report", due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    action_for(world_a, relationship=rel, title="Book the plant visit")
    topic = topic_for(world_a, relationship=rel, title="Water reuse pilot")
    with world_a.context():
        services.topic_set_status(actor=world_a.admin, topic=topic, status=TopicStatus.ACTIVE, priority=1)
    topic_for(world_a, relationship=rel, title="Long-list idea")

    response = client_for(world_a.member("champion")).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    ctx = response.context
    assert ctx["next_meeting"].pk == upcoming.pk
    assert [m.pk for m in ctx["recent_meetings"]] == [past.pk]
    assert ctx["open_action_count"] == 2 and ctx["overdue_action_count"] == 1
    assert [change.to_level for change in ctx["level_history"]] == ["preferred", "transactional"]
    assert [s.membership.pk for s in ctx["sponsors_supplier"]] == [world_a.member("executive").pk]
    assert [s.membership.pk for s in ctx["sponsors_customer"]] == [world_a.customer_x.pk]
    assert [r.contact.full_name for r in ctx["point_persons"]] == ["Theo Theirs"]
    assert [t.title for t in ctx["short_list"]] == ["Water reuse pilot"]
    assert [t.title for t in ctx["long_list"]] == ["Long-list idea"]
    assert "Preferred supplier" in html and "Passed the supplier audit" in html
    assert "Theo Theirs" in html and "Olga Ours" in html
    assert world_a.member("executive").user.display_name in html
    assert "Q4 review" in html and f"meetings/{upcoming.pk}/invite.ics" in html
    # the overdue action is flagged, the other is not
    assert html.count('data-overdue="true"') == 1
    assert f'{late.title}</strong>\n  <span class="badge pw-badge-overdue">Overdue' in html
    assert "Price war with competitor Z" in html  # internal notes for our company
    assert "Plan quarterly review" in html and "Add action" in html and "Propose topic" in html


def test_customer_sees_their_relationship_without_internal_rows(world_a, client_for, rel):
    action_for(world_a, relationship=rel, title="Internal margin check", internal_only=True)
    action_for(world_a, relationship=rel, title="Joint audit", owner=world_a.customer_x)
    response = client_for(world_a.customer_x).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Joint audit" in html
    assert "Internal margin check" not in html
    assert "Price war with competitor Z" not in html
    assert response.context["open_action_count"] == 1
    # customers may propose topics but not plan meetings or add actions
    assert "Propose topic" in html
    assert "Plan quarterly review" not in html and "Add action" not in html


def test_relationship_page_of_another_account_or_tenant_is_404(world_a, world_b, client_for, rel):
    assert client_for(world_a.customer_y).get(url(world_a, f"relationships/{rel.pk}/")).status_code == 404
    assert client_for(world_b.admin).get(url(world_b, f"relationships/{rel.pk}/")).status_code == 404
    assert client_for(world_a.rep).get(url(world_a, "relationships/not-a-uuid/")).status_code == 404


def test_review_overdue_notice_when_nothing_is_planned(world_a, client_for, rel):
    with world_a.context():
        type(rel).objects.filter(pk=rel.pk).update(created_at=timezone.now() - dt.timedelta(days=200))
    response = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["review_overdue"] is True
    assert "none is planned" in response.content.decode()
    meeting_for(world_a, relationship=rel)  # a planned quarterly review clears the notice
    response = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["review_overdue"] is False
    assert 'data-testid="review-notice"' not in response.content.decode()


def test_empty_relationship_page_says_what_to_do(world_a, client_for, rel):
    html = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/")).content.decode()
    assert "No meeting planned" in html
    assert "No open actions" in html
    assert "No active topics" in html


@pytest.mark.parametrize("size", [2, 30])
def test_relationship_page_runs_at_most_12_queries(world_a, client_for, django_assert_max_num_queries, rel, size):
    with world_a.context():
        for i in range(size):
            contact = contact_for(world_a, account=world_a.account_x, full_name=f"Person {i}")
            services.roster_add(actor=world_a.admin, relationship=rel, contact=contact, role="Member")
            meeting = meeting_for(
                world_a,
                relationship=rel,
                title=f"M{i}",
                starts_at=timezone.now() + dt.timedelta(days=i - size // 2),
                attendees=[contact],
            )
            topic = topic_for(world_a, relationship=rel, title=f"Topic {i}")
            services.topic_score(
                actor=world_a.admin, topic=topic, value_to_supplier=3, value_to_customer=4, feasibility=2
            )
            services.topic_score(
                actor=world_a.customer_x, topic=topic, value_to_supplier=2, value_to_customer=5, feasibility=3
            )
            if i < 5:
                services.topic_set_status(actor=world_a.admin, topic=topic, status=TopicStatus.ACTIVE, priority=i + 1)
            action_for(
                world_a,
                relationship=rel,
                title=f"A{i}",
                due_on=timezone.localdate() + dt.timedelta(days=i - size // 2 + 1),
                topic=topic,
                meeting=meeting,
            )
        services.sponsor_add(actor=world_a.admin, relationship=rel, membership=world_a.member("executive"))
        services.relationship_change_level(actor=world_a.admin, relationship=rel, level="preferred")
    for member in (world_a.rep, world_a.customer_x):
        client = client_for(member)
        with django_assert_max_num_queries(12):
            response = client.get(url(world_a, f"relationships/{rel.pk}/"))
        assert response.status_code == 200
        assert response.context["open_action_count"] == size
        assert len(response.context["short_list"]) == min(size, 5)


# --- Meetings ---------------------------------------------------------------------------------


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


def test_relationship_page_links_to_the_relationship_admin_pages_when_they_exist(world_a, client_for, rel):
    from django.urls import NoReverseMatch, reverse

    html = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/")).content.decode()
    for name in ("relationship-edit", "relationship-level", "relationship-sponsor-add", "relationship-roster-add"):
        try:
            target = reverse(f"partnering:{name}", kwargs={"tenant_slug": world_a.slug, "pk": rel.pk})
        except NoReverseMatch:
            continue  # another page set; linked once it exists
        assert target in html
    customer_html = client_for(world_a.customer_x).get(url(world_a, f"relationships/{rel.pk}/")).content.decode()
    assert "/edit/" not in customer_html.split('id="content"')[1]


def test_action_counts_exclude_closed_actions(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel, due_on=timezone.localdate() - dt.timedelta(days=5))
    with world_a.context():
        services.action_update(actor=world_a.admin, action=action, status="done")
        assert ActionItem.objects.get(pk=action.pk).completed_at is not None
    response = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["open_action_count"] == 0 and response.context["overdue_action_count"] == 0


@pytest.mark.parametrize("role", ["admin", "executive", "coach", "champion", "rep"])
def test_every_internal_role_opens_the_relationship_page_with_the_buttons_it_may_use(world_a, client_for, rel, role):
    from core.permissions import can

    member = world_a.member(role)
    response = client_for(member).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Plan quarterly review" in html) == can(member, "meetings.manage")
    assert ("Add action" in html) == can(member, "actions.manage")
    assert response.context["can_manage_relationship"] == can(member, "relationships.manage")


def test_review_due_soon_notice(world_a, client_for, rel):
    with world_a.context():
        type(rel).objects.filter(pk=rel.pk).update(created_at=timezone.now() - dt.timedelta(days=85))
    response = client_for(world_a.customer_x).get(url(world_a, f"relationships/{rel.pk}/"))
    assert response.context["review_due_soon"] is True and response.context["review_overdue"] is False
    assert "is not planned yet" in response.content.decode()
