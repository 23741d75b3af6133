"""The API's permission map fails closed: an action that no one named in ``action_permissions`` is
refused for every role, and every action of every real tenant endpoint is named."""

from __future__ import annotations

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from core.api.base import TenantAPIMixin, required_action
from core.models import Role

ALL_ROLES = [Role.ADMIN, Role.EXECUTIVE, Role.COACH, Role.CHAMPION, Role.REP, "customer_x"]


def member(world, role):
    return world.customer_x if role == "customer_x" else world.member(role)


@pytest.mark.urls("core.tests.permission_urls")
@pytest.mark.parametrize("role", ALL_ROLES)
def test_an_action_missing_from_the_permission_map_is_refused_for_every_role(world_a, api_for, role):
    client = api_for(member(world_a, role))
    base = f"/api/v1/t/{world_a.slug}/"
    # The mapped action answers, so the refusals below come from the map, not from the wiring.
    assert client.get(base + "permission-probe/").status_code == 200
    unmapped = [
        client.get(base + f"permission-probe/{uuid.uuid4()}/"),  # retrieve: a read, still refused
        client.get(base + "permission-probe/unmapped-read/"),
        client.post(base + "permission-probe/unmapped-write/", {}, format="json"),
        client.get(base + "plain-probe/"),  # an APIView without any map
    ]
    for response in unmapped:
        assert response.status_code == 403, (response.request["PATH_INFO"], response.status_code)
        assert response.json()["error"]["code"] == "permission_denied"


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def test_every_action_of_every_tenant_endpoint_names_its_permission():
    """Discovered from the URL map: a new endpoint or ``@action`` without an entry fails here."""
    missing = []
    for route, pattern in _routes(get_resolver().url_patterns):
        view_class = getattr(pattern.callback, "cls", None)
        if view_class is None or not issubclass(view_class, TenantAPIMixin):
            continue
        actions = getattr(pattern.callback, "actions", None)
        if actions:
            pairs = list(actions.items())
        else:
            pairs = [(m, None) for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
        for method, action in pairs:
            if method not in view_class.http_method_names:
                continue  # not offered: 405
            probe = type("Probe", (), {"action": action, "action_permissions": view_class.action_permissions})
            if required_action(probe, method.upper()) is None:
                missing.append(f"{view_class.__module__}.{view_class.__name__} {method.upper()} {action} ({route})")
    assert not missing, "Unmapped API actions (refused for everyone; map them or drop them):\n" + "\n".join(missing)
