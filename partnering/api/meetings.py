"""API · meetings: agenda, attendees of both firms, minutes, decisions, hard questions, and each
meeting as an ``.ics`` file (never with internal notes).

Reads come from ``partnering.meetings`` selectors, writes go to its services.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.relations import PKOnlyObject
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.api.fields import BaseModelSerializer, EnumChoiceField, ScopedPrimaryKeyRelatedField, name_choices
from core.models import Membership
from partnering import meetings
from partnering.api.base import CrudViewSet, PartneringSerializer, RelationshipChildFilter, crud_permissions
from partnering.ics import ics_response
from partnering.models import Contact, HardQuestion, Meeting, MeetingKind, MeetingStatus, Relationship, Side

name_choices(MeetingKind, MeetingStatus)


class AttendeeIdsField(serializers.ManyRelatedField):
    """Attendees as a list of contact ids (read from the meeting's Attendee rows)."""

    def get_attribute(self, instance: Meeting) -> list[PKOnlyObject]:
        if instance.pk is None:
            return []
        return [PKOnlyObject(pk=row.contact_id) for row in instance.attendees.all()]


class AttendeeSerializer(serializers.Serializer):
    contact = serializers.UUIDField(source="contact_id", read_only=True)
    full_name = serializers.CharField(source="contact.full_name", read_only=True)
    side = EnumChoiceField(choices=Side.choices, source="contact.side", read_only=True)
    attended = serializers.BooleanField(read_only=True)


class HardQuestionSerializer(BaseModelSerializer):
    class Meta:
        model = HardQuestion
        fields = ["id", "position", "question", "answer"]
        read_only_fields = ["id", "position"]
        extra_kwargs = {"answer": {"required": False}}


class MeetingSerializer(PartneringSerializer):
    create_only = ("relationship",)

    relationship = ScopedPrimaryKeyRelatedField(queryset=Relationship.objects.all(), help_text="Set on create only.")
    attendees = AttendeeIdsField(
        child_relation=ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all()),
        required=False,
        help_text="Contact ids of the invited people; on update the list replaces the invitations.",
    )
    attended = serializers.ManyRelatedField(
        child_relation=ScopedPrimaryKeyRelatedField(queryset=Contact.objects.all()),
        required=False,
        write_only=True,
        help_text="Update only: contact ids of the attendees who came.",
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        write_only=True,
        help_text="Update only: hard-question id → answer heard.",
    )
    attendee_details = AttendeeSerializer(source="attendees", many=True, read_only=True)
    hard_questions = HardQuestionSerializer(many=True, read_only=True)
    created_by: serializers.PrimaryKeyRelatedField[Membership] = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "relationship",
            *meetings.MEETING_FIELDS,
            "attendees",
            "attended",
            "attendee_details",
            "hard_questions",
            "answers",
            "created_by",
            "created_at",
        ]
        extra_kwargs = {
            "title": {"required": False, "allow_blank": True, "help_text": "Default: kind – relationship."},
            "agenda": {"help_text": "A quarterly review starts from the default agenda when left empty."},
        }


class CalendarRenderer(renderers.BaseRenderer):
    """Lets clients ask for ``text/calendar``; error bodies are still written as JSON."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data: Any, _accepted_media_type: str | None = None, _renderer_context: Any = None) -> bytes:
        return data.encode() if isinstance(data, str) else json.dumps(data, default=str).encode()


class MeetingFilter(RelationshipChildFilter):
    kind = django_filters.ChoiceFilter(choices=Meeting._meta.get_field("kind").choices)
    status = django_filters.ChoiceFilter(choices=Meeting._meta.get_field("status").choices)
    starts_after = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = django_filters.IsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Meeting
        fields = ["relationship", "kind", "status", "starts_after", "starts_before"]


class MeetingViewSet(CrudViewSet):
    """Relationship meetings: agenda, attendees of both firms, minutes, decisions, hard questions."""

    model = Meeting
    serializer_class = MeetingSerializer
    action_permissions: ClassVar[dict[str, str]] = {
        **crud_permissions("meetings.view", "meetings.manage"),
        "ics": "meetings.view",
        "hard_questions": "meetings.view",
        "add_hard_question": "meetings.manage",
    }
    filterset_class = MeetingFilter
    search_fields = ["title", "location"]
    ordering_fields = ["starts_at", "title"]
    ordering = ["-starts_at"]

    def safely_get_queryset(self, _queryset: QuerySet[Any]) -> QuerySet[Any]:
        return meetings.meetings_with_people(membership=self.membership)

    def perform_service_create(self, data: dict[str, Any]) -> Any:
        for name in ("attended", "answers"):
            if name in data:
                raise ValidationError({name: "Set this once the meeting exists (PATCH the meeting)."})
        return meetings.meeting_create(actor=self.membership, **data)

    def perform_service_update(self, obj: Any, data: dict[str, Any]) -> Any:
        if "answers" in data:
            data["answers"] = {str(key): value for key, value in data["answers"].items()}
        return meetings.meeting_update(actor=self.membership, meeting=obj, **data)

    def perform_service_destroy(self, obj: Any) -> None:
        meetings.meeting_delete(actor=self.membership, meeting=obj)

    @extend_schema(
        responses={(200, "text/calendar"): OpenApiTypes.STR},
        description="The meeting as an iCalendar file (no internal notes).",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="ics",
        filter_backends=[],
        renderer_classes=[renderers.JSONRenderer, CalendarRenderer],
    )
    def ics(self, _request: Request, *_args: Any, **_kwargs: Any) -> HttpResponse:
        meeting = cast(Meeting, self.get_object())
        return ics_response([meeting], calendar_name=str(meeting.relationship), filename=f"meeting-{meeting.pk}.ics")

    @extend_schema(responses=HardQuestionSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="hard-questions", filter_backends=[])
    def hard_questions(self, _request: Request, *_args: Any, **_kwargs: Any) -> Response:
        """The hard questions asked at this meeting and the answers heard."""
        meeting = cast(Meeting, self.get_object())
        return self.paginated(meeting.hard_questions.all(), HardQuestionSerializer)

    @hard_questions.mapping.post
    @extend_schema(request=HardQuestionSerializer, responses={201: HardQuestionSerializer})
    def add_hard_question(self, request: Request, *_args: Any, **_kwargs: Any) -> Response:
        meeting = cast(Meeting, self.get_object())
        serializer = HardQuestionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        question = meetings.hard_question_add(actor=self.membership, meeting=meeting, **serializer.validated_data)
        return Response(HardQuestionSerializer(question).data, status=status.HTTP_201_CREATED)


def register(router: SimpleRouter) -> None:
    router.register("meetings", MeetingViewSet, basename="api-meeting")
