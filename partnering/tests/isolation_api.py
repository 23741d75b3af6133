"""Isolation registry of the partnering API routes (merged by tests/test_isolation.py).

Each fill builds a row of customer account X in world A; ``True`` means account-bound: A's
customer of account Y must get 404 and A's customer of X must see it. Contacts are internal-only
(customers get 403 on every contact route), so they are registered as not account-bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnering import services
from partnering.tests import factories


def _id(obj: Any) -> dict[str, str]:
    return {"id": str(obj.pk)}


def _sponsor(world: Any) -> dict[str, str]:
    relationship = factories.relationship_for(world)
    with world.context():
        return _id(services.sponsor_add(actor=world.admin, relationship=relationship, membership=world.customer_x))


def _roster(world: Any) -> dict[str, str]:
    relationship = factories.relationship_for(world)
    contact = factories.contact_for(world, account=world.account_x, full_name="Roster person")
    with world.context():
        return _id(services.roster_add(actor=world.admin, relationship=relationship, contact=contact, role="Quality"))


def _contact(world: Any) -> dict[str, str]:
    return _id(factories.contact_for(world, account=world.account_x))


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "api-account-detail": (lambda world: _id(world.account_x), True),
    "api-contact-detail": (_contact, False),
    "api-contact-activities": (_contact, False),
    "api-relationship-detail": (lambda world: _id(factories.relationship_for(world)), True),
    "api-relationship-level": (lambda world: _id(factories.relationship_for(world)), True),
    "api-relationship-level-history": (lambda world: _id(factories.relationship_for(world)), True),
    "api-sponsor-detail": (_sponsor, True),
    "api-roster-detail": (_roster, True),
    "api-meeting-detail": (lambda world: _id(factories.meeting_for(world)), True),
    "api-meeting-ics": (lambda world: _id(factories.meeting_for(world)), True),
    "api-meeting-hard-questions": (lambda world: _id(factories.meeting_for(world)), True),
    "api-action-detail": (lambda world: _id(factories.action_for(world)), True),
    "api-topic-detail": (lambda world: _id(factories.topic_for(world)), True),
    "api-topic-score": (lambda world: _id(factories.topic_for(world)), True),
    "api-topic-status": (lambda world: _id(factories.topic_for(world)), True),
    "api-topic-steering": (lambda world: _id(factories.topic_for(world)), True),
}
