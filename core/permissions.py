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
    # partnering (issue #3)
    "contacts.view": INTERNAL,
    "contacts.manage": INTERNAL,
    "contacts.log_activity": INTERNAL,
    "relationships.view": EVERYONE,
    "relationships.manage": frozenset({Role.ADMIN, Role.CHAMPION, Role.REP, Role.EXECUTIVE}),
    "meetings.view": EVERYONE,
    "meetings.manage": frozenset({Role.ADMIN, Role.CHAMPION, Role.REP, Role.EXECUTIVE, Role.COACH}),
    "actions.view": EVERYONE,
    "actions.manage": INTERNAL,
    "actions.update_own": EVERYONE,
    "topics.view": EVERYONE,
    "topics.propose": EVERYONE,
    "topics.score": EVERYONE,
    "topics.manage": frozenset({Role.ADMIN, Role.CHAMPION, Role.REP, Role.EXECUTIVE}),
    # dashboards (issue #4); services additionally check *which* champion / sponsor / side
    "templates.manage": frozenset({Role.ADMIN}),
    "scorecards.view": EVERYONE,
    "scorecards.define": frozenset({Role.ADMIN, Role.CHAMPION}),
    "scorecards.agree": frozenset({Role.ADMIN, Role.CHAMPION, Role.CUSTOMER}),
    "results.record": frozenset({Role.ADMIN, Role.CHAMPION, Role.REP, Role.CUSTOMER}),
    "results.import": frozenset({Role.ADMIN, Role.CHAMPION, Role.REP, Role.CUSTOMER}),
    "ratings.view": EVERYONE,
    "ratings.submit": frozenset({Role.ADMIN, Role.CHAMPION, Role.CUSTOMER}),
    "sponsor.view": frozenset({Role.ADMIN, Role.EXECUTIVE, Role.CUSTOMER}),
    "ratings.dimensions.manage": frozenset({Role.ADMIN}),
}


def can(membership: Membership | None, action: str) -> bool:
    """True if the member's role allows ``action``. Unknown actions are a programming error."""
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}; add it to core.permissions.ACTIONS")
    return membership is not None and membership.role in ACTIONS[action]
