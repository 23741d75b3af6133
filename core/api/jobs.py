"""Jobs API under /api/v1/t/<tenant_slug>/jobs/: list, retrieve, cancel (``core.jobs``).

Jobs are started by the domain that needs the work (an analysis endpoint, say), never here: this
API is how a client follows one (poll ``GET jobs/{id}/`` until ``status`` is final) and stops it.
Customer participants see the jobs of their own account; everything else answers 404.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core import jobs
from core.api.base import TenantScopedViewSet
from core.api.fields import EnumChoiceField, name_choices
from core.models import Job, JobStatus

name_choices(JobStatus)


class JobSerializer(serializers.ModelSerializer):
    """Where a job stands. ``result`` refers to what it produced (ids); ``error`` says why it failed."""

    status = EnumChoiceField(choices=JobStatus.choices, read_only=True)
    kind_label = serializers.SerializerMethodField(help_text="What people call this kind of job.")
    created_by = serializers.UUIDField(source="created_by_id", read_only=True, allow_null=True)
    customer_account = serializers.UUIDField(source="customer_account_id", read_only=True, allow_null=True)
    result = serializers.JSONField(read_only=True, allow_null=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_label",
            "subject_type",
            "subject_id",
            "status",
            "progress",
            "stage",
            "result",
            "error",
            "attempts",
            "created_by",
            "customer_account",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "cancel_requested_at",
        ]
        read_only_fields = fields

    def get_kind_label(self, job: Job) -> str:
        return jobs.job_label(job)


ERROR_RESPONSES = {
    403: OpenApiResponse(description="Your role does not allow this."),
    404: OpenApiResponse(description="No such job in this workspace (or not visible to you)."),
}


@extend_schema_view(
    list=extend_schema(
        description="Jobs of this workspace you may see, newest first.",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=JobStatus.values, description="Only jobs in this state."),
            OpenApiParameter("kind", OpenApiTypes.STR, description='Only jobs of this kind, e.g. "stats.analysis".'),
        ],
    ),
    retrieve=extend_schema(
        description="One job: where it stands. Poll until `status` is succeeded, failed or cancelled.",
        responses={200: JobSerializer, **ERROR_RESPONSES},
    ),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Jobs of this workspace, newest first."""

    model = Job
    serializer_class = JobSerializer
    filter_backends: list[Any] = []  # filters below; no ordering or search over job rows
    http_method_names = ["get", "post", "head", "options"]
    action_permissions = {"list": "jobs.view", "retrieve": "jobs.view", "cancel": "jobs.cancel"}

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = queryset.order_by("-created_at", "-pk")
        if self.action != "list":
            return queryset
        status = self.request.query_params.get("status")
        if status:
            if status not in JobStatus.values:
                raise ValidationError({"status": [f"Choose one of: {', '.join(JobStatus.values)}."]})
            queryset = queryset.filter(status=status)
        kind = (self.request.query_params.get("kind") or "").replace("\x00", "").strip()
        if kind:
            queryset = queryset.filter(kind=kind[:100])
        return queryset

    @extend_schema(
        request=None,
        responses={
            200: JobSerializer,
            400: OpenApiResponse(description="The job has already finished (error body, field `status`)."),
            **ERROR_RESPONSES,
        },
    )
    @action(detail=True, methods=["post"], url_path="cancel", url_name="cancel")
    def cancel(self, request: Request, **kwargs: Any) -> Response:
        """Cancel a queued job at once, or ask a running one to stop (``cancel_requested_at``; it ends
        ``cancelled`` at its next check). The job's creator or an admin only."""
        job = cast(Job, self.get_object())
        job = jobs.job_cancel(job=job, actor=self.membership)
        return Response(self.get_serializer(job).data)


def register(router: SimpleRouter) -> None:
    """Add the jobs routes (``api-job-list``, ``api-job-detail``, ``api-job-cancel``) to ``router``."""
    router.register("jobs", JobViewSet, basename="api-job")
