"""Admin for the program office (tenant-scoped) and for platform superusers (global models)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from core import services
from core.models import ApiToken, Membership, Role, Tenant, User
from core.permissions import can
from core.tenancy import current_tenant_id


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
        return super()._get_validation_exclusions() - {"tenant"}  # type: ignore[misc]


class TenantScopedAdmin(admin.ModelAdmin):
    """Base for every tenant-owned model in the admin: rows of the active workspace only.

    Permission follows the role table (``admin.access``), not Django's per-model permissions,
    so the program office needs no extra setup. Related-object choices come from the scoped
    default managers and are therefore limited to the workspace too.
    """

    exclude = ("tenant",)
    form = TenantScopedForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.all()

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


class MembershipForm(TenantScopedForm):
    """Add a person to the workspace by e-mail; creates the user if they are new."""

    email = forms.EmailField(help_text="New people get an account and set a password via 'Forgot password'.")
    full_name = forms.CharField(required=False, max_length=150)

    class Meta:
        model = Membership
        fields = ["role", "customer_account"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:  # not ``pk``: a new row already has its UUID
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True
            self.fields["full_name"].initial = self.instance.user.full_name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, account = data.get("role"), data.get("customer_account")
        if role == Role.CUSTOMER and account is None:
            self.add_error("customer_account", "A customer participant needs a customer account.")
        if role and role != Role.CUSTOMER and account is not None:
            self.add_error("customer_account", "Only customer participants belong to a customer account.")
        if self.instance._state.adding and data.get("email"):
            existing = User.objects.filter(email=data["email"].lower()).first()
            if existing is not None and Membership.objects.filter(user=existing).exists():
                self.add_error("email", "This person is already a member of this workspace.")
        return data


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    form = MembershipForm
    list_display = ("user_email", "user_name", "role", "customer_account", "created_at")
    list_filter = ("role", "customer_account")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "customer_account")

    @admin.display(description="E-mail", ordering="user__email")
    def user_email(self, obj: Membership) -> str:
        return obj.user.email

    @admin.display(description="Name", ordering="user__full_name")
    def user_name(self, obj: Membership) -> str:
        return obj.user.full_name

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            obj.user.full_name = form.cleaned_data.get("full_name") or obj.user.full_name
            obj.user.save(update_fields=["full_name"])
            obj.full_clean()
            obj.save()
            return
        email = form.cleaned_data["email"].lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=None, full_name=form.cleaned_data.get("full_name", "")
            )
            messages.info(request, f"{email} is new: they set a password with 'Forgot password' on the sign-in page.")
        created = services.membership_create(
            tenant=request.tenant,  # type: ignore[attr-defined]
            user=user,
            role=obj.role,
            customer_account=obj.customer_account,
        )
        obj.pk = created.pk
        obj.tenant_id = created.tenant_id
        obj.user = user


class SuperuserOnlyAdmin(admin.ModelAdmin):
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


@admin.register(User)
class UserAdmin(SuperuserOnlyAdmin, DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined")
    search_fields = ("email", "full_name")
    list_filter = ("is_active", "is_staff", "is_superuser")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name",)}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ()


@admin.register(Tenant)
class TenantAdmin(SuperuserOnlyAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ApiToken)
class ApiTokenAdmin(SuperuserOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__email", "name", "prefix")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued by the API, where the raw value can be shown once

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(token=token)
