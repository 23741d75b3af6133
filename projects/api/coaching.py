"""API · coaching: the coach pool (with areas and load), coach expertise rows (list, create,
delete) and, on a project, ``coach-suggestions`` (GET) and ``assign-coach`` (GET current / POST)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.fields import ScopedPrimaryKeyRelatedField
from core.models import Membership
from core.parsing import parse_uuid
from knowledge.models import SolutionArea
from projects import coaching
from projects.api.base import ProjectsAreaViewSet
from projects.models import CoachExpertise


class AreaRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    path = serializers.CharField()


class CoachSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()
    is_black_belt = serializers.BooleanField()
    load = serializers.IntegerField(help_text="Open projects coached now.")
    areas = serializers.SerializerMethodField()

    @extend_schema_field(AreaRefSerializer(many=True))
    def get_areas(self, obj: Membership) -> list[dict[str, Any]]:
        return [{"id": r.area.pk, "name": r.area.name, "path": r.area.path} for r in obj.expertise_rows]  # type: ignore[attr-defined]


class CoachViewSet(mixins.ListModelMixin, ProjectsAreaViewSet):
    """The coach pool: coaches and certified Black Belts, with their areas and current load."""

    model = Membership
    serializer_class = CoachSerializer
    action_permissions = {"list": "coaches.view"}

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        area = None
        raw = self.request.query_params.get("area")
        if raw:
            area_id = parse_uuid(raw)
            area = next(iter(coaching.areas_by_ids([area_id])), None) if area_id else None
            if area is None:
                return queryset.none()
        return coaching.coaches_annotated(area=area).filter(pk__in=queryset.values("pk"))


class ExpertiseSerializer(serializers.ModelSerializer):
    coach = ScopedPrimaryKeyRelatedField(queryset=Membership.objects.all())
    area = ScopedPrimaryKeyRelatedField(queryset=SolutionArea.objects.all())
    area_path = serializers.CharField(source="area.path", read_only=True)
    coach_name = serializers.CharField(source="coach.user.display_name", read_only=True)

    class Meta:
        model = CoachExpertise
        fields = ["id", "coach", "coach_name", "area", "area_path", "note"]
        read_only_fields = ["id"]
        validators: list[object] = []


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("coach", OpenApiTypes.UUID, description="Areas of this coach (membership id)."),
            OpenApiParameter("area", OpenApiTypes.UUID, description="Coaches of this area."),
        ]
    )
)
class CoachExpertiseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ProjectsAreaViewSet,
):
    """A coach's areas: the coach edits their own, an admin anyone's."""

    model = CoachExpertise
    serializer_class = ExpertiseSerializer
    action_permissions = {
        "list": "coaches.view",
        "retrieve": "coaches.view",
        "create": "coaches.view",
        "destroy": "coaches.view",
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = queryset.select_related("coach__user", "area").order_by("coach__user__email", "area__path")
        if self.action == "list":
            for name in ("coach", "area"):
                value = self.request.query_params.get(name)
                if value:
                    value_id = parse_uuid(value)
                    if value_id is None:
                        return queryset.none()
                    queryset = queryset.filter(**{f"{name}_id": value_id})
        return queryset

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = coaching.expertise_add(
            actor=self.membership,
            coach=data["coach"],
            area=data["area"],
            note=data.get("note", ""),
        )

    def perform_destroy(self, instance: Any) -> None:
        coaching.expertise_remove(actor=self.membership, expertise=instance)


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("coaches", CoachViewSet, basename="api-coach")
    router.register("coach-expertise", CoachExpertiseViewSet, basename="api-coach-expertise")


class SuggestionSerializer(serializers.Serializer):
    coach = serializers.UUIDField(source="membership.pk")
    name = serializers.CharField(source="membership.user.display_name")
    match = serializers.ChoiceField(choices=["exact", "related", "none"])
    load = serializers.IntegerField()
    is_current = serializers.BooleanField()
    areas = AreaRefSerializer(many=True)


class AssignCoachSerializer(serializers.Serializer):
    coach = serializers.PrimaryKeyRelatedField(
        queryset=Membership.objects.all(), pk_field=serializers.UUIDField(format="hex_verbose"), allow_null=True
    )


class CurrentCoachSerializer(serializers.Serializer):
    coach = serializers.UUIDField(allow_null=True)
    coach_name = serializers.CharField(allow_null=True)


class ProjectCoachingActions(ProjectsAreaViewSet):
    """Detail actions of this area on ``/projects/<pk>/…`` (composed into ``ProjectViewSet``)."""

    extra_action_permissions: dict[str, str] = {
        "coach_suggestions": "coaches.view",
        "assign_coach": "coaches.assign",
    }

    @extend_schema(responses=SuggestionSerializer(many=True), description="Coaches ranked by area match, then load.")
    @action(detail=True, methods=["get"], url_path="coach-suggestions", url_name="coach-suggestions")
    def coach_suggestions(self, _request: Request, **_url: Any) -> Response:
        project = self.get_project()
        return Response(SuggestionSerializer(coaching.coach_suggestions(project, limit=None), many=True).data)

    @extend_schema(methods=["GET"], responses=CurrentCoachSerializer, description="The project's current coach.")
    @extend_schema(
        methods=["POST"],
        request=AssignCoachSerializer,
        responses=CurrentCoachSerializer,
        description="Make a coach of the pool the project's coach (admin, a coach, or the project's lead).",
    )
    @action(detail=True, methods=["get", "post"], url_path="assign-coach", url_name="assign-coach")
    def assign_coach(self, request: Request, **_url: Any) -> Response:
        project = self.get_project()
        if request.method == "POST":
            if not coaching.can_assign(self.membership, project):
                raise PermissionDenied("Only an admin, a coach or the project's lead can assign its coach.")
            serializer = AssignCoachSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            coach = serializer.validated_data["coach"]
            if coach is None:
                raise ValidationError({"coach": "Choose a coach."})
            coaching.coach_assign(actor=self.membership, project=project, coach=coach)
        coach = project.coach
        return Response(
            {"coach": coach.pk if coach else None, "coach_name": coach.user.display_name if coach else None},
            status=status.HTTP_200_OK,
        )
