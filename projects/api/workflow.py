"""API · workflow: tollgate reviews, checklist items, waiting periods, notifications, and the project
detail actions ``cancel`` and ``credit``.

Reads start from the base class's scoped queryset (tenant + the customer's own account); ids in a
body are re-scoped through ``visible_to(membership)`` (an id the member may not see is a 400
"Not found"). Writes go to ``projects.workflow`` services: ``ValidationError`` → 400 with field
errors, ``PermissionDenied`` → 403. Detail write actions look the object up first, so a customer of
another account gets 404 and a customer of the account 403.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from projects import workflow
from projects.api.base import ProjectsAreaViewSet
from projects.models import (
    DMAIC_PHASES,
    ChecklistItem,
    CreditOwner,
    Notification,
    Phase,
    Project,
    ReviewDecision,
    TollgateReview,
    WaitingKind,
    WaitingPeriod,
)
from projects.workflow import notifications_mark_read

# --- Serializers ----------------------------------------------------------------------------

DMAIC_CHOICES = [(p, Phase(p).label) for p in DMAIC_PHASES]


class InlineChoiceField(serializers.CharField):
    """A choice documented in its description, not as an enum component: the names ``phase`` and
    ``kind`` already name other choice sets in the schema (a collision warning otherwise)."""

    choices: ClassVar[list[tuple[str, str]]] = []

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        allowed = [c[0] for c in self.choices]
        if value not in allowed:
            raise serializers.ValidationError(f"Choose one of: {', '.join(allowed)}.")
        return value


@extend_schema_field({"type": "string", "description": f"A DMAIC phase: {', '.join(DMAIC_PHASES)}."})
class DmaicPhaseField(InlineChoiceField):
    choices: ClassVar[list[tuple[str, str]]] = DMAIC_CHOICES


@extend_schema_field({"type": "string", "description": f"What the project waits for: {', '.join(WaitingKind.values)}."})
class WaitingKindField(InlineChoiceField):
    choices: ClassVar[list[tuple[str, str]]] = list(WaitingKind.choices)


@extend_schema_field({"type": "string", "description": f"The coach's decision: {', '.join(ReviewDecision.values)}."})
class ReviewDecisionField(InlineChoiceField):
    choices: ClassVar[list[tuple[str, str]]] = list(ReviewDecision.choices)


@extend_schema_field({"type": "string", "description": f"A project phase: {', '.join(Phase.values)}."})
class PhaseField(InlineChoiceField):
    choices: ClassVar[list[tuple[str, str]]] = list(Phase.choices)


@extend_schema_field({"type": "string", "description": f"Who gets the belt credit: {', '.join(CreditOwner.values)}."})
class CreditOwnerField(InlineChoiceField):
    choices: ClassVar[list[tuple[str, str]]] = list(CreditOwner.choices)


@extend_schema_field(
    {"type": "string", "description": "Who gets the belt credit: supplier (our candidate), customer, or both."}
)
class CreditChoiceField(InlineChoiceField):
    choices: ClassVar[list[tuple[str, str]]] = [c for c in CreditOwner.choices if c[0] != CreditOwner.UNSETTLED]


class TollgateReviewSerializer(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id", read_only=True)
    decision = ReviewDecisionField(read_only=True)
    phase = PhaseField(read_only=True)
    submitted_by = serializers.UUIDField(source="submitted_by_id", read_only=True)
    submitted_by_name = serializers.CharField(source="submitted_by.user.display_name", read_only=True)
    decided_by = serializers.UUIDField(source="decided_by_id", read_only=True, allow_null=True)
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = TollgateReview
        fields = [
            "id",
            "project",
            "phase",
            "submitted_by",
            "submitted_by_name",
            "submitted_at",
            "summary",
            "decision",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "comments",
        ]
        read_only_fields = fields

    def get_decided_by_name(self, obj: TollgateReview) -> str | None:
        return obj.decided_by.user.display_name if obj.decided_by_id else None  # type: ignore[union-attr]


class TollgateSubmitSerializer(serializers.Serializer):
    project = serializers.UUIDField(help_text="The project whose current phase is submitted.")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_field({"type": "string", "description": "approve (the project enters the next phase) or return."})
class DecisionField(InlineChoiceField):
    choices: ClassVar[list[tuple[str, str]]] = [(workflow.APPROVE, "Approve"), (workflow.RETURN, "Return")]


class TollgateDecideSerializer(serializers.Serializer):
    decision = DecisionField()
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class ChecklistItemSerializer(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id", read_only=True)
    phase = DmaicPhaseField(read_only=True)
    done_by = serializers.UUIDField(source="done_by_id", read_only=True, allow_null=True)

    class Meta:
        model = ChecklistItem
        fields = ["id", "project", "phase", "title", "position", "done", "done_by", "done_at"]
        read_only_fields = ["id", "project", "phase", "title", "position", "done_by", "done_at"]


class ChecklistItemCreateSerializer(serializers.Serializer):
    project = serializers.UUIDField()
    phase = DmaicPhaseField()
    title = serializers.CharField(max_length=200)


class WaitingPeriodSerializer(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id", read_only=True)
    kind = WaitingKindField(read_only=True)
    phase = PhaseField(read_only=True)

    class Meta:
        model = WaitingPeriod
        fields = ["id", "project", "kind", "reason", "started_on", "expected_end_on", "ended_on", "phase"]
        read_only_fields = fields


class WaitingStartSerializer(serializers.Serializer):
    project = serializers.UUIDField()
    kind = WaitingKindField()
    reason = serializers.CharField(allow_blank=True)
    expected_end_on = serializers.DateField(required=False, allow_null=True, default=None)


class WaitingEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class NotificationSerializer(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id", read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "project", "verb", "message", "created_at", "read_at"]
        read_only_fields = fields


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class CreditSerializer(serializers.Serializer):
    owner = CreditChoiceField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CreditResultSerializer(serializers.ModelSerializer):
    phase = PhaseField(read_only=True)
    credit_owner = CreditOwnerField(read_only=True)

    class Meta:
        model = Project
        fields = ["id", "phase", "credit_owner", "credit_note", "credit_settled_at", "cancel_reason", "closed_on"]
        read_only_fields = fields


# --- Base -----------------------------------------------------------------------------------


class ProjectChildFilter(django_filters.FilterSet):
    project = django_filters.UUIDFilter(field_name="project_id", help_text="Rows of this project.")


# --- Tollgate reviews -----------------------------------------------------------------------


class TollgateReviewFilter(ProjectChildFilter):
    decision = django_filters.ChoiceFilter(choices=TollgateReview._meta.get_field("decision").choices)

    class Meta:
        model = TollgateReview
        fields = ["project", "decision"]


@extend_schema_view(
    list=extend_schema(summary="Tollgate reviews (history, newest first)"),
    retrieve=extend_schema(summary="One tollgate review"),
    create=extend_schema(
        summary="Submit the project's current phase for review (the lead, or an admin on their behalf)",
        request=TollgateSubmitSerializer,
        responses={201: TollgateReviewSerializer},
    ),
)
class TollgateReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectsAreaViewSet):
    model = TollgateReview
    serializer_class = TollgateReviewSerializer
    filterset_class = TollgateReviewFilter
    ordering_fields = ["submitted_at"]
    ordering = ["-submitted_at"]
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "projects.view",
        "retrieve": "projects.view",
        "create": "tollgates.submit",
        "decision": "projects.view",
        "decide": "projects.view",  # looked up first (404), then the service checks the coach (403)
        "withdraw": "tollgates.submit",  # the service checks the lead (403)
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("project", "submitted_by__user", "decided_by__user")

    def create(self, request: Request, **_url: Any) -> Response:
        serializer = TollgateSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = self.project_from(serializer.validated_data["project"])
        review = workflow.tollgate_submit(
            actor=self.membership, project=project, summary=serializer.validated_data["summary"]
        )
        return Response(TollgateReviewSerializer(self.reread(review)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The review to decide", responses={200: TollgateReviewSerializer})
    @action(detail=True, methods=["get"], url_path="decide", url_name="decide", filter_backends=[])
    def decision(self, _request: Request, **_url: Any) -> Response:
        return Response(TollgateReviewSerializer(self.get_object()).data)

    @decision.mapping.post
    @extend_schema(
        summary="Decide a pending tollgate (the project's coach only; never the lead)",
        request=TollgateDecideSerializer,
        responses={200: TollgateReviewSerializer},
    )
    def decide(self, request: Request, **_url: Any) -> Response:
        review = cast(TollgateReview, self.get_object())
        serializer = TollgateDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workflow.tollgate_decide(actor=self.membership, review=review, **serializer.validated_data)
        return Response(TollgateReviewSerializer(self.reread(review)).data)

    @extend_schema(
        summary="Withdraw a pending submission (the project's lead, or an admin)",
        request=None,
        responses={200: TollgateReviewSerializer},
    )
    @action(detail=True, methods=["post"], url_path="withdraw", url_name="withdraw", filter_backends=[])
    def withdraw(self, _request: Request, **_url: Any) -> Response:
        review = cast(TollgateReview, self.get_object())
        workflow.tollgate_withdraw(actor=self.membership, review=review)
        return Response(TollgateReviewSerializer(self.reread(review)).data)


# --- Checklist items ------------------------------------------------------------------------


class ChecklistItemFilter(ProjectChildFilter):
    phase = django_filters.ChoiceFilter(choices=[(p, Phase(p).label) for p in DMAIC_PHASES])

    class Meta:
        model = ChecklistItem
        fields = ["project", "phase", "done"]


@extend_schema_view(
    list=extend_schema(summary="Checklist items (deliverables) per phase"),
    retrieve=extend_schema(summary="One checklist item"),
    partial_update=extend_schema(summary="Tick or untick a deliverable (only `done` can change)"),
    create=extend_schema(
        summary="Add an extra deliverable to a project",
        request=ChecklistItemCreateSerializer,
        responses={201: ChecklistItemSerializer},
    ),
)
class ChecklistItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectsAreaViewSet):
    model = ChecklistItem
    serializer_class = ChecklistItemSerializer
    filterset_class = ChecklistItemFilter
    ordering_fields = ["phase", "position"]
    ordering = ["phase", "position", "title"]
    http_method_names: ClassVar[list[str]] = ["get", "post", "patch", "head", "options"]  # type: ignore[misc]
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "projects.view",
        "retrieve": "projects.view",
        "create": "checklists.update",
        "partial_update": "projects.view",  # looked up first (404), then the service checks (403)
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("project")

    def create(self, request: Request, **_url: Any) -> Response:
        serializer = ChecklistItemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = self.project_from(data.pop("project"))
        item = workflow.checklist_item_add(actor=self.membership, project=project, **data)
        return Response(ChecklistItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, **_url: Any) -> Response:
        item = cast(ChecklistItem, self.get_object())
        unknown = sorted(set(request.data) - {"done"})
        if unknown:
            raise ValidationError({name: "Only `done` can be changed here." for name in unknown})
        serializer = ChecklistItemSerializer(item, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "done" not in serializer.validated_data:
            raise ValidationError({"done": "This field is required."})
        item = workflow.checklist_toggle(actor=self.membership, item=item, done=serializer.validated_data["done"])
        return Response(ChecklistItemSerializer(self.reread(item)).data)


# --- Waiting periods ------------------------------------------------------------------------


class WaitingPeriodFilter(ProjectChildFilter):
    open = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", help_text="true: open only.")

    class Meta:
        model = WaitingPeriod
        fields = ["project", "kind", "open"]


@extend_schema_view(
    list=extend_schema(summary="Waiting periods (newest first)"),
    retrieve=extend_schema(summary="One waiting period"),
    create=extend_schema(
        summary="Start waiting (one open waiting period per project)",
        request=WaitingStartSerializer,
        responses={201: WaitingPeriodSerializer},
    ),
)
class WaitingPeriodViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectsAreaViewSet):
    model = WaitingPeriod
    serializer_class = WaitingPeriodSerializer
    filterset_class = WaitingPeriodFilter
    ordering_fields = ["started_on"]
    ordering = ["-started_on"]
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "projects.view",
        "retrieve": "projects.view",
        "create": "waiting.manage",
        "ending": "projects.view",
        "end": "projects.view",  # looked up first (404), then the service checks (403)
    }

    def create(self, request: Request, **_url: Any) -> Response:
        serializer = WaitingStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = self.project_from(data.pop("project"))
        period = workflow.waiting_start(actor=self.membership, project=project, **data)
        return Response(WaitingPeriodSerializer(period).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="The waiting period to end", responses={200: WaitingPeriodSerializer})
    @action(detail=True, methods=["get"], url_path="end", url_name="end", filter_backends=[])
    def ending(self, _request: Request, **_url: Any) -> Response:
        return Response(WaitingPeriodSerializer(self.get_object()).data)

    @ending.mapping.post
    @extend_schema(summary="End the wait", request=WaitingEndSerializer, responses={200: WaitingPeriodSerializer})
    def end(self, request: Request, **_url: Any) -> Response:
        period = cast(WaitingPeriod, self.get_object())
        serializer = WaitingEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = workflow.waiting_end(actor=self.membership, period=period, **serializer.validated_data)
        return Response(WaitingPeriodSerializer(period).data)


# --- Notifications --------------------------------------------------------------------------


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", help_text="true: unread only.")

    class Meta:
        model = Notification
        fields = ["unread"]


ReadAllSerializer = inline_serializer("NotificationsReadAll", {"marked": serializers.IntegerField()})
UnreadSerializer = inline_serializer("NotificationsUnread", {"unread": serializers.IntegerField()})


@extend_schema_view(
    list=extend_schema(summary="My notifications (newest first)"),
    retrieve=extend_schema(summary="One of my notifications"),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectsAreaViewSet):
    model = Notification
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "projects.view",
        "retrieve": "projects.view",
        "read_state": "projects.view",
        "read": "projects.view",
        "unread_count": "projects.view",
        "read_all": "projects.view",
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(recipient=self.membership)

    @extend_schema(summary="The notification (read or not)", responses={200: NotificationSerializer})
    @action(detail=True, methods=["get"], url_path="read", url_name="read", filter_backends=[])
    def read_state(self, _request: Request, **_url: Any) -> Response:
        return Response(NotificationSerializer(self.get_object()).data)

    @read_state.mapping.post
    @extend_schema(summary="Mark one notification read", request=None, responses={200: NotificationSerializer})
    def read(self, _request: Request, **_url: Any) -> Response:
        notification = cast(Notification, self.get_object())
        notifications_mark_read(actor=self.membership, ids=[notification.pk])
        return Response(NotificationSerializer(self.reread(notification)).data)

    @extend_schema(summary="How many of my notifications are unread", responses={200: UnreadSerializer})
    @action(detail=False, methods=["get"], url_path="read-all", url_name="read-all", filter_backends=[])
    def unread_count(self, _request: Request, **_url: Any) -> Response:
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})

    @unread_count.mapping.post
    @extend_schema(summary="Mark all my notifications read", request=None, responses={200: ReadAllSerializer})
    def read_all(self, _request: Request, **_url: Any) -> Response:
        return Response({"marked": notifications_mark_read(actor=self.membership)})


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("tollgate-reviews", TollgateReviewViewSet, basename="api-tollgate-review")
    router.register("checklist-items", ChecklistItemViewSet, basename="api-checklist-item")
    router.register("waiting-periods", WaitingPeriodViewSet, basename="api-waiting-period")
    router.register("notifications", NotificationViewSet, basename="api-notification")


class ProjectWorkflowActions(ProjectsAreaViewSet):
    """Detail actions of this area on ``/projects/<pk>/…`` (composed into ``ProjectViewSet`` by
    projects/api/projects.py). Add ``@action(detail=True, …)`` methods here and name their
    permission in ``extra_action_permissions`` (action name → core.permissions action)."""

    # Looked up first (404 for customers of other accounts), then the service checks who (403).
    extra_action_permissions: ClassVar[dict[str, str]] = {
        "cancel_state": "projects.view",
        "cancel": "projects.view",
        "credit_state": "projects.view",
        "credit": "projects.view",
    }

    @extend_schema(
        summary="Phase, cancel reason and belt credit of the project", responses={200: CreditResultSerializer}
    )
    @action(detail=True, methods=["get"], url_path="cancel", url_name="cancel", filter_backends=[])
    def cancel_state(self, _request: Request, **_url: Any) -> Response:
        return Response(CreditResultSerializer(self.get_object()).data)

    @cancel_state.mapping.post
    @extend_schema(
        summary="Cancel an open project with a reason (lead, coach or admin)",
        request=CancelSerializer,
        responses={200: CreditResultSerializer},
    )
    def cancel(self, request: Request, **_url: Any) -> Response:
        project = self.get_project()
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workflow.project_cancel(
            actor=self.membership,
            project=project,
            reason=serializer.validated_data["reason"],
        )
        return Response(CreditResultSerializer(project).data)

    @extend_schema(summary="Belt credit of the project", responses={200: CreditResultSerializer})
    @action(detail=True, methods=["get"], url_path="credit", url_name="credit", filter_backends=[])
    def credit_state(self, _request: Request, **_url: Any) -> Response:
        return Response(CreditResultSerializer(self.get_object()).data)

    @credit_state.mapping.post
    @extend_schema(
        summary="Settle who gets the belt credit (lead, coach or admin)",
        request=CreditSerializer,
        responses={200: CreditResultSerializer},
    )
    def credit(self, request: Request, **_url: Any) -> Response:
        project = self.get_project()
        serializer = CreditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        workflow.credit_settle(actor=self.membership, project=project, **serializer.validated_data)
        return Response(CreditResultSerializer(project).data)
