"""Isolation registry of the work area's routes: action items and future topics (merged by
tests/test_isolation.py).

``account_bound`` is True where the customer of the account may open the page (so the customer of
the other account must get 404); adding or editing an action is for our company's people only
(403 to every customer after the lookup, 404 to outsiders).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnering.tests.factories import action_for, relationship_for, topic_for


def _relationship(world: Any) -> dict[str, str]:
    return {"pk": str(relationship_for(world).pk)}


def _action(world: Any) -> dict[str, str]:
    return {"pk": str(action_for(world).pk)}


def _topic(world: Any) -> dict[str, str]:
    return {"pk": str(topic_for(world).pk)}


def _api_action(world: Any) -> dict[str, str]:
    return {"id": str(action_for(world).pk)}


def _api_topic(world: Any) -> dict[str, str]:
    return {"id": str(topic_for(world).pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "action-create": (_relationship, False),
    "action-edit": (_action, False),
    "action-status": (_action, True),
    "topic-list": (_relationship, True),
    "topic-create": (_relationship, True),
    "topic-detail": (_topic, True),
    "topic-score": (_topic, True),
    "topic-status": (_topic, True),
    "topic-steering-add": (_topic, True),
    "api-action-detail": (_api_action, True),
    "api-topic-detail": (_api_topic, True),
    "api-topic-score": (_api_topic, True),
    "api-topic-status": (_api_topic, True),
    "api-topic-steering": (_api_topic, True),
}
