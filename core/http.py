"""HTTP plumbing every app shares: the typed tenant request, safe redirects, file downloads.

``TenantRequest`` names what ``TenantContextMiddleware`` (pages) and ``TenantAPIMixin`` (API) put
on every request under ``/t/<tenant_slug>/``: the tenant and the caller's membership. Views
annotate ``request: TenantRequest`` instead of silencing the type checker at every use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    from core.models import Membership, Tenant


class TenantRequest(HttpRequest):
    """A request inside a tenant: the middleware or the API base has proved membership."""

    tenant: Tenant
    membership: Membership


def bind_tenant(request: object, tenant: Tenant | None, membership: Membership | None) -> None:
    """Put the tenant and the caller's membership on a request: the one place that writes what
    ``TenantRequest`` declares (the middleware, the API base and the admin site call it)."""
    vars(request).update(tenant=tenant, membership=membership)


def tenant_request(request: object) -> TenantRequest:
    """A request the middleware or the API base has bound, typed (DRF's ``Request`` proxies to it)."""
    return cast(TenantRequest, request)


def safe_next_url(request: HttpRequest, default: str) -> str:
    """``next`` from the POST or query string when it is a path on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def attachment_response(file: FieldFile, *, filename: str, content_type: str = "") -> FileResponse:
    """A stored file as a download that a browser never renders inline (pages and API alike).

    ``Content-Disposition: attachment`` plus ``nosniff`` keeps an uploaded HTML or SVG file from
    running in our origin; ``no-store`` keeps customer files out of shared caches. A file missing
    from storage is a 404, not a 500.
    """
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def absolute_url(path: str) -> str:
    """Links in e-mails sent by tasks (no request to build them from): ``SITE_URL`` + path."""
    return str(settings.SITE_URL).rstrip("/") + path
