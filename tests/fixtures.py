"""Fixtures shared by every app's tests: two tenant worlds and clients for any member."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core import members
from core.models import Membership, Role, Tenant, User
from core.tenancy import tenant_context
from partnering.models import CustomerAccount

PASSWORD = "correct horse battery staple"
INTERNAL_ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.COACH, Role.CHAMPION, Role.REP]


@dataclass
class World:
    """One tenant with a member of every role and two customer accounts with a participant each."""

    tenant: Tenant
    account_x: CustomerAccount
    account_y: CustomerAccount
    members: dict[str, Membership] = field(default_factory=dict)
    customer_x: Membership | None = None
    customer_y: Membership | None = None

    @property
    def slug(self) -> str:
        return self.tenant.slug

    def member(self, role: str) -> Membership:
        return self.members[role]

    @property
    def admin(self) -> Membership:
        return self.members[Role.ADMIN]

    @property
    def rep(self) -> Membership:
        return self.members[Role.REP]

    def context(self) -> tenant_context:  # type: ignore[valid-type]
        """``with world.context(): ...`` to create or read this tenant's rows in a test."""
        return tenant_context(self.tenant)


def build_world(prefix: str, name: str) -> World:
    tenant = members.tenant_create(name=name, slug=prefix)
    with tenant_context(tenant):
        account_x = CustomerAccount.objects.create(name=f"{name} customer X")
        account_y = CustomerAccount.objects.create(name=f"{name} customer Y")
    world = World(tenant=tenant, account_x=account_x, account_y=account_y)
    for role in INTERNAL_ROLES:
        user = User.objects.create_user(f"{role}@{prefix}.test", PASSWORD, full_name=f"{prefix} {role}")
        world.members[role] = members.membership_create(tenant=tenant, user=user, role=role)
    for key, account in (("x", account_x), ("y", account_y)):
        user = User.objects.create_user(f"customer-{key}@{prefix}.test", PASSWORD, full_name=f"{prefix} customer {key}")
        membership = members.membership_create(tenant=tenant, user=user, role=Role.CUSTOMER, customer_account=account)
        setattr(world, f"customer_{key}", membership)
    return world


@pytest.fixture
def world_a(db: None) -> World:
    return build_world("alpha", "Alpha Water")


@pytest.fixture
def world_b(db: None) -> World:
    return build_world("bravo", "Bravo Coatings")


@pytest.fixture
def client_for() -> Iterator[object]:
    """``client_for(membership)`` → a Django test client signed in as that member."""

    def make(membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client

    yield make


@pytest.fixture
def api_for() -> Iterator[object]:
    """``api_for(membership)`` → a DRF API client authenticated with a real token of that member."""

    def make(membership: Membership) -> APIClient:
        _, raw = members.api_token_issue(user=membership.user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
        return client

    yield make


@pytest.fixture
def isolation(world_a: World, world_b: World, client_for: object, api_for: object) -> object:
    from tests.isolation import Isolation

    return Isolation(world_a=world_a, world_b=world_b, client_for=client_for, api_for=api_for)
