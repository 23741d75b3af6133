"""The program office's Django admin, scoped to one tenant at a time.

The admin works inside the *active workspace*: the tenant whose pages the user opened last (kept
in the session), or their first admin membership. Tenant-owned models are shown through
``TenantScopedAdmin``, so the program office of one tenant never sees another tenant's rows, and
Row-Level Security applies underneath. Global models (users, tenants, tokens, task results) are for
platform superusers only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from core.http import bind_tenant
from core.members import memberships_for_user, resolve_membership
from core.middleware import ACTIVE_TENANT_SESSION_KEY as SESSION_KEY
from core.models import Role


class ProgramOfficeAdminSite(admin.AdminSite):
    site_header = "Partnering program office"
    site_title = "Partnering admin"
    index_title = "Program office"

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def with_tenant(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            self._activate_workspace(request)
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        return with_tenant

    def _activate_workspace(self, request: HttpRequest) -> None:
        bind_tenant(request, None, None)
        if not request.user.is_authenticated:
            return
        slug = request.session.get(SESSION_KEY)
        if slug is None:
            admin_memberships = [m for m in memberships_for_user(user=request.user) if m.role == Role.ADMIN]
            if not admin_memberships:
                return
            slug = admin_memberships[0].tenant.slug
        try:
            membership = resolve_membership(user=request.user, tenant_slug=slug)
        except Http404:
            request.session.pop(SESSION_KEY, None)
            return
        bind_tenant(request, membership.tenant, membership)

    def has_permission(self, request: HttpRequest) -> bool:
        membership = getattr(request, "membership", None)
        if not request.user.is_active or membership is None:
            return False
        return membership.role == Role.ADMIN or request.user.is_superuser

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            return TemplateResponse(request, "admin/no_access.html", {"site_header": self.site_header}, status=403)
        return redirect(f"/accounts/login/?next={request.GET.get('next', '/admin/')}")

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["active_tenant"] = getattr(request, "tenant", None)
        return context
