"""Pages · analyses: new analysis (columns picked from the version), the run page (live progress, then
tables, plots and plain-language notes), cancel, re-run, compare two runs, attach to the Analyze
deliverable, CSV exports (coefficients; fitted values and residuals, streamed)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from core.exports import csv_response, csv_streaming_response
from core.forms.base import apply_service_errors
from core.parsing import parse_uuid
from stats_backoffice import analyses as area
from stats_backoffice import files
from stats_backoffice.datasets import versions_for
from stats_backoffice.forms.analyses import AnalysisForm
from stats_backoffice.models import Analysis, AnalysisKind, DataSetVersion
from stats_backoffice.views.base import AnalysisPage, DataSetPage


class AnalysisCreateView(DataSetPage):
    """Pick the kind and the columns; ``?rerun=<id>`` starts from an earlier run's parameters."""

    required_action = "analyses.run"

    def version(self) -> DataSetVersion:
        dataset = self.get_dataset()
        rows = versions_for(self.member).filter(dataset=dataset).order_by("-number")
        wanted = self.request.GET.get("version") or self.request.POST.get("version")
        version = rows.filter(number=int(wanted)).first() if wanted and str(wanted).isdigit() else rows.first()
        if version is None:
            raise Http404("No such version.")
        return version

    def rerun_of(self) -> Analysis | None:
        wanted = self.request.GET.get("rerun") or self.request.POST.get("rerun")
        if not wanted:
            return None
        return (
            area.analyses_for(self.member)
            .filter(pk=parse_uuid(wanted) or uuid.UUID(int=0), version__dataset=self.get_dataset())
            .first()
        )

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        version = self.version()
        rerun = self.rerun_of()
        initial: dict[str, Any] = {"cutoff": 0.5}
        if rerun is not None:
            initial = AnalysisForm.initial_from(rerun.params, rerun.kind)
        elif request.GET.get("kind"):
            initial["kind"] = request.GET["kind"]
        return self.page(version, AnalysisForm(initial=initial, version=version), rerun)

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        version = self.version()
        rerun = self.rerun_of()
        form = AnalysisForm(request.POST, version=version)
        if form.is_valid():
            try:
                analysis = area.analysis_start(
                    actor=self.member,
                    version=version,
                    kind=form.cleaned_data["kind"],
                    params=form.params(),
                    title=form.cleaned_data["title"],
                    rerun_of=rerun,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "The analysis is queued; this page follows it.")
                return redirect(self.url("analysis-detail", pk=analysis.pk))
        return self.page(version, form, rerun, status=400)

    def page(
        self, version: DataSetVersion, form: AnalysisForm, rerun: Analysis | None, status: int = 200
    ) -> HttpResponse:
        dataset = version.dataset
        return render(
            self.request,
            "stats_backoffice/analyses/create.html",
            {
                "dataset": dataset,
                "project": dataset.project,
                "version": version,
                "form": form,
                "rerun": rerun,
                "binary": sorted(form.binary),
                "active_nav": "projects",
            },
            status=status,
        )


def result_context(analysis: Analysis) -> dict[str, Any]:
    """What the result templates read, whatever the kind."""
    result = analysis.result or {}
    coefficients = result.get("coefficients") or []
    return {
        "result": result,
        "coefficients": coefficients,
        "stat_name": "z" if analysis.kind == AnalysisKind.LOGIT else "t",
        "notes": result.get("notes") or [],
        "describe_columns": list((result.get("columns") or {}).items())
        if analysis.kind == AnalysisKind.DESCRIBE
        else [],
    }


class AnalysisDetailView(AnalysisPage):
    required_action = "analyses.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        analysis = self.get_analysis()
        others = list(area.comparable(self.member, analysis)[:20])
        context = {
            "analysis": analysis,
            "project": analysis.project,
            "dataset": analysis.version.dataset,
            "job": analysis.job,
            "can_cancel": area.can_cancel(self.member, analysis),
            "can_attach": self.member.is_internal and analysis.status == "succeeded" and analysis.project.is_open,
            "deliverable": area.analyze_deliverable(analysis.project),
            "others": others,
            "active_nav": "projects",
            **result_context(analysis),
        }
        return render(request, "stats_backoffice/analyses/detail.html", context)


class AnalysisStatusView(AnalysisPage):
    """The run panel alone (htmx polls it); once the run has ended the page reloads to show the result."""

    required_action = "analyses.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        analysis = self.get_analysis()
        response = render(
            request,
            "stats_backoffice/analyses/_run.html",
            {"analysis": analysis, "job": analysis.job, "can_cancel": area.can_cancel(self.member, analysis)},
        )
        response["Cache-Control"] = "no-store"
        if analysis.job is not None and analysis.job.is_finished and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class AnalysisCancelView(AnalysisPage):
    required_action = "jobs.cancel"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        analysis = self.get_analysis()
        try:
            area.analysis_cancel(actor=self.member, analysis=analysis)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Asked the run to stop.")
        return redirect(self.url("analysis-detail", pk=analysis.pk))


class AnalysisAttachView(AnalysisPage):
    required_action = "analyses.attach"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        analysis = self.get_analysis()
        try:
            area.analysis_attach(actor=self.member, analysis=analysis)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Attached to “{analysis.attached_item}” and ticked it.")
        return redirect(self.url("analysis-detail", pk=analysis.pk))


class AnalysisCompareView(AnalysisPage):
    """Two runs side by side (``?with=<id>``): parameters, key figures, coefficients by term."""

    required_action = "analyses.view"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponseBase:
        first = self.get_analysis()
        if not request.GET.get("with"):
            return redirect(self.url("analysis-detail", pk=first.pk))  # the run page offers the choice
        other = (
            area.comparable(self.member, first)
            .filter(pk=parse_uuid(request.GET.get("with")) or uuid.UUID(int=0))
            .first()
        )
        if other is None:
            raise Http404("Choose another run of the same kind on this project.")
        terms = list(
            dict.fromkeys([c["term"] for c in _coefficients(first)] + [c["term"] for c in _coefficients(other)])
        )
        left, right = ({c["term"]: c for c in _coefficients(a)} for a in (first, other))
        rows = [{"term": term, "left": left.get(term), "right": right.get(term)} for term in terms]
        figures = [
            (label, (first.result or {}).get(key), (other.result or {}).get(key))
            for key, label in COMPARE_FIGURES
            if key in (first.result or {}) or key in (other.result or {})
        ]
        return render(
            request,
            "stats_backoffice/analyses/compare.html",
            {
                "first": first,
                "other": other,
                "rows": rows,
                "figures": figures,
                "project": first.project,
                "active_nav": "projects",
            },
        )


COMPARE_FIGURES = [
    ("n", "Rows used"),
    ("r_squared", "R²"),
    ("adj_r_squared", "Adjusted R²"),
    ("residual_std_error", "Residual SD (S)"),
    ("f", "F"),
    ("f_p", "p of F"),
    ("deviance", "Deviance"),
    ("aic", "AIC"),
    ("auc", "AUC"),
]


def _coefficients(analysis: Analysis) -> list[dict[str, Any]]:
    return list((analysis.result or {}).get("coefficients") or [])


COEFFICIENT_HEADER = ["term", "estimate", "std_error", "statistic", "p", "ci_low", "ci_high"]


class CoefficientsExportView(AnalysisPage):
    required_action = "analyses.view"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponse:
        analysis = self.get_analysis()
        stat = "z" if analysis.kind == AnalysisKind.LOGIT else "t"
        rows = [
            [
                c.get("term"),
                c.get("estimate"),
                c.get("std_error"),
                c.get(stat),
                c.get("p"),
                c.get("ci_low"),
                c.get("ci_high"),
            ]
            for c in _coefficients(analysis)
        ]
        if not rows:
            raise Http404("This analysis has no coefficients.")
        header = [*COEFFICIENT_HEADER[:3], stat, *COEFFICIENT_HEADER[4:]]
        return csv_response(f"coefficients-{analysis.pk.hex[:8]}.csv", header, rows)


class RowsExportView(AnalysisPage):
    """Fitted values, residuals, leverage and Cook's distance of every row used (streamed from Parquet)."""

    required_action = "analyses.view"

    def get(self, _request: HttpRequest, **_url: Any) -> HttpResponseBase:
        analysis = self.get_analysis()
        if not analysis.residuals_name:
            raise Http404("This analysis has no per-row results.")
        return csv_streaming_response(
            f"fitted-residuals-{analysis.pk.hex[:8]}.csv", *_parquet_rows(analysis.residuals_name)
        )


def _parquet_rows(name: str) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of a per-row result file; the file is opened (and its tenant checked) now, in the
    request's tenant, and read row group by row group while the response streams."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(files.open_checked(name))
    except FileNotFoundError:
        raise Http404("The per-row results are missing; re-run the analysis.") from None
    header = list(parquet.schema_arrow.names)

    def rows() -> Iterator[list[Any]]:
        try:
            for group in range(parquet.num_row_groups):
                table = parquet.read_row_group(group)
                columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
                yield from (list(row) for row in zip(*columns, strict=True))
        finally:
            parquet.close()

    return header, rows()


urlpatterns: list[URLPattern] = [
    path("datasets/<uuid:pk>/analyses/new/", AnalysisCreateView.as_view(), name="analysis-create"),
    path("analyses/<uuid:pk>/", AnalysisDetailView.as_view(), name="analysis-detail"),
    path("analyses/<uuid:pk>/status/", AnalysisStatusView.as_view(), name="analysis-status"),
    path("analyses/<uuid:pk>/cancel/", AnalysisCancelView.as_view(), name="analysis-cancel"),
    path("analyses/<uuid:pk>/attach/", AnalysisAttachView.as_view(), name="analysis-attach"),
    path("analyses/<uuid:pk>/compare/", AnalysisCompareView.as_view(), name="analysis-compare"),
    path("analyses/<uuid:pk>/coefficients.csv", CoefficientsExportView.as_view(), name="analysis-coefficients-csv"),
    path("analyses/<uuid:pk>/rows.csv", RowsExportView.as_view(), name="analysis-rows-csv"),
]
