"""Isolation registry of the core project pages and API (merged by tests/test_isolation.py).

A project belongs to customer account X of world A: account-bound for the pages and endpoints a
customer participant may open (its customer sees it, the customer of account Y gets 404). Edit and
team pages are internal (customers get 403 after the lookup), so they are not account-bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projects.tests.factories import project_for


def _project(world: Any) -> Any:
    from projects.models import Project

    with world.context():
        existing = Project.objects.filter(customer_account=world.account_x).first()
    return existing or project_for(world)


def _pk(world: Any) -> dict[str, str]:
    return {"pk": str(_project(world).pk)}


def _id(world: Any) -> dict[str, str]:
    return {"id": str(_project(world).pk)}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "detail": (_pk, True),
    "edit": (_pk, False),
    "team": (_pk, False),
    "api-project-detail": (_id, True),
    "api-project-team": (_id, True),
}
