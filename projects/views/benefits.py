"""Pages · benefits: record / edit / delete a benefit (our people) and validate or dispute it (the
project's customer sponsor only).

Every page looks the project up through ``projects_for`` (404 for other tenants and other accounts)
and the benefit among that project's benefits, and only then checks who may act (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from core.forms.base import apply_service_errors
from projects import benefits as area
from projects.forms.benefits import BenefitForm, ValidateForm
from projects.models import Benefit, BenefitKind, BenefitStatus, Project
from projects.projects import settings_for_tenant
from projects.views.base import ProjectPage

#: One picker sets both the scorecard and the metric: the scorecard's errors show on the picker.
BENEFIT_FIELD_MAP = {"scorecard": "metric_key"}


class BenefitPage(ProjectPage):
    """A page about one project's benefits; ``benefit_pk`` is looked up among that project's."""

    def get_benefit(self, project: Project) -> Benefit:
        benefit: Benefit = get_object_or_404(
            area.benefits_for(self.member), project=project, pk=self.kwargs["benefit_pk"]
        )
        return benefit


class BenefitCreateView(BenefitPage):
    required_action = "benefits.record"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = BenefitForm(
            initial={"currency": settings_for_tenant().default_currency, "kind": BenefitKind.HARD_SAVINGS},
            metric_choices=area.metric_choices(project),
        )
        return self.page(project, form)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = BenefitForm(request.POST, metric_choices=area.metric_choices(project))
        if form.is_valid():
            data = form.cleaned_data
            try:
                area.benefit_record(actor=self.member, project=project, **data)
            except ValidationError as error:
                apply_service_errors(form, error, field_map=BENEFIT_FIELD_MAP)
            else:
                messages.success(request, "Benefit recorded. The customer sponsor is asked to confirm it.")
                return redirect(self.detail_url(project, "benefits"))
        return self.page(project, form)

    def page(self, project: Project, form: BenefitForm, benefit: Benefit | None = None) -> HttpResponse:
        return render(
            self.request,
            "projects/benefits/form.html",
            {
                "project": project,
                "form": form,
                "benefit": benefit,
                "subnav": "",
                "active_nav": "projects",
                "can_delete": benefit is not None and area.can_delete(self.member, benefit),
            },
        )


class BenefitEditView(BenefitCreateView):
    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        benefit = self.get_benefit(project)
        form = BenefitForm(initial=BenefitForm.initial_for(benefit), metric_choices=area.metric_choices(project))
        return self.page(project, form, benefit)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        benefit = self.get_benefit(project)
        form = BenefitForm(request.POST, metric_choices=area.metric_choices(project))
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data["metric_key"]:
                data["scorecard"] = None
            elif benefit.scorecard_id is None:
                data["scorecard"] = area.relationship_scorecard(project)
            was_confirmed = benefit.status != BenefitStatus.ESTIMATED
            try:
                area.benefit_update(actor=self.member, benefit=benefit, **data)
            except ValidationError as error:
                apply_service_errors(form, error, field_map=BENEFIT_FIELD_MAP)
            else:
                if was_confirmed and benefit.status == BenefitStatus.ESTIMATED:
                    messages.warning(
                        request, "Saved. The benefit is estimated again: the customer sponsor must confirm it."
                    )
                else:
                    messages.success(request, "Benefit saved.")
                return redirect(self.detail_url(project, "benefits"))
        return self.page(project, form, benefit)


class BenefitDeleteView(BenefitEditView):
    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        benefit = self.get_benefit(project)
        if not area.can_delete(self.member, benefit):
            raise PermissionDenied("A benefit the customer validated can be deleted by an admin only.")
        return render(
            self.request,
            "projects/benefits/confirm_delete.html",
            {"project": project, "benefit": benefit, "subnav": "", "active_nav": "projects"},
        )

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        benefit = self.get_benefit(project)
        area.benefit_delete(actor=self.member, benefit=benefit)
        messages.success(request, "Benefit deleted.")
        return redirect(self.detail_url(project, "benefits"))


class BenefitValidateView(BenefitPage):
    """The customer sponsor confirms a benefit (amount prefilled with the estimate) or disputes it.
    Anyone else who opens the page is sent back with an explanation; a POST from them is refused."""

    required_action = "benefits.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        benefit = self.get_benefit(project)
        if not area.is_sponsor(project, self.member):
            messages.error(request, "Only the project's customer sponsor can validate or dispute its benefits.")
            return redirect(self.detail_url(project, "benefits"))
        amount = benefit.validated_amount if benefit.validated_amount is not None else benefit.estimated_amount
        form = ValidateForm(initial={"validated_amount": f"{amount:.2f}", "comment": benefit.customer_comment})
        return self.page(project, benefit, form)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        benefit = self.get_benefit(project)
        if not area.is_sponsor(project, self.member):
            raise PermissionDenied("Only the project's customer sponsor can validate or dispute its benefits.")
        form = ValidateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if request.POST.get("decision") == "dispute":
                    area.benefit_dispute(actor=self.member, benefit=benefit, comment=data["comment"])
                    messages.success(request, "Thank you: the benefit is marked as disputed and the team is told why.")
                else:
                    area.benefit_validate(
                        actor=self.member,
                        benefit=benefit,
                        validated_amount=data["validated_amount"],
                        comment=data["comment"],
                    )
                    messages.success(request, "Thank you: the benefit is validated.")
            except ValidationError as error:
                apply_service_errors(form, error, field_map=BENEFIT_FIELD_MAP)
            else:
                return redirect(self.detail_url(project, "benefits"))
        return self.page(project, benefit, form)

    def page(self, project: Project, benefit: Benefit, form: ValidateForm) -> HttpResponse:
        return render(
            self.request,
            "projects/benefits/validate.html",
            {
                "project": project,
                "benefit": benefit,
                "form": form,
                "dispute": self.request.GET.get("dispute") == "1" or self.request.POST.get("decision") == "dispute",
                "subnav": "",
                "active_nav": "projects",
            },
        )


urlpatterns: list[URLPattern] = [
    path("<uuid:pk>/benefits/new/", BenefitCreateView.as_view(), name="benefit-create"),
    path("<uuid:pk>/benefits/<uuid:benefit_pk>/edit/", BenefitEditView.as_view(), name="benefit-edit"),
    path("<uuid:pk>/benefits/<uuid:benefit_pk>/delete/", BenefitDeleteView.as_view(), name="benefit-delete"),
    path("<uuid:pk>/benefits/<uuid:benefit_pk>/validate/", BenefitValidateView.as_view(), name="benefit-validate"),
]
