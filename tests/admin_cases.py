"""One declarative test base for the program-office admin of every app (NetBox's ViewTestCases style).

An app's ``tests/test_admin.py`` declares what is particular to it and inherits the rest::

    class TestPartneringAdmin(AdminCases):
        app_label = "partnering"
        global_models = {}                         # not tenant-owned: {Model: SUPERUSER_ONLY or VISIBLE}
        unregistered_ok = {}                       # {"ModelName": "why it is not in the admin"}

        @staticmethod
        def fill(world, tag):                      # one row of every registered model, names tagged
            ...

The world of the active workspace (A) is filled with the tag ``alpha``, the other tenant (B) with
``bravo``. The shared tests, discovered from ``admin.site`` (pghistory's event tables are history,
not administered):

* every model of the app is registered, or named in ``unregistered_ok`` with a reason; every
  registered model that is not tenant-owned is declared in ``global_models`` and keeps to it:
  ``SUPERUSER_ONLY`` models are not on a tenant admin's index and their changelist, add, change,
  history and delete pages are a 403 for them, ``VISIBLE`` ones are listed and open; a platform
  superuser sees both kinds listed and open (and a bulk action on a malformed id is no 500 there);
* the index lists every tenant model of the app and no name of the other tenant;
* for **every registered tenant model** (one test each, ``admin_model``): the changelist shows
  exactly the active workspace's rows (``fill`` must create one in each world) and no ``bravo``;
  the change and history pages of an own row open, and so does its delete confirmation when the
  admin allows deleting it (a 403 otherwise), none of them naming the other tenant; the other
  tenant's row is "missing" (a redirect to the index, whose message names no ``bravo``) for its
  change and history pages, and for a GET or POST of its delete page and a POST of its change page
  (a 403 where the admin refuses that for every row); every bulk action of the changelist posted
  with the other tenant's id leaves that row unchanged;
* a search for ``bravo`` on every model whose ModelAdmin has ``search_fields`` finds nothing, links
  no foreign row and shows ``bravo`` only in the search box;
* a malformed id on the change, history and delete pages and in a bulk action is not a 500;
* members of every other role get the "Program office only" 403 on the index and on the
  changelist and add page of every registered model (and an own row's change page of every tenant
  model), and nothing tagged ``alpha`` shows on it (but their own name and e-mail); anonymous
  visitors are sent to sign in.

App-specific tests (inlines, the services' rules, read-only or superuser-only admins, add forms)
are methods of the subclass and use the same fixtures (``rows_a``, ``rows_b``, ``admin_a``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.test import Client, RequestFactory

from core import members
from core.http import bind_tenant
from core.models import Role, User
from core.tenancy import TenantScopedModel
from tests.discovery import app_models

#: Roles that are not the program office: each gets a 403 on every admin page of every app.
OTHER_ROLES = (Role.REP, Role.COACH, Role.CHAMPION, Role.EXECUTIVE, Role.CUSTOMER)
#: The tags ``fill`` writes into the rows of the active workspace (A) and of the other tenant (B).
TAG_A, TAG_B = "alpha", "bravo"
#: Expectations of a global (not tenant-owned) model.
SUPERUSER_ONLY, VISIBLE = "superuser-only", "visible"
#: Django admin's answer for an object it cannot find: back to the index with a message.
MISSING = "/admin/"


def admin_url(model: type[Model], suffix: str = "") -> str:
    return f"/admin/{model._meta.app_label}/{model._meta.model_name}/{suffix}"


def registered_models(app_label: str) -> list[type[Model]]:
    return [m for m in app_models(app_label) if m in admin.site._registry]


def tenant_models(app_label: str) -> list[type[Model]]:
    return [m for m in registered_models(app_label) if issubclass(m, TenantScopedModel)]


def model_admin(model: type[Model]) -> admin.ModelAdmin:
    return admin.site._registry[model]


def change_form_data(page: Any) -> dict[str, Any]:
    """What a browser would post back from an admin add/change page as it is (form, inlines and
    their management forms): a test changes the fields it is about and posts the rest unchanged."""
    form = page.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form.initial.get(name)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{key}"] = management[key].value()
        for inline_form in formset.formset.forms:
            for name, field in inline_form.fields.items():
                value = inline_form.instance.pk if name == "id" else inline_form.initial.get(name)
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, bool) or getattr(field.widget, "input_type", None) == "checkbox":
                    if value:
                        data[f"{inline_form.prefix}-{name}"] = "on"
                    continue
                data[f"{inline_form.prefix}-{name}"] = "" if value is None else value
    return data


def member_of(world: Any, role: str) -> Any:
    return world.customer_x if role == Role.CUSTOMER else world.member(role)


def acting_request(membership: Any) -> HttpRequest:
    """A request as the admin site binds it for ``membership`` (to ask a ModelAdmin what it allows)."""
    request = RequestFactory().get("/admin/")
    request.user = membership.user
    bind_tenant(request, membership.tenant, membership)
    return request


def pks_in(world: Any, model: type[Model]) -> list[Any]:
    with world.context():
        return sorted(model.objects.values_list("pk", flat=True))  # type: ignore[attr-defined]


def stored(world: Any, model: type[Model], pk: Any) -> dict[str, Any] | None:
    with world.context():
        return model.objects.filter(pk=pk).values().first()  # type: ignore[attr-defined, no-any-return]


#: CSRF tokens are random letters and digits: one may spell a tag by chance ("…ptalphaz…").
CSRF_TOKEN = re.compile(r'(csrfmiddlewaretoken" value="|name="csrf-token" content=")[^"]*"', re.IGNORECASE)


def searchable(html: str) -> str:
    """The page in lower case without its CSRF tokens: what a search for a tag may look at."""
    return CSRF_TOKEN.sub(r'\1"', html).lower()


def text(response: Any) -> str:
    return searchable(response.content.decode())


def assert_missing(response: Any, allowed: bool, what: str) -> None:
    """The object is not found (a redirect to the index), or the page is refused for every row."""
    if allowed:
        assert response.status_code == 302 and response["Location"] == MISSING, what
    else:
        assert response.status_code == 403, what


def post_actions(client: Client, model: type[Model], request: HttpRequest, selected: str) -> list[Any]:
    """Every bulk action of the changelist on ``selected``: asked, then confirmed."""
    responses = []
    for name in model_admin(model).get_actions(request):
        data = {"action": name, "_selected_action": [selected], "index": "0"}
        responses.append(client.post(admin_url(model), data))
        responses.append(client.post(admin_url(model), {**data, "post": "yes"}))
    return responses


class AdminCases:
    """Inherit, set ``app_label``, implement ``fill``; see the module docstring."""

    app_label: ClassVar[str]
    #: Registered models that are not tenant-owned, with who may see them (SUPERUSER_ONLY, VISIBLE).
    global_models: ClassVar[Mapping[type[Model], str]] = {}
    #: Models of the app deliberately not in the admin: ``{"ModelName": "the reason"}``.
    unregistered_ok: ClassVar[Mapping[str, str]] = {}

    @staticmethod
    def fill(world: Any, tag: str) -> Any:
        """One row of every registered model of the app in ``world`` (through services/factories)."""
        raise NotImplementedError

    # --- fixtures ----------------------------------------------------------------------------

    @pytest.fixture
    def rows_a(self, world_a: Any) -> Any:
        return self.fill(world_a, TAG_A)

    @pytest.fixture
    def rows_b(self, world_b: Any) -> Any:
        return self.fill(world_b, TAG_B)

    @pytest.fixture
    def admin_a(self, world_a: Any, world_b: Any, rows_a: Any, rows_b: Any, client_for: Any) -> Client:
        """The admin of A with A's program office opened (A is the active workspace)."""
        client = client_for(world_a.admin)
        response = client.get(f"/t/{world_a.slug}/program-office/")
        assert response.status_code == 302 and client.session["active_tenant"] == world_a.slug
        return client

    # --- registration ------------------------------------------------------------------------

    def test_every_model_of_the_app_is_registered(self) -> None:
        names = {m.__name__ for m in app_models(self.app_label)}
        registered = {m.__name__ for m in registered_models(self.app_label)}
        assert not names - registered - set(self.unregistered_ok)
        assert set(self.unregistered_ok) <= names - registered, "unregistered_ok names a registered or unknown model"
        assert all(reason.strip() for reason in self.unregistered_ok.values()), "say why a model is not registered"

    def test_global_models_keep_to_their_audience(self, request: pytest.FixtureRequest) -> None:
        declared = set(self.global_models)
        assert declared == set(registered_models(self.app_label)) - set(tenant_models(self.app_label))
        assert set(self.global_models.values()) <= {SUPERUSER_ONLY, VISIBLE}
        if not declared:
            return
        admin_a: Client = request.getfixturevalue("admin_a")
        world_a = request.getfixturevalue("world_a")
        index = admin_a.get("/admin/").content.decode()
        superuser = User.objects.create_superuser(f"root@{TAG_A}.test", "pw-irrelevant")
        root_member = members.membership_create(tenant=world_a.tenant, user=superuser, role=Role.ADMIN)
        root = Client()
        root.force_login(superuser)
        assert root.get(f"/t/{world_a.slug}/program-office/").status_code == 302
        root_index = root.get("/admin/").content.decode()
        for model, audience in self.global_models.items():
            row = model._default_manager.order_by("pk").first()
            assert row is not None, f"{model.__name__}: fill() must create a row"
            pages = [admin_url(model, suffix) for suffix in ("", f"{row.pk}/change/", f"{row.pk}/history/")]
            assert admin_url(model) in root_index, model
            for page in pages:
                assert root.get(page).status_code == 200, page
            for response in post_actions(root, model, acting_request(root_member), "not-a-uuid"):
                assert response.status_code in (200, 302), model
            if audience == VISIBLE:
                assert admin_url(model) in index, model
                for page in pages:
                    assert admin_a.get(page).status_code == 200, page
                continue
            assert admin_url(model) not in index, model
            for page in [*pages, admin_url(model, "add/"), admin_url(model, f"{row.pk}/delete/")]:
                assert admin_a.get(page).status_code == 403, page

    def test_admin_index_lists_the_apps_models(self, admin_a: Client) -> None:
        response = admin_a.get("/admin/")
        assert response.status_code == 200
        html = response.content.decode()
        for model in tenant_models(self.app_label):
            assert admin_url(model) in html, model
        assert TAG_B not in text(response)

    # --- every tenant model: own rows open, the other tenant's are missing -------------------

    def test_own_rows_open_and_the_other_tenants_are_missing(
        self, admin_a: Client, world_a: Any, world_b: Any, admin_model: type[Model]
    ) -> None:
        model, name = admin_model, admin_model.__name__
        own, foreign = pks_in(world_a, model), pks_in(world_b, model)
        assert own and foreign, f"{name}: fill() must create a row in each tenant"
        request = acting_request(world_a.admin)
        self.check_own_rows(admin_a, world_a, model, own, request)
        self.check_foreign_row_is_missing(admin_a, world_b, model, foreign[0], request)

    def check_own_rows(self, client: Client, world: Any, model: type[Model], own: list[Any], request: Any) -> None:
        name = model.__name__
        response = client.get(admin_url(model))
        assert response.status_code == 200, name
        assert {row.pk for row in response.context["cl"].result_list} == set(own), name
        assert TAG_B not in text(response), name
        row = own[0]
        for suffix in ("change/", "history/"):
            page = client.get(admin_url(model, f"{row}/{suffix}"))
            assert page.status_code == 200, (name, suffix)
            assert TAG_B not in text(page), (name, suffix)
        with world.context():
            may_delete = model_admin(model).has_delete_permission(request, model._default_manager.get(pk=row))
        page = client.get(admin_url(model, f"{row}/delete/"))
        assert page.status_code == (200 if may_delete else 403), (name, "delete")
        assert TAG_B not in text(page), (name, "delete confirmation lists another tenant's rows")

    def check_foreign_row_is_missing(
        self, client: Client, world: Any, model: type[Model], row: Any, request: Any
    ) -> None:
        name, before = model.__name__, stored(world, model, row)
        for suffix in ("change/", "history/"):
            assert_missing(client.get(admin_url(model, f"{row}/{suffix}")), True, f"{name} {suffix}")
        landing = text(client.get(MISSING))
        assert ("doesn’t exist" in landing or "doesn't exist" in landing) and TAG_B not in landing, name
        ma = model_admin(model)
        may_delete, may_change = ma.has_delete_permission(request, None), ma.has_change_permission(request, None)
        assert_missing(client.get(admin_url(model, f"{row}/delete/")), may_delete, f"{name} delete")
        assert_missing(client.post(admin_url(model, f"{row}/delete/"), {"post": "yes"}), may_delete, f"{name} delete")
        assert_missing(client.post(admin_url(model, f"{row}/change/"), {}), may_change, f"{name} change")
        for response in post_actions(client, model, request, str(row)):
            assert response.status_code in (200, 302), name
            assert TAG_B not in text(response), name
        assert stored(world, model, row) == before, f"{name}: the other tenant's row was changed"

    # --- search, bad ids -----------------------------------------------------------------------

    def test_search_does_not_reach_other_tenants(self, admin_a: Client, world_b: Any) -> None:
        with_search = [m for m in tenant_models(self.app_label) if model_admin(m).search_fields]
        assert with_search, "no ModelAdmin of the app declares search_fields"
        for model in with_search:
            response = admin_a.get(admin_url(model), {"q": TAG_B})
            assert response.status_code == 200 and response.context["cl"].result_count == 0, model
            html = response.content.decode()
            for pk in pks_in(world_b, model):
                assert admin_url(model, f"{pk}/change/") not in html, model
            echoes = (f'value="{TAG_B}"', f"q={TAG_B}", f"q%3d{TAG_B}")  # the search box, links keeping the query
            rest = functools.reduce(lambda page, echo: page.replace(echo, ""), echoes, text(response))
            at = rest.find(TAG_B)
            assert at < 0, (model, rest[max(at - 200, 0) : at + 100])

    def test_a_malformed_id_is_not_a_500(self, admin_a: Client, world_a: Any) -> None:
        request = acting_request(world_a.admin)
        for model in tenant_models(self.app_label):
            for suffix in ("change/", "history/"):
                assert_missing(admin_a.get(admin_url(model, f"not-a-uuid/{suffix}")), True, f"{model} {suffix}")
            allowed = model_admin(model).has_delete_permission(request, None)
            assert_missing(admin_a.get(admin_url(model, "not-a-uuid/delete/")), allowed, f"{model} delete")
            for response in post_actions(admin_a, model, request, "not-a-uuid"):
                assert response.status_code in (200, 302), model

    # --- who may enter -------------------------------------------------------------------------

    @pytest.mark.parametrize("role", OTHER_ROLES)
    def test_other_roles_get_the_program_office_only_page(
        self, world_a: Any, rows_a: Any, client_for: Any, role: str
    ) -> None:
        member = member_of(world_a, role)
        client = client_for(member)
        client.get(f"/t/{world_a.slug}/")
        paths = ["/admin/"]
        for model in registered_models(self.app_label):
            paths += [admin_url(model), admin_url(model, "add/")]
            if issubclass(model, TenantScopedModel):
                paths.append(admin_url(model, f"{pks_in(world_a, model)[0]}/change/"))
        own_name = (member.user.email.lower(), member.user.display_name.lower())
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 403, path
            assert "Program office only" in response.content.decode(), path
            visible = text(response).replace(own_name[0], "").replace(own_name[1], "")
            assert TAG_A not in visible, path

    def test_anonymous_is_sent_to_sign_in(self, db: None) -> None:
        for model in registered_models(self.app_label):
            response = Client().get(admin_url(model))
            assert response.status_code == 302, model
            landing = Client().get(response["Location"])
            assert landing.status_code == 302 and landing["Location"].startswith("/accounts/login/?next="), model


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``admin_model``: one test per registered tenant model of the subclass's app."""
    cls = metafunc.cls
    if cls is not None and issubclass(cls, AdminCases) and "admin_model" in metafunc.fixturenames:
        models = tenant_models(cls.app_label)
        metafunc.parametrize("admin_model", models, ids=[m.__name__ for m in models])
