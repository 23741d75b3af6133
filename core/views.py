"""Pages of the shell: sign-in, workspace picker, tenant home, and the tenant view base class."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth import authenticate
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView, View

from core import selectors
from core.api.errors import error_body
from core.middleware import ACTIVE_TENANT_SESSION_KEY
from core.models import Membership
from core.permissions import can
from core.tenancy import TenantScopedModel


class TenantScopedViewMixin:
    """Base of every page under ``/t/<tenant_slug>/``.

    The middleware has already proved membership (else 404) and activated the tenant. This mixin
    checks ``required_action`` against the role table and gives class-based views a final
    ``get_queryset`` scoped to the tenant and to the member's customer account; subclasses refine
    it in ``safely_get_queryset``. Overriding ``get_queryset`` raises ``TypeError``.
    """

    model: ClassVar[type[TenantScopedModel] | None] = None
    required_action: ClassVar[str] = "tenant.view"
    request: HttpRequest

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} must implement safely_get_queryset(), not get_queryset().")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership: Membership | None = getattr(request, "membership", None)
        if membership is None:  # mounted outside /t/<slug>/: a wiring bug, refuse loudly
            raise PermissionDenied("Tenant pages must live under /t/<tenant_slug>/.")
        if not can(membership, self.required_action):
            raise PermissionDenied("Your role does not allow this.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_queryset(self) -> QuerySet[Any]:
        assert self.model is not None, f"{type(self).__name__}.model is not set"
        queryset = self.model.objects.all().visible_to(self.request.membership)  # type: ignore[attr-defined]
        return self.safely_get_queryset(queryset)

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for e-mail addresses."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail"
        self.fields["username"].widget.attrs.update({"type": "email", "autocomplete": "email", "autofocus": True})

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    def clean(self) -> dict[str, Any]:
        # Pass the e-mail as ``email`` (the user model's USERNAME_FIELD), not ``username``: that is
        # the key django-axes reads, so failures are counted per e-mail and a lockout is enforced.
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is not None and password:
            self.user_cache = authenticate(self.request, email=email, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
def workspace_picker(request: HttpRequest) -> HttpResponse:
    """``/``: straight into your only workspace, or a choice when you belong to several."""
    memberships = selectors.memberships_for_user(user=request.user)  # type: ignore[arg-type]  # login_required
    if len(memberships) == 1:
        return redirect("home", tenant_slug=memberships[0].tenant.slug)
    return render(request, "core/workspace_picker.html", {"memberships": memberships})


class ProgramOfficeView(TenantScopedViewMixin, View):
    """Open the Django admin on this workspace (the admin works on one tenant at a time)."""

    required_action = "admin.access"

    def get(self, request: HttpRequest, tenant_slug: str) -> HttpResponse:
        request.session[ACTIVE_TENANT_SESSION_KEY] = tenant_slug
        target = request.GET.get("next", "")
        if target.startswith("/admin/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            return redirect(target)
        return redirect("admin:index")


class HomeView(TenantScopedViewMixin, TemplateView):
    """The tenant home: what needs you next, and where to start when nothing exists yet."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.request.membership  # type: ignore[attr-defined]
        context.update(selectors.home_summary(membership=membership))
        from projects.selectors import my_open_projects, unread_notifications

        context["for_you"] = unread_notifications(membership, limit=5)  # one query
        context["my_projects"] = my_open_projects(membership)  # two queries
        return context


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes lockout: JSON error for the API, a page for people. Status 429."""
    message = "Too many failed sign-in attempts. Wait an hour, or reset your password."
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse(error_body(429, "locked_out", message), status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        from core.api.errors import json_not_found

        return json_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from core.api.errors import json_server_error

        return json_server_error(request)
    return render(request, "500.html", status=500)
