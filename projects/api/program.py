"""API · program health: ``GET /api/v1/t/<slug>/project-program/`` — the program health figures as
JSON, the same selector as the page (``projects.program.program_health``, a fixed number of
queries). Admins, executives and coaches (``projects.program``); filters ``customer`` and ``belt``
as query parameters, a bad value ignored and listed in ``filter_errors``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from projects.api.base import ProjectsAreaViewSet
from projects.models import BeltLevel, Project
from projects.program import program_health


class ProgramCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Projects matching the filters, in any phase.")
    open = serializers.IntegerField(help_text="Candidates and projects in Define … Control.")
    in_dmaic = serializers.IntegerField(help_text="Open projects past selection (Define … Control).")
    closed_12m = serializers.IntegerField(help_text="Closed in the last 365 days.")
    closed_total = serializers.IntegerField()
    stalled = serializers.IntegerField(help_text="Open, no activity for the tenant's stalled-after days.")
    long_running = serializers.IntegerField(help_text="Open, started longer ago than the tenant's long-running days.")
    waiting = serializers.IntegerField(help_text="Open and waiting (approval, regulator, data).")
    tollgates_pending = serializers.IntegerField(help_text="Open with a tollgate awaiting the coach.")


class ProgramDurationsSerializer(serializers.Serializer):
    closed_projects = serializers.IntegerField()
    median_days = serializers.FloatField(allow_null=True, help_text="Median of closed_on − started_on.")
    average_days = serializers.FloatField(allow_null=True)
    waiting_days = serializers.IntegerField(help_text="Waiting days of closed projects, clipped to their run.")
    total_days = serializers.IntegerField(help_text="Sum of the closed projects' durations.")
    waiting_share = serializers.FloatField(allow_null=True, help_text="waiting_days / total_days in percent.")
    closed_with_waiting = serializers.IntegerField()
    median_days_with_waiting = serializers.FloatField(allow_null=True)
    median_days_without_waiting = serializers.FloatField(allow_null=True)


class ProgramCycleTimeSerializer(serializers.Serializer):
    phase = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    median_days = serializers.FloatField(allow_null=True, help_text="Median of left_at − entered_at, finished visits.")
    average_days = serializers.FloatField(allow_null=True)
    visits = serializers.IntegerField()


class ProgramQuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    closed = serializers.IntegerField()


class ProgramPhaseSerializer(serializers.Serializer):
    phase = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class ProgramSelectionSerializer(serializers.Serializer):
    candidates = serializers.IntegerField()
    candidates_with_customer_score = serializers.IntegerField()
    candidates_without_customer_score = serializers.IntegerField()
    selected = serializers.IntegerField(help_text="Projects past selection (not candidate, not cancelled).")
    selected_with_customer_score = serializers.IntegerField()
    selected_customer_share = serializers.FloatField(allow_null=True)


class ProgramPilotWonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    customer = serializers.CharField()
    closed_on = serializers.DateField()


class ProgramPilotSerializer(serializers.Serializer):
    pilots = serializers.IntegerField()
    open = serializers.IntegerField()
    won = serializers.IntegerField(help_text="Closed pilots with at least one customer-validated benefit.")
    first_won = ProgramPilotWonSerializer(allow_null=True)


class ProgramBenefitSerializer(serializers.Serializer):
    currency = serializers.CharField()
    estimated = serializers.DecimalField(max_digits=16, decimal_places=2)
    validated = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text="Sum of validated_amount of benefits the customer validated."
    )
    validated_share = serializers.FloatField(allow_null=True)
    entries = serializers.IntegerField()
    validated_entries = serializers.IntegerField()
    disputed_entries = serializers.IntegerField()


class ProgramFeedbackSerializer(serializers.Serializer):
    average = serializers.FloatField(allow_null=True, help_text="Satisfaction 1–5.")
    responses = serializers.IntegerField()


class ProgramBeltsSerializer(serializers.Serializer):
    green_belts = serializers.IntegerField()
    black_belts = serializers.IntegerField()
    coaches = serializers.IntegerField(help_text="The coach pool: coach role or certified Black Belt.")


class ProgramHealthSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    filters = serializers.DictField(child=serializers.CharField())
    filter_errors = serializers.ListField(
        child=serializers.CharField(), source="errors", help_text="Filter values that were ignored, and why."
    )
    has_projects = serializers.BooleanField()
    counts = ProgramCountsSerializer()
    durations = ProgramDurationsSerializer()
    cycle_times = ProgramCycleTimeSerializer(many=True)
    throughput = ProgramQuarterSerializer(many=True, help_text="Projects closed per quarter, oldest first.")
    phases = ProgramPhaseSerializer(many=True, help_text="Projects in each phase now.")
    selection = ProgramSelectionSerializer()
    pilot = ProgramPilotSerializer()
    benefits = ProgramBenefitSerializer(many=True)
    feedback = ProgramFeedbackSerializer()
    belts = ProgramBeltsSerializer(help_text="Program-wide (not narrowed by the filters).")


class ProjectProgramViewSet(ProjectsAreaViewSet):
    """Program health: cycle times, throughput, stalled work, benefits, belts, pilot, customer buy-in."""

    model = Project
    action_permissions: ClassVar[dict[str, str]] = {"list": "projects.program"}
    pagination_class = None
    filter_backends: list[Any] = []

    @extend_schema(
        summary="Program health figures",
        parameters=[
            OpenApiParameter("customer", OpenApiTypes.UUID, description="Customer account id."),
            OpenApiParameter(
                "belt",
                OpenApiTypes.STR,
                description="Belt level: " + ", ".join(f"`{v}`" for v in BeltLevel.values) + ".",
            ),
        ],
        responses=ProgramHealthSerializer,
    )
    def list(self, request: Request, **_url: Any) -> Response:
        health = program_health(self.membership, request.query_params)
        return Response(ProgramHealthSerializer(health).data)


def register(router: SimpleRouter) -> None:
    """Register this area's viewset on the projects router."""
    router.register("project-program", ProjectProgramViewSet, basename="api-project-program")
