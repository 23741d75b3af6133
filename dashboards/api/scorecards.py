"""Scorecard API under /api/v1/t/<tenant_slug>/ (route names prefixed ``api-``).

* ``metric-templates/`` — the tenant's metric templates (the default fourteen are created on first
  read); admins create and edit them.
* ``scorecards/`` — one per relationship; ``POST`` creates it from the templates. Per scorecard:
  ``versions/``, ``metrics/`` (list; ``POST`` adds), ``metrics/<key>/`` (``PATCH`` tailors,
  ``DELETE`` removes — after agreement the service starts a new draft version), ``agree/``, and the
  results routes ``grid/``, ``import/``, ``export/`` (``dashboards.api.results``).

Serializers validate shape and types only; the rules — new versions after agreement, who tailors
and who signs — are ``dashboards.scorecards``', whose ``ValidationError`` becomes a 400 and
``PermissionDenied`` a 403. Views stay thin: reads start from the base class's scoped queryset or
the area's selectors, writes go to ``dashboards.scorecards``.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api.base import TenantScopedViewSet
from core.api.fields import QuarterField, ScopedPrimaryKeyRelatedField
from dashboards import scorecards
from dashboards.api.results import ERROR, ScorecardResultsActions
from dashboards.models import Category, Direction, FigureOwner, Metric, MetricTemplate, Scorecard, ScorecardVersion
from dashboards.scorecards import DEFINITION_FIELDS, TEMPLATE_FIELDS
from partnering.models import Relationship

# --- Serializers ------------------------------------------------------------------------------


class DefinitionSerializer(serializers.Serializer):
    """The definition fields shared by templates and scorecard metrics (all optional on update)."""

    name = serializers.CharField(max_length=120, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    goal = serializers.DecimalField(max_digits=14, decimal_places=4, required=False)
    yellow_band_pct = serializers.DecimalField(
        max_digits=6, decimal_places=2, required=False, allow_null=True, min_value=0, max_value=100
    )
    tolerance = serializers.DecimalField(max_digits=14, decimal_places=4, required=False, min_value=0)
    basis_of_calculation = serializers.CharField(required=False, allow_blank=True)
    data_source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    figure_owner = serializers.ChoiceField(choices=FigureOwner.choices, required=False)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class MetricTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MetricTemplate
        fields = ["id", "key", *TEMPLATE_FIELDS]
        read_only_fields = ["id"]
        validators: list[Any] = []  # (tenant, key) uniqueness: the service checks it


class MetricTemplateCreateSerializer(DefinitionSerializer):
    key = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=120)
    goal = serializers.DecimalField(max_digits=14, decimal_places=4)
    active = serializers.BooleanField(required=False)


class MetricTemplateUpdateSerializer(DefinitionSerializer):
    active = serializers.BooleanField(required=False)


class MetricSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = Metric
        fields = ["id", "key", "version", *DEFINITION_FIELDS]
        read_only_fields = fields


class VersionChangeSerializer(serializers.Serializer):
    valid_from = QuarterField(required=False, help_text="First quarter a new version governs (default: current).")
    change_note = serializers.CharField(required=False, allow_blank=True)


class MetricAddSerializer(DefinitionSerializer, VersionChangeSerializer):
    key = serializers.SlugField(max_length=60)
    name = serializers.CharField(max_length=120)
    goal = serializers.DecimalField(max_digits=14, decimal_places=4)


class MetricUpdateSerializer(DefinitionSerializer, VersionChangeSerializer):
    pass


class VersionSerializer(serializers.ModelSerializer):
    supplier_agreed_by_name = serializers.CharField(
        source="supplier_agreed_by.user.display_name", read_only=True, allow_null=True
    )
    customer_agreed_by_name = serializers.CharField(
        source="customer_agreed_by.user.display_name", read_only=True, allow_null=True
    )

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "number",
            "status",
            "valid_from",
            "supplier_agreed_at",
            "supplier_agreed_by_name",
            "customer_agreed_at",
            "customer_agreed_by_name",
            "change_note",
            "created_at",
        ]
        read_only_fields = fields


class ScorecardSerializer(serializers.ModelSerializer):
    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    relationship_name = serializers.CharField(source="relationship.__str__", read_only=True)

    class Meta:
        model = Scorecard
        fields = ["id", "relationship", "relationship_name", "created_at"]
        read_only_fields = ["id", "relationship_name", "created_at"]


class ScorecardCreateSerializer(serializers.Serializer):
    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all())
    valid_from = QuarterField(required=False, help_text="First quarter version 1 governs (default: current).")
    change_note = serializers.CharField(required=False, allow_blank=True)


# --- Metric templates -------------------------------------------------------------------------


class MetricTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, TenantScopedViewSet
):
    """The tenant's metric templates: the default set new scorecards copy. Admins edit them."""

    model = MetricTemplate
    serializer_class = MetricTemplateSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "scorecards.view",
        "retrieve": "scorecards.view",
        "create": "templates.manage",
        "update": "templates.manage",
        "partial_update": "templates.manage",
    }
    filter_backends = ()

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("position", "name")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        scorecards.ensure_metric_templates()  # lazily, idempotently: a new tenant gets the default fourteen
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MetricTemplateCreateSerializer, responses={201: MetricTemplateSerializer, 400: ERROR})
    def create(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        serializer = MetricTemplateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = scorecards.metric_template_create(actor=self.membership, **serializer.validated_data)
        return Response(MetricTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MetricTemplateUpdateSerializer, responses={200: MetricTemplateSerializer, 400: ERROR})
    def update(self, request: Request, *_args: Any, **kwargs: Any) -> Response:
        template = cast(MetricTemplate, self.get_object())
        serializer = MetricTemplateUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        template = scorecards.metric_template_update(
            actor=self.membership, template=template, **serializer.validated_data
        )
        return Response(MetricTemplateSerializer(template).data)

    @extend_schema(request=MetricTemplateUpdateSerializer, responses={200: MetricTemplateSerializer, 400: ERROR})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)


# --- Scorecards -------------------------------------------------------------------------------


class ScorecardFilter(django_filters.FilterSet):
    relationship = django_filters.UUIDFilter(field_name="relationship_id")

    class Meta:
        model = Scorecard
        fields = ["relationship"]


class ScorecardViewSet(ScorecardResultsActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantScopedViewSet):
    """Scorecards (one per relationship) with their versions, metrics, grid, CSV import and export."""

    model = Scorecard
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    filter_backends = (django_filters.rest_framework.DjangoFilterBackend,)
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "scorecards.view",
        "retrieve": "scorecards.view",
        "create": "scorecards.define",
        "versions": "scorecards.view",
        "metrics": "scorecards.view",
        "add_metric": "scorecards.define",
        "metric": "scorecards.view",
        "update_metric": "scorecards.define",
        "remove_metric": "scorecards.define",
        "agreement": "scorecards.view",
        "agree": "scorecards.agree",
        **ScorecardResultsActions.results_action_permissions,
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("relationship__account").order_by("relationship__account__name", "pk")

    def scorecard(self) -> Scorecard:
        return cast(Scorecard, self.get_object())

    @extend_schema(request=ScorecardCreateSerializer, responses={201: ScorecardSerializer, 400: ERROR, 403: ERROR})
    def create(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Create the relationship's scorecard from the active metric templates (version 1, a draft)."""
        serializer = ScorecardCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        scorecard = scorecards.scorecard_create(actor=self.membership, **serializer.validated_data)
        scorecard = self.get_queryset().get(pk=scorecard.pk)
        return Response(ScorecardSerializer(scorecard).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="versions", filter_backends=[], pagination_class=None)
    def versions(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """All versions, newest first, with who agreed and when."""
        versions = scorecards.versions_of(membership=self.membership, scorecard=self.scorecard())
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(
        responses=MetricSerializer(many=True),
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, description="Version number (default: newest).")],
    )
    @action(detail=True, methods=["get"], url_path="metrics", filter_backends=[], pagination_class=None)
    def metrics(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """The metrics of a version (default: the newest, i.e. the one being worked on or in force)."""
        scorecard = self.scorecard()
        number = request.query_params.get("version")
        if number and not number.isdigit():
            raise ValidationError({"version": "Give a version number, e.g. 2."})
        version = scorecards.version_of(
            membership=self.membership, scorecard=scorecard, number=int(number) if number else None
        )
        if number and version is None:
            raise ValidationError({"version": f"This scorecard has no version {number}."})
        return Response(MetricSerializer(scorecards.metrics_of(version), many=True).data)

    @metrics.mapping.post
    @extend_schema(request=MetricAddSerializer, responses={201: MetricSerializer, 400: ERROR, 403: ERROR})
    def add_metric(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Add a metric; after agreement this starts a new draft version that both champions agree again."""
        scorecard = self.scorecard()
        serializer = MetricAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metric = scorecards.metric_add(actor=self.membership, scorecard=scorecard, **serializer.validated_data)
        metric = scorecards.metric_with_version(metric)
        return Response(MetricSerializer(metric).data, status=status.HTTP_201_CREATED)

    def _metric_of_newest(self, scorecard: Scorecard, key: str) -> Metric:
        metric = scorecards.newest_metric(membership=self.membership, scorecard=scorecard, key=key)
        if metric is None:
            raise exceptions.NotFound(f"There is no metric '{key}' on this scorecard.")
        return metric

    @extend_schema(responses={200: MetricSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path=r"metrics/(?P<key>[-a-zA-Z0-9_]+)", filter_backends=[])
    def metric(self, _request: Request, *_args: Any, key: str = "", **_kwargs: Any) -> Response:
        """One metric of the newest version."""
        return Response(MetricSerializer(self._metric_of_newest(self.scorecard(), key)).data)

    @metric.mapping.patch
    @extend_schema(request=MetricUpdateSerializer, responses={200: MetricSerializer, 400: ERROR, 403: ERROR})
    def update_metric(self, request: Request, *_args: Any, key: str = "", **_kwargs: Any) -> Response:
        """Tailor a metric's definition; after agreement the service starts a new draft version."""
        scorecard = self.scorecard()
        serializer = MetricUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        metric = scorecards.metric_update(
            actor=self.membership, scorecard=scorecard, key=key, **serializer.validated_data
        )
        metric = scorecards.metric_with_version(metric)
        return Response(MetricSerializer(metric).data)

    @metric.mapping.delete
    @extend_schema(request=VersionChangeSerializer, responses={200: VersionSerializer, 400: ERROR, 403: ERROR})
    def remove_metric(self, request: Request, *_args: Any, key: str = "", **_kwargs: Any) -> Response:
        """Take a metric off the scorecard (its results stay for the quarters it governed)."""
        scorecard = self.scorecard()
        serializer = VersionChangeSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        version = scorecards.metric_remove(
            actor=self.membership, scorecard=scorecard, key=key, **serializer.validated_data
        )
        return Response(VersionSerializer(version).data)

    @extend_schema(responses={200: VersionSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="agree", url_name="agree", filter_backends=[])
    def agreement(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """The newest version and who has signed it so far (what ``POST`` would sign)."""
        version = scorecards.latest_version(self.scorecard())
        if version is None:
            raise exceptions.NotFound("This scorecard has no version yet.")
        return Response(VersionSerializer(version).data)

    @agreement.mapping.post
    @extend_schema(request=None, responses={200: VersionSerializer, 400: ERROR, 403: ERROR})
    def agree(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Sign the newest version for your side (the two champions; an admin may sign our side)."""
        version = scorecards.scorecard_agree(actor=self.membership, scorecard=self.scorecard())
        return Response(VersionSerializer(version).data)


def register(router: BaseRouter) -> None:
    router.register("metric-templates", MetricTemplateViewSet, basename="api-metric-template")
    router.register("scorecards", ScorecardViewSet, basename="api-scorecard")
