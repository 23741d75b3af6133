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
        nav.append({"label": "Home", "url": reverse("home", kwargs={"tenant_slug": tenant.slug}), "key": "home"})
        if can(membership, "admin.access"):
            nav.append(
                {
                    "label": "Program office",
                    "url": reverse("program-office", kwargs={"tenant_slug": tenant.slug}),
                    "key": "admin",
                }
            )
        nav.append({"label": "API", "url": reverse("api-docs"), "key": "api"})
    return {"tenant": tenant, "membership": membership, "nav_items": nav}
