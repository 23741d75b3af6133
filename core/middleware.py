"""Request-level tenancy: resolve ``/t/<slug>/`` pages and always clear the context afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse

from core import tenancy
from core.http import bind_tenant
from core.members import resolve_membership

ACTIVE_TENANT_SESSION_KEY = "active_tenant"


class TenantContextMiddleware:
    """Sets the tenant for HTML pages under ``/t/<tenant_slug>/`` and clears it after *every*
    request, also when the view raised, so a persistent connection never carries a tenant into
    the next request.

    API views (DRF) authenticate inside the view (tokens), so they activate the tenant themselves
    in ``core.api.base.TenantAPIMixin.initial``; the clearing here covers them too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        bind_tenant(request, None, None)
        try:
            return self._with_query_count(request)
        finally:
            tenancy.deactivate()

    def _with_query_count(self, request: HttpRequest) -> HttpResponse:
        if not settings.PARTNERING_QUERY_COUNT_HEADER:
            return self.get_response(request)
        count = [0]

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        # Counts every statement of the request, including setting the tenant; clearing it runs
        # after this point (in __call__'s finally) and is therefore not included.
        response["X-Query-Count"] = str(count[0])
        return response

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        slug = view_kwargs.get("tenant_slug")
        if slug is None or (getattr(view_func, "cls", None) is not None and _is_api_view(view_func)):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = resolve_membership(user=request.user, tenant_slug=slug)  # 404 for outsiders
        bind_tenant(request, membership.tenant, membership)
        return None


def _is_api_view(view_func: Any) -> bool:
    from rest_framework.views import APIView

    cls = getattr(view_func, "cls", None)
    return isinstance(cls, type) and issubclass(cls, APIView)


class HistoryContextMiddleware:
    """Attach who (user id) and where (URL, tenant) to every history event of a write request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_id = str(user.pk) if user is not None and user.is_authenticated else None
        with pghistory.context(user=user_id, url=request.path, method=request.method):
            return self.get_response(request)
