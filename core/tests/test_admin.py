"""The program-office Django admin: scoped to the active tenant, admins only."""

from __future__ import annotations

import pytest
from django.test import Client

from core.models import Membership, Role, User
from partnering.models import CustomerAccount

MEMBERSHIPS = "/admin/core/membership/"
ACCOUNTS = "/admin/partnering/customeraccount/"


def open_program_office(client: Client, slug: str):
    """The app's "Program office" entry: makes ``slug`` the admin's active workspace."""
    return client.get(f"/t/{slug}/program-office/")


@pytest.fixture
def admin_a(world_a, world_b, client_for) -> Client:
    """The admin of A, signed in, with A's program office opened (A is the active workspace)."""
    client = client_for(world_a.admin)
    assert client.get(f"/t/{world_a.slug}/").status_code == 200
    response = open_program_office(client, world_a.slug)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["active_tenant"] == world_a.slug
    return client


def emails_of(world) -> set[str]:
    return {m.user.email for m in [*world.members.values(), world.customer_x, world.customer_y]}


def add_membership(client: Client, **data: str):
    payload = {"email": "", "full_name": "", "role": "", "customer_account": ""}
    payload.update(data)
    return client.post(f"{MEMBERSHIPS}add/", payload)


# --- Scope ---------------------------------------------------------------------------------------


def test_admin_index_opens_in_the_active_workspace(admin_a, world_a):
    response = admin_a.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world_a.tenant.name in html
    assert MEMBERSHIPS in html and ACCOUNTS in html


def test_membership_list_shows_only_the_active_tenant(admin_a, world_a, world_b):
    response = admin_a.get(MEMBERSHIPS)
    assert response.status_code == 200
    html = response.content.decode()
    for email in emails_of(world_a):
        assert email in html
    for email in emails_of(world_b):
        assert email not in html
    assert response.context["cl"].result_count == 7
    shown = {m.pk for m in response.context["cl"].result_list}
    assert shown == {m.pk for m in [*world_a.members.values(), world_a.customer_x, world_a.customer_y]}


def test_membership_search_does_not_reach_other_tenants(admin_a, world_b):
    response = admin_a.get(MEMBERSHIPS, {"q": "bravo"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert "rep@bravo.test" not in response.content.decode()


def test_customer_account_list_shows_only_the_active_tenant(admin_a, world_a, world_b):
    response = admin_a.get(ACCOUNTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert world_a.account_x.name in html and world_a.account_y.name in html
    assert world_b.account_x.name not in html and world_b.account_y.name not in html
    assert {a.pk for a in response.context["cl"].result_list} == {world_a.account_x.pk, world_a.account_y.pk}


def test_membership_filter_choices_are_the_active_tenants_accounts(admin_a, world_a, world_b):
    html = admin_a.get(MEMBERSHIPS).content.decode()
    assert world_a.account_x.name in html
    assert world_b.account_x.name not in html


def test_switching_workspace_switches_the_admin(world_a, world_b, client_for):
    from core import members

    user = User.objects.create_user("office@both.test", "pw-irrelevant")
    members.membership_create(tenant=world_a.tenant, user=user, role=Role.ADMIN)
    in_b = members.membership_create(tenant=world_b.tenant, user=user, role=Role.ADMIN)
    client = client_for(in_b)

    assert open_program_office(client, world_b.slug).status_code == 302
    html = client.get(ACCOUNTS).content.decode()
    assert world_b.account_x.name in html and world_a.account_x.name not in html

    assert open_program_office(client, world_a.slug).status_code == 302
    html = client.get(ACCOUNTS).content.decode()
    assert world_a.account_x.name in html and world_b.account_x.name not in html


def test_program_office_entry_follows_only_a_local_admin_next(admin_a, world_a):
    response = admin_a.get(f"/t/{world_a.slug}/program-office/", {"next": "/admin/core/membership/add/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/core/membership/add/"
    for target in ("https://evil.example/admin/", "//evil.example/admin/", "/t/alpha/"):
        response = admin_a.get(f"/t/{world_a.slug}/program-office/", {"next": target})
        assert response.status_code == 302
        assert response["Location"] == "/admin/", target


def test_program_office_entry_of_another_tenant_is_404(admin_a, world_a, world_b):
    assert open_program_office(admin_a, world_b.slug).status_code == 404
    assert admin_a.session["active_tenant"] == world_a.slug
    html = admin_a.get(ACCOUNTS).content.decode()
    assert world_b.account_x.name not in html


def test_admin_without_an_opened_workspace_uses_their_admin_membership(world_a, world_b, client_for):
    client = client_for(world_a.admin)  # never opened /t/<slug>/
    response = client.get(ACCOUNTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert world_a.account_x.name in html and world_b.account_x.name not in html


def assert_missing_object_redirect(response) -> None:
    """Django admin's answer for an object it cannot find: back to the index, with a message."""
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_change_page_of_another_tenants_account_is_not_found(admin_a, world_b):
    foreign = world_b.account_x
    response = admin_a.get(f"{ACCOUNTS}{foreign.pk}/change/")
    assert_missing_object_redirect(response)
    landing = admin_a.get(response["Location"])
    assert landing.status_code == 200
    html = landing.content.decode()
    assert foreign.name not in html
    assert "doesn\u2019t exist" in html or "doesn't exist" in html

    # Nor can it be changed or deleted by posting to it.
    assert_missing_object_redirect(admin_a.post(f"{ACCOUNTS}{foreign.pk}/change/", {"name": "Hijacked"}))
    assert_missing_object_redirect(admin_a.post(f"{ACCOUNTS}{foreign.pk}/delete/", {"post": "yes"}))
    assert_missing_object_redirect(admin_a.get(f"{ACCOUNTS}{foreign.pk}/history/"))
    with world_b.context():
        assert CustomerAccount.objects.get(pk=foreign.pk).name == foreign.name


def test_change_page_of_another_tenants_membership_is_not_found(admin_a, world_b):
    foreign = world_b.rep
    response = admin_a.get(f"{MEMBERSHIPS}{foreign.pk}/change/")
    assert_missing_object_redirect(response)
    assert foreign.user.email not in admin_a.get("/admin/").content.decode()


def test_change_page_with_a_malformed_id_is_not_a_500(admin_a):
    assert_missing_object_redirect(admin_a.get(f"{ACCOUNTS}not-a-uuid/change/"))


def test_change_page_of_own_account_works(admin_a, world_a):
    account = world_a.account_x
    response = admin_a.get(f"{ACCOUNTS}{account.pk}/change/")
    assert response.status_code == 200
    assert account.name in response.content.decode()
    response = admin_a.post(f"{ACCOUNTS}{account.pk}/change/", {"name": "Renamed X"})
    assert response.status_code == 302
    with world_a.context():
        assert CustomerAccount.objects.get(pk=account.pk).name == "Renamed X"


def test_adding_an_account_lands_in_the_active_tenant(admin_a, world_a, world_b):
    response = admin_a.post(f"{ACCOUNTS}add/", {"name": "Brand New Customer"})
    assert response.status_code == 302
    with world_a.context():
        created = CustomerAccount.objects.get(name="Brand New Customer")
        assert created.tenant_id == world_a.tenant.pk
    with world_b.context():
        assert not CustomerAccount.objects.filter(name="Brand New Customer").exists()


def test_adding_a_duplicate_account_name_is_a_form_error(admin_a, world_a):
    response = admin_a.post(f"{ACCOUNTS}add/", {"name": world_a.account_x.name})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


# --- Who may enter -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REP, Role.EXECUTIVE, Role.COACH, Role.CHAMPION])
def test_internal_non_admins_get_the_program_office_only_page(world_a, client_for, role):
    client = client_for(world_a.member(role))
    assert client.get(f"/t/{world_a.slug}/").status_code == 200
    for path in ("/admin/", MEMBERSHIPS, ACCOUNTS, f"{MEMBERSHIPS}add/"):
        response = client.get(path, follow=True)
        assert response.status_code == 403, path
        html = response.content.decode()
        assert "Program office only" in html
        assert world_a.account_x.name not in html
    # The in-app entry refuses them too, and does not make the tenant their admin workspace.
    assert open_program_office(client, world_a.slug).status_code == 403
    assert "active_tenant" not in client.session


def test_rep_cannot_post_to_the_admin(world_a, client_for):
    client = client_for(world_a.rep)
    response = client.post(f"{ACCOUNTS}add/", {"name": "Sneaky"}, follow=True)
    assert response.status_code == 403
    with world_a.context():
        assert not CustomerAccount.objects.filter(name="Sneaky").exists()


def test_customer_gets_the_program_office_only_page(world_a, client_for):
    client = client_for(world_a.customer_x)
    client.get(f"/t/{world_a.slug}/")
    response = client.get(ACCOUNTS, follow=True)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Program office only" in html
    assert world_a.account_y.name not in html


def test_admin_of_a_and_rep_of_b_cannot_open_bs_admin(world_a, world_b, client_for):
    from core import members

    user = User.objects.create_user("mixed@both.test", "pw-irrelevant")
    in_a = members.membership_create(tenant=world_a.tenant, user=user, role=Role.ADMIN)
    members.membership_create(tenant=world_b.tenant, user=user, role=Role.REP)
    client = client_for(in_a)
    assert open_program_office(client, world_b.slug).status_code == 403  # only a rep in B
    assert "active_tenant" not in client.session
    html = client.get(ACCOUNTS).content.decode()  # falls back to their admin workspace: A
    assert world_a.account_x.name in html
    assert world_b.account_x.name not in html


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get(MEMBERSHIPS)
    assert response.status_code == 302
    landing = Client().get(response["Location"])
    assert landing.status_code == 302
    assert landing["Location"].startswith("/accounts/login/?next=")


def test_superuser_only_models_are_hidden_from_a_tenant_admin(admin_a):
    html = admin_a.get("/admin/").content.decode()
    for path in ("/admin/core/user/", "/admin/core/tenant/", "/admin/core/apitoken/"):
        assert path not in html
        assert admin_a.get(path).status_code == 403, path
    assert admin_a.get("/admin/core/user/add/").status_code == 403
    assert admin_a.get("/admin/core/tenant/add/").status_code == 403


def test_tenant_admin_cannot_open_another_users_change_page(admin_a, world_b):
    assert admin_a.get(f"/admin/core/user/{world_b.rep.user.pk}/change/").status_code == 403


# --- Adding people -------------------------------------------------------------------------------


def test_admin_adds_a_new_person_by_email(admin_a, world_a, world_b):
    response = add_membership(admin_a, email="New.Person@Example.test", full_name="New Person", role=Role.COACH)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = User.objects.get(email="new.person@example.test")
    assert user.full_name == "New Person"
    assert not user.has_usable_password()
    with world_a.context():
        membership = Membership.objects.get(user=user)
        assert membership.role == Role.COACH
        assert membership.customer_account is None
        assert membership.tenant_id == world_a.tenant.pk
    with world_b.context():
        assert not Membership.objects.filter(user=user).exists()


def test_admin_adds_an_existing_user_of_another_tenant(admin_a, world_a, world_b):
    outsider = world_b.rep.user
    response = add_membership(admin_a, email=outsider.email, role=Role.REP)
    assert response.status_code == 302
    with world_a.context():
        assert Membership.objects.get(user=outsider).role == Role.REP
    assert User.objects.filter(email=outsider.email).count() == 1


def test_admin_adds_a_customer_participant_with_an_account(admin_a, world_a):
    response = add_membership(
        admin_a, email="buyer@customer.test", role=Role.CUSTOMER, customer_account=str(world_a.account_y.pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    with world_a.context():
        membership = Membership.objects.get(user__email="buyer@customer.test")
        assert membership.role == Role.CUSTOMER
        assert membership.customer_account_id == world_a.account_y.pk


def test_customer_without_an_account_is_a_form_error(admin_a, world_a):
    response = add_membership(admin_a, email="buyer@customer.test", role=Role.CUSTOMER)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "customer_account" in errors
    assert "needs a customer account" in " ".join(errors["customer_account"])
    assert not User.objects.filter(email="buyer@customer.test").exists()


def test_internal_role_with_an_account_is_a_form_error(admin_a, world_a):
    response = add_membership(
        admin_a, email="rep2@alpha.test", role=Role.REP, customer_account=str(world_a.account_x.pk)
    )
    assert response.status_code == 200
    assert "customer_account" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="rep2@alpha.test").exists()


def test_customer_account_of_another_tenant_is_not_a_valid_choice(admin_a, world_b):
    response = add_membership(
        admin_a, email="buyer@customer.test", role=Role.CUSTOMER, customer_account=str(world_b.account_x.pk)
    )
    assert response.status_code == 200
    assert "customer_account" in response.context["adminform"].form.errors
    assert not User.objects.filter(email="buyer@customer.test").exists()


def test_adding_someone_already_in_the_workspace_is_a_form_error(admin_a, world_a):
    response = add_membership(admin_a, email=world_a.rep.user.email.upper(), role=Role.COACH)
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    with world_a.context():
        assert Membership.objects.get(user=world_a.rep.user).role == Role.REP


@pytest.mark.parametrize(
    "data",
    [
        {"email": "", "role": Role.REP},
        {"email": "not-an-email", "role": Role.REP},
        {"email": "x@example.test", "role": ""},
        {"email": "x@example.test", "role": "overlord"},
        {"email": "x@example.test", "role": Role.CUSTOMER, "customer_account": "not-a-uuid"},
    ],
)
def test_bad_add_input_is_a_form_error_not_a_500(admin_a, data):
    response = add_membership(admin_a, **data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not User.objects.filter(email="x@example.test").exists()


def test_add_form_shows_email_and_only_own_accounts(admin_a, world_a, world_b):
    response = admin_a.get(f"{MEMBERSHIPS}add/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html and 'name="role"' in html and 'name="customer_account"' in html
    assert world_a.account_x.name in html
    assert world_b.account_x.name not in html


def test_admin_changes_a_role(admin_a, world_a):
    coach = world_a.member(Role.COACH)
    response = admin_a.post(
        f"{MEMBERSHIPS}{coach.pk}/change/",
        {"email": coach.user.email, "full_name": "Renamed Coach", "role": Role.CHAMPION, "customer_account": ""},
    )
    assert response.status_code == 302
    with world_a.context():
        assert Membership.objects.get(pk=coach.pk).role == Role.CHAMPION
    coach.user.refresh_from_db()
    assert coach.user.full_name == "Renamed Coach"
