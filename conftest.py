"""Shared test setup: real PostgreSQL databases per xdist worker, two tenants with every role.

* ``django_db_setup`` creates the worker's database with the owner and application roles (the
  same bootstrap as ``make run``), migrates it *as the owner*, and lets tests run as the
  application role, so Row-Level Security is live in every test.
* ``world_a`` / ``world_b``: two tenants, each with a member of every role, two customer accounts
  (``account_x``, ``account_y``) and a customer participant of each.
* ``isolation``: one-line isolation assertions for new pages and endpoints (see tests/isolation.py).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker: pytest.FixtureRequest) -> object:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from core.db.bootstrap import bootstrap, drop_database

    name = settings.DATABASES["default"]["NAME"]
    if not getattr(settings, "TEST_DATABASE_NAME", None) or name != settings.TEST_DATABASE_NAME:
        raise RuntimeError(f"Refusing to recreate database {name!r}: tests must run with config.settings.test.")
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        bootstrap(
            admin_url=settings.DATABASE_ADMIN_URL,
            app=settings.DATABASES["default"],
            owner=settings.DATABASES["owner"],
            dbname=name,
            recreate=True,
            test_privileges=True,
        )
        call_command("migrate", database="owner", verbosity=0, interactive=False)
        connections["owner"].close()
    yield
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        for conn in connections.all():
            conn.close()
        drop_database(admin_url=settings.DATABASE_ADMIN_URL, dbname=name)


pytest_plugins = ["tests.fixtures", "tests.celery_worker", "tests.admin_cases"]
