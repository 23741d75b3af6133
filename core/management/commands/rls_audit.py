"""Fail the build if any table with a ``tenant_id`` column lacks forced Row-Level Security."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.db.operations import POLICY_NAME

AUDIT_SQL = """
SELECT c.relname,
       c.relrowsecurity,
       c.relforcerowsecurity,
       EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s),
       pg_get_userbyid(c.relowner)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""

ROLE_SQL = "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"


class Command(BaseCommand):
    help = "List tenant tables and their Row-Level Security; exit non-zero if any is unprotected."

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        with connections["default"].cursor() as cursor:
            cursor.execute(ROLE_SQL)
            role, is_super, bypass = cursor.fetchone()
            cursor.execute(AUDIT_SQL, [POLICY_NAME])
            rows = cursor.fetchall()
        if is_super or bypass:
            problems.append(f"application role {role} is superuser or BYPASSRLS")
        if not rows:
            problems.append("no table with a tenant_id column found: is the database migrated?")
        width = max((len(r[0]) for r in rows), default=10)
        self.stdout.write(f"{'table'.ljust(width)}  rls   force policy owner")
        for table, rls, force, policy, owner in rows:
            ok = rls and force and policy and owner != role
            self.stdout.write(
                f"{table.ljust(width)}  {'yes' if rls else 'NO ':5} {'yes' if force else 'NO ':5} "
                f"{'yes' if policy else 'NO ':6} {owner}{'' if ok else '   <-- FAIL'}"
            )
            if not rls:
                problems.append(f"{table}: row level security not enabled")
            if not force:
                problems.append(f"{table}: row level security not forced")
            if not policy:
                problems.append(f"{table}: no {POLICY_NAME} policy")
            if owner == role:
                problems.append(f"{table}: owned by the application role {role}")
        if problems:
            raise CommandError("RLS audit failed:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS(f"RLS audit passed: {len(rows)} tenant tables, application role {role}."))
