"""Admin for the program office (tenant-scoped) and for platform superusers (global models)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from core import jobs, members
from core.admin_base import ReadOnlyAdmin, SuperuserOnlyAdmin, TenantScopedAdmin, TenantScopedForm, acting_member
from core.models import ApiToken, Job, Membership, Role, Tenant, User
from core.permissions import can


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

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        """Through ``core.members`` (the same writes as the rest of the product)."""
        if change:
            members.member_update(
                membership=obj,
                role=obj.role,
                customer_account=obj.customer_account,
                full_name=form.cleaned_data.get("full_name") or None,
            )
            return
        created, is_new_user = members.member_add(
            tenant=acting_member(request).tenant,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data.get("full_name", ""),
            role=obj.role,
            customer_account=obj.customer_account,
        )
        if is_new_user:
            messages.info(
                request, f"{created.user.email} is new: they set a password with 'Forgot password' on the sign-in page."
            )
        obj.pk, obj.tenant_id, obj.user = created.pk, created.tenant_id, created.user


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
            members.api_token_revoke(token=token)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """The workspace's jobs, read only: the runner writes them. Cancelling goes through
    ``core.jobs.job_cancel`` (the same rule as the pages: the job's creator or an admin)."""

    list_display = ("kind", "status", "progress", "stage", "created_by", "created_at", "finished_at", "attempts")
    list_filter = ("status", "kind")
    search_fields = ("kind", "stage", "error")
    list_select_related = ("created_by__user",)
    actions = ["cancel_selected"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request) and can(acting_member(request), "jobs.cancel")

    @admin.action(description="Cancel selected jobs", permissions=["cancel"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        actor = acting_member(request)
        done = 0
        for job in queryset:
            try:
                jobs.job_cancel(job=job, actor=actor)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                messages.warning(request, f"{job}: {reason}")
            else:
                done += 1
        if done:
            messages.success(request, f"Cancelled or asked to stop: {done} job{'s' if done != 1 else ''}.")
