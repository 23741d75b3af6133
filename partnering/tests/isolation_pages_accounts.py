"""Isolation registrations for the account, Rolodex and relationship-administration pages.

Collected by tests/test_isolation.py: every route with an id is opened by outsiders (404) and by
the owner side. Only the account page is account-bound; the Rolodex and the administration pages
are internal (customers get 403 by role), so only other tenants are checked there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnering.tests.factories import contact_for, relationship_for


def _account(world: Any) -> dict[str, str]:
    return {"pk": str(world.account_x.pk)}


def _contact(world: Any) -> dict[str, str]:
    return {"pk": str(contact_for(world, account=world.account_x, full_name="Isolated Contact").pk)}


def _relationship(world: Any) -> dict[str, str]:
    return {"pk": str(relationship_for(world).pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "account-detail": (_account, True),
    "account-edit": (_account, False),
    "contact-detail": (_contact, False),
    "contact-edit": (_contact, False),
    "contact-activity-add": (_contact, False),  # GET redirects to the contact page
    "relationship-edit": (_relationship, False),
    "relationship-level": (_relationship, False),
    "relationship-sponsor-add": (_relationship, False),
    "relationship-roster-add": (_relationship, False),
}

ROUTE_ROLES: dict[str, str] = {}
