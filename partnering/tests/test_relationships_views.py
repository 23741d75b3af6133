"""Relationship list and administration pages: create, edit, level, sponsors, roster."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core import members as core_services
from core.models import Role, User
from partnering import relationships
from partnering.models import ActionItem, LevelChange, Relationship, RosterEntry, Sponsor
from partnering.tests.factories import action_for, contact_for, relationship_for
from tests.fixtures import INTERNAL_ROLES, PASSWORD


def url(world, path=""):
    return f"/t/{world.slug}/{path}"


def detail(world, relationship):
    return url(world, f"relationships/{relationship.pk}/")


def assert_form_error(response, message):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert message in html, f"{message!r} not in page"


def fmt(data, **ids):
    return {k: v.format(**ids) if isinstance(v, str) else v for k, v in data.items()}


# --- List -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", INTERNAL_ROLES)
def test_relationship_list_renders_for_every_internal_role(world_a, client_for, role):
    relationship = relationship_for(world_a)
    with world_a.context():
        relationships.relationship_change_level(actor=world_a.admin, relationship=relationship, level="strategic")
    action_for(world_a, relationship=relationship)
    overdue = action_for(world_a, relationship=relationship, title="Late")
    with world_a.context():
        ActionItem.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    response = client_for(world_a.member(role)).get(url(world_a, "relationships/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "pa-level-strategic" in html and "Strategic partner" in html
    assert "alpha champion" in html and "alpha customer x" in html
    assert detail(world_a, relationship) in html
    row = response.context["relationships"][0]
    assert (row.open_actions, row.overdue_actions) == (2, 1)
    assert "1 overdue" in html and "pa-row-overdue" in html


def test_relationship_list_filters_by_level(world_a, client_for):
    relationship_for(world_a)
    strategic = relationship_for(world_a, account=world_a.account_y)
    with world_a.context():
        relationships.relationship_change_level(actor=world_a.admin, relationship=strategic, level="strategic")
    client = client_for(world_a.rep)
    response = client.get(url(world_a, "relationships/?level=strategic"))
    assert [r.pk for r in response.context["relationships"]] == [strategic.pk]
    response = client.get(url(world_a, "relationships/?level=preferred"))
    assert "No relationship at this level" in response.content.decode()
    response = client.get(url(world_a, "relationships/?level=galactic"))
    assert response.status_code == 200
    assert len(response.context["relationships"]) == 2
    assert "Unknown level" in response.content.decode()


def test_customer_sees_only_their_relationship_and_no_internal_actions_in_counts(world_a, client_for):
    mine = relationship_for(world_a)
    relationship_for(world_a, account=world_a.account_y)
    action_for(world_a, relationship=mine)
    action_for(world_a, relationship=mine, title="Internal prep", internal_only=True)
    response = client_for(world_a.customer_x).get(url(world_a, "relationships/"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["relationships"]] == [mine.pk]
    assert response.context["relationships"][0].open_actions == 1
    assert 'data-testid="relationship-create"' not in response.content.decode()


def test_empty_relationship_list_says_what_to_do(world_a, client_for):
    html = client_for(world_a.rep).get(url(world_a, "relationships/")).content.decode()
    assert "No relationships yet" in html and url(world_a, "relationships/new/") in html
    html = client_for(world_a.customer_x).get(url(world_a, "relationships/")).content.decode()
    assert "Your supplier's team will set up the relationship" in html


# --- Create and edit --------------------------------------------------------------------------


def test_relationship_create_redirects_to_the_relationship_page(world_a, client_for):
    client = client_for(world_a.member("champion"))
    page = client.get(url(world_a, f"relationships/new/?account={world_a.account_y.pk}"))
    assert page.context["form"].initial["account"] == world_a.account_y.pk
    response = client.post(
        url(world_a, "relationships/new/"),
        {
            "account": str(world_a.account_y.pk),
            "business_unit": "Coatings",
            "level": "preferred",
            "supplier_champion": str(world_a.member("champion").pk),
            "customer_champion": str(world_a.customer_y.pk),
            "review_cadence_months": "3",
        },
    )
    with world_a.context():
        relationship = Relationship.objects.get(account=world_a.account_y, business_unit="Coatings")
        history = list(LevelChange.objects.filter(relationship=relationship).values_list("to_level", flat=True))
    assert response.status_code == 302
    assert response["Location"] == detail(world_a, relationship)
    assert relationship.level == "preferred" and history == ["preferred"]
    assert relationship.customer_champion_id == world_a.customer_y.pk


CREATE_OK = {"account": "{account_x}", "level": "transactional", "review_cadence_months": "3"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"customer_champion": "{customer_y}"}, "That customer participant belongs to another customer account."),
        ({"supplier_champion": "{customer_x}"}, "Select a valid choice."),
        ({"level": "galactic"}, "Select a valid choice."),
        ({"account": "{foreign_account}"}, "Select a valid choice."),
        ({"account": "not-a-uuid"}, "is not a valid UUID."),
        ({"account": ""}, "This field is required."),
        ({"review_cadence_months": "13"}, "less than or equal to 12"),
        ({"supplier_champion": "{foreign_member}"}, "Select a valid choice."),
        ({"business_unit": ""}, "already has a relationship for the whole account."),
    ],
)
def test_relationship_create_refuses_bad_input_and_saves_nothing(world_a, world_b, client_for, changes, message):
    relationship_for(world_a)  # the whole of account X already has one
    ids = {
        "account_x": world_a.account_x.pk,
        "customer_x": world_a.customer_x.pk,
        "customer_y": world_a.customer_y.pk,
        "foreign_account": world_b.account_x.pk,
        "foreign_member": world_b.rep.pk,
    }
    data = fmt({**CREATE_OK, "business_unit": "Pumps", **changes}, **ids)
    with world_a.context():
        before = (Relationship.objects.count(), LevelChange.objects.count())
    response = client_for(world_a.rep).post(url(world_a, "relationships/new/"), data)
    assert_form_error(response, message)
    with world_a.context():
        assert (Relationship.objects.count(), LevelChange.objects.count()) == before


def test_relationship_edit_saves_and_offers_only_this_accounts_customers(world_a, client_for):
    relationship = relationship_for(world_a)
    path = url(world_a, f"relationships/{relationship.pk}/edit/")
    client = client_for(world_a.rep)
    form = client.get(path).context["form"]
    with world_a.context():
        customers = set(form.fields["customer_champion"].queryset.values_list("pk", flat=True))
    assert customers == {world_a.customer_x.pk}
    response = client.post(
        path,
        {
            "business_unit": "",
            "supplier_champion": str(world_a.rep.pk),
            "customer_champion": str(world_a.customer_x.pk),
            "review_cadence_months": "6",
            "plan_summary": "Grow with them",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail(world_a, relationship)
    with world_a.context():
        relationship.refresh_from_db()
    assert (relationship.supplier_champion_id, relationship.review_cadence_months) == (world_a.rep.pk, 6)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"review_cadence_months": "0"}, "greater than or equal to 1"),
        ({"review_cadence_months": "many"}, "Enter a whole number."),
        ({"customer_champion": "{customer_y}"}, "Select a valid choice."),
        ({"supplier_champion": "not-a-uuid"}, "is not a valid UUID."),
    ],
)
def test_relationship_edit_refuses_bad_input_and_changes_nothing(world_a, client_for, changes, message):
    relationship = relationship_for(world_a)
    data = fmt({"review_cadence_months": "6", "plan_summary": "Changed", **changes}, customer_y=world_a.customer_y.pk)
    response = client_for(world_a.rep).post(url(world_a, f"relationships/{relationship.pk}/edit/"), data)
    assert_form_error(response, message)
    with world_a.context():
        relationship.refresh_from_db()
    assert (relationship.review_cadence_months, relationship.plan_summary) == (3, "")
    assert relationship.customer_champion_id == world_a.customer_x.pk


# --- Level ------------------------------------------------------------------------------------


def test_level_change_shows_the_current_level_and_records_the_change(world_a, client_for):
    relationship = relationship_for(world_a)
    path = url(world_a, f"relationships/{relationship.pk}/level/")
    client = client_for(world_a.member("executive"))
    page = client.get(path)
    assert "Transactional" in page.content.decode().split('data-testid="current-level"')[1][:200]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(path, {"level": "preferred", "changed_on": yesterday.isoformat(), "note": "Won the tender"})
    assert response.status_code == 302 and response["Location"] == detail(world_a, relationship)
    with world_a.context():
        relationship.refresh_from_db()
        change = LevelChange.objects.get(relationship=relationship, to_level="preferred")
    assert relationship.level == "preferred"
    assert (change.from_level, change.to_level, change.changed_on, change.note) == (
        "transactional",
        "preferred",
        yesterday,
        "Won the tender",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"level": "transactional"}, "The relationship is already at this level."),
        ({"level": "preferred", "changed_on": "2999-01-01"}, "A level change cannot be dated in the future."),
        ({"level": "galactic"}, "Select a valid choice."),
        ({"level": "preferred", "changed_on": "yesterday"}, "Enter a valid date."),
    ],
)
def test_level_change_refuses_bad_input_and_saves_nothing(world_a, client_for, data, message):
    relationship = relationship_for(world_a)
    data.setdefault("changed_on", timezone.localdate().isoformat())
    response = client_for(world_a.rep).post(url(world_a, f"relationships/{relationship.pk}/level/"), data)
    assert_form_error(response, message)
    with world_a.context():
        relationship.refresh_from_db()
        assert LevelChange.objects.filter(relationship=relationship).count() == 1
    assert relationship.level == "transactional"


# --- Sponsors ---------------------------------------------------------------------------------


def _customer_participant(world, name):
    user = User.objects.create_user(f"{name}@{world.slug}.test", PASSWORD, full_name=name)
    return core_services.membership_create(
        tenant=world.tenant, user=user, role=Role.CUSTOMER, customer_account=world.account_x
    )


def test_sponsor_add_and_the_seventh_sponsor_is_refused(world_a, client_for):
    relationship = relationship_for(world_a)
    path = url(world_a, f"relationships/{relationship.pk}/sponsors/new/")
    client = client_for(world_a.admin)
    customers = [world_a.customer_x, _customer_participant(world_a, "cfo"), _customer_participant(world_a, "coo")]
    ours = [world_a.admin, world_a.member("executive"), world_a.member("coach")]
    for person in ours + customers:
        response = client.post(path, {"membership": str(person.pk)})
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert response["Location"] == detail(world_a, relationship)
    page = client.get(path)
    assert "Our company (3 of 3)" in page.content.decode()
    response = client.post(path, {"membership": str(world_a.rep.pk)})  # the 7th overall, the 4th of ours
    assert_form_error(response, "A relationship has at most 3 sponsors per side; remove one first.")
    with world_a.context():
        assert Sponsor.objects.filter(relationship=relationship).count() == 6
        assert not Sponsor.objects.filter(membership=world_a.rep).exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{customer_y}", "Select a valid choice."),
        ("{foreign}", "Select a valid choice."),
        ("not-a-uuid", "is not a valid UUID."),
        ("", "This field is required."),
        ("{executive}", "This person is already a sponsor of this relationship."),
    ],
)
def test_sponsor_add_refuses_bad_input(world_a, world_b, client_for, value, message):
    relationship = relationship_for(world_a)
    with world_a.context():
        relationships.sponsor_add(
            actor=world_a.admin, relationship=relationship, membership=world_a.member("executive")
        )
    value = value.format(
        customer_y=world_a.customer_y.pk, foreign=world_b.rep.pk, executive=world_a.member("executive").pk
    )
    response = client_for(world_a.rep).post(
        url(world_a, f"relationships/{relationship.pk}/sponsors/new/"), {"membership": value}
    )
    assert_form_error(response, message)
    with world_a.context():
        assert Sponsor.objects.filter(relationship=relationship).count() == 1


# --- Roster -----------------------------------------------------------------------------------


def test_roster_add_with_a_point_person(world_a, client_for):
    relationship = relationship_for(world_a)
    buyer = contact_for(world_a, account=world_a.account_x, full_name="Petra Buyer")
    contact_for(world_a, account=world_a.account_y, full_name="Not Theirs")
    path = url(world_a, f"relationships/{relationship.pk}/roster/new/")
    client = client_for(world_a.member("champion"))
    form = client.get(path).context["form"]
    with world_a.context():
        offered = {c.full_name for c in form.fields["contact"].queryset}
    assert "Petra Buyer" in offered and "Not Theirs" not in offered
    response = client.post(path, {"contact": str(buyer.pk), "role": "Purchasing lead", "is_point_person": "on"})
    assert response.status_code == 302 and response["Location"] == detail(world_a, relationship)
    with world_a.context():
        entry = RosterEntry.objects.get(relationship=relationship)
    assert (entry.contact_id, entry.role, entry.is_point_person) == (buyer.pk, "Purchasing lead", True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contact": "{other}", "role": "Lead"}, "Select a valid choice."),
        ({"contact": "{foreign}", "role": "Lead"}, "Select a valid choice."),
        ({"contact": "not-a-uuid", "role": "Lead"}, "is not a valid UUID."),
        ({"contact": "{buyer}", "role": "   "}, "This field is required."),
        ({"contact": "{listed}", "role": "Lead"}, "This person is already on the roster."),
    ],
)
def test_roster_add_refuses_bad_input(world_a, world_b, client_for, data, message):
    relationship = relationship_for(world_a)
    buyer = contact_for(world_a, account=world_a.account_x, full_name="Petra Buyer")
    listed = contact_for(world_a, full_name="Olga Ours")
    other = contact_for(world_a, account=world_a.account_y, full_name="Not Theirs")
    foreign = contact_for(world_b, full_name="Foreign")
    with world_a.context():
        relationships.roster_add(actor=world_a.admin, relationship=relationship, contact=listed, role="Coach")
    data = fmt(data, buyer=buyer.pk, listed=listed.pk, other=other.pk, foreign=foreign.pk)
    response = client_for(world_a.rep).post(url(world_a, f"relationships/{relationship.pk}/roster/new/"), data)
    assert_form_error(response, message)
    with world_a.context():
        assert RosterEntry.objects.filter(relationship=relationship).count() == 1


# --- Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["customer_x", "coach"])
def test_administration_needs_the_manage_permission(world_a, client_for, who):
    relationship = relationship_for(world_a)
    member = world_a.customer_x if who == "customer_x" else world_a.member(who)
    client = client_for(member)
    paths = ["relationships/new/"] + [
        f"relationships/{relationship.pk}/{suffix}/" for suffix in ("edit", "level", "sponsors/new", "roster/new")
    ]
    for path in paths:
        assert client.get(url(world_a, path)).status_code == 403, path
    response = client.post(url(world_a, f"relationships/{relationship.pk}/level/"), {"level": "strategic"})
    assert response.status_code == 403
    with world_a.context():
        relationship.refresh_from_db()
    assert relationship.level == "transactional"


def test_relationship_of_another_tenant_is_404(world_a, world_b, client_for):
    foreign = relationship_for(world_b)
    client = client_for(world_a.rep)
    for suffix in ("edit", "level", "sponsors/new", "roster/new"):
        assert client.get(url(world_a, f"relationships/{foreign.pk}/{suffix}/")).status_code == 404
    assert client.post(url(world_a, f"relationships/{foreign.pk}/level/"), {"level": "strategic"}).status_code == 404
    with world_b.context():
        foreign.refresh_from_db()
    assert foreign.level == "transactional"
