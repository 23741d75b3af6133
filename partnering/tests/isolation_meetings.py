"""Isolation registry of the meetings area's routes (merged by tests/test_isolation.py).

``account_bound`` is True where the customer of the account may open the page (so the customer of
the other account must get 404); planning and editing a meeting are for our company's people
only (403 to every customer after the lookup, 404 to outsiders).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnering.tests.factories import meeting_for, relationship_for


def _relationship(world: Any) -> dict[str, str]:
    return {"pk": str(relationship_for(world).pk)}


def _meeting(world: Any) -> dict[str, str]:
    return {"pk": str(meeting_for(world).pk)}


def _api_meeting(world: Any) -> dict[str, str]:
    return {"id": str(meeting_for(world).pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "meeting-create": (_relationship, False),
    "relationship-calendar": (_relationship, True),
    "meeting-detail": (_meeting, True),
    "meeting-edit": (_meeting, False),
    "meeting-ics": (_meeting, True),
    "api-meeting-detail": (_api_meeting, True),
    "api-meeting-ics": (_api_meeting, True),
    "api-meeting-hard-questions": (_api_meeting, True),
}
