"""Pages of the members area: sign-in, the workspace picker and the program-office entry."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import View

from core import members
from core.api.errors import error_body
from core.forms.members import EmailAuthenticationForm
from core.middleware import ACTIVE_TENANT_SESSION_KEY
from core.views.base import TenantScopedViewMixin


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
def workspace_picker(request: HttpRequest) -> HttpResponse:
    """``/``: straight into your only workspace, or a choice when you belong to several."""
    memberships = members.memberships_for_user(user=request.user)
    if len(memberships) == 1:
        return redirect("home", tenant_slug=memberships[0].tenant.slug)
    return render(request, "core/members/workspace_picker.html", {"memberships": memberships})


class ProgramOfficeView(TenantScopedViewMixin, View):
    """Open the Django admin on this workspace (the admin works on one tenant at a time)."""

    required_action = "admin.access"

    def get(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        request.session[ACTIVE_TENANT_SESSION_KEY] = tenant_slug
        target = request.GET.get("next", "")
        if target.startswith("/admin/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return redirect(target)
        return redirect("admin:index")


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:  # noqa: ARG001 (django-axes calls it so)
    """django-axes lockout: JSON error for the API, a page for people. Status 429."""
    message = "Too many failed sign-in attempts. Wait an hour, or reset your password."
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(429, "locked_out", message), status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


#: Tenant pages of this area (``/t/<tenant_slug>/…``); sign-in and the picker are mounted in config/urls.py.
urlpatterns = [path("program-office/", ProgramOfficeView.as_view(), name="program-office")]
