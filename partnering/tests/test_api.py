"""The partnering REST API: happy paths, isolation, customer visibility, bad input, query counts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.utils import timezone

from core import members as core_services
from core.models import Membership, Role, User
from partnering import services
from partnering.models import (
    HARD_QUESTIONS,
    ActionItem,
    Attendee,
    Contact,
    ContactActivity,
    CustomerAccount,
    FutureTopic,
    LevelChange,
    Meeting,
    Relationship,
    RosterEntry,
    Sponsor,
    TopicScore,
)
from partnering.tests import factories
from tests.fixtures import PASSWORD

SECRET = "SECRET-NOTE-do-not-show-customers"


def api(world: Any, path: str) -> str:
    return f"/api/v1/t/{world.slug}/{path}"


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= {"count", "results"}, body  # paginated
    return body["results"]


def ids(response: Any) -> set[str]:
    return {row["id"] for row in results(response)}


def error_fields(response: Any, status: int = 400) -> dict[str, list[str]]:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["status"] == status
    return error["fields"]


def extra_member(world: Any, role: str, *, account: CustomerAccount | None = None, tag: str = "") -> Membership:
    user = User.objects.create_user(
        f"extra-{role}-{tag}-{uuid.uuid4().hex[:6]}@{world.slug}.test", PASSWORD, full_name=f"Extra {role} {tag}"
    )
    return core_services.membership_create(tenant=world.tenant, user=user, role=role, customer_account=account)


def reread(world: Any, obj: Any) -> Any:
    with world.context():
        return type(obj).objects.get(pk=obj.pk)


def count(world: Any, model: Any, **filters: Any) -> int:
    with world.context():
        return model.objects.filter(**filters).count()


# --- Accounts ---------------------------------------------------------------------------------


def test_account_create_retrieve_update_delete(world_a, api_for):
    client = api_for(world_a.rep)
    response = client.post(
        api(world_a, "accounts/"),
        {"name": "Delta Pumps", "industry": "Water", "region": "EMEA", "owner": str(world_a.rep.pk)},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"] == str(world_a.rep.pk)
    assert body["owner_name"] == world_a.rep.user.full_name
    assert body["contact_count"] == 0 and body["overdue_count"] == 0
    account = reread(world_a, CustomerAccount(pk=body["id"]))
    assert account.tenant_id == world_a.tenant.pk and account.region == "EMEA"

    detail = api(world_a, f"accounts/{account.pk}/")
    assert client.get(detail).json()["name"] == "Delta Pumps"
    response = client.patch(detail, {"description": "Pumps for utilities", "internal_notes": SECRET})
    assert response.status_code == 200, response.content
    assert response.json()["internal_notes"] == SECRET  # internal members see the notes
    assert reread(world_a, account).description == "Pumps for utilities"

    assert client.delete(detail).status_code == 204
    assert count(world_a, CustomerAccount, pk=account.pk) == 0


def test_account_with_participants_cannot_be_deleted(world_a, api_for):
    response = api_for(world_a.admin).delete(api(world_a, f"accounts/{world_a.account_x.pk}/"))
    assert "non_field_errors" in error_fields(response)
    assert count(world_a, CustomerAccount, pk=world_a.account_x.pk) == 1


def test_account_list_search_filters_and_ordering(world_a, api_for):
    with world_a.context():
        services.account_create(actor=world_a.admin, name="Acme Valves", industry="Valves", region="APAC")
        services.account_create(
            actor=world_a.admin, name="Zenith Seals", industry="Seals", region="EMEA", owner=world_a.rep
        )
        services.account_create(
            actor=world_a.admin, name="Brine Co", industry="Valves", region="EMEA", description="valves and seals"
        )
    client = api_for(world_a.rep)
    names = lambda response: [row["name"] for row in results(response)]  # noqa: E731
    assert names(client.get(api(world_a, "accounts/?search=seals"))) == ["Brine Co", "Zenith Seals"]
    assert names(client.get(api(world_a, "accounts/?industry=Valves"))) == ["Acme Valves", "Brine Co"]
    assert names(client.get(api(world_a, "accounts/?industry=Valves&region=EMEA"))) == ["Brine Co"]
    assert names(client.get(api(world_a, f"accounts/?owner={world_a.rep.pk}"))) == ["Zenith Seals"]
    everything = names(client.get(api(world_a, "accounts/?ordering=-name")))
    assert everything == sorted(everything, reverse=True) and len(everything) == 5
    assert names(client.get(api(world_a, "accounts/?ordering=name")))[0] == "Acme Valves"
    assert len(results(client.get(api(world_a, "accounts/?ordering=updated_at")))) == 5
    assert "owner" in error_fields(client.get(api(world_a, "accounts/?owner=not-a-uuid")))


def test_customer_sees_only_their_own_account_without_internal_notes(world_a, api_for):
    with world_a.context():
        for account in (world_a.account_x, world_a.account_y):
            services.account_update(actor=world_a.admin, account=account, internal_notes=SECRET)
    client = api_for(world_a.customer_x)
    response = client.get(api(world_a, "accounts/"))
    rows = results(response)
    assert [row["id"] for row in rows] == [str(world_a.account_x.pk)]
    assert "internal_notes" not in rows[0]
    detail = client.get(api(world_a, f"accounts/{world_a.account_x.pk}/"))
    assert detail.status_code == 200 and "internal_notes" not in detail.json()
    assert SECRET not in response.content.decode() + detail.content.decode()
    assert client.get(api(world_a, f"accounts/{world_a.account_y.pk}/")).status_code == 404


def test_customer_cannot_write_accounts(world_a, api_for):
    client = api_for(world_a.customer_x)
    assert client.post(api(world_a, "accounts/"), {"name": "Mine now"}).status_code == 403
    response = client.patch(api(world_a, f"accounts/{world_a.account_x.pk}/"), {"name": "Renamed"})
    assert response.status_code == 403
    assert reread(world_a, world_a.account_x).name == world_a.account_x.name
    assert count(world_a, CustomerAccount, name="Mine now") == 0


def test_account_isolation(isolation, world_a, world_b):
    isolation.assert_hidden(api(world_a, f"accounts/{world_a.account_x.pk}/"), account_bound=True)
    isolation.assert_list_excludes(api(world_a, "accounts/"), [world_b.account_x.pk, world_b.account_y.pk])
    isolation.assert_list_excludes(api(world_a, "accounts/"), [world_a.account_y.pk], as_member=world_a.customer_x)


def test_account_owner_must_be_of_this_tenant_and_of_our_company(world_a, world_b, api_for):
    client = api_for(world_a.rep)
    before = count(world_a, CustomerAccount)
    foreign = client.post(api(world_a, "accounts/"), {"name": "Foreign owner", "owner": str(world_b.rep.pk)})
    assert "does not exist" in error_fields(foreign)["owner"][0]
    customer = client.post(api(world_a, "accounts/"), {"name": "Customer owner", "owner": str(world_a.customer_y.pk)})
    assert "our company" in error_fields(customer)["owner"][0]
    malformed = client.post(api(world_a, "accounts/"), {"name": "Bad id", "owner": "12345"})
    assert "owner" in error_fields(malformed)
    assert count(world_a, CustomerAccount) == before

    detail = api(world_a, f"accounts/{world_a.account_x.pk}/")
    assert "owner" in error_fields(client.patch(detail, {"owner": str(world_b.admin.pk), "region": "Mars"}))
    assert "owner" in error_fields(client.patch(detail, {"owner": str(world_a.customer_x.pk), "region": "Mars"}))
    account = reread(world_a, world_a.account_x)
    assert account.owner_id is None and account.region == ""


def test_account_duplicate_name_is_a_400(world_a, api_for):
    response = api_for(world_a.rep).post(api(world_a, "accounts/"), {"name": world_a.account_x.name})
    assert error_fields(response)
    assert count(world_a, CustomerAccount, name=world_a.account_x.name) == 1


def test_malformed_ids_in_the_url_are_404(world_a, api_for):
    client = api_for(world_a.rep)
    for resource in ("accounts", "contacts", "relationships", "meetings", "actions", "topics", "sponsors", "roster"):
        assert client.get(api(world_a, f"{resource}/not-a-uuid/")).status_code == 404
        assert client.get(api(world_a, f"{resource}/{uuid.uuid4()}/")).status_code == 404


# --- Contacts ---------------------------------------------------------------------------------


def test_contact_crud_and_filters(world_a, api_for):
    client = api_for(world_a.rep)
    response = client.post(
        api(world_a, "contacts/"),
        {
            "full_name": "Maria Lopez",
            "title": "Quality lead",
            "account": str(world_a.account_x.pk),
            "email": "m@x.test",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["side"] == "customer" and body["account_name"] == world_a.account_x.name
    factories.contact_for(world_a, full_name="Our Person")
    assert [row["full_name"] for row in results(client.get(api(world_a, "contacts/?ours=true")))] == ["Our Person"]
    of_x = results(client.get(api(world_a, f"contacts/?account={world_a.account_x.pk}")))
    assert [row["id"] for row in of_x] == [body["id"]]
    assert [row["id"] for row in results(client.get(api(world_a, "contacts/?search=quality")))] == [body["id"]]

    detail = api(world_a, f"contacts/{body['id']}/")
    assert client.patch(detail, {"phone": "+1 555"}).json()["phone"] == "+1 555"
    assert client.delete(detail).status_code == 204
    assert count(world_a, Contact, pk=body["id"]) == 0


def test_contact_bad_references_are_400_and_change_nothing(world_a, world_b, api_for):
    client = api_for(world_a.rep)
    before = count(world_a, Contact)
    foreign_account = client.post(api(world_a, "contacts/"), {"full_name": "X", "account": str(world_b.account_x.pk)})
    assert "account" in error_fields(foreign_account)
    wrong_login = client.post(
        api(world_a, "contacts/"),
        {"full_name": "X", "account": str(world_a.account_x.pk), "membership": str(world_a.customer_y.pk)},
    )
    assert "another customer account" in error_fields(wrong_login)["membership"][0]
    assert count(world_a, Contact) == before


def test_contacts_are_internal_only_customers_get_403(world_a, api_for):
    contact = factories.contact_for(world_a, account=world_a.account_x, internal_notes=SECRET)
    client = api_for(world_a.customer_x)
    for path in (
        "contacts/",
        f"contacts/{contact.pk}/",
        f"contacts/{contact.pk}/activities/",
        f"contacts/{uuid.uuid4()}/",
    ):
        response = client.get(api(world_a, path))
        assert response.status_code == 403, path  # same answer for existing and unknown ids: nothing leaks
        assert SECRET not in response.content.decode()
    assert client.post(api(world_a, "contacts/"), {"full_name": "Sneaky"}).status_code == 403
    assert count(world_a, Contact, full_name="Sneaky") == 0


def test_contact_isolation(isolation, world_a, world_b):
    contact = factories.contact_for(world_a, account=world_a.account_x)
    foreign = factories.contact_for(world_b, account=world_b.account_x)
    isolation.assert_hidden(api(world_a, f"contacts/{contact.pk}/"))
    isolation.assert_hidden(api(world_a, f"contacts/{contact.pk}/activities/"))
    isolation.assert_list_excludes(api(world_a, "contacts/"), [foreign.pk])


def test_contact_activity_log(world_a, world_b, api_for):
    contact = factories.contact_for(world_a, account=world_a.account_x)
    client = api_for(world_a.member("coach"))
    url = api(world_a, f"contacts/{contact.pk}/activities/")
    response = client.post(url, {"summary": "Discussed the audit", "channel": "visit", "occurred_on": "2026-01-05"})
    assert response.status_code == 201, response.content
    assert response.json()["author"] == str(world_a.member("coach").pk)
    client.post(url, {"summary": "Follow-up call"})
    rows = results(api_for(world_a.rep).get(url))  # visible to every internal user
    assert [row["summary"] for row in rows] == ["Follow-up call", "Discussed the audit"]

    assert "channel" in error_fields(client.post(url, {"summary": "x", "channel": "pigeon"}))
    assert "summary" in error_fields(client.post(url, {"channel": "call"}))
    assert count(world_a, ContactActivity, contact=contact) == 2
    assert (
        api_for(world_b.rep).post(api(world_a, f"contacts/{contact.pk}/activities/"), {"summary": "x"}).status_code
        == 404
    )


# --- Relationships ----------------------------------------------------------------------------


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


def test_sponsor_and_roster_isolation(isolation, world_a, world_b):
    relationship = factories.relationship_for(world_a)
    contact = factories.contact_for(world_a, account=world_a.account_x)
    with world_a.context():
        sponsor = services.sponsor_add(actor=world_a.admin, relationship=relationship, membership=world_a.customer_x)
        entry = services.roster_add(actor=world_a.admin, relationship=relationship, contact=contact, role="Buyer")
    isolation.assert_hidden(api(world_a, f"sponsors/{sponsor.pk}/"), account_bound=True)
    isolation.assert_hidden(api(world_a, f"roster/{entry.pk}/"), account_bound=True)
    isolation.assert_list_excludes(api(world_a, "sponsors/"), [sponsor.pk], as_member=world_a.customer_y)
    isolation.assert_list_excludes(api(world_a, "roster/"), [entry.pk], as_member=world_a.customer_y)


# --- Meetings ---------------------------------------------------------------------------------


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


# --- Action items -----------------------------------------------------------------------------


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


# --- Future topics ----------------------------------------------------------------------------


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


# --- Internal notes never reach a customer ----------------------------------------------------


def test_no_customer_response_anywhere_carries_internal_notes(world_a, api_for):
    with world_a.context():
        services.account_update(actor=world_a.admin, account=world_a.account_x, internal_notes=SECRET)
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


# --- Query counts -----------------------------------------------------------------------------


def _grow(world: Any, size: int) -> None:
    """``size`` more rows of every kind on account X's relationship (all visible to customer X)."""
    relationship = factories.relationship_for(world)
    with world.context():
        for i in range(size):
            tag = uuid.uuid4().hex[:8]
            account = services.account_create(actor=world.admin, name=f"Account {tag}", owner=world.rep)
            contact = services.contact_create(actor=world.admin, full_name=f"Person {tag}", account=world.account_x)
            services.contact_create(actor=world.admin, full_name=f"Other {tag}", account=account)
            services.roster_add(actor=world.admin, relationship=relationship, contact=contact, role="Member")
            meeting = services.meeting_create(
                actor=world.admin,
                relationship=relationship,
                starts_at=timezone.now() + dt.timedelta(days=i + 1),
                attendees=[contact],
            )
            services.action_create(
                actor=world.admin,
                relationship=relationship,
                meeting=meeting,
                title=f"Action {tag}",
                owner=world.customer_x,
                due_on=timezone.localdate() + dt.timedelta(days=i + 2),
            )
            topic = services.topic_create(actor=world.admin, relationship=relationship, title=f"Topic {tag}")
            services.topic_score(
                actor=world.admin, topic=topic, value_to_supplier=3, value_to_customer=4, feasibility=5
            )
            services.relationship_create(actor=world.admin, account=account)
        if not Sponsor.objects.filter(relationship=relationship).exists():
            services.sponsor_add(actor=world.admin, relationship=relationship, membership=world.admin)


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
