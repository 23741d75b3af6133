"""One declarative test base for the program-office admin of every app (NetBox's ViewTestCases style).

An app's ``tests/test_admin.py`` declares what is particular to it and inherits the rest::

    class TestPartneringAdmin(AdminCases):
        app_label = "partnering"
        search_models = (Contact, Meeting)        # a search for the other tenant's tag finds nothing

        @staticmethod
        def fill(world, tag):                      # one row of every model of the app, names tagged
            ...

The shared tests, for **every model of the app registered in the admin** (discovered from
``admin.site``; pghistory's event tables are history, not administered): the changelist opens and
shows exactly the active workspace's rows, never a row or a name of the other tenant; the change
page of an own row opens and the other tenant's row is "missing" (a redirect to the index, never
its content); the index lists every model; a search for the other tenant's tag finds nothing;
members of every other role get the "Program office only" 403 on every changelist; and every model
of the app is registered. App-specific tests (inlines, the services' rules) are methods of the
subclass and use the same fixtures (``rows_a``, ``rows_b``, ``admin_a``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pghistory.models
import pytest
from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.test import Client

from core.models import Role

#: Roles that are not the program office: each gets a 403 on every admin page of every app.
OTHER_ROLES = (Role.REP, Role.COACH, Role.CHAMPION, Role.EXECUTIVE, Role.CUSTOMER)


def admin_url(model: type[Model], suffix: str = "") -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def app_models(app_label: str) -> list[type[Model]]:
    """Every model of the app but pghistory's event tables, by name."""
    return sorted(
        (
            m
            for m in apps.get_app_config(app_label).get_models()
            if not issubclass(m, pghistory.models.Event) and not m._meta.auto_created
        ),
        key=lambda m: m.__name__,
    )


def registered_models(app_label: str) -> list[type[Model]]:
    return [m for m in app_models(app_label) if m in admin.site._registry]


def member_of(world: Any, role: str) -> Any:
    return world.customer_x if role == Role.CUSTOMER else world.member(role)


class AdminCases:
    """Inherit, set ``app_label``, implement ``fill``; see the module docstring."""

    app_label: ClassVar[str]
    #: Models searched with the other tenant's tag ("bravo"): the result must be empty.
    search_models: ClassVar[tuple[type[Model], ...]] = ()
    #: Models registered on purpose elsewhere or not at all (with a reason in the subclass).
    unregistered_ok: ClassVar[tuple[str, ...]] = ()

    @staticmethod
    def fill(world: Any, tag: str) -> Any:
        raise NotImplementedError

    # --- fixtures ----------------------------------------------------------------------------

    @pytest.fixture
    def rows_a(self, world_a: Any) -> Any:
        return self.fill(world_a, "alpha")

    @pytest.fixture
    def rows_b(self, world_b: Any) -> Any:
        return self.fill(world_b, "bravo")

    @pytest.fixture
    def admin_a(self, world_a: Any, world_b: Any, rows_a: Any, rows_b: Any, client_for: Any) -> Client:
        """The admin of A with A's program office opened (A is the active workspace)."""
        client = client_for(world_a.admin)
        response = client.get(f"/t/{world_a.slug}/program-office/")
        assert response.status_code == 302 and client.session["active_tenant"] == world_a.slug
        return client

    # --- the shared tests --------------------------------------------------------------------

    def test_every_model_of_the_app_is_registered(self) -> None:
        registered = {m.__name__ for m in registered_models(self.app_label)}
        missing = {m.__name__ for m in app_models(self.app_label)} - registered - set(self.unregistered_ok)
        assert not missing

    def test_changelist_and_change_page_show_only_the_active_tenants_rows(
        self, admin_a: Client, world_a: Any, world_b: Any, admin_model: type[Model]
    ) -> None:
        model = admin_model
        response = admin_a.get(admin_url(model))
        assert response.status_code == 200
        shown = {row.pk for row in response.context["cl"].result_list}
        with world_a.context():
            expected = set(model.objects.values_list("pk", flat=True))  # type: ignore[attr-defined]
        with world_b.context():
            foreign = set(model.objects.values_list("pk", flat=True))  # type: ignore[attr-defined]
        assert shown == expected and shown, f"{model.__name__}: fill() must create a row in each tenant"
        assert not shown & foreign
        assert "bravo" not in response.content.decode().lower()
        page = admin_a.get(admin_url(model, f"{sorted(shown)[0]}/change/"))
        assert page.status_code == 200, model
        assert "bravo" not in page.content.decode().lower()
        missing = admin_a.get(admin_url(model, f"{sorted(foreign)[0]}/change/"))
        assert missing.status_code == 302 and missing["Location"] == "/admin/"

    def test_a_malformed_id_is_not_a_500(self, admin_a: Client) -> None:
        for model in registered_models(self.app_label):
            assert admin_a.get(admin_url(model, "not-a-uuid/change/")).status_code == 302, model

    def test_admin_index_lists_the_apps_models(self, admin_a: Client) -> None:
        html = admin_a.get("/admin/").content.decode()
        for model in registered_models(self.app_label):
            assert admin_url(model) in html, model

    def test_search_does_not_reach_other_tenants(self, admin_a: Client) -> None:
        for model in self.search_models:
            response = admin_a.get(admin_url(model), {"q": "bravo"})
            assert response.status_code == 200 and response.context["cl"].result_count == 0, model

    @pytest.mark.parametrize("role", OTHER_ROLES)
    def test_other_roles_get_the_program_office_only_page(
        self, world_a: Any, rows_a: Any, client_for: Any, role: str
    ) -> None:
        client = client_for(member_of(world_a, role))
        client.get(f"/t/{world_a.slug}/")
        for model in registered_models(self.app_label):
            response = client.get(admin_url(model), follow=True)
            assert response.status_code == 403, model
            assert "Program office only" in response.content.decode()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``admin_model``: one test per registered model of the subclass's app."""
    cls = metafunc.cls
    if cls is not None and issubclass(cls, AdminCases) and "admin_model" in metafunc.fixturenames:
        models = registered_models(cls.app_label)
        metafunc.parametrize("admin_model", models, ids=[m.__name__ for m in models])
