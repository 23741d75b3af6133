"""Pages of the results area: the figures of one quarter, and the CSV import and export.

The relationship is looked up through the member's scoped queryset first (``ScorecardPage``:
404 for other tenants and other customer accounts); writes go through ``dashboards.results``. A
stale save (someone saved in between) shows a conflict and keeps the member's input.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import slugify

from core import quarters
from dashboards import results
from dashboards.forms.results import QuarterResultsForm, ResultsImportForm
from dashboards.views.scorecards import ScorecardPage

TEMPLATE_DIR = "dashboards/results"


# --- Results of one quarter -------------------------------------------------------------------


class ResultsView(ScorecardPage):
    """Enter the figures of every metric for one quarter; each member sees only the fields they
    may edit. A stale save (someone saved in between) shows a conflict and keeps the input."""

    required_action = "results.record"

    def quarter(self) -> str:
        quarter = self.kwargs["quarter"]
        try:
            quarters.parse(quarter)
        except ValidationError as error:
            raise Http404("Not a quarter.") from error
        if quarter > quarters.current():
            raise Http404("That quarter has not started.")
        return quarter  # type: ignore[no-any-return]

    def page(
        self,
        form: QuarterResultsForm,
        quarter: str,
        *,
        row_errors: dict[str, list[str]] | None = None,
        conflicts: dict[str, Any] | None = None,
    ) -> HttpResponse:
        previous = quarters.shift(quarter, -1)
        following = quarters.shift(quarter, 1)
        rows = form.rows()
        for row in rows:
            row["conflict"] = (conflicts or {}).get(row["key"])
            row["errors"] = [m for m in (row_errors or {}).get(row["key"], []) if m != results.CONFLICT_MESSAGE]
        context = self.base_context(
            form=form,
            rows=rows,
            quarter=quarter,
            previous_quarter=previous,
            next_quarter=following if following <= quarters.current() else None,
            editable=form.editable,
        )
        return render(self.request, f"{TEMPLATE_DIR}/results.html", context)

    def get(self, _request: HttpRequest, quarter: str, **_kwargs: Any) -> HttpResponse:
        quarter = self.quarter()
        scorecard = self.scorecard
        if scorecard is None:
            return redirect(self.rel_url("scorecard"))
        cells = results.quarter_cells(membership=self.member, scorecard=scorecard, quarter=quarter)
        return self.page(QuarterResultsForm(cells=cells, membership=self.member), quarter)

    def post(self, request: HttpRequest, quarter: str, **_kwargs: Any) -> HttpResponse:
        quarter = self.quarter()
        scorecard = self.scorecard
        if scorecard is None:
            return redirect(self.rel_url("scorecard"))
        cells = results.quarter_cells(membership=self.member, scorecard=scorecard, quarter=quarter)
        form = QuarterResultsForm(request.POST, cells=cells, membership=self.member)
        if not form.is_valid():
            return self.page(form, quarter)
        try:
            results.results_record_many(actor=self.member, scorecard=scorecard, entries=form.entries(quarter))
        except ValidationError as error:
            return self.refused(form, quarter, error)
        messages.success(request, f"Results for {quarter} saved.")
        return redirect(self.rel_url("scorecard"))

    def refused(self, form: QuarterResultsForm, quarter: str, error: ValidationError) -> HttpResponse:
        """Show each metric's errors; for conflicts, the other person's figures and a fresh version."""
        scorecard = self.scorecard
        assert scorecard is not None
        fresh = {
            c.metric.key: c
            for c in results.quarter_cells(membership=self.member, scorecard=scorecard, quarter=quarter)
            if c.metric
        }
        data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
        row_errors: dict[str, list[str]] = {}
        conflicts: dict[str, Any] = {}
        for index, messages_ in error.message_dict.items():
            key = form.cells[int(index)].metric.key if index.isdigit() else ""  # type: ignore[union-attr]
            row_errors[key] = messages_
            if results.CONFLICT_MESSAGE in messages_ and key in fresh:
                conflicts[key] = fresh[key]
                data[f"{key}-row_version"] = str(fresh[key].row_version)
        rebound = QuarterResultsForm(data, cells=form.cells, membership=self.member)
        rebound.is_valid()
        rebound.add_error(None, "Nothing was saved. Check the rows marked below.")
        return self.page(rebound, quarter, row_errors=row_errors, conflicts=conflicts)


# --- CSV --------------------------------------------------------------------------------------


class ExportView(ScorecardPage):
    """Every result with zone and discrepancy flag as CSV (formula-safe)."""

    def get(self, _request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        relationship = self.relationship
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = slugify(str(relationship)) or "relationship"
        response["Content-Disposition"] = f'attachment; filename="{name}-scorecard.csv"'
        cells = results.export_cells(membership=self.member, scorecard=self.scorecard) if self.scorecard else []
        results.write_export(response, cells)
        return response


class ImportView(ScorecardPage):
    """Upload a CSV of results: every row error is listed and nothing is saved unless all rows are good."""

    required_action = "results.import"

    def page(self, form: ResultsImportForm, **extra: Any) -> HttpResponse:
        context = self.base_context(
            form=form,
            columns=results.IMPORT_COLUMNS,
            max_rows=results.MAX_ROWS,
            editable=results.result_fields_for(self.member),
            **extra,
        )
        return render(self.request, f"{TEMPLATE_DIR}/import.html", context)

    def get(self, _request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        self.relationship  # noqa: B018  (the scoped lookup: 404 for outsiders)
        return self.page(ResultsImportForm())

    def post(self, request: HttpRequest, **_kwargs: Any) -> HttpResponse:
        scorecard = self.scorecard
        if scorecard is None:
            return redirect(self.rel_url("scorecard"))
        form = ResultsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form)
        upload = form.cleaned_data["file"]
        data = upload.read(results.MAX_BYTES + 1)
        report = results.import_results(actor=self.member, scorecard=scorecard, data=data, size=upload.size)
        if report.ok:
            messages.success(request, f"Imported {report.imported} result{'s' if report.imported != 1 else ''}.")
            return redirect(self.rel_url("scorecard"))
        return self.page(ResultsImportForm(), report=report)


urlpatterns = [
    path("relationships/<uuid:pk>/scorecard/results/<str:quarter>/", ResultsView.as_view(), name="scorecard-results"),
    path("relationships/<uuid:pk>/scorecard/import/", ImportView.as_view(), name="scorecard-import"),
    path("relationships/<uuid:pk>/scorecard/export.csv", ExportView.as_view(), name="scorecard-export"),
]
