"""Core's demo area: the demo tenants and their people, and the run of every app's demo step.

``seed_demo`` (``core/management/commands/seed_demo.py``) calls ``seed`` and ``seed_bench``. Core
creates the tenants, the users and the internal memberships; everything else comes from the apps'
demo steps, which they register in ``AppConfig.ready()`` (``core.registry.DEMO_STEPS``, in order:
partnering creates the customer accounts and their participants first). Idempotent: safe to run
again; passwords are reset to the given one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from core.models import Membership, Role, Tenant, User
from core.registry import DEMO_STEPS
from core.tenancy import tenant_context

#: The benchmark tenant of ``seed_demo --scale N`` and its login (``bench/`` signs in with it).
BENCH_SLUG = "benchco"
BENCH_EMAIL = "bench@benchco.example"


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


@dataclass(frozen=True)
class BenchOptions:
    """What ``seed_demo --scale N [--projects P]`` asks of every app's bench step."""

    count: int
    projects: int


def _user(email: str, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first() or User(email=email)
    user.full_name = name
    user.is_active = True
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def seed(*, password: str) -> list[dict[str, Any]]:
    """Every demo tenant: people first (customers once their account exists), then each app's step."""
    logins: list[dict[str, Any]] = []
    for spec in DEMO_TENANTS:
        tenant, _ = Tenant.objects.update_or_create(slug=spec.slug, defaults={"name": spec.name})
        with tenant_context(tenant):
            for demo in spec.users:
                user = _user(demo.email, demo.name, password)
                if demo.account is None:
                    Membership.objects.update_or_create(
                        user=user, defaults={"role": demo.role, "customer_account": None}
                    )
                logins.append(
                    {"tenant": spec.slug, "role": str(demo.role), "email": demo.email, "customer_account": demo.account}
                )
            for step in DEMO_STEPS:
                step.seed_tenant(spec)
    return logins


@transaction.atomic
def seed_bench(*, count: int, password: str, projects: int | None = None) -> dict[str, Any]:
    """The benchmark tenant and its admin, then every app's bench step (all or nothing)."""
    tenant, _ = Tenant.objects.update_or_create(slug=BENCH_SLUG, defaults={"name": "Benchmark Co"})
    user = _user(BENCH_EMAIL, "Bench Admin", password)
    with tenant_context(tenant):
        Membership.objects.update_or_create(user=user, defaults={"role": Role.ADMIN, "customer_account": None})
    result: dict[str, Any] = {
        "tenant": BENCH_SLUG,
        "role": str(Role.ADMIN),
        "email": BENCH_EMAIL,
        "customer_account": None,
    }
    options = BenchOptions(count=count, projects=count if projects is None else projects)
    for step in DEMO_STEPS:
        if step.seed_bench is not None:
            result.update(step.seed_bench(options))
    return result
