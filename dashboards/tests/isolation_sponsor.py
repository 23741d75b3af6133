"""Isolation registry of the sponsor dashboard pages (merged by tests/test_isolation.py).

The overview is for admins and executives (reps get 403), so its owner side is the executive. The
drill-down is account-bound: the fill makes A's customer of account X a sponsor of the relationship,
so they may open it while A's customer of account Y gets 404.
"""

from __future__ import annotations

from typing import Any

from partnering import relationships as services
from partnering.models import Sponsor
from partnering.tests.factories import relationship_for


def _sponsored(world: Any) -> dict[str, str]:
    relationship = relationship_for(world)
    with world.context():
        if not Sponsor.objects.filter(relationship=relationship, membership=world.customer_x).exists():
            services.sponsor_add(actor=world.admin, relationship=relationship, membership=world.customer_x)
    return {"pk": str(relationship.pk)}


OBJECT_ROUTES = {"relationship-dashboard": (_sponsored, True)}
ROUTE_ROLES = {"sponsor": "executive"}
