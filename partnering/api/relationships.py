"""API · relationships: relationships (level, champions, cadence, plan), their dated level
changes, executive sponsors and roster.

Reads come from ``partnering.relationships`` selectors, writes go to its services; the level
changes only through ``POST …/level/`` so every change is dated.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.fields import BaseModelSerializer, EnumChoiceField, ScopedPrimaryKeyRelatedField, name_choices
from core.models import Membership
from partnering import relationships
from partnering.api.base import (
    CrudViewSet,
    PartneringSerializer,
    RelationshipChildFilter,
    ServiceViewSet,
    crud_permissions,
)
from partnering.models import Contact, CustomerAccount, Level, LevelChange, Relationship, RosterEntry, Sponsor

name_choices(Level)

# --- Relationships and their level ------------------------------------------------------------


class RelationshipSerializer(PartneringSerializer):
    create_only = ("account",)

    account = ScopedPrimaryKeyRelatedField(queryset=CustomerAccount.objects.all(), help_text="Set on create only.")
    account_name = serializers.CharField(source="account.name", read_only=True)
    level = EnumChoiceField(
        choices=Level.choices,
        required=False,
        help_text="Initial level on create; change it later with POST …/level/ so the change is dated.",
    )
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    supplier_champion = ScopedPrimaryKeyRelatedField(queryset=Membership.objects.all(), allow_null=True, required=False)
    supplier_champion_name = serializers.CharField(
        source="supplier_champion.user.full_name", read_only=True, allow_null=True
    )
    customer_champion = ScopedPrimaryKeyRelatedField(queryset=Membership.objects.all(), allow_null=True, required=False)
    customer_champion_name = serializers.CharField(
        source="customer_champion.user.full_name", read_only=True, allow_null=True
    )
    open_actions = serializers.IntegerField(read_only=True)
    overdue_actions = serializers.IntegerField(read_only=True)

    class Meta:
        model = Relationship
        fields = [
            "id",
            "account",
            "account_name",
            "level",
            "level_label",
            *relationships.RELATIONSHIP_FIELDS,
            "supplier_champion_name",
            "customer_champion_name",
            "open_actions",
            "overdue_actions",
            "created_at",
            "updated_at",
        ]
        validators: list[Any] = []  # (tenant, account, unit) uniqueness: the service's full_clean()


class LevelSerializer(BaseModelSerializer):
    """The relationship's current level."""

    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Relationship
        fields = ["id", "level", "level_label"]
        read_only_fields = fields


class LevelChangeRequestSerializer(serializers.Serializer):
    level = EnumChoiceField(choices=Level.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    changed_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Default: today.")


class LevelChangeSerializer(BaseModelSerializer):
    from_level = EnumChoiceField(choices=Level.choices, allow_blank=True, read_only=True, help_text="Empty: created.")
    changed_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    changed_by_name = serializers.CharField(source="changed_by.user.full_name", read_only=True, allow_null=True)

    class Meta:
        model = LevelChange
        fields = ["id", "from_level", "to_level", "changed_on", "changed_by", "changed_by_name", "note"]
        read_only_fields = fields


class RelationshipFilter(django_filters.FilterSet):
    account = django_filters.UUIDFilter(field_name="account_id")
    level = django_filters.ChoiceFilter(choices=Relationship._meta.get_field("level").choices)

    class Meta:
        model = Relationship
        fields = ["account", "level"]


class RelationshipViewSet(CrudViewSet):
    """Relationships with customer accounts: level, champions, cadence, plan."""

    model = Relationship
    serializer_class = RelationshipSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **crud_permissions("relationships.view", "relationships.manage"),
        "level": "relationships.view",
        "change_level": "relationships.manage",
        "level_history": "relationships.view",
    }
    filterset_class = RelationshipFilter
    search_fields = ["account__name", "business_unit"]
    ordering_fields = ["account__name", "business_unit", "level", "updated_at", "overdue_actions"]
    ordering = ["account__name", "business_unit"]

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return relationships.relationship_list(membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return relationships.relationship_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        if "level" in data:
            if data["level"] != obj.level:
                raise ValidationError({"level": "Change the level with POST …/level/ so the change is dated."})
            del data["level"]
        return relationships.relationship_update(actor=self.membership, relationship=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        relationships.relationship_delete(actor=self.membership, relationship=obj)

    @extend_schema(responses=LevelSerializer)
    @action(detail=True, methods=["get"], url_path="level", filter_backends=[])
    def level(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """The current level."""
        return Response(LevelSerializer(self.get_object()).data)

    @level.mapping.post
    @extend_schema(
        request=LevelChangeRequestSerializer,
        responses={201: LevelChangeSerializer},
        description="Move the relationship to another level; the change is kept, dated, in the history.",
    )
    def change_level(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        relationship = cast(Relationship, self.get_object())
        serializer = LevelChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = relationships.relationship_change_level(
            actor=self.membership, relationship=relationship, **serializer.validated_data
        )
        change = relationships.level_history(membership=self.membership, relationship=relationship).get(pk=change.pk)
        return Response(LevelChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=LevelChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="level-history", filter_backends=[])
    def level_history(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Dated level changes, newest first."""
        relationship = cast(Relationship, self.get_object())
        rows = relationships.level_history(membership=self.membership, relationship=relationship)
        return self.paginated(rows, LevelChangeSerializer)


# --- Sponsors and roster ----------------------------------------------------------------------


class SponsorSerializer(PartneringSerializer):
    create_only = ("relationship", "membership")

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    membership = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), help_text="The sponsor; their side follows their role."
    )
    membership_name = serializers.CharField(source="membership.user.full_name", read_only=True)

    class Meta:
        model = Sponsor
        fields = ["id", "relationship", "membership", "membership_name", "side"]
        read_only_fields = ["side"]
        validators: list[Any] = []  # duplicates and the per-side limit: the service


class SponsorFilter(RelationshipChildFilter):
    side = django_filters.ChoiceFilter(choices=Sponsor._meta.get_field("side").choices)

    class Meta:
        model = Sponsor
        fields = ["relationship", "side"]


class SponsorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ServiceViewSet,
):
    """Executive sponsors, at most three per side and relationship (a fourth is a 400)."""

    model = Sponsor
    serializer_class = SponsorSerializer
    action_permissions: ClassVar[dict[str, str]] = crud_permissions("relationships.view", "relationships.manage")
    filterset_class = SponsorFilter
    ordering_fields = ["side"]
    ordering = ["side", "membership__user__full_name"]
    create = ServiceViewSet.service_create
    destroy = ServiceViewSet.service_destroy

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("membership__user")

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return relationships.sponsor_add(actor=self.membership, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        relationships.sponsor_remove(actor=self.membership, sponsor=obj)


class RosterEntrySerializer(PartneringSerializer):
    create_only = ("relationship", "contact")

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    contact = ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all())
    contact_name = serializers.CharField(source="contact.full_name", read_only=True)
    contact_title = serializers.CharField(source="contact.title", read_only=True)

    class Meta:
        model = RosterEntry
        fields = ["id", "relationship", "contact", "contact_name", "contact_title", *relationships.ROSTER_FIELDS]
        validators: list[Any] = []  # duplicates: the service


class RosterFilter(RelationshipChildFilter):
    is_point_person = django_filters.BooleanFilter()

    class Meta:
        model = RosterEntry
        fields = ["relationship", "is_point_person"]


class RosterViewSet(CrudViewSet):
    """The relationship roster: people across functions and geographies, with their role."""

    model = RosterEntry
    serializer_class = RosterEntrySerializer
    action_permissions: ClassVar[dict[str, str]] = crud_permissions("relationships.view", "relationships.manage")
    filterset_class = RosterFilter
    ordering_fields = ["role", "is_point_person"]
    ordering = ["-is_point_person", "contact__full_name"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("contact")

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return relationships.roster_add(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return relationships.roster_update(actor=self.membership, entry=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        relationships.roster_remove(actor=self.membership, entry=obj)


def register(router: SimpleRouter) -> None:
    router.register("relationships", RelationshipViewSet, basename="api-relationship")
    router.register("sponsors", SponsorViewSet, basename="api-sponsor")
    router.register("roster", RosterViewSet, basename="api-roster")
