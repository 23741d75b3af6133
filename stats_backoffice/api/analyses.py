"""API · analyses: ``/analyses/`` — create (a version, a kind and chosen columns; never a formula),
status and progress, ``cancel``, ``result``, ``attach`` to the Analyze deliverable.

A run is a job on the heavy queue; poll ``GET /analyses/<id>/`` (``status``, ``progress``, ``stage``)
until it has ended, then read ``result`` (also on the detail, once finished).
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from typing_extensions import override

from core.api.base import TenantScopedViewSet
from core.api.errors import ERROR_RESPONSE as ERROR
from core.api.fields import EnumChoiceField, ScopedPrimaryKeyRelatedField, name_choices
from stats_backoffice import analyses as area
from stats_backoffice.datasets import versions_for
from stats_backoffice.models import Analysis, AnalysisKind, DataSetVersion

name_choices(AnalysisKind)


class AnalysisSerializer(serializers.ModelSerializer):
    version = ScopedPrimaryKeyRelatedField(
        queryset=DataSetVersion.objects.all(), help_text="The data-set version to analyse."
    )
    kind = EnumChoiceField(choices=AnalysisKind.choices)
    params = serializers.JSONField(
        help_text=(
            "Chosen columns. ols/logit: {y, x: [..], poly: {col: degree ≤ 10}, interactions: [[a, b]], "
            "reference: {col: level}, intercept: true, cutoff (logit)}; anova: {y, factor}; describe: {columns: [..]}."
        )
    )
    status = serializers.CharField(read_only=True, help_text="queued, running, succeeded, failed or cancelled.")
    progress = serializers.SerializerMethodField(help_text="0–100.")
    stage = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField(help_text="Why the run failed, in plain words.")
    job = serializers.UUIDField(source="job_id", read_only=True, allow_null=True)
    dataset = serializers.UUIDField(source="version.dataset_id", read_only=True)
    attached_item = serializers.UUIDField(source="attached_item_id", read_only=True, allow_null=True)
    result = serializers.JSONField(
        read_only=True, allow_null=True, help_text="The engine's result (docs/stats-engine.md)."
    )

    class Meta:
        model = Analysis
        fields = [
            "id",
            "project",
            "dataset",
            "version",
            "kind",
            "title",
            "params",
            "status",
            "progress",
            "stage",
            "error",
            "job",
            "result",
            "rerun_of",
            "attached_item",
            "attached_at",
            "created_by",
            "created_at",
            "finished_at",
        ]
        read_only_fields = ["project", "rerun_of", "attached_at", "created_by", "created_at", "finished_at"]

    def get_progress(self, analysis: Analysis) -> int:
        return int(analysis.job.progress) if analysis.job is not None else 0

    def get_stage(self, analysis: Analysis) -> str:
        return analysis.job.stage if analysis.job is not None else ""

    def get_error(self, analysis: Analysis) -> str:
        return analysis.job.error if analysis.job is not None else ""


class AnalysisListSerializer(AnalysisSerializer):
    class Meta(AnalysisSerializer.Meta):
        fields = [name for name in AnalysisSerializer.Meta.fields if name != "result"]


class AnalysisFilter(django_filters.FilterSet):
    project = django_filters.UUIDFilter(field_name="project_id")
    dataset = django_filters.UUIDFilter(field_name="version__dataset_id")
    kind = django_filters.ChoiceFilter(choices=AnalysisKind.choices)

    class Meta:
        model = Analysis
        fields = ["project", "dataset", "kind"]


class AnalysisResultSerializer(serializers.Serializer):
    status = serializers.CharField()
    result = serializers.JSONField(allow_null=True)


@extend_schema_view(
    list=extend_schema(responses={200: AnalysisListSerializer(many=True)}),
    create=extend_schema(responses={201: AnalysisSerializer, 400: ERROR, 403: ERROR}),
)
class AnalysisViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet):
    """Statistical analyses run in a worker: descriptive statistics, OLS, logistic regression, one-way ANOVA."""

    model = Analysis
    serializer_class = AnalysisSerializer
    filterset_class = AnalysisFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    search_fields: ClassVar[list[str]] = ["title"]
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "analyses.view",
        "retrieve": "analyses.view",
        "result": "analyses.view",
        "create": "analyses.run",
        "cancel": "jobs.cancel",
        "attach": "analyses.attach",
    }

    @override
    def safely_get_queryset(self, queryset: Any) -> Any:
        return area.analyses_for(self.membership)

    @override
    def get_serializer_class(self) -> Any:
        return AnalysisListSerializer if self.action == "list" else AnalysisSerializer

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AnalysisSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = versions_for(self.membership).filter(pk=data["version"].pk).first()
        if version is None:
            raise serializers.ValidationError({"version": "Not found in this workspace."})
        analysis = area.analysis_start(
            actor=self.membership,
            version=version,
            kind=data["kind"],
            params=data["params"],
            title=data.get("title", ""),
        )
        return Response(
            AnalysisSerializer(self.get_queryset().get(pk=analysis.pk)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: AnalysisResultSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="result", url_name="result", filter_backends=[])
    def result(self, _request: Request, **_url: Any) -> Response:
        analysis = cast(Analysis, self.get_object())
        return Response({"status": analysis.status, "result": analysis.result})

    @extend_schema(request=None, responses={200: AnalysisSerializer, 400: ERROR, 403: ERROR, 404: ERROR})
    @action(detail=True, methods=["post"], url_path="cancel", url_name="cancel", filter_backends=[])
    def cancel(self, _request: Request, **_url: Any) -> Response:
        analysis = area.analysis_cancel(actor=self.membership, analysis=cast(Analysis, self.get_object()))
        return Response(AnalysisSerializer(self.get_queryset().get(pk=analysis.pk)).data)

    @extend_schema(request=None, responses={200: AnalysisSerializer, 400: ERROR, 403: ERROR, 404: ERROR})
    @action(detail=True, methods=["post"], url_path="attach", url_name="attach", filter_backends=[])
    def attach(self, _request: Request, **_url: Any) -> Response:
        analysis = area.analysis_attach(actor=self.membership, analysis=cast(Analysis, self.get_object()))
        return Response(AnalysisSerializer(self.get_queryset().get(pk=analysis.pk)).data)


def register(router: SimpleRouter) -> None:
    router.register("analyses", AnalysisViewSet, basename="api-analysis")
