"""Partnering's parts of the tenant home (registered in ``PartneringConfig.ready``).

* "Your next actions": the member's open action items, soonest first, overdue flagged, then the
  set-up steps other apps register in ``core.registry.NEXT_ACTIONS``.
* "At a glance": the customer accounts and people the member may see.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from core.members import member_count, program_office_url
from core.models import Membership
from core.permissions import can
from core.registry import NEXT_ACTIONS
from partnering.models import CustomerAccount
from partnering.selectors import my_actions

#: Open actions shown on the home page; the rest are one click away ("All my actions").
HOME_ACTIONS = 5


def account_count(membership: Membership) -> int:
    """Customer accounts the member may see; counted once per request (cached on the membership)."""
    cached: int | None = getattr(membership, "_account_count", None)
    if cached is None:
        cached = CustomerAccount.objects.all().visible_to(membership).count()
        membership._account_count = cached  # type: ignore[attr-defined]
    return cached


def next_actions_open_items(membership: Membership) -> list[dict[str, str]]:
    """The member's open action items (internal members open the edit form, customers the relationship)."""
    rows: list[dict[str, str]] = []
    today = timezone.localdate()
    slug = membership.tenant.slug
    for action in my_actions(membership=membership)[:HOME_ACTIONS]:
        overdue = action.due_on < today
        if membership.is_internal:
            url = reverse("partnering:action-edit", kwargs={"tenant_slug": slug, "pk": action.pk})
        else:
            url = reverse("partnering:relationship-detail", kwargs={"tenant_slug": slug, "pk": action.relationship_id})
        rows.append(
            {
                "title": action.title,
                "detail": f"{'Overdue since' if overdue else 'Due'} {action.due_on:%d %b %Y} · {action.relationship}",
                "url": url,
                "overdue": "yes" if overdue else "",
            }
        )
    return rows


def next_action_first_account(membership: Membership) -> list[dict[str, str]]:
    """A set-up step for the program office of a workspace without customer accounts."""
    if not can(membership, "admin.access") or account_count(membership) != 0:
        return []
    return [
        {
            "title": "Add your first customer account",
            "detail": "Projects, relationships and scorecards all hang off a customer account.",
            "url": program_office_url(membership, "admin:partnering_customeraccount_add"),
        }
    ]


def next_actions_context(membership: Membership) -> dict[str, Any]:
    """The "Your next actions" card: every registered provider, in order."""
    return {"next_actions": [row for provider in NEXT_ACTIONS for row in provider(membership)]}


def at_a_glance_context(membership: Membership) -> dict[str, Any]:
    return {"account_count": account_count(membership), "member_count": member_count(membership)}
