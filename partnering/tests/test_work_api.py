"""The partnering REST API · work: action items and future topics (scores, short list, steering team)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from partnering.models import (
    ActionItem,
    FutureTopic,
    TopicScore,
)
from partnering.tests import factories
from partnering.tests.factories import SECRET, api, count, error_fields, ids, reread, results


def test_action_create_filters_and_mine(world_a, api_for):
    relationship = factories.relationship_for(world_a)
    meeting = factories.meeting_for(world_a, relationship=relationship)
    client = api_for(world_a.rep)
    due = (meeting.starts_at + dt.timedelta(days=7)).date().isoformat()
    response = client.post(
        api(world_a, "actions/"),
        {
            "relationship": str(relationship.pk),
            "meeting": str(meeting.pk),
            "title": "Share the scorecard",
            "owner": str(world_a.customer_x.pk),
            "due_on": due,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created_by"] == str(world_a.rep.pk) and body["is_overdue"] is False
    assert body["owner_name"] == world_a.customer_x.user.full_name
    late = factories.action_for(
        world_a, relationship=relationship, title="Late one", due_on=timezone.localdate() - dt.timedelta(days=2)
    )
    done = factories.action_for(world_a, relationship=relationship, title="Done one", status="done")

    assert ids(client.get(api(world_a, "actions/?overdue=true"))) == {str(late.pk)}
    assert str(late.pk) not in ids(client.get(api(world_a, "actions/?overdue=false")))
    assert ids(client.get(api(world_a, "actions/?status=done"))) == {str(done.pk)}
    assert len(ids(client.get(api(world_a, f"actions/?relationship={relationship.pk}")))) == 3
    assert "status" in error_fields(client.get(api(world_a, "actions/?status=someday")))
    assert ids(client.get(api(world_a, "actions/mine/"))) == {str(late.pk)}  # rep owns late + done; open only
    assert ids(client.get(api(world_a, "actions/mine/?include_closed=true"))) == {str(late.pk), str(done.pk)}
    assert ids(api_for(world_a.customer_x).get(api(world_a, "actions/mine/"))) == {body["id"]}

    detail = api(world_a, f"actions/{late.pk}/")
    response = client.patch(detail, {"status": "done"})
    assert response.status_code == 200 and response.json()["completed_at"]
    assert client.delete(detail).status_code == 204
    assert count(world_a, ActionItem, pk=late.pk) == 0


def test_action_bad_input_is_400_and_changes_nothing(world_a, world_b, api_for):
    relationship = factories.relationship_for(world_a)
    meeting = factories.meeting_for(world_a, relationship=relationship)
    other_meeting = factories.meeting_for(
        world_a, relationship=factories.relationship_for(world_a, account=world_a.account_y)
    )
    client = api_for(world_a.rep)
    url = api(world_a, "actions/")
    base = {
        "relationship": str(relationship.pk),
        "title": "Follow up",
        "owner": str(world_a.rep.pk),
        "due_on": (meeting.starts_at + dt.timedelta(days=1)).date().isoformat(),
    }
    before = count(world_a, ActionItem)
    before_meeting = (meeting.starts_at - dt.timedelta(days=1)).date().isoformat()
    assert (
        "before the meeting"
        in error_fields(client.post(url, {**base, "meeting": str(meeting.pk), "due_on": before_meeting}))["due_on"][0]
    )
    assert "does not exist" in error_fields(client.post(url, {**base, "owner": str(world_b.rep.pk)}))["owner"][0]
    assert (
        "another customer account"
        in error_fields(client.post(url, {**base, "owner": str(world_a.customer_y.pk)}))["owner"][0]
    )
    assert "owner" in error_fields(client.post(url, {**base, "owner": "0000-not-a-uuid"}))
    assert "meeting" in error_fields(client.post(url, {**base, "meeting": str(other_meeting.pk)}))
    assert "status" in error_fields(client.post(url, {**base, "status": "someday"}))
    assert "due_on" in error_fields(client.post(url, {**base, "due_on": "tomorrow-ish"}))
    assert "relationship" in error_fields(
        client.post(url, {**base, "relationship": str(factories.relationship_for(world_b).pk)})
    )
    assert "internal_only" in error_fields(
        client.post(url, {**base, "owner": str(world_a.customer_x.pk), "internal_only": True})
    )
    assert count(world_a, ActionItem) == before

    due_on = (meeting.starts_at + dt.timedelta(days=1)).date()
    action = factories.action_for(world_a, relationship=relationship, meeting=meeting, due_on=due_on)
    detail = api(world_a, f"actions/{action.pk}/")
    assert "due_on" in error_fields(client.patch(detail, {"due_on": before_meeting, "title": "Changed"}))
    assert "owner" in error_fields(client.patch(detail, {"owner": str(world_a.customer_y.pk), "title": "Changed"}))
    assert "status" in error_fields(client.patch(detail, {"status": "someday"}))
    assert "relationship" in error_fields(client.patch(detail, {"relationship": str(other_meeting.relationship_id)}))
    action_after = reread(world_a, action)
    assert (action_after.title, action_after.owner_id, action_after.status) == (action.title, world_a.rep.pk, "open")


def test_customer_actions_own_status_only_and_never_internal_ones(world_a, api_for):
    relationship = factories.relationship_for(world_a)
    mine = factories.action_for(world_a, relationship=relationship, owner=world_a.customer_x, title="Theirs")
    ours = factories.action_for(world_a, relationship=relationship, owner=world_a.rep, title="Ours")
    internal = factories.action_for(world_a, relationship=relationship, title="Pricing strategy", internal_only=True)
    client = api_for(world_a.customer_x)
    listing = client.get(api(world_a, "actions/"))
    assert ids(listing) == {str(mine.pk), str(ours.pk)}
    assert "internal_only" not in results(listing)[0]
    assert "Pricing strategy" not in listing.content.decode()
    assert client.get(api(world_a, f"actions/{internal.pk}/")).status_code == 404
    assert client.patch(api(world_a, f"actions/{internal.pk}/"), {"status": "done"}).status_code == 404
    assert str(internal.pk) not in ids(client.get(api(world_a, "actions/?overdue=false")))

    response = client.patch(api(world_a, f"actions/{mine.pk}/"), {"status": "in_progress"})
    assert response.status_code == 200, response.content
    assert reread(world_a, mine).status == "in_progress"
    assert "title" in error_fields(client.patch(api(world_a, f"actions/{mine.pk}/"), {"title": "Renamed"}))
    assert client.patch(api(world_a, f"actions/{ours.pk}/"), {"status": "done"}).status_code == 403
    assert client.put(api(world_a, f"actions/{mine.pk}/"), {"status": "done"}).status_code == 403
    assert client.delete(api(world_a, f"actions/{mine.pk}/")).status_code == 403
    assert client.post(api(world_a, "actions/"), {"title": "x"}).status_code == 403
    assert reread(world_a, mine).title == "Theirs" and reread(world_a, ours).status == "open"


def test_action_isolation(isolation, world_a, world_b):
    action = factories.action_for(world_a)
    foreign = factories.action_for(world_b)
    isolation.assert_hidden(api(world_a, f"actions/{action.pk}/"), account_bound=True)
    isolation.assert_list_excludes(api(world_a, "actions/"), [foreign.pk])
    isolation.assert_list_excludes(api(world_a, "actions/mine/"), [foreign.pk])
    isolation.assert_list_excludes(api(world_a, "actions/"), [action.pk], as_member=world_a.customer_y)


def test_topic_propose_score_and_short_list(world_a, api_for):
    relationship = factories.relationship_for(world_a)
    rep, customer = api_for(world_a.rep), api_for(world_a.customer_x)
    response = customer.post(
        api(world_a, "topics/"),
        {
            "relationship": str(relationship.pk),
            "title": "New regulation 2027",
            "category": "regulation",
            "internal_notes": "x",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["proposed_by_side"] == "customer" and body["status"] == "long_list"
    assert "internal_notes" not in body
    topic_id = body["id"]
    assert reread(world_a, FutureTopic(pk=topic_id)).internal_notes == ""  # ignored on input for customers

    score = {"value_to_supplier": 4, "value_to_customer": 5, "feasibility": 3}
    assert rep.post(api(world_a, f"topics/{topic_id}/score/"), score).json()["side"] == "supplier"
    assert customer.post(api(world_a, f"topics/{topic_id}/score/"), {**score, "feasibility": 1}).json()["total"] == 10
    detail = rep.get(api(world_a, f"topics/{topic_id}/")).json()
    assert detail["supplier_score"]["total"] == 12 and detail["customer_score"]["total"] == 10
    assert detail["average"] == 11
    assert len(rep.get(api(world_a, f"topics/{topic_id}/score/")).json()) == 2

    response = rep.post(api(world_a, f"topics/{topic_id}/status/"), {"status": "active", "priority": 1})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["priority"]) == ("active", 1)
    assert rep.get(api(world_a, f"topics/{topic_id}/status/")).json() == {"status": "active", "priority": 1}
    assert rep.patch(api(world_a, f"topics/{topic_id}/"), {"description": "EU rules"}).status_code == 200
    assert ids(rep.get(api(world_a, "topics/?status=active"))) == {topic_id}
    assert customer.post(api(world_a, f"topics/{topic_id}/status/"), {"status": "dropped"}).status_code == 403
    assert customer.patch(api(world_a, f"topics/{topic_id}/"), {"title": "Mine"}).status_code == 403
    assert rep.delete(api(world_a, f"topics/{topic_id}/")).status_code == 204


def test_topic_bad_input_is_400_and_changes_nothing(world_a, world_b, api_for):
    relationship = factories.relationship_for(world_a)
    topic = factories.topic_for(world_a, relationship=relationship)
    client = api_for(world_a.rep)
    score_url = api(world_a, f"topics/{topic.pk}/score/")
    good = {"value_to_supplier": 3, "value_to_customer": 3, "feasibility": 3}
    assert "feasibility" in error_fields(client.post(score_url, {**good, "feasibility": 6}))
    assert "value_to_supplier" in error_fields(client.post(score_url, {**good, "value_to_supplier": 0}))
    assert "value_to_customer" in error_fields(client.post(score_url, {**good, "value_to_customer": "high"}))
    assert count(world_a, TopicScore, topic=topic) == 0

    status_url = api(world_a, f"topics/{topic.pk}/status/")
    assert "status" in error_fields(client.post(status_url, {"status": "parked"}))
    assert "priority" in error_fields(client.post(status_url, {"status": "active", "priority": 11}))
    assert "priority" in error_fields(client.post(status_url, {"status": "active", "priority": "first"}))
    assert reread(world_a, topic).status == "long_list"

    before = count(world_a, FutureTopic)
    customer_y = api_for(world_a.customer_y)  # another account's relationship does not exist for them
    response = customer_y.post(api(world_a, "topics/"), {"relationship": str(relationship.pk), "title": "Sneaky"})
    assert "does not exist" in error_fields(response)["relationship"][0]
    foreign = client.post(
        api(world_a, "topics/"), {"relationship": str(factories.relationship_for(world_b).pk), "title": "x"}
    )
    assert "relationship" in error_fields(foreign)
    assert "category" in error_fields(
        client.post(api(world_a, "topics/"), {"relationship": str(relationship.pk), "title": "x", "category": "magic"})
    )
    assert count(world_a, FutureTopic) == before


def test_short_list_limit_refusal_names_the_status_field(world_a, api_for):
    relationship = factories.relationship_for(world_a)
    topics = [factories.topic_for(world_a, relationship=relationship, title=f"Topic {i}") for i in range(6)]
    client = api_for(world_a.rep)
    for i, topic in enumerate(topics[:5], start=1):
        response = client.post(api(world_a, f"topics/{topic.pk}/status/"), {"status": "active", "priority": i})
        assert response.status_code == 200, response.content
    refused = client.post(api(world_a, f"topics/{topics[5].pk}/status/"), {"status": "active", "priority": 6})
    message = error_fields(refused)["status"][0]
    assert "short list already has 5 active topics" in message and "limit is 5" in message
    assert reread(world_a, topics[5]).status == "long_list"


def test_customer_topics_without_internal_notes(world_a, api_for):
    topic = factories.topic_for(world_a, internal_notes=SECRET)
    other = factories.topic_for(world_a, relationship=factories.relationship_for(world_a, account=world_a.account_y))
    client = api_for(world_a.customer_x)
    listing = client.get(api(world_a, "topics/"))
    assert ids(listing) == {str(topic.pk)}
    detail = client.get(api(world_a, f"topics/{topic.pk}/"))
    assert "internal_notes" not in detail.json()
    score = client.post(
        api(world_a, f"topics/{topic.pk}/score/"), {"value_to_supplier": 2, "value_to_customer": 4, "feasibility": 4}
    )
    assert score.status_code == 200 and score.json()["side"] == "customer"
    assert SECRET not in listing.content.decode() + detail.content.decode() + score.content.decode()
    assert client.get(api(world_a, f"topics/{other.pk}/")).status_code == 404
    assert (
        client.post(
            api(world_a, f"topics/{other.pk}/score/"),
            {"value_to_supplier": 1, "value_to_customer": 1, "feasibility": 1},
        ).status_code
        == 404
    )


def test_topic_isolation(isolation, world_a, world_b):
    topic = factories.topic_for(world_a)
    foreign = factories.topic_for(world_b)
    for path in ("", "score/", "status/"):
        isolation.assert_hidden(api(world_a, f"topics/{topic.pk}/{path}"), account_bound=True)
    isolation.assert_list_excludes(api(world_a, "topics/"), [foreign.pk])
    isolation.assert_list_excludes(api(world_a, "topics/"), [topic.pk], as_member=world_a.customer_y)


def test_topic_steering_team_through_the_api(world_a, world_b, api_for):
    from partnering.tests.factories import contact_for, topic_for

    topic = topic_for(world_a)
    ours = contact_for(world_a, full_name="Our process engineer")
    theirs = contact_for(world_a, account=world_a.account_y, full_name="Someone at the other account")
    foreign = contact_for(world_b, full_name="Other tenant's contact")
    api = api_for(world_a.member("champion"))
    url = f"/api/v1/t/{world_a.slug}/topics/{topic.pk}/steering/"
    assert api.post(url, {"contact": str(ours.pk)}, format="json").status_code == 201
    wrong_account = api.post(url, {"contact": str(theirs.pk)}, format="json")
    assert wrong_account.status_code == 400 and "contact" in wrong_account.json()["error"]["fields"]
    other_tenant = api.post(url, {"contact": str(foreign.pk)}, format="json")
    assert other_tenant.status_code == 400
    assert [m["full_name"] for m in api.get(url).json()] == ["Our process engineer"]
    customer = api_for(world_a.customer_x)
    assert customer.post(url, {"contact": str(ours.pk)}, format="json").status_code == 403
