"""Every tenant page and API route, enumerated from the URL map, hides tenant A from outsiders.

Routes with only ``tenant_slug`` are checked automatically. A route that also takes object ids
must be registered in ``OBJECT_ROUTES`` (one line: how to fill its ids from a World, and whether
the object belongs to a customer account); an unregistered one fails this test, so no new route
ships without an isolation check.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

TENANT_PREFIXES = ("t/{tenant_slug}/", "api/v1/t/{tenant_slug}/")

#: route name → (kwargs from world_a, account_bound). Apps register theirs in
#: ``<app>/tests/isolation_*.py`` modules (``OBJECT_ROUTES`` and ``ROUTE_ROLES`` dicts), merged here.
OBJECT_ROUTES: dict[str, tuple[Callable[[Any], dict[str, str]], bool]] = {}

#: route name → the role that is allowed to open it (default: rep).
ROUTE_ROLES: dict[str, str] = {"program-office": "admin"}

for _module_path in sorted(Path(__file__).resolve().parent.parent.glob("*/tests/isolation_*.py")):
    _module = importlib.import_module(f"{_module_path.parent.parent.name}.tests.{_module_path.stem}")
    OBJECT_ROUTES.update(getattr(_module, "OBJECT_ROUTES", {}))
    ROUTE_ROLES.update(getattr(_module, "ROUTE_ROLES", {}))


def _template(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern._route))
    if isinstance(pattern, RegexPattern):
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern._regex)
        return text.lstrip("^").replace("\\Z", "").rstrip("$").replace("\\.", ".")
    raise TypeError(type(pattern))


def tenant_routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        template = prefix + _template(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from tenant_routes(entry.url_patterns, template)
        elif isinstance(entry, URLPattern) and template.startswith(TENANT_PREFIXES) and "{format}" not in template:
            yield entry.name or template, template


ROUTES = sorted(set(tenant_routes()))


def test_the_route_map_has_tenant_pages_and_endpoints():
    names = {name for name, _ in ROUTES}
    assert {"home", "api-me"} <= names


@pytest.mark.parametrize(("name", "template"), ROUTES, ids=[name for name, _ in ROUTES])
def test_route_is_hidden_from_outsiders(name, template, isolation, world_a):
    params = set(re.findall(r"{(\w+)}", template)) - {"tenant_slug"}
    account_bound = False
    values = {"tenant_slug": world_a.slug}
    if params:
        assert name in OBJECT_ROUTES, f"route {name!r} ({template}) takes ids: register it in OBJECT_ROUTES"
        fill, account_bound = OBJECT_ROUTES[name]
        values.update(fill(world_a))
    path = "/" + template.format(**values)
    isolation.assert_hidden(path, account_bound=account_bound, visible_to=world_a.member(ROUTE_ROLES.get(name, "rep")))
