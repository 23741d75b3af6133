"""Champion ratings API under /api/v1/t/<tenant_slug>/.

* ``GET ratings/[?relationship=<id>][&quarter=YYYYQn]`` — the ratings whose content you may see
  (``dashboards.ratings.can_see``: your own side always, the other side once both are submitted or
  the quarter closed); paginated like every list.
* ``GET|PUT relationships/<id>/ratings/<quarter>/mine/`` — your own side's rating. ``GET`` sends an
  ``ETag`` (the row version, ``"0"`` before the first save). ``PUT`` needs ``If-Match`` with that ETag:
  missing → **428**, stale → **412** (``code: "conflict"``, nothing saved). A submitted rating is locked:
  ``PUT`` → **409** (``code: "locked"``).
* ``GET|POST relationships/<id>/ratings/<quarter>/mine/submission/`` — whether it is submitted; ``POST``
  submits the saved draft (``If-Match`` as for ``PUT``); incomplete → 400 with the missing fields.
* ``GET relationships/<id>/ratings/<quarter>/compare/`` — side by side as far as you may see it.
* ``rating-dimensions/`` — everyone lists them; admins create and update (deactivate with
  ``active: false``; dimensions are never deleted, past scores point at them).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from core import quarters
from core.api import conditional
from core.api.base import UUID_REGEX, TenantAPIView, TenantScopedViewSet
from core.api.conditional import etag
from core.api.fields import EnumChoiceField
from core.api.pagination import StandardPagination
from core.parsing import parse_uuid
from dashboards import ratings
from dashboards.api.results import ERROR
from dashboards.models import ChampionRating, RatingDimension, RatingStatus
from dashboards.ratings import (
    COLOR_LABELS,
    DIMENSION_FIELDS,
    dimension_create,
    dimension_update,
    ensure_rating_dimensions,
    rating_save,
    rating_submit,
    side_for,
)
from partnering.models import Relationship, Side

# --- Serializers ------------------------------------------------------------------------------

COLOR_HELP = "1 Bright Red · 2 Light Red · 3 Yellow · 4 Light Green · 5 Bright Green"


def color_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, help_text=COLOR_HELP, **kwargs)


class RatingDimensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RatingDimension
        fields = ["id", *DIMENSION_FIELDS]
        read_only_fields = ["id"]
        validators: list[Any] = []  # the (tenant, name) uniqueness is checked by the service's full_clean


class ScoreSerializer(serializers.Serializer):
    dimension = serializers.UUIDField(help_text="A rating dimension id of this workspace.")
    dimension_name = serializers.CharField(read_only=True)
    color = color_field()
    color_label = serializers.CharField(read_only=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RatingSerializer(serializers.Serializer):
    """A rating whose content the caller may see."""

    id = serializers.UUIDField(read_only=True, allow_null=True)
    relationship = serializers.UUIDField(read_only=True)
    quarter = serializers.CharField(read_only=True)
    side = EnumChoiceField(choices=Side.choices, read_only=True)
    status = serializers.ChoiceField(choices=RatingStatus.choices, read_only=True)
    champion = serializers.UUIDField(read_only=True, allow_null=True, help_text="Membership id of the author.")
    champion_name = serializers.CharField(read_only=True, allow_null=True)
    overall = color_field(read_only=True, allow_null=True)
    overall_label = serializers.CharField(read_only=True, allow_blank=True)
    avoid_stall = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    row_version = serializers.IntegerField(read_only=True, help_text="Also sent as the ETag; 0 before the first save.")
    scores = ScoreSerializer(many=True, read_only=True)


class RatingWriteSerializer(serializers.Serializer):
    """The caller's whole rating: dimensions not listed lose their score."""

    scores = ScoreSerializer(many=True)
    overall = color_field(required=False, allow_null=True, default=None)
    avoid_stall = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_scores(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen = set()
        for row in value:
            if row["dimension"] in seen:
                raise serializers.ValidationError(f"Dimension {row['dimension']} is listed twice.")
            seen.add(row["dimension"])
        return value


def rating_data(rating: ChampionRating, *, dimensions: dict[Any, RatingDimension]) -> dict[str, Any]:
    """A visible rating as plain data (scores prefetched)."""
    champion = rating.champion if rating.champion_id else None
    return {
        "id": rating.pk,
        "relationship": rating.relationship_id,
        "quarter": rating.quarter,
        "side": rating.side,
        "status": rating.status,
        "champion": rating.champion_id,
        "champion_name": champion.user.display_name if champion is not None else None,
        "overall": rating.overall,
        "overall_label": COLOR_LABELS[rating.overall] if rating.overall else "",
        "avoid_stall": rating.avoid_stall,
        "submitted_at": rating.submitted_at,
        "row_version": rating.row_version,
        "scores": [
            {
                "dimension": s.dimension_id,
                "dimension_name": dimensions[s.dimension_id].name if s.dimension_id in dimensions else "",
                "color": s.color,
                "color_label": COLOR_LABELS[s.color],
                "comment": s.comment,
            }
            for s in sorted(
                rating.scores.all(),
                key=lambda s: (
                    (dimensions[s.dimension_id].position, dimensions[s.dimension_id].name)
                    if s.dimension_id in dimensions
                    else (0, "")
                ),
            )
        ],
    }


class SideStatusSerializer(serializers.Serializer):
    side = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[("missing", "Not submitted"), ("draft", "Draft"), ("submitted", "Submitted")],
        help_text="Another side's draft is reported as missing.",
    )
    visible = serializers.BooleanField(help_text="Whether its content is shown to you.")
    mine = serializers.BooleanField()
    overall = color_field(allow_null=True)
    avoid_stall = serializers.CharField()


class CompareCellSerializer(serializers.Serializer):
    color = color_field(allow_null=True)
    comment = serializers.CharField()


class CompareRowSerializer(serializers.Serializer):
    dimension = serializers.UUIDField()
    dimension_name = serializers.CharField()
    supplier = CompareCellSerializer(allow_null=True, help_text="Null when hidden from you or not rated.")
    customer = CompareCellSerializer(allow_null=True, help_text="Null when hidden from you or not rated.")
    steps = serializers.IntegerField(allow_null=True, help_text="Colour steps apart; null unless both are visible.")
    agreement = serializers.BooleanField(allow_null=True)
    divergent = serializers.BooleanField(allow_null=True, help_text="Two or more steps apart: discuss.")


class CompareSerializer(serializers.Serializer):
    relationship = serializers.UUIDField()
    quarter = serializers.CharField()
    closed = serializers.BooleanField()
    revealed = serializers.BooleanField(help_text="Both sides' content is visible to you.")
    supplier = SideStatusSerializer()
    customer = SideStatusSerializer()
    overall_steps = serializers.IntegerField(allow_null=True)
    overall_agreement = serializers.BooleanField(allow_null=True)
    overall_divergent = serializers.BooleanField(allow_null=True)
    rows = CompareRowSerializer(many=True)


def compare_data(comparison: Any) -> dict[str, Any]:
    def side(view: Any) -> dict[str, Any]:
        return {
            "side": view.side,
            "status": view.status,
            "visible": view.visible,
            "mine": view.mine,
            "overall": view.overall,
            "avoid_stall": view.avoid_stall,
        }

    def cell(value: Any) -> dict[str, Any] | None:
        return {"color": value.color, "comment": value.comment} if value is not None else None

    return {
        "relationship": comparison.relationship.pk,
        "quarter": comparison.quarter,
        "closed": comparison.closed,
        "revealed": comparison.revealed,
        "supplier": side(comparison.supplier),
        "customer": side(comparison.customer),
        "overall_steps": comparison.overall_steps,
        "overall_agreement": comparison.overall_agreement,
        "overall_divergent": comparison.overall_divergent,
        "rows": [
            {
                "dimension": row.dimension.pk,
                "dimension_name": row.dimension.name,
                "supplier": cell(row.supplier),
                "customer": cell(row.customer),
                "steps": row.steps,
                "agreement": row.agreement,
                "divergent": row.divergent,
            }
            for row in comparison.rows
        ],
    }


class PaginatedRatingSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = RatingSerializer(many=True)


class SubmissionSerializer(serializers.Serializer):
    submitted = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    row_version = serializers.IntegerField(help_text="Send it as If-Match when you submit.")


# --- Views ------------------------------------------------------------------------------------


class PreconditionFailed(conditional.PreconditionFailed):
    default_detail = "The rating changed since you read it; nothing was saved. GET it again and reapply your changes."


class PreconditionRequired(conditional.PreconditionRequired):
    default_detail = 'Send If-Match with the ETag from GET (e.g. If-Match: "3"; "0" for a rating not saved yet).'


class Locked(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "locked"
    default_detail = "This rating was submitted and is locked: it can no longer be changed."


IF_MATCH = conditional.if_match_parameter(
    'The ETag from GET …/mine/ (the row version, e.g. "3"; "0" before the first save).'
)
ETAG_HEADER = conditional.etag_parameter("The rating's row version.")
WRITE_RESPONSES = {
    400: ERROR,
    403: ERROR,
    404: ERROR,
    409: OpenApiResponse(description="Locked: the rating was already submitted."),
    412: OpenApiResponse(description="Conflict: If-Match does not match the current version; nothing saved."),
    428: OpenApiResponse(description="If-Match is missing."),
}


def if_match(request: Request) -> int | None:
    """The version named by If-Match (None for ``*``); 428 when missing, 412 when unreadable."""
    return conditional.if_match(request, allow_any=True, required=PreconditionRequired, failed=PreconditionFailed)


def service_call(function: Any, **kwargs: Any) -> ChampionRating:
    """Run a rating service; its conflict and locked errors become 412 and 409."""
    try:
        return function(**kwargs)  # type: ignore[no-any-return]
    except ValidationError as error:
        code = getattr(error, "code", None)
        if code == "conflict":
            raise PreconditionFailed(error.messages[0]) from None
        if code == "locked":
            raise Locked(error.messages[0]) from None
        raise


class RatingAPIView(TenantAPIView):
    """Shared lookups: the relationship through the member's scope (404 otherwise) and the quarter."""

    action_permissions: ClassVar[dict[str, str]] = {
        "GET": "ratings.view",
        "PUT": "ratings.view",  # who may write which side is decided per relationship by the service
        "POST": "ratings.view",
    }

    def relationship(self, pk: Any) -> Relationship:
        found = ratings.relationship_for(membership=self.membership, pk=pk)
        if found is None:
            raise Http404
        return found

    def quarter(self, value: str) -> str:
        value = (value or "").upper()
        try:
            quarters.parse(value)
        except ValidationError as error:
            raise ValidationError({"quarter": error.messages}) from None
        return value

    def dimensions(self) -> dict[Any, RatingDimension]:
        return ratings.dimensions_by_id()

    def own(self, relationship: Relationship, quarter: str) -> tuple[str, ChampionRating | None]:
        side = side_for(self.membership, relationship)
        if side is None:
            raise PermissionDenied("Only the two champions of this relationship (and admins, for our side) rate it.")
        return side, ratings.own_rating(relationship=relationship, quarter=quarter, side=side)

    def own_response(self, relationship: Relationship, quarter: str, code: int = status.HTTP_200_OK) -> Response:
        side, rating = self.own(relationship, quarter)
        if rating is None:
            data: dict[str, Any] = {
                "id": None,
                "relationship": relationship.pk,
                "quarter": quarter,
                "side": side,
                "status": "draft",
                "champion": None,
                "champion_name": None,
                "overall": None,
                "overall_label": "",
                "avoid_stall": "",
                "submitted_at": None,
                "row_version": 0,
                "scores": [],
            }
        else:
            data = rating_data(rating, dimensions=self.dimensions())
        return Response(RatingSerializer(data).data, status=code, headers={"ETag": etag(data["row_version"])})


class RatingListView(RatingAPIView):
    @extend_schema(
        operation_id="ratings_list",
        parameters=[
            OpenApiParameter("relationship", OpenApiTypes.UUID, description="Only this relationship."),
            OpenApiParameter("quarter", OpenApiTypes.STR, description="Only this quarter (YYYYQn)."),
            OpenApiParameter("page", OpenApiTypes.INT, description="Page number."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Rows per page (at most 200)."),
        ],
        responses={200: PaginatedRatingSerializer, 400: ERROR, 404: ERROR},
        description="Ratings whose content you may see (your own side always; the other side once both are "
        "submitted or the quarter closed), newest quarter first.",
    )
    def get(self, request: Request, **_kwargs: Any) -> Response:
        relationship = None
        raw = request.query_params.get("relationship")
        if raw:
            try:
                uuid.UUID(raw)
            except ValueError:
                raise ValidationError({"relationship": "Not a relationship id."}) from None
            relationship = self.relationship(raw)
        quarter = self.quarter(request.query_params["quarter"]) if request.query_params.get("quarter") else None
        ids = ratings.visible_rating_ids(self.membership, relationship=relationship, quarter=quarter)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(ids, request, view=self) or []
        rows = ratings.ratings_by_id(page)
        dimensions = self.dimensions() if rows else {}
        data = [rating_data(rows[pk], dimensions=dimensions) for pk in page if pk in rows]
        return paginator.get_paginated_response(RatingSerializer(data, many=True).data)


class MyRatingView(RatingAPIView):
    @extend_schema(
        operation_id="ratings_mine_retrieve",
        responses={200: RatingSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
        parameters=[ETAG_HEADER],
        description="Your side's rating of the quarter (an empty draft with row_version 0 before the first save).",
    )
    def get(self, _request: Request, pk: Any, quarter: str, **_kwargs: Any) -> Response:
        relationship = self.relationship(pk)
        return self.own_response(relationship, self.quarter(quarter))

    @extend_schema(
        operation_id="ratings_mine_update",
        request=RatingWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: RatingSerializer, 201: RatingSerializer, **WRITE_RESPONSES},
        description="Save your whole rating as a draft (201 on the first save). Needs If-Match.",
    )
    def put(self, request: Request, pk: Any, quarter: str, **_kwargs: Any) -> Response:
        relationship = self.relationship(pk)
        quarter = self.quarter(quarter)
        side, rating = self.own(relationship, quarter)
        expected = if_match(request)
        if expected is None and rating is None:
            raise PreconditionFailed()
        serializer = RatingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        service_call(
            rating_save,
            actor=self.membership,
            relationship=relationship,
            quarter=quarter,
            side=side,
            scores={row["dimension"]: (row["color"], row.get("comment", "")) for row in data["scores"]},
            overall=data.get("overall"),
            avoid_stall=data.get("avoid_stall", ""),
            expected_row_version=expected,
        )
        return self.own_response(relationship, quarter, status.HTTP_201_CREATED if rating is None else 200)


class SubmissionView(RatingAPIView):
    @extend_schema(
        operation_id="ratings_mine_submission_retrieve",
        responses={200: SubmissionSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
        parameters=[ETAG_HEADER],
        description="Whether your side's rating of the quarter is submitted.",
    )
    def get(self, _request: Request, pk: Any, quarter: str, **_kwargs: Any) -> Response:
        relationship = self.relationship(pk)
        _side, rating = self.own(relationship, self.quarter(quarter))
        version = rating.row_version if rating is not None else 0
        data = {
            "submitted": rating is not None and rating.status == RatingStatus.SUBMITTED,
            "submitted_at": rating.submitted_at if rating is not None else None,
            "row_version": version,
        }
        return Response(SubmissionSerializer(data).data, headers={"ETag": etag(version)})

    @extend_schema(
        operation_id="ratings_mine_submission_create",
        request=None,
        parameters=[IF_MATCH],
        responses={200: RatingSerializer, **WRITE_RESPONSES},
        description=(
            "Submit your saved draft. It needs a colour for every active dimension, an overall colour and "
            "avoid_stall; afterwards it is locked."
        ),
    )
    def post(self, request: Request, pk: Any, quarter: str, **_kwargs: Any) -> Response:
        relationship = self.relationship(pk)
        quarter = self.quarter(quarter)
        self.own(relationship, quarter)  # 403 before anything else for people who do not rate
        expected = if_match(request)
        service_call(
            rating_submit,
            actor=self.membership,
            relationship=relationship,
            quarter=quarter,
            expected_row_version=expected,
        )
        return self.own_response(relationship, quarter)


class CompareView(RatingAPIView):
    @extend_schema(
        operation_id="ratings_compare",
        responses={200: CompareSerializer, 400: ERROR, 404: ERROR},
        description="Both sides of the quarter per dimension, as far as you may see them.",
    )
    def get(self, _request: Request, pk: Any, quarter: str, **_kwargs: Any) -> Response:
        relationship = self.relationship(pk)
        comparison = ratings.compare(self.membership, relationship, self.quarter(quarter))
        return Response(CompareSerializer(compare_data(comparison)).data)


class RatingDimensionViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, TenantScopedViewSet):
    """The tenant's rating dimensions (the default set is created on first use). Admins edit them."""

    model = RatingDimension
    serializer_class = RatingDimensionSerializer
    lookup_value_regex = UUID_REGEX
    pagination_class = None
    filter_backends: list[Any] = []
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "ratings.view",
        "retrieve": "ratings.view",
        "create": "ratings.dimensions.manage",
        "update": "ratings.dimensions.manage",
        "partial_update": "ratings.dimensions.manage",
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("position", "name")

    def list(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        # Dimensions are tenant configuration that customer champions rate against, so the list comes
        # from the tenant-scoped manager (the model has no account path, which would hide it from them).
        rows = sorted(ensure_rating_dimensions(), key=lambda d: (d.position, d.name))
        return Response(self.get_serializer(rows, many=True).data)

    def retrieve(self, _request: Request, *_args: Any, **kwargs: Any) -> Response:
        # Same reasoning as ``list``: customer champions need the dimensions they rate.
        dimension = ratings.dimensions_by_id().get(parse_uuid(kwargs[self.lookup_url_kwarg]))
        if dimension is None:
            raise Http404
        return Response(self.get_serializer(dimension).data)

    def create(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dimension = dimension_create(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(dimension).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *_args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        dimension = dimension_update(actor=self.membership, dimension=instance, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(dimension).data)


def register(router: BaseRouter) -> None:
    router.register("rating-dimensions", RatingDimensionViewSet, basename="api-rating-dimension")


_base = "relationships/<uuid:pk>/ratings/<str:quarter>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("ratings/", RatingListView.as_view(), name="api-rating-list"),
    path(_base + "mine/", MyRatingView.as_view(), name="api-rating-mine"),
    path(_base + "mine/submission/", SubmissionView.as_view(), name="api-rating-submission"),
    path(_base + "compare/", CompareView.as_view(), name="api-rating-compare"),
]
