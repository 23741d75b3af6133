"""API · discussion: ``/project-comments/``, ``/project-attachments/`` (multipart upload, ``download``),
``/project-feedback/``, ``/project-activity/`` and ``/feedback-summary/``.

Customer participants never get internal-only rows (the querysets drop them) nor the
``internal_only`` field (``CustomerSafeMixin``), and cannot set it.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from typing_extensions import override

from core.api.fields import CustomerSafeMixin, ScopedPrimaryKeyRelatedField, inline_choice
from core.http import attachment_response
from projects import discussion as area
from projects.api.base import ERROR, ProjectsAreaViewSet
from projects.models import CustomerFeedback, Phase, Project, ProjectActivity, ProjectAttachment, ProjectComment


def _author() -> serializers.CharField:
    return serializers.CharField(read_only=True, allow_null=True)


class ProjectFilter(django_filters.FilterSet):
    project = django_filters.UUIDFilter(field_name="project_id", help_text="Rows of this project.")


# --- Comments ----------------------------------------------------------------------------------


class CommentSerializer(CustomerSafeMixin, serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    author_name = serializers.CharField(source="author.user.display_name", read_only=True, allow_null=True)
    internal_only = serializers.BooleanField(required=False, default=False, help_text="Our company only.")

    class Meta:
        model = ProjectComment
        fields = ["id", "project", "author", "author_name", "body", "internal_only", "created_at"]
        read_only_fields = ["author", "created_at"]


class CommentFilter(ProjectFilter):
    class Meta:
        model = ProjectComment
        fields = ["project"]


@extend_schema_view(create=extend_schema(responses={201: CommentSerializer, 400: ERROR, 403: ERROR}))
class CommentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ProjectsAreaViewSet):
    """Comments on projects, oldest first. Customers see (and post) shared comments only."""

    model = ProjectComment
    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    ordering_fields = ["created_at"]
    ordering = ["created_at"]
    search_fields: ClassVar[list[str]] = []
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "comments.view",
        "retrieve": "comments.view",
        "create": "comments.post",
    }

    @override
    def safely_get_queryset(self, queryset: Any) -> Any:
        return area.comments_for(self.membership)

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = area.comment_post(
            actor=self.membership,
            project=data["project"],
            body=data["body"],
            internal_only=bool(data.get("internal_only")),
        )
        return Response(self.get_serializer(self.reread(comment)).data, status=status.HTTP_201_CREATED)


# --- Attachments -------------------------------------------------------------------------------


class AttachmentSerializer(CustomerSafeMixin, serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    file = serializers.FileField(write_only=True, help_text=f"{area.ALLOWED_LABEL}; size limit per workspace.")
    internal_only = serializers.BooleanField(required=False, default=False, help_text="Our company only.")
    uploaded_by_name = serializers.CharField(source="uploaded_by.user.display_name", read_only=True, allow_null=True)

    class Meta:
        model = ProjectAttachment
        fields = [
            "id",
            "project",
            "file",
            "original_name",
            "content_type",
            "size",
            "internal_only",
            "uploaded_by",
            "uploaded_by_name",
            "created_at",
        ]
        read_only_fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]


class AttachmentFilter(ProjectFilter):
    class Meta:
        model = ProjectAttachment
        fields = ["project"]


@extend_schema_view(
    create=extend_schema(responses={201: AttachmentSerializer, 400: ERROR, 403: ERROR}),
    destroy=extend_schema(responses={204: None, 403: ERROR}),
)
class AttachmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ProjectsAreaViewSet,
):
    """Files on projects: upload (multipart), download, delete (uploader or admin)."""

    model = ProjectAttachment
    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilter
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["created_at", "size"]
    ordering = ["-created_at"]
    search_fields: ClassVar[list[str]] = []
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "attachments.view",
        "retrieve": "attachments.view",
        "download": "attachments.view",
        "create": "attachments.upload",
        "destroy": "attachments.delete",
    }

    @override
    def safely_get_queryset(self, queryset: Any) -> Any:
        return area.attachments_for(self.membership).select_related("project")

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attachment = area.attachment_upload(
            actor=self.membership,
            project=data["project"],
            uploaded_file=data["file"],
            internal_only=bool(data.get("internal_only")),
        )
        return Response(self.get_serializer(self.reread(attachment)).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ProjectAttachment) -> None:
        area.attachment_delete(actor=self.membership, attachment=instance)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERROR},
        description="The file as a download (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`).",
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download", filter_backends=[])
    def download(self, _request: Request, **_url: Any) -> FileResponse:
        attachment = cast(ProjectAttachment, self.get_object())
        return attachment_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


# --- Feedback ----------------------------------------------------------------------------------


class FeedbackSerializer(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    phase = inline_choice(
        Phase.choices,
        required=False,
        help_text="Default: the phase of the most recently decided tollgate, or closed for a closed project.",
    )
    satisfaction = serializers.IntegerField(
        min_value=1, max_value=5, help_text="1 = very dissatisfied … 5 = very satisfied."
    )
    author_name = serializers.CharField(source="author.user.display_name", read_only=True, allow_null=True)

    class Meta:
        model = CustomerFeedback
        fields = [
            "id",
            "project",
            "review",
            "phase",
            "author",
            "author_name",
            "satisfaction",
            "what_worked",
            "what_to_change",
            "created_at",
        ]
        read_only_fields = ["review", "author", "created_at"]


class FeedbackFilter(ProjectFilter):
    class Meta:
        model = CustomerFeedback
        fields = ["project"]


@extend_schema_view(create=extend_schema(responses={201: FeedbackSerializer, 400: ERROR, 403: ERROR}))
class FeedbackViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ProjectsAreaViewSet):
    """Customer feedback on projects (given by customer participants of the account, once per phase)."""

    model = CustomerFeedback
    serializer_class = FeedbackSerializer
    filterset_class = FeedbackFilter
    ordering_fields = ["created_at", "satisfaction"]
    ordering = ["-created_at"]
    search_fields: ClassVar[list[str]] = []
    action_permissions: ClassVar[dict[str, str]] = {"list": "feedback.view", "create": "feedback.give"}

    @override
    def safely_get_queryset(self, queryset: Any) -> Any:
        return area.feedback_for(self.membership)

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        feedback = area.feedback_give(actor=self.membership, **data)
        return Response(self.get_serializer(self.reread(feedback)).data, status=status.HTTP_201_CREATED)


# --- Activity ----------------------------------------------------------------------------------


class ActivitySerializer(CustomerSafeMixin, serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.user.display_name", read_only=True, allow_null=True)

    class Meta:
        model = ProjectActivity
        fields = ["id", "project", "actor", "actor_name", "verb", "summary", "internal_only", "created_at"]
        read_only_fields = fields


class ActivityFilter(ProjectFilter):
    class Meta:
        model = ProjectActivity
        fields = ["project"]


class ActivityViewSet(mixins.ListModelMixin, ProjectsAreaViewSet):
    """The projects' activity feed, newest first (customers: shared lines of their account only)."""

    model = ProjectActivity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    search_fields: ClassVar[list[str]] = []
    action_permissions: ClassVar[dict[str, str]] = {"list": "projects.view"}

    @override
    def safely_get_queryset(self, queryset: Any) -> Any:
        return area.activity_for(self.membership)


# --- Feedback summary --------------------------------------------------------------------------


class TrendSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    responses = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)


class SummaryCommentSerializer(serializers.Serializer):
    project = serializers.UUIDField(source="project.pk")
    project_title = serializers.CharField(source="project.title")
    phase = serializers.CharField()
    satisfaction = serializers.IntegerField()
    what_worked = serializers.CharField()
    what_to_change = serializers.CharField()
    created_at = serializers.DateTimeField()


class FeedbackSummarySerializer(serializers.Serializer):
    account_id = serializers.UUIDField()
    account_name = serializers.CharField()
    responses = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    latest_at = serializers.DateTimeField()
    trend = TrendSerializer(many=True, help_text="The last 4 quarters, oldest first.")
    comments = SummaryCommentSerializer(many=True, help_text="The latest comments.")


class FeedbackSummaryViewSet(ProjectsAreaViewSet):
    """Per customer account: responses, average satisfaction, 4-quarter trend, latest comments (internal)."""

    model = CustomerFeedback
    serializer_class = FeedbackSummarySerializer
    pagination_class = None
    filter_backends: list[Any] = []
    action_permissions: ClassVar[dict[str, str]] = {"list": "feedback.summary"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "sort", str, enum=[*area.SUMMARY_SORTS, *(f"-{k}" for k in area.SUMMARY_SORTS)], required=False
            )
        ],
        responses={200: FeedbackSummarySerializer(many=True), 403: ERROR},
    )
    def list(self, request: Request, **_url: Any) -> Response:
        sort = request.query_params.get("sort") or "account"
        if sort.lstrip("-") not in area.SUMMARY_SORTS:
            raise ValidationError({"sort": f"Sort by one of: {', '.join(area.SUMMARY_SORTS)} (prefix - to reverse)."})
        rows = area.feedback_summary(self.membership, sort=sort)
        return Response(FeedbackSummarySerializer(rows, many=True).data)


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("project-comments", CommentViewSet, basename="api-project-comment")
    router.register("project-attachments", AttachmentViewSet, basename="api-project-attachment")
    router.register("project-feedback", FeedbackViewSet, basename="api-project-feedback")
    router.register("project-activity", ActivityViewSet, basename="api-project-activity")
    router.register("feedback-summary", FeedbackSummaryViewSet, basename="api-feedback-summary")


class ProjectDiscussionActions(ProjectsAreaViewSet):
    """Detail actions of this area on ``/projects/<pk>/…`` (composed into ``ProjectViewSet`` by
    projects/api/projects.py). None: the discussion has its own endpoints filtered by ``?project=``."""

    extra_action_permissions: dict[str, str] = {}
