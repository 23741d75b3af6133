"""Pages · belts: the pipeline (cohorts, candidates, eligibility, certified belts), cohorts,
candidates (modules checklist, projects led, eligibility, certify), and the curriculum.

Internal people read (``belts.view``); coaches and admins manage (``belts.manage``) and certify
(``belts.certify``; the service further requires a coach or certified Black Belt who is not the
candidate). Objects are looked up through the scoped queryset first (404 for other tenants), then
the write permission is checked (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone

from core.forms.base import apply_service_errors
from core.parsing import parse_uuid
from core.permissions import can
from projects import belts
from projects.forms.belts import CandidateForm, CertifyForm, CohortForm, ModuleForm, ModuleRenameForm
from projects.models import (
    BeltCandidate,
    BeltLevel,
    Cohort,
    TrainingModule,
)
from projects.projects import is_coach
from projects.views.base import ProjectsPage


class BeltsPage(ProjectsPage):
    """A page of the belts area (its subnav and what the member may do there)."""

    def base_context(self) -> dict[str, Any]:
        member = self.member
        return {
            "subnav": "belts",
            "active_nav": "projects",
            "can_manage": can(member, "belts.manage"),
            "can_certify": can(member, "belts.certify") and is_coach(member),
        }


# --- The pipeline -----------------------------------------------------------------------------


class BeltsView(BeltsPage):
    model = Cohort
    required_action = "belts.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        data = belts.pipeline()
        context = self.base_context()
        context.update({"pipeline": data, "cohorts": data.cohorts})
        return render(request, "projects/belts/pipeline.html", context)


# --- Cohorts ----------------------------------------------------------------------------------


class CohortCreateView(BeltsPage):
    model = Cohort
    required_action = "belts.manage"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.page(CohortForm(initial={"starts_on": timezone.localdate()}))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        form = CohortForm(request.POST)
        if form.is_valid():
            try:
                cohort = belts.cohort_create(actor=self.member, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Cohort “{cohort.name}” started. Add its candidates.")
                return redirect(self.url("cohort-detail", pk=cohort.pk))
        return self.page(form)

    def page(self, form: CohortForm) -> HttpResponse:
        context = self.base_context()
        context["form"] = form
        return render(self.request, "projects/belts/cohort_form.html", context)


class CohortDetailView(BeltsPage):
    """A cohort: its candidates and their progress; coaches/admins edit it here (POST)."""

    model = Cohort
    required_action = "belts.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("coach__user")

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        cohort = self.get_object()
        initial = {name: getattr(cohort, name) for name in belts.COHORT_FIELDS}
        return self.page(cohort, CohortForm(initial=initial))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        cohort = self.get_object()
        self.require("belts.manage")
        form = CohortForm(request.POST)
        if form.is_valid():
            try:
                belts.cohort_update(actor=self.member, cohort=cohort, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Cohort saved.")
                return redirect(self.url("cohort-detail", pk=cohort.pk))
        return self.page(cohort, form, status=200)

    def page(self, cohort: Cohort, form: CohortForm, status: int = 200) -> HttpResponse:
        candidates = list(belts.candidates_queryset().filter(cohort=cohort))
        results = belts.eligibility_many(candidates)
        for candidate in candidates:
            candidate.eligibility = results[candidate.pk]  # type: ignore[attr-defined]
        context = self.base_context()
        context.update({"cohort": cohort, "candidates": candidates, "form": form})
        return render(self.request, "projects/belts/cohort_detail.html", context, status=status)


# --- Candidates -------------------------------------------------------------------------------


class CandidateCreateView(BeltsPage):
    model = BeltCandidate
    required_action = "belts.manage"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        initial: dict[str, Any] = {}
        cohort_id = parse_uuid(request.GET.get("cohort"))
        if cohort_id:
            initial["cohort"] = belts.cohorts().filter(pk=cohort_id).first()
        return self.page(CandidateForm(initial=initial))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        form = CandidateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                candidate = belts.candidate_add(
                    actor=self.member,
                    member=data["member"],
                    cohort=data["cohort"],
                    target_belt=data["target_belt"] or None,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"{candidate.member.user.display_name} joined {candidate.cohort.name}.")
                return redirect(self.url("candidate-detail", pk=candidate.pk))
        return self.page(form)

    def page(self, form: CandidateForm) -> HttpResponse:
        context = self.base_context()
        context["form"] = form
        return render(self.request, "projects/belts/candidate_form.html", context)


class CandidateDetailView(BeltsPage):
    """Modules checklist (tick/untick: POST ``module`` + ``done``), projects led, eligibility, certify."""

    model = BeltCandidate
    required_action = "belts.view"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("member__user", "cohort__coach__user")

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        candidate = self.get_object()
        context = self.base_context()
        context.update(belts.candidate_summary(candidate, self.member))
        return render(request, "projects/belts/candidate_detail.html", context)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        candidate = self.get_object()
        self.require("belts.manage")
        default = self.url("candidate-detail", pk=candidate.pk)
        module_id = parse_uuid(request.POST.get("module"))
        module = belts.training_modules().filter(pk=module_id).first() if module_id else None
        if module is None:
            messages.error(request, "Choose one of the listed modules.")
            return redirect(default)
        try:
            if request.POST.get("done") == "1":
                belts.module_complete(actor=self.member, candidate=candidate, module=module)
                messages.success(request, f"“{module.name}” completed.")
            else:
                belts.module_uncomplete(actor=self.member, candidate=candidate, module=module)
                messages.success(request, f"“{module.name}” unticked.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(default)


class CertifyView(BeltsPage):
    """Confirm and sign off a belt (a coach or certified Black Belt, never the candidate)."""

    model = BeltCandidate
    required_action = "belts.view"
    manage_action = "belts.certify"

    def safely_get_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("member__user", "cohort")

    def get_object(self) -> Any:
        candidate = super().get_object()
        if not is_coach(self.member):
            raise PermissionDenied("Only a coach or a certified Black Belt can sign off a belt.")
        return candidate

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        candidate = self.get_object()
        return self.page(candidate, CertifyForm(initial={"certified_on": timezone.localdate()}))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        candidate = self.get_object()
        form = CertifyForm(request.POST)
        if form.is_valid():
            try:
                certification = belts.certify(actor=self.member, candidate=candidate, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                name = candidate.member.user.display_name
                text = f"{name} is now a certified {certification.get_belt_level_display()}."
                if certification.belt_level == BeltLevel.BLACK:
                    text += " They are now a coach and can be assigned to projects."
                messages.success(request, text)
                return redirect(self.url("candidate-detail", pk=candidate.pk))
        return self.page(candidate, form)

    def page(self, candidate: BeltCandidate, form: CertifyForm) -> HttpResponse:
        context = self.base_context()
        context.update(belts.candidate_summary(candidate, self.member))
        context["form"] = form
        return render(self.request, "projects/belts/candidate_certify.html", context)


# --- The curriculum ---------------------------------------------------------------------------


class ModulesView(BeltsPage):
    """The curriculum per belt: list, add (``action=add``), rename (``action=rename``)."""

    model = TrainingModule
    required_action = "belts.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.page(ModuleForm(initial={"is_required": True, "belt_level": request.GET.get("belt", "green")}))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        self.require("belts.manage")
        if request.POST.get("action") == "rename":
            rename = ModuleRenameForm(request.POST)
            if not rename.is_valid():
                messages.error(request, "Give the module a name (at most 150 characters).")
                return redirect(self.url("modules"))
            try:
                belts.module_update(
                    actor=self.member,
                    module=rename.cleaned_data["module"],
                    name=rename.cleaned_data["name"],
                    is_required=rename.cleaned_data["is_required"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Module saved.")
            return redirect(self.url("modules"))
        form = ModuleForm(request.POST)
        if form.is_valid():
            try:
                module = belts.module_create(actor=self.member, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"“{module.name}” added to the {module.get_belt_level_display()} curriculum.")
                return redirect(self.url("modules"))
        return self.page(form)

    def page(self, form: ModuleForm) -> HttpResponse:
        modules = belts.training_modules_ensure()
        modules.sort(key=lambda m: (m.belt_level, m.position, m.name))
        curricula = [
            (BeltLevel.GREEN.label, [m for m in modules if m.belt_level == BeltLevel.GREEN]),
            (BeltLevel.BLACK.label, [m for m in modules if m.belt_level == BeltLevel.BLACK]),
        ]
        context = self.base_context()
        context.update({"curricula": curricula, "form": form})
        return render(self.request, "projects/belts/modules.html", context)


urlpatterns: list[URLPattern] = [
    path("belts/", BeltsView.as_view(), name="belts"),
    path("belts/cohorts/new/", CohortCreateView.as_view(), name="cohort-create"),
    path("belts/cohorts/<uuid:pk>/", CohortDetailView.as_view(), name="cohort-detail"),
    path("belts/candidates/new/", CandidateCreateView.as_view(), name="candidate-create"),
    path("belts/candidates/<uuid:pk>/", CandidateDetailView.as_view(), name="candidate-detail"),
    path("belts/candidates/<uuid:pk>/certify/", CertifyView.as_view(), name="certify"),
    path("belts/modules/", ModulesView.as_view(), name="modules"),
]
