"""Isolation registry for the printable review pack: bound to the relationship's customer account
(its customer may open it; the other account's customer and every outsider get 404)."""

from __future__ import annotations

from typing import Any

from core import quarters
from partnering.tests.factories import relationship_for


def _pack(world: Any) -> dict[str, str]:
    return {"pk": str(relationship_for(world).pk), "quarter": quarters.shift(quarters.current(), -1)}


OBJECT_ROUTES = {
    "review-pack": (_pack, True),
}
