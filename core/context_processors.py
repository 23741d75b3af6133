"""Template context for the shell: the active tenant, membership, role-based navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from core.permissions import can


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    nav: list[dict[str, Any]] = []
    if membership is not None and tenant is not None:
        slug = {"tenant_slug": tenant.slug}
        nav.append({"label": "Home", "url": reverse("home", kwargs=slug), "key": "home"})
        nav.append(
            {
                "label": "Relationships",
                "url": reverse("partnering:relationship-list", kwargs=slug),
                "key": "relationships",
            }
        )
        if can(membership, "projects.board"):
            nav.append({"label": "Projects", "url": reverse("projects:board", kwargs=slug), "key": "projects"})
        nav.append({"label": "My actions", "url": reverse("partnering:my-actions", kwargs=slug), "key": "actions"})
        nav.append({"label": "Accounts", "url": reverse("partnering:account-list", kwargs=slug), "key": "accounts"})
        if membership.is_internal and can(membership, "sponsor.view"):
            nav.append({"label": "Dashboard", "url": reverse("dashboards:sponsor", kwargs=slug), "key": "sponsor"})
        if can(membership, "contacts.view"):
            nav.append({"label": "Rolodex", "url": reverse("partnering:contact-list", kwargs=slug), "key": "contacts"})
        if can(membership, "admin.access"):
            nav.append(
                {
                    "label": "Program office",
                    "url": reverse("program-office", kwargs={"tenant_slug": tenant.slug}),
                    "key": "admin",
                }
            )
        nav.append({"label": "API", "url": reverse("api-docs"), "key": "api"})
    return {"tenant": tenant, "membership": membership, "nav_items": nav, "active_nav": active_nav_key(request)}


#: (URL namespace, name prefix) → nav key. A view may still set ``active_nav`` in its own context.
NAV_SECTIONS = (
    ("", "home", "home"),
    ("partnering", "account", "accounts"),
    ("partnering", "contact", "contacts"),
    ("partnering", "my-actions", "actions"),
    ("partnering", "action", "actions"),
    ("partnering", "", "relationships"),
    ("dashboards", "sponsor", "sponsor"),
    ("dashboards", "relationship-dashboard", "sponsor"),
    ("dashboards", "metric-templates", "admin"),
    ("dashboards", "", "relationships"),
    ("projects", "", "projects"),
    ("knowledge", "", "projects"),
)


def active_nav_key(request: HttpRequest) -> str:
    """Which navigation entry the current page belongs to (marked with aria-current)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    for namespace, prefix, key in NAV_SECTIONS:
        if match.namespace == namespace and (match.url_name or "").startswith(prefix):
            return key
    return ""
