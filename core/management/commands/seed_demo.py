"""``manage.py seed_demo``: two demo tenants with a login for every role, and with ``--scale N`` a
bulk benchmark tenant. The data itself comes from ``core.demo`` and the apps' demo steps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.demo import BENCH_EMAIL, BENCH_SLUG, seed, seed_bench


class Command(BaseCommand):
    help = "Create or refresh the demo tenants and logins (refuses with DEBUG off unless --force)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default="partnering-demo", help="Password for every demo login.")
        parser.add_argument("--json", dest="json_path", help="Also write the logins to this JSON file.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help=f"Also create N customer accounts in the benchmark tenant '{BENCH_SLUG}' "
            f"(login {BENCH_EMAIL}), each relationship with a scorecard, 12 quarters of results "
            "and both sides' ratings.",
        )
        parser.add_argument(
            "--projects",
            type=int,
            default=None,
            metavar="N",
            help="With --scale: projects in the benchmark tenant (default: the --scale number).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG is off: this looks like production. Re-run with --force to seed anyway.")
        if not 0 <= options["scale"] <= 100_000:
            raise CommandError("--scale must be between 0 and 100000.")
        if options["projects"] is not None and not 0 <= options["projects"] <= 100_000:
            raise CommandError("--projects must be between 0 and 100000.")
        logins = seed(password=options["password"])
        if options["scale"]:
            bench = seed_bench(count=options["scale"], password=options["password"], projects=options["projects"])
            logins.append({key: bench[key] for key in ("tenant", "role", "email", "customer_account")})
            self.stdout.write(
                f"Benchmark tenant {bench['tenant']}: {bench['accounts_created']} accounts, "
                f"{bench['scorecards_created']} scorecards created."
            )
        if options["json_path"]:
            Path(options["json_path"]).write_text(json.dumps(logins, indent=2))
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password: {options['password']}):"))
        for row in logins:
            account = f"  [{row['customer_account']}]" if row["customer_account"] else ""
            self.stdout.write(f"  {row['tenant']:<10} {row['role']:<10} {row['email']}{account}")
