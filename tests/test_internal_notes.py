"""Internal-only content never reaches a customer participant: every page, API route, export and
e-mail, crawled as the customer with a sentinel in every internal field.

No list of models, fields or exports is kept here. The internal fields are discovered from ``apps.get_models()``:
every text field named ``internal_…`` gets the sentinel on every row of the tenant, and every model
with a boolean ``internal_only`` gets an internal-only twin of each of its rows whose text fields
and files carry the sentinel. The routes are the route map of ``test_isolation`` (list routes as
they are, object routes filled from the isolation registry, and once more with the id of an
internal-only twin wherever the fill pointed at the row it was copied from), so a new model, field,
page, export (``….csv``, ``….ics``) or endpoint is covered without changes here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from pghistory.models import Event

from partnering import tasks
from partnering.tests.factories import action_for, contact_for, meeting_for, relationship_for, topic_for
from projects.tests.factories import project_for
from tests.discovery import app_models
from tests.test_isolation import OBJECT_ROUTES, ROUTE_ROLES, ROUTES

SECRET = "ZZ-INTERNAL-ONLY-7c41"

ModelType = type[models.Model]


def _internal_text_fields(model: ModelType) -> list[str]:
    return [
        each.name
        for each in model._meta.concrete_fields
        if isinstance(each, (models.CharField, models.TextField)) and each.name.startswith("internal_")
    ]


def _has_internal_only(model: ModelType) -> bool:
    return any(
        each.name == "internal_only" and isinstance(each, models.BooleanField) for each in model._meta.concrete_fields
    )


#: model → its ``internal_…`` text fields; models whose rows can be marked ``internal_only``.
INTERNAL_TEXT: dict[ModelType, list[str]] = {
    m: _internal_text_fields(m) for m in app_models() if _internal_text_fields(m)
}
INTERNAL_ONLY: list[ModelType] = [m for m in app_models() if _has_internal_only(m)]


def _is_export(path: str) -> bool:
    return re.search(r"([./]ics|\.csv|export)/?$", path) is not None


#: Downloads and feeds (``….csv``, ``….ics``, ``…/export/``), from the route map.
EXPORT_ROUTES = [(name, template) for name, template in ROUTES if _is_export(template)]


def _tag(model: ModelType) -> str:
    """The sentinel of one model: the control test proves each model's internal content renders."""
    return f"{SECRET} {model.__name__}"


def _label(model: ModelType) -> str:
    return model._meta.label


def _base_rows(world: Any) -> None:
    """A row of the partnering and projects models with internal content (whatever the fills make),
    and an overdue action the customer owns, for the digest."""
    relationship = relationship_for(world)
    meeting_for(world, relationship=relationship)
    topic_for(world, relationship=relationship)
    contact_for(world, account=world.account_x)
    project_for(world, account=world.account_x)
    action_for(
        world,
        relationship=relationship,
        owner=world.customer_x,
        title="Customer's own action",
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )


def _sentinel_text(value_for: str, field: models.Field[Any, Any]) -> str | None:
    if field.max_length is None or field.max_length >= len(value_for):
        return value_for
    return SECRET if field.max_length >= len(SECRET) else None


def _field_sentinel(model: ModelType, name: str) -> str:
    text = _sentinel_text(f"{_tag(model)} {name}", model._meta.get_field(name))
    assert text is not None, f"{_label(model)}.{name} is too short to carry the sentinel {SECRET!r}"
    return text


def _twin(row: models.Model) -> models.Model:
    """An internal-only copy of ``row`` whose every free text field and file carries the sentinel."""
    model = type(row)
    twin = model._default_manager.get(pk=row.pk)
    twin.pk = None
    twin._state.adding = True
    twin.internal_only = True
    for each in model._meta.concrete_fields:
        if isinstance(each, (models.CharField, models.TextField)) and not each.choices and not each.primary_key:
            text = _sentinel_text(f"{_tag(model)} {each.name}", each)
            if text is not None:
                setattr(twin, each.attname, text)
        elif isinstance(each, models.FileField):
            getattr(twin, each.name).save(f"{SECRET}.txt", ContentFile(_tag(model).encode()), save=False)
    try:
        with transaction.atomic():
            twin.save()
    except IntegrityError as error:  # a model with constraints a plain copy breaks
        pytest.fail(f"cannot copy a {_label(model)} row into an internal-only twin ({error}): add a factory for it")
    return twin


def _mark_everything_internal(world: Any) -> dict[str, str]:
    """Sentinel in every discovered internal field of world's rows; the twins, source id → twin id."""
    twins: dict[str, str] = {}
    with world.context():
        for model, names in INTERNAL_TEXT.items():
            rows = model._default_manager.all()
            assert rows.exists(), f"the crawl cannot prove {_label(model)} hides its internal field: create a row"
            rows.update(**{name: _field_sentinel(model, name) for name in names})
        for model in INTERNAL_ONLY:
            rows = list(model._default_manager.all())
            assert rows, f"the crawl cannot prove {_label(model)} hides its internal rows: create a row"
            twins.update({str(row.pk): str(_twin(row).pk) for row in rows})
    return twins


def _seeded_paths(world: Any) -> Iterator[tuple[str, str]]:
    """(route name, path) of every tenant route, rows seeded; object routes once more per twin."""
    _base_rows(world)
    filled: list[tuple[str, str, dict[str, str]]] = []
    for name, template in ROUTES:
        params = set(re.findall(r"{(\w+)}", template)) - {"tenant_slug"}
        values = {"tenant_slug": world.slug}
        if params:
            assert name in OBJECT_ROUTES, f"route {name!r} ({template}) takes ids: register it in OBJECT_ROUTES"
            values.update(OBJECT_ROUTES[name][0](world))
        filled.append((name, template, values))
    twins = _mark_everything_internal(world)  # after the fills, so the rows they created get it too
    for name, template, values in filled:
        yield name, "/" + template.format(**values)
        for key, value in values.items():
            if value in twins:
                yield name, "/" + template.format(**{**values, key: twins[value]})


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def test_internal_fields_are_discovered_from_the_models():
    text = {f"{_label(model)}.{name}" for model, names in INTERNAL_TEXT.items() for name in names}
    only = {_label(model) for model in INTERNAL_ONLY}
    print("internal text fields:", sorted(text), "\ninternal_only models:", sorted(only))
    assert text >= {
        f"{label}.internal_notes"
        for label in (
            "partnering.CustomerAccount",
            "partnering.Relationship",
            "partnering.Meeting",
            "partnering.FutureTopic",
            "partnering.Contact",
            "projects.Project",
        )
    }
    assert only >= {
        "partnering.ActionItem",
        "projects.ProjectComment",
        "projects.ProjectActivity",
        "projects.ProjectAttachment",
    }
    # History tables copy the tracked fields but are never served: discovery leaves them out.
    events = [m for m in apps.get_models() if issubclass(m, Event) and _internal_text_fields(m)]
    assert events, "pghistory tracks models with internal notes: their event tables must exist"
    assert not set(events) & set(INTERNAL_TEXT)


def test_exports_are_discovered_from_the_route_map():
    templates = {template for _, template in EXPORT_ROUTES}
    assert templates >= {
        "t/{tenant_slug}/accounts/export.csv",
        "t/{tenant_slug}/relationships/{pk}/meetings.ics",
        "t/{tenant_slug}/projects/export.csv",
    }
    assert set(EXPORT_ROUTES) <= set(ROUTES)  # so the crawl below requests every one of them


def test_no_internal_content_reaches_a_customer_anywhere(world_a, client_for, api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    customer = world_a.customer_x
    pages, api = client_for(customer), api_for(customer)
    answered: dict[str, int] = {}
    for name, path in _seeded_paths(world_a):
        response = (api if path.startswith("/api/") else pages).get(path)
        body = _body(response)
        assert SECRET not in body, f"internal content leaked to a customer at {path} ({name}, {response.status_code})"
        answered[path] = response.status_code
    assert list(answered.values()).count(200) >= 15  # real pages and answers, not only refusals

    # Exports and feeds are tenant routes, so the crawl above read them; a customer reaches them.
    exports = {path: status for path, status in answered.items() if _is_export(path)}
    assert len(exports) >= len(EXPORT_ROUTES), exports
    assert set(exports.values()) <= {200, 403, 404}, exports
    assert 200 in exports.values(), exports

    # E-mails: the weekly digest to the customer lists their own overdue action (its internal-only
    # twin is overdue and theirs too), nothing internal.
    mail.outbox.clear()
    tasks.action_digest_for_tenant(str(world_a.tenant.pk))
    to_customer = [m for m in mail.outbox if customer.user.email in m.to]
    assert to_customer, "the customer should get a digest of their overdue action"
    for message in to_customer:
        assert SECRET not in message.subject + message.body
        assert "Customer's own action" in message.body


def test_the_sentinel_is_visible_to_our_own_people(world_a, client_for, api_for, settings, tmp_path):
    """Control for the crawl above: crawled as our people, every discovered field and internal-only
    model shows its sentinel on some page, API answer or download."""
    settings.MEDIA_ROOT = tmp_path
    roles = {"rep", *ROUTE_ROLES.values()}
    pages = {role: client_for(world_a.member(role)) for role in roles}
    api = {role: api_for(world_a.member(role)) for role in roles}
    unseen = {
        _field_sentinel(model, name): f"{_label(model)}.{name}"
        for model, names in INTERNAL_TEXT.items()
        for name in names
    }
    unseen.update({_tag(model): f"{_label(model)} (internal_only)" for model in INTERNAL_ONLY})
    for name, path in _seeded_paths(world_a):
        if not unseen:
            break
        role = ROUTE_ROLES.get(name, "rep")
        response = (api if path.startswith("/api/") else pages)[role].get(path)
        body = _body(response)
        for tag in [tag for tag in unseen if tag in body]:
            del unseen[tag]
    assert not unseen, f"no page or API answer shows our people the internal content of {sorted(unseen.values())}"
