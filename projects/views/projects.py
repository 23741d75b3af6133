"""Pages: the project list (+ CSV), the quick log, the project page, editing and the customer team.

Every project is looked up through ``projects.projects.projects_for(membership)`` first (404 for
other tenants and other customer accounts), then the write permission is checked (403). Writes go
through ``projects.projects`` services; a ``ValidationError`` becomes a form error (HTTP 200, nothing saved).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from core.exports import csv_response
from core.forms.base import apply_service_errors
from core.models import Membership
from core.parsing import parse_uuid
from core.permissions import can
from core.registry import PROJECT_PANELS
from core.views.base import paginate, sortable_columns
from projects.forms.projects import ProjectEditForm, QuickLogForm, TeamForm
from projects.models import BeltLevel, Phase, Project, WaitingKind
from projects.projects import (
    ActiveFilters,
    active_areas,
    customer_accounts,
    filter_people,
    filter_projects,
    project_log,
    project_update,
    projects_for,
    sort_projects,
    team_of,
    team_set,
)
from projects.views.base import ProjectPage
from projects.workflow import notifications_mark_read

PAGE_SIZE = 50


# --- List and CSV ---------------------------------------------------------------------------

COLUMNS = [
    ("title", "Project"),
    ("customer", "Customer"),
    ("phase", "Phase"),
    (None, "Lead"),
    (None, "Coach"),
    ("days", "Days in phase"),
    (None, "Flags"),
    ("score", "Score"),
    ("activity", "Last activity"),
]


def list_queryset(membership: Membership, params: Any) -> tuple[QuerySet[Project], ActiveFilters, str]:
    queryset, active = filter_projects(projects_for(membership), params)
    queryset, sort = sort_projects(queryset, params.get("sort"))
    return queryset, active, sort


class ProjectListView(ProjectPage):
    """All projects the member may see: filters, sortable columns, 50 a page, CSV export."""

    required_action = "projects.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        member = self.member
        queryset, active, sort = list_queryset(member, request.GET)
        page = paginate(request, queryset, PAGE_SIZE)
        for error in active.errors:
            messages.warning(request, error)
        columns = sortable_columns(COLUMNS, sort)
        internal = member.is_internal
        context = {
            "subnav": "list",
            "active_nav": "projects",
            "page": page,
            "projects": page.object_list,
            "columns": columns,
            "active": active,
            "filtered": bool(active),
            "sort": sort,
            "phases": Phase.choices,
            "belts": BeltLevel.choices,
            "waiting_kinds": WaitingKind.choices,
            "accounts": list(customer_accounts(member)) if internal else [],
            **(filter_people() if internal else {"leads": [], "coaches": []}),
            "areas": list(active_areas()) if internal else [],
            "can_log": can(member, "projects.log"),
            "can_export": can(member, "projects.export"),
        }
        return render(request, "projects/projects/list.html", context)


EXPORT_HEADER = [
    "Project",
    "Customer",
    "Relationship",
    "Phase",
    "Belt",
    "Lead",
    "Coach",
    "Customer sponsor",
    "Solution area",
    "Pilot",
    "Days in phase",
    "Stalled",
    "Long-running",
    "Waiting",
    "Tollgate pending",
    "Credit unsettled",
    "Selection score",
    "Started",
    "Target end",
    "Last activity",
    "Problem",
    "Goal",
    "Id",
]


def _name(person: Membership | None) -> str:
    return person.user.display_name if person is not None else ""


class ProjectExportView(ProjectPage):
    """The filtered, sorted list as CSV; formula-safe cells; never internal notes (for anyone)."""

    required_action = "projects.export"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        queryset, _, _ = list_queryset(self.member, request.GET)
        return csv_response(
            f"{self.slug}-projects.csv", EXPORT_HEADER, (export_row(p) for p in queryset.iterator(chunk_size=500))
        )


def export_row(p: Project) -> list[Any]:
    """One project as a CSV row (never its internal notes)."""
    return [
        p.title,
        p.customer_account.name,
        str(p.relationship) if p.relationship_id else "",
        p.get_phase_display(),
        p.get_belt_level_display(),
        _name(p.lead),
        _name(p.coach),
        _name(p.customer_sponsor),
        p.solution_area.path if p.solution_area_id else "",  # type: ignore[union-attr]
        "yes" if p.is_pilot else "",
        p.days_in_phase,
        "yes" if p.is_stalled else "",  # type: ignore[attr-defined]
        "yes" if p.is_long_running else "",  # type: ignore[attr-defined]
        p.get_waiting_kind_display() if p.waiting_kind else "",
        "yes" if p.tollgate_pending else "",
        "yes" if p.credit_unsettled else "",  # type: ignore[attr-defined]
        "" if p.selection_score is None else p.selection_score,
        p.started_on.isoformat(),
        p.target_end_on.isoformat() if p.target_end_on else "",
        p.last_activity_at.date().isoformat(),
        p.problem_statement,
        p.goal_statement,
        p.pk,
    ]


# --- Quick log ------------------------------------------------------------------------------


class QuickLogView(ProjectPage):
    """Log a new candidate on one screen: customer, title, problem, belt; the lead is you."""

    required_action = "projects.log"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        initial: dict[str, Any] = {"belt_level": BeltLevel.GREEN}
        account = request.GET.get("account")
        if account:
            initial["customer_account"] = parse_uuid(account)
        form = QuickLogForm(initial=initial, membership=self.member)
        return self.page(form)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        form = QuickLogForm(request.POST, membership=self.member)
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = project_log(
                    actor=self.member,
                    customer_account=data["customer_account"],
                    title=data["title"],
                    problem_statement=data["problem_statement"],
                    belt_level=data["belt_level"],
                    goal_statement=data["goal_statement"],
                    solution_area=data["solution_area"],
                    is_pilot=data["is_pilot"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Logged “{project.title}” as a candidate. Add details as the project goes.")
                return redirect(self.url("detail", pk=project.pk))
        return self.page(form)

    def page(self, form: QuickLogForm) -> HttpResponse:
        more_open = any(form[name].errors or (form.is_bound and form.data.get(name)) for name in form.MORE)
        return render(
            self.request,
            "projects/projects/quick_log.html",
            {"form": form, "subnav": "list", "active_nav": "projects", "more_open": more_open},
        )


# --- Project page ---------------------------------------------------------------------------


class ProjectDetailView(ProjectPage):
    """The header (people, dates, what/who/how, flags), then the four area panels."""

    required_action = "projects.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        member = self.member
        team = team_of(project)
        context: dict[str, Any] = {
            "project": project,
            "p": project,
            "team": team,
            "subnav": "",
            "active_nav": "projects",
            "can_edit": can(member, "projects.edit"),
            "is_internal": member.is_internal,
        }
        panels = PROJECT_PANELS.fill(project=project, membership=member)  # each area's panel, a fixed number of queries
        context.update(panels.context, project_panels=panels.templates)
        # Opening the project is reading what it told you: its notifications leave "For you".
        notifications_mark_read(actor=member, project=project)
        return render(request, "projects/projects/detail.html", context)


# --- Edit and team --------------------------------------------------------------------------


class ProjectEditView(ProjectPage):
    """Edit every descriptive field; people are offered by role (lead, coach pool, account's customers)."""

    required_action = "projects.view"
    manage_action = "projects.edit"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = ProjectEditForm(initial=ProjectEditForm.initial_for(project), project=project, membership=self.member)
        return self.page(project, form)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = ProjectEditForm(request.POST, project=project, membership=self.member)
        if form.is_valid():
            try:
                project_update(actor=self.member, project=project, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Project saved.")
                return redirect(self.url("detail", pk=project.pk))
        return self.page(project, form)

    def page(self, project: Project, form: ProjectEditForm) -> HttpResponse:
        return render(
            self.request,
            "projects/projects/form.html",
            {"project": project, "form": form, "subnav": "", "active_nav": "projects"},
        )


class ProjectTeamView(ProjectPage):
    """Pick the customer team among the account's contacts."""

    required_action = "projects.view"
    manage_action = "projects.edit"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        current = [member.contact_id for member in team_of(project)]
        return self.page(project, TeamForm(initial={"contacts": current}, project=project))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = TeamForm(request.POST, project=project)
        if form.is_valid():
            try:
                team_set(actor=self.member, project=project, contacts=form.cleaned_data["contacts"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Customer team saved.")
                return redirect(self.url("detail", pk=project.pk))
        return self.page(project, form)

    def page(self, project: Project, form: TeamForm) -> HttpResponse:
        return render(
            self.request,
            "projects/projects/team_form.html",
            {"project": project, "form": form, "subnav": "", "active_nav": "projects"},
        )


urlpatterns: list[URLPattern] = [
    path("", ProjectListView.as_view(), name="list"),
    path("export.csv", ProjectExportView.as_view(), name="export"),
    path("new/", QuickLogView.as_view(), name="quick-log"),
    path("<uuid:pk>/", ProjectDetailView.as_view(), name="detail"),
    path("<uuid:pk>/edit/", ProjectEditView.as_view(), name="edit"),
    path("<uuid:pk>/team/", ProjectTeamView.as_view(), name="team"),
]
