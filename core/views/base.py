"""The bases of every page under ``/t/<tenant_slug>/`` and the small helpers pages share.

* ``TenantScopedViewMixin`` — the role check (``required_action``) and a final ``get_queryset``
  scoped to the tenant and the member's customer account; subclasses refine it in
  ``safely_get_queryset``.
* ``PageMixin`` — one object through that scoped queryset (404 for outsiders), *then* the write
  permission (``manage_action``, 403), namespaced URLs and a safe ``next`` redirect.
* ``ServiceFormView`` / ``ObjectMixin`` — a form whose valid input goes to a service.
* ``paginate`` — the one page-number pagination of HTML lists (template ``core/_pagination.html``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cached_property
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.generic import FormView

from core.api.errors import json_not_found, json_server_error
from core.forms.base import apply_service_errors
from core.http import TenantRequest, safe_next_url, tenant_request
from core.models import Membership, Tenant
from core.permissions import can
from core.tenancy import TenantScopedModel

PAGE_SIZE = 25


class TenantScopedViewMixin:
    """Base of every page under ``/t/<tenant_slug>/``.

    The middleware has already proved membership (else 404) and activated the tenant. This mixin
    checks ``required_action`` against the role table and gives class-based views a final
    ``get_queryset`` scoped to the tenant and to the member's customer account; subclasses refine
    it in ``safely_get_queryset``. Overriding ``get_queryset`` raises ``TypeError``.
    """

    model: ClassVar[type[TenantScopedModel] | None] = None
    required_action: ClassVar[str] = "tenant.view"
    request: HttpRequest  # a ``TenantRequest`` once the middleware ran: read it through the properties below

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
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        return response

    @property
    def tenant_request(self) -> TenantRequest:
        """The request, typed: the middleware has set ``tenant`` and ``membership`` on it."""
        return tenant_request(self.request)

    @property
    def member(self) -> Membership:
        """The caller's membership in this tenant."""
        return self.tenant_request.membership

    @property
    def tenant(self) -> Tenant:
        return self.tenant_request.tenant

    @property
    def slug(self) -> str:
        return self.tenant_request.tenant.slug

    def get_queryset(self) -> QuerySet[Any]:
        assert self.model is not None, f"{type(self).__name__}.model is not set"
        queryset: QuerySet[Any] = self.model.objects.all().visible_to(self.member)
        return self.safely_get_queryset(queryset)

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def require(self, action: str) -> None:
        """403 unless the member's role allows ``action`` (after the object was found: no leak)."""
        if not can(self.member, action):
            raise PermissionDenied("Your role does not allow this.")


class PageMixin(TenantScopedViewMixin):
    """Object lookup through the scoped queryset, then the write permission (``manage_action``).

    ``url(name)`` reverses a tenant URL; a name without a namespace is the app's (``url_namespace``).
    """

    manage_action: ClassVar[str | None] = None
    url_namespace: ClassVar[str] = "partnering"
    kwargs: dict[str, Any]

    def get_object(self) -> Any:
        obj = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if self.manage_action:
            self.require(self.manage_action)
        return obj

    def url(self, name: str, **kwargs: Any) -> str:
        name = name if ":" in name else f"{self.url_namespace}:{name}"
        return reverse(name, kwargs={"tenant_slug": self.slug, **kwargs})

    def next_url(self, default: str) -> str:
        return safe_next_url(self.request, default)


class ServiceFormView(TenantScopedViewMixin, FormView):
    """A form page whose valid input is handed to a service.

    ``perform(form)`` calls the service and returns the saved object; a ``ValidationError`` is
    shown on the form (nothing is saved: the service is atomic). On success the member is
    redirected with ``success_message``.
    """

    success_message = "Saved."

    @property
    def membership(self) -> Membership:
        return self.member

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["membership"] = self.membership
        return kwargs

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def redirect_to(self, obj: Any) -> str:
        raise NotImplementedError

    def get_success_message(self, obj: Any) -> str:
        return self.success_message.format(obj=obj)

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            obj = self.perform(form)
        except ValidationError as error:
            apply_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message(obj))
        return HttpResponseRedirect(self.redirect_to(obj))


class ObjectMixin:
    """The object named by ``<uuid:pk>``, looked up in the member's scoped queryset (404 otherwise)."""

    kwargs: dict[str, Any]
    get_queryset: Callable[[], QuerySet[Any]]  # from TenantScopedViewMixin

    @cached_property
    def object(self) -> Any:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def working_copy(self) -> Any:
        """A copy for the service to change, so a refused edit leaves the page's object untouched."""
        return copy.copy(self.object)


def paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Page:
    """Page ``?page=`` of the queryset; a malformed or too large page number shows the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def sortable_columns(columns: list[tuple[str | None, str]], ordering: str) -> list[dict[str, Any]]:
    """Table headers for ``core/_sortable_header.html``: ``(key, label)`` pairs (key None: not
    sortable) and the current ordering (``"name"`` or ``"-name"``). The sorted column carries its
    direction (for ``aria-sort`` and the arrow); its link flips it."""
    headers = []
    for key, label in columns:
        header: dict[str, Any] = {"key": key, "label": label, "direction": None, "next": key}
        if key is not None and ordering.lstrip("-") == key:
            descending = ordering.startswith("-")
            header["direction"] = "descending" if descending else "ascending"
            header["next"] = key if descending else f"-{key}"
        headers.append(header)
    return headers


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:  # noqa: ARG001 (handler404)
    if request.path.startswith("/api/"):
        return json_not_found()
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return json_server_error()
    return render(request, "500.html", status=500)
