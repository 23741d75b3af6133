"""Create the two database roles and the database, as a PostgreSQL superuser.

* the **owner** role owns the schema and every table; only migrations connect as it;
* the **application** role may read and write rows but is not superuser, not BYPASSRLS and owns
  nothing, so Row-Level Security binds it. New tables get its privileges through default
  privileges of the owner role.

Used by ``manage.py db_bootstrap`` (``make run``) and by the test suite for its databases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg2
from psycopg2 import sql

BOOTSTRAP_LOCK = 727_274_001  # pg_advisory_lock key, arbitrary but fixed


@dataclass(frozen=True)
class Role:
    name: str
    password: str


def _role(settings_dict: dict[str, Any]) -> Role:
    return Role(name=settings_dict["USER"], password=settings_dict.get("PASSWORD") or settings_dict["USER"])


def _connect(admin_url: str, dbname: str | None = None) -> Any:
    """An autocommit superuser connection (psycopg2's ``with conn`` would open a transaction)."""
    conn = psycopg2.connect(admin_url, **({"dbname": dbname} if dbname else {}))
    conn.autocommit = True
    return conn


def ensure_role(cursor: Any, role: Role) -> None:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role.name])
    verb = "ALTER" if cursor.fetchone() else "CREATE"
    cursor.execute(
        sql.SQL("{} ROLE {} LOGIN PASSWORD %s NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION").format(
            sql.SQL(verb), sql.Identifier(role.name)
        ),
        [role.password],
    )


def bootstrap(
    *,
    admin_url: str,
    app: dict[str, Any],
    owner: dict[str, Any],
    dbname: str,
    recreate: bool = False,
    test_privileges: bool = False,
) -> bool:
    """Idempotently create roles and database; returns True if the database was created now.

    ``test_privileges`` also grants TRUNCATE to the application role: pytest-django empties
    tables between transactional tests with TRUNCATE. Never use it outside test databases.
    """
    app_role, owner_role = _role(app), _role(owner)
    created = False
    conn = _connect(admin_url)
    with conn.cursor() as cursor:
        # Parallel test workers bootstrap at once; role changes on shared catalogs must not race.
        cursor.execute("SELECT pg_advisory_lock(%s)", [BOOTSTRAP_LOCK])
        ensure_role(cursor, owner_role)
        ensure_role(cursor, app_role)
        if recreate:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        if cursor.fetchone() is None:
            cursor.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(dbname), sql.Identifier(owner_role.name)
                )
            )
            created = True
    lock_holder = conn  # keep the lock until the grants below are done
    owner_id, app_id = sql.Identifier(owner_role.name), sql.Identifier(app_role.name)
    table_privileges = sql.SQL("SELECT, INSERT, UPDATE, DELETE" + (", TRUNCATE" if test_privileges else ""))
    statements = [
        sql.SQL("ALTER SCHEMA public OWNER TO {}").format(owner_id),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app_id),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(dbname), app_id),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT {} ON TABLES TO {}").format(
            owner_id, table_privileges, app_id
        ),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}"
        ).format(owner_id, app_id),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA public TO {}").format(table_privileges, app_id),
        sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(app_id),
    ]
    conn = _connect(admin_url, dbname)
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()
        lock_holder.close()  # closing the session releases the advisory lock
    return created


def drop_database(*, admin_url: str, dbname: str) -> None:
    conn = _connect(admin_url)
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
    conn.close()
