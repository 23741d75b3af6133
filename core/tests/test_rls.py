"""PostgreSQL Row-Level Security: the second line of defence, checked with raw SQL."""

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from core import tenancy
from core.management.commands.rls_audit import AUDIT_SQL
from core.members import membership_create
from core.models import User
from core.views.home import HomeView
from partnering.models import CustomerAccount

pytestmark = pytest.mark.django_db


def tenant_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(AUDIT_SQL, ["tenant_isolation"])
        return [row[0] for row in cursor.fetchall()]


def raw(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def db_setting() -> str:
    return raw("SELECT current_setting('app.tenant_id', true)")[0][0] or ""


def test_the_application_role_is_not_superuser_bypassrls_or_owner():
    role, is_super, bypass = raw(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )[0]
    assert role == settings.DATABASES["default"]["USER"]
    assert not is_super and not bypass
    owned = raw("SELECT count(*) FROM pg_class c WHERE pg_get_userbyid(c.relowner) = current_user")[0][0]
    assert owned == 0


def test_every_tenant_table_is_covered(world_a):
    tables = tenant_tables()
    assert {"core_membership", "partnering_customeraccount", "core_membershipevent"} <= set(tables)


def test_without_a_tenant_every_tenant_table_looks_empty(world_a, world_b):
    tenancy.deactivate()
    for table in tenant_tables():
        assert raw(f'SELECT count(*) FROM "{table}"')[0][0] == 0, table


def test_with_tenant_a_set_only_a_rows_are_visible(world_a, world_b):
    with world_a.context():
        for table in tenant_tables():
            seen = {row[0] for row in raw(f'SELECT DISTINCT tenant_id FROM "{table}"')}
            assert seen <= {world_a.tenant.pk}, table
        assert raw("SELECT count(*) FROM partnering_customeraccount")[0][0] == 2
        assert raw("SELECT count(*) FROM core_membership")[0][0] == 7


def test_writes_into_another_tenant_are_rejected_by_the_database(world_a, world_b):
    with world_a.context(), pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
        raw(
            "INSERT INTO partnering_customeraccount (id, tenant_id, name, created_at) "
            "VALUES (gen_random_uuid(), %s, 'smuggled', now())",
            [world_b.tenant.pk],
        )


def test_updates_cannot_move_a_row_to_another_tenant(world_a, world_b):
    with world_a.context(), pytest.raises(ProgrammingError, match="row-level security"), transaction.atomic():
        raw("UPDATE partnering_customeraccount SET tenant_id = %s", [world_b.tenant.pk])


def test_memberships_of_the_user_are_readable_across_tenants_but_nobody_elses(world_a, world_b):
    coach = world_a.member("coach").user
    membership_create(tenant=world_b.tenant, user=coach, role="coach")
    tenancy.set_db_user(coach.pk)
    rows = raw("SELECT user_id, tenant_id FROM core_membership")
    assert {r[0] for r in rows} == {coach.pk}
    assert {r[1] for r in rows} == {world_a.tenant.pk, world_b.tenant.pk}
    tenancy.deactivate()


def test_no_tenant_is_left_on_the_connection_after_a_view_raises(world_a, client_for, monkeypatch):
    def explode(self, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeView, "get_context_data", explode)
    client = client_for(world_a.rep)
    client.raise_request_exception = False
    response = client.get(f"/t/{world_a.slug}/")
    assert response.status_code == 500
    assert db_setting() == ""
    assert tenancy.current_context() is None
    assert raw("SELECT count(*) FROM partnering_customeraccount")[0][0] == 0


def test_sequential_requests_of_two_tenants_on_one_connection_see_only_their_rows(world_a, world_b, client_for):
    user = User.objects.create_user("both@example.test", "pw-for-both-tenants")
    a = membership_create(tenant=world_a.tenant, user=user, role="rep")
    membership_create(tenant=world_b.tenant, user=user, role="rep")
    with world_b.context():
        CustomerAccount.objects.create(name="Only in B")
    client = client_for(a)
    connection.ensure_connection()
    raw_connection = connection.connection
    first = client.get(f"/t/{world_a.slug}/")
    assert db_setting() == ""
    second = client.get(f"/t/{world_b.slug}/")
    assert db_setting() == ""
    assert connection.connection is raw_connection  # the same persistent connection served both
    assert first.context["account_count"] == 2
    assert second.context["account_count"] == 3


def test_rls_audit_passes():
    call_command("rls_audit")


@pytest.mark.django_db(transaction=True)
def test_rls_audit_fails_when_a_tenant_table_is_unprotected():
    admin = psycopg2.connect(settings.DATABASE_ADMIN_URL, dbname=settings.DATABASES["default"]["NAME"])
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("CREATE TABLE rls_audit_probe (id int, tenant_id uuid)")
        with pytest.raises(CommandError, match="rls_audit_probe"):
            call_command("rls_audit")
    finally:
        with admin.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS rls_audit_probe")
        admin.close()
