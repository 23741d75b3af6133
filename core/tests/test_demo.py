"""``manage.py seed_demo``: demo tenants and logins, idempotent, refuses in production."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from core.models import Membership, Role, Tenant, User
from core.tenancy import tenant_context
from partnering.models import CustomerAccount

DEMO_PASSWORD = "demo-passphrase-for-tests"
ALL_ROLES = {role.value for role in Role}


def seed(tmp_path: Path, *extra: str) -> list[dict]:
    path = tmp_path / "logins.json"
    call_command("seed_demo", "--json", str(path), "--force", "--password", DEMO_PASSWORD, *extra, stdout=StringIO())
    return json.loads(path.read_text())


def counts() -> dict[str, int]:
    result = {"users": User.objects.count(), "tenants": Tenant.objects.count(), "memberships": 0, "accounts": 0}
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            result["memberships"] += Membership.objects.count()
            result["accounts"] += CustomerAccount.objects.count()
    return result


def test_refuses_with_debug_off_without_force(db, tmp_path, settings):
    settings.DEBUG = False
    path = tmp_path / "logins.json"
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--json", str(path), stdout=StringIO())
    assert not path.exists()
    assert Tenant.objects.count() == 0
    assert User.objects.count() == 0


def test_runs_with_debug_on_without_force(db, tmp_path, settings):
    settings.DEBUG = True
    path = tmp_path / "logins.json"
    out = StringIO()
    call_command("seed_demo", "--json", str(path), stdout=out)
    assert json.loads(path.read_text())
    assert "Demo data ready" in out.getvalue()


def test_force_writes_the_logins_as_json(db, tmp_path, settings):
    settings.DEBUG = False
    logins = seed(tmp_path)
    assert isinstance(logins, list) and logins
    for row in logins:
        assert set(row) == {"tenant", "role", "email", "customer_account"}
        assert row["role"] in ALL_ROLES
        assert (row["customer_account"] is not None) == (row["role"] == Role.CUSTOMER)
    tenants = {row["tenant"] for row in logins}
    assert len(tenants) == 2
    for slug in tenants:
        assert {row["role"] for row in logins if row["tenant"] == slug} == ALL_ROLES, slug


def test_the_rich_tenant_has_customers_of_two_accounts(db, tmp_path):
    logins = seed(tmp_path)
    per_tenant: dict[str, set[str]] = {}
    for row in logins:
        if row["role"] == Role.CUSTOMER:
            per_tenant.setdefault(row["tenant"], set()).add(row["customer_account"])
    rich = max(per_tenant, key=lambda slug: len(per_tenant[slug]))
    assert len(per_tenant[rich]) >= 2

    tenant = Tenant.objects.get(slug=rich)
    with tenant_context(tenant):
        for row in logins:
            if row["tenant"] == rich and row["role"] == Role.CUSTOMER:
                membership = Membership.objects.select_related("customer_account").get(user__email=row["email"])
                assert membership.customer_account.name == row["customer_account"]


def test_the_database_matches_the_json(db, tmp_path):
    logins = seed(tmp_path)
    for row in logins:
        tenant = Tenant.objects.get(slug=row["tenant"])
        with tenant_context(tenant):
            membership = Membership.objects.select_related("user", "customer_account").get(user__email=row["email"])
        assert membership.role == row["role"]
        assert membership.user.is_active
        assert membership.user.check_password(DEMO_PASSWORD)
        expected = row["customer_account"]
        assert (membership.customer_account.name if membership.customer_account else None) == expected


def test_running_twice_is_idempotent(db, tmp_path):
    first = seed(tmp_path)
    after_first = counts()
    second = seed(tmp_path)
    assert counts() == after_first
    assert first == second
    assert after_first["tenants"] == 2
    assert after_first["users"] == len({row["email"] for row in first})
    assert after_first["memberships"] == len(first)


def test_rerun_resets_passwords_and_reactivates(db, tmp_path):
    logins = seed(tmp_path)
    email = next(row["email"] for row in logins if row["role"] == Role.REP)
    user = User.objects.get(email=email)
    user.set_password("changed by someone")
    user.is_active = False
    user.save()
    seed(tmp_path)
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(DEMO_PASSWORD)


def test_seeding_leaves_other_tenants_alone(world_a, tmp_path):
    before = {"users": User.objects.count()}
    with world_a.context():
        members_before = Membership.objects.count()
        accounts_before = CustomerAccount.objects.count()
    logins = seed(tmp_path)
    assert User.objects.count() == before["users"] + len({row["email"] for row in logins})
    with world_a.context():
        assert Membership.objects.count() == members_before
        assert CustomerAccount.objects.count() == accounts_before


def test_demo_rep_can_sign_in_with_the_given_password(db, tmp_path):
    logins = seed(tmp_path)
    rep = next(row for row in logins if row["role"] == Role.REP)
    client = Client()
    response = client.post("/accounts/login/", {"username": rep["email"], "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/t/{rep['tenant']}/"

    wrong = Client().post("/accounts/login/", {"username": rep["email"], "password": "partnering-demo"})
    assert wrong.status_code == 200  # the default password does not work when another was given


def test_demo_customer_sees_only_their_account(db, tmp_path):
    logins = seed(tmp_path)
    customer = next(row for row in logins if row["role"] == Role.CUSTOMER)
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": customer["email"], "password": DEMO_PASSWORD}).status_code == 302
    )
    raw = client.post(
        "/api/v1/auth/token/", {"email": customer["email"], "password": DEMO_PASSWORD}, content_type="application/json"
    ).json()["token"]
    me = Client(HTTP_AUTHORIZATION=f"Token {raw}").get(f"/api/v1/t/{customer['tenant']}/me/").json()
    assert me["customer_account"]["name"] == customer["customer_account"]


def test_unwritable_json_path_is_an_error(db, tmp_path):
    target = tmp_path / "missing-dir" / "logins.json"
    with pytest.raises((OSError, CommandError)):
        call_command("seed_demo", "--json", str(target), "--force", stdout=StringIO())
