"""Isolation registry for the relationship page, meetings, actions and topics (pages).

``account_bound`` is True where the customer of the account may open the page (so the customer of
the other account must get 404); pages only our company's people may open (planning a meeting,
adding or editing an action) answer 403 to every customer after the lookup, and 404 to outsiders.
"""

from __future__ import annotations

from typing import Any

from partnering.tests.factories import action_for, meeting_for, relationship_for, topic_for


def _rel(world: Any) -> dict[str, str]:
    return {"pk": str(relationship_for(world).pk)}


def _meeting(world: Any) -> dict[str, str]:
    return {"pk": str(meeting_for(world).pk)}


def _action(world: Any) -> dict[str, str]:
    return {"pk": str(action_for(world).pk)}


def _topic(world: Any) -> dict[str, str]:
    return {"pk": str(topic_for(world).pk)}


OBJECT_ROUTES = {
    "relationship-detail": (_rel, True),
    "meeting-create": (_rel, False),
    "relationship-calendar": (_rel, True),
    "meeting-detail": (_meeting, True),
    "meeting-edit": (_meeting, False),
    "meeting-ics": (_meeting, True),
    "action-create": (_rel, False),
    "action-edit": (_action, False),
    "action-status": (_action, True),
    "topic-list": (_rel, True),
    "topic-create": (_rel, True),
    "topic-detail": (_topic, True),
    "topic-score": (_topic, True),
    "topic-status": (_topic, True),
    "topic-steering-add": (_topic, True),
}
