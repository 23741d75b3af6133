"""Pages for customer accounts and the Rolodex: listing, filters, export, forms, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from core import members as core_services
from core.exports import csv_safe
from core.models import User
from partnering import accounts
from partnering.models import (
    ActionItem,
    Contact,
    ContactActivity,
    CustomerAccount,
    Relationship,
)
from partnering.tests.factories import action_for, contact_for, relationship_for
from tests.fixtures import INTERNAL_ROLES


def url(world, path=""):
    return f"/t/{world.slug}/{path}"


def assert_form_error(response, message):
    """A refused form: the page comes back (200) with the message next to the form."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert message in html, f"{message!r} not in page"


# --- Account list -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", INTERNAL_ROLES)
def test_account_list_renders_for_every_internal_role(world_a, client_for, role):
    response = client_for(world_a.member(role)).get(url(world_a, "accounts/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world_a.account_x.name in html and world_a.account_y.name in html
    assert 'data-testid="account-export"' in html
    assert ('data-testid="account-create"' in html) == (role in ("admin", "rep", "champion"))


def _seed_accounts(world):
    with world.context():
        north = accounts.account_create(
            actor=world.admin, name="Aqua North", industry="Water", region="Nordics", owner=world.rep
        )
        accounts.account_create(actor=world.admin, name="Beta Paints", industry="Coatings", region="Iberia")
        accounts.account_create(
            actor=world.admin,
            name="Cobalt Pumps",
            industry="Water",
            region="Iberia",
            description="Pumps for aqua parks",
        )
    return north


def test_account_list_searches_filters_and_sorts(world_a, client_for):
    _seed_accounts(world_a)
    client = client_for(world_a.rep)

    names = lambda response: [a.name for a in response.context["accounts"]]  # noqa: E731
    assert names(client.get(url(world_a, "accounts/?q=aqua"))) == ["Aqua North", "Cobalt Pumps"]
    assert names(client.get(url(world_a, "accounts/?industry=Water&region=Iberia"))) == ["Cobalt Pumps"]
    assert names(client.get(url(world_a, f"accounts/?owner={world_a.rep.pk}"))) == ["Aqua North"]

    response = client.get(url(world_a, "accounts/?industry=Water&sort=-name"))
    assert names(response) == ["Cobalt Pumps", "Aqua North"]
    html = response.content.decode()
    assert 'aria-sort="descending"' in html
    # The header of the sorted column flips direction and keeps the filters.
    assert "?industry=Water&amp;sort=name" in html
    assert "?industry=Water&amp;sort=industry" in html
    assert names(client.get(url(world_a, "accounts/?sort=region&industry=Water"))) == ["Cobalt Pumps", "Aqua North"]


@pytest.mark.parametrize(
    "query",
    ["owner=not-a-uuid", "sort=drop%20table", "page=abc", "page=999", "owner=00000000-0000-0000-0000-000000000000"],
)
def test_account_list_survives_malformed_parameters(world_a, client_for, query):
    response = client_for(world_a.rep).get(url(world_a, f"accounts/?{query}"))
    assert response.status_code == 200


@pytest.mark.parametrize("page", ["accounts/", "accounts/export.csv"])
@pytest.mark.parametrize("param", ["q", "industry", "region", "sort"])
def test_account_list_and_export_survive_a_nul_byte_in_a_filter(world_a, client_for, page, param):
    """PostgreSQL text cannot hold NUL: the filters drop it (``core.parsing.query_value``), never a 500."""
    with world_a.context():
        accounts.account_create(actor=world_a.admin, name="Aqua North", industry="Water", region="EMEA")
    client = client_for(world_a.rep)
    client.raise_request_exception = False
    response = client.get(url(world_a, page), {param: "Wa\x00ter" if param == "industry" else "nul\x00byte"})
    assert response.status_code == 200
    if param == "industry":  # the NUL is dropped, the rest of the value still filters
        assert "Aqua North" in response.content.decode()


def test_account_list_paginates_by_25_and_keeps_the_query(world_a, client_for):
    with world_a.context():
        CustomerAccount.objects.bulk_create(
            [CustomerAccount(tenant=world_a.tenant, name=f"Paged {i:02}", industry="Paper") for i in range(30)]
        )
    client = client_for(world_a.rep)
    first = client.get(url(world_a, "accounts/?industry=Paper&sort=-name"))
    assert len(first.context["accounts"]) == 25
    assert first.context["page"].paginator.count == 30
    assert "?industry=Paper&amp;sort=-name&amp;page=2" in first.content.decode()
    second = client.get(url(world_a, "accounts/?industry=Paper&sort=-name&page=2"))
    assert [a.name for a in second.context["accounts"]] == ["Paged 04", "Paged 03", "Paged 02", "Paged 01", "Paged 00"]


def test_overdue_actions_stand_out_and_internal_ones_are_not_counted_for_customers(world_a, client_for):
    relationship = relationship_for(world_a)
    past = timezone.localdate() - dt.timedelta(days=3)
    action_for(world_a, relationship=relationship, title="Late and shared")
    with world_a.context():
        ActionItem.objects.filter(relationship=relationship).update(due_on=past)
    action_for(world_a, relationship=relationship, title="Late and internal", internal_only=True)
    with world_a.context():
        ActionItem.objects.filter(relationship=relationship).update(due_on=past)

    response = client_for(world_a.rep).get(url(world_a, "accounts/"))
    row = next(a for a in response.context["accounts"] if a.pk == world_a.account_x.pk)
    assert row.overdue_count == 2
    assert 'data-testid="overdue-count">2 overdue' in response.content.decode()
    assert "pa-row-overdue" in response.content.decode()

    response = client_for(world_a.customer_x).get(url(world_a, "accounts/"))
    assert [a.pk for a in response.context["accounts"]] == [world_a.account_x.pk]
    assert response.context["accounts"][0].overdue_count == 1


@pytest.mark.usefixtures("db")
def test_empty_states_say_what_to_do(world_a, client_for):
    response = client_for(world_a.rep).get(url(world_a, "accounts/?q=nothing-like-this"))
    html = response.content.decode()
    assert "No accounts match these filters" in html and "clear the filters" in html

    tenant = core_services.tenant_create(name="Empty Co", slug="empty")
    admin = core_services.membership_create(
        tenant=tenant, user=User.objects.create_user("solo@empty.test", "pw"), role="admin"
    )
    html = client_for(admin).get("/t/empty/accounts/").content.decode()
    assert "No customer accounts yet" in html
    assert 'href="/t/empty/accounts/new/"' in html


def test_customer_sees_only_their_account_without_filters(world_a, client_for):
    response = client_for(world_a.customer_x).get(url(world_a, "accounts/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world_a.account_x.name in html
    assert world_a.account_y.name not in html
    assert 'aria-label="Filter accounts"' not in html
    assert "sort=contacts" not in html  # no Rolodex counts for customers
    assert 'data-testid="account-create"' not in html


def _bulk_world(world, size):
    """``size`` accounts, each with three contacts, a relationship and an overdue action."""
    past = timezone.localdate() - dt.timedelta(days=1)
    with world.context():
        accounts = CustomerAccount.objects.bulk_create(
            [CustomerAccount(tenant=world.tenant, name=f"Bulk {i:03}", owner=world.rep) for i in range(size)]
        )
        Contact.objects.bulk_create(
            [
                Contact(tenant=world.tenant, account=a, full_name=f"{a.name} person {j}")
                for a in accounts
                for j in range(3)
            ]
        )
        relationships = Relationship.objects.bulk_create(
            [Relationship(tenant=world.tenant, account=a) for a in accounts]
        )
        ActionItem.objects.bulk_create(
            [
                ActionItem(tenant=world.tenant, relationship=r, title="Late", owner=world.rep, due_on=past)
                for r in relationships
            ]
        )


@pytest.mark.parametrize("size", [3, 40])
def test_account_list_and_export_run_at_most_12_queries(world_a, client_for, django_assert_max_num_queries, size):
    _bulk_world(world_a, size)
    client = client_for(world_a.rep)
    with django_assert_max_num_queries(12):
        response = client.get(url(world_a, "accounts/?sort=-contacts"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == size + 2
    top = response.context["accounts"][0]
    assert (top.contact_count, top.relationship_count, top.overdue_count) == (3, 1, 1)
    with django_assert_max_num_queries(12):
        export = client.get(url(world_a, "accounts/export.csv"))
    assert len(list(csv.reader(io.StringIO(export.content.decode())))) == size + 3  # header + rows


# --- CSV export -------------------------------------------------------------------------------


def test_csv_safe_prefixes_every_formula_trigger():
    for dangerous in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_safe(dangerous) == "'" + dangerous
    assert csv_safe("Plain") == "Plain"
    assert csv_safe(None) == ""
    assert csv_safe(3) == "3"


def test_export_escapes_formulas_follows_filters_and_never_has_internal_notes(world_a, client_for):
    with world_a.context():
        accounts.account_create(
            actor=world_a.admin,
            name='=HYPERLINK("http://evil.example","x")',
            industry="@SUM(1)",
            region="-2+3",
            description="+cmd|' /C calc'!A0",
            internal_notes="SECRET-NOTE",
        )
    client = client_for(world_a.rep)
    response = client.get(url(world_a, "accounts/export.csv?q=HYPERLINK"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert "SECRET-NOTE" not in body
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Account" and "Internal notes" not in rows[0]
    assert len(rows) == 2  # the filter applies to the export
    name, industry, region, _owner, _email, description = rows[1][:6]
    assert name == '\'=HYPERLINK("http://evil.example","x")'
    assert industry == "'@SUM(1)"
    assert region == "'-2+3"
    assert description.startswith("'+cmd")


def test_customer_export_holds_only_their_account(world_a, client_for):
    with world_a.context():
        accounts.account_update(actor=world_a.admin, account=world_a.account_x, internal_notes="SECRET-NOTE")
    response = client_for(world_a.customer_x).get(url(world_a, "accounts/export.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == [world_a.account_x.name]
    assert "Contacts" not in rows[0] and len(rows[1]) == len(rows[0])  # the Rolodex is internal
    assert "SECRET-NOTE" not in response.content.decode()


# --- Account page -----------------------------------------------------------------------------


def test_account_page_shows_details_contacts_and_relationships(world_a, client_for):
    with world_a.context():
        accounts.account_update(
            actor=world_a.admin, account=world_a.account_x, industry="Water", internal_notes="Renewal at risk"
        )
    contact_for(world_a, account=world_a.account_x, full_name="Petra Buyer", title="Head of purchasing")
    contact_for(world_a, account=world_a.account_y, full_name="Other Person")
    relationship = relationship_for(world_a, business_unit="Pumps")
    response = client_for(world_a.rep).get(url(world_a, f"accounts/{world_a.account_x.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Petra Buyer" in html and "Other Person" not in html
    assert f"/t/{world_a.slug}/relationships/{relationship.pk}/" in html
    assert "Renewal at risk" in html
    assert f"/t/{world_a.slug}/accounts/{world_a.account_x.pk}/edit/" in html


def test_customer_sees_own_account_page_without_internal_notes_or_contacts(world_a, client_for):
    with world_a.context():
        accounts.account_update(actor=world_a.admin, account=world_a.account_x, internal_notes="Renewal at risk")
    contact_for(world_a, account=world_a.account_x, full_name="Petra Buyer")
    relationship_for(world_a)
    response = client_for(world_a.customer_x).get(url(world_a, f"accounts/{world_a.account_x.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Renewal at risk" not in html
    assert "Petra Buyer" not in html
    assert "/edit/" not in html
    assert len(response.context["relationships"]) == 1
    other = client_for(world_a.customer_x).get(url(world_a, f"accounts/{world_a.account_y.pk}/"))
    assert other.status_code == 404


# --- Account forms ----------------------------------------------------------------------------


def test_account_create_saves_through_the_service(world_a, client_for):
    response = client_for(world_a.rep).post(
        url(world_a, "accounts/new/"),
        {"name": " Delta Foods ", "industry": "Food", "region": "Benelux", "owner": str(world_a.rep.pk)},
    )
    with world_a.context():
        account = CustomerAccount.objects.get(name="Delta Foods")
    assert response.status_code == 302
    assert response["Location"] == url(world_a, f"accounts/{account.pk}/")
    assert account.owner_id == world_a.rep.pk and account.region == "Benelux"


def test_account_create_offers_only_our_people_as_owner(world_a, world_b, client_for):
    form = client_for(world_a.rep).get(url(world_a, "accounts/new/")).context["form"]
    with world_a.context():
        owners = set(form.fields["owner"].queryset.values_list("pk", flat=True))
    assert world_a.rep.pk in owners
    assert world_a.customer_x.pk not in owners
    assert world_b.rep.pk not in owners


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "Alpha Water customer x"}, "A customer account with this name already exists."),
        ({"name": "New Co", "owner": "not-a-uuid"}, "is not a valid UUID."),
        ({"name": "New Co", "owner": "{customer}"}, "Select a valid choice."),
        ({"name": "New Co", "owner": "{foreign}"}, "Select a valid choice."),
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_account_create_refuses_bad_input_and_saves_nothing(world_a, world_b, client_for, data, message):
    data = {
        k: v.format(customer=world_a.customer_x.pk, foreign=world_b.rep.pk) if isinstance(v, str) else v
        for k, v in data.items()
    }
    with world_a.context():
        before = CustomerAccount.objects.count()
    response = client_for(world_a.rep).post(url(world_a, "accounts/new/"), data)
    assert_form_error(response, message)
    with world_a.context():
        assert CustomerAccount.objects.count() == before


def test_account_edit_updates_and_refuses_a_duplicate_name(world_a, client_for):
    client = client_for(world_a.member("champion"))
    path = url(world_a, f"accounts/{world_a.account_x.pk}/edit/")
    page = client.get(path)
    assert page.context["form"].initial["name"] == world_a.account_x.name
    response = client.post(path, {"name": world_a.account_y.name, "description": "changed"})
    assert_form_error(response, "already exists")
    with world_a.context():
        account = CustomerAccount.objects.get(pk=world_a.account_x.pk)
    assert account.name == world_a.account_x.name and account.description == ""
    response = client.post(path, {"name": "Renamed X", "description": "changed"})
    assert response.status_code == 302
    with world_a.context():
        account.refresh_from_db()
    assert (account.name, account.description) == ("Renamed X", "changed")


@pytest.mark.parametrize("role", ["customer", "coach", "executive"])
def test_account_forms_need_the_manage_permission(world_a, client_for, role):
    member = world_a.customer_x if role == "customer" else world_a.member(role)
    client = client_for(member)
    assert client.get(url(world_a, "accounts/new/")).status_code == 403
    assert client.post(url(world_a, "accounts/new/"), {"name": "Sneaky"}).status_code == 403
    edit = url(world_a, f"accounts/{world_a.account_x.pk}/edit/")
    assert client.post(edit, {"name": "Sneaky"}).status_code == 403
    with world_a.context():
        assert not CustomerAccount.objects.filter(name="Sneaky").exists()


def test_account_of_another_tenant_is_404(world_a, world_b, client_for):
    client = client_for(world_a.rep)
    assert client.get(url(world_a, f"accounts/{world_b.account_x.pk}/")).status_code == 404
    assert client.post(url(world_a, f"accounts/{world_b.account_x.pk}/edit/"), {"name": "Hijack"}).status_code == 404


# --- Rolodex ----------------------------------------------------------------------------------


@pytest.fixture
def rolodex(world_a):
    return {
        "buyer": contact_for(
            world_a, account=world_a.account_x, full_name="Petra Buyer", title="Head of purchasing", geography="Spain"
        ),
        "quality": contact_for(world_a, account=world_a.account_y, full_name="Quentin Q", function="Quality"),
        "ours": contact_for(world_a, full_name="Olga Ours", title="Key account manager"),
    }


@pytest.mark.parametrize("role", INTERNAL_ROLES)
@pytest.mark.usefixtures("rolodex")
def test_rolodex_renders_for_every_internal_role(world_a, client_for, role):
    response = client_for(world_a.member(role)).get(url(world_a, "contacts/"))
    assert response.status_code == 200
    assert {c.full_name for c in response.context["contacts"]} == {"Petra Buyer", "Quentin Q", "Olga Ours"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=purchasing", {"Petra Buyer"}),
        ("q=quality", {"Quentin Q"}),
        ("q=spain", {"Petra Buyer"}),
        ("q=customer+y", {"Quentin Q"}),
        ("account=ours", {"Olga Ours"}),
        ("account={x}", {"Petra Buyer"}),
        ("account=ours&q=petra", set()),
    ],
)
@pytest.mark.usefixtures("rolodex")
def test_rolodex_search_and_company_filter(world_a, client_for, query, expected):
    response = client_for(world_a.rep).get(url(world_a, "contacts/?" + query.format(x=world_a.account_x.pk)))
    assert {c.full_name for c in response.context["contacts"]} == expected


@pytest.mark.parametrize("value", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
@pytest.mark.usefixtures("rolodex")
def test_rolodex_with_a_malformed_or_unknown_company_shows_everyone_and_says_so(world_a, client_for, value):
    response = client_for(world_a.rep).get(url(world_a, f"contacts/?account={value}"))
    assert response.status_code == 200
    assert len(response.context["contacts"]) == 3
    assert "That filter was not understood" in response.content.decode()


def test_rolodex_is_closed_to_customer_participants(world_a, client_for, rolodex):
    client = client_for(world_a.customer_x)
    contact = rolodex["buyer"]  # even a contact of their own account
    for path in ("contacts/", "contacts/new/", f"contacts/{contact.pk}/", f"contacts/{contact.pk}/edit/"):
        assert client.get(url(world_a, path)).status_code == 403, path
    response = client.post(url(world_a, f"contacts/{contact.pk}/activities/new/"), {"summary": "x", "channel": "call"})
    assert response.status_code == 403
    with world_a.context():
        assert not ContactActivity.objects.exists()


def test_contact_page_shows_the_activity_log_newest_first(world_a, client_for, rolodex):
    contact = rolodex["buyer"]
    today = timezone.localdate()
    with world_a.context():
        accounts.contact_activity_add(
            actor=world_a.rep, contact=contact, summary="Older call", occurred_on=today - dt.timedelta(days=9)
        )
        accounts.contact_activity_add(actor=world_a.member("coach"), contact=contact, summary="Newest visit")
    response = client_for(world_a.member("executive")).get(url(world_a, f"contacts/{contact.pk}/"))
    assert response.status_code == 200
    assert [a.summary for a in response.context["activities"]] == ["Newest visit", "Older call"]
    html = response.content.decode()
    assert html.index("Newest visit") < html.index("Older call")
    assert f'action="/t/{world_a.slug}/contacts/{contact.pk}/activities/new/"' in html


def test_logging_an_activity_works_without_javascript(world_a, client_for, rolodex):
    contact = rolodex["buyer"]
    path = url(world_a, f"contacts/{contact.pk}/activities/new/")
    client = client_for(world_a.rep)
    assert client.get(path)["Location"] == url(world_a, f"contacts/{contact.pk}/") + "#log-activity"
    response = client.post(
        path, {"occurred_on": timezone.localdate().isoformat(), "channel": "visit", "summary": "Toured the plant"}
    )
    assert response.status_code == 302
    with world_a.context():
        activity = ContactActivity.objects.get(contact=contact)
    assert (activity.summary, activity.channel, activity.author_id) == ("Toured the plant", "visit", world_a.rep.pk)
    page = client.get(response["Location"])
    assert "Toured the plant" in page.content.decode()
    assert "logged" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "call", "summary": "   "}, "This field is required."),
        ({"channel": "carrier-pigeon", "summary": "Hi"}, "Select a valid choice."),
        ({"channel": "call", "summary": "Hi", "occurred_on": "2999-01-01"}, "Log what already happened"),
        ({"channel": "call", "summary": "Hi", "occurred_on": "31/31/2020"}, "Enter a valid date."),
    ],
)
def test_logging_an_activity_refuses_bad_input(world_a, client_for, rolodex, data, message):
    contact = rolodex["buyer"]
    data.setdefault("occurred_on", timezone.localdate().isoformat())
    response = client_for(world_a.rep).post(url(world_a, f"contacts/{contact.pk}/activities/new/"), data)
    assert_form_error(response, message)
    assert response.context["contact"] == contact  # the contact page comes back with the errors
    with world_a.context():
        assert not ContactActivity.objects.exists()


def test_contact_create_for_our_company_and_for_an_account(world_a, client_for):
    client = client_for(world_a.member("coach"))
    response = client.post(url(world_a, "contacts/new/"), {"full_name": "Ida Internal", "title": "Black Belt"})
    assert response.status_code == 302
    prefilled = client.get(url(world_a, f"contacts/new/?account={world_a.account_x.pk}"))
    assert prefilled.context["form"].initial["account"] == world_a.account_x.pk
    response = client.post(
        url(world_a, "contacts/new/"),
        {"full_name": "Carl Customer", "account": str(world_a.account_x.pk), "membership": str(world_a.customer_x.pk)},
    )
    assert response.status_code == 302
    with world_a.context():
        ours = Contact.objects.get(full_name="Ida Internal")
        theirs = Contact.objects.get(full_name="Carl Customer")
    assert ours.account_id is None
    assert theirs.account_id == world_a.account_x.pk and theirs.membership_id == world_a.customer_x.pk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": ""}, "This field is required."),
        ({"full_name": "A", "email": "not-an-email"}, "Enter a valid email address."),
        ({"full_name": "A", "account": "not-a-uuid"}, "is not a valid UUID."),
        ({"full_name": "A", "account": "{foreign_account}"}, "Select a valid choice."),
        ({"full_name": "A", "membership": "{foreign_member}"}, "Select a valid choice."),
        (
            {"full_name": "A", "account": "{account_x}", "membership": "{customer_y}"},
            "That login belongs to a person of another customer account.",
        ),
        (
            {"full_name": "A", "account": "{account_x}", "membership": "{rep}"},
            "A login of our company cannot be linked to a customer&#x27;s contact.",
        ),
    ],
)
def test_contact_create_refuses_bad_input_and_saves_nothing(world_a, world_b, client_for, data, message):
    ids = {
        "foreign_account": world_b.account_x.pk,
        "foreign_member": world_b.rep.pk,
        "account_x": world_a.account_x.pk,
        "customer_y": world_a.customer_y.pk,
        "rep": world_a.rep.pk,
    }
    data = {k: v.format(**ids) for k, v in data.items()}
    response = client_for(world_a.rep).post(url(world_a, "contacts/new/"), data)
    assert_form_error(response, message)
    with world_a.context():
        assert not Contact.objects.exists()


def test_contact_edit_updates_and_a_refused_edit_changes_nothing(world_a, client_for, rolodex):
    contact = rolodex["buyer"]
    path = url(world_a, f"contacts/{contact.pk}/edit/")
    client = client_for(world_a.rep)
    assert client.get(path).context["form"].initial["full_name"] == "Petra Buyer"
    response = client.post(
        path,
        {"full_name": "Petra Changed", "account": str(world_a.account_x.pk), "membership": str(world_a.customer_y.pk)},
    )
    assert_form_error(response, "another customer account")
    assert "Edit Petra Buyer" in response.content.decode()  # the page's object is not the refused copy
    with world_a.context():
        contact.refresh_from_db()
    assert (contact.full_name, contact.membership_id) == ("Petra Buyer", None)
    response = client.post(path, {"full_name": "Petra Changed", "geography": "Portugal"})
    assert response.status_code == 302
    with world_a.context():
        contact.refresh_from_db()
    assert (contact.full_name, contact.geography, contact.account_id) == ("Petra Changed", "Portugal", None)


def test_a_login_already_linked_is_not_offered_again(world_a, client_for, rolodex):
    with world_a.context():
        accounts.contact_update(actor=world_a.admin, contact=rolodex["ours"], membership=world_a.rep)
    new_form = client_for(world_a.rep).get(url(world_a, "contacts/new/")).context["form"]
    edit_form = client_for(world_a.rep).get(url(world_a, f"contacts/{rolodex['ours'].pk}/edit/")).context["form"]
    with world_a.context():
        assert world_a.rep.pk not in set(new_form.fields["membership"].queryset.values_list("pk", flat=True))
        assert world_a.rep.pk in set(edit_form.fields["membership"].queryset.values_list("pk", flat=True))


def test_contact_of_another_tenant_is_404(world_a, world_b, client_for):
    foreign = contact_for(world_b, full_name="Foreign")
    client = client_for(world_a.rep)
    assert client.get(url(world_a, f"contacts/{foreign.pk}/")).status_code == 404
    response = client.post(url(world_a, f"contacts/{foreign.pk}/activities/new/"), {"summary": "x", "channel": "call"})
    assert response.status_code == 404
    with world_b.context():
        assert not ContactActivity.objects.exists()


def test_account_page_shows_its_projects_and_feedback_to_internal_and_its_customer(world_a, client_for):
    from projects.tests.factories import project_for

    project_for(world_a, title="Blowdown on boiler 2", account=world_a.account_x)
    project_for(world_a, title="Scrap on line Y", account=world_a.account_y)
    url = f"/t/{world_a.slug}/accounts/{world_a.account_x.pk}/"
    for member in (world_a.rep, world_a.customer_x):
        body = client_for(member).get(url).content.decode()
        assert "Blowdown on boiler 2" in body and "Scrap on line Y" not in body
        assert "1 open" in body
    assert client_for(world_a.customer_y).get(url).status_code == 404
