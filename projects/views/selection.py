"""Pages · selection: the ranked candidate list, the score form of one project and the tenant's
projects settings (admin).

Customers see their own account's candidates (the scoped queryset) and may score them; everyone
else of our company may score any open project of the tenant.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from core.forms.base import apply_service_errors
from core.permissions import can
from projects import selection
from projects.forms.selection import ScoreForm, SettingsForm
from projects.models import Project
from projects.projects import settings_for_tenant
from projects.views.base import ProjectPage


class CandidatesView(ProjectPage):
    """Open candidates ranked by selection score (unscored last), customer vs our score side by side."""

    required_action = "projects.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        candidates = selection.candidates_with_sides(self.member)
        context = {
            "candidates": candidates,
            "subnav": "candidates",
            "active_nav": "projects",
            "can_log": can(self.member, "projects.log"),
            "can_manage_settings": can(self.member, "projects.settings.manage"),
        }
        return render(request, "projects/selection/candidates.html", context)


class ScoreView(ProjectPage):
    """The full score form of one project (GET shows it with the member's own scores, POST saves)."""

    required_action = "projects.score"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        own = selection.own_score(project, self.member)
        initial = {name: getattr(own, name) for name in ScoreForm.base_fields} if own else {}
        return self.page(project, ScoreForm(initial=initial), own)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = ScoreForm(request.POST)
        if form.is_valid():
            try:
                selection.score_submit(actor=self.member, project=project, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Your score is saved.")
                return redirect(self.next_url(self.url("projects:detail", pk=project.pk)))
        return self.page(project, form, selection.own_score(project, self.member))

    def page(self, project: Project, form: ScoreForm, own: Any) -> HttpResponse:
        return render(
            self.request,
            "projects/selection/score_form.html",
            {
                "project": project,
                "form": form,
                "own": own,
                "can_score": selection.can_score(self.member, project),
                "summary": selection.selection_summary(project),
                "next": self.next_url(""),
                "subnav": "candidates",
                "active_nav": "projects",
            },
        )


WEIGHT_NAMES = list(selection.WEIGHT_FIELDS.values())
FLAG_NAMES = ["stalled_after_days", "long_running_days", "attachment_max_mb", "default_currency"]
BELT_NAMES = [
    "green_belt_closed_projects",
    "green_belt_requires_validated_benefits",
    "black_belt_closed_projects",
    "black_belt_requires_green_belt",
]


class SettingsView(ProjectPage):
    """The tenant's projects settings (admin): selection weights, flags, attachments, belt rules."""

    required_action = "projects.settings.manage"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.page(SettingsForm(instance=settings_for_tenant()))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        form = SettingsForm(request.POST, instance=settings_for_tenant())
        if form.is_valid():
            try:
                selection.settings_update(
                    actor=self.member, **{n: form.cleaned_data[n] for n in SettingsForm.Meta.fields}
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Settings saved. Candidate scores follow the new weights.")
                return redirect(self.url("projects:settings"))
        return self.page(form)

    def page(self, form: SettingsForm) -> HttpResponse:
        return render(
            self.request,
            "projects/selection/settings_form.html",
            {
                "form": form,
                "weight_fields": [form[n] for n in WEIGHT_NAMES],
                "flag_fields": [form[n] for n in FLAG_NAMES],
                "belt_fields": [form[n] for n in BELT_NAMES],
                "subnav": "settings",
                "active_nav": "projects",
            },
        )


urlpatterns: list[URLPattern] = [
    path("candidates/", CandidatesView.as_view(), name="candidates"),
    path("<uuid:pk>/score/", ScoreView.as_view(), name="score"),
    path("settings/", SettingsView.as_view(), name="settings"),
]
