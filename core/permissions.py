"""Who may do what: one table of role → allowed actions (Sentry-style), used by pages and API.

Add an action here when a new capability arrives; views name the action they need, never roles.
Customer participants are additionally limited to their own account by the queryset scope
(``TenantScopedQuerySet.visible_to``), so an action allowed to them still reaches only their rows.
"""

from __future__ import annotations

from core.models import Membership, Role

INTERNAL = frozenset({Role.ADMIN, Role.EXECUTIVE, Role.COACH, Role.CHAMPION, Role.REP})
EVERYONE = INTERNAL | {Role.CUSTOMER}

ACTIONS: dict[str, frozenset[str]] = {
    "tenant.view": EVERYONE,
    "members.view": INTERNAL,
    "members.manage": frozenset({Role.ADMIN}),
    "admin.access": frozenset({Role.ADMIN}),
    "accounts.view": EVERYONE,
    "accounts.manage": frozenset({Role.ADMIN, Role.REP, Role.CHAMPION}),
}


def can(membership: Membership | None, action: str) -> bool:
    """True if the member's role allows ``action``. Unknown actions are a programming error."""
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}; add it to core.permissions.ACTIONS")
    return membership is not None and membership.role in ACTIONS[action]
