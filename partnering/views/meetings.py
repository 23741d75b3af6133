"""Pages: meetings (plan, open, record what happened) and their ``.ics`` files.

Reads go through ``partnering.meetings`` selectors, writes through its services. Every page looks
its object up through the scoped queryset first (404 for other tenants and other customer
accounts) and only then checks the write permission (403), so a page never reveals that an object
exists to someone who may not see it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import slugify
from django.views import View

from core.forms.base import apply_service_errors
from core.permissions import can
from core.views.base import PageMixin
from partnering import meetings, work
from partnering.forms.meetings import MeetingCreateForm, MeetingEditForm
from partnering.ics import ics_response
from partnering.models import ActionStatus, Meeting, MeetingKind, Relationship
from partnering.views.relationships import RelationshipPageMixin

# --- Meetings ---------------------------------------------------------------------------------


class MeetingCreateView(RelationshipPageMixin, View):
    """Plan a meeting; a quarterly review starts from the default agenda and the hard questions."""

    required_action = "meetings.view"
    manage_action = "meetings.manage"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        kind = request.GET.get("kind", MeetingKind.QUARTERLY_REVIEW)
        initial = {"kind": kind if kind in MeetingKind.values else MeetingKind.QUARTERLY_REVIEW, "duration_minutes": 90}
        form = MeetingCreateForm(initial=initial, membership=self.member, relationship=relationship)
        return self.page(relationship, form)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        form = MeetingCreateForm(request.POST, membership=self.member, relationship=relationship)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                meeting = meetings.meeting_create(
                    actor=self.member,
                    relationship=relationship,
                    starts_at=data.pop("starts_at"),
                    attendees=list(data.pop("attendees")),
                    **data,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return redirect(self.url("meeting-detail", pk=meeting.pk))
        return self.page(relationship, form)

    def page(self, relationship: Relationship, form: MeetingCreateForm) -> HttpResponse:
        return render(
            self.request,
            "partnering/meetings/form.html",
            {"relationship": relationship, "form": form, "creating": True, "active_nav": "relationships"},
        )


class MeetingDetailView(PageMixin, View):
    """Agenda, attendees, hard questions and answers, minutes, decisions and this meeting's actions."""

    model = Meeting
    required_action = "meetings.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("relationship__account", "created_by__user")

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        meeting = self.get_object()
        attendees = meetings.attendees_of(membership=self.member, meeting=meeting)
        actions = work.meeting_actions(membership=self.member, meeting=meeting)
        context = {
            "meeting": meeting,
            "relationship": meeting.relationship,
            "attendees_ours": [a for a in attendees if a.contact.account_id is None],
            "attendees_theirs": [a for a in attendees if a.contact.account_id is not None],
            "questions": list(meeting.hard_questions.all()),
            "actions": actions,
            "can_manage": can(self.member, "meetings.manage"),
            "can_add_action": can(self.member, "actions.manage"),
            "is_internal": self.member.is_internal,
            "action_status_choices": ActionStatus.choices,
            "active_nav": "relationships",
        }
        return render(request, "partnering/meetings/detail.html", context)


class MeetingEditView(PageMixin, View):
    """Record attendance, answers, minutes, decisions and the status of a meeting."""

    model = Meeting
    required_action = "meetings.view"
    manage_action = "meetings.manage"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("relationship__account")

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        meeting = self.get_object()
        initial: dict[str, Any] = {name: getattr(meeting, name) for name in meetings.MEETING_FIELDS}
        initial["attendees"], initial["attended"] = meetings.invitations(meeting)
        form = MeetingEditForm(initial=initial, membership=self.member, meeting=meeting)
        return self.page(meeting, form)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        meeting = self.get_object()
        form = MeetingEditForm(request.POST, membership=self.member, meeting=meeting)
        if form.is_valid():
            data = form.cleaned_data
            attended = list(data["attended"])
            invited = list({c.pk: c for c in [*data["attendees"], *attended]}.values())  # who came was invited
            try:
                meetings.meeting_update(
                    actor=self.member,
                    meeting=meeting,
                    attendees=invited,
                    attended=attended,
                    answers=form.answers(),
                    **{name: data[name] for name in meetings.MEETING_FIELDS},
                )
                if data["new_question"].strip():
                    meetings.hard_question_add(actor=self.member, meeting=meeting, question=data["new_question"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return redirect(self.url("meeting-detail", pk=meeting.pk))
        return self.page(meeting, form)

    def page(self, meeting: Meeting, form: MeetingEditForm) -> HttpResponse:
        return render(
            self.request,
            "partnering/meetings/form.html",
            {
                "relationship": meeting.relationship,
                "meeting": meeting,
                "form": form,
                "creating": False,
                "active_nav": "relationships",
            },
        )


class MeetingIcsView(PageMixin, View):
    """One meeting as an .ics invitation (no internal notes: it may be forwarded to the customer)."""

    model = Meeting
    required_action = "meetings.view"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        meeting = self.get_object()
        return ics_response([meeting], calendar_name=meeting.title, filename=f"meeting-{meeting.pk}.ics")


class RelationshipCalendarView(RelationshipPageMixin, View):
    """All meetings of a relationship as one calendar file."""

    required_action = "meetings.view"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        relationship = self.get_object()
        calendar = meetings.relationship_calendar(membership=self.member, relationship=relationship)
        name = str(relationship)
        return ics_response(calendar, calendar_name=name, filename=f"{slugify(name) or 'relationship'}.ics")


urlpatterns = [
    path("relationships/<uuid:pk>/meetings/new/", MeetingCreateView.as_view(), name="meeting-create"),
    path("relationships/<uuid:pk>/meetings.ics", RelationshipCalendarView.as_view(), name="relationship-calendar"),
    path("meetings/<uuid:pk>/", MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<uuid:pk>/edit/", MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<uuid:pk>/invite.ics", MeetingIcsView.as_view(), name="meeting-ics"),
]
