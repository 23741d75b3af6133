"""Isolation registry of the accounts area's routes (merged by tests/test_isolation.py).

Every route with an id is opened by outsiders (404) and by the owner side. ``True`` means
account-bound: A's customer of account Y must get 404 and A's customer of X must see it. The
Rolodex is internal (customers get 403 by role on every contact page and endpoint), so only other
tenants are checked there; so is the account edit page (``accounts.manage``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnering.tests.factories import contact_for


def _account(world: Any) -> dict[str, str]:
    return {"pk": str(world.account_x.pk)}


def _contact(world: Any) -> dict[str, str]:
    return {"pk": str(contact_for(world, account=world.account_x, full_name="Isolated Contact").pk)}


def _api_id(fill: Callable[[Any], dict[str, str]]) -> Callable[[Any], dict[str, str]]:
    """The same row under the API's ``{id}`` parameter."""
    return lambda world: {"id": fill(world)["pk"]}


OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {
    "account-detail": (_account, True),
    "account-edit": (_account, False),
    "contact-detail": (_contact, False),
    "contact-edit": (_contact, False),
    "contact-activity-add": (_contact, False),  # GET redirects to the contact page
    "api-account-detail": (_api_id(_account), True),
    "api-contact-detail": (_api_id(_contact), False),
    "api-contact-activities": (_api_id(_contact), False),
}
