"""API · taxonomy: solution areas — list (``?q=``, ``?active=``), create, retrieve, partial update
(rename, move, retire/restore through ``is_active``). Internal reference data: customers get 403."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.base import UUID_REGEX, TenantScopedViewSet
from core.api.fields import ScopedPrimaryKeyRelatedField
from knowledge import taxonomy
from knowledge.models import SolutionArea


class SolutionAreaSerializer(serializers.ModelSerializer[SolutionArea]):
    parent = ScopedPrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=SolutionArea.objects.all(),
        allow_null=True,
        required=False,
        help_text="Parent area id; null = top level.",
    )
    project_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SolutionArea
        fields = ["id", "name", "parent", "description", "path", "depth", "is_active", "project_count", "created_at"]
        read_only_fields = ["id", "path", "depth", "created_at", "project_count"]
        validators: ClassVar[list[object]] = []  # uniqueness is checked by the service (→ 400 on ``name``)


def parse_active(raw: str | None) -> bool | None:
    """``?active=true|1`` → offered areas, ``false|0`` → retired ones, anything else → both."""
    value = (raw or "").lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    return None


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Search in names (whole path) and descriptions."),
            OpenApiParameter("active", OpenApiTypes.BOOL, description="true: only offered areas; false: retired."),
        ]
    )
)
class SolutionAreaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    model = SolutionArea
    serializer_class = SolutionAreaSerializer
    lookup_value_regex = UUID_REGEX
    http_method_names: ClassVar[list[str]] = ["get", "post", "patch", "head", "options"]  # type: ignore[misc]
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "taxonomy.view",
        "retrieve": "taxonomy.view",
        "create": "taxonomy.manage",
        "partial_update": "taxonomy.manage",
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The page's selector: one way to search and filter the tree, pages and API alike.
        params = self.request.query_params if self.action == "list" else {}
        return taxonomy.areas_tree(
            membership=self.membership, q=params.get("q") or "", active=parse_active(params.get("active"))
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        area = taxonomy.area_create(
            actor=self.membership, name=data["name"], parent=data.get("parent"), description=data.get("description", "")
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=area.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        area: SolutionArea = self.get_object()  # type: ignore[assignment]
        serializer = self.get_serializer(area, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        active = data.pop("is_active", None)
        if data:
            taxonomy.area_update(actor=self.membership, area=area, **data)
        if active is False and area.is_active:
            taxonomy.area_retire(actor=self.membership, area=area)
        elif active is True and not area.is_active:
            taxonomy.area_restore(actor=self.membership, area=area)
        return Response(self.get_serializer(self.get_queryset().get(pk=area.pk)).data)


def register(router: SimpleRouter) -> None:
    router.register("solution-areas", SolutionAreaViewSet, basename="api-solution-area")
