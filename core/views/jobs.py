"""Job pages under /t/<tenant_slug>/jobs/: one job's page, its live progress panel, cancel.

The progress panel (``core/jobs/_progress.html``) polls ``job-progress`` every two seconds while
the job is queued or running and stops by itself once it has finished; any page that started a
job can ``{% include %}`` it. Lookups go through ``core.jobs.job_get``: another tenant's job, or
another account's for a customer participant, is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views import View

from core import jobs
from core.models import Job
from core.views.base import TenantScopedViewMixin


def progress_context(job: Job, membership: Any) -> dict[str, Any]:
    """What ``core/jobs/_progress.html`` reads: the job and whether this member may cancel it."""
    return {"job": job, "job_can_cancel": jobs.job_can_cancel(actor=membership, job=job)}


class JobDetailView(TenantScopedViewMixin, View):
    """What the job is, how far it got, why it failed; Cancel for its creator and admins."""

    model = Job
    required_action = "jobs.view"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        job = jobs.job_get(membership=self.member, job_id=kwargs["pk"])
        context = {**progress_context(job, self.member), "job_label": jobs.job_label(job)}
        return render(request, "core/jobs/detail.html", context)


class JobProgressView(TenantScopedViewMixin, View):
    """The progress panel alone: what the panel fetches to refresh itself."""

    model = Job
    required_action = "jobs.view"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        job = jobs.job_get(membership=self.member, job_id=kwargs["pk"])
        response = render(request, "core/jobs/_progress.html", progress_context(job, self.member))
        response["Cache-Control"] = "no-store"
        return response


class JobCancelView(TenantScopedViewMixin, View):
    """POST only: cancel (queued) or ask to stop (running), then back to the job's page."""

    model = Job
    required_action = "jobs.cancel"  # customers: 403 before any lookup, whatever the id (as the API)
    http_method_names = ["post"]

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        job = jobs.job_get(membership=self.member, job_id=kwargs["pk"])
        try:
            job = jobs.job_cancel(job=job, actor=self.member)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = job.status == "cancelled"
            messages.success(request, "The job was cancelled." if done else "Asked the job to stop; it stops shortly.")
        return redirect("job-detail", tenant_slug=self.slug, pk=job.pk)


urlpatterns: list[URLPattern] = [
    path("jobs/<uuid:pk>/", JobDetailView.as_view(), name="job-detail"),
    path("jobs/<uuid:pk>/progress/", JobProgressView.as_view(), name="job-progress"),
    path("jobs/<uuid:pk>/cancel/", JobCancelView.as_view(), name="job-cancel"),
]
