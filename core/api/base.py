"""Base classes for tenant API views. Every tenant endpoint derives from one of these.

* ``TenantAPIView`` — a plain endpoint inside a tenant (``/api/v1/t/<tenant_slug>/…``).
* ``TenantScopedViewSet`` — CRUD over a ``TenantScopedModel``.

The tenant comes from the URL and is activated only after the caller is authenticated (session
or token) and proven a member; a non-member gets 404. ``get_queryset`` is final: subclasses
implement ``safely_get_queryset(queryset)``, which receives a queryset already limited to the
tenant and to what the member may see (customer participants: their own account only). Defining
``get_queryset`` in a subclass raises ``TypeError`` at import time.
"""

from __future__ import annotations

import uuid
from types import ModuleType
from typing import Any, ClassVar, cast

import pghistory
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from core.http import bind_tenant, tenant_request
from core.members import resolve_membership
from core.models import Membership, Tenant
from core.permissions import can
from core.tenancy import TenantScopedModel


def required_action(view: Any, method: str) -> str | None:
    """The role-table action a request needs: ``action_permissions`` by viewset action, else by
    HTTP method (HEAD as GET). OPTIONS (the endpoint's own description) needs membership only.
    None when the view names none: the request is refused (fail closed)."""
    if method == "OPTIONS":
        return "tenant.view"
    mapping: dict[str, str] = getattr(view, "action_permissions", {})
    return mapping.get(getattr(view, "action", None) or "") or mapping.get("GET" if method == "HEAD" else method)


class HasTenantAction(permissions.BasePermission):
    """Checks ``view.action_permissions`` (viewset action or HTTP method → action name).

    **Fail closed**: an action or method that no one mapped is refused for every role, reads
    included, so a new ``@action`` cannot ship open by accident. Two cases pass through so that
    DRF answers 405 rather than 403: a method the view does not offer at all, and a read of a route
    that has no read handler (GET on a POST-only action).
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        method = (request.method or "").lower()
        if method not in getattr(view, "http_method_names", ()):
            return True  # a method the view does not offer at all: let DRF answer 405, not 403
        if request.method in permissions.SAFE_METHODS and not hasattr(view, method):
            return True  # e.g. GET on a POST-only action: 405
        action = required_action(view, request.method or "")
        if action is None:
            return False
        return can(getattr(request, "membership", None), action)


#: Every tenant-owned row has a UUID primary key; detail routes accept nothing else (a bad id is a 404).
UUID_REGEX = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


class TenantAPIMixin:
    """Authenticates, then activates the tenant from the URL for the member (else 404)."""

    permission_classes: Any = [permissions.IsAuthenticated, HasTenantAction]
    action_permissions: ClassVar[dict[str, str]] = {}

    @property
    def membership(self) -> Membership:
        """The caller's membership in the URL's tenant (set by ``initial``)."""
        return tenant_request(cast(APIView, self).request).membership  # always mixed into an APIView

    @property
    def tenant(self) -> Tenant:
        return self.membership.tenant

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.perform_authentication(request)  # type: ignore[attr-defined]
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        membership = resolve_membership(user=request.user, tenant_slug=kwargs["tenant_slug"])
        for target in (request, request._request):
            bind_tenant(target, membership.tenant, membership)
        pghistory.context(user=str(request.user.pk), tenant=str(membership.tenant_id))
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class TenantAPIView(TenantAPIMixin, APIView):
    pass


class TenantScopedViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    """CRUD base for tenant-owned models. Set ``model``; optionally ``safely_get_queryset``."""

    lookup_value_regex = UUID_REGEX

    model: ClassVar[type[TenantScopedModel]]
    lookup_field = "pk"
    lookup_url_kwarg = "id"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__} must not override get_queryset(); implement "
                "safely_get_queryset(queryset) so tenant and customer scoping always apply."
            )

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no tenant
            return self.model.dangerously_unscoped.none()  # schema only: never evaluated for data
        queryset = self.model.objects.all().visible_to(self.membership)
        return self.safely_get_queryset(queryset)

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

    def get_object(self) -> Model:
        try:
            uuid.UUID(str(self.kwargs.get(self.lookup_url_kwarg, "")))
        except ValueError:
            raise Http404("Not found.") from None
        obj: Model = super().get_object()
        return obj


def api_urlpatterns(*area_modules: ModuleType) -> list[URLPattern | URLResolver]:
    """An app's tenant API routes: every area module's ``register(router)`` on one router, then
    its plain ``urlpatterns`` (API views that are not viewsets). ``<app>/api/urls.py`` is one call."""
    router = SimpleRouter()
    extra: list[URLPattern | URLResolver] = []
    for module in area_modules:
        register = getattr(module, "register", None)
        if register is not None:
            register(router)
        extra += getattr(module, "urlpatterns", [])
    return [*router.urls, *extra]
