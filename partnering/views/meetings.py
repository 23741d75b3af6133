"""Pages: the relationship page (the hub a champion opens before a quarterly review) and meetings.

Every page looks its object up through the scoped queryset first (404 for other tenants and other
customer accounts) and only then checks the write permission (403), so a page never reveals that
an object exists to someone who may not see it.
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

from core import quarters
from core.forms.base import apply_service_errors
from core.permissions import can
from core.views.base import PageMixin
from partnering import selectors, services
from partnering.forms.meetings import MeetingCreateForm, MeetingEditForm
from partnering.ics import meetings_ics
from partnering.models import ActionStatus, Attendee, Meeting, MeetingKind, Relationship

# --- The relationship page --------------------------------------------------------------------


class RelationshipDetailView(PageMixin, View):
    """Level and history, champions, sponsors, roster, next meeting, actions, short list, activity."""

    model = Relationship
    required_action = "relationships.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return selectors.relationship_page_queryset(membership=self.member, queryset=queryset)  # type: ignore[no-any-return]

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        relationship = self.get_object()
        context = selectors.relationship_page(membership=self.member, relationship=relationship)
        member = self.member
        context.update(
            {
                "can_manage_relationship": can(member, "relationships.manage"),
                "can_plan_meeting": can(member, "meetings.manage"),
                "can_add_action": can(member, "actions.manage"),
                "can_propose_topic": can(member, "topics.propose"),
                "is_internal": member.is_internal,
                "action_status_choices": ActionStatus.choices,
                "review_quarter": quarters.shift(quarters.current(), -1),  # last closed quarter
                "active_nav": "relationships",
            }
        )
        return render(request, "partnering/relationships/detail.html", context)


# --- Meetings ---------------------------------------------------------------------------------


class MeetingCreateView(PageMixin, View):
    """Plan a meeting; a quarterly review starts from the default agenda and the hard questions."""

    model = Relationship
    required_action = "meetings.view"
    manage_action = "meetings.manage"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account")

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        relationship = self.get_object()
        kind = request.GET.get("kind", MeetingKind.QUARTERLY_REVIEW)
        initial = {"kind": kind if kind in MeetingKind.values else MeetingKind.QUARTERLY_REVIEW, "duration_minutes": 90}
        form = MeetingCreateForm(initial=initial, relationship=relationship)
        return self.page(relationship, form)

    def post(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        relationship = self.get_object()
        form = MeetingCreateForm(request.POST, relationship=relationship)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    actor=self.member,
                    relationship=relationship,
                    starts_at=data["starts_at"],
                    attendees=list(data["attendees"]),
                    kind=data["kind"],
                    title=data["title"],
                    duration_minutes=data["duration_minutes"],
                    location=data["location"],
                    agenda=data["agenda"],
                    internal_notes=data["internal_notes"],
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

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        meeting = self.get_object()
        attendees = list(
            Attendee.objects.visible_to(self.member).filter(meeting=meeting).select_related("contact__account")
        )
        actions = list(selectors.actions_for(membership=self.member).filter(meeting=meeting).order_by("due_on"))
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

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        meeting = self.get_object()
        invited = list(meeting.attendees.values_list("contact_id", "attended"))
        initial = {name: getattr(meeting, name) for name in sorted(services.MEETING_FIELDS)}
        initial["attendees"] = [contact for contact, _ in invited]
        initial["attended"] = [contact for contact, came in invited if came]
        form = MeetingEditForm(initial=initial, meeting=meeting, questions=list(meeting.hard_questions.all()))
        return self.page(meeting, form)

    def post(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        meeting = self.get_object()
        form = MeetingEditForm(request.POST, meeting=meeting, questions=list(meeting.hard_questions.all()))
        if form.is_valid():
            data = form.cleaned_data
            attended = list(data["attended"])
            invited = list({c.pk: c for c in [*data["attendees"], *attended]}.values())  # who came was invited
            try:
                services.meeting_update(
                    actor=self.member,
                    meeting=meeting,
                    attendees=invited,
                    attended=attended,
                    answers=form.answers(),
                    **{
                        name: data[name]
                        for name in (
                            "kind",
                            "title",
                            "starts_at",
                            "duration_minutes",
                            "location",
                            "status",
                            "agenda",
                            "minutes",
                            "decisions",
                            "internal_notes",
                        )
                    },
                )
                if data["new_question"].strip():
                    services.hard_question_add(actor=self.member, meeting=meeting, question=data["new_question"])
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


def ics_response(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class MeetingIcsView(PageMixin, View):
    """One meeting as an .ics invitation (no internal notes: it may be forwarded to the customer)."""

    model = Meeting
    required_action = "meetings.view"

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        meeting = self.get_object()
        return ics_response(meetings_ics([meeting], calendar_name=meeting.title), f"meeting-{meeting.pk}.ics")


class RelationshipCalendarView(PageMixin, View):
    """All meetings of a relationship as one calendar file."""

    model = Relationship
    required_action = "meetings.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("account")

    def get(self, request: HttpRequest, tenant_slug: str, pk: Any) -> HttpResponse:
        relationship = self.get_object()
        meetings = Meeting.objects.visible_to(self.member).filter(relationship=relationship).order_by("starts_at")
        name = str(relationship)
        return ics_response(meetings_ics(meetings, calendar_name=name), f"{slugify(name) or 'relationship'}.ics")


urlpatterns = [
    path("relationships/<uuid:pk>/", RelationshipDetailView.as_view(), name="relationship-detail"),
    path("relationships/<uuid:pk>/meetings/new/", MeetingCreateView.as_view(), name="meeting-create"),
    path("relationships/<uuid:pk>/meetings.ics", RelationshipCalendarView.as_view(), name="relationship-calendar"),
    path("meetings/<uuid:pk>/", MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<uuid:pk>/edit/", MeetingEditView.as_view(), name="meeting-edit"),
    path("meetings/<uuid:pk>/invite.ics", MeetingIcsView.as_view(), name="meeting-ics"),
]
