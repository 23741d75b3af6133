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
    # projects (issue #5); services additionally check *which* lead / coach / customer sponsor
    "projects.view": EVERYONE,
    "projects.board": EVERYONE,  # customers see a board of their own account's projects only
    "projects.export": EVERYONE,
    "projects.log": INTERNAL,
    "projects.edit": INTERNAL,
    "projects.score": EVERYONE,
    "projects.settings.manage": frozenset({Role.ADMIN}),
    "tollgates.submit": INTERNAL,  # service: the project's lead (or an admin on their behalf)
    "tollgates.decide": INTERNAL,  # service: the project's coach, never the lead
    "checklists.update": INTERNAL,
    "checklists.manage": frozenset({Role.ADMIN}),
    "waiting.manage": INTERNAL,
    "projects.cancel": INTERNAL,  # service: lead, coach or admin
    "credit.settle": INTERNAL,  # service: lead, coach or admin
    "coaches.view": INTERNAL,
    "coaches.assign": INTERNAL,  # service: admin, coach, or the project's lead
    "expertise.manage": INTERNAL,  # service: own, or admin
    "benefits.view": EVERYONE,
    "benefits.record": INTERNAL,
    "benefits.validate": frozenset({Role.CUSTOMER}),  # service: the project's customer sponsor
    "comments.view": EVERYONE,
    "comments.post": EVERYONE,  # customers cannot post internal-only comments
    "attachments.view": EVERYONE,
    "attachments.upload": EVERYONE,
    "attachments.delete": INTERNAL,  # service: uploader or admin
    "feedback.view": EVERYONE,
    "feedback.give": frozenset({Role.CUSTOMER}),
    "feedback.summary": INTERNAL,
    "belts.view": INTERNAL,
    "belts.manage": frozenset({Role.ADMIN, Role.COACH}),
    # The service decides who signs: a coach or a certified Black Belt of any internal role, never the candidate.
    "belts.certify": INTERNAL,
    "notifications.view": EVERYONE,
    "projects.program": frozenset({Role.ADMIN, Role.EXECUTIVE, Role.COACH}),  # program health page and API
    # knowledge (taxonomy now, the library in a later issue)
    "taxonomy.view": INTERNAL,
    "taxonomy.manage": frozenset({Role.ADMIN, Role.COACH}),
    # jobs (long work, core.jobs): customers see only jobs of their own account (visible_to)
    "jobs.view": EVERYONE,
    # statistical back office (issue #10); services additionally check the project's account
    "datasets.view": EVERYONE,
    "datasets.upload": EVERYONE,  # customers of the project's account: their data often comes from them
    "datasets.manage": INTERNAL,  # rename, mark internal; delete: the uploader or an admin
    "analyses.view": EVERYONE,
    "analyses.run": EVERYONE,
    "analyses.attach": INTERNAL,  # ticks the Analyze deliverable (checklists.update)
    "stats.settings.manage": frozenset({Role.ADMIN}),
    "jobs.cancel": INTERNAL,  # service: the job's creator or an admin
}


def can(membership: Membership | None, action: str) -> bool:
    """True if the member's role allows ``action``. Unknown actions are a programming error."""
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}; add it to core.permissions.ACTIONS")
    return membership is not None and membership.role in ACTIONS[action]
