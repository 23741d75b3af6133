"""Pages · data sets: upload (streamed to storage with a cap, a progress bar), paste, the data-set page
(profile with charts, preview, versions), a new version, edit, delete.

Uploads stream to a temporary file through ``stats_backoffice.uploads`` (installed before the body is
read, so the view is CSRF-exempt at dispatch and checks the token itself right after).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from core.forms.base import apply_service_errors
from core.http import attachment_response
from projects.models import Project
from stats_backoffice import datasets as area
from stats_backoffice.analyses import analyses_for, kinds_for
from stats_backoffice.forms.datasets import DataSetEditForm, PasteForm, UploadForm, VersionForm
from stats_backoffice.models import DataSet, DataSetVersion
from stats_backoffice.uploads import CappedTemporaryFileUploadHandler, install_capped_handler
from stats_backoffice.views.base import DataSetPage, ProjectStatsPage


def _too_big_error() -> ValidationError:
    limit = area.settings_for_tenant().max_upload_mb
    return ValidationError({"file": f"The file is larger than {limit:,} MB: too big. {area.upload_rules()}"})


def _stream_upload(request: HttpRequest) -> CappedTemporaryFileUploadHandler:
    return install_capped_handler(request, area.settings_for_tenant().max_upload_mb * 1024 * 1024)


@method_decorator(csrf_exempt, name="dispatch")
class DataSetCreateView(ProjectStatsPage):
    """Upload a file or paste a table onto a project."""

    required_action = "datasets.upload"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        project = self.get_project()
        mode = "paste" if request.GET.get("mode") == "paste" else "upload"
        return self.page(
            project, UploadForm(initial={"phase": project.phase}), PasteForm(initial={"phase": project.phase}), mode
        )

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponseBase:
        handler = _stream_upload(request)
        return csrf_protect(lambda req: self.handle(req, handler))(request)

    def handle(self, request: HttpRequest, handler: CappedTemporaryFileUploadHandler) -> HttpResponse:
        project = self.get_project()
        mode = "paste" if request.POST.get("mode") == "paste" else "upload"
        upload, paste = UploadForm(request.POST, request.FILES), PasteForm(request.POST)
        form: UploadForm | PasteForm = paste if mode == "paste" else upload
        if form.is_valid():
            data = form.cleaned_data
            common = {"name": data["name"], "phase": data["phase"], "internal_only": data["internal_only"]}
            try:
                if handler.too_big:
                    raise _too_big_error()
                if mode == "paste":
                    version = area.dataset_paste(actor=self.member, project=project, text=data["text"], **common)
                else:
                    version = area.dataset_create(
                        actor=self.member,
                        project=project,
                        uploaded_file=data["file"],
                        description=data["description"],
                        **common,
                    )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"Uploaded {version.original_name}. It is being read now.")
                return redirect(self.url("dataset-detail", pk=version.dataset_id))
        return self.page(project, upload, paste, mode, status=400)

    def page(
        self, project: Project, upload: UploadForm, paste: PasteForm, mode: str, status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            "stats_backoffice/datasets/create.html",
            {
                "project": project,
                "upload_form": upload,
                "paste_form": paste,
                "mode": mode,
                "rules": area.upload_rules(),
                "accept": area.ACCEPT_ATTR,
                "active_nav": "projects",
            },
            status=status,
        )


class DataSetDetailView(DataSetPage):
    """The profile of a version (the newest, or ``?version=N``), its preview, the versions and analyses."""

    required_action = "datasets.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        dataset = self.get_dataset()
        versions = list(area.versions_for(self.member).filter(dataset=dataset).order_by("-number"))
        if not versions:
            raise Http404("This data set has no version.")
        version = self.pick(versions, request.GET.get("version"))
        analyses = list(analyses_for(self.member).filter(version__dataset=dataset).order_by("-created_at")[:50])
        return render(
            request,
            "stats_backoffice/datasets/detail.html",
            {
                "dataset": dataset,
                "project": dataset.project,
                "version": version,
                "versions": versions,
                "analyses": analyses,
                "kinds": kinds_for(version) if version.is_ready else [],
                "profile_columns": profile_columns(version),
                "version_form": VersionForm(),
                "accept": area.ACCEPT_ATTR,
                "rules": area.upload_rules(),
                "can_manage": area.can_manage(self.member, dataset),
                "can_upload": self.member.is_internal
                or self.member.customer_account_id == dataset.project.customer_account_id,
                "active_nav": "projects",
            },
        )

    @staticmethod
    def pick(versions: list[DataSetVersion], wanted: str | None) -> DataSetVersion:
        if wanted and wanted.isdigit():
            for version in versions:
                if version.number == int(wanted):
                    return version
            raise Http404("No such version.")
        return versions[0]


def profile_columns(version: DataSetVersion) -> list[dict[str, Any]]:
    """One entry per column: its type and its profile (the template and the charts read these)."""
    stats = (version.profile or {}).get("columns", {}) if isinstance(version.profile, dict) else {}
    return [{"name": c["name"], "kind": c["kind"], "stats": stats.get(c["name"], {})} for c in version.columns or []]


class VersionStatusView(DataSetPage):
    """The reading panel alone (htmx polls it while the worker reads); a finished one reloads the page."""

    required_action = "datasets.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        dataset = self.get_dataset()
        version_id = self.kwargs["version_pk"]
        version = area.versions_for(self.member).filter(dataset=dataset, pk=version_id).first()
        if version is None:
            raise Http404("No such version.")
        response = render(request, "stats_backoffice/datasets/_reading.html", {"dataset": dataset, "version": version})
        response["Cache-Control"] = "no-store"
        if version.state in ("ready", "failed") and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


@method_decorator(csrf_exempt, name="dispatch")
class VersionCreateView(DataSetPage):
    required_action = "datasets.upload"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        return redirect(self.url("dataset-detail", pk=self.get_dataset().pk))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponseBase:
        handler = _stream_upload(request)
        return csrf_protect(lambda req: self.handle(req, handler))(request)

    def handle(self, request: HttpRequest, handler: CappedTemporaryFileUploadHandler) -> HttpResponse:
        dataset = self.get_dataset()
        form = VersionForm(request.POST, request.FILES)
        try:
            if handler.too_big:
                raise _too_big_error()
            form.is_valid()
            version = area.version_add(actor=self.member, dataset=dataset, uploaded_file=form.cleaned_data.get("file"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Version {version.number} uploaded; it is being read now.")
        return redirect(self.url("dataset-detail", pk=dataset.pk))


class VersionDownloadView(DataSetPage):
    """The file as uploaded (a download, never rendered inline)."""

    required_action = "datasets.view"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponseBase:
        dataset = self.get_dataset()
        version = area.versions_for(self.member).filter(dataset=dataset, pk=self.kwargs["version_pk"]).first()
        if version is None:
            raise Http404("No such version.")
        return attachment_response(version.source, filename=version.original_name)


class DataSetEditView(DataSetPage):
    required_action = "datasets.manage"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        dataset = self.get_dataset()
        initial = {name: getattr(dataset, name) for name in area.DATASET_FIELDS}
        return self.page(dataset, DataSetEditForm(initial=initial))

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        dataset = self.get_dataset()
        form = DataSetEditForm(request.POST)
        if form.is_valid():
            try:
                area.dataset_update(actor=self.member, dataset=dataset, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect(self.url("dataset-detail", pk=dataset.pk))
        return self.page(dataset, form, status=400)

    def page(self, dataset: DataSet, form: DataSetEditForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "stats_backoffice/datasets/edit.html",
            {"dataset": dataset, "project": dataset.project, "form": form, "active_nav": "projects"},
            status=status,
        )


class DataSetDeleteView(DataSetPage):
    required_action = "datasets.manage"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        dataset = self.get_dataset()
        count = analyses_for(self.member).filter(version__dataset=dataset).count()
        return render(
            request,
            "stats_backoffice/datasets/confirm_delete.html",
            {"dataset": dataset, "project": dataset.project, "analysis_count": count, "active_nav": "projects"},
        )

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        dataset = self.get_dataset()
        project = dataset.project
        try:
            area.dataset_delete(actor=self.member, dataset=dataset)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect(self.url("dataset-detail", pk=dataset.pk))
        messages.success(request, f"Deleted the data set {dataset.name}.")
        return redirect(self.project_url(project))


urlpatterns: list[URLPattern] = [
    path("projects/<uuid:pk>/datasets/new/", DataSetCreateView.as_view(), name="dataset-create"),
    path("datasets/<uuid:pk>/", DataSetDetailView.as_view(), name="dataset-detail"),
    path("datasets/<uuid:pk>/edit/", DataSetEditView.as_view(), name="dataset-edit"),
    path("datasets/<uuid:pk>/delete/", DataSetDeleteView.as_view(), name="dataset-delete"),
    path("datasets/<uuid:pk>/versions/", VersionCreateView.as_view(), name="version-create"),
    path("datasets/<uuid:pk>/versions/<uuid:version_pk>/status/", VersionStatusView.as_view(), name="version-status"),
    path("datasets/<uuid:pk>/versions/<uuid:version_pk>/file/", VersionDownloadView.as_view(), name="version-download"),
]
