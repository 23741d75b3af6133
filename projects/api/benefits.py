"""API · benefits: ``/benefits/`` (list ``?project=``, create, retrieve, partial update, delete) and
the customer sponsor's ``validate`` / ``dispute`` actions.

Ids in a body are re-scoped (``ScopedPrimaryKeyRelatedField``): a project of another tenant or
account is an ordinary 400. Validation is refused with 403 to everyone but the project's customer
sponsor (internal members by the role table, other customer participants by the service).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from typing_extensions import override

from core.api.fields import ScopedPrimaryKeyRelatedField, inline_choice
from dashboards.models import Scorecard
from projects import benefits as area
from projects.api.base import ERROR, ProjectsAreaViewSet
from projects.models import Benefit, BenefitKind, BenefitStatus, Project


class BenefitSerializer(serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all(), help_text="Set on create only.")
    kind = inline_choice(BenefitKind.choices)
    currency = serializers.CharField(max_length=10, help_text="ISO 4217 code, e.g. EUR.")
    estimated_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), help_text="≥ 0, at most 2 decimals."
    )
    scorecard = ScopedPrimaryKeyRelatedField(
        queryset=Scorecard.objects.all(),
        allow_null=True,
        required=False,
        help_text="The scorecard of the project's relationship (default when a metric_key is given).",
    )
    metric_key = serializers.CharField(max_length=60, required=False, allow_blank=True)
    status = inline_choice(BenefitStatus.choices, read_only=True)
    validated_by_name = serializers.CharField(source="validated_by.user.display_name", read_only=True, allow_null=True)

    class Meta:
        model = Benefit
        fields = [
            "id",
            "project",
            "kind",
            "description",
            "period_start",
            "period_end",
            "currency",
            "estimated_amount",
            "validated_amount",
            "status",
            "scorecard",
            "metric_key",
            "validated_by",
            "validated_by_name",
            "validated_at",
            "customer_comment",
            "created_at",
        ]
        read_only_fields = ["validated_amount", "validated_by", "validated_at", "customer_comment", "created_at"]


class ValidateSerializer(serializers.Serializer):
    validated_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal("0"), help_text="The amount the sponsor confirms."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DisputeSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text="What the sponsor does not agree with.")


class BenefitFilter(django_filters.FilterSet):
    project = django_filters.UUIDFilter(field_name="project_id", help_text="Benefits of this project.")
    status = django_filters.ChoiceFilter(choices=BenefitStatus.choices)

    class Meta:
        model = Benefit
        fields = ["project", "status"]


@extend_schema_view(
    create=extend_schema(responses={201: BenefitSerializer, 400: ERROR, 403: ERROR}),
    partial_update=extend_schema(responses={200: BenefitSerializer, 400: ERROR, 403: ERROR}),
    destroy=extend_schema(responses={204: None, 403: ERROR}),
)
class BenefitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ProjectsAreaViewSet,
):
    """Benefits of projects. Recorded by our people; validated or disputed by the customer sponsor only."""

    model = Benefit
    serializer_class = BenefitSerializer
    filterset_class = BenefitFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    ordering_fields = ["period_start", "created_at", "estimated_amount"]
    ordering = ["period_start", "created_at"]
    search_fields: ClassVar[list[str]] = []
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "benefits.view",
        "retrieve": "benefits.view",
        "create": "benefits.record",
        "partial_update": "benefits.record",
        "destroy": "benefits.record",
        "validation": "benefits.view",
        "validate": "benefits.validate",
        "dispute_view": "benefits.view",
        "dispute": "benefits.validate",
    }

    def safely_get_queryset(self, queryset: Any) -> Any:
        return queryset.select_related("validated_by__user", "project")

    def _out(self, benefit: Benefit, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.reread(benefit)).data, status=code)

    @override
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = data.pop("project")
        benefit = area.benefit_record(actor=self.membership, project=project, **data)
        return self._out(benefit, status.HTTP_201_CREATED)

    @override
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        benefit = cast(Benefit, self.get_object())
        serializer = self.get_serializer(benefit, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = data.pop("project", None)
        if project is not None and project.pk != benefit.project_id:
            raise ValidationError({"project": "A benefit cannot move to another project."})
        area.benefit_update(actor=self.membership, benefit=benefit, **data)
        return self._out(benefit)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # PUT is not offered
        return self.partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance: Benefit) -> None:
        area.benefit_delete(actor=self.membership, benefit=instance)

    @extend_schema(responses={200: BenefitSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="validate", url_name="validate", filter_backends=[])
    def validation(self, _request: Request, **_url: Any) -> Response:
        """The benefit as the sponsor is asked to validate it."""
        return self._out(cast(Benefit, self.get_object()))

    @validation.mapping.post
    @extend_schema(request=ValidateSerializer, responses={200: BenefitSerializer, 400: ERROR, 403: ERROR})
    def validate(self, request: Request, **_url: Any) -> Response:
        """The customer sponsor confirms the benefit with an amount (status → validated)."""
        benefit = cast(Benefit, self.get_object())
        serializer = ValidateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        area.benefit_validate(actor=self.membership, benefit=benefit, **serializer.validated_data)
        return self._out(benefit)

    @extend_schema(responses={200: BenefitSerializer, 404: ERROR})
    @action(detail=True, methods=["get"], url_path="dispute", url_name="dispute", filter_backends=[])
    def dispute_view(self, _request: Request, **_url: Any) -> Response:
        """The benefit as the sponsor is asked to validate it."""
        return self._out(cast(Benefit, self.get_object()))

    @dispute_view.mapping.post
    @extend_schema(request=DisputeSerializer, responses={200: BenefitSerializer, 400: ERROR, 403: ERROR})
    def dispute(self, request: Request, **_url: Any) -> Response:
        """The customer sponsor disputes the benefit, saying why (status → disputed)."""
        benefit = cast(Benefit, self.get_object())
        serializer = DisputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        area.benefit_dispute(actor=self.membership, benefit=benefit, **serializer.validated_data)
        return self._out(benefit)


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("benefits", BenefitViewSet, basename="api-benefit")


class ProjectBenefitsActions(ProjectsAreaViewSet):
    """Detail actions of this area on ``/projects/<pk>/…`` (composed into ``ProjectViewSet`` by
    projects/api/projects.py). None: benefits have their own ``/benefits/`` endpoint."""

    extra_action_permissions: dict[str, str] = {}
