"""The program-office Django admin for core: the shared admin cases (tests/admin_cases.py) over
memberships and jobs, users, tenants and API tokens superuser-only, plus the workspace the admin
works in, who may enter it, and adding people by e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from core import members
from core.jobs import job_enqueue
from core.models import ApiToken, Membership, Role, Tenant, User
from partnering.models import CustomerAccount
from tests.admin_cases import SUPERUSER_ONLY, AdminCases

MEMBERSHIPS = "/admin/core/membership/"
ACCOUNTS = "/admin/partnering/customeraccount/"


def open_program_office(client: Client, slug: str):
    """The app's "Program office" entry: makes ``slug`` the admin's active workspace."""
    return client.get(f"/t/{slug}/program-office/")


def emails_of(world) -> set[str]:
    return {m.user.email for m in [*world.members.values(), world.customer_x, world.customer_y]}


def add_membership(client: Client, **data: str):
    payload = {"email": "", "full_name": "", "role": "", "customer_account": ""}
    payload.update(data)
    return client.post(f"{MEMBERSHIPS}add/", payload)


class TestCoreAdmin(AdminCases):
    app_label = "core"
    global_models = {ApiToken: SUPERUSER_ONLY, Tenant: SUPERUSER_ONLY, User: SUPERUSER_ONLY}

    @staticmethod
    def fill(world: Any, tag: str) -> dict[str, Any]:
        """The world has a membership of every role; add a job and an API token."""
        with world.context():
            job = job_enqueue(kind="test.noop", actor=world.rep, params={"note": f"Job {tag}"})
        token, _ = members.api_token_issue(user=world.rep.user, name=f"Token {tag}")
        return {"job": job, "token": token}

    # --- Scope ---------------------------------------------------------------------------------

    def test_admin_index_opens_in_the_active_workspace(self, admin_a, world_a):
        response = admin_a.get("/admin/")
        assert response.status_code == 200
        html = response.content.decode()
        assert world_a.tenant.name in html
        assert ACCOUNTS in html

    def test_membership_list_shows_the_workspaces_people_and_accounts(self, admin_a, world_a):
        html = admin_a.get(MEMBERSHIPS).content.decode()
        for email in emails_of(world_a):
            assert email in html
        assert world_a.account_x.name in html  # the customer-account filter: own accounts only

    def test_switching_workspace_switches_the_admin(self, world_a, world_b, client_for):
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

    def test_program_office_entry_follows_only_a_local_admin_next(self, admin_a, world_a):
        response = admin_a.get(f"/t/{world_a.slug}/program-office/", {"next": "/admin/core/membership/add/"})
        assert response.status_code == 302
        assert response["Location"] == "/admin/core/membership/add/"
        for target in ("https://evil.example/admin/", "//evil.example/admin/", "/t/alpha/"):
            response = admin_a.get(f"/t/{world_a.slug}/program-office/", {"next": target})
            assert response.status_code == 302
            assert response["Location"] == "/admin/", target

    def test_program_office_entry_of_another_tenant_is_404(self, admin_a, world_a, world_b):
        assert open_program_office(admin_a, world_b.slug).status_code == 404
        assert admin_a.session["active_tenant"] == world_a.slug
        html = admin_a.get(ACCOUNTS).content.decode()
        assert world_b.account_x.name not in html

    def test_admin_without_an_opened_workspace_uses_their_admin_membership(self, world_a, world_b, client_for):
        client = client_for(world_a.admin)  # never opened /t/<slug>/
        response = client.get(ACCOUNTS)
        assert response.status_code == 200
        html = response.content.decode()
        assert world_a.account_x.name in html and world_b.account_x.name not in html

    def test_own_account_can_be_renamed(self, admin_a, world_a):
        account = world_a.account_x
        response = admin_a.get(f"{ACCOUNTS}{account.pk}/change/")
        assert response.status_code == 200
        assert account.name in response.content.decode()
        response = admin_a.post(f"{ACCOUNTS}{account.pk}/change/", {"name": "Renamed X"})
        assert response.status_code == 302
        with world_a.context():
            assert CustomerAccount.objects.get(pk=account.pk).name == "Renamed X"

    def test_adding_an_account_lands_in_the_active_tenant(self, admin_a, world_a, world_b):
        response = admin_a.post(f"{ACCOUNTS}add/", {"name": "Brand New Customer"})
        assert response.status_code == 302
        with world_a.context():
            created = CustomerAccount.objects.get(name="Brand New Customer")
            assert created.tenant_id == world_a.tenant.pk
        with world_b.context():
            assert not CustomerAccount.objects.filter(name="Brand New Customer").exists()

    def test_adding_a_duplicate_account_name_is_a_form_error(self, admin_a, world_a):
        response = admin_a.post(f"{ACCOUNTS}add/", {"name": world_a.account_x.name})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors

    # --- Who may enter ---------------------------------------------------------------------------

    @pytest.mark.parametrize("role", [Role.REP, Role.EXECUTIVE, Role.COACH, Role.CHAMPION])
    def test_the_program_office_entry_refuses_non_admins(self, world_a, client_for, role):
        client = client_for(world_a.member(role))
        assert client.get(f"/t/{world_a.slug}/").status_code == 200
        # The admin refuses them (the shared cases); the in-app entry too, and does not make the
        # tenant their admin workspace.
        assert open_program_office(client, world_a.slug).status_code == 403
        assert "active_tenant" not in client.session

    def test_rep_cannot_post_to_the_admin(self, world_a, client_for):
        client = client_for(world_a.rep)
        response = client.post(f"{ACCOUNTS}add/", {"name": "Sneaky"}, follow=True)
        assert response.status_code == 403
        with world_a.context():
            assert not CustomerAccount.objects.filter(name="Sneaky").exists()

    def test_admin_of_a_and_rep_of_b_cannot_open_bs_admin(self, world_a, world_b, client_for):
        user = User.objects.create_user("mixed@both.test", "pw-irrelevant")
        in_a = members.membership_create(tenant=world_a.tenant, user=user, role=Role.ADMIN)
        members.membership_create(tenant=world_b.tenant, user=user, role=Role.REP)
        client = client_for(in_a)
        assert open_program_office(client, world_b.slug).status_code == 403  # only a rep in B
        assert "active_tenant" not in client.session
        html = client.get(ACCOUNTS).content.decode()  # falls back to their admin workspace: A
        assert world_a.account_x.name in html
        assert world_b.account_x.name not in html

    # --- Adding people ------------------------------------------------------------------------

    def test_admin_adds_a_new_person_by_email(self, admin_a, world_a, world_b):
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

    def test_admin_adds_an_existing_user_of_another_tenant(self, admin_a, world_a, world_b):
        outsider = world_b.rep.user
        response = add_membership(admin_a, email=outsider.email, role=Role.REP)
        assert response.status_code == 302
        with world_a.context():
            assert Membership.objects.get(user=outsider).role == Role.REP
        assert User.objects.filter(email=outsider.email).count() == 1

    def test_admin_adds_a_customer_participant_with_an_account(self, admin_a, world_a):
        response = add_membership(
            admin_a, email="buyer@customer.test", role=Role.CUSTOMER, customer_account=str(world_a.account_y.pk)
        )
        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
        with world_a.context():
            membership = Membership.objects.get(user__email="buyer@customer.test")
            assert membership.role == Role.CUSTOMER
            assert membership.customer_account_id == world_a.account_y.pk

    def test_customer_without_an_account_is_a_form_error(self, admin_a, world_a):
        response = add_membership(admin_a, email="buyer@customer.test", role=Role.CUSTOMER)
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "customer_account" in errors
        assert "needs a customer account" in " ".join(errors["customer_account"])
        assert not User.objects.filter(email="buyer@customer.test").exists()

    def test_internal_role_with_an_account_is_a_form_error(self, admin_a, world_a):
        response = add_membership(
            admin_a, email="rep2@alpha.test", role=Role.REP, customer_account=str(world_a.account_x.pk)
        )
        assert response.status_code == 200
        assert "customer_account" in response.context["adminform"].form.errors
        assert not User.objects.filter(email="rep2@alpha.test").exists()

    def test_customer_account_of_another_tenant_is_not_a_valid_choice(self, admin_a, world_b):
        response = add_membership(
            admin_a, email="buyer@customer.test", role=Role.CUSTOMER, customer_account=str(world_b.account_x.pk)
        )
        assert response.status_code == 200
        assert "customer_account" in response.context["adminform"].form.errors
        assert not User.objects.filter(email="buyer@customer.test").exists()

    def test_adding_someone_already_in_the_workspace_is_a_form_error(self, admin_a, world_a):
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
    def test_bad_add_input_is_a_form_error_not_a_500(self, admin_a, data):
        response = add_membership(admin_a, **data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
        assert not User.objects.filter(email="x@example.test").exists()

    def test_add_form_shows_email_and_only_own_accounts(self, admin_a, world_a, world_b):
        response = admin_a.get(f"{MEMBERSHIPS}add/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="email"' in html and 'name="role"' in html and 'name="customer_account"' in html
        assert world_a.account_x.name in html
        assert world_b.account_x.name not in html

    def test_admin_changes_a_role(self, admin_a, world_a):
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
