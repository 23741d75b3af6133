"""API · accounts: customer accounts and the contact Rolodex (with each contact's activity log).

Ids in a request body are looked up with ``ScopedPrimaryKeyRelatedField`` (a foreign id is an
ordinary "does not exist" 400); ``CustomerSafeMixin`` drops ``internal_notes`` for customer
participants. Reads come from ``partnering.accounts`` selectors, writes go to its services.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.fields import EnumChoiceField, ScopedPrimaryKeyRelatedField, name_choices
from core.models import Membership
from partnering import accounts
from partnering.api.base import CrudViewSet, PartneringSerializer, crud_permissions
from partnering.models import ActivityChannel, Contact, ContactActivity, CustomerAccount, Side

name_choices(Side, ActivityChannel)

# --- Accounts ---------------------------------------------------------------------------------


class AccountSerializer(PartneringSerializer):
    owner = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), allow_null=True, required=False, help_text="A member of our company."
    )
    owner_name = serializers.CharField(source="owner.user.full_name", read_only=True, allow_null=True)
    contact_count = serializers.IntegerField(read_only=True)
    relationship_count = serializers.IntegerField(read_only=True)
    overdue_count = serializers.IntegerField(read_only=True, help_text="Open actions past their due date.")

    class Meta:
        model = CustomerAccount
        fields = [
            "id",
            *accounts.ACCOUNT_FIELDS,
            "owner_name",
            "contact_count",
            "relationship_count",
            "overdue_count",
            "created_at",
            "updated_at",
        ]
        # Uniqueness of the name is checked by the service's full_clean() (tenant-aware).
        validators: list[Any] = []


class AccountFilter(django_filters.FilterSet):
    industry = django_filters.CharFilter(help_text="Exact industry.")
    region = django_filters.CharFilter(help_text="Exact region.")
    owner = django_filters.UUIDFilter(field_name="owner_id", help_text="Membership id of the account owner.")

    class Meta:
        model = CustomerAccount
        fields = ["industry", "region", "owner"]


class AccountViewSet(CrudViewSet):
    """Customer accounts of the tenant. Customer participants see (only) their own account."""

    model = CustomerAccount
    serializer_class = AccountSerializer
    action_permissions: ClassVar[dict[str, str]] = crud_permissions("accounts.view", "accounts.manage")
    filterset_class = AccountFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "industry", "region", "created_at", "updated_at", "contact_count", "overdue_count"]
    ordering = ["name"]

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return accounts.accounts_with_counts(membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return accounts.account_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return accounts.account_update(actor=self.membership, account=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        accounts.account_delete(actor=self.membership, account=obj)


# --- Contacts ---------------------------------------------------------------------------------


class ContactSerializer(PartneringSerializer):
    account = ScopedPrimaryKeyRelatedField(
        queryset=CustomerAccount.objects.all(), allow_null=True, required=False, help_text="Empty for our own people."
    )
    account_name = serializers.CharField(source="account.name", read_only=True, allow_null=True)
    membership = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), allow_null=True, required=False, help_text="Their login, if any."
    )
    side = EnumChoiceField(choices=Side.choices, read_only=True)

    class Meta:
        model = Contact
        fields = ["id", *accounts.CONTACT_FIELDS, "account_name", "side", "created_at"]


class ContactActivitySerializer(PartneringSerializer):
    author: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    author_name = serializers.CharField(source="author.user.full_name", read_only=True, allow_null=True)

    class Meta:
        model = ContactActivity
        fields = ["id", "contact", "author", "author_name", *accounts.ACTIVITY_FIELDS, "created_at"]
        read_only_fields = ["contact"]
        extra_kwargs = {"occurred_on": {"required": False}}


class ContactFilter(django_filters.FilterSet):
    account = django_filters.UUIDFilter(field_name="account_id", help_text="Contacts of this customer account.")
    ours = django_filters.BooleanFilter(
        field_name="account", lookup_expr="isnull", help_text="true: people of our own company only."
    )

    class Meta:
        model = Contact
        fields = ["account", "ours"]


class ContactViewSet(CrudViewSet):
    """The tenant's Rolodex. Internal members only: customer participants get 403 on every route."""

    model = Contact
    serializer_class = ContactSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **crud_permissions("contacts.view", "contacts.manage"),
        "activities": "contacts.view",
        "add_activity": "contacts.log_activity",
    }
    filterset_class = ContactFilter
    search_fields = ["full_name", "title", "function", "geography", "email"]
    ordering_fields = ["full_name", "created_at"]
    ordering = ["full_name"]

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return accounts.contacts_for(membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return accounts.contact_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return accounts.contact_update(actor=self.membership, contact=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        accounts.contact_delete(actor=self.membership, contact=obj)

    @extend_schema(responses=ContactActivitySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="activities", filter_backends=[])
    def activities(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """The contact's activity log, newest first."""
        contact = cast(Contact, self.get_object())
        rows = accounts.contact_activities(membership=self.membership, contact=contact)
        return self.paginated(rows, ContactActivitySerializer)

    @activities.mapping.post
    @extend_schema(request=ContactActivitySerializer, responses={201: ContactActivitySerializer})
    def add_activity(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Log a call, meeting, e-mail or visit with the contact."""
        contact = cast(Contact, self.get_object())
        serializer = ContactActivitySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        activity = accounts.contact_activity_add(actor=self.membership, contact=contact, **serializer.validated_data)
        return Response(
            ContactActivitySerializer(activity, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


def register(router: SimpleRouter) -> None:
    router.register("accounts", AccountViewSet, basename="api-account")
    router.register("contacts", ContactViewSet, basename="api-contact")
