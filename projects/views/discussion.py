"""Pages · discussion: comments, attachments (upload, download, delete), customer feedback, the
activity feed and the feedback summary.

Customer participants never see or download internal-only comments, attachments or activity lines
(404), and cannot post internal-only ones.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path

from core.forms.base import apply_service_errors
from core.http import attachment_response
from core.views.base import paginate
from projects import discussion as area
from projects.forms.discussion import AttachmentForm, CommentForm, FeedbackForm
from projects.models import Project, ProjectAttachment
from projects.views.base import ProjectPage, ProjectsPage

ACTIVITY_PAGE_SIZE = 25


class CommentCreateView(ProjectPage):
    required_action = "comments.post"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.detail_url(self.get_project(), "discussion"))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = CommentForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Write a comment first.")
            return redirect(self.detail_url(project, "discussion"))
        try:
            area.comment_post(
                actor=self.member,
                project=project,
                body=form.cleaned_data["body"],
                internal_only=form.cleaned_data["internal_only"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Comment posted.")
        return redirect(self.detail_url(project, "discussion"))


class AttachmentUploadView(ProjectPage):
    required_action = "attachments.upload"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return self.page(self.get_project(), AttachmentForm())

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = area.attachment_upload(
                    actor=self.member,
                    project=project,
                    uploaded_file=form.cleaned_data["file"],
                    internal_only=form.cleaned_data["internal_only"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Attached {attachment.original_name}.")
                return redirect(self.detail_url(project, "discussion"))
        return self.page(project, form)

    def page(self, project: Project, form: AttachmentForm) -> HttpResponse:
        return render(
            self.request,
            "projects/discussion/attachment_form.html",
            {
                "project": project,
                "form": form,
                "rules": area._upload_rules(area.max_upload_mb()),
                "accept": area.ACCEPT_ATTR,
                "subnav": "",
                "active_nav": "projects",
            },
        )


class AttachmentPage(ProjectPage):
    def get_attachment(self, project: Project) -> ProjectAttachment:
        return get_object_or_404(area.attachments_for(self.member), project=project, pk=self.kwargs["attachment_pk"])


class AttachmentDownloadView(AttachmentPage):
    required_action = "attachments.view"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponseBase:
        attachment = self.get_attachment(self.get_project())
        return attachment_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )


class AttachmentDeleteView(AttachmentPage):
    required_action = "attachments.delete"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        attachment = self.get_attachment(project)
        if not area.can_delete_attachment(self.member, attachment):
            raise PermissionDenied("Only the person who uploaded a file, or an admin, can delete it.")
        return render(
            request,
            "projects/discussion/attachment_confirm_delete.html",
            {"project": project, "attachment": attachment, "subnav": "", "active_nav": "projects"},
        )

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        attachment = self.get_attachment(project)
        area.attachment_delete(actor=self.member, attachment=attachment)
        messages.success(request, f"Deleted {attachment.original_name}.")
        return redirect(self.detail_url(project, "discussion"))


class FeedbackCreateView(ProjectPage):
    """A customer participant of the account says how a phase went. Others are sent back (GET) or
    refused (POST)."""

    required_action = "feedback.view"

    def can_give(self, project: Project) -> bool:
        member = self.member
        return member.is_customer and member.customer_account_id == project.customer_account_id

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        if not self.can_give(project):
            messages.error(request, "Feedback is given by the customer's participants.")
            return redirect(self.detail_url(project, "discussion"))
        default = area.default_feedback_phase(project, area.last_decided_review(project))
        return self.page(project, FeedbackForm(initial={"phase": request.GET.get("phase") or default}))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        if not self.can_give(project):
            raise PermissionDenied("Only customer participants of this account give feedback on the project.")
        form = FeedbackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                area.feedback_give(actor=self.member, project=project, **data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Thank you for your feedback.")
                return redirect(self.detail_url(project, "discussion"))
        return self.page(project, form)

    def page(self, project: Project, form: FeedbackForm) -> HttpResponse:
        return render(
            self.request,
            "projects/discussion/feedback_form.html",
            {"project": project, "form": form, "subnav": "", "active_nav": "projects"},
        )


class ActivityView(ProjectPage):
    required_action = "projects.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        page = paginate(request, area.activity_for(self.member).filter(project=project), ACTIVITY_PAGE_SIZE)
        return render(
            request,
            "projects/discussion/activity.html",
            {"project": project, "page_obj": page, "subnav": "", "active_nav": "projects"},
        )


SUMMARY_COLUMNS = [
    ("account", "Customer account"),
    ("responses", "Responses"),
    ("average", "Average"),
    ("latest", "Latest"),
]


class FeedbackSummaryView(ProjectsPage):
    required_action = "feedback.summary"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        sort = request.GET.get("sort") or "account"
        if sort.lstrip("-") not in area.SUMMARY_SORTS:
            sort = "account"
        rows = area.feedback_summary(self.member, sort=sort)
        columns = [
            {"key": key, "label": label, "sort": f"-{key}" if sort == key else key, "active": sort.lstrip("-") == key}
            for key, label in SUMMARY_COLUMNS
        ]
        return render(
            request,
            "projects/discussion/feedback_summary.html",
            {"rows": rows, "columns": columns, "sort": sort, "subnav": "feedback", "active_nav": "projects"},
        )


urlpatterns: list[URLPattern] = [
    path("feedback/", FeedbackSummaryView.as_view(), name="feedback-summary"),
    path("<uuid:pk>/comments/", CommentCreateView.as_view(), name="comment-create"),
    path("<uuid:pk>/attachments/", AttachmentUploadView.as_view(), name="attachment-upload"),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_pk>/",
        AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "<uuid:pk>/attachments/<uuid:attachment_pk>/delete/",
        AttachmentDeleteView.as_view(),
        name="attachment-delete",
    ),
    path("<uuid:pk>/feedback/", FeedbackCreateView.as_view(), name="feedback-create"),
    path("<uuid:pk>/activity/", ActivityView.as_view(), name="activity"),
]
