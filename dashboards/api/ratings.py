"""Champion ratings API under /api/v1/t/<tenant_slug>/.

* ``GET ratings/[?relationship=<id>][&quarter=YYYYQn]`` — the ratings whose content you may see
  (``dashboards.rating_selectors``: your own side always, the other side once both are submitted or
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
from rest_framework import exceptions, mixins, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core import quarters
from core.api.base import UUID_REGEX, TenantAPIView, TenantScopedViewSet
from core.api.pagination import StandardPagination
from dashboards import rating_selectors as selectors
from dashboards.api import rating_serializers as s
from dashboards.models import ChampionRating, RatingDimension, RatingStatus
from dashboards.rating_services import (
    dimension_create,
    dimension_update,
    ensure_rating_dimensions,
    rating_save,
    rating_submit,
    side_for,
)
from partnering.models import Relationship


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "conflict"
    default_detail = "The rating changed since you read it; nothing was saved. GET it again and reapply your changes."


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = 'Send If-Match with the ETag from GET (e.g. If-Match: "3"; "0" for a rating not saved yet).'


class Locked(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "locked"
    default_detail = "This rating was submitted and is locked: it can no longer be changed."


ERROR = OpenApiResponse(description='Error shape `{"error": {"status", "code", "message", "fields"}}`.')
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag from GET …/mine/ (the row version, e.g. "3"; "0" before the first save).',
)
ETAG_HEADER = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=True, description="The rating's row version."
)
WRITE_RESPONSES = {
    400: ERROR,
    403: ERROR,
    404: ERROR,
    409: OpenApiResponse(description="Locked: the rating was already submitted."),
    412: OpenApiResponse(description="Conflict: If-Match does not match the current version; nothing saved."),
    428: OpenApiResponse(description="If-Match is missing."),
}


def etag(version: int) -> str:
    return f'"{version}"'


def if_match(request: Request) -> int | None:
    """The version named by If-Match (None for ``*``); 428 when missing, 412 when unreadable."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    value = header.strip()
    if value == "*":
        return None
    value = value.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise PreconditionFailed()
    return int(value)


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
        try:
            uuid.UUID(str(pk))
        except ValueError:
            raise Http404 from None
        found = Relationship.objects.visible_to(self.membership).select_related("account").filter(pk=pk).first()
        if found is None:
            raise Http404
        return found  # type: ignore[no-any-return]

    def quarter(self, value: str) -> str:
        value = (value or "").upper()
        try:
            quarters.parse(value)
        except ValidationError as error:
            raise ValidationError({"quarter": error.messages}) from None
        return value

    def dimensions(self) -> dict[Any, RatingDimension]:
        return {d.pk: d for d in RatingDimension.objects.all()}

    def own(self, relationship: Relationship, quarter: str) -> tuple[str, ChampionRating | None]:
        side = side_for(self.membership, relationship)
        if side is None:
            raise PermissionDenied("Only the two champions of this relationship (and admins, for our side) rate it.")
        rating = (
            ChampionRating.objects.filter(relationship=relationship, quarter=quarter, side=side)
            .select_related("champion__user")
            .prefetch_related("scores")
            .first()
        )
        return side, rating

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
            data = s.rating_data(rating, dimensions=self.dimensions())
        return Response(s.RatingSerializer(data).data, status=code, headers={"ETag": etag(data["row_version"])})


class RatingListView(RatingAPIView):
    @extend_schema(
        operation_id="ratings_list",
        parameters=[
            OpenApiParameter("relationship", OpenApiTypes.UUID, description="Only this relationship."),
            OpenApiParameter("quarter", OpenApiTypes.STR, description="Only this quarter (YYYYQn)."),
            OpenApiParameter("page", OpenApiTypes.INT, description="Page number."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Rows per page (at most 200)."),
        ],
        responses={200: s.PaginatedRatingSerializer, 400: ERROR, 404: ERROR},
        description="Ratings whose content you may see (your own side always; the other side once both are "
        "submitted or the quarter closed), newest quarter first.",
    )
    def get(self, request: Request, tenant_slug: str) -> Response:
        relationship = None
        raw = request.query_params.get("relationship")
        if raw:
            try:
                uuid.UUID(raw)
            except ValueError:
                raise ValidationError({"relationship": "Not a relationship id."}) from None
            relationship = self.relationship(raw)
        quarter = self.quarter(request.query_params["quarter"]) if request.query_params.get("quarter") else None
        ids = selectors.visible_rating_ids(self.membership, relationship=relationship, quarter=quarter)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(ids, request, view=self) or []  # type: ignore[arg-type]
        rows = {
            r.pk: r
            for r in ChampionRating.objects.filter(pk__in=page)
            .select_related("champion__user")
            .prefetch_related("scores")
        }
        dimensions = self.dimensions() if rows else {}
        data = [s.rating_data(rows[pk], dimensions=dimensions) for pk in page if pk in rows]
        return paginator.get_paginated_response(s.RatingSerializer(data, many=True).data)


class MyRatingView(RatingAPIView):
    @extend_schema(
        operation_id="ratings_mine_retrieve",
        responses={200: s.RatingSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
        parameters=[ETAG_HEADER],
        description="Your side's rating of the quarter (an empty draft with row_version 0 before the first save).",
    )
    def get(self, request: Request, tenant_slug: str, pk: Any, quarter: str) -> Response:
        relationship = self.relationship(pk)
        return self.own_response(relationship, self.quarter(quarter))

    @extend_schema(
        operation_id="ratings_mine_update",
        request=s.RatingWriteSerializer,
        parameters=[IF_MATCH],
        responses={200: s.RatingSerializer, 201: s.RatingSerializer, **WRITE_RESPONSES},
        description="Save your whole rating as a draft (201 on the first save). Needs If-Match.",
    )
    def put(self, request: Request, tenant_slug: str, pk: Any, quarter: str) -> Response:
        relationship = self.relationship(pk)
        quarter = self.quarter(quarter)
        side, rating = self.own(relationship, quarter)
        expected = if_match(request)
        if expected is None and rating is None:
            raise PreconditionFailed()
        serializer = s.RatingWriteSerializer(data=request.data)
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
        responses={200: s.SubmissionSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
        parameters=[ETAG_HEADER],
        description="Whether your side's rating of the quarter is submitted.",
    )
    def get(self, request: Request, tenant_slug: str, pk: Any, quarter: str) -> Response:
        relationship = self.relationship(pk)
        _side, rating = self.own(relationship, self.quarter(quarter))
        version = rating.row_version if rating is not None else 0
        data = {
            "submitted": rating is not None and rating.status == RatingStatus.SUBMITTED,
            "submitted_at": rating.submitted_at if rating is not None else None,
            "row_version": version,
        }
        return Response(s.SubmissionSerializer(data).data, headers={"ETag": etag(version)})

    @extend_schema(
        operation_id="ratings_mine_submission_create",
        request=None,
        parameters=[IF_MATCH],
        responses={200: s.RatingSerializer, **WRITE_RESPONSES},
        description=(
            "Submit your saved draft. It needs a colour for every active dimension, an overall colour and "
            "avoid_stall; afterwards it is locked."
        ),
    )
    def post(self, request: Request, tenant_slug: str, pk: Any, quarter: str) -> Response:
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
        responses={200: s.CompareSerializer, 400: ERROR, 404: ERROR},
        description="Both sides of the quarter per dimension, as far as you may see them.",
    )
    def get(self, request: Request, tenant_slug: str, pk: Any, quarter: str) -> Response:
        relationship = self.relationship(pk)
        comparison = selectors.compare(self.membership, relationship, self.quarter(quarter))
        return Response(s.CompareSerializer(s.compare_data(comparison)).data)


class RatingDimensionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantScopedViewSet,
):
    """The tenant's rating dimensions (the default set is created on first use). Admins edit them."""

    model = RatingDimension
    serializer_class = s.RatingDimensionSerializer
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

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Dimensions are tenant configuration that customer champions rate against, so the list comes
        # from the tenant-scoped manager (the model has no account path, which would hide it from them).
        rows = sorted(ensure_rating_dimensions(), key=lambda d: (d.position, d.name))
        return Response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Same reasoning as ``list``: customer champions need the dimensions they rate.
        dimension = RatingDimension.objects.filter(pk=kwargs[self.lookup_url_kwarg]).first()
        if dimension is None:
            raise Http404
        return Response(self.get_serializer(dimension).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dimension = dimension_create(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(dimension).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        dimension = dimension_update(actor=self.membership, dimension=instance, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(self.get_serializer(dimension).data)


router = SimpleRouter()
router.register("rating-dimensions", RatingDimensionViewSet, basename="api-rating-dimension")

_base = "relationships/<uuid:pk>/ratings/<str:quarter>/"

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("ratings/", RatingListView.as_view(), name="api-rating-list"),
    path(_base + "mine/", MyRatingView.as_view(), name="api-rating-mine"),
    path(_base + "mine/submission/", SubmissionView.as_view(), name="api-rating-submission"),
    path(_base + "compare/", CompareView.as_view(), name="api-rating-compare"),
]
