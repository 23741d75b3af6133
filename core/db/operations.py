"""Migration operation that puts a table under PostgreSQL Row-Level Security.

``makemigrations`` (our override in core/management/commands) appends this operation after every
model it creates with a ``tenant`` field, so new tenant tables get RLS without hand work; the
``rls_audit`` command fails the build if a table with ``tenant_id`` slipped through anyway.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

POLICY_NAME = "tenant_isolation"
TENANT_EXPR = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def _user_expr(column: str) -> str:
    return f"{column} = NULLIF(current_setting('app.user_id', true), '')::uuid"


def enable_rls_sql(table: str, user_column: str | None = None) -> list[str]:
    """SQL that enables and forces RLS on ``table`` with the tenant policy (idempotent)."""
    using = TENANT_EXPR if user_column is None else f"({TENANT_EXPR}) OR ({_user_expr(user_column)})"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({using}) WITH CHECK ({TENANT_EXPR})',
    ]


def disable_rls_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    """Enable + force RLS on a model's table with the tenant policy.

    ``user_column`` additionally lets a user read rows that carry their own id in that column in
    every tenant (used only by Membership, for the tenant switcher); writes stay tenant-bound.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, user_column: str | None = None) -> None:
        self.model_name = model_name
        self.user_column = user_column

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.user_column:
            kwargs["user_column"] = self.user_column
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass  # database-only

    def _table(self, app_label: str, state: Any) -> str:
        return str(state.apps.get_model(app_label, self.model_name)._meta.db_table)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for sql in enable_rls_sql(self._table(app_label, to_state), self.user_column):
            schema_editor.execute(sql)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        for sql in disable_rls_sql(self._table(app_label, from_state)):
            schema_editor.execute(sql)

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"rls_{self.model_name.lower()}"
