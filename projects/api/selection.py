"""API · selection: selection scores (list ``?project=``, create-or-update one's own), the
``score`` detail action on a project (GET summary / POST own score) and the tenant's projects
settings (a singleton: GET for members, PATCH for admins)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.fields import ScopedPrimaryKeyRelatedField
from core.parsing import parse_uuid
from projects import selection
from projects.api.base import ProjectsAreaViewSet
from projects.models import CURRENCIES, Project, ProjectsSettings, SelectionScore
from projects.projects import settings_for_tenant


def _score_field(help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, help_text=help_text)


class ScoreInputSerializer(serializers.Serializer):
    customer_value = _score_field("1–5: value for the customer.")
    buy_in = _score_field("1–5: buy-in at all levels of the customer.")
    durability = _score_field("1–5: durability against the winds of change.")
    effort = _score_field("1–5: effort (1 = little, 5 = a lot; counted inversely).")
    data_availability = _score_field("1–5: data availability.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SelectionScoreSerializer(ScoreInputSerializer, serializers.ModelSerializer):
    project = ScopedPrimaryKeyRelatedField(queryset=Project.objects.all())
    scorer = serializers.UUIDField(source="scorer_id", read_only=True)
    scorer_name = serializers.CharField(source="scorer.user.display_name", read_only=True)
    is_customer = serializers.BooleanField(source="scorer.is_customer", read_only=True)

    class Meta:
        model = SelectionScore
        fields = [
            "id",
            "project",
            "scorer",
            "scorer_name",
            "is_customer",
            "customer_value",
            "buy_in",
            "durability",
            "effort",
            "data_availability",
            "comment",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]
        validators: list[object] = []


class CriterionSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    supplier = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    customer = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    overall = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    inverted = serializers.BooleanField()


class SelectionSummarySerializer(serializers.Serializer):
    criteria = CriterionSummarySerializer(many=True)
    supplier_count = serializers.IntegerField()
    customer_count = serializers.IntegerField()
    count = serializers.IntegerField()
    overall = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("project", OpenApiTypes.UUID, description="Scores of this project only.")]
    ),
    create=extend_schema(description="Create or update the caller's own score of a project (200 when updated)."),
)
class SelectionScoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectsAreaViewSet):
    model = SelectionScore
    serializer_class = SelectionScoreSerializer
    action_permissions = {"list": "projects.view", "retrieve": "projects.view", "create": "projects.score"}

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = queryset.select_related("scorer__user").order_by("project_id", "scorer__user__email")
        if self.action == "list":
            project = self.request.query_params.get("project")
            if project:
                project_id = parse_uuid(project)
                queryset = queryset.filter(project_id=project_id) if project_id else queryset.none()
        return queryset

    def create(self, request: Request, **_url: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = data.pop("project")
        existed = selection.own_score(project, self.membership) is not None
        score = selection.score_submit(actor=self.membership, project=project, **data)
        return Response(
            self.get_serializer(self.reread(score)).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class ProjectsSettingsSerializer(serializers.ModelSerializer):
    default_currency = serializers.CharField(
        max_length=3, help_text="ISO 4217 code: " + ", ".join(code for code, _ in CURRENCIES) + "."
    )

    class Meta:
        model = ProjectsSettings
        fields = sorted(selection.SETTINGS_FIELDS)


class ProjectsSettingsViewSet(ProjectsAreaViewSet):
    """``GET`` the tenant's projects settings (one object, not a list); ``PATCH`` (admins) changes them.

    New selection weights recompute every scored project's score."""

    model = ProjectsSettings
    serializer_class = ProjectsSettingsSerializer
    pagination_class = None
    action_permissions: ClassVar[dict[str, str]] = {
        "list": "projects.view",
        "update_singleton": "projects.settings.manage",
    }

    @classmethod
    def as_view(cls, actions: Any = None, **initkwargs: Any) -> Any:
        # The singleton lives on the router's list route: PATCH there updates it.
        if actions is not None and actions.get("get") == "list":
            actions = {**actions, "patch": "update_singleton"}
        return super().as_view(actions, **initkwargs)

    @extend_schema(responses=ProjectsSettingsSerializer)
    def list(self, _request: Request, **_url: Any) -> Response:
        return Response(self.get_serializer(settings_for_tenant()).data)

    @extend_schema(request=ProjectsSettingsSerializer, responses=ProjectsSettingsSerializer)
    def update_singleton(self, request: Request, **_url: Any) -> Response:
        current = settings_for_tenant()
        serializer = self.get_serializer(current, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = selection.settings_update(actor=self.membership, **serializer.validated_data)
        return Response(self.get_serializer(updated).data)


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("selection-scores", SelectionScoreViewSet, basename="api-selection-score")
    router.register("projects-settings", ProjectsSettingsViewSet, basename="api-projects-settings")


class ProjectSelectionActions(ProjectsAreaViewSet):
    """Detail actions of this area on ``/projects/<pk>/…`` (composed into ``ProjectViewSet``)."""

    extra_action_permissions: dict[str, str] = {"score": "projects.score"}

    @extend_schema(
        methods=["GET"], responses=SelectionSummarySerializer, description="The project's selection summary."
    )
    @extend_schema(
        methods=["POST"],
        request=ScoreInputSerializer,
        responses=SelectionSummarySerializer,
        description="Create or update the caller's own score; answers the new summary.",
    )
    @action(detail=True, methods=["get", "post"], url_path="score", url_name="score")
    def score(self, request: Request, **_url: Any) -> Response:
        project = self.get_project()
        if request.method == "POST":
            serializer = ScoreInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            selection.score_submit(actor=self.membership, project=project, **serializer.validated_data)
        return Response(SelectionSummarySerializer(selection.selection_summary(project)).data)
