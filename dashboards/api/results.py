"""Results API under /api/v1/t/<tenant_slug>/ (route names prefixed ``api-``).

* ``results/`` — quarterly results (filters ``scorecard``, ``quarter``, ``metric_key``,
  ``discrepancy=true``). A single result carries its ``row_version`` as ETag; ``PUT``/``PATCH``
  need ``If-Match`` (428 without, 412 when stale — nothing is saved then).
* Per scorecard (``ScorecardResultsActions``, mixed into ``api.scorecards.ScorecardViewSet``):
  ``grid/`` (the scorecard page's data), ``import/`` (CSV, all or nothing) and ``export/``.

Serializers validate shape and types only (a figure must be a number, a quarter must look like
2026Q3, ids are looked up among the rows the caller may see); the rules — who may set which figure,
which metric keys a quarter has — are ``dashboards.results``', whose ``ValidationError`` becomes a
400 and ``PermissionDenied`` a 403. This module also holds the API plumbing the dashboards areas
share (``ERROR``, ``etag``; ``QuarterField`` is ``core.api.fields``').
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
from rest_framework import mixins, parsers, renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core.api import conditional
from core.api.base import TenantScopedViewSet
from core.api.errors import ERROR_RESPONSE
from core.api.fields import QuarterField, ScopedPrimaryKeyRelatedField
from core.models import Membership
from dashboards import results
from dashboards.models import QuarterlyResult, Scorecard
from dashboards.results import DISCREPANCY_CANDIDATE, Evaluator
from dashboards.scorecards import check_quarter

ERROR = ERROR_RESPONSE  # the shared documented error answer


class PreconditionFailed(conditional.PreconditionFailed):
    default_detail = results.CONFLICT_MESSAGE


IF_MATCH = conditional.if_match_parameter('The ETag from GET of the result (its row version, e.g. "3").')
ETAG = conditional.etag_parameter("The result's row version.")
etag = conditional.etag


def if_match(request: Request) -> int:
    """The result version the caller read (428 without ``If-Match``, 412 when unreadable)."""
    version = conditional.if_match(request, failed=PreconditionFailed)
    assert version is not None  # ``*`` is not accepted here
    return version


def record(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a result service; a stale save (code ``conflict``) becomes 412."""
    try:
        return function(**kwargs)
    except results.ResultConflict as error:
        raise PreconditionFailed(error.messages[0]) from None


def figure(**kwargs: Any) -> serializers.DecimalField:
    """A figure of a result: a number (text is a 400), ``null`` clears it."""
    return serializers.DecimalField(max_digits=14, decimal_places=4, allow_null=True, required=False, **kwargs)


class CSVRenderer(renderers.BaseRenderer):
    """Lets clients ask for ``text/csv``; error bodies are still written as JSON."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, _accepted_media_type: str | None = None, _renderer_context: Any = None) -> bytes:
        return data.encode() if isinstance(data, str) else json.dumps(data, default=str).encode()


# --- Serializers ------------------------------------------------------------------------------


class ResultSerializer(serializers.ModelSerializer):
    """A result with its evaluation (``zone``, ``discrepancy``, ``value``) under the governing definition."""

    zone = serializers.SerializerMethodField()
    discrepancy = serializers.SerializerMethodField()
    value = serializers.SerializerMethodField(method_name="get_effective_value")

    class Meta:
        model = QuarterlyResult
        fields = [
            "id",
            "scorecard",
            "metric_key",
            "quarter",
            *results.RESULT_FIELDS,
            "row_version",
            "updated_at",
            "zone",
            "discrepancy",
            "value",
        ]
        read_only_fields = fields

    def _evaluation(self, obj: QuarterlyResult) -> Any:
        evaluate = self.context.get("evaluate")
        return evaluate(obj) if evaluate else None

    def get_zone(self, obj: QuarterlyResult) -> str | None:
        evaluation = self._evaluation(obj)
        return evaluation.zone if evaluation else None

    def get_discrepancy(self, obj: QuarterlyResult) -> bool:
        evaluation = self._evaluation(obj)
        return bool(evaluation and evaluation.discrepancy)

    def get_effective_value(self, obj: QuarterlyResult) -> str | None:
        evaluation = self._evaluation(obj)
        return None if evaluation is None or evaluation.value is None else f"{evaluation.value:f}"


class ResultValuesSerializer(serializers.Serializer):
    """Figures to record; a field left out stays unchanged. Customers may send only ``customer_value``."""

    supplier_value = figure()
    customer_value = figure()
    agreed_value = figure()
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class ResultCreateSerializer(ResultValuesSerializer):
    scorecard = ScopedPrimaryKeyRelatedField(queryset=Scorecard.objects.all())
    metric_key = serializers.SlugField(max_length=60)
    quarter = QuarterField()


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="CSV UTF-8: quarter, metric_key, supplier_value, customer_value, agreed_value."
    )


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    imported = serializers.IntegerField()


class ImportFormatSerializer(serializers.Serializer):
    columns = serializers.ListField(child=serializers.CharField())
    max_bytes = serializers.IntegerField()
    max_rows = serializers.IntegerField()
    customer_columns = serializers.ListField(child=serializers.CharField())


# --- Per scorecard: grid, CSV import and export ---------------------------------------------


class ScorecardResultsActions:
    """The results routes of a scorecard (``scorecards/<id>/grid|import|export/``), mixed into
    ``dashboards.api.scorecards.ScorecardViewSet``, which provides ``scorecard()`` (the scoped lookup)."""

    #: The role-table action of each of these routes (merged into the viewset's ``action_permissions``).
    results_action_permissions: ClassVar[dict[str, str]] = {
        "grid": "scorecards.view",
        "import_format": "scorecards.view",
        "import_results": "results.import",
        "export": "scorecards.view",
    }
    membership: Membership
    scorecard: Callable[[], Scorecard]

    @extend_schema(
        responses=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter("quarters", OpenApiTypes.INT, description="How many quarters (default 8, at most 40)."),
            OpenApiParameter("ending", OpenApiTypes.STR, description="Last quarter (default: the current one)."),
        ],
    )
    @action(detail=True, methods=["get"], url_path="grid", filter_backends=[])
    def grid(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """The scorecard page's data: metrics × quarters with zones, trends, spotlight, discrepancies."""
        scorecard = self.scorecard()
        count_text = request.query_params.get("quarters", "8")
        ending = request.query_params.get("ending") or None
        errors: dict[str, str] = {}
        if not count_text.isdigit() or not 1 <= int(count_text) <= 40:
            errors["quarters"] = "Give a number of quarters from 1 to 40."
        if ending is not None:
            try:
                check_quarter(ending, "ending")
            except ValidationError:
                errors["ending"] = f"'{ending[:20]}' is not a quarter: write it like 2026Q3."
        if errors:
            raise ValidationError(errors)
        grid = results.scorecard_grid(
            membership=self.membership, relationship=scorecard.relationship, quarters=int(count_text), ending=ending
        )
        return Response(grid_data(grid))

    @extend_schema(responses=ImportFormatSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path="import",
        url_name="import",
        filter_backends=[],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser],
    )
    def import_format(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """What the CSV import expects (columns and limits)."""
        self.scorecard()
        return Response(
            {
                "columns": results.IMPORT_COLUMNS,
                "max_bytes": results.MAX_BYTES,
                "max_rows": results.MAX_ROWS,
                "customer_columns": ["quarter", "metric_key", "customer_value"],
            }
        )

    @import_format.mapping.post
    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(description="Row errors in `error.fields` and `error.rows`; nothing imported."),
            403: ERROR,
        },
    )
    def import_results(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """Import results from CSV, all or nothing: any error and nothing is saved."""
        scorecard = self.scorecard()
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": "Attach the CSV file as 'file'."})
        if upload.size is not None and upload.size > results.MAX_BYTES:
            data = upload.read(results.MAX_BYTES + 1)
        else:
            data = upload.read()
        report = results.import_results(actor=self.membership, scorecard=scorecard, data=data, size=upload.size)
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
    def export(self, _request: Request, *_args: Any, **_kwargs: Any) -> HttpResponse:
        """Every result as CSV (cells that could run as a spreadsheet formula are neutralised)."""
        scorecard = self.scorecard()
        buffer = io.StringIO()
        results.write_export(buffer, results.export_cells(membership=self.membership, scorecard=scorecard))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="scorecard-{scorecard.pk}.csv"'
        return response


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def grid_data(grid: results.ScorecardGrid) -> dict[str, Any]:
    """``results.scorecard_grid`` as JSON (decimals as strings, zones as words)."""
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

    def filter_quarter(self, queryset: QuerySet[Any], _name: str, value: str) -> QuerySet[Any]:
        try:
            check_quarter(value)
        except ValidationError as error:
            raise ValidationError({"quarter": error.message_dict["quarter"]}) from None
        return queryset.filter(quarter=value)

    def filter_discrepancy(self, queryset: QuerySet[Any], _name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return queryset
        return queryset.filter(DISCREPANCY_CANDIDATE) if value else queryset  # the tolerance: see list()


#: The schema of ``PUT`` and ``PATCH`` of a result (the same request, headers and answers).
WRITE_SCHEMA = extend_schema(
    request=ResultValuesSerializer,
    parameters=[IF_MATCH, ETAG],
    responses={
        200: ResultSerializer,
        400: ERROR,
        403: ERROR,
        412: OpenApiResponse(description="If-Match does not match the current row version; nothing saved."),
        428: OpenApiResponse(description="If-Match is missing."),
    },
)


class ResultViewSet(mixins.ListModelMixin, TenantScopedViewSet):
    """Quarterly results. Single results carry an ETag; PUT/PATCH need If-Match (412 when stale)."""

    model = QuarterlyResult
    serializer_class = ResultSerializer
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

    def _context(self, rows: list[QuarterlyResult]) -> dict[str, Any]:
        context = dict(self.get_serializer_context())
        context["evaluate"] = Evaluator({r.scorecard_id for r in rows})
        return context

    def list(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get("discrepancy", "").lower() in ("true", "1"):
            rows = list(queryset)
            evaluate = Evaluator({r.scorecard_id for r in rows})
            rows = [r for r in rows if (e := evaluate(r)) is not None and e.discrepancy]
            page = self.paginate_queryset(rows)
        else:
            page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response(ResultSerializer(page, many=True, context=self._context(page)).data)

    @extend_schema(parameters=[ETAG])
    def retrieve(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        result = cast(QuarterlyResult, self.get_object())
        response = Response(ResultSerializer(result, context=self._context([result])).data)
        response["ETag"] = etag(result.row_version)
        return response

    def _respond(self, result: QuarterlyResult, code: int = status.HTTP_200_OK) -> Response:
        result = self.get_queryset().get(pk=result.pk)
        response = Response(ResultSerializer(result, context=self._context([result])).data, status=code)
        response["ETag"] = etag(result.row_version)
        return response

    @extend_schema(
        request=ResultCreateSerializer,
        responses={201: ResultSerializer, 400: ERROR, 403: ERROR, 412: ERROR},
        description="Record figures of one metric and quarter (creates the result or changes the figures given). "
        "Customer participants may send only `customer_value`.",
    )
    def create(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        serializer = ResultCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result = record(results.result_record, actor=self.membership, **data)
        return self._respond(result, status.HTTP_201_CREATED)

    @WRITE_SCHEMA
    def update(self, request: Request, *_args: Any, **kwargs: Any) -> Response:
        result = cast(QuarterlyResult, self.get_object())
        expected = if_match(request)
        if expected != result.row_version:
            raise PreconditionFailed()
        serializer = ResultValuesSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        if not kwargs.get("partial", False):  # PUT replaces every figure the caller may set
            for name in results.result_fields_for(self.membership):
                values.setdefault(name, "" if name == "note" else None)
        saved = record(
            results.result_record,
            actor=self.membership,
            scorecard=result.scorecard,
            metric_key=result.metric_key,
            quarter=result.quarter,
            expected_row_version=expected,
            **values,
        )
        return self._respond(saved)

    @WRITE_SCHEMA
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)


def register(router: BaseRouter) -> None:
    router.register("results", ResultViewSet, basename="api-result")
