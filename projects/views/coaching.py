"""Pages · coaching: the coach pool with expertise and load, a coach's areas, and assigning a
project's coach from ranked suggestions. Internal only (customers get 403)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from core.members import member_by_id
from core.models import Membership
from core.parsing import parse_uuid
from core.permissions import can
from projects import coaching
from projects.projects import active_areas, coach_pool
from projects.views.base import ProjectPage


class CoachesView(ProjectPage):
    """All coaches with their expertise chips, current load and a Black Belt badge; ``?area=`` filters."""

    required_action = "coaches.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        areas = list(active_areas())
        area_id = parse_uuid(request.GET.get("area"))
        area = next((a for a in areas if a.pk == area_id), None)
        coaches = list(coaching.coaches_annotated(area=area))
        context = {
            "coaches": coaches,
            "areas": areas,
            "area": area,
            "is_admin": can(self.member, "projects.settings.manage"),
            "member_pk": self.member.pk,
            "subnav": "coaches",
            "active_nav": "projects",
        }
        return render(request, "projects/coaching/coaches.html", context)


class CoachExpertiseView(ProjectPage):
    """Edit a coach's areas (checkboxes of the tree). The coach themselves or an admin."""

    required_action = "coaches.view"

    def get_coach(self) -> Membership:
        coach = coach_pool().filter(pk=self.kwargs["member_pk"]).first()
        if coach is None:
            raise Http404("No such coach.")
        return coach

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        coach = self.get_coach()
        selected = coaching.expertise_area_ids(coach)
        return self.page(coach, selected, errors=[])

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        coach = self.get_coach()
        if not coaching.can_edit_expertise(self.member, coach):
            raise PermissionDenied("Only the coach themselves or an admin can change a coach's areas.")
        wanted = {v for v in (parse_uuid(x) for x in request.POST.getlist("areas")) if v}
        areas = coaching.areas_by_ids(wanted)
        try:
            coaching.expertise_set(actor=self.member, coach=coach, areas=areas)
        except ValidationError as error:
            return self.page(coach, {str(pk) for pk in wanted}, errors=error.messages)
        messages.success(request, f"Areas of {coach.user.display_name} saved.")
        return redirect(self.url("projects:coaches"))

    def page(self, coach: Membership, selected: set[str], errors: list[str]) -> HttpResponse:
        areas = coaching.expertise_choices(selected)
        return render(
            self.request,
            "projects/coaching/coach_expertise.html",
            {
                "coach": coach,
                "areas": areas,
                "selected": selected,
                "errors": errors,
                "can_edit": coaching.can_edit_expertise(self.member, coach),
                "subnav": "coaches",
                "active_nav": "projects",
            },
        )


class CoachAssignView(ProjectPage):
    """Ranked coach suggestions for a project (match and load shown), radio + assign."""

    required_action = "coaches.assign"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        return self.page(project, errors=[])

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        if not coaching.can_assign(self.member, project):
            raise PermissionDenied("Only an admin, a coach or the project's lead can assign its coach.")
        coach = member_by_id(request.POST.get("coach"))
        if coach is None:
            return self.page(project, errors=["Choose a coach from the list."])
        try:
            coaching.coach_assign(actor=self.member, project=project, coach=coach)
        except ValidationError as error:
            return self.page(project, errors=error.messages)
        messages.success(request, f"{coach.user.display_name} is now the coach.")
        return redirect(self.next_url(self.url("projects:detail", pk=project.pk)))

    def page(self, project: Any, errors: list[str]) -> HttpResponse:
        return render(
            self.request,
            "projects/coaching/coach_assign.html",
            {
                "project": project,
                "suggestions": coaching.coach_suggestions(project, limit=None),
                "errors": errors,
                "can_assign": coaching.can_assign(self.member, project),
                "subnav": "coaches",
                "active_nav": "projects",
            },
        )


urlpatterns: list[URLPattern] = [
    path("coaches/", CoachesView.as_view(), name="coaches"),
    path("coaches/<uuid:member_pk>/expertise/", CoachExpertiseView.as_view(), name="coach-expertise"),
    path("<uuid:pk>/coach/", CoachAssignView.as_view(), name="coach-assign"),
]
