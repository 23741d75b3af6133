"""Solution-area API: list (``?q=``, ``?active=``), create, retrieve, partial update (rename, move,
retire/restore through ``is_active``). Internal reference data: customers get 403."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.base import UUID_REGEX, TenantScopedViewSet
from knowledge import services
from knowledge.api.serializers import SolutionAreaSerializer
from knowledge.models import SolutionArea


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
    http_method_names = ["get", "post", "patch", "head", "options"]
    action_permissions = {
        "list": "taxonomy.view",
        "retrieve": "taxonomy.view",
        "create": "taxonomy.manage",
        "partial_update": "taxonomy.manage",
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = queryset.annotate(project_count=Count("projects", distinct=True)).order_by("path")
        if self.action == "list":
            q = (self.request.query_params.get("q") or "").replace("\x00", "").strip()  # no NUL in PostgreSQL
            if q:
                queryset = queryset.filter(Q(path__icontains=q) | Q(description__icontains=q))
            active = (self.request.query_params.get("active") or "").lower()
            if active in ("true", "1"):
                queryset = queryset.filter(is_active=True)
            elif active in ("false", "0"):
                queryset = queryset.filter(is_active=False)
        return queryset

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        area = services.area_create(
            actor=request.membership,  # type: ignore[attr-defined]
            name=data["name"],
            parent=data.get("parent"),
            description=data.get("description", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=area.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        area: SolutionArea = self.get_object()  # type: ignore[assignment]
        serializer = self.get_serializer(area, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        actor = request.membership  # type: ignore[attr-defined]
        active = data.pop("is_active", None)
        if data:
            services.area_update(actor=actor, area=area, **data)  # type: ignore[arg-type]
        if active is False and area.is_active:
            services.area_retire(actor=actor, area=area)  # type: ignore[arg-type]
        elif active is True and not area.is_active:
            services.area_restore(actor=actor, area=area)  # type: ignore[arg-type]
        return Response(self.get_serializer(self.get_queryset().get(pk=area.pk)).data)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.partial_update(request, *args, **kwargs)
