"""Projects · discussion: services (writes) and selectors (reads) of this area. OWNER: see /tmp/brief.md.

``panel_context(project, membership)`` returns what the project page's ``panels/_discussion.html`` needs
(a fixed number of queries, whatever the project's size).
"""

from __future__ import annotations

from typing import Any

from core.models import Membership
from projects.models import Project


def panel_context(project: Project, membership: Membership) -> dict[str, Any]:
    return {}
