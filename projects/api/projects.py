"""API · projects: list (the list page's filters), quick log, read, edit, customer team — the
serializers next to the service call each feeds.

Ids in a body are looked up among the rows the caller may see in this tenant
(``ScopedPrimaryKeyRelatedField``): a foreign id is a plain 400 "does not exist". The services
check the roles (coach pool, customer sponsor of the account, …). ``internal_notes`` never reaches
customer participants (``CustomerSafeMixin``). The writable fields are the service's
``PROJECT_FIELDS``; the rest is read-only.

``ProjectViewSet`` composes the detail actions of every area (``Project<Area>Actions`` mixins in
``projects/api/<area>.py``) and merges their ``extra_action_permissions``.
"""

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
from typing_extensions import override

from core.api.fields import CustomerSafeMixin, ScopedPrimaryKeyRelatedField
from core.models import Membership
from core.service_helpers import require
from knowledge.models import SolutionArea
from partnering.models import Contact, CustomerAccount, Relationship
from projects.api.base import ProjectsAreaViewSet
from projects.api.benefits import ProjectBenefitsActions
from projects.api.coaching import ProjectCoachingActions
from projects.api.discussion import ProjectDiscussionActions
from projects.api.selection import ProjectSelectionActions
from projects.api.workflow import ProjectWorkflowActions
from projects.models import BeltLevel, CreditOwner, Phase, Project, TeamMember, WaitingKind
from projects.projects import (
    PROJECT_FIELDS,
    PROJECT_SERVICE_FIELDS,
    SORTS,
    filter_projects,
    project_log,
    project_update,
    projects_for,
    sort_projects,
    team_of,
    team_set,
)

#: The display name shown next to a writable link (``lead`` → ``lead_name``).
NAME_FIELDS = {
    "customer_account": "customer_account_name",
    "lead": "lead_name",
    "coach": "coach_name",
    "customer_sponsor": "customer_sponsor_name",
    "solution_area": "solution_area_name",
}
#: What the API shows besides the writable fields: phase, flags and history (written by services only).
PROJECT_STATE_FIELDS = [
    "phase",
    "phase_label",
    "cancel_reason",
    "phase_entered_at",
    "days_in_phase",
    "last_activity_at",
    "waiting_kind",
    "tollgate_pending",
    "selection_score",
    "credit_owner",
    "is_stalled",
    "is_long_running",
    "credit_unsettled",
    "closed_on",
    "created_at",
    "updated_at",
]
PROJECT_API_FIELDS = [
    "id",
    *(name for field in PROJECT_FIELDS for name in (field, NAME_FIELDS.get(field)) if name),
    *PROJECT_STATE_FIELDS,
]


def _name(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, allow_null=True, default=None)


class ProjectSerializer(CustomerSafeMixin, serializers.ModelSerializer):
    """A project with its people, phase and flags. Writable: ``projects.projects.PROJECT_FIELDS``."""

    customer_account = ScopedPrimaryKeyRelatedField(queryset=CustomerAccount.objects.all())
    customer_account_name = serializers.CharField(source="customer_account.name", read_only=True)
    relationship = ScopedPrimaryKeyRelatedField(
        queryset=Relationship.objects.all(), allow_null=True, required=False, help_text="A relationship of the account."
    )
    lead = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(), required=False, help_text="Someone of our company; defaults to you."
    )
    lead_name = _name("lead.user.display_name")
    coach = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(),
        allow_null=True,
        required=False,
        help_text="A coach or certified Black Belt of this workspace.",
    )
    coach_name = _name("coach.user.display_name")
    customer_sponsor = ScopedPrimaryKeyRelatedField(
        queryset=Membership.objects.all(),
        allow_null=True,
        required=False,
        help_text="A customer participant of the project's account.",
    )
    customer_sponsor_name = _name("customer_sponsor.user.display_name")
    solution_area = ScopedPrimaryKeyRelatedField(queryset=SolutionArea.objects.all(), allow_null=True, required=False)
    solution_area_name = serializers.SerializerMethodField()
    belt_level = serializers.ChoiceField(choices=BeltLevel.choices, required=False)
    phase = serializers.CharField(read_only=True, help_text="One of: " + ", ".join(Phase.values) + ".")
    phase_label = serializers.CharField(source="get_phase_display", read_only=True)
    waiting_kind = serializers.CharField(
        read_only=True, help_text="Empty, or the open waiting period's kind: " + ", ".join(WaitingKind.values) + "."
    )
    credit_owner = serializers.CharField(read_only=True, help_text="One of: " + ", ".join(CreditOwner.values) + ".")
    is_stalled = serializers.BooleanField(read_only=True, default=False)
    is_long_running = serializers.BooleanField(read_only=True, default=False)
    credit_unsettled = serializers.BooleanField(read_only=True, default=False)
    days_in_phase = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = PROJECT_API_FIELDS
        read_only_fields = [name for name in PROJECT_SERVICE_FIELDS if name in PROJECT_API_FIELDS]
        extra_kwargs = {
            "started_on": {"required": False},
            "title": {"required": True},
            "problem_statement": {"required": True},
        }

    def get_solution_area_name(self, obj: Project) -> str | None:
        area = obj.solution_area
        return (area.path or area.name) if area is not None else None

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("A title is required.")
        return value

    def validate_problem_statement(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Describe the problem.")
        return value


class TeamMemberSerializer(serializers.ModelSerializer):
    contact = serializers.UUIDField(source="contact_id", read_only=True)
    full_name = serializers.CharField(source="contact.full_name", read_only=True)
    title = serializers.CharField(source="contact.title", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["contact", "full_name", "title", "role"]
        read_only_fields = ["role"]


class TeamSetSerializer(serializers.Serializer):
    contacts = ScopedPrimaryKeyRelatedField(
        queryset=Contact.objects.all(), many=True, help_text="Contact ids of the project's customer account."
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, list):  # a bare list of ids is accepted too
            data = {"contacts": data}
        return super().to_internal_value(data)


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
    ProjectsAreaViewSet,
):
    """Projects of the tenant; customer participants see their own account's projects only."""

    model = Project
    serializer_class = ProjectSerializer
    filter_backends: ClassVar[list[Any]] = []  # type: ignore[misc]
    action_permissions: ClassVar[dict[str, str]] = {
        **CORE_PERMISSIONS,
        **ProjectWorkflowActions.extra_action_permissions,
        **ProjectSelectionActions.extra_action_permissions,
        **ProjectCoachingActions.extra_action_permissions,
        **ProjectBenefitsActions.extra_action_permissions,
        **ProjectDiscussionActions.extra_action_permissions,
    }

    @override
    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return projects_for(self.membership)

    @override
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset, _active = filter_projects(self.get_queryset(), request.query_params)
        queryset, _sort = sort_projects(queryset, request.query_params.get("sort"))
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def create(self, request: Request, **_url: Any) -> Response:
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
        return Response(self.get_serializer(self.reread(project)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, **_url: Any) -> Response:
        instance = self.get_project()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        project_update(actor=self.membership, project=instance, **dict(serializer.validated_data))
        return Response(self.get_serializer(self.reread(instance)).data)

    @extend_schema(methods=["GET"], summary="The project's customer team", responses=TeamMemberSerializer(many=True))
    @extend_schema(
        methods=["PUT"],
        summary="Replace the customer team (contact ids of the account)",
        request=TeamSetSerializer,
        responses=TeamMemberSerializer(many=True),
    )
    @action(detail=True, methods=["get", "put"], url_path="team", url_name="team")
    def team(self, request: Request, **_url: Any) -> Response:
        project = self.get_project()
        if request.method == "PUT":
            require(self.membership, "projects.edit")
            serializer = TeamSetSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            rows = team_set(actor=self.membership, project=project, contacts=serializer.validated_data["contacts"])
        else:
            rows = team_of(project)
        return Response(TeamMemberSerializer(rows, many=True).data)


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("projects", ProjectViewSet, basename="api-project")
