"""Bad input never breaks the projects and knowledge areas.

The rule: bad input gets a clear message (form errors on pages, 400 with field errors in the API),
never a 500, and a refused write changes nothing already saved.

Every tenant route of the ``projects`` and ``knowledge`` apps is enumerated from the URL map (like
``tests/test_isolation.py``; ids come from the same ``OBJECT_ROUTES`` fill functions) and swept:

* API routes that accept POST/PATCH/PUT get, as admin, rep and customer_x (plus the route's own role
  from ``ROUTE_ROLES``): ``{}``, every documented body field set at once to ``None``, ``""``, a
  5000-character string, ``-1``, ``"abc"``, ``[1, 2]``, ``{"a": 1}``, a random UUID and another
  tenant's ids, a non-JSON body with a JSON content type, and (as the admin) each field alone swapped
  for each bad value inside an otherwise valid body (the object's own representation), so values that
  pass the serializer still reach the service and the database.
* Page routes get empty, garbage, huge, non-UUID and other-tenant form posts, whole-form and one field
  at a time on top of the form's own current values.
* The attachment endpoints get wrong, disguised, empty, huge and missing files.

Every response must be < 500; an API 400 must have the error shape; after every refused request
(4xx), the tenant's projects (title, problem, phase, lead, coach, sponsor …) and benefits are exactly
as before.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from tests.test_isolation import OBJECT_ROUTES, ROUTE_ROLES, TENANT_PREFIXES, _template

APPS = ("projects", "knowledge")
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


# --------------------------------------------------------------------------- route enumeration


def _app_routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, str, Any]]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        template = prefix + _template(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _app_routes(entry.url_patterns, template)
        elif isinstance(entry, URLPattern) and template.startswith(TENANT_PREFIXES) and "{format}" not in template:
            callback = entry.callback
            view = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
            if view.__module__.split(".")[0] in APPS:
                yield entry.name or template, template, callback


ALL_ROUTES = sorted(_app_routes(), key=lambda route: route[0])
API_ROUTES = [
    (name, template, [method for method in WRITE_METHODS if method in (getattr(callback, "actions", None) or {})])
    for name, template, callback in ALL_ROUTES
    if template.startswith("api/")
]
PAGE_ROUTES = [(name, template) for name, template, _ in ALL_ROUTES if not template.startswith("api/")]


def test_the_sweep_covers_both_apps():
    names = {name for name, _, _ in API_ROUTES} | {name for name, _ in PAGE_ROUTES}
    assert {"api-project-list", "api-benefit-detail", "api-solution-area-list", "quick-log", "area-edit"} <= names
    assert sum(len(methods) for _, _, methods in API_ROUTES) >= 35 and len(PAGE_ROUTES) >= 40


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


def body_fields(template: str, method: str) -> dict[str, dict[str, Any]]:
    """Writable properties of the documented request body (name → property schema)."""
    operation = _schema()["paths"].get("/" + template, {}).get(method, {})
    content = operation.get("requestBody", {}).get("content", {})
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

PROJECT_FIELDS = [
    "id",
    "title",
    "problem_statement",
    "goal_statement",
    "phase",
    "lead_id",
    "coach_id",
    "customer_sponsor_id",
    "customer_account_id",
    "internal_notes",
    "credit_owner",
]


def snapshot(world: Any) -> tuple[list[Any], list[Any]]:
    from projects.models import Benefit, Project

    with world.context():
        projects = list(Project.objects.order_by("id").values(*PROJECT_FIELDS))
        benefits = list(Benefit.objects.order_by("id").values())
    for row in benefits:
        row.pop("updated_at", None)
    return projects, benefits


class Sweep:
    """Sends requests inside a savepoint, collects 500s and refused writes that changed data."""

    def __init__(self, world: Any) -> None:
        self.world = world
        self.failures: list[str] = []
        self.sent = 0
        self.statuses: dict[int, int] = {}
        self.state = snapshot(world)

    def send(self, label: str, client: Any, method: str, path: str, *, api: bool, **kwargs: Any) -> Any:
        savepoint = transaction.savepoint()
        response = getattr(client, method)(path, **kwargs)
        self.sent += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            exc = getattr(response, "exc_info", None)
            cause = f"{exc[0].__name__}: {str(exc[1])[:200]}" if exc else response.content[:200]
            self.failures.append(f"{method.upper()} {path} [{label}] → {response.status_code} {cause}")
            return response
        transaction.savepoint_commit(savepoint)
        if api and response.status_code == 400:
            error = response.json().get("error", {})
            if set(error) != {"status", "code", "message", "fields"}:
                self.failures.append(f"{method.upper()} {path} [{label}] → 400 without the error shape: {error}")
        current = snapshot(self.world)
        refused = response.status_code >= 400 or (not api and method == "post" and response.status_code == 200)
        if refused and current != self.state:
            self.failures.append(f"{method.upper()} {path} [{label}] → {response.status_code} but data changed")
        self.state = current
        return response

    def check(self) -> None:
        print(f"sweep: {self.sent} requests, statuses {dict(sorted(self.statuses.items()))}")
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


#: route → the role that may really write there (swept one field at a time as that role); default: admin.
SWEEP_ROLES = {
    "api-belt-candidate-certify": "coach",
    "api-benefit-validate": "customer_x",
    "api-benefit-dispute": "customer_x",
    "api-project-feedback-list": "customer_x",
    "benefit-validate": "customer_x",
    "feedback-create": "customer_x",
}


def _roles(world: Any, name: str) -> list[tuple[str, Any]]:
    roles = [("admin", world.admin), ("rep", world.rep), ("customer_x", world.customer_x)]
    extra = ROUTE_ROLES.get(name) or SWEEP_ROLES.get(name)
    if extra and extra not in ("admin", "rep", "customer_x"):
        roles.append((extra, world.member(extra)))
    return roles


def foreign_ids(world_b: Any) -> dict[str, str]:
    """One id per kind of object, all of tenant B."""
    from projects.tests.factories import area_for, project_for

    project = project_for(world_b, title="Foreign project")
    return {
        "project": str(project.pk),
        "area": str(area_for(world_b, "Foreign area").pk),
        "member": str(world_b.member("coach").pk),
        "account": str(world_b.account_x.pk),
    }


def _foreign_for(field: str, foreign: dict[str, str]) -> str:
    if "area" in field or field == "parent":
        return foreign["area"]
    if "account" in field:
        return foreign["account"]
    if any(word in field for word in ("member", "coach", "lead", "sponsor", "team", "by", "candidate", "scorer")):
        return foreign["member"]
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


def valid_bodies(world: Any) -> dict[str, dict[str, Any]]:
    """A valid body per write route whose own GET does not show one (the sweep swaps one field at a time)."""
    from projects import belts
    from projects.tests.factories import area_for
    from projects.tests.isolation_belts import cohort_for
    from projects.tests.isolation_projects import _project
    from projects.tests.isolation_workflow import _project as workflow_project

    project = str(_project(world).pk)
    coach = str(world.member("coach").pk)
    with world.context():
        module = next(m for m in belts.training_modules_ensure() if m.belt_level == "green")
        in_define = str(workflow_project(world).pk)
    scores = {"customer_value": 4, "buy_in": 3, "durability": 3, "effort": 2, "data_availability": 4}
    return {
        "api-belt-candidate-certify": {"certified_on": "2026-06-01", "note": "Signed off"},
        "api-belt-candidate-complete-module": {"module": str(module.pk), "completed_on": "2026-06-01", "done": True},
        "api-belt-candidate-list": {
            "member": str(world.member("champion").pk),
            "cohort": str(cohort_for(world).pk),
            "target_belt": "green",
            "joined_on": "2026-01-01",
        },
        "api-benefit-dispute": {"comment": "Not what we measured"},
        "api-benefit-validate": {"validated_amount": "50.00", "comment": "Confirmed"},
        "api-checklist-item-list": {"project": in_define, "phase": "define", "title": "Extra deliverable"},
        "api-coach-expertise-list": {"coach": coach, "area": str(area_for(world, "Sweep area").pk), "note": "Pumps"},
        "api-cohort-list": {
            "name": "Sweep wave",
            "belt_level": "green",
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "coach": coach,
        },
        "api-project-assign-coach": {"coach": coach},
        "api-project-cancel": {"reason": "Customer reorganised"},
        "api-project-comment-list": {"project": project, "body": "Hello", "internal_only": False},
        "api-project-credit": {"owner": "both", "note": "Agreed"},
        "api-project-feedback-list": {
            "project": project,
            "phase": "candidate",
            "satisfaction": 4,
            "what_worked": "Data",
            "what_to_change": "Pace",
        },
        "api-project-list": {
            "customer_account": str(world.account_x.pk),
            "title": "Sweep project",
            "problem_statement": "Too much waste.",
            "belt_level": "green",
            "lead": str(world.rep.pk),
        },
        "api-project-score": scores,
        "api-project-team": {"contacts": []},
        "api-selection-score-list": {"project": project, **scores},
        "api-solution-area-list": {"name": "Sweep new area", "description": "d"},
        "api-tollgate-review-decide": {"decision": "approve", "comments": "Good"},
        "api-tollgate-review-list": {"project": project, "summary": "Ready"},
        "api-training-module-list": {"belt_level": "green", "name": "Sweep module", "position": 5, "is_required": True},
        "api-waiting-period-end": {"ended_on": "2026-06-01"},
        "api-waiting-period-list": {
            "project": project,
            "kind": "data",
            "reason": "Export",
            "expected_end_on": "2026-12-31",
        },
    }


def _baseline(client: Any, path: str, name: str, fields: dict[str, Any], world: Any) -> dict[str, Any]:
    """A plausibly valid body: a known one, else the object's own representation."""
    known = valid_bodies(world).get(name)
    if known is not None:
        return known
    source = path
    if name.endswith("-list"):
        detail = name[: -len("-list")] + "-detail"
        template = next((t for n, t, _ in ALL_ROUTES if n == detail), None)
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
    sweep = Sweep(world_a)
    for method in methods:
        api_write_sweep(sweep, name, template, method, path, foreign, api_for)
    query_sweep(sweep, name, template, path, foreign, client_for, api_for)
    sweep.check()


def api_write_sweep(sweep: Sweep, name: str, template: str, method: str, path: str, foreign: Any, api_for: Any) -> None:
    world_a = sweep.world
    fields = body_fields(template, method) or (body_fields(template, "patch") if method == "put" else {})
    for role, member in _roles(world_a, name):
        client = _quiet(api_for(member))
        sweep.send(f"{role} {{}}", client, method, path, api=True, data={}, format="json")
        sweep.send(
            f"{role} non-JSON", client, method, path, api=True, data="{not json", content_type="application/json"
        )
        if not fields:
            continue
        for raw in BAD_VALUES if role == "admin" else SHORT_BAD_VALUES:
            body = {field: _bad(raw) for field in fields}
            sweep.send(f"{role} all={raw!r:.20}", client, method, path, api=True, data=body, format="json")
        body = {field: _foreign_value(field, prop, foreign) for field, prop in fields.items()}
        sweep.send(f"{role} all=foreign ids", client, method, path, api=True, data=body, format="json")
        if role != SWEEP_ROLES.get(name, ROUTE_ROLES.get(name, "admin")):
            continue
        baseline = _baseline(client, path, name, fields, world_a)
        sweep.state = snapshot(world_a)  # the fill functions may have created the object shown
        sweep.send(f"{role} valid body", client, method, path, api=True, data=baseline, format="json")
        for field, prop in fields.items():
            values = [_bad(raw) for raw in COMMON_BAD + BAD_BY_TYPE[_kind(prop)]]
            values = [_foreign_value(field, prop, foreign) if value == "FOREIGN" else value for value in values]
            for value in values:
                body = {**baseline, field: value}
                label = f"{role} {field}={value!r:.20}"
                sweep.send(label, client, method, path, api=True, data=body, format="json")


# --------------------------------------------------------------------------- page forms


class FormFields(HTMLParser):
    """Field names and current values of the page's POST forms that post back to ``path``."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._in_form = a.get("method", "get").lower() == "post" and a.get("action", "") in ("", self.path)
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
    """The fields of the route's own page, or (POST-only routes such as checklist toggles) of the
    project page's forms that post to it."""
    values: dict[str, str] = {}
    project_page = re.match(r"^/t/[^/]+/projects/[0-9a-f-]{36}/", path)
    for source in (path, project_page.group(0) if project_page else None):
        if values or source is None:
            break
        response = client.get(source)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormFields(path)
        parser.feed(response.content.decode())
        values = parser.values
    return values


@pytest.mark.parametrize(("name", "template"), PAGE_ROUTES, ids=[name for name, _ in PAGE_ROUTES])
def test_page_survives_bad_input(name, template, world_a, world_b, client_for, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    foreign = foreign_ids(world_b)
    path = _path(template, name, world_a)
    sweep = Sweep(world_a)
    page_form_sweep(sweep, name, path, foreign, client_for)
    query_sweep(sweep, name, template, path, foreign, client_for, api_for)
    sweep.check()


def page_form_sweep(sweep: Sweep, name: str, path: str, foreign: Any, client_for: Any) -> None:
    world_a = sweep.world
    for role, member in _roles(world_a, name):
        client = _quiet(client_for(member))
        baseline = form_values(client, path)
        sweep.send(f"{role} empty", client, "post", path, api=False, data={})
        for raw in PAGE_BAD_VALUES if role == "admin" else SHORT_BAD_VALUES[1:]:
            value = foreign["project"] if raw == "OTHER_TENANT" else raw
            body = {field: value for field in baseline} or {"title": value, "id": value, "project": value}
            sweep.send(f"{role} all={raw:.20}", client, "post", path, api=False, data=body)
        if role != SWEEP_ROLES.get(name, ROUTE_ROLES.get(name, "admin")):
            continue
        for field in baseline:
            for raw in FIELD_BAD_VALUES:
                value = _foreign_for(field, foreign) if raw == "OTHER_TENANT" else raw
                label = f"{role} {field}={raw:.20}"
                sweep.send(label, client, "post", path, api=False, data={**baseline, field: value})


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


def test_attachment_uploads_survive_bad_files(world_a, world_b, client_for, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    foreign = foreign_ids(world_b)
    page = _path(next(t for n, t, _ in ALL_ROUTES if n == "attachment-upload"), "attachment-upload", world_a)
    api = f"/api/v1/t/{world_a.slug}/project-attachments/"
    project_id = page.rstrip("/").split("/")[-2]
    sweep = Sweep(world_a)
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
    sweep = Sweep(world_a)
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


# --------------------------------------------------------------------------- query strings


def query_params(client: Any, template: str, path: str) -> list[str]:
    """The documented query parameters (API), or the page's GET-form fields, plus the usual ones."""
    operation = _schema()["paths"].get("/" + template, {}).get("get", {})
    names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    if not template.startswith("api/"):
        response = client.get(path)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            names |= set(re.findall(r'<(?:input|select)[^>]*\bname="([\w-]+)"', response.content.decode()))
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
        for raw in QUERY_VALUES if label != "customer_x" else QUERY_VALUES[:3]:
            value = foreign["project"] if raw == "OTHER_TENANT" else raw
            sweep.send(f"{label} ?*={raw!r:.20}", client, "get", path, api=api, data=dict.fromkeys(params, value))
        if label == "customer_x":
            continue
        for param in params:
            for value in PARAM_VALUES:
                sweep.send(f"{label} ?{param}={value!r:.20}", client, "get", path, api=api, data={param: value})
