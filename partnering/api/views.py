"""Partnering API viewsets under /api/v1/t/<tenant_slug>/.

Thin on purpose: reads start from the base class's scoped queryset (tenant + customer account),
writes hand validated data to ``partnering.services``, which check people and objects and raise
``ValidationError`` (→ 400 with field messages) or ``PermissionDenied`` (→ 403).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from core.api.base import UUID_REGEX, TenantScopedViewSet
from partnering import selectors, services
from partnering.api import serializers as s
from partnering.ics import meetings_ics
from partnering.models import (
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Attendee,
    Contact,
    ContactActivity,
    CustomerAccount,
    FutureTopic,
    LevelChange,
    Meeting,
    Relationship,
    RosterEntry,
    Sponsor,
    TopicScore,
    TopicStatus,
)


class PartneringViewSet(TenantScopedViewSet):
    """Shared plumbing: ids must be UUIDs (else 404) and writes go through services.

    The ``service_*`` handlers are wired as create/update/destroy by the concrete viewsets;
    subclasses implement ``perform_service_create(data)``, ``perform_service_update(obj, data)``
    and ``perform_service_destroy(obj)``; responses re-read the row through the scoped queryset
    so computed fields (counts) are present.
    """

    lookup_value_regex = UUID_REGEX

    def _reread(self, obj: Any) -> Any:
        return self.get_queryset().get(pk=obj.pk)

    def service_create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_service_create(dict(serializer.validated_data))
        return Response(self.get_serializer(self._reread(obj)).data, status=status.HTTP_201_CREATED)

    def service_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        for name in getattr(serializer, "create_only", ()):
            if name in data:
                if data[name] != getattr(instance, name):
                    raise ValidationError({name: "This is set when the record is created and cannot be changed."})
                del data[name]
        obj = self.perform_service_update(instance, data)
        return Response(self.get_serializer(self._reread(obj)).data)

    def service_partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs["partial"] = True
        return self.service_update(request, *args, **kwargs)

    def service_destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.perform_service_destroy(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def perform_service_destroy(self, obj: Any) -> None:
        raise NotImplementedError

    def paginated(self, queryset: Any, serializer_class: type[BaseSerializer]) -> Response:
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)


class CrudViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    PartneringViewSet,
):
    """List, retrieve, create, update (PUT/PATCH) and delete; the write methods are ours above."""

    create = PartneringViewSet.service_create
    update = PartneringViewSet.service_update
    partial_update = PartneringViewSet.service_partial_update
    destroy = PartneringViewSet.service_destroy


def _crud_permissions(view: str, manage: str) -> dict[str, str]:
    return {
        "list": view,
        "retrieve": view,
        "create": manage,
        "update": manage,
        "partial_update": manage,
        "destroy": manage,
    }


# --- Accounts ---------------------------------------------------------------------------------


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
    serializer_class = s.AccountSerializer
    action_permissions: ClassVar[dict[str, str]] = _crud_permissions("accounts.view", "accounts.manage")
    filterset_class = AccountFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "industry", "region", "created_at", "updated_at", "contact_count", "overdue_count"]
    ordering = ["name"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return selectors.annotate_account_counts(queryset, membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return services.account_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return services.account_update(actor=self.membership, account=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.account_delete(actor=self.membership, account=obj)


# --- Contacts ---------------------------------------------------------------------------------


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
    serializer_class = s.ContactSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **_crud_permissions("contacts.view", "contacts.manage"),
        "activities": "contacts.view",
        "add_activity": "contacts.log_activity",
    }
    filterset_class = ContactFilter
    search_fields = ["full_name", "title", "function", "geography", "email"]
    ordering_fields = ["full_name", "created_at"]
    ordering = ["full_name"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account", "membership__user")

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return services.contact_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return services.contact_update(actor=self.membership, contact=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.contact_delete(actor=self.membership, contact=obj)

    @extend_schema(responses=s.ContactActivitySerializer(many=True))
    @action(detail=True, methods=["get"], url_path="activities", filter_backends=[])
    def activities(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The contact's activity log, newest first."""
        contact = cast(Contact, self.get_object())
        rows = (
            ContactActivity.objects.visible_to(self.membership)
            .filter(contact=contact)
            .select_related("author__user")
            .order_by("-occurred_on", "-created_at", "pk")
        )
        return self.paginated(rows, s.ContactActivitySerializer)

    @activities.mapping.post
    @extend_schema(request=s.ContactActivitySerializer, responses={201: s.ContactActivitySerializer})
    def add_activity(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Log a call, meeting, e-mail or visit with the contact."""
        contact = cast(Contact, self.get_object())
        serializer = s.ContactActivitySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        activity = services.contact_activity_add(actor=self.membership, contact=contact, **serializer.validated_data)
        return Response(
            s.ContactActivitySerializer(activity, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


# --- Relationships ----------------------------------------------------------------------------


class RelationshipFilter(django_filters.FilterSet):
    account = django_filters.UUIDFilter(field_name="account_id")
    level = django_filters.ChoiceFilter(choices=Relationship._meta.get_field("level").choices)

    class Meta:
        model = Relationship
        fields = ["account", "level"]


class RelationshipViewSet(CrudViewSet):
    """Relationships with customer accounts: level, champions, cadence, plan."""

    model = Relationship
    serializer_class = s.RelationshipSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **_crud_permissions("relationships.view", "relationships.manage"),
        "level": "relationships.view",
        "change_level": "relationships.manage",
        "level_history": "relationships.view",
    }
    filterset_class = RelationshipFilter
    search_fields = ["account__name", "business_unit"]
    ordering_fields = ["account__name", "business_unit", "level", "updated_at", "overdue_actions"]
    ordering = ["account__name", "business_unit"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return selectors.annotate_relationship_counts(queryset, membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return services.relationship_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        if "level" in data:
            if data["level"] != obj.level:
                raise ValidationError({"level": "Change the level with POST …/level/ so the change is dated."})
            del data["level"]
        return services.relationship_update(actor=self.membership, relationship=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.relationship_delete(actor=self.membership, relationship=obj)

    @extend_schema(responses=s.LevelSerializer)
    @action(detail=True, methods=["get"], url_path="level", filter_backends=[])
    def level(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The current level."""
        return Response(s.LevelSerializer(self.get_object()).data)

    @level.mapping.post
    @extend_schema(
        request=s.LevelChangeRequestSerializer,
        responses={201: s.LevelChangeSerializer},
        description="Move the relationship to another level; the change is kept, dated, in the history.",
    )
    def change_level(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        relationship = cast(Relationship, self.get_object())
        serializer = s.LevelChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = services.relationship_change_level(
            actor=self.membership, relationship=relationship, **serializer.validated_data
        )
        change = LevelChange.objects.select_related("changed_by__user").get(pk=change.pk)
        return Response(s.LevelChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.LevelChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="level-history", filter_backends=[])
    def level_history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Dated level changes, newest first."""
        relationship = cast(Relationship, self.get_object())
        rows = (
            LevelChange.objects.visible_to(self.membership)
            .filter(relationship=relationship)
            .select_related("changed_by__user")
            .order_by("-changed_on", "-created_at")
        )
        return self.paginated(rows, s.LevelChangeSerializer)


class RelationshipChildFilter(django_filters.FilterSet):
    relationship = django_filters.UUIDFilter(field_name="relationship_id")


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
    PartneringViewSet,
):
    """Executive sponsors, at most three per side and relationship (a fourth is a 400)."""

    model = Sponsor
    serializer_class = s.SponsorSerializer
    action_permissions: ClassVar[dict[str, str]] = _crud_permissions("relationships.view", "relationships.manage")
    filterset_class = SponsorFilter
    ordering_fields = ["side"]
    ordering = ["side", "membership__user__full_name"]
    create = PartneringViewSet.service_create
    destroy = PartneringViewSet.service_destroy

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("membership__user")

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return services.sponsor_add(actor=self.membership, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.sponsor_remove(actor=self.membership, sponsor=obj)


class RosterFilter(RelationshipChildFilter):
    is_point_person = django_filters.BooleanFilter()

    class Meta:
        model = RosterEntry
        fields = ["relationship", "is_point_person"]


class RosterViewSet(CrudViewSet):
    """The relationship roster: people across functions and geographies, with their role."""

    model = RosterEntry
    serializer_class = s.RosterEntrySerializer
    action_permissions: ClassVar[dict[str, str]] = _crud_permissions("relationships.view", "relationships.manage")
    filterset_class = RosterFilter
    ordering_fields = ["role", "is_point_person"]
    ordering = ["-is_point_person", "contact__full_name"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("contact")

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return services.roster_add(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return services.roster_update(actor=self.membership, entry=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.roster_remove(actor=self.membership, entry=obj)


# --- Meetings ---------------------------------------------------------------------------------


class CalendarRenderer(renderers.BaseRenderer):
    """Lets clients ask for ``text/calendar``; error bodies are still written as JSON."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data.encode() if isinstance(data, str) else json.dumps(data, default=str).encode()


class MeetingFilter(RelationshipChildFilter):
    kind = django_filters.ChoiceFilter(choices=Meeting._meta.get_field("kind").choices)
    status = django_filters.ChoiceFilter(choices=Meeting._meta.get_field("status").choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["relationship", "kind", "status", "starts_after", "starts_before"]


class MeetingViewSet(CrudViewSet):
    """Relationship meetings: agenda, attendees of both firms, minutes, decisions, hard questions."""

    model = Meeting
    serializer_class = s.MeetingSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **_crud_permissions("meetings.view", "meetings.manage"),
        "ics": "meetings.view",
        "hard_questions": "meetings.view",
        "add_hard_question": "meetings.manage",
    }
    filterset_class = MeetingFilter
    search_fields = ["title", "location"]
    ordering_fields = ["starts_at", "title"]
    ordering = ["-starts_at"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("relationship__account").prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("contact")), "hard_questions"
        )

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        for name in ("attended", "answers"):
            if name in data:
                raise ValidationError({name: "Set this once the meeting exists (PATCH the meeting)."})
        return services.meeting_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        if "answers" in data:
            data["answers"] = {str(key): value for key, value in data["answers"].items()}
        return services.meeting_update(actor=self.membership, meeting=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.meeting_delete(actor=self.membership, meeting=obj)

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.STR},
        description="The meeting as an iCalendar file (no internal notes).",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="ics",
        filter_backends=[],
        renderer_classes=[renderers.JSONRenderer, CalendarRenderer],
    )
    def ics(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        meeting = cast(Meeting, self.get_object())
        response = HttpResponse(
            meetings_ics([meeting], calendar_name=str(meeting.relationship)),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        return response

    @extend_schema(responses=s.HardQuestionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="hard-questions", filter_backends=[])
    def hard_questions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The hard questions asked at this meeting and the answers heard."""
        meeting = cast(Meeting, self.get_object())
        return self.paginated(meeting.hard_questions.all(), s.HardQuestionSerializer)

    @hard_questions.mapping.post
    @extend_schema(request=s.HardQuestionSerializer, responses={201: s.HardQuestionSerializer})
    def add_hard_question(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = cast(Meeting, self.get_object())
        serializer = s.HardQuestionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = services.hard_question_add(actor=self.membership, meeting=meeting, **serializer.validated_data)
        return Response(s.HardQuestionSerializer(question).data, status=status.HTTP_201_CREATED)


# --- Action items -----------------------------------------------------------------------------


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

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
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
    serializer_class = s.ActionSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **_crud_permissions("actions.view", "actions.manage"),
        "partial_update": "actions.update_own",  # the service limits customers to their own, status only
        "mine": "actions.view",
    }
    filterset_class = ActionFilter
    search_fields = ["title", "description"]
    ordering_fields = ["due_on", "title", "status", "updated_at"]
    ordering = ["due_on", "title"]

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.membership.is_customer:
            queryset = queryset.filter(internal_only=False)
        return queryset.select_related("owner__user", "relationship__account")

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return services.action_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return services.action_update(actor=self.membership, action=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.action_delete(actor=self.membership, action=obj)

    @extend_schema(
        responses=s.ActionSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "include_closed", OpenApiTypes.BOOL, description="Also done and cancelled ones (default: open only)."
            )
        ],
    )
    @action(detail=False, methods=["get"], url_path="mine")
    def mine(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Actions assigned to you, soonest due first (open only unless ``include_closed=true``)."""
        queryset = self.filter_queryset(self.get_queryset().filter(owner=self.membership))
        if request.query_params.get("include_closed", "").lower() not in ("true", "1") and "status" not in (
            request.query_params
        ):
            queryset = queryset.filter(status__in=OPEN_ACTION_STATUSES)
        return self.paginated(queryset, s.ActionSerializer)


# --- Future topics ----------------------------------------------------------------------------


class TopicFilter(RelationshipChildFilter):
    status = django_filters.ChoiceFilter(choices=TopicStatus.choices)
    category = django_filters.ChoiceFilter(choices=FutureTopic._meta.get_field("category").choices)

    class Meta:
        model = FutureTopic
        fields = ["relationship", "status", "category"]


class TopicViewSet(CrudViewSet):
    """Future topics: long list, scored by both firms, short list of active topics with priorities."""

    model = FutureTopic
    serializer_class = s.TopicSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **_crud_permissions("topics.view", "topics.manage"),
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

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("proposed_by__user").prefetch_related(
            Prefetch("scores", queryset=TopicScore.objects.all())
        )

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        return services.topic_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        return services.topic_update(actor=self.membership, topic=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        services.topic_delete(actor=self.membership, topic=obj)

    @extend_schema(responses=s.TopicScoreSerializer(many=True), description="Both firms' scores.")
    @action(detail=True, methods=["get"], url_path="score", filter_backends=[], pagination_class=None)
    def score(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        topic = cast(FutureTopic, self.get_object())
        return Response(s.TopicScoreSerializer(topic.scores.all(), many=True).data)

    @score.mapping.post
    @extend_schema(request=s.TopicScoreRequestSerializer, responses={200: s.TopicScoreSerializer})
    def add_score(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record your firm's score (1–5 each); it replaces your firm's earlier score."""
        topic = cast(FutureTopic, self.get_object())
        serializer = s.TopicScoreRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        score = services.topic_score(actor=self.membership, topic=topic, **serializer.validated_data)
        return Response(s.TopicScoreSerializer(score).data)

    @extend_schema(responses=s.SteeringMemberSerializer(many=True), description="The joint steering team.")
    @action(detail=True, methods=["get"], url_path="steering", filter_backends=[], pagination_class=None)
    def steering(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        topic = cast(FutureTopic, self.get_object())
        members = topic.steering_members.select_related("contact")
        return Response(s.SteeringMemberSerializer(members, many=True, context=self.get_serializer_context()).data)

    @steering.mapping.post
    @extend_schema(request=s.SteeringMemberSerializer, responses={201: s.SteeringMemberSerializer})
    def add_steering_member(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a contact (ours or of this account) to the topic's joint steering team."""
        topic = cast(FutureTopic, self.get_object())
        serializer = s.SteeringMemberSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        member = services.steering_member_add(actor=self.membership, topic=topic, **serializer.validated_data)
        return Response(s.SteeringMemberSerializer(member).data, status=201)

    @extend_schema(responses=s.TopicStatusSerializer)
    @action(detail=True, methods=["get"], url_path="status", url_name="status", filter_backends=[])
    def status_(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The topic's status and priority."""
        return Response(s.TopicStatusSerializer(self.get_object()).data)

    @status_.mapping.post
    @extend_schema(
        request=s.TopicStatusSerializer,
        responses={200: s.TopicSerializer, 400: OpenApiResponse(description="E.g. the short list is full.")},
    )
    def set_status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        topic = cast(FutureTopic, self.get_object())
        serializer = s.TopicStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.topic_set_status(actor=self.membership, topic=topic, **serializer.validated_data)
        return Response(self.get_serializer(self._reread(topic)).data)
