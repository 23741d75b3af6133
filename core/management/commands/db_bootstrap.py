"""Create the owner and application roles and the database (needs a superuser URL)."""

from typing import Any

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.db.bootstrap import bootstrap, drop_database


class Command(BaseCommand):
    help = "Create the database roles (owner, application) and the database. Idempotent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--admin-url", default=settings.DATABASE_ADMIN_URL, help="Superuser connection URL.")
        parser.add_argument(
            "--if-possible",
            action="store_true",
            help="Warn instead of failing when the superuser URL does not connect.",
        )
        parser.add_argument("--recreate", action="store_true", help="Drop the database first (scratch databases).")
        parser.add_argument("--drop", action="store_true", help="Only drop the database (scratch databases).")

    def handle(self, *args: Any, **options: Any) -> None:
        app, owner = settings.DATABASES["default"], settings.DATABASES["owner"]
        if app["NAME"] != owner["NAME"]:
            raise CommandError("DATABASE_URL and DATABASE_OWNER_URL must name the same database.")
        if app["USER"] == owner["USER"]:
            raise CommandError("The application role must differ from the owner role (Row-Level Security).")
        if options["drop"]:
            drop_database(admin_url=options["admin_url"], dbname=app["NAME"])
            self.stdout.write(f"Dropped database {app['NAME']}.")
            return
        try:
            created = bootstrap(
                admin_url=options["admin_url"], app=app, owner=owner, dbname=app["NAME"], recreate=options["recreate"]
            )
        except psycopg2.OperationalError as exc:
            if options["if_possible"]:
                self.stderr.write(self.style.WARNING(f"db_bootstrap skipped (no superuser connection): {exc}".strip()))
                return
            raise CommandError(f"Cannot connect as a superuser to create roles: {exc}") from exc
        state = "created" if created else "already there"
        self.stdout.write(
            self.style.SUCCESS(
                f"Database {app['NAME']} {state}; owner role {owner['USER']}, application role {app['USER']}."
            )
        )
