"""The partnering REST API · meetings: attendees, answers, hard questions, the .ics export."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from partnering.models import (
    HARD_QUESTIONS,
    Attendee,
    Meeting,
)
from partnering.tests import factories
from partnering.tests.factories import SECRET, api, count, error_fields, ids, reread, results


def test_meeting_create_update_answers_and_hard_questions(world_a, api_for):
    relationship = factories.relationship_for(world_a)
    theirs = factories.contact_for(world_a, account=world_a.account_x, full_name="Their Buyer")
    ours = factories.contact_for(world_a, full_name="Our Engineer")
    client = api_for(world_a.member("champion"))
    starts = (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
    response = client.post(
        api(world_a, "meetings/"),
        {
            "relationship": str(relationship.pk),
            "kind": "quarterly_review",
            "starts_at": starts.isoformat(),
            "attendees": [str(theirs.pk), str(ours.pk)],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agenda"].startswith("1. Scorecard review")
    assert body["title"].startswith("Quarterly review")
    assert set(body["attendees"]) == {str(theirs.pk), str(ours.pk)}
    assert [q["question"] for q in body["hard_questions"]] == list(HARD_QUESTIONS)
    assert body["created_by"] == str(world_a.member("champion").pk)

    detail = api(world_a, f"meetings/{body['id']}/")
    question = body["hard_questions"][0]["id"]
    response = client.patch(
        detail,
        {
            "status": "held",
            "minutes": "Went well",
            "attended": [str(theirs.pk)],
            "answers": {question: "Lead times matter more now"},
            "attendees": [str(theirs.pk), str(ours.pk)],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "held"
    assert {a["full_name"]: a["attended"] for a in body["attendee_details"]} == {
        "Their Buyer": True,
        "Our Engineer": False,
    }
    assert body["hard_questions"][0]["answer"] == "Lead times matter more now"

    hq_url = api(world_a, f"meetings/{body['id']}/hard-questions/")
    added = client.post(hq_url, {"question": "What would make us your first call?", "answer": "Faster quotes"})
    assert added.status_code == 201, added.content
    assert len(results(client.get(hq_url))) == 3
    assert client.patch(detail, {"attendees": [str(ours.pk)]}).json()["attendees"] == [str(ours.pk)]


def test_meeting_bad_input_is_400_and_changes_nothing(world_a, world_b, api_for):
    relationship = factories.relationship_for(world_a)
    stranger = factories.contact_for(world_a, account=world_a.account_y, full_name="Stranger")
    foreign = factories.contact_for(world_b, full_name="Foreign")
    client = api_for(world_a.rep)
    base = {"relationship": str(relationship.pk), "starts_at": timezone.now().isoformat()}
    before = count(world_a, Meeting)
    assert (
        "another customer account"
        in error_fields(client.post(api(world_a, "meetings/"), {**base, "attendees": [str(stranger.pk)]}))["attendees"][
            0
        ]
    )
    assert "attendees" in error_fields(client.post(api(world_a, "meetings/"), {**base, "attendees": [str(foreign.pk)]}))
    assert "attendees" in error_fields(client.post(api(world_a, "meetings/"), {**base, "attendees": ["not-a-uuid"]}))
    assert "duration_minutes" in error_fields(
        client.post(api(world_a, "meetings/"), {**base, "duration_minutes": "ninety"})
    )
    assert "kind" in error_fields(client.post(api(world_a, "meetings/"), {**base, "kind": "party"}))
    assert "starts_at" in error_fields(client.post(api(world_a, "meetings/"), {**base, "starts_at": "next week"}))
    assert "answers" in error_fields(client.post(api(world_a, "meetings/"), {**base, "answers": {"x": "y"}}))
    assert count(world_a, Meeting) == before

    meeting = factories.meeting_for(world_a, relationship=relationship, title="Q1 review")
    detail = api(world_a, f"meetings/{meeting.pk}/")
    response = client.patch(detail, {"title": "Renamed", "attendees": [str(stranger.pk)]})
    assert "attendees" in error_fields(response)
    assert "answers" in error_fields(client.patch(detail, {"title": "Renamed", "answers": {str(uuid.uuid4()): "x"}}))
    assert "status" in error_fields(client.patch(detail, {"status": "postponed"}))
    assert reread(world_a, meeting).title == "Q1 review"  # the failed updates were rolled back
    assert count(world_a, Attendee, meeting=meeting) == 0


def test_meeting_ics_export(world_a, api_for):
    meeting = factories.meeting_for(world_a, title="Q3 review", location="Plant 2", internal_notes=SECRET)
    for member in (world_a.rep, world_a.customer_x):
        client = api_for(member)
        response = client.get(api(world_a, f"meetings/{meeting.pk}/ics/"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        text = response.content.decode()
        assert text.startswith("BEGIN:VCALENDAR") and "SUMMARY:Q3 review" in text
        assert f"UID:{meeting.pk}@partnering" in text
        assert SECRET not in text
    asked = api_for(world_a.rep).get(api(world_a, f"meetings/{meeting.pk}/ics/"), HTTP_ACCEPT="text/calendar")
    assert asked.status_code == 200 and b"BEGIN:VEVENT" in asked.content
    assert api_for(world_a.customer_y).get(api(world_a, f"meetings/{meeting.pk}/ics/")).status_code == 404


def test_customer_reads_meetings_without_notes_and_cannot_write(world_a, api_for):
    meeting = factories.meeting_for(world_a, internal_notes=SECRET)
    client = api_for(world_a.customer_x)
    listing = client.get(api(world_a, "meetings/"))
    assert ids(listing) == {str(meeting.pk)}
    detail = client.get(api(world_a, f"meetings/{meeting.pk}/"))
    assert "internal_notes" not in detail.json() and "internal_notes" not in results(listing)[0]
    assert SECRET not in listing.content.decode() + detail.content.decode()
    assert client.patch(api(world_a, f"meetings/{meeting.pk}/"), {"minutes": "mine"}).status_code == 403
    assert client.post(api(world_a, f"meetings/{meeting.pk}/hard-questions/"), {"question": "?"}).status_code == 403
    assert reread(world_a, meeting).minutes == ""


def test_meeting_isolation(isolation, world_a, world_b):
    meeting = factories.meeting_for(world_a)
    foreign = factories.meeting_for(world_b)
    other_account = factories.meeting_for(
        world_a, relationship=factories.relationship_for(world_a, account=world_a.account_y)
    )
    for path in ("", "ics/", "hard-questions/"):
        isolation.assert_hidden(api(world_a, f"meetings/{meeting.pk}/{path}"), account_bound=True)
    isolation.assert_list_excludes(api(world_a, "meetings/"), [foreign.pk])
    isolation.assert_list_excludes(api(world_a, "meetings/"), [other_account.pk], as_member=world_a.customer_x)
