"""The partnering REST API · relationships: relationships, level changes, sponsors and roster; and,
as the hub every other area hangs off, the checks across all the app's endpoints (no internal
notes for customers anywhere, list endpoints in a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from core.models import Role
from partnering import accounts, meetings, relationships, work
from partnering.models import (
    LevelChange,
    Relationship,
    RosterEntry,
    Sponsor,
)
from partnering.tests import factories
from partnering.tests.factories import SECRET, api, count, error_fields, extra_member, reread, results


def test_relationship_create_update_and_level_history(world_a, api_for):
    client = api_for(world_a.rep)
    response = client.post(
        api(world_a, "relationships/"),
        {
            "account": str(world_a.account_y.pk),
            "business_unit": "Coatings",
            "level": "preferred",
            "supplier_champion": str(world_a.member("champion").pk),
            "customer_champion": str(world_a.customer_y.pk),
            "internal_notes": SECRET,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == "preferred" and body["open_actions"] == 0
    assert body["customer_champion_name"] == world_a.customer_y.user.full_name
    detail = api(world_a, f"relationships/{body['id']}/")

    assert client.patch(detail, {"plan_summary": "Quarterly reviews", "review_cadence_months": 6}).status_code == 200
    assert reread(world_a, Relationship(pk=body["id"])).review_cadence_months == 6
    assert "level" in error_fields(client.patch(detail, {"level": "strategic"}))
    assert "account" in error_fields(client.patch(detail, {"account": str(world_a.account_x.pk)}))
    assert client.patch(detail, {"level": "preferred"}).status_code == 200  # unchanged value is fine

    level = api(world_a, f"relationships/{body['id']}/level/")
    today = timezone.localdate().isoformat()
    response = client.post(level, {"level": "strategic", "note": "Joint roadmap signed", "changed_on": today})
    assert response.status_code == 201, response.content
    assert response.json()["from_level"] == "preferred" and response.json()["to_level"] == "strategic"
    assert client.get(level).json()["level"] == "strategic"
    history = results(client.get(api(world_a, f"relationships/{body['id']}/level-history/")))
    assert {(row["from_level"], row["to_level"], row["changed_on"]) for row in history} == {
        ("preferred", "strategic", today),
        ("", "preferred", today),
    }


def test_relationship_bad_input_is_400_and_changes_nothing(world_a, world_b, api_for):
    relationship = factories.relationship_for(world_a)
    client = api_for(world_a.rep)
    before = count(world_a, Relationship)
    other_account_customer = client.post(
        api(world_a, "relationships/"),
        {"account": str(world_a.account_y.pk), "customer_champion": str(world_a.customer_x.pk)},
    )
    assert "another customer account" in error_fields(other_account_customer)["customer_champion"][0]
    foreign = client.post(
        api(world_a, "relationships/"),
        {"account": str(world_a.account_y.pk), "supplier_champion": str(world_b.member("champion").pk)},
    )
    assert "does not exist" in error_fields(foreign)["supplier_champion"][0]
    unknown_level = client.post(api(world_a, "relationships/"), {"account": str(world_a.account_y.pk), "level": "bff"})
    assert "level" in error_fields(unknown_level)
    foreign_account = client.post(api(world_a, "relationships/"), {"account": str(world_b.account_x.pk)})
    assert "account" in error_fields(foreign_account)
    assert count(world_a, Relationship) == before

    detail = api(world_a, f"relationships/{relationship.pk}/")
    text_number = client.patch(detail, {"review_cadence_months": "quarterly", "plan_summary": "changed"})
    assert "review_cadence_months" in error_fields(text_number)
    out_of_range = client.patch(detail, {"review_cadence_months": 24, "plan_summary": "changed"})
    assert "review_cadence_months" in error_fields(out_of_range)
    assert reread(world_a, relationship).plan_summary == ""

    level = api(world_a, f"relationships/{relationship.pk}/level/")
    assert "level" in error_fields(client.post(level, {"level": "best-friends"}))
    assert "level" in error_fields(client.post(level, {"level": "transactional"}))  # already there
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert "changed_on" in error_fields(client.post(level, {"level": "preferred", "changed_on": future}))
    assert "changed_on" in error_fields(client.post(level, {"level": "preferred", "changed_on": "yesterday"}))
    assert reread(world_a, relationship).level == "transactional"
    assert count(world_a, LevelChange, relationship=relationship) == 1


def test_customer_reads_own_relationship_without_notes_and_cannot_change_level(world_a, api_for):
    relationship = factories.relationship_for(world_a, internal_notes=SECRET)
    other = factories.relationship_for(world_a, account=world_a.account_y)
    client = api_for(world_a.customer_x)
    listing = client.get(api(world_a, "relationships/"))
    assert [row["id"] for row in results(listing)] == [str(relationship.pk)]
    detail = client.get(api(world_a, f"relationships/{relationship.pk}/"))
    assert detail.status_code == 200 and "internal_notes" not in detail.json()
    assert SECRET not in listing.content.decode() + detail.content.decode()
    assert client.get(api(world_a, f"relationships/{other.pk}/")).status_code == 404
    response = client.post(api(world_a, f"relationships/{relationship.pk}/level/"), {"level": "strategic"})
    assert response.status_code == 403
    assert reread(world_a, relationship).level == "transactional"
    assert client.patch(api(world_a, f"relationships/{relationship.pk}/"), {"plan_summary": "x"}).status_code == 403


def test_relationship_isolation(isolation, world_a, world_b):
    relationship = factories.relationship_for(world_a)
    foreign = factories.relationship_for(world_b)
    other_account = factories.relationship_for(world_a, account=world_a.account_y)
    for path in ("", "level/", "level-history/"):
        isolation.assert_hidden(api(world_a, f"relationships/{relationship.pk}/{path}"), account_bound=True)
    isolation.assert_list_excludes(api(world_a, "relationships/"), [foreign.pk])
    isolation.assert_list_excludes(api(world_a, "relationships/"), [other_account.pk], as_member=world_a.customer_x)


# --- Sponsors and roster ---------------------------------------------------------------------


def test_sponsors_three_per_side_the_seventh_is_refused(world_a, api_for):
    relationship = factories.relationship_for(world_a)
    client = api_for(world_a.rep)
    url = api(world_a, "sponsors/")
    internal = [world_a.admin, world_a.member("executive"), world_a.member("champion"), world_a.member("coach")]
    customers = [world_a.customer_x] + [
        extra_member(world_a, Role.CUSTOMER, account=world_a.account_x, tag=str(i)) for i in range(3)
    ]
    for person in internal[:3] + customers[:3]:
        response = client.post(url, {"relationship": str(relationship.pk), "membership": str(person.pk)})
        assert response.status_code == 201, response.content
    fourth_ours = client.post(url, {"relationship": str(relationship.pk), "membership": str(internal[3].pk)})
    assert "at most 3" in error_fields(fourth_ours)["membership"][0]
    seventh = client.post(url, {"relationship": str(relationship.pk), "membership": str(customers[3].pk)})
    assert "at most 3" in error_fields(seventh)["membership"][0]
    assert count(world_a, Sponsor, relationship=relationship) == 6

    rows = results(client.get(api(world_a, f"sponsors/?relationship={relationship.pk}&side=customer")))
    assert {row["membership"] for row in rows} == {str(c.pk) for c in customers[:3]}
    assert results(api_for(world_a.customer_x).get(url))  # the customer sees their relationship's sponsors
    assert results(api_for(world_a.customer_y).get(url)) == []

    sponsor_id = rows[0]["id"]
    assert api_for(world_a.customer_x).delete(api(world_a, f"sponsors/{sponsor_id}/")).status_code == 403
    assert client.delete(api(world_a, f"sponsors/{sponsor_id}/")).status_code == 204
    assert count(world_a, Sponsor, relationship=relationship) == 5


def test_sponsor_of_another_account_or_tenant_is_refused(world_a, world_b, api_for):
    relationship = factories.relationship_for(world_a)
    client = api_for(world_a.rep)
    url = api(world_a, "sponsors/")
    other_account = client.post(url, {"relationship": str(relationship.pk), "membership": str(world_a.customer_y.pk)})
    assert "another customer account" in error_fields(other_account)["membership"][0]
    other_tenant = client.post(url, {"relationship": str(relationship.pk), "membership": str(world_b.rep.pk)})
    assert "does not exist" in error_fields(other_tenant)["membership"][0]
    assert "relationship" in error_fields(client.post(url, {"relationship": "nope", "membership": str(world_a.rep.pk)}))
    assert count(world_a, Sponsor) == 0


def test_roster_add_update_remove(world_a, api_for):
    relationship = factories.relationship_for(world_a)
    contact = factories.contact_for(world_a, account=world_a.account_x, full_name="Point Person")
    stranger = factories.contact_for(world_a, account=world_a.account_y, full_name="Stranger")
    client = api_for(world_a.rep)
    url = api(world_a, "roster/")
    response = client.post(
        url,
        {"relationship": str(relationship.pk), "contact": str(contact.pk), "role": "Quality", "is_point_person": True},
    )
    assert response.status_code == 201, response.content
    assert response.json()["contact_name"] == "Point Person"
    entry_url = api(world_a, f"roster/{response.json()['id']}/")
    assert client.patch(entry_url, {"role": "Operations lead"}).json()["role"] == "Operations lead"
    assert "contact" in error_fields(client.patch(entry_url, {"contact": str(stranger.pk)}))
    wrong = client.post(url, {"relationship": str(relationship.pk), "contact": str(stranger.pk), "role": "Spy"})
    assert "another customer account" in error_fields(wrong)["contact"][0]
    assert [row["role"] for row in results(api_for(world_a.customer_x).get(url))] == ["Operations lead"]
    assert client.delete(entry_url).status_code == 204
    assert count(world_a, RosterEntry) == 0


@pytest.mark.usefixtures("world_b")
def test_sponsor_and_roster_isolation(isolation, world_a):
    relationship = factories.relationship_for(world_a)
    contact = factories.contact_for(world_a, account=world_a.account_x)
    with world_a.context():
        sponsor = relationships.sponsor_add(
            actor=world_a.admin, relationship=relationship, membership=world_a.customer_x
        )
        entry = relationships.roster_add(actor=world_a.admin, relationship=relationship, contact=contact, role="Buyer")
    isolation.assert_hidden(api(world_a, f"sponsors/{sponsor.pk}/"), account_bound=True)
    isolation.assert_hidden(api(world_a, f"roster/{entry.pk}/"), account_bound=True)
    isolation.assert_list_excludes(api(world_a, "sponsors/"), [sponsor.pk], as_member=world_a.customer_y)
    isolation.assert_list_excludes(api(world_a, "roster/"), [entry.pk], as_member=world_a.customer_y)


# --- Every area: internal notes never reach a customer ---------------------------------------


def test_no_customer_response_anywhere_carries_internal_notes(world_a, api_for):
    with world_a.context():
        accounts.account_update(actor=world_a.admin, account=world_a.account_x, internal_notes=SECRET)
    relationship = factories.relationship_for(world_a, internal_notes=SECRET)
    meeting = factories.meeting_for(world_a, relationship=relationship, internal_notes=SECRET)
    topic = factories.topic_for(world_a, relationship=relationship, internal_notes=SECRET)
    factories.action_for(world_a, relationship=relationship, title=SECRET, internal_only=True)
    client = api_for(world_a.customer_x)
    paths = [
        "accounts/",
        f"accounts/{world_a.account_x.pk}/",
        "relationships/",
        f"relationships/{relationship.pk}/",
        f"relationships/{relationship.pk}/level/",
        f"relationships/{relationship.pk}/level-history/",
        "meetings/",
        f"meetings/{meeting.pk}/",
        f"meetings/{meeting.pk}/ics/",
        f"meetings/{meeting.pk}/hard-questions/",
        "actions/",
        "actions/mine/",
        "topics/",
        f"topics/{topic.pk}/",
        f"topics/{topic.pk}/score/",
        f"topics/{topic.pk}/status/",
        "sponsors/",
        "roster/",
    ]
    for path in paths:
        response = client.get(api(world_a, path))
        assert response.status_code == 200, (path, response.content)
        text = response.content.decode()
        assert SECRET not in text, path
        assert "internal_notes" not in text and "internal_only" not in text, path
    internal = api_for(world_a.rep).get(api(world_a, f"meetings/{meeting.pk}/"))
    assert internal.json()["internal_notes"] == SECRET  # the same endpoint shows internal members the notes


# --- Every area: query counts of the list endpoints -------------------------------------------


def _grow(world: Any, size: int) -> None:
    """``size`` more rows of every kind on account X's relationship (all visible to customer X)."""
    relationship = factories.relationship_for(world)
    with world.context():
        for i in range(size):
            tag = uuid.uuid4().hex[:8]
            account = accounts.account_create(actor=world.admin, name=f"Account {tag}", owner=world.rep)
            contact = accounts.contact_create(actor=world.admin, full_name=f"Person {tag}", account=world.account_x)
            accounts.contact_create(actor=world.admin, full_name=f"Other {tag}", account=account)
            relationships.roster_add(actor=world.admin, relationship=relationship, contact=contact, role="Member")
            meeting = meetings.meeting_create(
                actor=world.admin,
                relationship=relationship,
                starts_at=timezone.now() + dt.timedelta(days=i + 1),
                attendees=[contact],
            )
            work.action_create(
                actor=world.admin,
                relationship=relationship,
                meeting=meeting,
                title=f"Action {tag}",
                owner=world.customer_x,
                due_on=timezone.localdate() + dt.timedelta(days=i + 2),
            )
            topic = work.topic_create(actor=world.admin, relationship=relationship, title=f"Topic {tag}")
            work.topic_score(actor=world.admin, topic=topic, value_to_supplier=3, value_to_customer=4, feasibility=5)
            relationships.relationship_create(actor=world.admin, account=account)
        if not Sponsor.objects.filter(relationship=relationship).exists():
            relationships.sponsor_add(actor=world.admin, relationship=relationship, membership=world.admin)


LIST_PATHS = [
    "accounts/",
    "contacts/",
    "relationships/",
    "sponsors/",
    "roster/",
    "meetings/",
    "actions/",
    "actions/mine/",
    "topics/",
]


MAX_QUERIES = 9  # measured: 6–9 per list (auth, tenant, count, page, prefetches)


@pytest.mark.parametrize("role", ["rep", "customer"])
def test_list_endpoints_use_a_fixed_number_of_queries(role, world_a, api_for, django_assert_max_num_queries):
    member = world_a.rep if role == "rep" else world_a.customer_x
    client = api_for(member)
    client.get(api(world_a, "me/"))  # first use of the token stamps it; not part of the budget
    paths = [p for p in LIST_PATHS if not (role == "customer" and p == "contacts/")]
    for size in (1, 6):
        _grow(world_a, size if size == 1 else size - 1)
        for path in paths:
            with django_assert_max_num_queries(MAX_QUERIES):
                response = client.get(api(world_a, path))
            assert response.status_code == 200, (path, response.content)
            if path in ("meetings/", "topics/", "roster/"):
                assert len(results(response)) >= size, path
