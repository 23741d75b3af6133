"""Demo data: two tenants, a user for every role in each, and customer participants.

Idempotent (safe to run again; passwords are reset to the given one). Each app adds its demo
content through a hook called inside the tenant's context (``partnering.demo.seed_tenant``).
``--scale N`` also bulk-creates the benchmark tenant "benchco" with N customer accounts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Membership, Role, Tenant, User
from core.tenancy import tenant_context
from dashboards import demo as dashboards_demo
from partnering import demo as partnering_demo
from partnering.models import CustomerAccount
from projects import demo as projects_demo


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    account: str | None = None


@dataclass(frozen=True)
class DemoTenant:
    name: str
    slug: str
    accounts: tuple[str, ...]
    users: tuple[DemoUser, ...]


DEMO_TENANTS = (
    DemoTenant(
        name="Aquenta Water Solutions",
        slug="aquenta",
        accounts=(
            "Northfield Paper Mill",
            "Riverside Power Station",
            "Coastal Refining Co.",
            "Blue Valley Foods",
            "Summit Steel Works",
        ),
        users=(
            DemoUser("admin@aquenta.example", "Priya Raman", Role.ADMIN),
            DemoUser("exec@aquenta.example", "Martin Keller", Role.EXECUTIVE),
            DemoUser("coach@aquenta.example", "Dana Brooks", Role.COACH),
            DemoUser("champion@aquenta.example", "Lars Nilsson", Role.CHAMPION),
            DemoUser("rep@aquenta.example", "Sofia Marquez", Role.REP),
            DemoUser("ana.lopez@northfield-paper.example", "Ana Lopez", Role.CUSTOMER, "Northfield Paper Mill"),
            DemoUser("tom.reed@riverside-power.example", "Tom Reed", Role.CUSTOMER, "Riverside Power Station"),
            # Customer-side executive sponsors.
            DemoUser("helen.berg@northfield-paper.example", "Helen Berg", Role.CUSTOMER, "Northfield Paper Mill"),
            DemoUser("raj.patel@riverside-power.example", "Raj Patel", Role.CUSTOMER, "Riverside Power Station"),
        ),
    ),
    DemoTenant(
        name="Kestrel Coatings",
        slug="kestrel",
        accounts=("Harbor Marine Yards",),
        users=(
            DemoUser("admin@kestrel.example", "Grace Okafor", Role.ADMIN),
            DemoUser("exec@kestrel.example", "Henrik Dahl", Role.EXECUTIVE),
            DemoUser("coach@aquenta.example", "Dana Brooks", Role.COACH),  # one coach, two programs
            DemoUser("champion@kestrel.example", "Mei Tanaka", Role.CHAMPION),
            DemoUser("rep@kestrel.example", "Omar Haddad", Role.REP),
            DemoUser("jo.park@harbor-marine.example", "Jo Park", Role.CUSTOMER, "Harbor Marine Yards"),
        ),
    ),
)


class Command(BaseCommand):
    help = "Create or refresh the demo tenants and logins (refuses with DEBUG off unless --force)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default="partnering-demo", help="Password for every demo login.")
        parser.add_argument("--json", dest="json_path", help="Also write the logins to this JSON file.")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help=f"Also create N customer accounts in the benchmark tenant '{partnering_demo.BENCH_SLUG}' "
            f"(login {partnering_demo.BENCH_EMAIL}), each relationship with a scorecard, 12 quarters of results "
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


@transaction.atomic
def seed(*, password: str) -> list[dict[str, Any]]:
    logins: list[dict[str, Any]] = []
    for spec in DEMO_TENANTS:
        tenant, _ = Tenant.objects.update_or_create(slug=spec.slug, defaults={"name": spec.name})
        with tenant_context(tenant):
            accounts = {name: CustomerAccount.objects.get_or_create(name=name)[0] for name in spec.accounts}
            for demo in spec.users:
                user = User.objects.filter(email=demo.email).first() or User(email=demo.email)
                user.full_name = demo.name
                user.is_active = True
                user.set_password(password)
                user.save()
                account = accounts[demo.account] if demo.account else None
                Membership.objects.update_or_create(
                    user=user, defaults={"role": demo.role, "customer_account": account}
                )
                logins.append(
                    {
                        "tenant": spec.slug,
                        "role": str(demo.role),
                        "email": demo.email,
                        "customer_account": demo.account,
                    }
                )
            partnering_demo.seed_tenant(spec.slug)
            dashboards_demo.seed_tenant(spec.slug)
            projects_demo.seed_tenant(spec.slug)
    return logins


@transaction.atomic
def seed_bench(*, count: int, password: str, projects: int | None = None) -> dict[str, Any]:
    """The benchmark tenant, all or nothing (see ``partnering.demo.seed_bench``, ``dashboards.demo.seed_bench``
    and ``projects.demo.seed_bench``: ``projects`` projects, by default ``count``)."""
    created = partnering_demo.seed_bench(count=count, password=password)
    return {
        **created,
        **dashboards_demo.seed_bench(),
        **projects_demo.seed_bench(count=count if projects is None else projects),
    }
