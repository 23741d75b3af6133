"""URLconf for core/tests/test_api_permissions.py: the real URL map plus a probe viewset with one
mapped and several unmapped actions, mounted where tenant API routes live."""

from __future__ import annotations

from typing import Any, ClassVar

from django.urls import include, path
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from config.urls import urlpatterns as real_urlpatterns
from core.api.base import TenantAPIView, TenantScopedViewSet
from partnering.models import CustomerAccount


class ProbeViewSet(TenantScopedViewSet):
    """``list`` is mapped; ``retrieve``, ``unmapped_read`` and ``unmapped_write`` are not."""

    model = CustomerAccount
    action_permissions: ClassVar[dict[str, str]] = {"list": "tenant.view"}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})

    @action(detail=False, methods=["get"], url_path="unmapped-read")
    def unmapped_read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})

    @action(detail=False, methods=["post"], url_path="unmapped-write")
    def unmapped_write(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response({"ok": True})


class ProbeView(TenantAPIView):
    """A plain API view with a GET handler and no ``action_permissions`` at all."""

    def get(self, request: Request, tenant_slug: str) -> Response:
        return Response({"ok": True})


router = SimpleRouter()
router.register("permission-probe", ProbeViewSet, basename="api-permission-probe")

urlpatterns = [
    path("api/v1/t/<slug:tenant_slug>/", include([*router.urls, path("plain-probe/", ProbeView.as_view())])),
    *real_urlpatterns,
]
