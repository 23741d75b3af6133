"""API · projects: list (filters of ``projects.filters``), quick log, read, edit, customer team.

``ProjectViewSet`` composes the detail actions of every area (``Project<Area>Actions`` mixins in
``projects/api/<area>.py``) and merges their ``extra_action_permissions``.
"""

from __future__ import annotations

from typing import Any, ClassVar, cast

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.base import UUID_REGEX, TenantScopedViewSet
from core.service_helpers import require
from projects.api.benefits import ProjectBenefitsActions
from projects.api.coaching import ProjectCoachingActions
from projects.api.discussion import ProjectDiscussionActions
from projects.api.selection import ProjectSelectionActions
from projects.api.serializers import ProjectSerializer, TeamMemberSerializer, TeamSetSerializer
from projects.api.workflow import ProjectWorkflowActions
from projects.models import BeltLevel, Phase, Project, TeamMember, WaitingKind
from projects.projects import SORTS, filter_projects, project_log, project_update, sort_projects, team_set, with_flags


def _param(name: str, description: str, type_: Any = OpenApiTypes.STR, enum: list[str] | None = None) -> Any:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=False, description=description, enum=enum)


LIST_PARAMETERS = [
    _param("q", "Words in the title or the problem statement."),
    _param("customer", "Customer account id.", OpenApiTypes.UUID),
    _param("lead", "Membership id of the lead.", OpenApiTypes.UUID),
    _param("coach", "Membership id of the coach, or `none` for projects without a coach."),
    _param("solution_area", "Solution area id (its sub-areas are included).", OpenApiTypes.UUID),
    _param("belt", "Belt level.", enum=list(BeltLevel.values)),
    _param("phase", "Phase.", enum=list(Phase.values)),
    _param("stalled", "1: stalled projects only."),
    _param("waiting", f"1: waiting of any kind; or one kind: {', '.join(WaitingKind.values)}."),
    _param("long_running", "1: long-running projects only."),
    _param("pilot", "1: pilot projects only."),
    _param("sort", f"One of {', '.join(SORTS)}; prefix `-` for descending. Default `-activity`."),
]

CORE_PERMISSIONS: dict[str, str] = {
    "list": "projects.view",
    "retrieve": "projects.view",
    "create": "projects.log",
    "partial_update": "projects.edit",
    "team": "projects.view",  # PUT is checked against projects.edit in the action
}


@extend_schema_view(
    list=extend_schema(summary="List projects", parameters=LIST_PARAMETERS),
    create=extend_schema(summary="Log a project (the quick log)"),
    retrieve=extend_schema(summary="One project"),
    partial_update=extend_schema(summary="Edit a project's descriptive fields"),
)
class ProjectViewSet(
    ProjectWorkflowActions,
    ProjectSelectionActions,
    ProjectCoachingActions,
    ProjectBenefitsActions,
    ProjectDiscussionActions,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    TenantScopedViewSet,
):
    """Projects of the tenant; customer participants see their own account's projects only."""

    model = Project
    serializer_class = ProjectSerializer
    lookup_value_regex = UUID_REGEX
    filter_backends: ClassVar[list[Any]] = []  # type: ignore[misc]
    action_permissions: ClassVar[dict[str, str]] = {
        **CORE_PERMISSIONS,
        **ProjectWorkflowActions.extra_action_permissions,
        **ProjectSelectionActions.extra_action_permissions,
        **ProjectCoachingActions.extra_action_permissions,
        **ProjectBenefitsActions.extra_action_permissions,
        **ProjectDiscussionActions.extra_action_permissions,
    }

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return with_flags(
            queryset.select_related(
                "customer_account",
                "relationship",
                "lead__user",
                "coach__user",
                "customer_sponsor__user",
                "solution_area",
            )
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset, _active = filter_projects(self.get_queryset(), request.query_params)
        queryset, _sort = sort_projects(queryset, request.query_params.get("sort"))
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def _reread(self, project: Project) -> Project:
        return self.get_queryset().get(pk=project.pk)  # type: ignore[no-any-return]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        project = project_log(
            actor=self.membership,
            customer_account=data.pop("customer_account"),
            title=data.pop("title"),
            problem_statement=data.pop("problem_statement"),
            belt_level=data.pop("belt_level", BeltLevel.GREEN),
            lead=data.pop("lead", None),
            **data,
        )
        return Response(self.get_serializer(self._reread(project)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        working = Project.objects.get(pk=instance.pk)
        project_update(actor=self.membership, project=working, **dict(serializer.validated_data))
        return Response(self.get_serializer(self._reread(working)).data)

    @extend_schema(methods=["GET"], summary="The project's customer team", responses=TeamMemberSerializer(many=True))
    @extend_schema(
        methods=["PUT"],
        summary="Replace the customer team (contact ids of the account)",
        request=TeamSetSerializer,
        responses=TeamMemberSerializer(many=True),
    )
    @action(detail=True, methods=["get", "put"], url_path="team", url_name="team")
    def team(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = cast(Project, self.get_object())
        if request.method == "PUT":
            require(self.membership, "projects.edit")
            serializer = TeamSetSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            rows = team_set(actor=self.membership, project=project, contacts=serializer.validated_data["contacts"])
        else:
            rows = list(
                TeamMember.objects.filter(project=project).select_related("contact").order_by("contact__full_name")
            )
        return Response(TeamMemberSerializer(rows, many=True).data)


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("projects", ProjectViewSet, basename="api-project")
