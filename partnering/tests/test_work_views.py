"""Action items and future topics: pages for our company's people and for customer participants."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from partnering import work
from partnering.models import ActionItem, ActionStatus, FutureTopic, Side, SteeringMember, TopicScore, TopicStatus
from partnering.tests.factories import action_for, contact_for, meeting_for, relationship_for, topic_for

TODAY = timezone.localdate


def url(world, rest: str) -> str:
    return f"/t/{world.slug}/{rest}"


@pytest.fixture
def rel(world_a):
    return relationship_for(world_a)


def action_data(world, **overrides):
    data = {
        "title": "Send the cross-audit checklist",
        "owner": str(world.rep.pk),
        "due_on": (TODAY() + dt.timedelta(days=10)).isoformat(),
        "status": "open",
    }
    data.update(overrides)
    return data


# --- Action items -----------------------------------------------------------------------------


def test_add_an_action_linked_to_a_meeting_and_topic(world_a, client_for, rel):
    meeting = meeting_for(world_a, relationship=rel, starts_at=timezone.now() - dt.timedelta(days=2))
    topic = topic_for(world_a, relationship=rel)
    client = client_for(world_a.rep)
    form = client.get(url(world_a, f"relationships/{rel.pk}/actions/new/?meeting={meeting.pk}&topic={topic.pk}"))
    assert form.status_code == 200
    assert form.context["form"].initial["meeting"] == str(meeting.pk)
    assert 'type="date"' in form.content.decode()
    # malformed ids in the query string are ignored, not a 500
    assert client.get(url(world_a, f"relationships/{rel.pk}/actions/new/?meeting=xyz&topic=1")).status_code == 200
    response = client.post(
        url(world_a, f"relationships/{rel.pk}/actions/new/"),
        action_data(world_a, owner=str(world_a.customer_x.pk), meeting=str(meeting.pk), topic=str(topic.pk)),
    )
    assert response.status_code == 302
    with world_a.context():
        action = ActionItem.objects.get()
        assert (action.meeting_id, action.topic_id, action.owner_id) == (meeting.pk, topic.pk, world_a.customer_x.pk)
        assert action.created_by_id == world_a.rep.pk


@pytest.mark.parametrize("case", ["before_meeting", "other_account", "other_tenant", "unknown_owner", "bad_date"])
def test_bad_action_input_shows_errors_and_saves_nothing(world_a, world_b, client_for, rel, case):
    meeting = meeting_for(world_a, relationship=rel, starts_at=timezone.now() + dt.timedelta(days=5))
    data = {
        "before_meeting": action_data(world_a, meeting=str(meeting.pk), due_on=TODAY().isoformat()),
        "other_account": action_data(world_a, owner=str(world_a.customer_y.pk)),
        "other_tenant": action_data(world_a, owner=str(world_b.rep.pk)),
        "unknown_owner": action_data(world_a, owner="not-a-uuid"),
        "bad_date": action_data(world_a, due_on="2030-02-31"),
    }[case]
    response = client_for(world_a.rep).post(url(world_a, f"relationships/{rel.pk}/actions/new/"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    expected = {"before_meeting": "due_on", "bad_date": "due_on"}.get(case, "owner")
    assert expected in errors
    if case == "before_meeting":
        assert "cannot be before the meeting" in str(errors["due_on"])
    with world_a.context():
        assert not ActionItem.objects.exists()


def test_edit_an_action(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel)
    client = client_for(world_a.member("champion"))
    assert client.get(url(world_a, f"actions/{action.pk}/edit/")).status_code == 200
    response = client.post(
        url(world_a, f"actions/{action.pk}/edit/"),
        action_data(world_a, title="Send the revised checklist", status="in_progress", internal_only="on"),
    )
    assert response.status_code == 302
    with world_a.context():
        action.refresh_from_db()
        assert action.title == "Send the revised checklist" and action.status == "in_progress" and action.internal_only


def test_internal_only_action_cannot_be_owned_by_a_customer(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel)
    response = client_for(world_a.rep).post(
        url(world_a, f"actions/{action.pk}/edit/"),
        action_data(world_a, owner=str(world_a.customer_x.pk), internal_only="on"),
    )
    assert response.status_code == 200
    assert "internal_only" in response.context["form"].errors
    with world_a.context():
        action.refresh_from_db()
        assert action.owner_id == world_a.rep.pk and not action.internal_only


def test_customers_cannot_edit_actions(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel, owner=world_a.customer_x)
    assert client_for(world_a.customer_x).get(url(world_a, f"actions/{action.pk}/edit/")).status_code == 403
    assert (
        client_for(world_a.customer_x)
        .post(url(world_a, f"actions/{action.pk}/edit/"), action_data(world_a, title="Changed"))
        .status_code
        == 403
    )
    assert client_for(world_a.customer_y).get(url(world_a, f"actions/{action.pk}/edit/")).status_code == 404
    assert client_for(world_a.customer_x).get(url(world_a, f"relationships/{rel.pk}/actions/new/")).status_code == 403


def test_customer_updates_the_status_of_their_own_action_only(world_a, client_for, rel):
    theirs = action_for(world_a, relationship=rel, owner=world_a.customer_x, title="Theirs")
    ours = action_for(world_a, relationship=rel, title="Ours")
    secret = action_for(world_a, relationship=rel, title="Secret", internal_only=True)
    client = client_for(world_a.customer_x)
    response = client.post(url(world_a, f"actions/{theirs.pk}/status/"), {"status": "done"})
    assert response.status_code == 302
    assert client.post(url(world_a, f"actions/{ours.pk}/status/"), {"status": "done"}).status_code == 403
    assert client.post(url(world_a, f"actions/{secret.pk}/status/"), {"status": "done"}).status_code == 404
    assert (
        client_for(world_a.customer_y)
        .post(url(world_a, f"actions/{theirs.pk}/status/"), {"status": "open"})
        .status_code
        == 404
    )
    with world_a.context():
        statuses = dict(ActionItem.objects.values_list("title", "status"))
        assert statuses == {"Theirs": "done", "Ours": "open", "Secret": "open"}
        assert ActionItem.objects.get(pk=theirs.pk).completed_at is not None


def test_status_change_with_an_unknown_status_changes_nothing(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel)
    response = client_for(world_a.rep).post(
        url(world_a, f"actions/{action.pk}/status/"), {"status": "finished"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose one of the listed statuses." in response.content.decode()
    with world_a.context():
        action.refresh_from_db()
        assert action.status == "open"


def test_status_change_goes_back_to_a_local_next_url_only(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel)
    client = client_for(world_a.rep)
    response = client.post(
        url(world_a, f"actions/{action.pk}/status/"), {"status": "in_progress", "next": url(world_a, "actions/mine/")}
    )
    assert response["Location"] == url(world_a, "actions/mine/")
    response = client.post(
        url(world_a, f"actions/{action.pk}/status/"), {"status": "open", "next": "https://evil.example/"}
    )
    assert response["Location"] == url(world_a, f"relationships/{rel.pk}/")


def test_my_actions_shows_overdue_first_and_highlighted(world_a, client_for, rel):
    action_for(world_a, relationship=rel, title="Later", due_on=TODAY() + dt.timedelta(days=20))
    action_for(world_a, relationship=rel, title="Late", due_on=TODAY() - dt.timedelta(days=2))
    action_for(world_a, relationship=rel, title="Someone else's", owner=world_a.member("coach"))
    response = client_for(world_a.rep).get(url(world_a, "actions/mine/"))
    assert response.status_code == 200
    assert [a.title for a in response.context["actions"]] == ["Late", "Later"]
    html = response.content.decode()
    assert html.count('data-overdue="true"') == 1 and "Overdue" in html


def test_my_actions_of_a_customer_and_empty_state(world_a, client_for, rel):
    action_for(world_a, relationship=rel, title="Theirs", owner=world_a.customer_x)
    assert [a.title for a in client_for(world_a.customer_x).get(url(world_a, "actions/mine/")).context["actions"]] == [
        "Theirs"
    ]
    empty = client_for(world_a.customer_y).get(url(world_a, "actions/mine/"))
    assert empty.status_code == 200 and "Nothing assigned to you" in empty.content.decode()


def test_action_list_filters_overdue_and_hides_internal_actions_from_customers(world_a, world_b, client_for, rel):
    action_for(world_a, relationship=rel, title="Late", due_on=TODAY() - dt.timedelta(days=2))
    action_for(world_a, relationship=rel, title="On time")
    action_for(
        world_a, relationship=rel, title="Secret late", internal_only=True, due_on=TODAY() - dt.timedelta(days=1)
    )
    rel_y = relationship_for(world_a, account=world_a.account_y)
    action_for(world_a, relationship=rel_y, title="Other account")
    action_for(world_b, title="Other tenant")
    rep = client_for(world_a.rep)
    titles = [a.title for a in rep.get(url(world_a, "actions/")).context["actions"]]
    assert set(titles) == {"Late", "On time", "Secret late", "Other account"}

    overdue = [a.title for a in rep.get(url(world_a, "actions/?overdue=1")).context["actions"]]
    assert overdue == ["Late", "Secret late"]
    customer = [a.title for a in client_for(world_a.customer_x).get(url(world_a, "actions/")).context["actions"]]
    assert customer == ["Late", "On time"]
    assert "Secret late" not in client_for(world_a.customer_x).get(url(world_a, "actions/?overdue=1")).content.decode()


def test_closed_actions_show_only_on_request(world_a, client_for, rel):
    action = action_for(world_a, relationship=rel, title="Finished")
    with world_a.context():
        work.action_update(actor=world_a.admin, action=action, status=ActionStatus.DONE)
    client = client_for(world_a.rep)
    assert client.get(url(world_a, "actions/")).context["actions"] == []
    assert [a.title for a in client.get(url(world_a, "actions/?status=all")).context["actions"]] == ["Finished"]


# --- Future topics ----------------------------------------------------------------------------


def test_customer_proposes_a_topic_and_their_side_is_recorded(world_a, client_for, rel):
    client = client_for(world_a.customer_x)
    form = client.get(url(world_a, f"relationships/{rel.pk}/topics/new/"))
    assert form.status_code == 200 and "internal_notes" not in form.context["form"].fields
    response = client.post(
        url(world_a, f"relationships/{rel.pk}/topics/new/"),
        {"title": "Shared forecasting", "category": "new_technology", "internal_notes": "sneaky"},
    )
    assert response.status_code == 302
    with world_a.context():
        topic = FutureTopic.objects.get()
        assert topic.proposed_by_side == Side.CUSTOMER and topic.status == TopicStatus.LONG_LIST
        assert topic.internal_notes == ""


def test_bad_topic_input(world_a, client_for, rel):
    response = client_for(world_a.rep).post(
        url(world_a, f"relationships/{rel.pk}/topics/new/"), {"title": "", "category": "astrology"}
    )
    assert response.status_code == 200
    assert {"title", "category"} <= set(response.context["form"].errors)
    with world_a.context():
        assert not FutureTopic.objects.exists()


def test_both_firms_score_and_the_list_ranks_by_the_combined_score(world_a, client_for, rel):
    low = topic_for(world_a, relationship=rel, title="Low value")
    high = topic_for(world_a, relationship=rel, title="High value")
    rep, customer = client_for(world_a.rep), client_for(world_a.customer_x)
    assert rep.get(url(world_a, f"topics/{high.pk}/score/")).status_code == 200
    for client, topic, values in (
        (rep, high, (5, 4, 4)),
        (customer, high, (4, 5, 3)),
        (rep, low, (2, 1, 3)),
    ):
        response = client.post(
            url(world_a, f"topics/{topic.pk}/score/"),
            dict(zip(("value_to_supplier", "value_to_customer", "feasibility"), map(str, values), strict=True)),
        )
        assert response.status_code == 302
    with world_a.context():
        assert dict(TopicScore.objects.filter(topic=high).values_list("side", "scored_by")) == {
            "supplier": world_a.rep.pk,
            "customer": world_a.customer_x.pk,
        }
    page = customer.get(url(world_a, f"relationships/{rel.pk}/topics/"))
    assert [t.title for t in page.context["long_list"]] == ["High value", "Low value"]
    html = page.content.decode()
    assert "Our company: 5/4/4" in html and "Customer: 4/5/3" in html


@pytest.mark.parametrize("bad", [{"value_to_supplier": "6"}, {"feasibility": "0"}, {"value_to_customer": "x"}])
def test_out_of_range_scores_are_refused(world_a, client_for, rel, bad):
    topic = topic_for(world_a, relationship=rel)
    data = {"value_to_supplier": "3", "value_to_customer": "3", "feasibility": "3", **bad}
    response = client_for(world_a.rep).post(url(world_a, f"topics/{topic.pk}/score/"), data)
    assert response.status_code == 200 and set(bad) <= set(response.context["form"].errors)
    with world_a.context():
        assert not TopicScore.objects.exists()


def test_sixth_active_topic_is_refused_with_a_clear_message(world_a, client_for, rel):
    topics = [topic_for(world_a, relationship=rel, title=f"Topic {i}") for i in range(6)]
    client = client_for(world_a.member("champion"))
    for i, topic in enumerate(topics[:5]):
        response = client.post(url(world_a, f"topics/{topic.pk}/status/"), {"status": "active", "priority": str(i + 1)})
        assert response.status_code == 302
    response = client.post(url(world_a, f"topics/{topics[5].pk}/status/"), {"status": "active", "priority": "1"})
    assert response.status_code == 200
    assert "The short list already has 5 active topics" in str(response.context["status_form"].errors)
    assert "The short list already has 5 active topics" in response.content.decode()
    with world_a.context():
        assert FutureTopic.objects.filter(status=TopicStatus.ACTIVE).count() == 5
        topics[5].refresh_from_db()
        assert topics[5].status == TopicStatus.LONG_LIST and topics[5].priority is None
    shortlist = client.get(url(world_a, f"relationships/{rel.pk}/topics/")).context["short_list"]
    assert [t.priority for t in shortlist] == [1, 2, 3, 4, 5]


def test_topic_status_bad_input_and_permissions(world_a, client_for, rel):
    topic = topic_for(world_a, relationship=rel)
    client = client_for(world_a.rep)
    response = client.post(url(world_a, f"topics/{topic.pk}/status/"), {"status": "legendary"})
    assert response.status_code == 200 and "status" in response.context["status_form"].errors
    response = client.post(url(world_a, f"topics/{topic.pk}/status/"), {"status": "active", "priority": "99"})
    assert response.status_code == 200 and "priority" in response.context["status_form"].errors
    assert (
        client_for(world_a.customer_x)
        .post(url(world_a, f"topics/{topic.pk}/status/"), {"status": "active"})
        .status_code
        == 403
    )
    assert (
        client_for(world_a.customer_y)
        .post(url(world_a, f"topics/{topic.pk}/status/"), {"status": "active"})
        .status_code
        == 404
    )
    assert (
        client_for(world_a.member("coach"))
        .post(url(world_a, f"topics/{topic.pk}/status/"), {"status": "active"})
        .status_code
        == 403
    )
    with world_a.context():
        topic.refresh_from_db()
        assert topic.status == TopicStatus.LONG_LIST


def test_steering_team_and_action_plan_on_the_topic_page(world_a, client_for, rel):
    topic = topic_for(world_a, relationship=rel, title="Water reuse", internal_notes="Margin story")
    theirs = contact_for(world_a, account=world_a.account_x, full_name="Theo Theirs")
    other = contact_for(world_a, account=world_a.account_y, full_name="Yannick Elsewhere")
    action_for(world_a, relationship=rel, topic=topic, title="Pilot plan", due_on=TODAY() - dt.timedelta(days=1))
    action_for(world_a, relationship=rel, topic=topic, title="Internal costing", internal_only=True)
    client = client_for(world_a.rep)
    assert client.post(url(world_a, f"topics/{topic.pk}/steering/new/"), {"contact": str(theirs.pk)}).status_code == 302
    again = client.post(url(world_a, f"topics/{topic.pk}/steering/new/"), {"contact": str(theirs.pk)})
    assert again.status_code == 200 and "Already on the steering team." in again.content.decode()
    foreign = client.post(url(world_a, f"topics/{topic.pk}/steering/new/"), {"contact": str(other.pk)})
    assert foreign.status_code == 200 and "contact" in foreign.context["steering_form"].errors
    with world_a.context():
        assert list(SteeringMember.objects.values_list("contact_id", flat=True)) == [theirs.pk]
    html = client.get(url(world_a, f"topics/{topic.pk}/")).content.decode()
    assert "Theo Theirs" in html and "Pilot plan" in html and 'data-overdue="true"' in html and "Margin story" in html
    customer = client_for(world_a.customer_x)
    customer_html = customer.get(url(world_a, f"topics/{topic.pk}/")).content.decode()
    assert (
        "Pilot plan" in customer_html
        and "Internal costing" not in customer_html
        and "Margin story" not in customer_html
    )
    assert (
        customer.post(url(world_a, f"topics/{topic.pk}/steering/new/"), {"contact": str(theirs.pk)}).status_code == 403
    )


def test_topic_pages_are_hidden_from_other_accounts(world_a, client_for, rel):
    topic = topic_for(world_a, relationship=rel)
    other = client_for(world_a.customer_y)
    assert other.get(url(world_a, f"topics/{topic.pk}/")).status_code == 404
    assert other.get(url(world_a, f"relationships/{rel.pk}/topics/")).status_code == 404
    assert (
        other.post(url(world_a, f"relationships/{rel.pk}/topics/new/"), {"title": "x", "category": "other"}).status_code
        == 404
    )
    assert (
        other.post(
            url(world_a, f"topics/{topic.pk}/score/"),
            {"value_to_supplier": 1, "value_to_customer": 1, "feasibility": 1},
        ).status_code
        == 404
    )
    with world_a.context():
        assert FutureTopic.objects.count() == 1 and not TopicScore.objects.exists()


def test_empty_topic_list_says_what_to_do(world_a, client_for, rel):
    html = client_for(world_a.rep).get(url(world_a, f"relationships/{rel.pk}/topics/")).content.decode()
    assert "The long list is empty" in html and "Propose a topic" in html
