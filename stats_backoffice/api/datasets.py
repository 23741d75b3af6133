"""API · data sets: ``/datasets/`` (multipart upload, new ``versions``, edit, delete) and
``/dataset-versions/`` (status, columns, ``profile``, ``preview``, ``download``).

Customers of the project's account see and upload the account's data sets, never internal ones (the
selectors drop them: 404) nor the ``internal_only`` flag. Uploads stream to a temporary file with the
tenant's cap (``stats_backoffice.uploads``), installed before anything reads the body.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from typing_extensions import override

from core.api.base import TenantScopedViewSet
from core.api.errors import ERROR_RESPONSE as ERROR
from core.api.fields import CustomerSafeMixin, ScopedPrimaryKeyRelatedField
from core.http import attachment_response
from core.tenancy import current_tenant_id
from projects.models import Project
from stats_backoffice import datasets as area
from stats_backoffice.models import DataSet, DataSetVersion, VersionStatus
from stats_backoffice.uploads import CappedTemporaryFileUploadHandler, install_capped_handler

#: Before the tenant is known (DRF authenticates, and a session's CSRF check reads the body, before the
#: tenant is activated) uploads are capped at the largest any tenant may set; the service then applies
#: the tenant's own cap.
CEILING_BYTES = 20480 * 1024 * 1024


def _cap() -> int:
    try:
        current_tenant_id()
    except Exception:  # no tenant yet: the ceiling (the service checks the tenant's cap afterwards)
        return CEILING_BYTES
    return area.settings_for_tenant().max_upload_mb * 1024 * 1024


class DataSetVersionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(source="state", read_only=True, help_text="uploaded, ingesting, ready or failed.")
    error = serializers.CharField(source="failure", read_only=True, help_text="Why the file could not be read.")
    job = serializers.UUIDField(source="job_id", read_only=True, allow_null=True, help_text="The reading job.")
    progress = serializers.SerializerMethodField(help_text="Progress of the reading job, 0–100.")

    class Meta:
        model = DataSetVersion
        fields = [
            "id",
            "dataset",
            "number",
            "original_name",
            "fmt",
            "size",
            "status",
            "error",
            "progress",
            "job",
            "n_rows",
            "n_columns",
            "columns",
            "encoding",
            "delimiter",
            "decimal",
            "warnings",
            "created_at",
            "ingested_at",
        ]
        read_only_fields = fields

    def get_progress(self, version: DataSetVersion) -> int:
        if version.state == VersionStatus.READY:
            return 100
        return int(version.job.progress) if version.job is not None else 0


class DataSetSerializer(CustomerSafeMixin, serializers.ModelSerializer):
    internal_fields: ClassVar[tuple[str, ...]] = ("internal_only",)
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    phase = serializers.CharField(
        required=False, allow_blank=True, max_length=12, help_text="A phase of the project (define … closed), or blank."
    )
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    internal_only = serializers.BooleanField(required=False, default=False, help_text="Our company only.")
    file = serializers.FileField(write_only=True, required=False, help_text=f"{area.ACCEPTED_LABEL}.")
    text = serializers.CharField(write_only=True, required=False, help_text="Or a pasted table (TSV/CSV text, ≤ 2 MB).")
    latest_version = serializers.SerializerMethodField(help_text="The newest version (status, progress, columns).")

    class Meta:
        model = DataSet
        fields = [
            "id",
            "project",
            "phase",
            "name",
            "description",
            "internal_only",
            "file",
            "text",
            "latest_version",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]

    @extend_schema_field(DataSetVersionSerializer(allow_null=True))
    def get_latest_version(self, dataset: DataSet) -> dict[str, Any] | None:
        # the viewset prefetches the versions newest first (one query for a whole page, not one per row)
        version = next(iter(dataset.versions.all()), None)
        return DataSetVersionSerializer(version, context=self.context).data if version is not None else None


class DataSetUpdateSerializer(CustomerSafeMixin, serializers.ModelSerializer):
    internal_fields: ClassVar[tuple[str, ...]] = ("internal_only",)
    phase = serializers.CharField(
        required=False, allow_blank=True, max_length=12, help_text="A phase of the project (define … closed), or blank."
    )

    class Meta:
        model = DataSet
        fields = ["name", "description", "phase", "internal_only"]


class NewDataSetVersionSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=f"{area.ACCEPTED_LABEL}.")


class DataSetFilter(django_filters.FilterSet):
    project = django_filters.UUIDFilter(field_name="project_id", help_text="Data sets of this project.")

    class Meta:
        model = DataSet
        fields = ["project"]


class UploadingViewSet(TenantScopedViewSet):
    """Streams multipart uploads to a temporary file with a cap, for POST requests."""

    upload_handler: CappedTemporaryFileUploadHandler | None = None

    @override
    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        if request.method == "POST":
            self.upload_handler = install_capped_handler(request, _cap)
        return super().initialize_request(request, *args, **kwargs)

    def check_not_too_big(self) -> None:
        if self.upload_handler is not None and self.upload_handler.too_big:
            raise ValidationError({"file": f"The file is too big. {area.upload_rules()}"})


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": DataSetSerializer}, responses={201: DataSetSerializer, 400: ERROR, 403: ERROR}
    ),
    partial_update=extend_schema(
        request=DataSetUpdateSerializer, responses={200: DataSetSerializer, 400: ERROR, 403: ERROR}
    ),
    destroy=extend_schema(responses={204: None, 403: ERROR}),
)
class DataSetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    UploadingViewSet,
):
    """Data sets on projects: upload a file (or `text`, a pasted table); the worker reads and profiles it."""

    model = DataSet
    serializer_class = DataSetSerializer
    filterset_class = DataSetFilter
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["created_at", "name"]
    ordering = ["-created_at"]
    search_fields: ClassVar[list[str]] = ["name"]
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "datasets.view",
        "retrieve": "datasets.view",
        "create": "datasets.upload",
        "versions": "datasets.upload",  # GET lists them (everyone who may upload may see them)
        "partial_update": "datasets.manage",
        "destroy": "datasets.manage",
    }

    @override
    def safely_get_queryset(self, queryset: Any) -> Any:
        newest_first = DataSetVersion.objects.select_related("job").order_by("-number")
        return area.datasets_for(self.membership).prefetch_related(Prefetch("versions", queryset=newest_first))

    @override
    def get_serializer_class(self) -> Any:
        if self.action == "partial_update":
            return DataSetUpdateSerializer
        if self.action == "versions":
            return NewDataSetVersionSerializer
        return DataSetSerializer

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_not_too_big()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        common = {
            "actor": self.membership,
            "project": data["project"],
            "name": data.get("name", ""),
            "phase": data.get("phase", ""),
            "internal_only": bool(data.get("internal_only")),
        }
        if data.get("text"):
            version = area.dataset_paste(text=data["text"], **common)
        else:
            version = area.dataset_create(
                uploaded_file=data.get("file"), description=data.get("description", ""), **common
            )
        dataset = self.get_queryset().get(pk=version.dataset_id)
        return Response(
            DataSetSerializer(dataset, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @override
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        dataset = cast(DataSet, self.get_object())
        serializer = DataSetUpdateSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        area.dataset_update(actor=self.membership, dataset=dataset, **serializer.validated_data)
        return Response(
            DataSetSerializer(self.get_queryset().get(pk=dataset.pk), context=self.get_serializer_context()).data
        )

    def perform_destroy(self, instance: DataSet) -> None:
        area.dataset_delete(actor=self.membership, dataset=instance)

    @extend_schema(
        methods=["GET"],
        responses={200: DataSetVersionSerializer(many=True), 404: ERROR},
        description="The versions of the data set, newest first.",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": NewDataSetVersionSerializer},
        responses={201: DataSetVersionSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
        description="Upload a new version (a re-upload); analyses keep the version they ran on.",
    )
    @action(detail=True, methods=["get", "post"], url_path="versions", url_name="versions", filter_backends=[])
    def versions(self, request: Request, **_url: Any) -> Response:
        dataset = cast(DataSet, self.get_object())
        if request.method == "GET":
            rows = area.versions_for(self.membership).filter(dataset=dataset).order_by("-number")
            return Response(DataSetVersionSerializer(rows, many=True, context=self.get_serializer_context()).data)
        self.check_not_too_big()
        serializer = NewDataSetVersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = area.version_add(
            actor=self.membership, dataset=dataset, uploaded_file=serializer.validated_data["file"]
        )
        return Response(
            DataSetVersionSerializer(version, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class VersionFilter(django_filters.FilterSet):
    dataset = django_filters.UUIDFilter(field_name="dataset_id", help_text="Versions of this data set.")

    class Meta:
        model = DataSetVersion
        fields = ["dataset"]


class DataSetProfileSerializer(serializers.Serializer):
    n_rows = serializers.IntegerField(allow_null=True)
    columns = serializers.JSONField(help_text="[{name, kind, shift, levels, mean}]")
    profile = serializers.JSONField(
        help_text="Per column: count, missing, distinct, min/max/mean/sd/quartiles, histogram or top categories."
    )


class DataSetPreviewSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.CharField(allow_null=True)))


class VersionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Versions of data sets: reading status and progress, columns with their types, profile, preview."""

    model = DataSetVersion
    serializer_class = DataSetVersionSerializer
    filterset_class = VersionFilter
    ordering_fields = ["created_at", "number"]
    ordering = ["-created_at"]
    search_fields: ClassVar[list[str]] = []
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "datasets.view",
        "retrieve": "datasets.view",
        "profile": "datasets.view",
        "preview": "datasets.view",
        "download": "datasets.view",
    }

    @override
    def safely_get_queryset(self, queryset: Any) -> Any:
        return area.versions_for(self.membership)

    @extend_schema(responses={200: DataSetProfileSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="profile", url_name="profile", filter_backends=[])
    def profile(self, _request: Request, **_url: Any) -> Response:
        version = cast(DataSetVersion, self.get_object())
        return Response({"n_rows": version.n_rows, "columns": version.columns, "profile": version.profile})

    @extend_schema(responses={200: DataSetPreviewSerializer, 404: ERROR}, description="The first 50 rows as text.")
    @action(detail=True, methods=["get"], url_path="preview", url_name="preview", filter_backends=[])
    def preview(self, _request: Request, **_url: Any) -> Response:
        version = cast(DataSetVersion, self.get_object())
        preview = version.preview or {}
        return Response({"columns": preview.get("columns", []), "rows": preview.get("rows", [])})

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="download", url_name="download", filter_backends=[])
    def download(self, _request: Request, **_url: Any) -> FileResponse:
        version = cast(DataSetVersion, self.get_object())
        return attachment_response(version.source, filename=version.original_name)


def register(router: SimpleRouter) -> None:
    router.register("datasets", DataSetViewSet, basename="api-dataset")
    router.register("dataset-versions", VersionViewSet, basename="api-dataset-version")
