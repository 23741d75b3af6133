"""Isolation registry of the relationships area's routes (merged by tests/test_isolation.py).

The relationship page is account-bound (the customer of the account opens it, the customer of the
other account gets 404); the administration pages are internal (customers get 403 by role), so
only other tenants are checked there. API rows are built on account X of world A.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnering import relationships
from partnering.tests.factories import contact_for, relationship_for


def _relationship(world: Any) -> dict[str, str]:
    return {"pk": str(relationship_for(world).pk)}


def _api_relationship(world: Any) -> dict[str, str]:
    return {"id": str(relationship_for(world).pk)}


def _sponsor(world: Any) -> dict[str, str]:
    relationship = relationship_for(world)
    with world.context():
        sponsor = relationships.sponsor_add(actor=world.admin, relationship=relationship, membership=world.customer_x)
    return {"id": str(sponsor.pk)}


def _roster(world: Any) -> dict[str, str]:
    relationship = relationship_for(world)
    contact = contact_for(world, account=world.account_x, full_name="Roster person")
    with world.context():
        entry = relationships.roster_add(actor=world.admin, relationship=relationship, contact=contact, role="Quality")
    return {"id": str(entry.pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "relationship-detail": (_relationship, True),
    "relationship-edit": (_relationship, False),
    "relationship-level": (_relationship, False),
    "relationship-sponsor-add": (_relationship, False),
    "relationship-roster-add": (_relationship, False),
    "api-relationship-detail": (_api_relationship, True),
    "api-relationship-level": (_api_relationship, True),
    "api-relationship-level-history": (_api_relationship, True),
    "api-sponsor-detail": (_sponsor, True),
    "api-roster-detail": (_roster, True),
}
