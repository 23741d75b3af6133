"""Pages · workflow: tollgate submit/decide, checklists, waiting, cancel, belt credit, the tenant's
default checklists and the member's notifications.

Every page looks the project up through ``projects_for(membership)`` first (404 for other tenants and
customers of other accounts), then checks the write action (403), then hands the input to
``projects.workflow`` services, whose ``ValidationError`` is shown on the form (HTTP 200) and whose
``PermissionDenied`` is a 403. Nothing is written when a service refuses.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views import View

from core.forms.base import apply_service_errors
from core.parsing import parse_uuid
from projects import workflow
from projects.forms.workflow import CancelForm, ChecklistAddForm, CreditForm, DecideForm, SubmitForm, WaitingForm
from projects.models import ChecklistTemplateItem, CreditOwner, Project, TollgateReview
from projects.views.base import ProjectPage, ProjectsPage

# --- Base -----------------------------------------------------------------------------------


class WorkflowPage(ProjectPage, View):
    """A workflow page about one project; it leads back to the project page's workflow panel."""

    def project_url(self, project: Project, anchor: str = "workflow") -> str:
        return self.detail_url(project, anchor)

    def base_context(self, project: Project, **extra: Any) -> dict[str, Any]:
        return {"project": project, "subnav": "", "project_url": self.project_url(project, ""), **extra}


# --- Tollgates ------------------------------------------------------------------------------


class TollgateSubmitView(WorkflowPage):
    manage_action = "tollgates.submit"
    template = "projects/workflow/tollgate_submit.html"

    def page(self, project: Project, form: forms.Form, status: int = 200) -> HttpResponse:
        open_items = workflow.open_checklist_items(project)
        context = self.base_context(project, form=form, open_items=open_items)
        return render(self.request, self.template, context, status=status)

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.page(self.get_object(), SubmitForm())

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        form = SubmitForm(request.POST)
        if form.is_valid():
            if workflow.open_checklist_items(project) and not form.cleaned_data["submit_anyway"]:
                form.add_error(
                    "submit_anyway", "Some deliverables are still open: tick this box to submit anyway, or finish them."
                )
            else:
                try:
                    workflow.tollgate_submit(actor=self.member, project=project, summary=form.cleaned_data["summary"])
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, "Submitted: the coach has been told.")
                    return redirect(self.project_url(project))
        return self.page(project, form)


class TollgateDecideView(WorkflowPage):
    manage_action = "tollgates.decide"
    template = "projects/workflow/tollgate_decide.html"

    def get_review(self, project: Project) -> TollgateReview:
        review: TollgateReview = get_object_or_404(
            workflow.reviews_for(self.member), project=project, pk=self.kwargs["review_pk"]
        )
        review.project = project
        return review

    def page(self, project: Project, review: TollgateReview, form: forms.Form) -> HttpResponse:
        context = self.base_context(
            project, review=review, form=form, open_items=workflow.open_checklist_items(project)
        )
        return render(self.request, self.template, context)

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        review = self.get_review(project)
        return self.page(project, review, DecideForm())

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        review = self.get_review(project)
        form = DecideForm(request.POST)
        if form.is_valid():
            try:
                workflow.tollgate_decide(
                    actor=self.member,
                    review=review,
                    decision=form.cleaned_data["decision"],
                    comments=form.cleaned_data["comments"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                approved = form.cleaned_data["decision"] == workflow.APPROVE
                messages.success(request, "Approved: the project moved on." if approved else "Returned to the lead.")
                return redirect(self.project_url(project))
        return self.page(project, review, form)


class TollgateWithdrawView(TollgateDecideView):
    """POST: the lead takes back a pending submission; GET goes back to the project."""

    manage_action = "tollgates.submit"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.project_url(self.get_object()))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        review = self.get_review(project)
        try:
            workflow.tollgate_withdraw(actor=self.member, review=review)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Withdrawn: the phase stays open; submit again when it is ready.")
        return redirect(self.project_url(project))


# --- Checklists -----------------------------------------------------------------------------


class ChecklistToggleView(WorkflowPage):
    """POST ``done=1`` or ``done=0``; GET goes back to the project."""

    manage_action = "checklists.update"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.project_url(self.find_project()))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        item = get_object_or_404(workflow.checklist_items_for(self.member), project=project, pk=self.kwargs["item_pk"])
        item.project = project
        try:
            workflow.checklist_toggle(
                actor=self.member, item=item, done=request.POST.get("done") in ("1", "on", "true")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.next_url(self.project_url(project)))


class ChecklistAddView(WorkflowPage):
    manage_action = "checklists.update"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.project_url(self.find_project()))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        form = ChecklistAddForm(request.POST)
        if form.is_valid():
            try:
                workflow.checklist_item_add(actor=self.member, project=project, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Deliverable added.")
        else:
            messages.error(request, "Give the deliverable a title and a phase.")
        return redirect(self.project_url(project))


# --- Waiting --------------------------------------------------------------------------------


class WaitingStartView(WorkflowPage):
    manage_action = "waiting.manage"
    template = "projects/workflow/waiting_form.html"

    def page(self, project: Project, form: forms.Form) -> HttpResponse:
        open_period = workflow.open_waiting_period(project)
        return render(self.request, self.template, self.base_context(project, form=form, open_period=open_period))

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.page(self.get_object(), WaitingForm())

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        form = WaitingForm(request.POST)
        if form.is_valid():
            try:
                workflow.waiting_start(actor=self.member, project=project, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "The project is now marked as waiting.")
                return redirect(self.project_url(project))
        return self.page(project, form)


class WaitingEndView(WorkflowPage):
    """POST ends the waiting period today; GET goes back to the project."""

    manage_action = "waiting.manage"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.project_url(self.find_project()))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        period = get_object_or_404(
            workflow.waiting_periods_for(self.member), project=project, pk=self.kwargs["period_pk"]
        )
        period.project = project
        try:
            workflow.waiting_end(actor=self.member, period=period)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The wait is over.")
        return redirect(self.project_url(project))


# --- Cancel and credit ----------------------------------------------------------------------


class CancelView(WorkflowPage):
    manage_action = "projects.cancel"
    template = "projects/workflow/cancel_form.html"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        return render(request, self.template, self.base_context(project, form=CancelForm()))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        form = CancelForm(request.POST)
        if form.is_valid():
            try:
                workflow.project_cancel(actor=self.member, project=project, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "The project was cancelled.")
                return redirect(self.project_url(project, ""))
        return render(request, self.template, self.base_context(project, form=form))


class CreditView(WorkflowPage):
    manage_action = "credit.settle"
    template = "projects/workflow/credit_form.html"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        initial = {"note": project.credit_note}
        if project.credit_owner != CreditOwner.UNSETTLED:
            initial["owner"] = project.credit_owner
        return render(request, self.template, self.base_context(project, form=CreditForm(initial=initial)))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_object()
        form = CreditForm(request.POST)
        if form.is_valid():
            try:
                workflow.credit_settle(actor=self.member, project=project, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Belt credit settled.")
                return redirect(self.project_url(project))
        return render(request, self.template, self.base_context(project, form=form))


# --- Tenant default checklists --------------------------------------------------------------


class ChecklistTemplatesView(ProjectsPage):
    """The tenant's default deliverables per phase: add, rename, deactivate/activate, move up/down."""

    model = ChecklistTemplateItem
    required_action = "checklists.manage"
    template = "projects/workflow/checklist_templates.html"

    def page(self, add_form: forms.Form | None = None, status: int = 200) -> HttpResponse:
        context = {
            "phases": workflow.checklist_templates_by_phase(),
            "add_form": add_form or ChecklistAddForm(),
            "subnav": "checklists",
        }
        return render(self.request, self.template, context, status=status)

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        op = request.POST.get("op", "")
        here = self.url("checklist-templates")
        if op == "add":
            form = ChecklistAddForm(request.POST)
            if form.is_valid():
                try:
                    workflow.checklist_template_add(actor=self.member, **form.cleaned_data)
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, "Default deliverable added.")
                    return redirect(here)
            return self.page(form)
        template_pk = parse_uuid(request.POST.get("item"))
        if template_pk is None:
            messages.error(request, "Choose a deliverable.")
            return redirect(here)
        template = get_object_or_404(workflow.checklist_templates(), pk=template_pk)
        try:
            if op == "rename":
                workflow.checklist_template_update(
                    actor=self.member, template=template, title=request.POST.get("title", "")
                )
            elif op in ("deactivate", "activate"):
                workflow.checklist_template_update(actor=self.member, template=template, is_active=op == "activate")
            elif op in ("up", "down"):
                workflow.checklist_template_move(actor=self.member, template=template, up=op == "up")
            else:
                messages.error(request, "Unknown change.")
                return redirect(here)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Saved. Projects logged from now on get the new defaults.")
        return redirect(here)


# --- Notifications --------------------------------------------------------------------------


class NotificationsView(ProjectsPage):
    """The member's notifications (newest first); POST ``id`` marks one read, ``all`` marks all read."""

    required_action = "projects.view"
    template = "projects/workflow/notifications.html"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        rows = list(workflow.notifications_for(self.member)[:100])
        items = [{"n": n, "url": workflow.notification_url(n, self.slug, self.member)} for n in rows]
        unread = sum(1 for n in rows if n.read_at is None)
        return render(request, self.template, {"items": items, "unread": unread, "subnav": ""})

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        if request.POST.get("all"):
            count = workflow.notifications_mark_read(actor=self.member)
            messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
        else:
            pk = parse_uuid(request.POST.get("id"))
            if pk is None:
                messages.error(request, "Choose a notification.")
            else:
                workflow.notifications_mark_read(actor=self.member, ids=[pk])
        return redirect(self.next_url(self.url("notifications")))


urlpatterns: list[URLPattern] = [
    path("<uuid:pk>/tollgate/", TollgateSubmitView.as_view(), name="tollgate-submit"),
    path("<uuid:pk>/tollgate/<uuid:review_pk>/decide/", TollgateDecideView.as_view(), name="tollgate-decide"),
    path("<uuid:pk>/tollgate/<uuid:review_pk>/withdraw/", TollgateWithdrawView.as_view(), name="tollgate-withdraw"),
    path("<uuid:pk>/checklist/", ChecklistAddView.as_view(), name="checklist-add"),
    path("<uuid:pk>/checklist/<uuid:item_pk>/", ChecklistToggleView.as_view(), name="checklist-toggle"),
    path("<uuid:pk>/waiting/", WaitingStartView.as_view(), name="waiting-start"),
    path("<uuid:pk>/waiting/<uuid:period_pk>/end/", WaitingEndView.as_view(), name="waiting-end"),
    path("<uuid:pk>/cancel/", CancelView.as_view(), name="cancel"),
    path("<uuid:pk>/credit/", CreditView.as_view(), name="credit"),
    path("settings/checklists/", ChecklistTemplatesView.as_view(), name="checklist-templates"),
    path("notifications/", NotificationsView.as_view(), name="notifications"),
]
