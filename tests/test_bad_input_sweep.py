"""Bad input never breaks any app, and a refused write loses nothing already saved.

The rule: bad input gets a clear message (form errors on pages, 400 with field errors in the API),
never a 500, and a refused write changes nothing already saved.

**What is swept.** Every tenant route (``t/{tenant_slug}/…`` and ``api/v1/t/{tenant_slug}/…``) of
every app, enumerated from the URL resolver with ``tests.test_isolation``'s helpers (ids come from
the same ``OBJECT_ROUTES`` fill functions, the owner role from ``ROUTE_ROLES``); no list of apps or
routes is kept here, so a new app or route is swept as soon as it is mounted. The roles are admin,
rep and customer_x, plus the route's own role (``SWEEP_ROLES``, else ``ROUTE_ROLES``; default admin),
which is the one swept one field at a time:

* API routes that accept POST/PUT/PATCH (viewset actions and plain API views): ``{}`` and a non-JSON
  body with a JSON content type; then every documented body field (OpenAPI schema) set at once to
  ``None``, ``""``, a 5000-character string, ``-1``, ``"abc"``, ``[1, 2]``, ``{"a": 1}``, a random
  UUID, a NUL byte, ``10**20`` and ``"9999-12-31"`` (the other roles: ``None``, ``""``, huge,
  ``"abc"``, NUL), all fields set to the other tenant's ids; and, as the route's own role, a valid
  body, then each field alone swapped for the bad values of its type (``BAD_BY_TYPE``: dates,
  decimals, integers, booleans, strings, the other tenant's id for ids), also each key of the first
  item of a list of objects (a rating's scores). The valid body is the app's
  ``<app>/tests/sweep_bodies.py`` ``VALID_BODIES`` entry for write routes whose own GET does not show
  one, else the object's own representation, so values that pass the serializer reach the service
  and the database. A write that documents ``If-Match`` sends the ETag of the route's GET (kept
  current after each save).
* Page routes: an empty POST; then, whole form at once, ``""``, ``"abc"``, huge, ``"-1"``, a non-UUID,
  the other tenant's id, ``"1e999"``, ``"2026-02-30"``, ``"NaN"`` and NUL (the other roles: ``""``,
  ``"abc"``, huge, NUL); and, as the route's own role, each field alone (one per shape: repeated rows such as
  ``<metric>-supplier_value`` once) set to huge, the other tenant's id, NUL, ``10**20`` and
  ``"9999-12-31"`` on top of the form's own values (parsed from the route's page, the page its GET
  redirects to, or the nearest page above with a form posting to it) or of ``VALID_BODIES``.
* Every route: bad query strings, all parameters at once (the route's role: seven values; customer_x:
  three), then each alone with a NUL byte. API parameters come from the schema, page parameters from
  the page's GET forms, plus ``q``, ``page``, ``sort`` and ``ordering``.
* Uploads: the attachment endpoints get wrong, disguised, empty, huge and missing files; the scorecard
  CSV imports (page and API) get empty, binary, non-UTF-8, NUL, malformed, out-of-range, unknown-key,
  formula, too-long and too-big files.

Trimmed (the answer cannot depend on the body): a role whose empty or unreadable body is answered
403, 404 or 405 (refused by role, object hidden, read-only page: answered before the body is read;
an unreadable API body would have been a 400) gets no further bodies on that route, and customer_x
gets no more query strings after a 403/404. ``PARTNERING_SWEEP=deep`` adds more values to every
one-field swap (API: ``None``, ``""``, ``-1``, ``"abc"``, ``[1, 2]``, ``{"a": 1}``, a random UUID;
pages: ``""``, ``"abc"``, ``"-1"``) and ``"abc"`` to every query parameter (≈ 3× the requests).

**What is checked.** Every response is < 500; an API 400 has the error shape. After every refused
request (4xx, or a page POST answered 200: the form again) a fingerprint of every tenant-owned table
of the tenant is unchanged: every model of ``apps.get_models()`` with a ``tenant`` column (the
``TenantScopedModel`` subclasses and their history event tables), one ``md5(string_agg(row))`` per
table in one query under the tenant's RLS context, taken only when PostgreSQL counted a row written
in the transaction since the last one; a failure names the tables that changed. At the end the
other tenant's fingerprint is unchanged too. Defaults created lazily on first read (settings rows,
metric templates, rating dimensions, training modules, checklist templates) are made before the
first fingerprint. ``PARTNERING_SWEEP_LOG=<file>`` appends one line per test: requests sent, the
statuses of the valid bodies, all statuses.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from dashboards.models import Scorecard
from dashboards.ratings import ensure_rating_dimensions
from dashboards.scorecards import ensure_metric_templates
from dashboards.tests.isolation_scorecards import scorecard_relationship
from partnering.models import Relationship
from partnering.tests.factories import action_for, contact_for, meeting_for, topic_for
from partnering.work import settings_for_tenant as partnering_settings
from projects.belts import training_modules_ensure
from projects.projects import checklist_templates_ensure
from projects.projects import settings_for_tenant as projects_settings
from projects.tests.factories import area_for, project_for
from tests.test_isolation import OBJECT_ROUTES, ROUTE_ROLES, _template, tenant_routes

#: ``PARTNERING_SWEEP=deep`` also swaps every field / query parameter for every bad value one at a time
#: (≈ 3× the requests); the default run swaps one at a time only the values that get past a serializer
#: or form and may still break a service or the database.
DEEP = os.environ.get("PARTNERING_SWEEP") == "deep"
WRITE_METHODS = ("post", "put", "patch")
HUGE = "x" * 5000
NUL = "nul\x00byte"
#: every body field at once set to each of these
BAD_VALUES: list[Any] = [None, "", HUGE, -1, "abc", [1, 2], {"a": 1}, "RANDOM_UUID", NUL, 10**20, "9999-12-31"]
#: one field at a time (inside an otherwise valid body): these, plus the extras of the field's type
COMMON_BAD: list[Any] = [None, "", -1, "abc", [1, 2], {"a": 1}] if DEEP else []
BAD_BY_TYPE: dict[str, list[Any]] = {
    "uuid": ["RANDOM_UUID", "FOREIGN"] if DEEP else ["FOREIGN"],
    "date": ["2026-02-30", "9999-12-31", "0001-01-01", "2026-13-01T00:00"],
    "decimal": ["NaN", "Infinity", "1e999", "-0.001", "123456789012345678.123"],
    "integer": [10**20, 3.5, "1e3", True],
    "boolean": ["maybe", 2],
    "string": [HUGE, NUL, "zzz"],
}
PAGE_BAD_VALUES = ["", "abc", HUGE, "-1", "not-a-uuid", "OTHER_TENANT", "1e999", "2026-02-30", "NaN", NUL]
#: one field at a time, on top of the form's own values
FIELD_BAD_VALUES = [HUGE, "OTHER_TENANT", NUL, "99999999999999999999", "9999-12-31"] + (
    ["", "abc", "-1"] if DEEP else []
)
#: the roles that are refused early get a shorter battery
SHORT_BAD_VALUES: list[Any] = [None, "", HUGE, "abc", NUL]
#: an answer to an empty or unreadable body that comes before the body is read: the role may not
#: write here (403), the object is hidden (404) or the page is read-only (405); no body can change it
REFUSED_BEFORE_THE_BODY = (403, 404, 405)


# --------------------------------------------------------------------------- route enumeration


def _view_class(callback: Any) -> Any:
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback


def _callbacks(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(template, callback) of every URL pattern (the isolation harness's ``tenant_routes`` gives the names)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        template = prefix + _template(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _callbacks(entry.url_patterns, template)
        elif isinstance(entry, URLPattern):
            yield template, entry.callback


_CALLBACKS = dict(_callbacks())
#: (name, template, callback, app label) of every tenant route of every app
ALL_ROUTES = sorted(
    (name, template, _CALLBACKS[template], _view_class(_CALLBACKS[template]).__module__.split(".")[0])
    for name, template in set(tenant_routes())
)


def write_methods(callback: Any) -> list[str]:
    """The write methods a route accepts: a viewset's mapped actions, or a plain API view's handlers."""
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return [method for method in WRITE_METHODS if method in actions]
    view = _view_class(callback)
    allowed = getattr(view, "http_method_names", WRITE_METHODS)
    return [method for method in WRITE_METHODS if method in allowed and hasattr(view, method)]


API_ROUTES = [
    (name, template, write_methods(callback))
    for name, template, callback, _ in ALL_ROUTES
    if template.startswith("api/")
]
PAGE_ROUTES = [(name, template) for name, template, _, _ in ALL_ROUTES if not template.startswith("api/")]

#: Each app's ``tests/sweep_bodies.py``: ``VALID_BODIES`` (route → world → a valid body, for write
#: routes whose own GET does not show one) and ``SWEEP_ROLES`` (route → the role that really writes
#: there, swept one field at a time; default: ``ROUTE_ROLES``, else admin). Merged like the isolation registry.
VALID_BODIES: dict[str, Callable[[Any], dict[str, Any]]] = {}
SWEEP_ROLES: dict[str, str] = {}
for _module_path in sorted(Path(__file__).resolve().parent.parent.glob("*/tests/sweep_bodies.py")):
    _module = importlib.import_module(f"{_module_path.parent.parent.name}.tests.sweep_bodies")
    VALID_BODIES.update(getattr(_module, "VALID_BODIES", {}))
    SWEEP_ROLES.update(getattr(_module, "SWEEP_ROLES", {}))

#: Anchors: a few routes of each app and the fewest routes it has today (a new app needs no entry:
#: the test below checks that every app with tenant routes is swept).
KNOWN_ROUTES = {
    "core": ({"home", "job-cancel", "api-me", "api-job-cancel"}, 8),
    "knowledge": ({"area-edit", "api-solution-area-list"}, 4),
    "partnering": ({"relationship-edit", "meeting-edit", "api-topic-status", "api-contact-activities"}, 40),
    "dashboards": ({"scorecard-results", "rating-edit", "api-rating-mine", "api-result-detail"}, 25),
    "projects": ({"quick-log", "api-project-list", "api-benefit-detail"}, 60),
}


def test_the_sweep_covers_every_app_with_tenant_routes():
    swept = {name for name, _, _ in API_ROUTES} | {name for name, _ in PAGE_ROUTES}
    assert swept == {name for name, _ in tenant_routes()}, "every tenant route of the URL map is swept"
    by_app: dict[str, set[str]] = {}
    for name, _, _, app in ALL_ROUTES:
        by_app.setdefault(app, set()).add(name)
    ours = {config.label for config in apps.get_app_configs() if Path(config.path).parent == Path(__file__).parents[1]}
    assert set(by_app) <= ours, f"tenant routes of views outside our apps: {set(by_app) - ours}"
    for app, (names, minimum) in KNOWN_ROUTES.items():
        assert names <= by_app.get(app, set()), f"{app}: {names - by_app.get(app, set())} not swept"
        assert len(by_app[app]) >= minimum, f"{app}: only {len(by_app[app])} routes swept"
    undocumented = [n for n, t, m in API_ROUTES if not any(operation(t, method) for method in ["get", *m])]
    assert not undocumented, f"API routes the schema does not document (no bodies to sweep): {undocumented}"
    writes = {name for name, _, methods in API_ROUTES if methods}
    assert {"api-rating-mine", "api-rating-submission", "api-job-cancel", "api-relationship-level"} <= writes
    assert sum(len(methods) for _, _, methods in API_ROUTES) >= 80 and len(PAGE_ROUTES) >= 95
    assert set(VALID_BODIES) <= swept, f"valid bodies of unknown routes: {set(VALID_BODIES) - swept}"


# --------------------------------------------------------------------------- documented request bodies

_SCHEMA: dict[str, Any] = {}


def _schema() -> dict[str, Any]:
    if not _SCHEMA:
        _SCHEMA.update(SchemaGenerator().get_schema(request=None, public=True))
    return _SCHEMA


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = _schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def operation(template: str, method: str) -> dict[str, Any]:
    """The route's documented operation (the schema names a ``pk`` path parameter ``id``)."""
    paths = _schema()["paths"]
    found = paths.get("/" + template) or paths.get("/" + template.replace("{pk}", "{id}"), {})
    return dict(found.get(method, {}))


def body_fields(template: str, method: str) -> dict[str, dict[str, Any]]:
    """Writable properties of the documented request body (name → property schema)."""
    operation_ = operation(template, method)
    content = operation_.get("requestBody", {}).get("content", {})
    body = content.get("application/json") or next(iter(content.values()), None)
    if not body:
        return {}
    schema = _resolve(body["schema"])
    return {
        key: prop
        for part in [schema, *schema.get("allOf", [])]
        for key, prop in _resolve(part).get("properties", {}).items()
        if not prop.get("readOnly")
    }


# --------------------------------------------------------------------------- state that must survive

#: table → {column: why it may change on a refused request}. Empty today: no column is excluded.
VOLATILE_COLUMNS: dict[str, dict[str, str]] = {}


def tenant_tables() -> list[tuple[str, str]]:
    """(table, primary-key column) of every model with a ``tenant`` column: the ``TenantScopedModel``
    subclasses and their history event tables."""
    tables = {
        (model._meta.db_table, model._meta.pk.column)
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed and any(f.column == "tenant_id" for f in model._meta.fields)
    }
    return sorted(tables)


_FINGERPRINT_SQL: list[str] = []


def _fingerprint_sql() -> str:
    if not _FINGERPRINT_SQL:
        quote = connection.ops.quote_name
        parts = []
        for table, pk in tenant_tables():
            excluded = list(VOLATILE_COLUMNS.get(table, {}))
            row = f"(to_jsonb(t) - ARRAY{excluded!r}::text[])::text" if excluded else "t::text"
            parts.append(
                f"SELECT '{table}', md5(coalesce(string_agg({row}, ',' ORDER BY t.{quote(pk)}), '')) "
                f"FROM {quote(table)} t"
            )
        _FINGERPRINT_SQL.append(" UNION ALL ".join(parts))
    return _FINGERPRINT_SQL[0]


def fingerprint(world: Any) -> dict[str, str]:
    """table → md5 of its rows in ``world``'s tenant (RLS shows only them)."""
    with world.context(), connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return dict(cursor.fetchall())


def rows_written() -> int:
    """Rows inserted, updated or deleted so far in this transaction, rolled-back savepoints included
    (PostgreSQL's ``pg_stat_xact_user_tables``): when it has not moved, no table can have changed, so
    the fingerprint is taken only after requests that wrote (or tried to)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables")
        return int(cursor.fetchone()[0])


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def create_lazy_defaults(world: Any) -> None:
    """Rows that reads create on first use: made now so a read is never mistaken for a write."""
    with world.context():
        for ensure in (
            partnering_settings,
            projects_settings,
            ensure_metric_templates,
            ensure_rating_dimensions,
            training_modules_ensure,
            checklist_templates_ensure,
        ):
            ensure()


class Sweep:
    """Sends requests inside a savepoint, collects 500s and refused writes that changed data."""

    def __init__(self, world: Any, foreign: ForeignIds | None = None) -> None:
        self.world = world
        self.foreign = foreign
        self.failures: list[str] = []
        self.sent = 0
        self.statuses: dict[int, int] = {}
        self.valid: list[int] = []
        create_lazy_defaults(world)
        self.refresh()
        self.other_state: dict[str, str] = {}
        if foreign is not None:
            foreign.on_create.append(self._other_created)
            self._other_created()

    def _other_created(self) -> None:
        assert self.foreign is not None
        self.other_state = fingerprint(self.foreign.world)

    def sync(self) -> None:
        """Take the state again if something wrote since (the sweep's own GETs, e.g. a project page
        that marks its notifications read, are not requests under test)."""
        if rows_written() != self.writes:
            self.refresh()

    def refresh(self) -> None:
        """Take the state again (after fill functions created the objects a route shows)."""
        self.state = fingerprint(self.world)
        self.writes = rows_written()

    def send(self, label: str, client: Any, method: str, path: str, *, api: bool, **kwargs: Any) -> Any:
        savepoint = transaction.savepoint()
        response = getattr(client, method)(path, **kwargs)
        self.sent += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if label.endswith("valid body"):
            self.valid.append(response.status_code)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            exc = getattr(response, "exc_info", None)
            cause = f"{exc[0].__name__}: {str(exc[1])[:200]}" if exc else response.content[:200]
            self.failures.append(f"{method.upper()} {path} [{label}] → {response.status_code} {cause}")
            return response
        transaction.savepoint_commit(savepoint)
        if api and response.status_code == 400:
            self._check_error_shape(label, method, path, response)
        writes = rows_written()
        if writes == self.writes:
            return response  # no row was inserted, updated or deleted: nothing can have changed
        current = fingerprint(self.world)
        refused = response.status_code >= 400 or (not api and method == "post" and response.status_code == 200)
        if refused and current != self.state:
            tables = ", ".join(changed_tables(self.state, current))
            self.failures.append(
                f"{method.upper()} {path} [{label}] → {response.status_code} but data changed in: {tables}"
            )
        self.state, self.writes = current, writes
        return response

    def _check_error_shape(self, label: str, method: str, path: str, response: Any) -> None:
        error = response.json().get("error", {})
        shaped = (
            isinstance(error, dict)
            and {"status", "code", "message", "fields"} <= set(error)
            and error["status"] == 400
            and isinstance(error["fields"], dict)
            and all(isinstance(v, list) and all(isinstance(m, str) for m in v) for v in error["fields"].values())
        )
        if not shaped:
            self.failures.append(f"{method.upper()} {path} [{label}] → 400 without the error shape: {error}")

    def check(self) -> None:
        if self.foreign is not None:
            other = fingerprint(self.foreign.world)
            if other != self.other_state:
                tables = ", ".join(changed_tables(self.other_state, other))
                self.failures.append(f"the other tenant's data changed in: {tables}")
        print(f"sweep: {self.sent} requests, statuses {dict(sorted(self.statuses.items()))}")
        log = os.environ.get("PARTNERING_SWEEP_LOG")
        if log:  # one line per test: how many requests, and what the valid bodies got
            with open(log, "a") as out:
                test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
                out.write(f"{test} {self.sent} valid={self.valid} {dict(sorted(self.statuses.items()))}\n")
        assert not self.failures, f"{len(self.failures)} of {self.sent} requests broke the rule:\n" + "\n".join(
            self.failures
        )


def _quiet(client: Any) -> Any:
    client.raise_request_exception = False
    return client


def _path(template: str, name: str, world: Any) -> str:
    values = {"tenant_slug": world.slug}
    if set(re.findall(r"{(\w+)}", template)) - {"tenant_slug"}:
        fill, _ = OBJECT_ROUTES[name]
        values.update(fill(world))
    return "/" + template.format(**values)


def _owner_role(name: str) -> str:
    """The role that really writes on the route (swept one field at a time)."""
    return SWEEP_ROLES.get(name) or ROUTE_ROLES.get(name) or "admin"


def _roles(world: Any, name: str) -> list[tuple[str, Any]]:
    roles = [("admin", world.admin), ("rep", world.rep), ("customer_x", world.customer_x)]
    extra = _owner_role(name)
    if extra not in ("admin", "rep", "customer_x"):
        roles.append((extra, world.member(extra)))
    return roles


def _foreign_relationship(world_b: Any, _foreign: Any) -> str:
    return str(scorecard_relationship(world_b).pk)


def _foreign_scorecard(world_b: Any, foreign: Any) -> str:
    relationship = foreign["relationship"]
    with world_b.context():
        return str(Scorecard.objects.get(relationship_id=relationship).pk)


def _foreign_dimension(world_b: Any, _foreign: Any) -> str:
    with world_b.context():
        return str(ensure_rating_dimensions()[0].pk)


def _foreign_row(builder: Callable[..., Any]) -> Callable[[Any, Any], str]:
    """A row of B's relationship made by a partnering factory (meeting, topic, action)."""

    def build(world_b: Any, foreign: Any) -> str:
        with world_b.context():
            relationship = Relationship.objects.get(pk=foreign["relationship"])
        return str(builder(world_b, relationship=relationship).pk)

    return build


FOREIGN_BUILDERS: dict[str, Callable[[Any, Any], str]] = {
    "project": lambda world_b, _: str(project_for(world_b, title="Foreign project").pk),
    "area": lambda world_b, _: str(area_for(world_b, "Foreign area").pk),
    "member": lambda world_b, _: str(world_b.member("coach").pk),
    "account": lambda world_b, _: str(world_b.account_x.pk),
    "relationship": _foreign_relationship,
    "contact": lambda world_b, _: str(contact_for(world_b, account=world_b.account_x, full_name="Foreign contact").pk),
    "meeting": _foreign_row(meeting_for),
    "topic": _foreign_row(topic_for),
    "action": _foreign_row(action_for),
    "scorecard": _foreign_scorecard,
    "dimension": _foreign_dimension,
}


class ForeignIds(dict[str, str]):
    """One id per kind of object, all of tenant B, each created the first time it is asked for
    (most routes need only a project); ``on_create`` lets the sweep take B's fingerprint again."""

    def __init__(self, world_b: Any) -> None:
        super().__init__()
        self.world = world_b
        self.on_create: list[Callable[[], None]] = []

    def __missing__(self, kind: str) -> str:
        value = FOREIGN_BUILDERS[kind](self.world, self)
        self[kind] = value
        for callback in self.on_create:
            callback()
        return value


def foreign_ids(world_b: Any) -> ForeignIds:
    return ForeignIds(world_b)


#: field-name words → the kind of foreign id sent for it (first match wins; default: a project)
FOREIGN_KINDS = [
    (("area", "parent"), "area"),
    (("account",), "account"),
    (("relationship",), "relationship"),
    (("scorecard",), "scorecard"),
    (("meeting",), "meeting"),
    (("topic",), "topic"),
    (("dimension",), "dimension"),
    (("action",), "action"),
    (("contact", "attend"), "contact"),
    (("member", "coach", "lead", "sponsor", "team", "by", "candidate", "scorer", "owner", "champion"), "member"),
]


def _foreign_for(field: str, foreign: dict[str, str]) -> str:
    for words, kind in FOREIGN_KINDS:
        if any(word in field for word in words):
            return foreign[kind]
    return foreign["project"]


def _bad(value: Any) -> Any:
    return str(uuid.uuid4()) if value == "RANDOM_UUID" else value


def _kind(prop: dict[str, Any]) -> str:
    fmt = prop.get("format") or prop.get("items", {}).get("format")
    if fmt in ("uuid", "date", "decimal"):
        return str(fmt)
    if prop.get("type") in ("integer", "boolean"):
        return str(prop["type"])
    return "string"


def _foreign_value(field: str, prop: dict[str, Any], foreign: dict[str, str]) -> Any:
    value = _foreign_for(field, foreign)
    return [value] if prop.get("type") == "array" else value


def _baseline(client: Any, path: str, name: str, fields: dict[str, Any], world: Any) -> dict[str, Any]:
    """A plausibly valid body: a known one, else the object's own representation."""
    known = VALID_BODIES.get(name)
    if known is not None:
        return known(world)
    source = path
    if name.endswith("-list"):
        detail = name[: -len("-list")] + "-detail"
        template = next((t for n, t, _, _ in ALL_ROUTES if n == detail), None)
        if template is not None and detail in OBJECT_ROUTES:
            source = _path(template, detail, world)
    response = client.get(source)
    if response.status_code != 200 or not isinstance(response.json(), dict):
        return {}
    body = response.json()
    return {key: value for key, value in body.items() if key in fields and value is not None}


# --------------------------------------------------------------------------- API sweep


@pytest.mark.parametrize(("name", "template", "methods"), API_ROUTES, ids=[name for name, _, _ in API_ROUTES])
def test_api_route_survives_bad_input(
    name, template, methods, world_a, world_b, api_for, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    foreign = foreign_ids(world_b)
    path = _path(template, name, world_a)
    sweep = Sweep(world_a, foreign)
    for method in methods:
        api_write_sweep(sweep, name, template, method, path, foreign, api_for)
    query_sweep(sweep, name, template, path, foreign, client_for, api_for)
    sweep.check()


def needs_if_match(template: str, method: str) -> bool:
    parameters = operation(template, method).get("parameters", [])
    return any(p.get("in") == "header" and p["name"].lower() == "if-match" for p in parameters)


class Conditional:
    """``If-Match`` for writes that document it: the ETag of the route's GET, kept current after each save."""

    def __init__(self, client: Any, path: str, needed: bool) -> None:
        response = client.get(path) if needed else None
        etag = response.get("ETag") if response is not None and response.status_code == 200 else None
        self.headers: dict[str, str] = {"HTTP_IF_MATCH": etag} if etag else {}

    def send(self, sweep: Sweep, label: str, client: Any, method: str, path: str, body: Any) -> Any:
        response = sweep.send(label, client, method, path, api=True, data=body, format="json", **self.headers)
        if self.headers and response.status_code < 300 and response.get("ETag"):
            self.headers["HTTP_IF_MATCH"] = response["ETag"]
        return response


def api_write_sweep(sweep: Sweep, name: str, template: str, method: str, path: str, foreign: Any, api_for: Any) -> None:
    world_a = sweep.world
    fields = body_fields(template, method) or (body_fields(template, "patch") if method == "put" else {})
    for role, member in _roles(world_a, name):
        client = _quiet(api_for(member))
        conditional = Conditional(client, path, needs_if_match(template, method))
        sweep.sync()
        conditional.send(sweep, f"{role} {{}}", client, method, path, {})
        response = sweep.send(
            f"{role} non-JSON",
            client,
            method,
            path,
            api=True,
            data="{not json",
            content_type="application/json",
            **conditional.headers,
        )
        if not fields or response.status_code in REFUSED_BEFORE_THE_BODY:
            continue  # refused before the body was read (reading it would have been a 400): no body can matter
        for raw in BAD_VALUES if role == "admin" else SHORT_BAD_VALUES:
            body = {field: _bad(raw) for field in fields}
            conditional.send(sweep, f"{role} all={raw!r:.20}", client, method, path, body)
        body = {field: _foreign_value(field, prop, foreign) for field, prop in fields.items()}
        conditional.send(sweep, f"{role} all=foreign ids", client, method, path, body)
        if role != _owner_role(name):
            continue
        baseline = _baseline(client, path, name, fields, world_a)
        sweep.refresh()  # the fill functions may have created the object shown
        conditional.send(sweep, f"{role} valid body", client, method, path, baseline)
        for field, prop in fields.items():
            values = [_bad(raw) for raw in COMMON_BAD + BAD_BY_TYPE[_kind(prop)]]
            values = [_foreign_value(field, prop, foreign) if value == "FOREIGN" else value for value in values]
            for value in values:
                label = f"{role} {field}={value!r:.20}"
                conditional.send(sweep, label, client, method, path, {**baseline, field: value})
            for label, body in nested_bodies(role, field, prop, baseline, foreign):
                conditional.send(sweep, label, client, method, path, body)


def _bad_values(field: str, prop: dict[str, Any], foreign: Any) -> list[Any]:
    values = [_bad(raw) for raw in COMMON_BAD + BAD_BY_TYPE[_kind(prop)]]
    return [_foreign_for(field, foreign) if value == "FOREIGN" else value for value in values]


def nested_bodies(
    role: str, field: str, prop: dict[str, Any], baseline: dict[str, Any], foreign: Any
) -> Iterator[tuple[str, dict[str, Any]]]:
    """A list of objects (a rating's scores): each key of its first item swapped for the bad values
    of its type, the rest of the body valid."""
    items = baseline.get(field)
    schema = _resolve(prop.get("items", {})) if prop.get("type") == "array" else {}
    if not schema.get("properties") or not items or not isinstance(items[0], dict):
        return
    for key, item_prop in schema["properties"].items():
        if item_prop.get("readOnly"):
            continue
        for value in _bad_values(key, item_prop, foreign):
            yield f"{role} {field}[0].{key}={value!r:.20}", {**baseline, field: [{**items[0], key: value}, *items[1:]]}


# --------------------------------------------------------------------------- page forms


class FormFields(HTMLParser):
    """Field names and current values of the page's POST forms that post back to ``path`` (with
    ``method="get"``: of its GET forms, the filters, whose fields are the page's query parameters)."""

    def __init__(self, path: str, method: str = "post") -> None:
        super().__init__()
        self.path = path
        self.method = method
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._in_form = a.get("method", "get").lower() == self.method and a.get("action", "") in ("", self.path)
            return
        if not self._in_form or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file", "reset"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.values.setdefault(a["name"], "")
            else:
                self.values[a["name"]] = a.get("value", "on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
            self.values.setdefault(a["name"], "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def form_values(client: Any, path: str) -> dict[str, str]:
    """The fields of the POST forms posting to ``path`` on the route's own page, else on the page its
    GET redirects to, else on the nearest page above it (POST-only routes such as checklist toggles
    have their forms on the project page, action and topic status forms on their parent pages)."""
    parts = path.rstrip("/").split("/")
    sources = [path] + ["/".join(parts[:end]) + "/" for end in range(len(parts) - 1, 3, -1)]
    seen: set[str] = set()
    while sources:
        source = sources.pop(0)
        if source in seen:
            continue
        seen.add(source)
        response = client.get(source)
        if source == path and response.status_code in (301, 302) and response["Location"].startswith("/t/"):
            sources.insert(0, response["Location"].split("?")[0])
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormFields(path)
        parser.feed(response.content.decode())
        if parser.values:
            return parser.values
    return {}


@pytest.mark.parametrize(("name", "template"), PAGE_ROUTES, ids=[name for name, _ in PAGE_ROUTES])
def test_page_survives_bad_input(name, template, world_a, world_b, client_for, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    foreign = foreign_ids(world_b)
    path = _path(template, name, world_a)
    sweep = Sweep(world_a, foreign)
    page_form_sweep(sweep, name, path, foreign, client_for)
    query_sweep(sweep, name, template, path, foreign, client_for, api_for)
    sweep.check()


def page_form_sweep(sweep: Sweep, name: str, path: str, foreign: Any, client_for: Any) -> None:
    world_a = sweep.world
    for role, member in _roles(world_a, name):
        client = _quiet(client_for(member))
        if sweep.send(f"{role} empty", client, "post", path, api=False, data={}).status_code in REFUSED_BEFORE_THE_BODY:
            continue  # a read-only page (405), or a role refused, or an object hidden, before any form is read
        baseline = form_values(client, path)
        sweep.sync()
        for raw in PAGE_BAD_VALUES if role == "admin" else SHORT_BAD_VALUES[1:]:
            value = foreign["project"] if raw == "OTHER_TENANT" else raw
            body = {field: value for field in baseline} or {"title": value, "id": value, "project": value}
            sweep.send(f"{role} all={raw:.20}", client, "post", path, api=False, data=body)
        if role != _owner_role(name):
            continue
        known = VALID_BODIES.get(name)
        if known is not None:
            baseline = {key: str(value) for key, value in known(world_a).items()}
            sweep.refresh()
            sweep.send(f"{role} valid body", client, "post", path, api=False, data=baseline)
        for field in one_per_shape(baseline):
            for raw in FIELD_BAD_VALUES:
                value = _foreign_for(field, foreign) if raw == "OTHER_TENANT" else raw
                label = f"{role} {field}={raw:.20}"
                sweep.send(label, client, "post", path, api=False, data={**baseline, field: value})


UUID_IN_NAME = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def one_per_shape(fields: dict[str, str]) -> list[str]:
    """The form's fields, one per shape: rows repeated per object (``<metric key>-supplier_value``,
    ``color_<dimension id>``) are the same field, swept once."""
    seen: set[str] = set()
    chosen = []
    for field in fields:
        shape = UUID_IN_NAME.sub("<id>", field).rsplit("-", 1)[-1]
        if shape not in seen:
            seen.add(shape)
            chosen.append(field)
    return chosen


# --------------------------------------------------------------------------- uploads

BAD_FILES = [
    ("empty.pdf", b""),
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200),
    ("disguised.pdf", b"MZ\x90\x00 not a pdf at all"),
    ("no-extension", b"%PDF-1.4\n%%EOF\n"),
    ("x" * 300 + ".pdf", b"%PDF-1.4\n%%EOF\n"),
    ("../../etc/passwd.txt", b"root:x:0:0"),
]


def _huge_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("huge.pdf", b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024))


def _route(name: str) -> str:
    return next(template for route, template, _, _ in ALL_ROUTES if route == name)


def test_attachment_uploads_survive_bad_files(world_a, world_b, client_for, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    foreign = foreign_ids(world_b)
    page = _path(_route("attachment-upload"), "attachment-upload", world_a)
    api = f"/api/v1/t/{world_a.slug}/project-attachments/"
    project_id = page.rstrip("/").split("/")[-2]
    sweep = Sweep(world_a, foreign)
    for role, member in [("rep", world_a.rep), ("customer_x", world_a.customer_x), ("admin", world_a.admin)]:
        web, rest = _quiet(client_for(member)), _quiet(api_for(member))
        uploads = [*((n, c) for n, c in BAD_FILES), None]
        for upload in uploads:
            label = f"{role} {upload[0][:20] if upload else 'no file'}"
            files = {"file": SimpleUploadedFile(upload[0], upload[1])} if upload else {}
            sweep.send(label, web, "post", page, api=False, data={**files})
            files = {"file": SimpleUploadedFile(upload[0], upload[1])} if upload else {}
            for pid in (project_id, foreign["project"], "abc", ""):
                sweep.send(
                    f"{label} project={pid[:8]}",
                    rest,
                    "post",
                    api,
                    api=True,
                    data={"project": pid, **files},
                    format="multipart",
                )
                files = {"file": SimpleUploadedFile(upload[0], upload[1])} if upload else {}
        sweep.send(f"{role} huge", web, "post", page, api=False, data={"file": _huge_file()})
        sweep.send(
            f"{role} huge",
            rest,
            "post",
            api,
            api=True,
            data={"project": project_id, "file": _huge_file()},
            format="multipart",
        )
        sweep.send(
            f"{role} text as file",
            rest,
            "post",
            api,
            api=True,
            data={"project": project_id, "file": "not a file"},
            format="multipart",
        )
        sweep.send(
            f"{role} json",
            rest,
            "post",
            api,
            api=True,
            data=json.dumps({"project": project_id}),
            content_type="application/json",
        )
    sweep.check()


def _csv(rows: list[str]) -> bytes:
    return ("\n".join(rows) + "\n").encode()


def bad_csv_files(metric_key: str, foreign_key: str) -> list[tuple[str, bytes]]:
    """CSV imports that must be refused as a whole (nothing imported) without a 500."""
    header = "quarter,metric_key,supplier_value,customer_value,agreed_value"
    row = f"2026Q1,{metric_key},1,,"
    return [
        ("empty.csv", b""),
        ("header-only.csv", _csv([header])),
        ("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\xff" * 64),
        ("latin1.csv", _csv([header]) + "2026Q1,é,1,2,3\n".encode("latin-1")),
        ("nul.csv", _csv([header, f"2026Q1,{metric_key},1\x002,,"])),
        ("wrong-columns.csv", _csv(["a,b,c", "1,2,3"])),
        ("bad-numbers.csv", _csv([header, f"2026Q1,{metric_key},NaN,Infinity,1e999"])),
        ("huge-number.csv", _csv([header, f"2026Q1,{metric_key},123456789012345678.123,,-0.00001"])),
        ("bad-quarter.csv", _csv([header, f"2026Q9,{metric_key},1,,", f"9999Q1,{metric_key},1,,", "Q1,x,1,,"])),
        ("unknown-key.csv", _csv([header, f"2026Q1,{foreign_key},1,,", "2026Q1,../../etc,1,,", row])),
        ("formula.csv", _csv([header, f'=HYPERLINK("x"),{metric_key},=1+1,,', row])),
        ("ragged.csv", _csv([header, f"2026Q1,{metric_key}", f"2026Q1,{metric_key},1,2,3,4,5"])),
        ("quotes.csv", _csv([header, f'"2026Q1,{metric_key},1,,'])),
        ("duplicate-rows.csv", _csv([header, row, f"2026Q1,{metric_key},2,,"])),
        ("too-many-rows.csv", _csv([header] + [f"2026Q1,{metric_key},{i},," for i in range(6000)])),
        ("too-big.csv", _csv([header, row]) + b"#" * (2 * 1024 * 1024 + 10)),
    ]


def test_scorecard_csv_imports_survive_bad_files(world_a, world_b, client_for, api_for):
    """The CSV import (page and API) refuses bad files as a whole (row errors, nothing saved), never a 500."""
    from dashboards.models import Metric
    from dashboards.tests.isolation_scorecards import scorecard_id

    foreign = foreign_ids(world_b)
    page = _path(_route("scorecard-import"), "scorecard-import", world_a)
    api = _path(_route("api-scorecard-import"), "api-scorecard-import", world_a)
    scorecard = scorecard_id(world_a)["id"]
    with world_a.context():
        key = Metric.objects.filter(version__scorecard_id=scorecard).values_list("key", flat=True).first()
    sweep = Sweep(world_a, foreign)
    for role, member in [("admin", world_a.admin), ("customer_x", world_a.customer_x), ("rep", world_a.rep)]:
        web, rest = _quiet(client_for(member)), _quiet(api_for(member))
        for filename, content in bad_csv_files(str(key), foreign["scorecard"]):
            upload = SimpleUploadedFile(filename, content, content_type="text/csv")
            sweep.send(f"{role} {filename}", web, "post", page, api=False, data={"file": upload})
            upload = SimpleUploadedFile(filename, content, content_type="text/csv")
            sweep.send(f"{role} {filename}", rest, "post", api, api=True, data={"file": upload}, format="multipart")
        sweep.send(f"{role} no file", rest, "post", api, api=True, data={}, format="multipart")
        sweep.send(f"{role} text as file", rest, "post", api, api=True, data={"file": "x"}, format="multipart")
    sweep.check()


# --------------------------------------------------------------------------- nothing saved is lost


def test_a_saved_project_survives_a_bad_input_sweep(world_a, world_b, api_for, client_for):
    """A project with a benefit, hammered with bad writes on every route that takes its id."""
    from projects.models import Benefit, Project
    from projects.tests.isolation_benefits import _benefit_row, isolation_project

    benefit = _benefit_row(world_a)
    project = isolation_project(world_a)
    foreign = foreign_ids(world_b)
    fields = ["title", "problem_statement", "phase", "lead_id", "coach_id", "customer_sponsor_id"]
    with world_a.context():
        before = Project.objects.filter(pk=project.pk).values(*fields).get()
        benefits_before = list(Benefit.objects.filter(project=project).values())
    sweep = Sweep(world_a, foreign)
    pid = str(project.pk)
    api_paths = [
        (f"/api/v1/t/{world_a.slug}/projects/{pid}/", "patch"),
        (f"/api/v1/t/{world_a.slug}/projects/{pid}/team/", "put"),
        (f"/api/v1/t/{world_a.slug}/projects/{pid}/assign-coach/", "post"),
        (f"/api/v1/t/{world_a.slug}/projects/{pid}/cancel/", "post"),
        (f"/api/v1/t/{world_a.slug}/projects/{pid}/credit/", "post"),
        (f"/api/v1/t/{world_a.slug}/benefits/{benefit.pk}/", "patch"),
        (f"/api/v1/t/{world_a.slug}/benefits/{benefit.pk}/validate/", "post"),
    ]
    bad_project = {
        "title": "",
        "problem_statement": HUGE * 20,
        "phase": "closed",
        "lead": foreign["member"],
        "coach": foreign["member"],
        "customer_sponsor": str(uuid.uuid4()),
        "members": [foreign["member"]],
        "coach_id": "abc",
        "reason": "",
        "credit_owner": "nonsense",
        "estimated_amount": -1,
        "validated_amount": "abc",
        "period_end": "2020-01-01",
        "currency": "XXXX",
    }
    for member in (world_a.admin, world_a.rep, world_a.customer_x):
        client = _quiet(api_for(member))
        for path, method in api_paths:
            sweep.send(member.role, client, method, path, api=True, data=bad_project, format="json")
        web = _quiet(client_for(member))
        for name in ("edit", "team", "coach-assign", "cancel", "credit", "waiting-start", "tollgate-submit"):
            sweep.send(
                member.role,
                web,
                "post",
                f"/t/{world_a.slug}/projects/{pid}/{_suffix(name)}",
                api=False,
                data={
                    key: value if isinstance(value, str) else str(value)
                    for key, value in bad_project.items()
                    if not isinstance(value, list)
                },
            )
    sweep.check()
    with world_a.context():
        assert Project.objects.filter(pk=project.pk).values(*fields).get() == before
        assert list(Benefit.objects.filter(project=project).values()) == benefits_before


def _suffix(name: str) -> str:
    return {
        "edit": "edit/",
        "team": "team/",
        "coach-assign": "coach/",
        "cancel": "cancel/",
        "credit": "credit/",
        "waiting-start": "waiting/",
        "tollgate-submit": "tollgate/",
    }[name]


def test_the_fingerprint_sees_a_change_in_any_tenant_table(world_a, world_b):
    """The check itself: a row changed behind the sweep's back is reported with its table."""
    from partnering.models import Meeting
    from partnering.tests.factories import meeting_for

    meeting = meeting_for(world_a)
    before = fingerprint(world_a)
    assert {"core_membership", "partnering_meeting", "projects_project", "dashboards_scorecard"} <= set(before)
    other = fingerprint(world_b)
    with world_a.context():
        Meeting.objects.filter(pk=meeting.pk).update(location="Moved")
    assert changed_tables(before, fingerprint(world_a)) == ["partnering_meeting", "partnering_meetingevent"]
    assert fingerprint(world_b) == other


# --------------------------------------------------------------------------- query strings


def query_params(client: Any, template: str, path: str) -> list[str]:
    """The documented query parameters (API), or the page's GET-form fields, plus the usual ones."""
    names = {p["name"] for p in operation(template, "get").get("parameters", []) if p.get("in") == "query"}
    if not template.startswith("api/"):
        response = client.get(path)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = FormFields(path, method="get")
            parser.feed(response.content.decode())
            names |= set(parser.values)
    return sorted(names | {"q", "page", "sort", "ordering"})


QUERY_VALUES = ["abc", NUL, HUGE, "-1", "99999999999999999999", "OTHER_TENANT", "2026-02-30"]
#: one parameter at a time (an early 400/404 on another parameter must not hide a crash)
PARAM_VALUES = [NUL, "abc"] if DEEP else [NUL]


def query_sweep(sweep: Sweep, name: str, template: str, path: str, foreign: Any, client_for: Any, api_for: Any) -> None:
    """GET the route with bad query strings: all parameters at once, then one at a time."""
    world_a = sweep.world
    api = template.startswith("api/")
    role = ROUTE_ROLES.get(name, "admin")
    for label, member in [(role, world_a.member(role)), ("customer_x", world_a.customer_x)]:
        client = _quiet(api_for(member) if api else client_for(member))
        params = query_params(client, template, path)
        sweep.sync()
        for raw in QUERY_VALUES if label != "customer_x" else QUERY_VALUES[:3]:
            value = foreign["project"] if raw == "OTHER_TENANT" else raw
            query = dict.fromkeys(params, value)
            response = sweep.send(f"{label} ?*={raw!r:.20}", client, "get", path, api=api, data=query)
            if label == "customer_x" and response.status_code in (403, 404):
                break  # the role check and the lookup come before any parameter is read
        if label == "customer_x":
            continue
        for param in params:
            for value in PARAM_VALUES:
                sweep.send(f"{label} ?{param}={value!r:.20}", client, "get", path, api=api, data={param: value})
