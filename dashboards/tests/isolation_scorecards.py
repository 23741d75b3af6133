"""Isolation registry of the scorecard pages (merged by tests/test_isolation.py).

Each fill gives a relationship of customer account X in world A with a scorecard; every page is
account-bound: A's customer of account Y gets 404, A's customer of X may open it. The agree route
answers a GET with a redirect to the definitions page; the templates page is for admins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import quarters
from dashboards import scorecards
from dashboards.models import Scorecard
from partnering.tests.factories import relationship_for


def scorecard_relationship(world: Any) -> Any:
    """world's relationship of account X, with a scorecard (created once)."""
    relationship = relationship_for(world)
    with world.context():
        if not Scorecard.objects.filter(relationship=relationship).exists():
            scorecards.scorecard_create(actor=world.admin, relationship=relationship)
    return relationship


def _rel(world: Any) -> dict[str, str]:
    return {"pk": str(scorecard_relationship(world).pk)}


def _rel_quarter(world: Any) -> dict[str, str]:
    return {"pk": str(scorecard_relationship(world).pk), "quarter": quarters.current()}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "scorecard": (_rel, True),
    "scorecard-definitions": (_rel, True),
    "scorecard-agree": (_rel, True),
    "scorecard-results": (_rel_quarter, True),
    "scorecard-import": (_rel, True),
    "scorecard-export": (_rel, True),
}

ROUTE_ROLES: dict[str, str] = {"metric-templates": "admin"}
