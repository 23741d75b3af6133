"""Forms of the results area: the figures of one quarter and the CSV upload. They only parse; who
may set which figure is ``dashboards.results.result_fields_for``."""

from __future__ import annotations

from typing import Any

from django import forms

from core.models import Membership
from dashboards.results import RESULT_FIELDS, RESULT_VALUE_FIELDS, Cell, result_fields_for
from dashboards.scorecards import plain


class QuarterResultsForm(forms.Form):
    """All metrics of one quarter; only the figures the member may edit become fields.

    A hidden ``<key>-row_version`` per metric carries the version the member saw, so a save over
    someone else's newer figures is refused with a clear conflict message."""

    def __init__(self, *args: Any, cells: list[Cell], membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cells = cells
        self.editable = result_fields_for(membership)
        for cell in cells:
            key = cell.metric.key if cell.metric else ""
            for name in RESULT_VALUE_FIELDS:
                if name in self.editable:
                    self.fields[f"{key}-{name}"] = forms.DecimalField(
                        required=False,
                        max_digits=14,
                        decimal_places=4,
                        initial=plain(getattr(cell, name)) or None,
                        label=name.replace("_", " ").capitalize(),
                        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                    )
            if "note" in self.editable:
                self.fields[f"{key}-note"] = forms.CharField(
                    required=False,
                    initial=cell.result.note if cell.result else "",
                    widget=forms.Textarea(attrs={"rows": 2}),
                    label="Note",
                )
            self.fields[f"{key}-row_version"] = forms.IntegerField(
                min_value=0, initial=cell.row_version, widget=forms.HiddenInput
            )

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for cell in self.cells:
            key = cell.metric.key if cell.metric else ""
            out.append(
                {
                    "cell": cell,
                    "key": key,
                    "fields": [self[f"{key}-{n}"] for n in RESULT_FIELDS if f"{key}-{n}" in self.fields],
                    "row_version": self[f"{key}-row_version"],
                }
            )
        return out

    def entries(self, quarter: str) -> list[dict[str, Any]]:
        """The input as entries for ``results.results_record_many`` (one per metric)."""
        out = []
        for cell in self.cells:
            key = cell.metric.key if cell.metric else ""
            entry: dict[str, Any] = {
                "metric_key": key,
                "quarter": quarter,
                "expected_row_version": self.cleaned_data[f"{key}-row_version"],
            }
            for name in RESULT_FIELDS:
                if f"{key}-{name}" in self.fields:
                    entry[name] = self.cleaned_data[f"{key}-{name}"]
            out.append(entry)
        return out


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: quarter, metric_key, supplier_value, customer_value, agreed_value. UTF-8, at most 2 MB.",
    )
