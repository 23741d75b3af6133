"""The partnering REST API · accounts: customer accounts and the contact Rolodex (happy paths,
isolation, customer visibility, bad input)."""

from __future__ import annotations

import uuid

from partnering import accounts
from partnering.models import (
    Contact,
    ContactActivity,
    CustomerAccount,
)
from partnering.tests import factories
from partnering.tests.factories import SECRET, api, count, error_fields, reread, results


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
        accounts.account_create(actor=world_a.admin, name="Acme Valves", industry="Valves", region="APAC")
        accounts.account_create(
            actor=world_a.admin, name="Zenith Seals", industry="Seals", region="EMEA", owner=world_a.rep
        )
        accounts.account_create(
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
            accounts.account_update(actor=world_a.admin, account=account, internal_notes=SECRET)
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
