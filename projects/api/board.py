"""API · board: ``GET /api/v1/t/<slug>/project-board/`` — the Kanban board as JSON.

The same selector as the page (``projects.board.board_for``): a fixed number of queries, every
project of the tenant for internal members, the own account's projects for customer participants,
the list page's filters as query parameters. Cards never carry internal notes.
"""

from __future__ import annotations

from typing import Any, ClassVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from projects import board as board_selectors
from projects.api.base import ProjectsAreaViewSet
from projects.models import BeltLevel, Phase, Project, WaitingKind


class BoardPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField(source="user.display_name")


class BoardCustomerSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField()


class BoardFlagsSerializer(serializers.Serializer):
    stalled = serializers.BooleanField(source="is_stalled")
    long_running = serializers.BooleanField(source="is_long_running")
    credit_unsettled = serializers.BooleanField()
    tollgate_pending = serializers.BooleanField()
    pilot = serializers.BooleanField(source="is_pilot")
    waiting = serializers.CharField(
        source="waiting_kind",
        help_text="What the project waits for ("
        + ", ".join(f"`{v}`" for v in WaitingKind.values)
        + "); empty if nothing.",
    )


class BoardCardSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    title = serializers.CharField()
    phase = serializers.ChoiceField(choices=Phase.choices)
    belt_level = serializers.ChoiceField(choices=BeltLevel.choices)
    customer_account = BoardCustomerSerializer()
    lead = BoardPersonSerializer()
    phase_entered_at = serializers.DateTimeField()
    days_in_phase = serializers.IntegerField()
    flags = BoardFlagsSerializer(source="*")


class BoardColumnSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label" (Field.label is a str)
    count = serializers.IntegerField(help_text="All projects in this phase matching the filters.")
    more = serializers.IntegerField(help_text="Projects not included in `cards` (see the project list).")
    next_phase = serializers.CharField(allow_null=True, help_text="Where an approved tollgate moves a card.")
    cards = BoardCardSerializer(many=True)


class BoardSerializer(serializers.Serializer):
    columns = BoardColumnSerializer(many=True)
    cancelled_count = serializers.IntegerField(help_text="Cancelled projects matching the filters (not a column).")
    filters = serializers.DictField(child=serializers.CharField(), source="params")


BOOL_HELP = "`1` to keep only such projects."
# Plain strings with the values in the description: enum parameters would add schema components
# that clash with the model choice sets of the same values (spectacular warns).
FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Search in title and problem statement."),
    OpenApiParameter("customer", OpenApiTypes.UUID, description="Customer account id."),
    OpenApiParameter("lead", OpenApiTypes.UUID, description="Lead (membership id)."),
    OpenApiParameter("coach", OpenApiTypes.STR, description="Coach (membership id), or `none` for no coach yet."),
    OpenApiParameter("solution_area", OpenApiTypes.UUID, description="Solution area id (its sub-areas included)."),
    OpenApiParameter(
        "belt", OpenApiTypes.STR, description="Belt level: " + ", ".join(f"`{v}`" for v in BeltLevel.values) + "."
    ),
    OpenApiParameter("stalled", OpenApiTypes.STR, description=BOOL_HELP),
    OpenApiParameter(
        "waiting",
        OpenApiTypes.STR,
        description="`1` for any waiting, or a kind: " + ", ".join(f"`{v}`" for v in WaitingKind.values) + ".",
    ),
    OpenApiParameter("long_running", OpenApiTypes.STR, description=BOOL_HELP),
    OpenApiParameter("pilot", OpenApiTypes.STR, description=BOOL_HELP),
]


class ProjectBoardViewSet(ProjectsAreaViewSet):
    """The board: one column per phase (Candidate … Closed) with its count and at most 40 cards.

    Malformed filter values are ignored, never an error. Moving a card is a tollgate submission
    (``projects/<id>/tollgate/`` on the pages), not an edit of the phase.
    """

    model = Project
    action_permissions: ClassVar[dict[str, str]] = {"list": "projects.board"}
    pagination_class = None
    filter_backends: list[Any] = []  # the board's own filters (below), not search/ordering

    @extend_schema(
        summary="The project board",
        parameters=FILTER_PARAMETERS,
        responses=BoardSerializer,
    )
    def list(self, request: Request, **_url: Any) -> Response:
        board = board_selectors.board_for(self.membership, request.query_params)
        return Response(BoardSerializer(board).data)


def register(router: SimpleRouter) -> None:
    """Register this area's viewsets on the projects router (basenames start with ``api-``)."""
    router.register("project-board", ProjectBoardViewSet, basename="api-project-board")
