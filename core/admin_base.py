"""Admin plumbing every app's program-office admin shares.

* ``TenantScopedAdmin`` / ``TenantScopedInline`` — rows of the active workspace only, permission
  from the role table (``admin.access``), tenant-aware validation (``TenantScopedForm``);
* ``ReadOnlyAdmin`` / ``ReadOnlyInline`` — rows the application writes (history, logs): read only;
* ``SuperuserOnlyAdmin`` — global models (users, tenants, tokens): platform superusers only;
* ``ServiceAdmin`` + ``ruled`` — an admin whose saves go through the app's services and whose form
  runs the services' public rule function;
* ``WellFormedSelectionAdmin`` (under both bases) — a bulk action on a malformed id is not a 500.

The admin writes through the apps' services, never around them (``acting_member`` is the actor);
a service's ``ValidationError`` lands on the form with ``core.forms.base.apply_service_errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from core.forms.base import apply_service_errors
from core.http import tenant_request
from core.models import Membership
from core.permissions import can
from core.tenancy import current_tenant_id


def acting_member(request: HttpRequest) -> Membership:
    """The program-office member the admin acts as (set by ``ProgramOfficeAdminSite``)."""
    return tenant_request(request).membership


class TenantScopedForm(forms.ModelForm):
    """Admin form base for tenant-owned rows.

    ``tenant`` is not on the form, so Django would skip every constraint that includes it (one
    account name per tenant, one membership per user and tenant) and the database would raise
    instead: a 500. New rows get the active tenant up front and ``tenant`` takes part in
    validation, so such duplicates are form errors.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.tenant_id is None:
            self.instance.tenant_id = current_tenant_id()

    def _get_validation_exclusions(self) -> set[str]:
        exclusions: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        return exclusions - {"tenant"}


class RuledForm(TenantScopedForm):
    """Tenant-scoped admin form that also applies an app's cross-row rules (``rules``), the same
    function its services call, so the admin cannot save what the pages would refuse."""

    rules: ClassVar[Callable[[Any], None] | None] = None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return  # required links may be missing; the field errors say so
        self.prepare_instance()
        rules = type(self).rules
        if rules is None:
            return
        try:
            rules(self.instance)
        except ValidationError as error:
            apply_service_errors(self, error)

    def prepare_instance(self) -> None:
        """Hook: derive fields the form does not show, before the rules run."""


class WellFormedSelectionAdmin(admin.ModelAdmin):
    """A bulk action posted with a malformed id is a message, not a 500 (Django's admin filters
    ``pk__in`` with the posted values as they are, and a bad UUID raises there)."""

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[Any], *args: Any, **kwargs: Any
    ) -> HttpResponse | None:
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                self.model._meta.pk.to_python(value)
        except ValidationError:
            messages.warning(request, "Some of the selected rows do not exist. No items have been changed.")
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, *args, **kwargs)


class TenantScopedAdmin(WellFormedSelectionAdmin):
    """Base for every tenant-owned model in the admin: rows of the active workspace only.

    Permission follows the role table (``admin.access``), not Django's per-model permissions,
    so the program office needs no extra setup. Related-object choices come from the scoped
    default managers and are therefore limited to the workspace too.
    """

    exclude = ("tenant",)
    form = TenantScopedForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = self.model.objects.all()
        return queryset

    def _allowed(self, request: HttpRequest) -> bool:
        return can(getattr(request, "membership", None), "admin.access")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class TenantScopedInline(admin.TabularInline):
    """Base for inlines of tenant-owned rows.

    New rows get the active tenant up front (``TenantScopedForm``) and the tenant takes part in
    validation; the queryset and every related-object choice come from the scoped default
    managers; permission follows the role table like ``TenantScopedAdmin``.
    """

    exclude = ("tenant",)
    form = TenantScopedForm
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset: QuerySet[Any] = self.model.objects.all()
        return queryset

    def _allowed(self, request: HttpRequest) -> bool:
        return can(getattr(request, "membership", None), "admin.access")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request)


class ReadOnlyInline(TenantScopedInline):
    """History rows: shown, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(TenantScopedAdmin):
    """Rows written by the application (history, logs): the program office reads them only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuperuserOnlyAdmin(WellFormedSelectionAdmin):
    """Global (not tenant-owned) models: platform superusers only."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


def ruled(rules: Callable[[Any], None], *, prepare: Callable[[Any], None] | None = None) -> type[RuledForm]:
    """An admin form that applies one of the services' public rule functions (after ``prepare``
    derived the fields the form does not show)."""
    namespace: dict[str, Any] = {"rules": staticmethod(rules)}
    if prepare is not None:
        namespace["prepare_instance"] = lambda form: prepare(form.instance)
    return type(f"{rules.__name__.title().replace('_', '')}Form", (RuledForm,), namespace)


def adopt(obj: Model, saved: Model) -> None:
    """The admin's unsaved instance becomes the row a service created (the inlines, the change
    message and the redirect use it)."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def values_of(obj: Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


class ServiceAdmin(TenantScopedAdmin):
    """``save_model`` through the area's services: ``service_create(actor, obj)`` for a new row,
    ``service_update(actor, stored, changes)`` for a changed one (the stored row and the form's
    changed fields, so the service sees what changes). ``create_only`` fields are read-only once
    the row exists, like in the API."""

    create_only: ClassVar[tuple[str, ...]] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, *self.create_only) if obj is not None else fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = acting_member(request)
        if not change:
            adopt(obj, self.service_create(actor, obj))
            return
        stored = self.get_queryset(request).get(pk=obj.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            self.service_update(actor, stored, changes)

    def service_create(self, actor: Membership, obj: Any) -> Model:
        raise NotImplementedError

    def service_update(self, actor: Membership, stored: Any, changes: dict[str, Any]) -> None:
        raise NotImplementedError
