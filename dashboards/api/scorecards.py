"""Scorecard API under /api/v1/t/<tenant_slug>/ (route names prefixed ``api-``).

* ``metric-templates/`` — the tenant's metric templates (the default fourteen are created on first
  read); admins create and edit them.
* ``scorecards/`` — one per relationship; ``POST`` creates it from the templates. Per scorecard:
  ``versions/``, ``metrics/`` (list; ``POST`` adds), ``metrics/<key>/`` (``PATCH`` tailors,
  ``DELETE`` removes — after agreement the service starts a new draft version), ``agree/``,
  ``grid/`` (the scorecard page's data), ``import/`` (CSV, all or nothing) and ``export.csv``.
* ``results/`` — quarterly results (filters ``scorecard``, ``quarter``, ``metric_key``,
  ``discrepancy=true``). A single result carries its ``row_version`` as ETag; ``PUT``/``PATCH``
  need ``If-Match`` (428 without, 412 when stale — nothing is saved then).

Views stay thin: reads start from the base class's scoped queryset, writes go to
``dashboards.services`` / ``dashboards.csv_io``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, parsers, renderers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.base import UUID_REGEX, TenantScopedViewSet
from dashboards import csv_io, rules, selectors, services
from dashboards.api import scorecard_serializers as s
from dashboards.models import Metric, MetricTemplate, QuarterlyResult, Scorecard, ScorecardVersion
from dashboards.sponsor_selectors import DISCREPANCY_CANDIDATE

ERROR = OpenApiResponse(description='Error shape `{"error": {"status", "code", "message", "fields"}}`.')


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "conflict"
    default_detail = services.CONFLICT_MESSAGE


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = 'Send If-Match with the ETag from GET (e.g. If-Match: "3").'


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag from GET of the result (its row version, e.g. "3").',
)
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=True, description="The result's row version."
)


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request: Request) -> int:
    header = (request.headers.get("If-Match") or "").strip()
    if not header:
        raise PreconditionRequired()
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed()
    return int(value)


def record(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a result service; a stale save (code ``conflict``) becomes 412."""
    try:
        return function(**kwargs)
    except services.ResultConflict as error:
        raise PreconditionFailed(error.messages[0]) from None


class CSVRenderer(renderers.BaseRenderer):
    """Lets clients ask for ``text/csv``; error bodies are still written as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return data.encode() if isinstance(data, str) else json.dumps(data, default=str).encode()


class Evaluator:
    """Evaluates results under their quarter's governing definitions (two queries for any number)."""

    def __init__(self, scorecard_ids: set[Any]) -> None:
        versions = list(ScorecardVersion.objects.filter(scorecard_id__in=scorecard_ids))
        by_scorecard: dict[Any, list[ScorecardVersion]] = {}
        for version in versions:
            by_scorecard.setdefault(version.scorecard_id, []).append(version)
        self.versions = by_scorecard
        self.metrics: dict[tuple[Any, str], Metric] = {
            (m.version_id, m.key): m for m in Metric.objects.filter(version__scorecard_id__in=scorecard_ids)
        }

    def __call__(self, result: QuarterlyResult) -> rules.Evaluation | None:
        version = services.governing_version(
            cast(Scorecard, None), result.quarter, versions=self.versions.get(result.scorecard_id, [])
        )
        metric = self.metrics.get((version.pk, result.metric_key)) if version else None
        if metric is None:
            return None
        return rules.evaluate(result.supplier_value, result.customer_value, result.agreed_value, metric.rule())


class ScorecardAPIViewSet(TenantScopedViewSet):
    lookup_value_regex = UUID_REGEX


# --- Metric templates -------------------------------------------------------------------------


class MetricTemplateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScorecardAPIViewSet
):
    """The tenant's metric templates: the default set new scorecards copy. Admins edit them."""

    model = MetricTemplate
    serializer_class = s.MetricTemplateSerializer
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
        services.ensure_metric_templates()  # lazily, idempotently: a new tenant gets the default fourteen
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.MetricTemplateCreateSerializer, responses={201: s.MetricTemplateSerializer, 400: ERROR})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.MetricTemplateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = services.metric_template_create(actor=self.membership, **serializer.validated_data)
        return Response(s.MetricTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MetricTemplateUpdateSerializer, responses={200: s.MetricTemplateSerializer, 400: ERROR})
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template = cast(MetricTemplate, self.get_object())
        serializer = s.MetricTemplateUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        template = services.metric_template_update(
            actor=self.membership, template=template, **serializer.validated_data
        )
        return Response(s.MetricTemplateSerializer(template).data)

    @extend_schema(request=s.MetricTemplateUpdateSerializer, responses={200: s.MetricTemplateSerializer, 400: ERROR})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)


# --- Scorecards -------------------------------------------------------------------------------


class ScorecardFilter(django_filters.FilterSet):
    relationship = django_filters.UUIDFilter(field_name="relationship_id")

    class Meta:
        model = Scorecard
        fields = ["relationship"]


class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScorecardAPIViewSet):
    """Scorecards (one per relationship) with their versions, metrics, grid, CSV import and export."""

    model = Scorecard
    serializer_class = s.ScorecardSerializer
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
        "grid": "scorecards.view",
        "import_format": "scorecards.view",
        "import_results": "results.import",
        "export": "scorecards.view",
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("relationship__account").order_by("relationship__account__name", "pk")

    def scorecard(self) -> Scorecard:
        return cast(Scorecard, self.get_object())

    @extend_schema(request=s.ScorecardCreateSerializer, responses={201: s.ScorecardSerializer, 400: ERROR, 403: ERROR})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Create the relationship's scorecard from the active metric templates (version 1, a draft)."""
        serializer = s.ScorecardCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        scorecard = services.scorecard_create(actor=self.membership, **serializer.validated_data)
        scorecard = self.get_queryset().get(pk=scorecard.pk)
        return Response(s.ScorecardSerializer(scorecard).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.VersionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="versions", filter_backends=[], pagination_class=None)
    def versions(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """All versions, newest first, with who agreed and when."""
        versions = selectors.versions_of(membership=self.membership, scorecard=self.scorecard())
        return Response(s.VersionSerializer(versions, many=True).data)

    @extend_schema(
        responses=s.MetricSerializer(many=True),
        parameters=[OpenApiParameter("version", OpenApiTypes.INT, description="Version number (default: newest).")],
    )
    @action(detail=True, methods=["get"], url_path="metrics", filter_backends=[], pagination_class=None)
    def metrics(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The metrics of a version (default: the newest, i.e. the one being worked on or in force)."""
        scorecard = self.scorecard()
        number = request.query_params.get("version")
        versions = ScorecardVersion.objects.visible_to(self.membership).filter(scorecard=scorecard)
        if number:
            if not number.isdigit():
                raise ValidationError({"version": "Give a version number, e.g. 2."})
            version = versions.filter(number=int(number)).first()
            if version is None:
                raise ValidationError({"version": f"This scorecard has no version {number}."})
        else:
            version = versions.order_by("-number").first()
        rows = Metric.objects.filter(version=version).select_related("version").order_by("position", "name")
        return Response(s.MetricSerializer(rows, many=True).data)

    @metrics.mapping.post
    @extend_schema(request=s.MetricAddSerializer, responses={201: s.MetricSerializer, 400: ERROR, 403: ERROR})
    def add_metric(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Add a metric; after agreement this starts a new draft version that both champions agree again."""
        scorecard = self.scorecard()
        serializer = s.MetricAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        metric = services.metric_add(actor=self.membership, scorecard=scorecard, **serializer.validated_data)
        metric = Metric.objects.select_related("version").get(pk=metric.pk)
        return Response(s.MetricSerializer(metric).data, status=status.HTTP_201_CREATED)

    def _metric_of_newest(self, scorecard: Scorecard, key: str) -> Metric:
        metric = (
            Metric.objects.visible_to(self.membership)
            .filter(version__scorecard=scorecard, key=key)
            .select_related("version")
            .order_by("-version__number")
            .first()
        )
        if metric is None:
            raise exceptions.NotFound(f"There is no metric '{key}' on this scorecard.")
        return cast(Metric, metric)

    @extend_schema(responses={200: s.MetricSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path=r"metrics/(?P<key>[-a-zA-Z0-9_]+)", filter_backends=[])
    def metric(self, request: Request, *args: Any, key: str = "", **kwargs: Any) -> Response:
        """One metric of the newest version."""
        return Response(s.MetricSerializer(self._metric_of_newest(self.scorecard(), key)).data)

    @metric.mapping.patch
    @extend_schema(request=s.MetricUpdateSerializer, responses={200: s.MetricSerializer, 400: ERROR, 403: ERROR})
    def update_metric(self, request: Request, *args: Any, key: str = "", **kwargs: Any) -> Response:
        """Tailor a metric's definition; after agreement the service starts a new draft version."""
        scorecard = self.scorecard()
        serializer = s.MetricUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        metric = services.metric_update(
            actor=self.membership, scorecard=scorecard, key=key, **serializer.validated_data
        )
        metric = Metric.objects.select_related("version").get(pk=metric.pk)
        return Response(s.MetricSerializer(metric).data)

    @metric.mapping.delete
    @extend_schema(request=s.VersionChangeSerializer, responses={200: s.VersionSerializer, 400: ERROR, 403: ERROR})
    def remove_metric(self, request: Request, *args: Any, key: str = "", **kwargs: Any) -> Response:
        """Take a metric off the scorecard (its results stay for the quarters it governed)."""
        scorecard = self.scorecard()
        serializer = s.VersionChangeSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        version = services.metric_remove(
            actor=self.membership, scorecard=scorecard, key=key, **serializer.validated_data
        )
        return Response(s.VersionSerializer(version).data)

    @extend_schema(responses={200: s.VersionSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="agree", url_name="agree", filter_backends=[])
    def agreement(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The newest version and who has signed it so far (what ``POST`` would sign)."""
        version = services.latest_version(self.scorecard())
        if version is None:
            raise exceptions.NotFound("This scorecard has no version yet.")
        return Response(s.VersionSerializer(version).data)

    @agreement.mapping.post
    @extend_schema(request=None, responses={200: s.VersionSerializer, 400: ERROR, 403: ERROR})
    def agree(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Sign the newest version for your side (the two champions; an admin may sign our side)."""
        version = services.scorecard_agree(actor=self.membership, scorecard=self.scorecard())
        return Response(s.VersionSerializer(version).data)

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("quarters", OpenApiTypes.INT, description="How many quarters (default 8, at most 40)."),
            OpenApiParameter("ending", OpenApiTypes.STR, description="Last quarter (default: the current one)."),
        ],
    )
    @action(detail=True, methods=["get"], url_path="grid", filter_backends=[])
    def grid(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The scorecard page's data: metrics × quarters with zones, trends, spotlight, discrepancies."""
        scorecard = self.scorecard()
        count_text = request.query_params.get("quarters", "8")
        ending = request.query_params.get("ending") or None
        errors: dict[str, str] = {}
        if not count_text.isdigit() or not 1 <= int(count_text) <= 40:
            errors["quarters"] = "Give a number of quarters from 1 to 40."
        if ending is not None:
            try:
                services._check_quarter(ending, "ending")
            except ValidationError:
                errors["ending"] = f"'{ending[:20]}' is not a quarter: write it like 2026Q3."
        if errors:
            raise ValidationError(errors)
        grid = selectors.scorecard_grid(
            membership=self.membership, relationship=scorecard.relationship, quarters=int(count_text), ending=ending
        )
        return Response(grid_data(grid))

    @extend_schema(responses=s.ImportFormatSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path="import",
        url_name="import",
        filter_backends=[],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def import_format(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """What the CSV import expects (columns and limits)."""
        self.scorecard()
        return Response(
            {
                "columns": csv_io.IMPORT_COLUMNS,
                "max_bytes": csv_io.MAX_BYTES,
                "max_rows": csv_io.MAX_ROWS,
                "customer_columns": ["quarter", "metric_key", "customer_value"],
            }
        )

    @import_format.mapping.post
    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={
            200: s.ImportResultSerializer,
            400: OpenApiResponse(description="Row errors in `error.fields` and `error.rows`; nothing imported."),
            403: ERROR,
        },
    )
    def import_results(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Import results from CSV, all or nothing: any error and nothing is saved."""
        scorecard = self.scorecard()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "Attach the CSV file as 'file'."})
        if upload.size is not None and upload.size > csv_io.MAX_BYTES:
            data = upload.read(csv_io.MAX_BYTES + 1)
        else:
            data = upload.read()
        report = csv_io.import_results(actor=self.membership, scorecard=scorecard, data=data, size=upload.size)
        if not report.ok:
            fields: dict[str, list[str]] = {}
            for error in report.errors:
                key = f"row {error.row}" if error.row is not None else "file"
                fields.setdefault(key, []).append(f"{error.column}: {error.message}" if error.column else error.message)
            body = {
                "error": {
                    "status": 400,
                    "code": "invalid",
                    "message": "The file has errors; nothing was imported.",
                    "fields": fields,
                    "rows": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
                    "more_errors": report.more_errors,
                }
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response({"imported": report.imported})

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(
        detail=True,
        methods=["get"],
        url_path="export",
        filter_backends=[],
        renderer_classes=[renderers.JSONRenderer, CSVRenderer],
    )
    def export(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        """Every result as CSV (cells that could run as a spreadsheet formula are neutralised)."""
        scorecard = self.scorecard()
        buffer = io.StringIO()
        csv_io.write_export(buffer, selectors.export_cells(membership=self.membership, scorecard=scorecard))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="scorecard-{scorecard.pk}.csv"'
        return response


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def grid_data(grid: selectors.ScorecardGrid) -> dict[str, Any]:
    """``selectors.scorecard_grid`` as JSON (decimals as strings, zones as words)."""
    return {
        "relationship": str(grid.relationship.pk),
        "scorecard": str(grid.scorecard.pk) if grid.scorecard else None,
        "quarters": grid.quarters,
        "reporting_quarter": grid.reporting_quarter,
        "zone_counts": grid.zone_counts,
        "rows": [
            {
                "key": row.key,
                "name": row.metric.name,
                "unit": row.metric.unit,
                "direction": row.metric.direction,
                "goal": _num(row.metric.goal),
                "on_scorecard": row.on_scorecard,
                "trend": row.trend,
                "cells": [
                    {
                        "quarter": cell.quarter,
                        "defined": cell.defined,
                        "value": _num(cell.value),
                        "supplier_value": _num(cell.supplier_value),
                        "customer_value": _num(cell.customer_value),
                        "agreed_value": _num(cell.agreed_value),
                        "zone": cell.zone,
                        "discrepancy": cell.discrepancy,
                        "trend": cell.trend,
                        "row_version": cell.row_version,
                    }
                    for cell in row.cells
                ],
            }
            for row in grid.rows
        ],
        "spotlight": [
            {"key": item.row.key, "zone": item.zone, "previous_zone": item.previous_zone, "fell_out": item.fell_out}
            for item in grid.spotlight
        ],
        "discrepancies": [
            {
                "quarter": d.quarter,
                "metric_key": d.metric.key,
                "supplier_value": _num(d.result.supplier_value),
                "customer_value": _num(d.result.customer_value),
                "tolerance": _num(d.metric.tolerance),
            }
            for d in grid.discrepancies
        ],
    }


# --- Results ----------------------------------------------------------------------------------


class ResultFilter(django_filters.FilterSet):
    scorecard = django_filters.UUIDFilter(field_name="scorecard_id")
    quarter = django_filters.CharFilter(method="filter_quarter", help_text="A quarter, e.g. 2026Q3.")
    metric_key = django_filters.CharFilter()
    discrepancy = django_filters.BooleanFilter(
        method="filter_discrepancy", help_text="true: only open calculation discrepancies (beyond tolerance)."
    )

    class Meta:
        model = QuarterlyResult
        fields = ["scorecard", "quarter", "metric_key", "discrepancy"]

    def filter_quarter(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        try:
            services._check_quarter(value)
        except ValidationError as error:
            raise ValidationError({"quarter": error.message_dict["quarter"]}) from None
        return queryset.filter(quarter=value)

    def filter_discrepancy(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(DISCREPANCY_CANDIDATE) if value else queryset  # the tolerance: see list()


class ResultViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScorecardAPIViewSet,
):
    """Quarterly results. Single results carry an ETag; PUT/PATCH need If-Match (412 when stale)."""

    model = QuarterlyResult
    serializer_class = s.ResultSerializer
    filterset_class = ResultFilter
    filter_backends = (django_filters.rest_framework.DjangoFilterBackend,)
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "scorecards.view",
        "retrieve": "scorecards.view",
        "create": "results.record",
        "update": "results.record",
        "partial_update": "results.record",
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("scorecard__relationship").order_by("scorecard_id", "quarter", "metric_key")

    def _context(self, results: list[QuarterlyResult]) -> dict[str, Any]:
        context = dict(self.get_serializer_context())
        context["evaluate"] = Evaluator({r.scorecard_id for r in results})
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get("discrepancy", "").lower() in ("true", "1"):
            rows = list(queryset)
            evaluate = Evaluator({r.scorecard_id for r in rows})
            rows = [r for r in rows if (e := evaluate(r)) is not None and e.discrepancy]
            page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        else:
            page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response(s.ResultSerializer(page, many=True, context=self._context(page)).data)

    @extend_schema(parameters=[ETAG])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        result = cast(QuarterlyResult, self.get_object())
        response = Response(s.ResultSerializer(result, context=self._context([result])).data)
        response["ETag"] = etag(result.row_version)
        return response

    def _respond(self, result: QuarterlyResult, code: int = status.HTTP_200_OK) -> Response:
        result = self.get_queryset().get(pk=result.pk)
        response = Response(s.ResultSerializer(result, context=self._context([result])).data, status=code)
        response["ETag"] = etag(result.row_version)
        return response

    @extend_schema(
        request=s.ResultCreateSerializer,
        responses={201: s.ResultSerializer, 400: ERROR, 403: ERROR, 412: ERROR},
        description="Record figures of one metric and quarter (creates the result or changes the figures given). "
        "Customer participants may send only `customer_value`.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.ResultCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result = record(services.result_record, actor=self.membership, **data)
        return self._respond(result, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ResultValuesSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: s.ResultSerializer,
            400: ERROR,
            403: ERROR,
            412: OpenApiResponse(description="If-Match does not match the current row version; nothing saved."),
            428: OpenApiResponse(description="If-Match is missing."),
        },
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        result = cast(QuarterlyResult, self.get_object())
        expected = if_match(request)
        if expected != result.row_version:
            raise PreconditionFailed()
        serializer = s.ResultValuesSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if not kwargs.get("partial", False):  # PUT replaces every figure the caller may set
            for name in services.result_fields_for(self.membership):
                values.setdefault(name, "" if name == "note" else None)
        saved = record(
            services.result_record,
            actor=self.membership,
            scorecard=result.scorecard,
            metric_key=result.metric_key,
            quarter=result.quarter,
            expected_row_version=expected,
            **values,
        )
        return self._respond(saved)

    @extend_schema(
        request=s.ResultValuesSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: s.ResultSerializer,
            400: ERROR,
            403: ERROR,
            412: OpenApiResponse(description="If-Match does not match the current row version; nothing saved."),
            428: OpenApiResponse(description="If-Match is missing."),
        },
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)


router = SimpleRouter()
router.register("metric-templates", MetricTemplateViewSet, basename="api-metric-template")
router.register("scorecards", ScorecardViewSet, basename="api-scorecard")
router.register("results", ResultViewSet, basename="api-result")

urlpatterns = [*router.urls]
