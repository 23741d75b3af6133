"""Valid bodies of the partnering routes for the bad-input sweep (merged by tests/test_bad_input_sweep.py).

``VALID_BODIES``: route → world → a valid body (API JSON or page form), for write routes whose own GET
does not show one: create routes whose detail row would be a duplicate, actions whose GET answers a
list, and create pages whose empty form is not valid. The sweep swaps one field at a time inside it
so bad values reach the services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnering.tests.factories import contact_for, relationship_for


def _relationship(world: Any) -> str:
    return str(relationship_for(world).pk)


def _contact(world: Any) -> str:
    return str(contact_for(world, account=world.account_x, full_name="Sweep contact").pk)


def _new_relationship(world: Any) -> dict[str, Any]:
    return {
        "account": str(world.account_y.pk),
        "business_unit": "Sweep unit",
        "level": "preferred",
        "supplier_champion": str(world.member("champion").pk),
        "customer_champion": str(world.customer_y.pk),
        "review_cadence_months": 3,
        "plan_summary": "Grow together",
    }


def _action(world: Any) -> dict[str, Any]:
    return {"title": "Sweep action", "owner": str(world.rep.pk), "due_on": "2026-09-30", "status": "open"}


def _activity(_world: Any) -> dict[str, Any]:
    return {"occurred_on": "2026-05-04", "channel": "call", "summary": "Talked about the audit"}


SCORE = {"value_to_supplier": 4, "value_to_customer": 3, "feasibility": 5}

VALID_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {
    # API
    "api-account-list": lambda world: {
        "name": "Sweep account",
        "industry": "Water",
        "region": "EMEA",
        "owner": str(world.rep.pk),
        "description": "New",
    },
    "api-contact-list": lambda world: {
        "account": str(world.account_x.pk),
        "full_name": "Sweep person",
        "title": "Buyer",
        "email": "sweep@example.com",
    },
    "api-contact-activities": _activity,
    "api-relationship-list": _new_relationship,
    "api-relationship-level": lambda _world: {"level": "strategic", "note": "Signed", "changed_on": "2026-05-04"},
    "api-sponsor-list": lambda world: {
        "relationship": _relationship(world),
        "membership": str(world.member("executive").pk),
    },
    "api-roster-list": lambda world: {
        "relationship": _relationship(world),
        "contact": _contact(world),
        "role": "Quality lead",
        "is_point_person": False,
    },
    "api-meeting-hard-questions": lambda _world: {"question": "Why was the audit late?", "answer": ""},
    "api-topic-score": lambda _world: dict(SCORE),
    "api-topic-status": lambda _world: {"status": "active", "priority": 1},
    "api-topic-steering": lambda world: {"contact": _contact(world)},
    # pages
    "account-create": lambda world: {"name": "Sweep page account", "owner": str(world.rep.pk)},
    "contact-create": lambda world: {"account": str(world.account_x.pk), "full_name": "Sweep page person"},
    "contact-activity-add": _activity,
    "relationship-create": _new_relationship,
    "relationship-sponsor-add": lambda world: {"membership": str(world.member("executive").pk)},
    "relationship-roster-add": lambda world: {"contact": _contact(world), "role": "Quality lead"},
    "meeting-create": lambda _world: {
        "kind": "quarterly_review",
        "starts_at": "2026-09-01T10:00",
        "duration_minutes": 90,
        "location": "Plant 2",
    },
    "action-create": _action,
    "action-status": lambda _world: {"status": "in_progress"},
    "topic-create": lambda _world: {"title": "Sweep topic", "category": "other"},
    "topic-score": lambda _world: dict(SCORE),
    "topic-status": lambda _world: {"status": "active", "priority": 1},
    "topic-steering-add": lambda world: {"contact": _contact(world)},
}
