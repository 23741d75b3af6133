"""Isolation registry of the solution-area taxonomy: internal reference data (customers get 403,
so not account-bound); editing is for admins and coaches."""

from __future__ import annotations

from typing import Any

from projects.tests.factories import area_for


def _area(world: Any) -> dict[str, str]:
    return {"pk": str(area_for(world, "Isolation area").pk)}


def _id(world: Any) -> dict[str, str]:
    return {"id": str(area_for(world, "Isolation area").pk)}


OBJECT_ROUTES = {
    "area-edit": (_area, False),
    "api-solution-area-detail": (_id, False),
}

ROUTE_ROLES = {"area-create": "admin", "area-edit": "admin"}
