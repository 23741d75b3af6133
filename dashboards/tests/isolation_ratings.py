"""Isolation registry of the champion ratings pages and API (merged by tests/test_isolation.py).

Every route hangs off a relationship of customer account X in world A, so all are account-bound: A's
customer of account Y gets 404, A's customer of X (the relationship's customer champion) sees it.
The "mine" routes are opened by the supplier champion (a rep does not rate, and gets 403).
"""

from __future__ import annotations

from typing import Any

from core import quarters
from dashboards.ratings import ensure_rating_dimensions
from partnering.tests.factories import relationship_for


def _rel_quarter(world: Any) -> dict[str, str]:
    return {"pk": str(relationship_for(world).pk), "quarter": quarters.current()}


def _dimension(world: Any) -> dict[str, str]:
    with world.context():
        return {"id": str(ensure_rating_dimensions()[0].pk)}


OBJECT_ROUTES = {
    "ratings": (lambda world: {"pk": str(relationship_for(world).pk)}, True),
    "rating-compare": (_rel_quarter, True),
    "rating-edit": (_rel_quarter, True),
    "api-rating-mine": (_rel_quarter, True),
    "api-rating-submission": (_rel_quarter, True),
    "api-rating-compare": (_rel_quarter, True),
    "api-rating-dimension-detail": (_dimension, False),
}

ROUTE_ROLES = {
    "rating-edit": "champion",
    "api-rating-mine": "champion",
    "api-rating-submission": "champion",
}
