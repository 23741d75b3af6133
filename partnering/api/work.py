"""API · work: action items (customers never see internal-only ones and may move only the status
of their own) and future topics (scores of both firms, short list with status and priority,
steering team).

Reads come from ``partnering.work`` selectors, writes go to its services.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.fields import BaseModelSerializer, EnumChoiceField, ScopedPrimaryKeyRelatedField, name_choices
from core.models import Membership
from partnering import work
from partnering.api.base import CrudViewSet, PartneringSerializer, RelationshipChildFilter, crud_permissions
from partnering.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Contact,
    FutureTopic,
    Meeting,
    Relationship,
    Side,
    SteeringMember,
    TopicCategory,
    TopicScore,
    TopicStatus,
)

name_choices(TopicCategory, TopicStatus, ActionStatus)

# --- Action items -----------------------------------------------------------------------------


class ActionSerializer(PartneringSerializer):
    create_only = ("relationship",)

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all(), help_text="Set on create only.")
    relationship_name = serializers.CharField(source="relationship.__str__", read_only=True)
    meeting = ScopedPrimaryKeyRelatedField(queryset=Meeting.objects.all(), allow_null=True, required=False)
    topic = ScopedPrimaryKeyRelatedField(queryset=FutureTopic.objects.all(), allow_null=True, required=False)
    owner = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), help_text="One of ours, or a participant of this customer."
    )
    owner_name = serializers.CharField(source="owner.user.full_name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    created_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "relationship",
            "relationship_name",
            *work.ACTION_FIELDS,
            "owner_name",
            "is_overdue",
            "completed_at",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["completed_at"]


class ActionFilter(RelationshipChildFilter):
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="true: open and past due; false: everything else."
    )
    owner = django_filters.UUIDFilter(field_name="owner_id")
    meeting = django_filters.UUIDFilter(field_name="meeting_id")
    topic = django_filters.UUIDFilter(field_name="topic_id")

    class Meta:
        model = ActionItem
        fields = ["relationship", "status", "overdue", "owner", "meeting", "topic"]

    def filter_overdue(self, queryset: QuerySet[Any], _name: str, value: bool | None) -> QuerySet[Any]:
        overdue = {"status__in": OPEN_ACTION_STATUSES, "due_on__lt": timezone.localdate()}
        if value is None:
            return queryset
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


@extend_schema_view(
    partial_update=extend_schema(
        description="Customer participants may change only the `status` of actions assigned to them."
    ),
)
class ActionViewSet(CrudViewSet):
    """Action items: what, who, due when. Customers never see internal-only actions."""

    model = ActionItem
    serializer_class = ActionSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **crud_permissions("actions.view", "actions.manage"),
        "partial_update": "actions.update_own",  # the service limits customers to their own, status only
        "mine": "actions.view",
    }
    filterset_class = ActionFilter
    search_fields = ["title", "description"]
    ordering_fields = ["due_on", "title", "status", "updated_at"]
    ordering = ["due_on", "title"]

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return work.actions_for(membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return work.action_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return work.action_update(actor=self.membership, action=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        work.action_delete(actor=self.membership, action=obj)

    @extend_schema(
        responses=ActionSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "include_closed", OpenApiTypes.BOOL, description="Also done and cancelled ones (default: open only)."
            )
        ],
    )
    @action(detail=False, methods=["get"], url_path="mine")
    def mine(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Actions assigned to you, soonest due first (open only unless ``include_closed=true``)."""
        queryset = self.filter_queryset(self.get_queryset().filter(owner=self.membership))
        if request.query_params.get("include_closed", "").lower() not in ("true", "1") and "status" not in (
            request.query_params
        ):
            queryset = queryset.filter(status__in=OPEN_ACTION_STATUSES)
        return self.paginated(queryset, ActionSerializer)


# --- Future topics ----------------------------------------------------------------------------


class TopicScoreSerializer(BaseModelSerializer):
    scored_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = TopicScore
        fields = [
            "id",
            "side",
            "scored_by",
            "value_to_supplier",
            "value_to_customer",
            "feasibility",
            "total",
            "scored_at",
        ]
        read_only_fields = fields


class TopicScoreRequestSerializer(serializers.Serializer):
    """Your firm's score of the topic, 1 (low) to 5 (high) each; replaces your firm's earlier score."""

    value_to_supplier = serializers.IntegerField(min_value=1, max_value=5)
    value_to_customer = serializers.IntegerField(min_value=1, max_value=5)
    feasibility = serializers.IntegerField(min_value=1, max_value=5)


class TopicStatusSerializer(serializers.Serializer):
    """Long list → short list (active, at most the tenant's limit) → done or dropped."""

    status = EnumChoiceField(choices=TopicStatus.choices)
    priority = serializers.IntegerField(
        min_value=1, max_value=10, required=False, allow_null=True, default=None, help_text="Active topics: 1 = top."
    )


class SteeringMemberSerializer(BaseModelSerializer):
    """A member of a topic's joint steering team (a contact of our company or of the account)."""

    contact = ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all())
    full_name = serializers.CharField(source="contact.full_name", read_only=True)

    class Meta:
        model = SteeringMember
        fields = ["id", "contact", "full_name"]


class TopicSerializer(PartneringSerializer):
    create_only = ("relationship",)

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all(), help_text="Set on create only.")
    proposed_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)
    proposed_by_name = serializers.CharField(source="proposed_by.user.full_name", read_only=True, allow_null=True)
    supplier_score = serializers.SerializerMethodField()
    customer_score = serializers.SerializerMethodField()
    average = serializers.SerializerMethodField(help_text="Mean total of the firms' scores (3–15); null if unscored.")

    class Meta:
        model = FutureTopic
        fields = [
            "id",
            "relationship",
            *work.TOPIC_FIELDS,
            "proposed_by_side",
            "proposed_by",
            "proposed_by_name",
            "status",
            "priority",
            "supplier_score",
            "customer_score",
            "average",
            "created_at",
        ]
        read_only_fields = ["proposed_by_side", "status", "priority"]

    def _score(self, topic: FutureTopic, side: str) -> dict[str, Any] | None:
        for score in topic.scores.all():  # prefetched
            if score.side == side:
                return dict(TopicScoreSerializer(score, context=self.context).data)
        return None

    @extend_schema_field(TopicScoreSerializer(allow_null=True))
    def get_supplier_score(self, topic: FutureTopic) -> dict[str, Any] | None:
        return self._score(topic, Side.SUPPLIER)

    @extend_schema_field(TopicScoreSerializer(allow_null=True))
    def get_customer_score(self, topic: FutureTopic) -> dict[str, Any] | None:
        return self._score(topic, Side.CUSTOMER)

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_average(self, topic: FutureTopic) -> float | None:
        scores = list(topic.scores.all())
        return sum(s.total for s in scores) / len(scores) if scores else None


class TopicFilter(RelationshipChildFilter):
    status = django_filters.ChoiceFilter(choices=TopicStatus.choices)
    category = django_filters.ChoiceFilter(choices=FutureTopic._meta.get_field("category").choices)

    class Meta:
        model = FutureTopic
        fields = ["relationship", "status", "category"]


class TopicViewSet(CrudViewSet):
    """Future topics: long list, scored by both firms, short list of active topics with priorities."""

    model = FutureTopic
    serializer_class = TopicSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **crud_permissions("topics.view", "topics.manage"),
        "create": "topics.propose",
        "score": "topics.view",
        "add_score": "topics.score",
        "status_": "topics.view",
        "set_status": "topics.manage",
        "steering": "topics.view",
        "add_steering_member": "topics.manage",
    }
    filterset_class = TopicFilter
    search_fields = ["title", "description"]
    ordering_fields = ["title", "status", "priority", "created_at"]
    ordering = ["status", "priority", "title"]

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return work.topics_for(membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return work.topic_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return work.topic_update(actor=self.membership, topic=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        work.topic_delete(actor=self.membership, topic=obj)

    @extend_schema(responses=TopicScoreSerializer(many=True), description="Both firms' scores.")
    @action(detail=True, methods=["get"], url_path="score", filter_backends=[], pagination_class=None)
    def score(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        topic = cast(FutureTopic, self.get_object())
        return Response(TopicScoreSerializer(topic.scores.all(), many=True).data)

    @score.mapping.post
    @extend_schema(request=TopicScoreRequestSerializer, responses={200: TopicScoreSerializer})
    def add_score(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Record your firm's score (1–5 each); it replaces your firm's earlier score."""
        topic = cast(FutureTopic, self.get_object())
        serializer = TopicScoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        score = work.topic_score(actor=self.membership, topic=topic, **serializer.validated_data)
        return Response(TopicScoreSerializer(score).data)

    @extend_schema(responses=SteeringMemberSerializer(many=True), description="The joint steering team.")
    @action(detail=True, methods=["get"], url_path="steering", filter_backends=[], pagination_class=None)
    def steering(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        topic = cast(FutureTopic, self.get_object())
        members = work.steering_team(membership=self.membership, topic=topic)
        return Response(SteeringMemberSerializer(members, many=True, context=self.get_serializer_context()).data)

    @steering.mapping.post
    @extend_schema(request=SteeringMemberSerializer, responses={201: SteeringMemberSerializer})
    def add_steering_member(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Add a contact (ours or of this account) to the topic's joint steering team."""
        topic = cast(FutureTopic, self.get_object())
        serializer = SteeringMemberSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        member = work.steering_member_add(actor=self.membership, topic=topic, **serializer.validated_data)
        return Response(SteeringMemberSerializer(member).data, status=201)

    @extend_schema(responses=TopicStatusSerializer)
    @action(detail=True, methods=["get"], url_path="status", url_name="status", filter_backends=[])
    def status_(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """The topic's status and priority."""
        return Response(TopicStatusSerializer(self.get_object()).data)

    @status_.mapping.post
    @extend_schema(
        request=TopicStatusSerializer,
        responses={200: TopicSerializer, 400: OpenApiResponse(description="E.g. the short list is full.")},
    )
    def set_status(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        topic = cast(FutureTopic, self.get_object())
        serializer = TopicStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        work.topic_set_status(actor=self.membership, topic=topic, **serializer.validated_data)
        return Response(self.get_serializer(self._reread(topic)).data)


def register(router: SimpleRouter) -> None:
    router.register("actions", ActionViewSet, basename="api-action")
    router.register("topics", TopicViewSet, basename="api-topic")
